package model

// Question-conditioned attention pooling: each question looks for what it
// asks about in the image's feature map ("A" and "B" in a depth question,
// the crown on a tall line in a tree question) and reads the features
// there, which a fixed region pool over the whole drawing cannot do.

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Attend pools values by attention, per question and head:
// keys (N, H*D, S1, S2), values (N, C, S1, S2), query (N*k, H*D, 1, 1)
// -> (N*k, H*C, 1, 1), where question row r belongs to image r/k and
// head h's output is sum_p softmax_p(q_h . key_h(p) / sqrt(D)) * values(p).
func Attend(keys, values, query *G.Node, heads int) (*G.Node, error) {
	ks, vs, qs := keys.Shape(), values.Shape(), query.Shape()
	switch {
	case ks.Dims() != 4 || vs.Dims() != 4 || qs.Dims() != 4 || heads < 1:
		return nil, fmt.Errorf("attend: want 4D keys, values and query and heads >= 1, got %v, %v, %v, %d", ks, vs, qs, heads)
	case ks[0] != vs[0] || ks[2] != vs[2] || ks[3] != vs[3] || ks[1]%heads != 0:
		return nil, fmt.Errorf("attend: keys %v and values %v disagree (or %d heads do not split the keys)", ks, vs, heads)
	case qs[1] != ks[1] || qs[2]*qs[3] != 1 || qs[0]%ks[0] != 0:
		return nil, fmt.Errorf("attend: query %v does not match keys %v", qs, ks)
	}
	return G.ApplyOp(attendOp{heads: heads}, keys, values, query)
}

type attendOp struct {
	opBase
	heads int
}

func (op attendOp) Arity() int            { return 3 }
func (op attendOp) Type() hm.Type         { return fnType(4, 4, 4, 4) }
func (op attendOp) String() string        { return fmt.Sprintf("Attend(%d)", op.heads) }
func (op attendOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op attendOp) Hashcode() uint32      { return hashOf(op) }
func (op attendOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	v, q := shapeOf(in[1]), shapeOf(in[2])
	return tensor.Shape{q[0], op.heads * v[1], 1, 1}, nil
}
func (op attendOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return attend[float32](d, op.heads, nil, -1) },
		func(d []*tensor.Dense) (G.Value, error) { return attend[float64](d, op.heads, nil, -1) }, in)
}
func (op attendOp) DiffWRT(int) []bool { return []bool{true, true, true} }
func (op attendOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	gs := make(G.Nodes, 3)
	for wrt := range gs {
		g, err := G.ApplyOp(attendGradOp{heads: op.heads, wrt: wrt}, in[0], in[1], in[2], grad)
		if err != nil {
			return nil, err
		}
		gs[wrt] = g
	}
	return gs, nil
}

// attendGradOp: inputs keys, values, query, gy -> the gradient of input wrt.
type attendGradOp struct {
	opBase
	heads, wrt int
}

func (op attendGradOp) Arity() int            { return 4 }
func (op attendGradOp) Type() hm.Type         { return fnType(4, 4, 4, 4, 4) }
func (op attendGradOp) String() string        { return fmt.Sprintf("AttendGrad(%d, %d)", op.heads, op.wrt) }
func (op attendGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op attendGradOp) Hashcode() uint32      { return hashOf(op) }
func (op attendGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[op.wrt]).Clone(), nil
}
func (op attendGradOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return attend(d[:3], op.heads, data[float32](d[3]), op.wrt) },
		func(d []*tensor.Dense) (G.Value, error) { return attend(d[:3], op.heads, data[float64](d[3]), op.wrt) }, in)
}

// attend computes the pooled values or, with gy, the gradient with
// respect to input wrt (0 keys, 1 values, 2 query). The attention weights
// are recomputed: they cost little next to the convolutions.
func attend[T float](in []*tensor.Dense, heads int, gy []T, wrt int) (G.Value, error) {
	ks, vs, qs := in[0].Shape(), in[1].Shape(), in[2].Shape()
	n, hd, c, p, nq := ks[0], ks[1], vs[1], ks[2]*ks[3], qs[0]
	per, dim := nq/n, hd/heads
	key, val, query := data[T](in[0]), data[T](in[1]), data[T](in[2])
	scale := T(1 / math.Sqrt(float64(dim)))
	var out *tensor.Dense
	var y []T
	if gy == nil {
		out, y = newDense[T](nq, heads*c, 1, 1)
	} else {
		out, y = newDense[T](in[wrt].Shape()...)
	}
	a, ga := make([]T, p), make([]T, p)
	for r := 0; r < nq; r++ {
		i := r / per
		for h := 0; h < heads; h++ {
			q := query[r*hd+h*dim:][:dim]
			kh := key[(i*hd+h*dim)*p:][:dim*p] // (dim, p)
			clear(a)
			for d, qd := range q {
				for j, kv := range kh[d*p : (d+1)*p] {
					a[j] += qd * kv
				}
			}
			top := a[argmax(a)]
			var sum T
			for j := range a {
				a[j] = T(math.Exp(float64((a[j] - top) * scale)))
				sum += a[j]
			}
			for j := range a {
				a[j] /= sum
			}
			vi := val[i*c*p:][:c*p] // (c, p)
			if gy == nil {
				yo := y[r*heads*c+h*c:][:c]
				for ch := range yo {
					var s T
					for j, v := range vi[ch*p : (ch+1)*p] {
						s += a[j] * v
					}
					yo[ch] = s
				}
				continue
			}
			g := gy[r*heads*c+h*c:][:c]
			if wrt == 1 { // d values = a * gy
				gv := y[i*c*p:][:c*p]
				for ch, gc := range g {
					for j := range a {
						gv[ch*p+j] += a[j] * gc
					}
				}
				continue
			}
			clear(ga) // d a = values . gy, then through the softmax
			for ch, gc := range g {
				for j, v := range vi[ch*p : (ch+1)*p] {
					ga[j] += gc * v
				}
			}
			var dot T
			for j := range a {
				dot += a[j] * ga[j]
			}
			for j := range a {
				ga[j] = a[j] * (ga[j] - dot) * scale // d score before scaling
			}
			if wrt == 2 {
				gq := y[r*hd+h*dim:][:dim]
				for d := range gq {
					var s T
					for j, kv := range kh[d*p : (d+1)*p] {
						s += ga[j] * kv
					}
					gq[d] = s
				}
				continue
			}
			gk := y[(i*hd+h*dim)*p:][:dim*p]
			for d, qd := range q {
				for j := range ga {
					gk[d*p+j] += ga[j] * qd
				}
			}
		}
	}
	return out, nil
}
