package model

// Ops the rater needs beyond those in ops.go: the visual-prompt overlay
// (a fixed affine map of the image), space to depth, FiLM, global max
// pooling and the cross-entropy of an answer. Like ops.go they work on the
// raw slices, in float32 and float64, and are gradient-checked in
// rater_ops_test.go.

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Overlay composites a visual prompt over images: x*scale + offset, with
// scale and offset constants of x's shape (visual.Overlay's Scale and Offset,
// one per image). The gradient flows to x only (times scale), so the
// composite stays differentiable in the image under the drawing.
func Overlay(x, scale, offset *G.Node) (*G.Node, error) {
	if !x.Shape().Eq(scale.Shape()) || !x.Shape().Eq(offset.Shape()) {
		return nil, fmt.Errorf("overlay: image %v, scale %v and offset %v must have one shape", x.Shape(), scale.Shape(), offset.Shape())
	}
	return G.ApplyOp(overlayOp{}, x, scale, offset)
}

// SpaceToDepth2 rearranges (N, C, H, W) into (N, 4C, H/2, W/2), the inverse
// of DepthToSpace2: a lossless 2x downsampling.
func SpaceToDepth2(x *G.Node) (*G.Node, error) {
	if s := x.Shape(); s.Dims() != 4 || s[2]%2 != 0 || s[3]%2 != 0 {
		return nil, fmt.Errorf("space to depth: want (N, C, H, W) with even H and W, got shape %v", s)
	}
	return G.ApplyOp(spaceToDepthOp{}, x)
}

// WithCoords appends two channels holding the x and y coordinates of each
// pixel, from -1 (left, top) to 1 (right, bottom): (N, C, H, W) -> (N, C+2, H, W).
func WithCoords(x *G.Node) (*G.Node, error) {
	if x.Shape().Dims() != 4 {
		return nil, fmt.Errorf("with coords: want NCHW, got shape %v", x.Shape())
	}
	return G.ApplyOp(coordsOp{}, x)
}

// GroupNorm normalises each image's channels in groups to zero mean and
// unit variance over the group's channels and pixels (Wu and He 2018,
// without the affine part: FiLM supplies it). Per image, so a batch of one
// (teaching) sees exactly what training saw.
func GroupNorm(x *G.Node, groups int) (*G.Node, error) {
	if s := x.Shape(); s.Dims() != 4 || groups < 1 || s[1]%groups != 0 {
		return nil, fmt.Errorf("group norm: want NCHW with channels divisible by %d groups, got shape %v", groups, s)
	}
	return G.ApplyOp(normOp{groups: groups}, x)
}

// FiLM modulates feature maps per channel (Perez et al. 2018):
// x (N, C, H, W), p (N, 2C, 1, 1) holding gamma then beta ->
// x*(1+gamma) + beta. The 1+ makes a zero p the identity.
func FiLM(x, p *G.Node) (*G.Node, error) {
	xs, ps := x.Shape(), p.Shape()
	if xs.Dims() != 4 || ps.Dims() != 4 || ps[0] != xs[0] || ps[1] != 2*xs[1] || ps[2] != 1 || ps[3] != 1 {
		return nil, fmt.Errorf("film: want x (N, C, H, W) and p (N, 2C, 1, 1), got %v and %v", xs, ps)
	}
	return G.ApplyOp(filmOp{}, x, p)
}

// GlobalPool takes the maximum and the mean of each channel:
// (N, C, H, W) -> (N, 2C), the C maxima then the C means.
func GlobalPool(x *G.Node) (*G.Node, error) {
	if x.Shape().Dims() != 4 {
		return nil, fmt.Errorf("global pool: want NCHW, got shape %v", x.Shape())
	}
	return G.ApplyOp(poolOp{}, x)
}

// GridPool takes the maximum over each k x k block of every channel and
// flattens the result: (N, C, H, W) -> (N, C*(H/k)*(W/k), 1, 1). A dense
// layer over it can read where things are, which a global pool forgets.
func GridPool(x *G.Node, k int) (*G.Node, error) {
	if s := x.Shape(); s.Dims() != 4 || k < 1 || s[2]%k != 0 || s[3]%k != 0 {
		return nil, fmt.Errorf("grid pool: want NCHW with sides divisible by %d, got shape %v", k, s)
	}
	return G.ApplyOp(gridPoolOp{k: k}, x)
}

// AppendChannels appends constant channels (no gradient) to x:
// (N, C, H, W) and (N, E, H, W) -> (N, C+E, H, W).
func AppendChannels(x, extra *G.Node) (*G.Node, error) {
	xs, es := x.Shape(), extra.Shape()
	if xs.Dims() != 4 || es.Dims() != 4 || xs[0] != es[0] || xs[2] != es[2] || xs[3] != es[3] {
		return nil, fmt.Errorf("append channels: %v and %v do not stack", xs, es)
	}
	return G.ApplyOp(appendOp{}, x, extra)
}

// MaskPool is the mean of each channel weighted by a mask:
// x (N, C, H, W), m (N, 1, H, W) -> (N, C, 1, 1) = sum(x*m) / (sum(m) + 1e-3),
// zero where the mask is empty. The mask gets no gradient.
func MaskPool(x, m *G.Node) (*G.Node, error) {
	xs, ms := x.Shape(), m.Shape()
	if xs.Dims() != 4 || ms.Dims() != 4 || ms[1] != 1 || xs[0] != ms[0] || xs[2] != ms[2] || xs[3] != ms[3] {
		return nil, fmt.Errorf("mask pool: want x (N, C, H, W) and m (N, 1, H, W), got %v and %v", xs, ms)
	}
	return G.ApplyOp(maskPoolOp{}, x, m)
}

// RepeatRows repeats each image's row k times: (N, C, 1, 1) -> (N*k, C, 1, 1).
func RepeatRows(x *G.Node, k int) (*G.Node, error) {
	if s := x.Shape(); s.Dims() != 4 || s[2]*s[3] != 1 || k < 1 {
		return nil, fmt.Errorf("repeat rows: want (N, C, 1, 1) and k >= 1, got %v and %d", s, k)
	}
	return G.ApplyOp(repeatOp{k: k}, x)
}

// Outer is the outer product of each image's vectors: a (N, P, 1, 1),
// b (N, Q, 1, 1) -> (N, P*Q, 1, 1) with element p*Q+q = a[p]*b[q]. A dense
// layer over it is a bilinear form: a readout of a whose weights depend
// linearly on b (here: the answer read from the image features in a way
// that depends on the question).
func Outer(a, b *G.Node) (*G.Node, error) {
	as, bs := a.Shape(), b.Shape()
	if as.Dims() != 4 || bs.Dims() != 4 || as[0] != bs[0] || as[2]*as[3] != 1 || bs[2]*bs[3] != 1 {
		return nil, fmt.Errorf("outer: want (N, P, 1, 1) and (N, Q, 1, 1), got %v and %v", as, bs)
	}
	return G.ApplyOp(outerOp{}, a, b)
}

// AnswerLogProb is log softmax(logits) weighted by target:
// logits (N, A), target (N, A) -> (N), sum_a target[n,a] * log p[n,a].
// With a one-hot target it is the log-probability of that answer; its
// negative is the cross-entropy loss.
func AnswerLogProb(logits, target *G.Node) (*G.Node, error) {
	if s := logits.Shape(); s.Dims() != 2 || !s.Eq(target.Shape()) {
		return nil, fmt.Errorf("answer log prob: logits %v and target %v must be one (N, A) shape", s, target.Shape())
	}
	return G.ApplyOp(logProbOp{}, logits, target)
}

// ---- overlay ----

type overlayOp struct{ opBase }

func (op overlayOp) Arity() int { return 3 }
func (op overlayOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a, a, a)
}
func (op overlayOp) String() string        { return "Overlay" }
func (op overlayOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op overlayOp) Hashcode() uint32      { return hashOf(op) }
func (op overlayOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op overlayOp) Do(in ...G.Value) (G.Value, error) {
	return do(overlay[float32], overlay[float64], in)
}
func (op overlayOp) DiffWRT(int) []bool { return []bool{true, false, false} }
func (op overlayOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	g, err := G.ApplyOp(overlayGradOp{}, grad, in[1])
	return G.Nodes{g, nil, nil}, err
}

func overlay[T float](in []*tensor.Dense) (G.Value, error) {
	x, s, o := data[T](in[0]), data[T](in[1]), data[T](in[2])
	out, y := newDense[T](in[0].Shape()...)
	s, o, y = s[:len(x)], o[:len(x)], y[:len(x)]
	for i, v := range x {
		y[i] = v*s[i] + o[i]
	}
	return out, nil
}

// overlayGradOp: inputs gy, scale -> gy*scale.
type overlayGradOp struct{ opBase }

func (op overlayGradOp) Arity() int { return 2 }
func (op overlayGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a, a)
}
func (op overlayGradOp) String() string        { return "OverlayGrad" }
func (op overlayGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op overlayGradOp) Hashcode() uint32      { return hashOf(op) }
func (op overlayGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op overlayGradOp) Do(in ...G.Value) (G.Value, error) {
	return do(overlayGrad[float32], overlayGrad[float64], in)
}

func overlayGrad[T float](in []*tensor.Dense) (G.Value, error) {
	gy, s := data[T](in[0]), data[T](in[1])
	out, gx := newDense[T](in[0].Shape()...)
	s, gx = s[:len(gy)], gx[:len(gy)]
	for i, v := range gy {
		gx[i] = v * s[i]
	}
	return out, nil
}

// ---- space to depth (with a gradient: depth to space) ----

type spaceToDepthOp struct{ opBase }

func (op spaceToDepthOp) Arity() int            { return 1 }
func (op spaceToDepthOp) Type() hm.Type         { return fnType(4, 4) }
func (op spaceToDepthOp) String() string        { return "SpaceToDepth2Diff" }
func (op spaceToDepthOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op spaceToDepthOp) Hashcode() uint32      { return hashOf(op) }
func (op spaceToDepthOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return s2dOp{}.InferShape(in...)
}
func (op spaceToDepthOp) Do(in ...G.Value) (G.Value, error) { return s2dOp{}.Do(in...) }
func (op spaceToDepthOp) DiffWRT(int) []bool                { return []bool{true} }
func (op spaceToDepthOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	g, err := G.ApplyOp(d2sOp{}, grad)
	return G.Nodes{g}, err
}

// ---- coordinate channels ----

type coordsOp struct{ opBase }

func (op coordsOp) Arity() int            { return 1 }
func (op coordsOp) Type() hm.Type         { return fnType(4, 4) }
func (op coordsOp) String() string        { return "WithCoords" }
func (op coordsOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op coordsOp) Hashcode() uint32      { return hashOf(op) }
func (op coordsOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s := shapeOf(in[0])
	return tensor.Shape{s[0], s[1] + 2, s[2], s[3]}, nil
}
func (op coordsOp) Do(in ...G.Value) (G.Value, error) {
	return do(withCoords[float32], withCoords[float64], in)
}
func (op coordsOp) DiffWRT(int) []bool { return []bool{true} }
func (op coordsOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	g, err := G.ApplyOp(dropCoordsOp{}, grad)
	return G.Nodes{g}, err
}

func withCoords[T float](in []*tensor.Dense) (G.Value, error) {
	s := in[0].Shape()
	n, c, h, w := s[0], s[1], s[2], s[3]
	x := data[T](in[0])
	out, y := newDense[T](n, c+2, h, w)
	hw := h * w
	for i := 0; i < n; i++ {
		copy(y[i*(c+2)*hw:], x[i*c*hw:(i+1)*c*hw])
		cx, cy := y[(i*(c+2)+c)*hw:][:hw], y[(i*(c+2)+c+1)*hw:][:hw]
		for r := 0; r < h; r++ {
			for col := 0; col < w; col++ {
				cx[r*w+col] = T((2*float64(col)+1)/float64(w) - 1)
				cy[r*w+col] = T((2*float64(r)+1)/float64(h) - 1)
			}
		}
	}
	return out, nil
}

// dropCoordsOp removes the last two channels (the gradient of coordsOp).
type dropCoordsOp struct{ opBase }

func (op dropCoordsOp) Arity() int            { return 1 }
func (op dropCoordsOp) Type() hm.Type         { return fnType(4, 4) }
func (op dropCoordsOp) String() string        { return "DropCoords" }
func (op dropCoordsOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op dropCoordsOp) Hashcode() uint32      { return hashOf(op) }
func (op dropCoordsOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s := shapeOf(in[0])
	return tensor.Shape{s[0], s[1] - 2, s[2], s[3]}, nil
}
func (op dropCoordsOp) Do(in ...G.Value) (G.Value, error) {
	return do(dropCoords[float32], dropCoords[float64], in)
}

func dropCoords[T float](in []*tensor.Dense) (G.Value, error) {
	s := in[0].Shape()
	n, c, hw := s[0], s[1]-2, s[2]*s[3]
	gy := data[T](in[0])
	out, gx := newDense[T](n, c, s[2], s[3])
	for i := 0; i < n; i++ {
		copy(gx[i*c*hw:(i+1)*c*hw], gy[i*(c+2)*hw:])
	}
	return out, nil
}

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
	return do(func(d []*tensor.Dense) (G.Value, error) { return maskPool[float32](d, nil) },
		func(d []*tensor.Dense) (G.Value, error) { return maskPool[float64](d, nil) }, in)
}
func (op maskPoolOp) DiffWRT(int) []bool { return []bool{true, false} }
func (op maskPoolOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	g, err := G.ApplyOp(maskPoolGradOp{}, in[0], in[1], grad)
	return G.Nodes{g, nil}, err
}

// maskPool computes the masked means, or (with gy) spreads gy over each
// plane by the mask's weights.
func maskPool[T float](in []*tensor.Dense, gy []T) (G.Value, error) {
	s := in[0].Shape()
	n, c, hw := s[0], s[1], s[2]*s[3]
	x, m := data[T](in[0]), data[T](in[1])
	var out *tensor.Dense
	var y, gx []T
	if gy == nil {
		out, y = newDense[T](n, c, 1, 1)
	} else {
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
			if gy == nil {
				var sum T
				for j, v := range mi {
					sum += x[plane+j] * v
				}
				y[i*c+ch] = sum * norm
				continue
			}
			g := gy[i*c+ch] * norm
			for j, v := range mi {
				gx[plane+j] = g * v
			}
		}
	}
	return out, nil
}

// maskPoolGradOp: inputs x, m, gy -> gx.
type maskPoolGradOp struct{ opBase }

func (op maskPoolGradOp) Arity() int            { return 3 }
func (op maskPoolGradOp) Type() hm.Type         { return fnType(4, 4, 4, 4) }
func (op maskPoolGradOp) String() string        { return "MaskPoolGrad" }
func (op maskPoolGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op maskPoolGradOp) Hashcode() uint32      { return hashOf(op) }
func (op maskPoolGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op maskPoolGradOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return maskPool(d[:2], data[float32](d[2])) },
		func(d []*tensor.Dense) (G.Value, error) { return maskPool(d[:2], data[float64](d[2])) }, in)
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
