package model

// The rater's normalisation and conditioning ops: group normalisation and
// FiLM (see rater_ops.go).

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// ---- group normalisation ----

const normEps = 1e-5

type normOp struct {
	opBase
	groups int
}

func (op normOp) Arity() int            { return 1 }
func (op normOp) Type() hm.Type         { return fnType(4, 4) }
func (op normOp) String() string        { return fmt.Sprintf("GroupNorm(%d)", op.groups) }
func (op normOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op normOp) Hashcode() uint32      { return hashOf(op) }
func (op normOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op normOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return groupNorm[float32](d[0], op.groups) },
		func(d []*tensor.Dense) (G.Value, error) { return groupNorm[float64](d[0], op.groups) }, in)
}
func (op normOp) DiffWRT(int) []bool { return []bool{true} }
func (op normOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	g, err := G.ApplyOp(normGradOp{groups: op.groups}, in[0], out, grad)
	return G.Nodes{g}, err
}

// groupStats is the mean and 1/sqrt(var+eps) of a group.
func groupStats[T float](v []T) (mean, inv float64) {
	var s, ss float64
	for _, x := range v {
		s += float64(x)
	}
	mean = s / float64(len(v))
	for _, x := range v {
		d := float64(x) - mean
		ss += d * d
	}
	return mean, 1 / math.Sqrt(ss/float64(len(v))+normEps)
}

func groupNorm[T float](in *tensor.Dense, groups int) (G.Value, error) {
	s := in.Shape()
	x := data[T](in)
	out, y := newDense[T](s...)
	size := s[1] / groups * s[2] * s[3]
	for lo := 0; lo < len(x); lo += size {
		mean, inv := groupStats(x[lo : lo+size])
		for j := lo; j < lo+size; j++ {
			y[j] = T((float64(x[j]) - mean) * inv)
		}
	}
	return out, nil
}

// normGradOp: inputs x, y (the normalised x), gy ->
// gx = (gy - mean(gy) - y*mean(gy*y)) / sqrt(var+eps) per group.
type normGradOp struct {
	opBase
	groups int
}

func (op normGradOp) Arity() int            { return 3 }
func (op normGradOp) Type() hm.Type         { return fnType(4, 4, 4, 4) }
func (op normGradOp) String() string        { return fmt.Sprintf("GroupNormGrad(%d)", op.groups) }
func (op normGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op normGradOp) Hashcode() uint32      { return hashOf(op) }
func (op normGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op normGradOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return groupNormGrad[float32](d, op.groups) },
		func(d []*tensor.Dense) (G.Value, error) { return groupNormGrad[float64](d, op.groups) }, in)
}

func groupNormGrad[T float](in []*tensor.Dense, groups int) (G.Value, error) {
	s := in[0].Shape()
	x, y, gy := data[T](in[0]), data[T](in[1]), data[T](in[2])
	out, gx := newDense[T](s...)
	size := s[1] / groups * s[2] * s[3]
	for lo := 0; lo < len(x); lo += size {
		_, inv := groupStats(x[lo : lo+size])
		var mg, mgy float64
		for j := lo; j < lo+size; j++ {
			mg += float64(gy[j])
			mgy += float64(gy[j]) * float64(y[j])
		}
		mg, mgy = mg/float64(size), mgy/float64(size)
		for j := lo; j < lo+size; j++ {
			gx[j] = T((float64(gy[j]) - mg - float64(y[j])*mgy) * inv)
		}
	}
	return out, nil
}

// ---- FiLM ----

type filmOp struct{ opBase }

func (op filmOp) Arity() int            { return 2 }
func (op filmOp) Type() hm.Type         { return fnType(4, 4, 4) }
func (op filmOp) String() string        { return "FiLM" }
func (op filmOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op filmOp) Hashcode() uint32      { return hashOf(op) }
func (op filmOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op filmOp) Do(in ...G.Value) (G.Value, error) { return do(film[float32], film[float64], in) }
func (op filmOp) DiffWRT(int) []bool                { return []bool{true, true} }
func (op filmOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	gx, err := G.ApplyOp(filmGradXOp{}, in[1], grad)
	if err != nil {
		return nil, err
	}
	gp, err := G.ApplyOp(filmGradPOp{}, in[0], grad)
	return G.Nodes{gx, gp}, err
}

// filmPlanes calls f for every (image n, channel c) plane of x with its gamma and beta.
func filmPlanes[T float](s tensor.Shape, p []T, f func(lo, hi int, gamma, beta T)) {
	n, c, hw := s[0], s[1], s[2]*s[3]
	for i := 0; i < n; i++ {
		for ch := 0; ch < c; ch++ {
			lo := (i*c + ch) * hw
			f(lo, lo+hw, p[i*2*c+ch], p[i*2*c+c+ch])
		}
	}
}

func film[T float](in []*tensor.Dense) (G.Value, error) {
	x, p := data[T](in[0]), data[T](in[1])
	out, y := newDense[T](in[0].Shape()...)
	filmPlanes(in[0].Shape(), p, func(lo, hi int, gamma, beta T) {
		g := 1 + gamma
		for j := lo; j < hi; j++ {
			y[j] = x[j]*g + beta
		}
	})
	return out, nil
}

// filmGradXOp: inputs p, gy -> gx = gy * (1+gamma).
type filmGradXOp struct{ opBase }

func (op filmGradXOp) Arity() int            { return 2 }
func (op filmGradXOp) Type() hm.Type         { return fnType(4, 4, 4) }
func (op filmGradXOp) String() string        { return "FiLMGradX" }
func (op filmGradXOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op filmGradXOp) Hashcode() uint32      { return hashOf(op) }
func (op filmGradXOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[1]).Clone(), nil
}
func (op filmGradXOp) Do(in ...G.Value) (G.Value, error) {
	return do(filmGradX[float32], filmGradX[float64], in)
}

func filmGradX[T float](in []*tensor.Dense) (G.Value, error) {
	p, gy := data[T](in[0]), data[T](in[1])
	out, gx := newDense[T](in[1].Shape()...)
	filmPlanes(in[1].Shape(), p, func(lo, hi int, gamma, _ T) {
		g := 1 + gamma
		for j := lo; j < hi; j++ {
			gx[j] = gy[j] * g
		}
	})
	return out, nil
}

// filmGradPOp: inputs x, gy -> gp (N, 2C, 1, 1): sum(gy*x) for gamma, sum(gy) for beta.
type filmGradPOp struct{ opBase }

func (op filmGradPOp) Arity() int            { return 2 }
func (op filmGradPOp) Type() hm.Type         { return fnType(4, 4, 4) }
func (op filmGradPOp) String() string        { return "FiLMGradP" }
func (op filmGradPOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op filmGradPOp) Hashcode() uint32      { return hashOf(op) }
func (op filmGradPOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s := shapeOf(in[0])
	return tensor.Shape{s[0], 2 * s[1], 1, 1}, nil
}
func (op filmGradPOp) Do(in ...G.Value) (G.Value, error) {
	return do(filmGradP[float32], filmGradP[float64], in)
}

func filmGradP[T float](in []*tensor.Dense) (G.Value, error) {
	s := in[0].Shape()
	n, c, hw := s[0], s[1], s[2]*s[3]
	x, gy := data[T](in[0]), data[T](in[1])
	out, gp := newDense[T](n, 2*c, 1, 1)
	for i := 0; i < n; i++ {
		for ch := 0; ch < c; ch++ {
			lo := (i*c + ch) * hw
			var sg, sb T
			for j := lo; j < lo+hw; j++ {
				sg += gy[j] * x[j]
				sb += gy[j]
			}
			gp[i*2*c+ch], gp[i*2*c+c+ch] = sg, sb
		}
	}
	return out, nil
}
