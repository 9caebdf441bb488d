package model

import (
	"cmp"
	"fmt"
	"hash"
	"slices"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Median3 is each value's median over its 3x3 neighbourhood in its own
// channel (cut at the borders; of an even count the lower middle one), as
// the palette judge smooths an image before it measures distances: noise
// and thin lines leave it. x is (N, C, H, W); the gradient flows to the
// value chosen.
func Median3(x *G.Node) (*G.Node, error) {
	if x.Shape().Dims() != 4 {
		return nil, fmt.Errorf("median: want (N, C, H, W), got %v", x.Shape())
	}
	return G.ApplyOp(medianOp{}, x)
}

type medianOp struct{ opBase }

func (op medianOp) Arity() int            { return 1 }
func (op medianOp) Type() hm.Type         { return fnType(4, 4) }
func (op medianOp) String() string        { return "Median3" }
func (op medianOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op medianOp) Hashcode() uint32      { return hashOf(op) }
func (op medianOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op medianOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return median3[float32](d[0], nil) },
		func(d []*tensor.Dense) (G.Value, error) { return median3[float64](d[0], nil) }, in)
}
func (op medianOp) DiffWRT(int) []bool { return []bool{true} }
func (op medianOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	g, err := G.ApplyOp(medianGradOp{}, in[0], grad)
	return G.Nodes{g}, err
}

// medianGradOp: inputs x, gy -> the gradient of x.
type medianGradOp struct{ opBase }

func (op medianGradOp) Arity() int            { return 2 }
func (op medianGradOp) Type() hm.Type         { return fnType(4, 4, 4) }
func (op medianGradOp) String() string        { return "Median3Grad" }
func (op medianGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op medianGradOp) Hashcode() uint32      { return hashOf(op) }
func (op medianGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op medianGradOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return median3(d[0], data[float32](d[1])) },
		func(d []*tensor.Dense) (G.Value, error) { return median3(d[0], data[float64](d[1])) }, in)
}

// median3 computes Median3's values or, with gy, the gradient of x.
func median3[T float](x *tensor.Dense, gy []T) (G.Value, error) {
	s := x.Shape()
	h, w := s[2], s[3]
	v := data[T](x)
	out, y := newDense[T](s...)
	var idx [9]int
	for c := 0; c < s[0]*s[1]; c++ {
		plane := v[c*h*w:][:h*w]
		for r := 0; r < h; r++ {
			for q := 0; q < w; q++ {
				n := 0
				for j := max(0, r-1); j <= min(h-1, r+1); j++ {
					for i := max(0, q-1); i <= min(w-1, q+1); i++ {
						idx[n] = j*w + i
						n++
					}
				}
				win := idx[:n]
				slices.SortStableFunc(win, func(a, b int) int { return cmp.Compare(plane[a], plane[b]) })
				m := win[(n-1)/2]
				if gy == nil {
					y[c*h*w+r*w+q] = plane[m]
				} else {
					y[c*h*w+m] += gy[c*h*w+r*w+q]
				}
			}
		}
	}
	return out, nil
}
