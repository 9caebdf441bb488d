package teach

import (
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// DarkFloor is the luma (0..1) below which the darkening penalty counts a
// pixel: about CIE L* 15, darker than anything the world paints but its
// thin outlines.
const DarkFloor = 0.15

// lumaWeights are Rec. 601's weights of R, G and B.
var lumaWeights = [3]float64{0.299, 0.587, 0.114}

// addDarkening adds Darken * mean(max(0, min(base luma, DarkFloor) - luma))
// to the loss the optimiser sees: a pixel may not become near-black where the
// base image was not. The learned depth judge takes a dark blob for
// something near, and so does the rater, so a depth task's adapters can
// please both by painting one (docs/teaching.md).
func (s *session) addDarkening() error {
	img := s.net.Image
	sh := img.Shape()
	l, err := luma(img)
	if err != nil {
		return err
	}
	s.dark = G.NewTensor(img.Graph(), img.Dtype(), 3, G.WithShape(sh[0], sh[2], sh[3]), G.WithName("teach.darkfloor"))
	d, err := G.Sub(s.dark, l)
	if err != nil {
		return err
	}
	if d, err = G.Rectify(d); err != nil {
		return err
	}
	if d, err = G.Mean(d); err != nil {
		return err
	}
	if d, err = G.HadamardProd(d, constantOf(img.Dtype(), s.task.Train.Darken)); err != nil {
		return err
	}
	s.total, err = G.Add(s.total, d)
	return err
}

// luma is the (N, H, W) luma of images (N, 3, H, W).
func luma(img *G.Node) (*G.Node, error) {
	var sum *G.Node
	for c, w := range lumaWeights {
		ch, err := G.Slice(img, nil, G.S(c))
		if err != nil {
			return nil, err
		}
		if ch, err = G.HadamardProd(ch, constantOf(img.Dtype(), w)); err != nil {
			return nil, err
		}
		if sum == nil {
			sum = ch
		} else if sum, err = G.Add(sum, ch); err != nil {
			return nil, err
		}
	}
	return sum, nil
}

// bindDarkFloor binds min(base luma, DarkFloor) per pixel for the step's
// base images, given as (N, 3, H, W) values.
func (s *session) bindDarkFloor(base []float32) error {
	sh := s.dark.Shape()
	n, hw := sh[0], sh[1]*sh[2]
	floor := make([]float64, n*hw)
	for i := range n {
		for p := range hw {
			var l float64
			for c, w := range lumaWeights {
				l += w * float64(base[(i*3+c)*hw+p])
			}
			floor[i*hw+p] = math.Min(l, DarkFloor)
		}
	}
	var t *tensor.Dense
	if s.dark.Dtype() == tensor.Float64 {
		t = tensor.New(tensor.WithShape(sh...), tensor.WithBacking(floor))
	} else {
		f := make([]float32, len(floor))
		for i, v := range floor {
			f[i] = float32(v)
		}
		t = tensor.New(tensor.WithShape(sh...), tensor.WithBacking(f))
	}
	return G.Let(s.dark, t)
}
