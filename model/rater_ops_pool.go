package model

// The rater's pooling ops: global max and mean, grid maxima and the
// masked mean over a region (see rater_ops.go).

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// ---- global max and mean pool ----

type poolOp struct{ opBase }

func (op poolOp) Arity() int            { return 1 }
func (op poolOp) Type() hm.Type         { return fnType(4, 2) }
func (op poolOp) String() string        { return "GlobalMaxMeanPool" }
func (op poolOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op poolOp) Hashcode() uint32      { return hashOf(op) }
func (op poolOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s := shapeOf(in[0])
	return tensor.Shape{s[0], 2 * s[1]}, nil
}
func (op poolOp) Do(in ...G.Value) (G.Value, error) {
	return do(pool[float32], pool[float64], in)
}
func (op poolOp) DiffWRT(int) []bool { return []bool{true} }
func (op poolOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	g, err := G.ApplyOp(poolGradOp{}, in[0], grad)
	return G.Nodes{g}, err
}

// argmax is the index of the first largest value.
func argmax[T float](v []T) int {
	best := 0
	for j, x := range v {
		if x > v[best] {
			best = j
		}
	}
	return best
}

func pool[T float](in []*tensor.Dense) (G.Value, error) {
	s := in[0].Shape()
	n, c, hw := s[0], s[1], s[2]*s[3]
	x := data[T](in[0])
	out, y := newDense[T](n, 2*c)
	for i := 0; i < n; i++ {
		for ch := 0; ch < c; ch++ {
			plane := x[(i*c+ch)*hw:][:hw]
			var sum T
			for _, v := range plane {
				sum += v
			}
			y[i*2*c+ch], y[i*2*c+c+ch] = plane[argmax(plane)], sum/T(hw)
		}
	}
	return out, nil
}

// poolGradOp: inputs x, gy (N, 2C) -> gx: the max's gradient at each
// plane's (first) maximum, the mean's spread over the plane.
type poolGradOp struct{ opBase }

func (op poolGradOp) Arity() int            { return 2 }
func (op poolGradOp) Type() hm.Type         { return fnType(4, 2, 4) }
func (op poolGradOp) String() string        { return "GlobalMaxMeanPoolGrad" }
func (op poolGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op poolGradOp) Hashcode() uint32      { return hashOf(op) }
func (op poolGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op poolGradOp) Do(in ...G.Value) (G.Value, error) {
	return do(poolGrad[float32], poolGrad[float64], in)
}

func poolGrad[T float](in []*tensor.Dense) (G.Value, error) {
	s := in[0].Shape()
	n, c, hw := s[0], s[1], s[2]*s[3]
	x, gy := data[T](in[0]), data[T](in[1])
	out, gx := newDense[T](s...)
	for i := 0; i < n; i++ {
		for ch := 0; ch < c; ch++ {
			lo := (i*c + ch) * hw
			mean := gy[i*2*c+c+ch] / T(hw)
			for j := lo; j < lo+hw; j++ {
				gx[j] = mean
			}
			gx[lo+argmax(x[lo:lo+hw])] += gy[i*2*c+ch]
		}
	}
	return out, nil
}

// ---- grid max pool ----

type gridPoolOp struct {
	opBase
	k int
}

func (op gridPoolOp) Arity() int            { return 1 }
func (op gridPoolOp) Type() hm.Type         { return fnType(4, 4) }
func (op gridPoolOp) String() string        { return fmt.Sprintf("GridPool(%d)", op.k) }
func (op gridPoolOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op gridPoolOp) Hashcode() uint32      { return hashOf(op) }
func (op gridPoolOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s := shapeOf(in[0])
	return tensor.Shape{s[0], s[1] * (s[2] / op.k) * (s[3] / op.k), 1, 1}, nil
}
func (op gridPoolOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return gridPool[float32](d, op.k, nil) },
		func(d []*tensor.Dense) (G.Value, error) { return gridPool[float64](d, op.k, nil) }, in)
}
func (op gridPoolOp) DiffWRT(int) []bool { return []bool{true} }
func (op gridPoolOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	g, err := G.ApplyOp(gridPoolGradOp{k: op.k}, in[0], grad)
	return G.Nodes{g}, err
}

// gridPool writes each block's maximum to the output, or (with gy) routes
// gy to each block's (first) maximum of x.
func gridPool[T float](in []*tensor.Dense, k int, gy []T) (G.Value, error) {
	s := in[0].Shape()
	planes, h, w := s[0]*s[1], s[2], s[3]
	x := data[T](in[0])
	bh, bw := h/k, w/k
	var out *tensor.Dense
	var y, gx []T
	if gy == nil {
		out, y = newDense[T](s[0], s[1]*bh*bw, 1, 1)
	} else {
		out, gx = newDense[T](s...)
	}
	for p := 0; p < planes; p++ {
		for by := 0; by < bh; by++ {
			for bx := 0; bx < bw; bx++ {
				best := p*h*w + by*k*w + bx*k
				for yy := by * k; yy < (by+1)*k; yy++ {
					for xx := bx * k; xx < (bx+1)*k; xx++ {
						if i := p*h*w + yy*w + xx; x[i] > x[best] {
							best = i
						}
					}
				}
				o := (p*bh+by)*bw + bx
				if gy == nil {
					y[o] = x[best]
				} else {
					gx[best] = gy[o]
				}
			}
		}
	}
	return out, nil
}

// gridPoolGradOp: inputs x, gy -> gx.
type gridPoolGradOp struct {
	opBase
	k int
}

func (op gridPoolGradOp) Arity() int            { return 2 }
func (op gridPoolGradOp) Type() hm.Type         { return fnType(4, 4, 4) }
func (op gridPoolGradOp) String() string        { return fmt.Sprintf("GridPoolGrad(%d)", op.k) }
func (op gridPoolGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op gridPoolGradOp) Hashcode() uint32      { return hashOf(op) }
func (op gridPoolGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op gridPoolGradOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return gridPool(d[:1], op.k, data[float32](d[1])) },
		func(d []*tensor.Dense) (G.Value, error) { return gridPool(d[:1], op.k, data[float64](d[1])) }, in)
}

// ---- mask pool ----

const maskEps = 1e-3

type maskPoolOp struct{ opBase }

func (op maskPoolOp) Arity() int            { return 2 }
func (op maskPoolOp) Type() hm.Type         { return fnType(4, 4, 4) }
func (op maskPoolOp) String() string        { return "MaskPool" }
func (op maskPoolOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op maskPoolOp) Hashcode() uint32      { return hashOf(op) }
func (op maskPoolOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s := shapeOf(in[0])
	return tensor.Shape{s[0], s[1], 1, 1}, nil
}
func (op maskPoolOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return maskPool[float32](d, nil, false) },
		func(d []*tensor.Dense) (G.Value, error) { return maskPool[float64](d, nil, false) }, in)
}
func (op maskPoolOp) DiffWRT(int) []bool { return []bool{true, true} }
func (op maskPoolOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	gx, err := G.ApplyOp(maskPoolGradOp{}, in[0], in[1], grad)
	if err != nil {
		return nil, err
	}
	gm, err := G.ApplyOp(maskPoolGradOp{mask: true}, in[0], in[1], grad)
	return G.Nodes{gx, gm}, err
}

// maskPool computes the masked means, or (with gy) their gradient: with
// respect to x (gy spread over each plane by the mask's weights) or, with
// wrtMask, to the mask: sum_c gy_c (x_cj - y_c) / (sum(m) + eps).
func maskPool[T float](in []*tensor.Dense, gy []T, wrtMask bool) (G.Value, error) {
	s := in[0].Shape()
	n, c, hw := s[0], s[1], s[2]*s[3]
	x, m := data[T](in[0]), data[T](in[1])
	var out *tensor.Dense
	var y, gx, gm []T
	switch {
	case gy == nil:
		out, y = newDense[T](n, c, 1, 1)
	case wrtMask:
		out, gm = newDense[T](in[1].Shape()...)
	default:
		out, gx = newDense[T](s...)
	}
	for i := 0; i < n; i++ {
		mi := m[i*hw : (i+1)*hw]
		var total T
		for _, v := range mi {
			total += v
		}
		norm := 1 / (total + maskEps)
		for ch := 0; ch < c; ch++ {
			plane := (i*c + ch) * hw
			switch {
			case gy == nil:
				var sum T
				for j, v := range mi {
					sum += x[plane+j] * v
				}
				y[i*c+ch] = sum * norm
			case wrtMask:
				var mean T
				for j, v := range mi {
					mean += x[plane+j] * v
				}
				mean *= norm
				g := gy[i*c+ch] * norm
				for j := range mi {
					gm[i*hw+j] += g * (x[plane+j] - mean)
				}
			default:
				g := gy[i*c+ch] * norm
				for j, v := range mi {
					gx[plane+j] = g * v
				}
			}
		}
	}
	return out, nil
}

// maskPoolGradOp: inputs x, m, gy -> gx (or gm).
type maskPoolGradOp struct {
	opBase
	mask bool
}

func (op maskPoolGradOp) Arity() int            { return 3 }
func (op maskPoolGradOp) Type() hm.Type         { return fnType(4, 4, 4, 4) }
func (op maskPoolGradOp) String() string        { return fmt.Sprintf("MaskPoolGrad(mask=%v)", op.mask) }
func (op maskPoolGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op maskPoolGradOp) Hashcode() uint32      { return hashOf(op) }
func (op maskPoolGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	if op.mask {
		return shapeOf(in[1]).Clone(), nil
	}
	return shapeOf(in[0]).Clone(), nil
}
func (op maskPoolGradOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return maskPool(d[:2], data[float32](d[2]), op.mask) },
		func(d []*tensor.Dense) (G.Value, error) { return maskPool(d[:2], data[float64](d[2]), op.mask) }, in)
}

// ---- pick channel ----

// pickOp: x (N, C, H, W) -> (N, 1, H, W), channel ch.
type pickOp struct {
	opBase
	ch int
}

func (op pickOp) Arity() int            { return 1 }
func (op pickOp) Type() hm.Type         { return fnType(4, 4) }
func (op pickOp) String() string        { return fmt.Sprintf("PickChannel(%d)", op.ch) }
func (op pickOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op pickOp) Hashcode() uint32      { return hashOf(op) }
func (op pickOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s := shapeOf(in[0])
	return tensor.Shape{s[0], 1, s[2], s[3]}, nil
}
func (op pickOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return pick[float32](d, op.ch, nil) },
		func(d []*tensor.Dense) (G.Value, error) { return pick[float64](d, op.ch, nil) }, in)
}
func (op pickOp) DiffWRT(int) []bool { return []bool{true} }
func (op pickOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	g, err := G.ApplyOp(pickGradOp{ch: op.ch}, in[0], grad)
	return G.Nodes{g}, err
}

// pick copies the channel out, or (with gy) puts gy back into it.
func pick[T float](in []*tensor.Dense, ch int, gy []T) (G.Value, error) {
	s := in[0].Shape()
	n, c, hw := s[0], s[1], s[2]*s[3]
	x := data[T](in[0])
	var out *tensor.Dense
	var y []T
	if gy == nil {
		out, y = newDense[T](n, 1, s[2], s[3])
	} else {
		out, y = newDense[T](s...)
	}
	for i := 0; i < n; i++ {
		src := x[(i*c+ch)*hw:][:hw]
		if gy == nil {
			copy(y[i*hw:][:hw], src)
		} else {
			copy(y[(i*c+ch)*hw:][:hw], gy[i*hw:][:hw])
		}
	}
	return out, nil
}

// pickGradOp: inputs x, gy -> gx.
type pickGradOp struct {
	opBase
	ch int
}

func (op pickGradOp) Arity() int            { return 2 }
func (op pickGradOp) Type() hm.Type         { return fnType(4, 4, 4) }
func (op pickGradOp) String() string        { return fmt.Sprintf("PickChannelGrad(%d)", op.ch) }
func (op pickGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op pickGradOp) Hashcode() uint32      { return hashOf(op) }
func (op pickGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op pickGradOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return pick(d[:1], op.ch, data[float32](d[1])) },
		func(d []*tensor.Dense) (G.Value, error) { return pick(d[:1], op.ch, data[float64](d[1])) }, in)
}
