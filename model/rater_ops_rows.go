package model

// The rater's ops on channels and rows: appended channels, repeated rows,
// the outer product and the log-probability of an answer (see rater_ops.go).

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// ---- appended channels ----

type appendOp struct{ opBase }

func (op appendOp) Arity() int            { return 2 }
func (op appendOp) Type() hm.Type         { return fnType(4, 4, 4) }
func (op appendOp) String() string        { return "AppendChannels" }
func (op appendOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op appendOp) Hashcode() uint32      { return hashOf(op) }
func (op appendOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	x, e := shapeOf(in[0]), shapeOf(in[1])
	return tensor.Shape{x[0], x[1] + e[1], x[2], x[3]}, nil
}
func (op appendOp) Do(in ...G.Value) (G.Value, error) {
	return do(appendChannels[float32], appendChannels[float64], in)
}
func (op appendOp) DiffWRT(int) []bool { return []bool{true, false} }
func (op appendOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	g, err := G.ApplyOp(firstChannelsOp{c: in[0].Shape()[1]}, grad)
	return G.Nodes{g, nil}, err
}

func appendChannels[T float](in []*tensor.Dense) (G.Value, error) {
	xs, es := in[0].Shape(), in[1].Shape()
	n, c, e, hw := xs[0], xs[1], es[1], xs[2]*xs[3]
	x, ex := data[T](in[0]), data[T](in[1])
	out, y := newDense[T](n, c+e, xs[2], xs[3])
	for i := 0; i < n; i++ {
		copy(y[i*(c+e)*hw:], x[i*c*hw:(i+1)*c*hw])
		copy(y[(i*(c+e)+c)*hw:], ex[i*e*hw:(i+1)*e*hw])
	}
	return out, nil
}

// firstChannelsOp keeps the first c channels (the gradient of appendOp).
type firstChannelsOp struct {
	opBase
	c int
}

func (op firstChannelsOp) Arity() int            { return 1 }
func (op firstChannelsOp) Type() hm.Type         { return fnType(4, 4) }
func (op firstChannelsOp) String() string        { return fmt.Sprintf("FirstChannels(%d)", op.c) }
func (op firstChannelsOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op firstChannelsOp) Hashcode() uint32      { return hashOf(op) }
func (op firstChannelsOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s := shapeOf(in[0])
	return tensor.Shape{s[0], op.c, s[2], s[3]}, nil
}
func (op firstChannelsOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return firstChannels[float32](d[0], op.c) },
		func(d []*tensor.Dense) (G.Value, error) { return firstChannels[float64](d[0], op.c) }, in)
}

func firstChannels[T float](in *tensor.Dense, c int) (G.Value, error) {
	s := in.Shape()
	hw := s[2] * s[3]
	gy := data[T](in)
	out, gx := newDense[T](s[0], c, s[2], s[3])
	for i := 0; i < s[0]; i++ {
		copy(gx[i*c*hw:(i+1)*c*hw], gy[i*s[1]*hw:])
	}
	return out, nil
}

// ---- repeated rows ----

type repeatOp struct {
	opBase
	k int
}

func (op repeatOp) Arity() int            { return 1 }
func (op repeatOp) Type() hm.Type         { return fnType(4, 4) }
func (op repeatOp) String() string        { return fmt.Sprintf("RepeatRows(%d)", op.k) }
func (op repeatOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op repeatOp) Hashcode() uint32      { return hashOf(op) }
func (op repeatOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s := shapeOf(in[0])
	return tensor.Shape{s[0] * op.k, s[1], 1, 1}, nil
}
func (op repeatOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return repeatRows[float32](d[0], op.k) },
		func(d []*tensor.Dense) (G.Value, error) { return repeatRows[float64](d[0], op.k) }, in)
}
func (op repeatOp) DiffWRT(int) []bool { return []bool{true} }
func (op repeatOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	g, err := G.ApplyOp(sumRowsOp{k: op.k}, grad)
	return G.Nodes{g}, err
}

func repeatRows[T float](in *tensor.Dense, k int) (G.Value, error) {
	s := in.Shape()
	x := data[T](in)
	out, y := newDense[T](s[0]*k, s[1], 1, 1)
	for i := 0; i < s[0]; i++ {
		for j := 0; j < k; j++ {
			copy(y[(i*k+j)*s[1]:], x[i*s[1]:(i+1)*s[1]])
		}
	}
	return out, nil
}

// sumRowsOp adds each group of k consecutive rows (the gradient of repeatOp).
type sumRowsOp struct {
	opBase
	k int
}

func (op sumRowsOp) Arity() int            { return 1 }
func (op sumRowsOp) Type() hm.Type         { return fnType(4, 4) }
func (op sumRowsOp) String() string        { return fmt.Sprintf("SumRows(%d)", op.k) }
func (op sumRowsOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op sumRowsOp) Hashcode() uint32      { return hashOf(op) }
func (op sumRowsOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s := shapeOf(in[0])
	return tensor.Shape{s[0] / op.k, s[1], 1, 1}, nil
}
func (op sumRowsOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return sumRows[float32](d[0], op.k) },
		func(d []*tensor.Dense) (G.Value, error) { return sumRows[float64](d[0], op.k) }, in)
}

func sumRows[T float](in *tensor.Dense, k int) (G.Value, error) {
	s := in.Shape()
	x := data[T](in)
	out, y := newDense[T](s[0]/k, s[1], 1, 1)
	for i := 0; i < s[0]; i++ {
		addTo(y[(i/k)*s[1]:(i/k+1)*s[1]], x[i*s[1]:(i+1)*s[1]])
	}
	return out, nil
}

// ---- outer product ----

type outerOp struct{ opBase }

func (op outerOp) Arity() int            { return 2 }
func (op outerOp) Type() hm.Type         { return fnType(4, 4, 4) }
func (op outerOp) String() string        { return "Outer" }
func (op outerOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op outerOp) Hashcode() uint32      { return hashOf(op) }
func (op outerOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	a, b := shapeOf(in[0]), shapeOf(in[1])
	return tensor.Shape{a[0], a[1] * b[1], 1, 1}, nil
}
func (op outerOp) Do(in ...G.Value) (G.Value, error) { return do(outer[float32], outer[float64], in) }
func (op outerOp) DiffWRT(int) []bool                { return []bool{true, true} }
func (op outerOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	ga, err := G.ApplyOp(outerGradOp{wrtB: false}, in[1], grad)
	if err != nil {
		return nil, err
	}
	gb, err := G.ApplyOp(outerGradOp{wrtB: true}, in[0], grad)
	return G.Nodes{ga, gb}, err
}

func outer[T float](in []*tensor.Dense) (G.Value, error) {
	a, b := data[T](in[0]), data[T](in[1])
	n, p, q := in[0].Shape()[0], in[0].Shape()[1], in[1].Shape()[1]
	out, y := newDense[T](n, p*q, 1, 1)
	for i := 0; i < n; i++ {
		for j, av := range a[i*p : (i+1)*p] {
			row := y[(i*p+j)*q:][:q]
			for k, bv := range b[i*q : (i+1)*q] {
				row[k] = av * bv
			}
		}
	}
	return out, nil
}

// outerGradOp: inputs other, g (N, P*Q, 1, 1) -> the gradient of a (other
// = b) or of b (other = a).
type outerGradOp struct {
	opBase
	wrtB bool
}

func (op outerGradOp) Arity() int            { return 2 }
func (op outerGradOp) Type() hm.Type         { return fnType(4, 4, 4) }
func (op outerGradOp) String() string        { return fmt.Sprintf("OuterGrad(b=%v)", op.wrtB) }
func (op outerGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op outerGradOp) Hashcode() uint32      { return hashOf(op) }
func (op outerGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	o, g := shapeOf(in[0]), shapeOf(in[1])
	return tensor.Shape{o[0], g[1] / o[1], 1, 1}, nil
}
func (op outerGradOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return outerGrad[float32](d, op.wrtB) },
		func(d []*tensor.Dense) (G.Value, error) { return outerGrad[float64](d, op.wrtB) }, in)
}

func outerGrad[T float](in []*tensor.Dense, wrtB bool) (G.Value, error) {
	o, g := data[T](in[0]), data[T](in[1])
	n, no := in[0].Shape()[0], in[0].Shape()[1]
	nw := in[1].Shape()[1] / no
	out, gw := newDense[T](n, nw, 1, 1)
	for i := 0; i < n; i++ {
		ov, gr := o[i*no:(i+1)*no], g[i*no*nw:(i+1)*no*nw]
		for j := 0; j < nw; j++ {
			var sum T
			for k, v := range ov {
				if wrtB { // g[a_k, b_j]
					sum += gr[k*nw+j] * v
				} else { // g[a_j, b_k]
					sum += gr[j*no+k] * v
				}
			}
			gw[i*nw+j] = sum
		}
	}
	return out, nil
}

// ---- log-probability of an answer ----

type logProbOp struct{ opBase }

func (op logProbOp) Arity() int            { return 2 }
func (op logProbOp) Type() hm.Type         { return fnType(2, 2, 1) }
func (op logProbOp) String() string        { return "AnswerLogProb" }
func (op logProbOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op logProbOp) Hashcode() uint32      { return hashOf(op) }
func (op logProbOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{shapeOf(in[0])[0]}, nil
}
func (op logProbOp) Do(in ...G.Value) (G.Value, error) {
	return do(logProb[float32], logProb[float64], in)
}
func (op logProbOp) DiffWRT(int) []bool { return []bool{true, false} }
func (op logProbOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	g, err := G.ApplyOp(logProbGradOp{}, in[0], in[1], grad)
	return G.Nodes{g, nil}, err
}

// logSoftmax writes log softmax(row) into dst, in float64 for stability.
func logSoftmax[T float](row []T, dst []float64) {
	m := float64(row[argmax(row)])
	var sum float64
	for _, v := range row {
		sum += math.Exp(float64(v) - m)
	}
	lse := m + math.Log(sum)
	for a, v := range row {
		dst[a] = float64(v) - lse
	}
}

func logProb[T float](in []*tensor.Dense) (G.Value, error) {
	s := in[0].Shape()
	n, na := s[0], s[1]
	x, t := data[T](in[0]), data[T](in[1])
	out, y := newDense[T](n)
	lp := make([]float64, na)
	for i := 0; i < n; i++ {
		logSoftmax(x[i*na:(i+1)*na], lp)
		var v float64
		for a := range lp {
			v += float64(t[i*na+a]) * lp[a]
		}
		y[i] = T(v)
	}
	return out, nil
}

// logProbGradOp: inputs logits, target, gy (N) -> g (N, A) = gy * (t - sum(t) p).
type logProbGradOp struct{ opBase }

func (op logProbGradOp) Arity() int            { return 3 }
func (op logProbGradOp) Type() hm.Type         { return fnType(2, 2, 1, 2) }
func (op logProbGradOp) String() string        { return "AnswerLogProbGrad" }
func (op logProbGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op logProbGradOp) Hashcode() uint32      { return hashOf(op) }
func (op logProbGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op logProbGradOp) Do(in ...G.Value) (G.Value, error) {
	return do(logProbGrad[float32], logProbGrad[float64], in)
}

func logProbGrad[T float](in []*tensor.Dense) (G.Value, error) {
	s := in[0].Shape()
	n, na := s[0], s[1]
	x, t, gy := data[T](in[0]), data[T](in[1]), data[T](in[2])
	out, g := newDense[T](n, na)
	lp := make([]float64, na)
	for i := 0; i < n; i++ {
		logSoftmax(x[i*na:(i+1)*na], lp)
		var total float64
		for a := range lp {
			total += float64(t[i*na+a])
		}
		for a := range lp {
			g[i*na+a] = T(float64(gy[i]) * (float64(t[i*na+a]) - total*math.Exp(lp[a])))
		}
	}
	return out, nil
}
