package raterfit

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"dualprocess/training/world"
)

// A generator sample shares its render's truth only where it draws the
// render's objects: one that leaves the houses out, or draws them faintly
// (a blend of a little house into the scene without it), is rejected; one
// that draws most of each house is kept, and so are scenes without houses.
func TestGeneratorSamplesMustDrawTheirObjects(t *testing.T) {
	houseAt := func(share float64) Painter { // share of the house blended into the scene without it
		return func(p world.Prompt, z []float64) (*image.RGBA, error) {
			r := world.Render(world.Sample(p, z))
			q, ok := p.Without("house")
			if !ok {
				return r.Image, nil
			}
			out := world.Render(world.Sample(q, z)).Image
			for i := range out.Pix {
				out.Pix[i] = uint8(math.Round((1-share)*float64(out.Pix[i]) + share*float64(r.Image.Pix[i])))
			}
			return out, nil
		}
	}
	for _, c := range []struct {
		share     float64
		keepHouse bool
	}{{0, false}, {0.3, false}, {0.8, true}, {1, true}} {
		rng := rand.New(rand.NewPCG(7, 11))
		var houses, kept, others, othersKept int
		for range 60 {
			s, ok, err := NewScene(rand.New(rand.NewPCG(rng.Uint64(), 1)), true, houseAt(c.share))
			if err != nil {
				t.Fatal(err)
			}
			if world.MustParsePrompt(s.Truth.Prompt).House {
				houses++
				if ok {
					kept++
				}
				continue
			}
			others++
			if ok {
				othersKept++
			}
		}
		if houses == 0 || c.keepHouse && kept < houses*9/10 || !c.keepHouse && kept > 0 {
			t.Errorf("houses drawn at %.0f%%: %d of %d such samples kept", 100*c.share, kept, houses)
		}
		if othersKept < others*9/10 {
			t.Errorf("houses drawn at %.0f%%: %d of %d samples without a house kept", 100*c.share, othersKept, others)
		}
	}
}

func TestObjectsDrawnMeasuresEachKind(t *testing.T) {
	p := world.MustParsePrompt("lake at noon with house, boat and trees")
	z := world.Noise(12)
	r := world.Render(world.Sample(p, z))
	drawn := ObjectsDrawn(r.Image, r, p, z)
	for _, kind := range []string{"house", "boat", "tree"} {
		if d, ok := drawn[kind]; !ok || d != 1 {
			t.Errorf("the render itself: %s drawn %v (%v), want 1", kind, d, ok)
		}
	}
	q, _ := p.Without("tree")
	noTrees := world.Render(world.Sample(q, z)).Image
	drawn = ObjectsDrawn(noTrees, r, p, z)
	if drawn["tree"] != 0 || drawn["house"] < 0.9 || drawn["boat"] < 0.9 {
		t.Errorf("the scene without its trees: drawn %v, want trees 0 and the rest near 1", drawn)
	}
}
