package model

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Shift translates each image of x (N, C, H, W) by whole pixels: image i
// moves down by offsets[i][0] rows and right by offsets[i][1] columns, and
// the edge rows and columns are repeated into the space it leaves. offsets
// is an (N, 2) tensor of the same dtype holding integers; it gets no
// gradient, so a training loop can bind fresh offsets every step (random
// translations that a pattern fitted to exact pixels does not survive).
func Shift(x, offsets *G.Node) (*G.Node, error) {
	s, o := x.Shape(), offsets.Shape()
	if s.Dims() != 4 || o.Dims() != 2 || o[0] != s[0] || o[1] != 2 {
		return nil, fmt.Errorf("shift: want images (N, C, H, W) and offsets (N, 2), got %v and %v", s, o)
	}
	return G.ApplyOp(shiftOp{}, x, offsets)
}

type shiftOp struct{ opBase }

func (op shiftOp) Arity() int            { return 2 }
func (op shiftOp) Type() hm.Type         { return fnType(4, 2, 4) }
func (op shiftOp) String() string        { return "Shift" }
func (op shiftOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op shiftOp) Hashcode() uint32      { return hashOf(op) }
func (op shiftOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op shiftOp) Do(in ...G.Value) (G.Value, error) {
	return do(shift[float32](false), shift[float64](false), in)
}
func (op shiftOp) DiffWRT(int) []bool { return []bool{true, false} }
func (op shiftOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	g, err := G.ApplyOp(shiftGradOp{}, grad, in[1])
	return G.Nodes{g, nil}, err
}

// shiftGradOp is the adjoint of shiftOp: every output pixel's gradient goes
// back to the pixel it was copied from (edge pixels collect several).
type shiftGradOp struct{ opBase }

func (op shiftGradOp) Arity() int            { return 2 }
func (op shiftGradOp) Type() hm.Type         { return fnType(4, 2, 4) }
func (op shiftGradOp) String() string        { return "ShiftGrad" }
func (op shiftGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op shiftGradOp) Hashcode() uint32      { return hashOf(op) }
func (op shiftGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op shiftGradOp) Do(in ...G.Value) (G.Value, error) {
	return do(shift[float32](true), shift[float64](true), in)
}

// shift copies (or, adjoint, accumulates) pixels from their source: output
// (y, x) of image i reads input (clamp(y-dy), clamp(x-dx)).
func shift[T float](adjoint bool) func([]*tensor.Dense) (G.Value, error) {
	return func(in []*tensor.Dense) (G.Value, error) {
		s := in[0].Shape()
		n, c, h, w := s[0], s[1], s[2], s[3]
		x, off := data[T](in[0]), data[T](in[1])
		out, y := newDense[T](n, c, h, w)
		for i := range n {
			dy, dx := int(off[2*i]), int(off[2*i+1])
			for ch := range c {
				plane := (i*c + ch) * h * w
				for r := range h {
					sr := min(max(r-dy, 0), h-1)
					for col := range w {
						sc := min(max(col-dx, 0), w-1)
						if adjoint {
							y[plane+sr*w+sc] += x[plane+r*w+col]
						} else {
							y[plane+r*w+col] = x[plane+sr*w+sc]
						}
					}
				}
			}
		}
		return out, nil
	}
}
