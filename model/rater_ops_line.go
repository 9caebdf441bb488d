package model

// The line path: "are the outlines as thick as the red line?" compares two
// widths, and the stem's features blur a 2.6 px outline into a 3.9 px one
// in a scene with few outlines. This path measures both, the outlines'
// as the line-weight judge measures them and the red line's from the
// drawing, and gives their difference. The measurement is the judge's
// written again, not called: the judge grades what the rater teaches, and
// this one also gives the width's derivative.

import (
	"fmt"
	"hash"
	"math"
	"slices"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// LineFitOutputs is the number of values LineFit gives per image.
const LineFitOutputs = 5

// The outline measurement, in pixels at 64 px, as the line-weight judge's:
// ink is the image's darkest 1% (none darker than lineInk: no outlines); a
// stroke pixel is darker than lineStroke of the way from the ink to the
// brightest value within lineBgRadius, where that is at least lineContrast
// brighter than the ink; a stroke wider than lineMaxWidth is a dark area;
// lineQuantile of the stroke widths is the width; under lineMinShare of
// the image in strokes is no outlines.
const (
	lineInk      = 0.2
	lineStroke   = 0.45
	lineBgRadius = 3
	lineContrast = 0.15
	lineMaxWidth = 8.0
	lineMaxRun   = 12.0
	lineQuantile = 0.3
	lineMinShare = 0.01
)

// LineFit compares the width of an image's dark outlines with the width of
// the line drawn over it. seen (N, 3, H, W) is the image under the drawing
// (0..1), scale (N, 3, H, W) the drawing's overlay scale (1 where nothing
// is drawn; the drawing's opacity is 1 - scale) and plain (N, 1, H, W) 1
// on the pixels the drawing leaves alone. The outlines are measured on the
// plain pixels as the line-weight judge measures them: per stroke pixel
// the least sum, along four directions, of the ink cover of the pixels
// across the stroke, and the 30% quantile of those sums. The drawn line's
// width is the median, over the columns it spans (the rows, for a line
// more tall than wide), of its opacity summed down the column.
// Per image (N, 5, 1, 1): the outlines' width less the line's, the
// absolute value of that, the outlines' width over 4, 1 when there are
// outlines, and 1. A drawing without a line (nothing drawn) gives zeros;
// an image without outlines gives zeros but the last value.
// The gradient flows into the image: into the cover of the pixels across
// the strokes whose widths lie near the quantile (within a twentieth of
// them either side), each stroke's mean, so that a teaching run makes
// outlines darker and wider, or lighter and narrower, where they are. The
// ink and background levels, and which pixels are strokes, are held as
// they are (as the sky path holds where the sky is).
func LineFit(seen, scale, plain *G.Node) (*G.Node, error) {
	ss, cs, ps := seen.Shape(), scale.Shape(), plain.Shape()
	if ss.Dims() != 4 || ss[1] != 3 || !cs.Eq(ss) || ps.Dims() != 4 || ps[0] != ss[0] || ps[1] != 1 || ps[2] != ss[2] || ps[3] != ss[3] {
		return nil, fmt.Errorf("line fit: want an image and a scale (N, 3, H, W) and a mask (N, 1, H, W), got %v, %v and %v", ss, cs, ps)
	}
	return G.ApplyOp(lineFitOp{}, seen, scale, plain)
}

type lineFitOp struct{ opBase }

func (op lineFitOp) Arity() int            { return 3 }
func (op lineFitOp) Type() hm.Type         { return fnType(4, 4, 4, 4) }
func (op lineFitOp) String() string        { return "LineFit" }
func (op lineFitOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op lineFitOp) Hashcode() uint32      { return hashOf(op) }
func (op lineFitOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{shapeOf(in[0])[0], LineFitOutputs, 1, 1}, nil
}
func (op lineFitOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return lineFit[float32](d, nil) },
		func(d []*tensor.Dense) (G.Value, error) { return lineFit[float64](d, nil) }, in)
}
func (op lineFitOp) DiffWRT(int) []bool { return []bool{true, false, false} }
func (op lineFitOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	g, err := G.ApplyOp(lineFitGradOp{}, in[0], in[1], in[2], grad)
	return G.Nodes{g, nil, nil}, err
}

// lineFitGradOp: inputs seen, scale, plain, gy -> the gradient of seen.
type lineFitGradOp struct{ opBase }

func (op lineFitGradOp) Arity() int            { return 4 }
func (op lineFitGradOp) Type() hm.Type         { return fnType(4, 4, 4, 4, 4) }
func (op lineFitGradOp) String() string        { return "LineFitGrad" }
func (op lineFitGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op lineFitGradOp) Hashcode() uint32      { return hashOf(op) }
func (op lineFitGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op lineFitGradOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return lineFit(d[:3], data[float32](d[3])) },
		func(d []*tensor.Dense) (G.Value, error) { return lineFit(d[:3], data[float64](d[3])) }, in)
}

// lineFit computes LineFit's values or, with gy, the gradient of seen.
func lineFit[T float](in []*tensor.Dense, gy []T) (G.Value, error) {
	s := in[0].Shape()
	n, h, w := s[0], s[2], s[3]
	p := h * w
	seen, scale, plain := data[T](in[0]), data[T](in[1]), data[T](in[2])
	var out *tensor.Dense
	var y []T
	if gy == nil {
		out, y = newDense[T](n, LineFitOutputs, 1, 1)
	} else {
		out, y = newDense[T](s...)
	}
	parallel(n, func(_, i int) {
		ref, ok := drawnLineWidth(scale[i*3*p:][:p], w, h)
		if !ok {
			return
		}
		im := newInkImage(seen[i*3*p:][:3*p], plain[i*p:][:p], w, h)
		width, strokes := im.width()
		if gy == nil {
			o := y[i*LineFitOutputs:][:LineFitOutputs]
			o[4] = 1
			if strokes != nil {
				d := width - ref
				o[0], o[1], o[2], o[3] = T(d), T(math.Abs(d)), T(width/4), 1
			}
			return
		}
		if strokes == nil {
			return
		}
		g := gy[i*LineFitOutputs:][:LineFitOutputs]
		sign := 1.0
		if width < ref {
			sign = -1
		}
		dw := float64(g[0]) + sign*float64(g[1]) + float64(g[2])/4 // d output / d width
		for _, st := range strokes {
			for _, c := range st {
				y[(i*3+im.arg[c.at])*p+c.at] += T(dw * c.d / float64(len(strokes)))
			}
		}
	})
	return out, nil
}

// drawnLineWidth is the width of the line drawn with opacity 1 - scale
// (its first channel): the median over the columns it spans (rows, for a
// line more tall than wide) of its opacity summed down each, counting the
// columns whose sum is at least half the largest. ok is false when
// nothing is drawn.
func drawnLineWidth[T float](scale []T, w, h int) (float64, bool) {
	cols, rows := make([]float64, w), make([]float64, h)
	for k, v := range scale {
		if a := 1 - float64(v); a > 1e-3 {
			cols[k%w] += a
			rows[k/w] += a
		}
	}
	spanned := func(sums []float64) []float64 {
		top := slices.Max(sums)
		var in []float64
		for _, v := range sums {
			if v >= top/2 && v > 0 {
				in = append(in, v)
			}
		}
		return in
	}
	c, r := spanned(cols), spanned(rows)
	if len(c) == 0 {
		return 0, false
	}
	if len(r) > len(c) {
		c = r
	}
	slices.Sort(c)
	return c[len(c)/2], true
}

// inkImage is an image's value (its largest channel) and where that is
// taken from, with the pixels to measure.
type inkImage struct {
	w, h  int
	value []float64
	arg   []int // the channel of each pixel's value
	plain []bool
}

func newInkImage[T float](rgb, plain []T, w, h int) *inkImage {
	p := w * h
	im := &inkImage{w: w, h: h, value: make([]float64, p), arg: make([]int, p), plain: make([]bool, p)}
	for k := range p {
		for ch := range 3 {
			if v := float64(rgb[ch*p+k]); ch == 0 || v > im.value[k] {
				im.value[k], im.arg[k] = v, ch
			}
		}
		im.plain[k] = plain[k] >= 0.5
	}
	return im
}

// cover is a pixel's share in a stroke's width and its derivative by the
// pixel's value.
type cover struct {
	at int
	d  float64
}

// width measures the outlines as the line-weight judge does (see LineFit)
// and gives, for the strokes whose widths lie near the quantile, the
// derivative of each width by the values of the pixels across it. strokes
// is nil when there are no outlines.
func (im *inkImage) width() (float64, [][]cover) {
	var vals []float64
	for k, v := range im.value {
		if im.plain[k] {
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 {
		return 0, nil
	}
	slices.Sort(vals)
	ink := vals[int(0.01*float64(len(vals)-1))]
	if ink > lineInk {
		return 0, nil
	}
	bg := localMax(im.value, im.w, im.h, lineBgRadius)
	type measured struct {
		w      float64
		covers []cover
	}
	var ms []measured
	dirs := [][2]int{{1, 0}, {0, 1}, {1, 1}, {1, -1}}
	for k, v := range im.value {
		if !im.plain[k] || bg[k]-ink < lineContrast || v > ink+lineStroke*(bg[k]-ink) {
			continue
		}
		best := measured{w: math.Inf(1)}
		for _, d := range dirs {
			wd, cs := im.crossWidth(k%im.w, k/im.w, d, ink, (ink+bg[k])/2)
			if math.IsNaN(wd) { // as the judge's: a pixel no direction can measure is left out
				best.w = wd
				break
			}
			if wd < best.w {
				best = measured{wd, cs}
			}
		}
		if best.w <= lineMaxWidth {
			ms = append(ms, best)
		}
	}
	if float64(len(ms)) < lineMinShare*float64(len(vals)) || len(ms) == 0 {
		return 0, nil
	}
	slices.SortStableFunc(ms, func(a, b measured) int { return cmpFloat(a.w, b.w) })
	q := int(lineQuantile * float64(len(ms)-1))
	near := max(1, len(ms)/20)
	var strokes [][]cover
	for j := max(0, q-near); j <= min(len(ms)-1, q+near); j++ {
		strokes = append(strokes, ms[j].covers)
	}
	return ms[q].w, strokes
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// crossWidth is the line-weight judge's width of the stroke through (x, y)
// along d: the ink cover of its solid part (darker than mid), of one edge
// pixel on each side, against the background two pixels beyond; with the
// derivative of the width by each of those pixels' values.
func (im *inkImage) crossWidth(x, y int, d [2]int, ink, mid float64) (float64, []cover) {
	step := math.Hypot(float64(d[0]), float64(d[1]))
	var sum float64
	var cs []cover
	for _, sign := range []int{1, -1} {
		dx, dy := sign*d[0], sign*d[1]
		i, j, n := x, y, 0
		for im.in(i+dx, j+dy) && im.value[(j+dy)*im.w+i+dx] <= mid {
			i, j = i+dx, j+dy
			n++
			if float64(n)*step > lineMaxRun {
				return math.Inf(1), nil // too long to be across a line
			}
		}
		bgv := im.valueAt(i+2*dx, j+2*dy, im.valueAt(i+dx, j+dy, 1))
		nan := false
		add := func(at int) {
			c := (bgv - im.value[at]) / (bgv - ink)
			switch {
			case math.IsNaN(c): // background, ink and pixel all alike
				nan = true
			case c >= 1:
				sum++
			case c > 0:
				sum += c
				cs = append(cs, cover{at, -step / (bgv - ink)})
			}
		}
		for t := 0; t <= n; t++ {
			if t == 0 && sign == -1 {
				continue // the centre pixel was counted on the first side
			}
			add((y+t*dy)*im.w + x + t*dx)
		}
		if im.in(i+dx, j+dy) { // beyond the image the edge is the background: no cover
			add((j+dy)*im.w + i + dx)
		}
		if nan {
			return math.NaN(), nil
		}
	}
	return sum * step, cs
}

func (im *inkImage) in(x, y int) bool { return x >= 0 && y >= 0 && x < im.w && y < im.h }

func (im *inkImage) valueAt(x, y int, def float64) float64 {
	if !im.in(x, y) {
		return def
	}
	return im.value[y*im.w+x]
}

// localMax is each value's largest within a square of radius rad.
func localMax(v []float64, w, h, rad int) []float64 {
	tmp, out := make([]float64, len(v)), make([]float64, len(v))
	for y := range h {
		for x := range w {
			m := 0.0
			for i := max(0, x-rad); i <= min(w-1, x+rad); i++ {
				m = math.Max(m, v[y*w+i])
			}
			tmp[y*w+x] = m
		}
	}
	for y := range h {
		for x := range w {
			m := 0.0
			for j := max(0, y-rad); j <= min(h-1, y+rad); j++ {
				m = math.Max(m, tmp[j*w+x])
			}
			out[y*w+x] = m
		}
	}
	return out
}
