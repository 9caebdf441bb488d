package model

// The sky path: "is the sky orange?" asks what colour most of the sky is,
// as the sky judge's median does. The stem's features see a patch of
// orange over a blue sky as orange and a blue sky with orange streaks as
// not blue; this path counts the sky's pixels near each named colour,
// where the stem's own sky map (the first auxiliary map) says the sky is.

import (
	"fmt"
	"hash"
	"image/color"
	"math"

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

// Sky distances are delta E (CIE76). A pixel counts as near a name when
// its distance to the nearest of the gradient's colours is within
// skyNear[i], by a sigmoid skySoft wide; the mean distance is over 100.
var skyNear = [2]float64{15, 30}

const (
	skySoft     = 3.0
	skySamples  = 9 // colours sampled along each gradient
	skyMinPixel = 8 // fewer sky pixels (by weight) than this: no sky to read
)

// SkyFitOutputs is the number of values SkyFit gives per image for names
// named colours.
func SkyFitOutputs(names int) int { return 3*names + 2 }

// SkyFit reads the sky's colour against named gradients. lab (N, 3, H, W)
// is the image in L*a*b*/100 (LabOf); sky (N, 1, H/s, W/s) is the share of
// plain sky in each s x s cell (as the stem predicts it); plain (N, 1, H, W)
// is 1 on the pixels to read (nothing drawn there). A pixel weighs
// clamp(2 sky - 1, 0, 1) (cells that are mostly sky) times plain.
// Per image (N, SkyFitOutputs, 1, 1): for each name the weighted share of
// the sky near it at 15 and at 30 delta E and the mean distance (over
// 100: it tells a teaching run which way the name lies, however far);
// then the sky's weight over the image's pixels, and 1.
// An image with less than 8 pixels' weight of sky gives zeros. The
// gradient flows to lab only: the sky map says where to look, and a
// teaching run should change the sky's colour, not where the rater
// thinks the sky is.
func SkyFit(lab, sky, plain *G.Node, names []SkyGradient) (*G.Node, error) {
	ls, ss, ps := lab.Shape(), sky.Shape(), plain.Shape()
	if ls.Dims() != 4 || ls[1] != 3 || ss.Dims() != 4 || ss[1] != 1 || ss[0] != ls[0] || ss[2] < 1 ||
		ls[2]%ss[2] != 0 || ls[3]%ss[3] != 0 || ls[2]/ss[2] != ls[3]/ss[3] || ps.Dims() != 4 || ps[0] != ls[0] || ps[1] != 1 || ps[2] != ls[2] || ps[3] != ls[3] {
		return nil, fmt.Errorf("sky fit: want colours (N, 3, H, W), a sky map (N, 1, H/s, W/s) and a mask (N, 1, H, W), got %v, %v and %v", ls, ss, ps)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("sky fit: no named colours")
	}
	op := skyFitOp{names: len(names)}
	for _, n := range names {
		var set [][3]float64
		for s := range skySamples {
			t := float64(s) / (skySamples - 1)
			var c color.RGBA
			for ch, p := range []*uint8{&c.R, &c.G, &c.B} {
				v := n.Top[ch] + (n.Bottom[ch]-n.Top[ch])*t
				*p = uint8(math.Round(math.Max(0, math.Min(1, v)) * 255))
			}
			c.A = 255
			set = append(set, world.Lab(c))
		}
		op.colours = append(op.colours, set)
	}
	return G.ApplyOp(op, lab, sky, plain)
}

type skyFitOp struct {
	opBase
	names   int
	colours [][][3]float64 // per name, Lab colours along its gradient
}

func (op skyFitOp) Arity() int            { return 3 }
func (op skyFitOp) Type() hm.Type         { return fnType(4, 4, 4, 4) }
func (op skyFitOp) String() string        { return fmt.Sprintf("SkyFit(%.2f)", op.colours) }
func (op skyFitOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op skyFitOp) Hashcode() uint32      { return hashOf(op) }
func (op skyFitOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{shapeOf(in[0])[0], SkyFitOutputs(op.names), 1, 1}, nil
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
	outs := SkyFitOutputs(op.names)
	var out *tensor.Dense
	var y []T
	if gy == nil {
		out, y = newDense[T](n, outs, 1, 1)
	} else {
		out, y = newDense[T](s...)
	}
	parallel(n, func(_, i int) {
		weight := make([]float64, p)
		var total float64
		for k := range p {
			c := float64(sky[i*cells[2]*cw+(k/w/cell)*cw+(k%w)/cell])
			weight[k] = math.Max(0, math.Min(1, 2*c-1)) * float64(plain[i*p+k])
			total += weight[k]
		}
		if total < skyMinPixel {
			return
		}
		var g []T
		if gy != nil {
			g = gy[i*outs:][:outs]
		}
		for name, set := range op.colours {
			var near [2]float64
			var mean float64
			for k := range p {
				if weight[k] == 0 {
					continue
				}
				v := [3]float64{100 * float64(lab[(i*3)*p+k]), 100 * float64(lab[(i*3+1)*p+k]), 100 * float64(lab[(i*3+2)*p+k])}
				d, nearest := math.Inf(1), 0
				for j, c := range set {
					if dj := world.DeltaE(v, c); dj < d {
						d, nearest = dj, j
					}
				}
				wk := weight[k] / total
				var dOut float64 // d (the outputs' weighted sum) / d distance
				for t, at := range skyNear {
					sig := 1 / (1 + math.Exp((d-at)/skySoft))
					near[t] += wk * sig
					if g != nil {
						dOut -= float64(g[3*name+t]) * wk * sig * (1 - sig) / skySoft
					}
				}
				mean += wk * d / 100
				if g == nil {
					continue
				}
				dOut += float64(g[3*name+2]) * wk / 100
				// d distance / d lab: lab is over 100, the distance in units of delta E
				c := set[nearest]
				for ch := range 3 {
					y[(i*3+ch)*p+k] += T(dOut * 100 * (v[ch] - c[ch]) / math.Max(d, 1e-9))
				}
			}
			if g == nil {
				y[i*outs+3*name], y[i*outs+3*name+1], y[i*outs+3*name+2] = T(near[0]), T(near[1]), T(mean)
			}
		}
		if g == nil {
			y[i*outs+outs-2], y[i*outs+outs-1] = T(total/float64(p)), 1
		}
	})
	return out, nil
}
