package model

// The sky path: "is the sky orange?" asks what colour most of the sky is,
// as the sky judge's median does. The stem's features see a patch of
// orange over a blue sky as orange and a blue sky with orange streaks as
// not blue; this path takes the median colour of the sky, where the
// stem's own sky map (the first auxiliary map) says the sky is, as the
// judge does.

import (
	"cmp"
	"fmt"
	"hash"
	"image/color"
	"math"
	"slices"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dualprocess/training/world"
)

// SkyGradient is a named sky colour: a vertical gradient from Top at the
// top of the image to Bottom at the horizon, RGB in 0..1.
type SkyGradient struct {
	Name   string     `json:"name"`
	Top    [3]float64 `json:"top"`
	Bottom [3]float64 `json:"bottom"`
}

// Sky distances are delta E (CIE76). A name fits a sky whose median colour
// is within skyNear of the name's middle colour, by a sigmoid skySoft wide:
// the sky judge's test and tolerance.
const (
	skyNear     = 25.0
	skySoft     = 3.0
	skyMinPixel = 8 // fewer sky pixels than this: no sky to read
)

// SkyFitOutputs is the number of values SkyFit gives per image for names
// named colours.
func SkyFitOutputs(names int) int { return 2*names + 2 }

// SkyFit reads the sky's colour against named gradients, as the sky judge
// does: by the sky's median colour. lab (N, 3, H, W) is the image in
// L*a*b*/100 (LabOf); sky (N, 1, H/s, W/s) is the share of plain sky in
// each s x s cell (as the stem predicts it); plain (N, 1, H, W) is 1 on
// the pixels to read (nothing drawn there). The sky is the pixels read in
// cells more than three quarters sky. Per image (N, SkyFitOutputs, 1, 1):
// for each name the distance of the sky's median colour (per channel)
// from the name's middle colour (over 100) and sigmoid((25 - distance) /
// 3), how near it is by the judge's tolerance; then the sky's share of the
// image, and 1. An image with fewer than 8 sky pixels gives zeros. A
// median cannot be moved by a patch over less than half of the sky, and
// neither can this path. The gradient flows to the median pixels' colours
// only: the sky map says where to look, and a teaching run should change
// the sky's colour, not where the rater thinks the sky is.
func SkyFit(lab, sky, plain *G.Node, names []SkyGradient) (*G.Node, error) {
	ls, ss, ps := lab.Shape(), sky.Shape(), plain.Shape()
	if ls.Dims() != 4 || ls[1] != 3 || ss.Dims() != 4 || ss[1] != 1 || ss[0] != ls[0] || ss[2] < 1 ||
		ls[2]%ss[2] != 0 || ls[3]%ss[3] != 0 || ls[2]/ss[2] != ls[3]/ss[3] || ps.Dims() != 4 || ps[0] != ls[0] || ps[1] != 1 || ps[2] != ls[2] || ps[3] != ls[3] {
		return nil, fmt.Errorf("sky fit: want colours (N, 3, H, W), a sky map (N, 1, H/s, W/s) and a mask (N, 1, H, W), got %v, %v and %v", ls, ss, ps)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("sky fit: no named colours")
	}
	op := skyFitOp{}
	for _, n := range names {
		var c [3]uint8
		for ch := range c {
			c[ch] = uint8(math.Round(math.Max(0, math.Min(1, (n.Top[ch]+n.Bottom[ch])/2)) * 255))
		}
		op.colours = append(op.colours, world.Lab(color.RGBA{c[0], c[1], c[2], 255}))
	}
	return G.ApplyOp(op, lab, sky, plain)
}

type skyFitOp struct {
	opBase
	colours [][3]float64 // per name, the Lab colour of its gradient's middle
}

func (op skyFitOp) Arity() int            { return 3 }
func (op skyFitOp) Type() hm.Type         { return fnType(4, 4, 4, 4) }
func (op skyFitOp) String() string        { return fmt.Sprintf("SkyFit(%.2f)", op.colours) }
func (op skyFitOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op skyFitOp) Hashcode() uint32      { return hashOf(op) }
func (op skyFitOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{shapeOf(in[0])[0], SkyFitOutputs(len(op.colours)), 1, 1}, nil
}
func (op skyFitOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return skyFit[float32](op, d, nil) },
		func(d []*tensor.Dense) (G.Value, error) { return skyFit[float64](op, d, nil) }, in)
}
func (op skyFitOp) DiffWRT(int) []bool { return []bool{true, false, false} }
func (op skyFitOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	g, err := G.ApplyOp(skyFitGradOp{op}, in[0], in[1], in[2], grad)
	return G.Nodes{g, nil, nil}, err
}

// skyFitGradOp: inputs lab, sky, plain, gy -> the gradient of lab.
type skyFitGradOp struct{ skyFitOp }

func (op skyFitGradOp) Arity() int            { return 4 }
func (op skyFitGradOp) Type() hm.Type         { return fnType(4, 4, 4, 4, 4) }
func (op skyFitGradOp) String() string        { return "Grad" + op.skyFitOp.String() }
func (op skyFitGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op skyFitGradOp) Hashcode() uint32      { return hashOf(op) }
func (op skyFitGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op skyFitGradOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return skyFit(op.skyFitOp, d[:3], data[float32](d[3])) },
		func(d []*tensor.Dense) (G.Value, error) { return skyFit(op.skyFitOp, d[:3], data[float64](d[3])) }, in)
}

// skyFit computes SkyFit's values or, with gy, the gradient of lab.
func skyFit[T float](op skyFitOp, in []*tensor.Dense, gy []T) (G.Value, error) {
	s, cells := in[0].Shape(), in[1].Shape()
	n, h, w := s[0], s[2], s[3]
	p, cell, cw := h*w, h/cells[2], cells[3]
	lab, sky, plain := data[T](in[0]), data[T](in[1]), data[T](in[2])
	outs := SkyFitOutputs(len(op.colours))
	var out *tensor.Dense
	var y []T
	if gy == nil {
		out, y = newDense[T](n, outs, 1, 1)
	} else {
		out, y = newDense[T](s...)
	}
	parallel(n, func(_, i int) {
		var pix []int
		for k := range p {
			if sky[i*cells[2]*cw+(k/w/cell)*cw+(k%w)/cell] > 0.75 && plain[i*p+k] >= 0.5 {
				pix = append(pix, k)
			}
		}
		if len(pix) < skyMinPixel {
			return
		}
		var med [3]float64 // the sky's median colour, in delta E units
		var at [3]int      // and the pixel that holds it, per channel
		for ch := range 3 {
			plane := lab[(i*3+ch)*p:][:p]
			order := slices.Clone(pix)
			slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(plane[a], plane[b]) })
			at[ch] = order[len(order)/2]
			med[ch] = 100 * float64(plane[at[ch]])
		}
		for name, c := range op.colours {
			d := math.Max(world.DeltaE(med, c), 1e-9)
			sig := 1 / (1 + math.Exp((d-skyNear)/skySoft))
			if gy == nil {
				y[i*outs+2*name], y[i*outs+2*name+1] = T(d/100), T(sig)
				continue
			}
			g := gy[i*outs:][:outs]
			dOut := float64(g[2*name])/100 - float64(g[2*name+1])*sig*(1-sig)/skySoft // d output / d distance
			for ch := range 3 {                                                       // d distance / d lab (over 100)
				y[(i*3+ch)*p+at[ch]] += T(dOut * 100 * (med[ch] - c[ch]) / d)
			}
		}
		if gy == nil {
			y[i*outs+outs-2], y[i*outs+outs-1] = T(float64(len(pix))/float64(p)), 1
		}
	})
	return out, nil
}
