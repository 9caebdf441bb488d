package model

// Ops the rater needs beyond those in ops.go: the visual-prompt overlay
// (a fixed affine map of the image), space to depth, FiLM, global max
// pooling and the cross-entropy of an answer. Like ops.go they work on the
// raw slices, in float32 and float64, and are gradient-checked in
// rater_ops_test.go.

import (
	"fmt"
	"hash"

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
// zero where the mask is empty. Both get gradients (the mask when it is
// computed, as the rater's own predicted marks are).
func MaskPool(x, m *G.Node) (*G.Node, error) {
	xs, ms := x.Shape(), m.Shape()
	if xs.Dims() != 4 || ms.Dims() != 4 || ms[1] != 1 || xs[0] != ms[0] || xs[2] != ms[2] || xs[3] != ms[3] {
		return nil, fmt.Errorf("mask pool: want x (N, C, H, W) and m (N, 1, H, W), got %v and %v", xs, ms)
	}
	return G.ApplyOp(maskPoolOp{}, x, m)
}

// PickChannel is channel ch of x: (N, C, H, W) -> (N, 1, H, W).
func PickChannel(x *G.Node, ch int) (*G.Node, error) {
	if s := x.Shape(); s.Dims() != 4 || ch < 0 || ch >= s[1] {
		return nil, fmt.Errorf("pick channel %d of %v", ch, s)
	}
	return G.ApplyOp(pickOp{ch: ch}, x)
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
