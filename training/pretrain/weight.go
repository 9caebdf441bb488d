package pretrain

import (
	"math"

	"dualprocess/training/world"

	"gorgonia.org/tensor"
)

// weightMap is the per-pixel L1 weight of a target: 1, plus extra inside
// the box around the sun's or moon's disc and inside every object's box
// (each grown by one pixel, so the outline around it counts too).
func weightMap(t world.Truth, extra float64) []float32 {
	const n = world.Size
	w := make([]float32, n*n)
	for i := range w {
		w[i] = 1
	}
	mark := func(x0, y0, x1, y1 float64) {
		for y := max(0, int(math.Floor(y0))-1); y < min(n, int(math.Ceil(y1))+1); y++ {
			for x := max(0, int(math.Floor(x0))-1); x < min(n, int(math.Ceil(x1))+1); x++ {
				w[y*n+x] = float32(1 + extra)
			}
		}
	}
	if s := t.Sun; s != nil {
		mark(s.X-s.Radius, s.Y-s.Radius, s.X+s.Radius, s.Y+s.Radius)
	}
	for _, o := range t.Objects {
		mark(o.Box[0], o.Box[1], o.Box[2], o.Box[3])
	}
	return w
}

// weightTensor is the (B, 3, 64, 64) weights of a batch: weightMap of each
// truth, the same for the three colour channels.
func weightTensor(truths []world.Truth, extra float64) *tensor.Dense {
	const plane = world.Size * world.Size
	out := make([]float32, 0, len(truths)*3*plane)
	for _, t := range truths {
		m := weightMap(t, extra)
		for range 3 {
			out = append(out, m...)
		}
	}
	return tensor.New(tensor.WithShape(len(truths), 3, world.Size, world.Size), tensor.WithBacking(out))
}
