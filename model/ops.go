package model

// Custom gorgonia ops written against the raw data slices. Gorgonia's own
// Conv2d (im2col + matmul + transpose), Upsample2D (element-by-element At/SetAt)
// and LeakyRelu (six element-wise ops) dominate a training step; these do the
// same work in one pass each. Every op works on float32 and float64 graphs
// (float64 is what the gradient checks use) and is checked against central
// finite differences in ops_test.go.

import (
	"fmt"
	"hash"
	"hash/fnv"
	"math"
	"runtime"
	"sync"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Conv2d is a stride-1 "same" convolution with bias on NCHW tensors:
// x (N, Cin, H, W), w (Cout, Cin, k, k) with k odd, b (Cout) -> (N, Cout, H, W).
// b may be nil for no bias. A dense layer is the k=1, H=W=1 case.
func Conv2d(x, w, b *G.Node) (*G.Node, error) {
	xs, ws := x.Shape(), w.Shape()
	if xs.Dims() != 4 || ws.Dims() != 4 || ws[1] != xs[1] || ws[2] != ws[3] || ws[2]%2 != 1 ||
		b != nil && b.Shape().TotalSize() != ws[0] {
		return nil, fmt.Errorf("conv2d: bad shapes x %v, w %v, b %v", xs, ws, b)
	}
	if b == nil {
		return G.ApplyOp(convOp{k: ws[2]}, x, w)
	}
	return G.ApplyOp(convOp{k: ws[2], bias: true}, x, w, b)
}

// Upsample2x repeats every pixel of an NCHW tensor into a 2x2 block.
func Upsample2x(x *G.Node) (*G.Node, error) {
	if x.Shape().Dims() != 4 {
		return nil, fmt.Errorf("upsample2x: want NCHW, got shape %v", x.Shape())
	}
	return G.ApplyOp(upOp{}, x)
}

// LeakyReLU is max(x, alpha*x) for 0 < alpha < 1, in one pass.
func LeakyReLU(x *G.Node, alpha float64) (*G.Node, error) {
	return G.ApplyOp(leakyOp{alpha: alpha}, x)
}

// Sigmoid is 1/(1+exp(-x)) in one pass (gorgonia's maps a function call per element).
func Sigmoid(x *G.Node) (*G.Node, error) { return G.ApplyOp(sigmoidOp{}, x) }

// ---- shared op plumbing ----

type float interface{ ~float32 | ~float64 }

// opBase supplies the Op methods that are the same for all ops here.
type opBase struct{}

func (opBase) ReturnsPtr() bool     { return false }
func (opBase) CallsExtern() bool    { return false }
func (opBase) OverwritesInput() int { return -1 }

func hashOf(s fmt.Stringer) uint32 {
	h := fnv.New32a()
	fmt.Fprint(h, s.String())
	return h.Sum32()
}

func fnType(dims ...int) hm.Type {
	a := hm.TypeVariable('a')
	ts := make([]hm.Type, len(dims))
	for i, d := range dims {
		ts[i] = G.TensorType{Dims: d, Of: a}
	}
	return hm.NewFnType(ts...)
}

func shapeOf(d G.DimSizer) tensor.Shape { return d.(tensor.Shape) }

// dense returns the data of a value as []T, materialising views.
func dense(v G.Value) (*tensor.Dense, error) {
	d, ok := v.(*tensor.Dense)
	if !ok {
		return nil, fmt.Errorf("expected a *tensor.Dense, got %T", v)
	}
	if d.IsMaterializable() {
		d = d.Materialize().(*tensor.Dense)
	}
	return d, nil
}

func newDense[T float](shape ...int) (*tensor.Dense, []T) {
	n := 1
	for _, s := range shape {
		n *= s
	}
	data := make([]T, n)
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data)), data
}

// do dispatches on the dtype of the first input.
func do(f32 func([]*tensor.Dense) (G.Value, error), f64 func([]*tensor.Dense) (G.Value, error), inputs []G.Value) (G.Value, error) {
	ds := make([]*tensor.Dense, len(inputs))
	for i, v := range inputs {
		d, err := dense(v)
		if err != nil {
			return nil, err
		}
		ds[i] = d
	}
	switch ds[0].Dtype() {
	case tensor.Float32:
		return f32(ds)
	case tensor.Float64:
		return f64(ds)
	}
	return nil, fmt.Errorf("dtype %v not supported", ds[0].Dtype())
}

func data[T float](d *tensor.Dense) []T { return d.Data().([]T) }

// parallel runs f(i) for i in [0, n) on up to GOMAXPROCS goroutines; f gets
// the worker number so it can use per-worker scratch.
func parallel(n int, f func(worker, i int)) int {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(0, i)
		}
		return 1
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += workers {
				f(w, i)
			}
		}(w)
	}
	wg.Wait()
	return workers
}

// ---- convolution ----

type convOp struct {
	opBase
	k    int
	bias bool
}

func (op convOp) Arity() int {
	if op.bias {
		return 3
	}
	return 2
}
func (op convOp) Type() hm.Type {
	if op.bias {
		return fnType(4, 4, 1, 4)
	}
	return fnType(4, 4, 4)
}
func (op convOp) String() string        { return fmt.Sprintf("Conv%dx%d(bias=%v)", op.k, op.k, op.bias) }
func (op convOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op convOp) Hashcode() uint32      { return hashOf(op) }
func (op convOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	x, w := shapeOf(in[0]), shapeOf(in[1])
	return tensor.Shape{x[0], w[0], x[2], x[3]}, nil
}
func (op convOp) Do(in ...G.Value) (G.Value, error) {
	return do(convForward[float32], convForward[float64], in)
}
func (op convOp) DiffWRT(n int) []bool { return []bool{true, true, true}[:n] }
func (op convOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	gx, err := G.ApplyOp(convGradXOp{k: op.k, xShape: in[0].Shape().Clone()}, in[1], grad)
	if err != nil {
		return nil, err
	}
	gw, err := G.ApplyOp(convGradWOp{k: op.k}, in[0], grad)
	if err != nil {
		return nil, err
	}
	if !op.bias {
		return G.Nodes{gx, gw}, nil
	}
	gb, err := G.ApplyOp(convGradBOp{}, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{gx, gw, gb}, nil
}

func convForward[T float](in []*tensor.Dense) (G.Value, error) {
	xs, ws := in[0].Shape(), in[1].Shape()
	n, cin, h, w, cout, k := xs[0], xs[1], xs[2], xs[3], ws[0], ws[2]
	x, wt := data[T](in[0]), data[T](in[1])
	var b []T // nil: no bias (y starts at zero)
	if len(in) == 3 {
		b = data[T](in[2])
	}
	out, y := newDense[T](n, cout, h, w)
	hw, ckk := h*w, cin*k*k
	if hw == 1 && k == 1 { // dense layer: one GEMM over the batch, y (n, cout) = x (n, cin) . w^T
		for i := 0; i < n; i++ {
			copy(y[i*cout:(i+1)*cout], b)
		}
		gemm(false, true, n, cout, cin, 1, x, cin, wt, cin, 1, y, cout)
		return out, nil
	}
	cols := scratch[T](k, n, ckk*hw)
	parallel(n, func(worker, i int) {
		xi, yi := x[i*cin*hw:(i+1)*cin*hw], y[i*cout*hw:(i+1)*cout*hw]
		col := xi
		if k > 1 {
			col = cols[worker]
			im2col(xi, col, cin, h, w, k)
		}
		for c := 0; c < len(b); c++ {
			row := yi[c*hw : (c+1)*hw]
			for j := range row {
				row[j] = b[c]
			}
		}
		// y_i (cout, hw) += w (cout, ckk) . col (ckk, hw)
		gemm(false, false, cout, hw, ckk, 1, wt, ckk, col, hw, 1, yi, hw)
	})
	return out, nil
}

// scratch returns one im2col buffer per worker (nil when k == 1).
func scratch[T float](k, n, size int) [][]T {
	if k == 1 {
		return nil
	}
	bufs := make([][]T, min(runtime.GOMAXPROCS(0), n))
	for i := range bufs {
		bufs[i] = make([]T, size)
	}
	return bufs
}

// im2col lays out the k*k shifted copies of x (c, h, w) as rows of col
// (c*k*k, h*w), zero outside the image ("same" padding).
func im2col[T float](x, col []T, c, h, w, k int) {
	p, hw := k/2, h*w
	for ci := 0; ci < c; ci++ {
		src := x[ci*hw : (ci+1)*hw]
		for ky := 0; ky < k; ky++ {
			for kx := 0; kx < k; kx++ {
				dst := col[((ci*k+ky)*k+kx)*hw:][:hw]
				dy, dx := ky-p, kx-p
				for y := 0; y < h; y++ {
					d := dst[y*w : (y+1)*w]
					sy := y + dy
					if sy < 0 || sy >= h || dx >= w || -dx >= w {
						clear(d)
						continue
					}
					s := src[sy*w : (sy+1)*w]
					if dx >= 0 {
						copy(d, s[dx:])
						clear(d[w-dx:])
					} else {
						clear(d[:-dx])
						copy(d[-dx:], s[:w+dx])
					}
				}
			}
		}
	}
}

// col2im adds the rows of col back onto x: the adjoint of im2col.
func col2im[T float](col, x []T, c, h, w, k int) {
	p, hw := k/2, h*w
	clear(x[:c*hw])
	for ci := 0; ci < c; ci++ {
		dstc := x[ci*hw : (ci+1)*hw]
		for ky := 0; ky < k; ky++ {
			for kx := 0; kx < k; kx++ {
				src := col[((ci*k+ky)*k+kx)*hw:][:hw]
				dy, dx := ky-p, kx-p
				for y := 0; y < h; y++ {
					sy := y + dy
					if sy < 0 || sy >= h || dx >= w || -dx >= w {
						continue
					}
					s := src[y*w : (y+1)*w]
					d := dstc[sy*w : (sy+1)*w]
					if dx >= 0 {
						addTo(d[dx:], s[:w-dx])
					} else {
						addTo(d[:w+dx], s[-dx:])
					}
				}
			}
		}
	}
}

func addTo[T float](dst, src []T) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] += src[i]
	}
}

// convGradXOp: inputs w, gy -> gx.
type convGradXOp struct {
	opBase
	k      int
	xShape tensor.Shape
}

func (op convGradXOp) Arity() int            { return 2 }
func (op convGradXOp) Type() hm.Type         { return fnType(4, 4, 4) }
func (op convGradXOp) String() string        { return fmt.Sprintf("Conv%dx%dGradX%v", op.k, op.k, op.xShape) }
func (op convGradXOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op convGradXOp) Hashcode() uint32      { return hashOf(op) }
func (op convGradXOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return op.xShape.Clone(), nil
}
func (op convGradXOp) Do(in ...G.Value) (G.Value, error) {
	return do(op.run32, op.run64, in)
}
func (op convGradXOp) run32(in []*tensor.Dense) (G.Value, error) {
	return convGradX[float32](op.xShape, in)
}
func (op convGradXOp) run64(in []*tensor.Dense) (G.Value, error) {
	return convGradX[float64](op.xShape, in)
}

func convGradX[T float](xs tensor.Shape, in []*tensor.Dense) (G.Value, error) {
	ws := in[0].Shape()
	n, cin, h, w, cout, k := xs[0], xs[1], xs[2], xs[3], ws[0], ws[2]
	wt, gy := data[T](in[0]), data[T](in[1])
	out, gx := newDense[T](n, cin, h, w)
	hw, ckk := h*w, cin*k*k
	if hw == 1 && k == 1 { // dense: gx (n, cin) = gy (n, cout) . w (cout, cin)
		gemm(false, false, n, cin, cout, 1, gy, cout, wt, cin, 0, gx, cin)
		return out, nil
	}
	cols := scratch[T](k, n, ckk*hw)
	parallel(n, func(worker, i int) {
		gyi, gxi := gy[i*cout*hw:(i+1)*cout*hw], gx[i*cin*hw:(i+1)*cin*hw]
		col := gxi
		if k > 1 {
			col = cols[worker]
		}
		// col (ckk, hw) = w^T (ckk, cout) . gy_i (cout, hw)
		gemm(true, false, ckk, hw, cout, 1, wt, ckk, gyi, hw, 0, col, hw)
		if k > 1 {
			col2im(col, gxi, cin, h, w, k)
		}
	})
	return out, nil
}

// convGradWOp: inputs x, gy -> gw (Cout, Cin, k, k).
type convGradWOp struct {
	opBase
	k int
}

func (op convGradWOp) Arity() int            { return 2 }
func (op convGradWOp) Type() hm.Type         { return fnType(4, 4, 4) }
func (op convGradWOp) String() string        { return fmt.Sprintf("Conv%dx%dGradW", op.k, op.k) }
func (op convGradWOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op convGradWOp) Hashcode() uint32      { return hashOf(op) }
func (op convGradWOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	x, gy := shapeOf(in[0]), shapeOf(in[1])
	return tensor.Shape{gy[1], x[1], op.k, op.k}, nil
}
func (op convGradWOp) Do(in ...G.Value) (G.Value, error) {
	return do(op.run32, op.run64, in)
}
func (op convGradWOp) run32(in []*tensor.Dense) (G.Value, error) { return convGradW[float32](op.k, in) }
func (op convGradWOp) run64(in []*tensor.Dense) (G.Value, error) { return convGradW[float64](op.k, in) }

func convGradW[T float](k int, in []*tensor.Dense) (G.Value, error) {
	xs, gs := in[0].Shape(), in[1].Shape()
	n, cin, h, w, cout := xs[0], xs[1], xs[2], xs[3], gs[1]
	x, gy := data[T](in[0]), data[T](in[1])
	hw, ckk := h*w, cin*k*k
	if hw == 1 && k == 1 { // dense: gw (cout, cin) = gy^T (cout, n) . x (n, cin)
		out, gw := newDense[T](cout, cin, 1, 1)
		gemm(true, false, cout, cin, n, 1, gy, cout, x, cin, 0, gw, cin)
		return out, nil
	}
	cols := scratch[T](k, n, ckk*hw)
	workers := min(runtime.GOMAXPROCS(0), n)
	partial := make([][]T, workers)
	for i := range partial {
		partial[i] = make([]T, cout*ckk)
	}
	parallel(n, func(worker, i int) {
		xi, gyi := x[i*cin*hw:(i+1)*cin*hw], gy[i*cout*hw:(i+1)*cout*hw]
		col := xi
		if k > 1 {
			col = cols[worker]
			im2col(xi, col, cin, h, w, k)
		}
		// gw (cout, ckk) += gy_i (cout, hw) . col^T (hw, ckk)
		gemm(false, true, cout, ckk, hw, 1, gyi, hw, col, hw, 1, partial[worker], ckk)
	})
	for _, p := range partial[1:] {
		addTo(partial[0], p)
	}
	return tensor.New(tensor.WithShape(cout, cin, k, k), tensor.WithBacking(partial[0])), nil
}

// convGradBOp: input gy (N, C, H, W) -> gb (C).
type convGradBOp struct{ opBase }

func (op convGradBOp) Arity() int            { return 1 }
func (op convGradBOp) Type() hm.Type         { return fnType(4, 1) }
func (op convGradBOp) String() string        { return "ConvGradB" }
func (op convGradBOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op convGradBOp) Hashcode() uint32      { return hashOf(op) }
func (op convGradBOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{shapeOf(in[0])[1]}, nil
}
func (op convGradBOp) Do(in ...G.Value) (G.Value, error) {
	return do(convGradB[float32], convGradB[float64], in)
}

func convGradB[T float](in []*tensor.Dense) (G.Value, error) {
	s := in[0].Shape()
	n, c, hw := s[0], s[1], s[2]*s[3]
	gy := data[T](in[0])
	out, gb := newDense[T](c)
	for i := 0; i < n; i++ {
		for ci := 0; ci < c; ci++ {
			var sum T
			for _, v := range gy[(i*c+ci)*hw : (i*c+ci+1)*hw] {
				sum += v
			}
			gb[ci] += sum
		}
	}
	return out, nil
}

// ---- nearest-neighbour 2x upsampling ----

type upOp struct{ opBase }

func (op upOp) Arity() int            { return 1 }
func (op upOp) Type() hm.Type         { return fnType(4, 4) }
func (op upOp) String() string        { return "Upsample2x" }
func (op upOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op upOp) Hashcode() uint32      { return hashOf(op) }
func (op upOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s := shapeOf(in[0])
	return tensor.Shape{s[0], s[1], 2 * s[2], 2 * s[3]}, nil
}
func (op upOp) Do(in ...G.Value) (G.Value, error) {
	return do(upForward[float32], upForward[float64], in)
}
func (op upOp) DiffWRT(int) []bool { return []bool{true} }
func (op upOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	g, err := G.ApplyOp(upGradOp{}, grad)
	return G.Nodes{g}, err
}

func upForward[T float](in []*tensor.Dense) (G.Value, error) {
	s := in[0].Shape()
	planes, h, w := s[0]*s[1], s[2], s[3]
	x := data[T](in[0])
	out, y := newDense[T](s[0], s[1], 2*h, 2*w)
	for p := 0; p < planes*h; p++ { // p walks all input rows
		src := x[p*w : (p+1)*w]
		dst := y[p*4*w : (p+1)*4*w]
		for j, v := range src {
			dst[2*j], dst[2*j+1] = v, v
		}
		copy(dst[2*w:], dst[:2*w])
	}
	return out, nil
}

type upGradOp struct{ opBase }

func (op upGradOp) Arity() int            { return 1 }
func (op upGradOp) Type() hm.Type         { return fnType(4, 4) }
func (op upGradOp) String() string        { return "Upsample2xGrad" }
func (op upGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op upGradOp) Hashcode() uint32      { return hashOf(op) }
func (op upGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s := shapeOf(in[0])
	return tensor.Shape{s[0], s[1], s[2] / 2, s[3] / 2}, nil
}
func (op upGradOp) Do(in ...G.Value) (G.Value, error) {
	return do(upBackward[float32], upBackward[float64], in)
}

func upBackward[T float](in []*tensor.Dense) (G.Value, error) {
	s := in[0].Shape()
	h, w := s[2]/2, s[3]/2
	gy := data[T](in[0])
	out, gx := newDense[T](s[0], s[1], h, w)
	for p := 0; p < s[0]*s[1]*h; p++ {
		r0 := gy[p*4*w : p*4*w+2*w]
		r1 := gy[p*4*w+2*w : (p+1)*4*w]
		d := gx[p*w : (p+1)*w]
		for j := range d {
			d[j] = r0[2*j] + r0[2*j+1] + r1[2*j] + r1[2*j+1]
		}
	}
	return out, nil
}

// ---- leaky ReLU ----

type leakyOp struct {
	opBase
	alpha float64
}

func (op leakyOp) Arity() int            { return 1 }
func (op leakyOp) Type() hm.Type         { return hm.NewFnType(hm.TypeVariable('a'), hm.TypeVariable('a')) }
func (op leakyOp) String() string        { return fmt.Sprintf("LeakyReLU(%g)", op.alpha) }
func (op leakyOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op leakyOp) Hashcode() uint32      { return hashOf(op) }
func (op leakyOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op leakyOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return leaky[float32](d[0], float32(op.alpha)) },
		func(d []*tensor.Dense) (G.Value, error) { return leaky[float64](d[0], op.alpha) }, in)
}
func (op leakyOp) DiffWRT(int) []bool { return []bool{true} }
func (op leakyOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	// For 0 < alpha the sign of the output is the sign of the input.
	g, err := G.ApplyOp(leakyGradOp{alpha: op.alpha}, out, grad)
	return G.Nodes{g}, err
}

func leaky[T float](in *tensor.Dense, alpha T) (G.Value, error) {
	x := data[T](in)
	out, y := newDense[T](in.Shape()...)
	y = y[:len(x)]
	for i, v := range x {
		y[i] = max(v, v*alpha) // branch-free: random signs mispredict a branch half the time
	}
	return out, nil
}

type leakyGradOp struct {
	opBase
	alpha float64
}

func (op leakyGradOp) Arity() int { return 2 }
func (op leakyGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a, a)
}
func (op leakyGradOp) String() string        { return fmt.Sprintf("LeakyReLUGrad(%g)", op.alpha) }
func (op leakyGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op leakyGradOp) Hashcode() uint32      { return hashOf(op) }
func (op leakyGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op leakyGradOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return leakyGrad[float32](d, float32(op.alpha)) },
		func(d []*tensor.Dense) (G.Value, error) { return leakyGrad[float64](d, op.alpha) }, in)
}

func leakyGrad[T float](in []*tensor.Dense, alpha T) (G.Value, error) {
	y, gy := data[T](in[0]), data[T](in[1])
	out, gx := newDense[T](in[0].Shape()...)
	slope := [2]T{1, alpha} // indexed by the sign bit of the output, without a branch
	y, gx = y[:len(gy)], gx[:len(gy)]
	for i, v := range gy {
		gx[i] = v * slope[signBit(y[i])]
	}
	return out, nil
}

func signBit[T float](v T) uint64 {
	switch v := any(v).(type) {
	case float32:
		return uint64(math.Float32bits(v) >> 31)
	case float64:
		return math.Float64bits(v) >> 63
	}
	return 0
}

// ---- depth to space (sub-pixel upsampling) ----

// DepthToSpace2 rearranges (N, 4C, H, W) into (N, C, 2H, 2W): channel
// 4c + 2dy + dx becomes the (dy, dx) pixel of each 2x2 block of channel c
// (PyTorch's PixelShuffle(2)). A 3x3 conv to 4C channels followed by this is
// a superset of nearest 2x upsampling followed by a 3x3 conv to C channels,
// at the same FLOPs but on a 4x smaller map.
func DepthToSpace2(x *G.Node) (*G.Node, error) {
	if s := x.Shape(); s.Dims() != 4 || s[1]%4 != 0 {
		return nil, fmt.Errorf("depth to space: want (N, 4C, H, W), got shape %v", s)
	}
	return G.ApplyOp(d2sOp{}, x)
}

type d2sOp struct{ opBase }

func (op d2sOp) Arity() int            { return 1 }
func (op d2sOp) Type() hm.Type         { return fnType(4, 4) }
func (op d2sOp) String() string        { return "DepthToSpace2" }
func (op d2sOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op d2sOp) Hashcode() uint32      { return hashOf(op) }
func (op d2sOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s := shapeOf(in[0])
	return tensor.Shape{s[0], s[1] / 4, 2 * s[2], 2 * s[3]}, nil
}
func (op d2sOp) Do(in ...G.Value) (G.Value, error) {
	return do(d2s[float32], d2s[float64], in)
}
func (op d2sOp) DiffWRT(int) []bool { return []bool{true} }
func (op d2sOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	g, err := G.ApplyOp(s2dOp{}, grad)
	return G.Nodes{g}, err
}

func d2s[T float](in []*tensor.Dense) (G.Value, error) {
	s := in[0].Shape()
	n, c, h, w := s[0], s[1]/4, s[2], s[3]
	x := data[T](in[0])
	out, y := newDense[T](n, c, 2*h, 2*w)
	for p := 0; p < n*c; p++ { // p = image*c + channel
		for dy := 0; dy < 2; dy++ {
			for dx := 0; dx < 2; dx++ {
				src := x[(4*p+2*dy+dx)*h*w:][:h*w]
				for yy := 0; yy < h; yy++ {
					dst := y[(p*2*h+2*yy+dy)*2*w:][:2*w]
					for xx, v := range src[yy*w : (yy+1)*w] {
						dst[2*xx+dx] = v
					}
				}
			}
		}
	}
	return out, nil
}

// s2dOp is the inverse permutation (the gradient of d2sOp).
type s2dOp struct{ opBase }

func (op s2dOp) Arity() int            { return 1 }
func (op s2dOp) Type() hm.Type         { return fnType(4, 4) }
func (op s2dOp) String() string        { return "SpaceToDepth2" }
func (op s2dOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op s2dOp) Hashcode() uint32      { return hashOf(op) }
func (op s2dOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s := shapeOf(in[0])
	return tensor.Shape{s[0], s[1] * 4, s[2] / 2, s[3] / 2}, nil
}
func (op s2dOp) Do(in ...G.Value) (G.Value, error) {
	return do(s2d[float32], s2d[float64], in)
}

func s2d[T float](in []*tensor.Dense) (G.Value, error) {
	s := in[0].Shape()
	n, c, h, w := s[0], s[1], s[2]/2, s[3]/2
	y := data[T](in[0])
	out, x := newDense[T](n, 4*c, h, w)
	for p := 0; p < n*c; p++ {
		for dy := 0; dy < 2; dy++ {
			for dx := 0; dx < 2; dx++ {
				dst := x[(4*p+2*dy+dx)*h*w:][:h*w]
				for yy := 0; yy < h; yy++ {
					src := y[(p*2*h+2*yy+dy)*2*w:][:2*w]
					for xx := range dst[yy*w : (yy+1)*w] {
						dst[yy*w+xx] = src[2*xx+dx]
					}
				}
			}
		}
	}
	return out, nil
}

// ---- sigmoid ----

type sigmoidOp struct{ opBase }

func (op sigmoidOp) Arity() int            { return 1 }
func (op sigmoidOp) Type() hm.Type         { return hm.NewFnType(hm.TypeVariable('a'), hm.TypeVariable('a')) }
func (op sigmoidOp) String() string        { return "Sigmoid" }
func (op sigmoidOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op sigmoidOp) Hashcode() uint32      { return hashOf(op) }
func (op sigmoidOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op sigmoidOp) Do(in ...G.Value) (G.Value, error) {
	return do(sigmoid[float32], sigmoid[float64], in)
}
func (op sigmoidOp) DiffWRT(int) []bool { return []bool{true} }
func (op sigmoidOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	g, err := G.ApplyOp(sigmoidGradOp{}, out, grad)
	return G.Nodes{g}, err
}

func sigmoid[T float](in []*tensor.Dense) (G.Value, error) {
	x := data[T](in[0])
	out, y := newDense[T](in[0].Shape()...)
	for i, v := range x {
		y[i] = T(1 / (1 + math.Exp(-float64(v))))
	}
	return out, nil
}

// sigmoidGradOp: inputs y = sigmoid(x), gy -> gy * y * (1 - y).
type sigmoidGradOp struct{ opBase }

func (op sigmoidGradOp) Arity() int { return 2 }
func (op sigmoidGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a, a)
}
func (op sigmoidGradOp) String() string        { return "SigmoidGrad" }
func (op sigmoidGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op sigmoidGradOp) Hashcode() uint32      { return hashOf(op) }
func (op sigmoidGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op sigmoidGradOp) Do(in ...G.Value) (G.Value, error) {
	return do(sigmoidGrad[float32], sigmoidGrad[float64], in)
}

func sigmoidGrad[T float](in []*tensor.Dense) (G.Value, error) {
	y, gy := data[T](in[0]), data[T](in[1])
	out, gx := newDense[T](in[0].Shape()...)
	gy, gx = gy[:len(y)], gx[:len(y)]
	for i, v := range y {
		gx[i] = gy[i] * v * (1 - v)
	}
	return out, nil
}
