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
