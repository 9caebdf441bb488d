package pretrain

import (
	"image"
	"math"

	"dualprocess/picture"
	"dualprocess/training/world"

	"gorgonia.org/tensor"
)

// rareCoverage is the share of the image below which a palette colour
// counts as rare: clouds, walls, trees, the sun.
const rareCoverage = 0.1

// weightMap is the per-pixel L1 weight of a target: 1, plus extra inside
// the box around the sun's or moon's disc and inside every object's box
// (each grown by one pixel, so the outline around it counts too), and on
// every pixel that shows one of the truth's rare palette colours (clouds
// are not objects, and a wall or a cloud covering 2% of the image is what
// an L1 average lets fade first).
func weightMap(t world.Truth, img *image.RGBA, extra float64) []float32 {
	const n = world.Size
	w := make([]float32, n*n)
	for i := range w {
		w[i] = 1
	}
	var rare [][3]uint8
	for _, e := range t.Palette {
		if c, err := picture.ParseColor(e.Hex); err == nil && e.Coverage < rareCoverage {
			rare = append(rare, [3]uint8{c.R, c.G, c.B})
		}
	}
	if img != nil && len(rare) > 0 {
		for y := range n {
			for x := range n {
				p := img.Pix[y*img.Stride+4*x:]
				for _, c := range rare {
					if near(p[0], c[0]) && near(p[1], c[1]) && near(p[2], c[2]) {
						w[y*n+x] = float32(1 + extra)
					}
				}
			}
		}
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

func near(a, b uint8) bool { return a+3 >= b && b+3 >= a }

// weightTensor is the (B, 3, 64, 64) weights of a batch: weightMap of each
// truth and target, the same for the three colour channels.
func weightTensor(truths []world.Truth, imgs []*image.RGBA, extra float64) *tensor.Dense {
	const plane = world.Size * world.Size
	out := make([]float32, 0, len(truths)*3*plane)
	for i, t := range truths {
		m := weightMap(t, imgs[i], extra)
		for range 3 {
			out = append(out, m...)
		}
	}
	return tensor.New(tensor.WithShape(len(truths), 3, world.Size, world.Size), tensor.WithBacking(out))
}
