package model

// Convolution: the forward pass and its gradients in x, w and b, by
// im2col and BLAS matrix products on the raw data slices.

import (
	"fmt"
	"hash"
	"runtime"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

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
