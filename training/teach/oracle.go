package teach

// A capacity check, not teaching: the pixel oracle stands in for the rater
// and pulls the images straight towards the judge's target, so a run shows
// whether the generator and its adapter can reach the target at all. When
// the oracle's run passes the judge and the rater's does not, the rater is
// what fails the task. Only the sky and palette judges have a pixel target.

import (
	"fmt"
	"image"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dualprocess/picture"
	"dualprocess/training/judge"
	"dualprocess/training/visual"
)

// Oracle settings: the sky band is the rows above the world's highest
// horizon (a fifth of the image); the palette's soft minimum (over the
// swatches, for each pixel) and the soft assignment of pixels to swatches
// work on squared RGB distances (0..3) at temperature oracleTau, and each
// swatch should get oracleCover of the image.
const (
	oracleSkyRows = 12
	oracleTau     = 0.01
	oracleCover   = 0.05
	oracleScale   = 20 // the objective's weight against the preservation term
)

// PixelOracle is a Rater whose "log-probability" is minus a pixel
// objective for the judge's target: for the sky judge, the squared
// distance of the top rows from the sky colour; for the palette judge, the
// mean over pixels of the soft-minimum squared distance from the swatches,
// plus a penalty for each swatch whose soft coverage is short of
// oracleCover (so that every swatch gets pixels). It ignores the questions
// and the overlay.
type PixelOracle struct {
	kind   string
	colors [][3]float64
}

// NewPixelOracle makes the oracle for a judge target.
func NewPixelOracle(t judge.Target) (*PixelOracle, error) {
	if t.Kind != "sky" && t.Kind != "palette" {
		return nil, fmt.Errorf("oracle: the %s judge has no pixel target (sky and palette do)", t.Kind)
	}
	o := &PixelOracle{kind: t.Kind}
	for _, h := range t.Colors {
		c, err := picture.ParseColor(h)
		if err != nil {
			return nil, fmt.Errorf("oracle: %w", err)
		}
		o.colors = append(o.colors, [3]float64{float64(c.R) / 255, float64(c.G) / 255, float64(c.B) / 255})
	}
	if len(o.colors) == 0 {
		return nil, fmt.Errorf("oracle: the target has no colours")
	}
	return o, nil
}

// LogProb is minus the objective for each image, (N).
func (o *PixelOracle) LogProb(images *G.Node, _ *visual.Overlay, _, _ string) (*G.Node, error) {
	s := images.Shape()
	n, h, w := s[0], s[2], s[3]
	g, dt := images.Graph(), images.Dtype()
	constant := func(v float64) *G.Node { return constantOf(dt, v) }
	// dist2 is the squared RGB distance of the first rows of every pixel from c, (N, rows, W).
	dist2 := func(c [3]float64, rows int, name string) (*G.Node, error) {
		x := images
		if rows < h {
			var err error
			if x, err = G.Slice(images, nil, nil, G.S(0, rows)); err != nil {
				return nil, err
			}
		}
		vals := make([]float64, n*3*rows*w)
		for k := range vals {
			vals[k] = c[k/(rows*w)%3]
		}
		t := G.NewTensor(g, dt, 4, G.WithShape(n, 3, rows, w), G.WithName(name), G.WithValue(tensorOf(dt, vals, n, 3, rows, w)))
		d, err := G.Sub(x, t)
		if err != nil {
			return nil, err
		}
		return G.Sum(G.Must(G.Square(d)), 1)
	}
	if o.kind == "sky" {
		d, err := dist2(o.colors[0], oracleSkyRows, "oracle.sky")
		if err != nil {
			return nil, err
		}
		return G.Mul(G.Must(G.Mean(d, 1, 2)), constant(-oracleScale))
	}
	var near *G.Node // sum over colours of exp(-d/tau)
	es := make([]*G.Node, len(o.colors))
	for k, c := range o.colors {
		d, err := dist2(c, h, fmt.Sprintf("oracle.colour%d", k))
		if err != nil {
			return nil, err
		}
		es[k] = G.Must(G.Exp(G.Must(G.Mul(d, constant(-1/oracleTau)))))
		if near == nil {
			near = es[k]
		} else {
			near = G.Must(G.Add(near, es[k]))
		}
	}
	near = G.Must(G.Add(near, constant(1e-30)))
	var penalty *G.Node // each swatch's share of the pixels' soft assignment short of oracleCover
	for _, e := range es {
		cover := G.Must(G.Mean(G.Must(G.HadamardDiv(e, near)), 1, 2))
		short := G.Must(G.Rectify(G.Must(G.Sub(constant(oracleCover), cover))))
		if penalty == nil {
			penalty = short
		} else {
			penalty = G.Must(G.Add(penalty, short))
		}
	}
	softmin := G.Must(G.Mul(G.Must(G.Log(near)), constant(-oracleTau)))
	obj := G.Must(G.Add(G.Must(G.Mean(softmin, 1, 2)), G.Must(G.Mul(penalty, constant(1/oracleCover)))))
	return G.Mul(obj, constant(-oracleScale))
}

// Prob is exp(LogProb) for one image.
func (o *PixelOracle) Prob(img image.Image, _ *visual.Overlay, _, _ string) (float64, error) {
	b := img.Bounds()
	px := func(x, y int) [3]float64 {
		r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
		return [3]float64{float64(r) / 0xffff, float64(g) / 0xffff, float64(bl) / 0xffff}
	}
	dist2 := func(p, c [3]float64) float64 {
		return (p[0]-c[0])*(p[0]-c[0]) + (p[1]-c[1])*(p[1]-c[1]) + (p[2]-c[2])*(p[2]-c[2])
	}
	w, h := b.Dx(), b.Dy()
	var obj float64
	if o.kind == "sky" {
		for y := 0; y < min(oracleSkyRows, h); y++ {
			for x := 0; x < w; x++ {
				obj += dist2(px(x, y), o.colors[0])
			}
		}
		return math.Exp(-oracleScale * obj / float64(min(oracleSkyRows, h)*w)), nil
	}
	cover := make([]float64, len(o.colors))
	e := make([]float64, len(o.colors))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			near := 1e-30
			for k, c := range o.colors {
				e[k] = math.Exp(-dist2(px(x, y), c) / oracleTau)
				near += e[k]
			}
			for k := range e {
				cover[k] += e[k] / near / float64(w*h)
			}
			obj += -oracleTau * math.Log(near) / float64(w*h)
		}
	}
	for _, c := range cover {
		obj += math.Max(0, oracleCover-c) / oracleCover
	}
	return math.Exp(-oracleScale * obj), nil
}

// tensorOf is vals as a dense tensor of dtype dt.
func tensorOf(dt tensor.Dtype, vals []float64, shape ...int) *tensor.Dense {
	if dt == tensor.Float32 {
		f := make([]float32, len(vals))
		for i, v := range vals {
			f[i] = float32(v)
		}
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(f))
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(vals))
}
