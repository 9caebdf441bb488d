package raterfit

import (
	"fmt"
	"math/rand/v2"
)

// pool holds the training scenes: rendering costs about as much as a
// training example, so each step replaces only a few scenes and asks new
// questions about the rest. Which scene sits in which slot at a step is a
// function of the run seed and the step: a resumed run sees the same scenes.
type pool struct {
	seed     uint64
	refresh  int // scenes replaced per step
	scenes   []Scene
	paint    Painter // nil: renders only
	genShare float64 // share of scenes painted by the generator
	painted  int     // generator samples accepted
	rejected int     // generator samples too far from their render (the render is used)
}

func newPool(seed uint64, size, refresh int, paint Painter, genShare float64) *pool {
	return &pool{seed: seed, refresh: refresh, scenes: make([]Scene, size), paint: paint, genShare: genShare}
}

// scene is replacement number m: a training scene seeded by (seed, m).
func (p *pool) scene(m int) (Scene, error) {
	rng := rand.New(rand.NewPCG(p.seed^0x5be0cd19137e2179, uint64(m)))
	var paint Painter
	if p.paint != nil && rng.Float64() < p.genShare {
		paint = p.paint
	}
	s, ok, err := NewScene(rng, false, paint)
	switch {
	case err != nil:
		return s, fmt.Errorf("pool scene %d: %w", m, err)
	case paint != nil && ok:
		p.painted++
	case paint != nil:
		p.rejected++ // s keeps the render's image
	}
	return s, nil
}

// fill sets every slot to its scene after step (-1: before the first step).
// Replacements 0..len-1 fill the pool; step t makes replacements
// len + t*refresh ... len + (t+1)*refresh - 1, each into slot m % len.
func (p *pool) fill(step int) error {
	n := len(p.scenes)
	done := n + (step+1)*p.refresh
	for k := range p.scenes {
		var err error
		if p.scenes[k], err = p.scene(k + n*((done-1-k)/n)); err != nil {
			return err
		}
	}
	return nil
}

// advance makes step's replacements.
func (p *pool) advance(step int) error {
	n := len(p.scenes)
	for m := n + step*p.refresh; m < n+(step+1)*p.refresh; m++ {
		var err error
		if p.scenes[m%n], err = p.scene(m); err != nil {
			return err
		}
	}
	return nil
}

// pick returns a random scene.
func (p *pool) pick(rng *rand.Rand) Scene { return p.scenes[rng.IntN(len(p.scenes))] }
