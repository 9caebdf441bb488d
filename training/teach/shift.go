package teach

import (
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dualprocess/model"
)

// addShift translates each generated image by up to the task's shift in pixels in each
// direction, fresh every step (drawShift), before the drawing is laid over
// it: the rater sees the scene a little displaced under the visual prompt,
// so an adapter cannot win with a pattern fitted to exact pixels.
func (s *session) addShift(images *G.Node) (*G.Node, error) {
	n := images.Shape()[0]
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
	k := max(s.task.Train.Shift, 0)
	off := make([]float64, s.shift.Shape().TotalSize())
	for i := range off {
		off[i] = float64(s.shiftRng.IntN(2*k+1) - k)
	}
	return letFloats(s.shift, off)
}

// letFloats binds v to an input node of either float dtype.
func letFloats(n *G.Node, v []float64) error {
	if n.Dtype() == tensor.Float64 {
		return G.Let(n, tensor.New(tensor.WithShape(n.Shape()...), tensor.WithBacking(v)))
	}
	f := make([]float32, len(v))
	for i, x := range v {
		f[i] = float32(x)
	}
	return G.Let(n, tensor.New(tensor.WithShape(n.Shape()...), tensor.WithBacking(f)))
}
