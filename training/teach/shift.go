package teach

import (
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dualprocess/model"
)

// addShift translates each generated image by up to k pixels in each
// direction, fresh every step (drawShift), before the drawing is laid over
// it: the rater sees the scene a little displaced under the visual prompt,
// so an adapter cannot win with a pattern fitted to exact pixels.
func (s *session) addShift(images *G.Node, k int) (*G.Node, error) {
	n := images.Shape()[0]
	s.shiftMax = k
	s.shift = G.NewMatrix(images.Graph(), images.Dtype(), G.WithShape(n, 2), G.WithName("teach.shift"))
	s.shiftRng = rand.New(rand.NewPCG(uint64(s.task.Train.TrainSeed), 7))
	var err error
	s.shifted, err = model.Shift(images, s.shift)
	return s.shifted, err
}

// drawShift binds the step's random offsets.
func (s *session) drawShift() error {
	if s.shift == nil {
		return nil
	}
	k := s.shiftMax
	off := make([]float64, s.shift.Shape().TotalSize())
	for i := range off {
		off[i] = float64(s.shiftRng.IntN(2*k+1) - k)
	}
	if s.shift.Dtype() == tensor.Float64 {
		return G.Let(s.shift, tensor.New(tensor.WithShape(s.shift.Shape()...), tensor.WithBacking(off)))
	}
	f := make([]float32, len(off))
	for i, v := range off {
		f[i] = float32(v)
	}
	return G.Let(s.shift, tensor.New(tensor.WithShape(s.shift.Shape()...), tensor.WithBacking(f)))
}
