package model

// The colour path: "are these the colours of the image?" asks how far the
// image's pixels are from the swatches drawn and how much of the image
// each swatch covers, in colours as the eye tells them apart. The stem's
// features blur small areas of colour together, so this path looks at the
// pixels themselves, in CIE L*a*b*.

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// LabOf converts (N, 3, H, W) sRGB values (0..1) to CIE L*a*b* (D65) per
// pixel, divided by 100, with its gradient. Values a little outside 0..1
// (noise) follow the same formulas.
func LabOf(x *G.Node) (*G.Node, error) {
	if s := x.Shape(); s.Dims() != 4 || s[1] != 3 {
		return nil, fmt.Errorf("lab: want (N, 3, H, W), got %v", s)
	}
	return G.ApplyOp(labOp{}, x)
}

type labOp struct{ opBase }

func (op labOp) Arity() int            { return 1 }
func (op labOp) Type() hm.Type         { return fnType(4, 4) }
func (op labOp) String() string        { return "Lab" }
func (op labOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op labOp) Hashcode() uint32      { return hashOf(op) }
func (op labOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op labOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return lab[float32](d[0], nil) },
		func(d []*tensor.Dense) (G.Value, error) { return lab[float64](d[0], nil) }, in)
}
func (op labOp) DiffWRT(int) []bool { return []bool{true} }
func (op labOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	g, err := G.ApplyOp(labGradOp{}, in[0], grad)
	return G.Nodes{g}, err
}

// labGradOp: inputs x, gy -> the gradient of x.
type labGradOp struct{ opBase }

func (op labGradOp) Arity() int            { return 2 }
func (op labGradOp) Type() hm.Type         { return fnType(4, 4, 4) }
func (op labGradOp) String() string        { return "LabGrad" }
func (op labGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op labGradOp) Hashcode() uint32      { return hashOf(op) }
func (op labGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op labGradOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return lab(d[0], data[float32](d[1])) },
		func(d []*tensor.Dense) (G.Value, error) { return lab(d[0], data[float64](d[1])) }, in)
}

// sRGB (D65) to XYZ, rows X, Y, Z, with X and Z over the white point's.
var labXYZ = [3][3]float64{
	{0.4124 / 0.95047, 0.3576 / 0.95047, 0.1805 / 0.95047},
	{0.2126, 0.7152, 0.0722},
	{0.0193 / 1.08883, 0.1192 / 1.08883, 0.9505 / 1.08883},
}

// lab computes LabOf's values or, with gy, the gradient of its input.
func lab[T float](x *tensor.Dense, gy []T) (G.Value, error) {
	s := x.Shape()
	n, p := s[0], s[2]*s[3]
	v := data[T](x)
	out, y := newDense[T](s...)
	for i := 0; i < n; i++ {
		for k := 0; k < p; k++ {
			var u, du [3]float64 // linear light and its derivative
			for c := range 3 {
				u[c], du[c] = linear(float64(v[(i*3+c)*p+k]))
			}
			var f, df [3]float64 // f(X), f(Y), f(Z) and their derivatives
			for r := range 3 {
				t := labXYZ[r][0]*u[0] + labXYZ[r][1]*u[1] + labXYZ[r][2]*u[2]
				f[r], df[r] = labF(t)
			}
			if gy == nil {
				y[(i*3+0)*p+k] = T(1.16*f[1] - 0.16)
				y[(i*3+1)*p+k] = T(5 * (f[0] - f[1]))
				y[(i*3+2)*p+k] = T(2 * (f[1] - f[2]))
				continue
			}
			gL, ga, gb := float64(gy[(i*3+0)*p+k]), float64(gy[(i*3+1)*p+k]), float64(gy[(i*3+2)*p+k])
			// back through L = 1.16 f(Y) - 0.16, a = 5 (f(X) - f(Y)), b = 2 (f(Y) - f(Z))
			gf := [3]float64{5 * ga * df[0], (1.16*gL - 5*ga + 2*gb) * df[1], -2 * gb * df[2]}
			for c := range 3 {
				var g float64
				for r := range 3 {
					g += gf[r] * labXYZ[r][c]
				}
				y[(i*3+c)*p+k] = T(g * du[c])
			}
		}
	}
	return out, nil
}

// linear is sRGB's transfer function undone, and its derivative.
func linear(v float64) (float64, float64) {
	if v <= 0.04045 {
		return v / 12.92, 1 / 12.92
	}
	b := (v + 0.055) / 1.055
	return math.Pow(b, 2.4), 2.4 / 1.055 * math.Pow(b, 1.4)
}

// labF is L*a*b*'s f(t), and its derivative.
func labF(t float64) (float64, float64) {
	const eps = 216.0 / 24389
	if t > eps {
		c := math.Cbrt(t)
		return c, 1 / (3 * c * c)
	}
	return (24389.0/27*t + 16) / 116, 24389.0 / 27 / 116
}

// ColourFitOutputs is the number of values ColourFit gives per image.
const ColourFitOutputs = 5

// Colour distances in ColourFit are delta E / 10 (CIE76): 1 is the palette
// judge's tolerance. A pixel counts towards a swatch's share when it is
// nearest to it and within colourNear (the judge's 15), by a sigmoid
// colourSoft wide.
const (
	colourNear = 1.5
	colourSoft = 0.2
)

// ColourFit compares the image's pixels with the swatches of a drawing, in
// L*a*b*: pix and sw are (N, 3, H, W), as LabOf gives them, pix for the
// image's pixels (median-filtered, as the palette judge measures them) and
// sw for the swatches. swatches (N, 1, H, W) numbers each pixel of a swatch
// from 1 (0 elsewhere); a swatch's colour is its pixels' mean in sw. image
// (N, 1, H, W) is 1 on the pixels of pix to compare.
// Per image (N, 5, 1, 1): the mean distance from an image pixel to its
// nearest swatch (the palette judge's mean); the least share of the image
// pixels near and nearest to one swatch (the judge's coverage); the mean
// and the largest distance from a swatch to its nearest image pixel (does
// every swatch occur?); and 1. A palette has colours to compare, so a
// drawing with fewer than two swatches (a red line, a box), or an image
// without pixels to compare, gives zeros: questions about such drawings
// get nothing from this path.
//
// With logShare the share is given as log(share + LogShareFloor), which
// tells a swatch that covers nothing (-6.2) from one that covers the
// judge's 1% (-4.4) as clearly as that from one that covers a third.
func ColourFit(pix, sw, swatches, image *G.Node, logShare bool) (*G.Node, error) {
	ls, ws, ss, is := pix.Shape(), sw.Shape(), swatches.Shape(), image.Shape()
	if ls.Dims() != 4 || ls[1] != 3 || !ws.Eq(ls) || !ss.Eq(is) || ss.Dims() != 4 || ss[0] != ls[0] || ss[1] != 1 || ss[2] != ls[2] || ss[3] != ls[3] {
		return nil, fmt.Errorf("colour fit: want colours (N, 3, H, W) twice and masks (N, 1, H, W), got %v, %v, %v and %v", ls, ws, ss, is)
	}
	return G.ApplyOp(colourFitOp{logShare: logShare}, pix, sw, swatches, image)
}

// LogShareFloor is added to the least share before its log (ColourFit).
const LogShareFloor = 0.002

type colourFitOp struct {
	opBase
	logShare bool
}

func (op colourFitOp) Arity() int            { return 4 }
func (op colourFitOp) Type() hm.Type         { return fnType(4, 4, 4, 4, 4) }
func (op colourFitOp) String() string        { return fmt.Sprintf("ColourFit(%v)", op.logShare) }
func (op colourFitOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op colourFitOp) Hashcode() uint32      { return hashOf(op) }
func (op colourFitOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{shapeOf(in[0])[0], ColourFitOutputs, 1, 1}, nil
}
func (op colourFitOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return colourFit[float32](d, nil, 0, op.logShare) },
		func(d []*tensor.Dense) (G.Value, error) { return colourFit[float64](d, nil, 0, op.logShare) }, in)
}
func (op colourFitOp) DiffWRT(int) []bool { return []bool{true, true, false, false} }
func (op colourFitOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	gs := make(G.Nodes, 4)
	for wrt := range 2 {
		g, err := G.ApplyOp(colourFitGradOp{wrt: wrt, logShare: op.logShare}, in[0], in[1], in[2], in[3], grad)
		if err != nil {
			return nil, err
		}
		gs[wrt] = g
	}
	return gs, nil
}

// colourFitGradOp: inputs pix, sw, swatches, image, gy -> the gradient of
// pix (wrt 0) or sw (wrt 1).
type colourFitGradOp struct {
	opBase
	wrt      int
	logShare bool
}

func (op colourFitGradOp) Arity() int    { return 5 }
func (op colourFitGradOp) Type() hm.Type { return fnType(4, 4, 4, 4, 4, 4) }
func (op colourFitGradOp) String() string {
	return fmt.Sprintf("ColourFitGrad(%d, %v)", op.wrt, op.logShare)
}
func (op colourFitGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op colourFitGradOp) Hashcode() uint32      { return hashOf(op) }
func (op colourFitGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[0]).Clone(), nil
}
func (op colourFitGradOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) {
		return colourFit(d[:4], data[float32](d[4]), op.wrt, op.logShare)
	},
		func(d []*tensor.Dense) (G.Value, error) {
			return colourFit(d[:4], data[float64](d[4]), op.wrt, op.logShare)
		}, in)
}

// colourFit computes ColourFit's values or, with gy, the gradient of pix
// (wrt 0) or sw (wrt 1). Each output is a mean, a minimum or a maximum of
// distances, so its gradient flows to the pixels and swatches that attain
// them.
func colourFit[T float](in []*tensor.Dense, gy []T, wrt int, logShare bool) (G.Value, error) {
	s := in[0].Shape()
	n, p := s[0], s[2]*s[3]
	lab, sw, swatch, image := data[T](in[0]), data[T](in[1]), data[T](in[2]), data[T](in[3])
	var out *tensor.Dense
	var y []T
	if gy == nil {
		out, y = newDense[T](n, ColourFitOutputs, 1, 1)
	} else {
		out, y = newDense[T](s...)
	}
	for i := 0; i < n; i++ {
		at := func(v []T, k int) [3]float64 {
			return [3]float64{float64(v[(i*3)*p+k]), float64(v[(i*3+1)*p+k]), float64(v[(i*3+2)*p+k])}
		}
		px := func(k int) [3]float64 { return at(lab, k) }
		// the swatches: their pixels and mean colours
		var members [][]int
		var bs []int
		for k := 0; k < p; k++ {
			if id := int(swatch[i*p+k]); id > 0 {
				for len(members) < id {
					members = append(members, nil)
				}
				members[id-1] = append(members[id-1], k)
			} else if image[i*p+k] >= 0.5 {
				bs = append(bs, k)
			}
		}
		var cols [][3]float64
		var groups [][]int
		for _, m := range members {
			if len(m) == 0 {
				continue
			}
			var c [3]float64
			for _, k := range m {
				v := at(sw, k)
				for d := range 3 {
					c[d] += v[d] / float64(len(m))
				}
			}
			cols, groups = append(cols, c), append(groups, m)
		}
		if len(cols) < 2 || len(bs) == 0 {
			continue
		}
		dist := func(v, c [3]float64) (float64, [3]float64) { // distance and its gradient in v
			var diff [3]float64
			var s2 float64
			for d := range 3 {
				diff[d] = v[d] - c[d]
				s2 += diff[d] * diff[d]
			}
			dd := 10 * math.Sqrt(s2+1e-12)
			for d := range 3 {
				diff[d] *= 100 / dd
			}
			return dd, diff
		}
		// terms are (coefficient, swatch, image pixel): the outputs are sums of coefficient * distance
		type term struct {
			out  int
			w    float64
			g, b int
		}
		var terms []term
		nb := float64(len(bs))
		nearest, share := make([]int, len(bs)), make([]float64, len(cols))
		sig := make([]float64, len(bs))
		best := make([]int, len(cols)) // per swatch its nearest image pixel (index into bs)
		bestD := make([]float64, len(cols))
		for g := range bestD {
			bestD[g] = math.Inf(1)
		}
		for z, b := range bs {
			v, near := px(b), math.Inf(1)
			for g, c := range cols {
				d, _ := dist(v, c)
				if d < near {
					near, nearest[z] = d, g
				}
				if d < bestD[g] {
					bestD[g], best[g] = d, z
				}
			}
			terms = append(terms, term{0, 1 / nb, nearest[z], z})
			sig[z] = 1 / (1 + math.Exp((near-colourNear)/colourSoft))
			share[nearest[z]] += sig[z] / nb
		}
		least := 0
		for g := range share {
			if share[g] < share[least] {
				least = g
			}
		}
		worst := 0
		for g := range cols {
			terms = append(terms, term{2, 1 / float64(len(cols)), g, best[g]})
			if bestD[g] > bestD[worst] {
				worst = g
			}
		}
		terms = append(terms, term{3, 1, worst, best[worst]})
		dShare := 1.0 // d output / d share
		if logShare {
			dShare = 1 / (share[least] + LogShareFloor)
		}
		for z := range bs { // the share's gradient: d sigma / d distance
			if nearest[z] == least {
				terms = append(terms, term{1, -dShare * sig[z] * (1 - sig[z]) / colourSoft / nb, least, z})
			}
		}
		if gy == nil {
			for _, t := range terms {
				if t.out != 1 {
					d, _ := dist(px(bs[t.b]), cols[t.g])
					y[i*ColourFitOutputs+t.out] += T(t.w * d)
				}
			}
			y[i*ColourFitOutputs+1] = T(share[least])
			if logShare {
				y[i*ColourFitOutputs+1] = T(math.Log(share[least] + LogShareFloor))
			}
			y[i*ColourFitOutputs+4] = 1
			continue
		}
		gl := y[i*3*p:][:3*p]
		gc := make([][3]float64, len(cols)) // the gradient of each swatch's colour
		for _, t := range terms {
			b := bs[t.b]
			_, dv := dist(px(b), cols[t.g])
			w := float64(gy[i*ColourFitOutputs+t.out]) * t.w
			for d := range 3 {
				if wrt == 0 {
					gl[d*p+b] += T(w * dv[d])
				}
				gc[t.g][d] -= w * dv[d]
			}
		}
		if wrt == 0 {
			continue
		}
		for g, m := range groups { // the swatch's colour is its pixels' mean
			for _, k := range m {
				for d := range 3 {
					gl[d*p+k] += T(gc[g][d] / float64(len(m)))
				}
			}
		}
	}
	return out, nil
}

// MinSwatchPixels is the fewest pixels an opaque colour of a drawing must
// fill to count as a swatch: a palette strip's swatches fill 56 or more
// at 64x64, and the blends where two swatches meet a column of 8.
const MinSwatchPixels = 24

// colourSides are ColourFit's masks from overlays (scale, offset per
// channel, as SetOverlays has them, and the drawing's mask): each opaque
// colour of a drawing that fills MinSwatchPixels or more numbered from 1
// in the order met, and 1 on the pixels with nothing drawn in or beside
// them.
func colourSides(scale, offset, mask []float64, n int) (swatches, plain []float64) {
	const side, plane = RaterSize, RaterSize * RaterSize
	swatches, plain = make([]float64, n*plane), make([]float64, n*plane)
	for i := 0; i < n; i++ {
		type rgb [3]float64
		colour := func(k int) (rgb, bool) {
			var c rgb
			for ch := range 3 {
				o := (i*3+ch)*plane + k
				if scale[o] != 0 {
					return c, false
				}
				c[ch] = offset[o]
			}
			return c, true
		}
		count := map[rgb]int{}
		for k := 0; k < plane; k++ {
			if c, ok := colour(k); ok {
				count[c]++
			}
		}
		ids := map[rgb]int{}
		for k := 0; k < plane; k++ {
			c, ok := colour(k)
			if !ok || count[c] < MinSwatchPixels {
				continue
			}
			if ids[c] == 0 {
				ids[c] = len(ids) + 1
			}
			swatches[i*plane+k] = float64(ids[c])
		}
		m := mask[i*plane:][:plane]
		for y := 0; y < side; y++ {
			for x := 0; x < side; x++ {
				clear := m[y*side+x] < 0.1
				for j := max(0, y-1); j <= min(side-1, y+1) && clear; j++ {
					for k := max(0, x-1); k <= min(side-1, x+1); k++ {
						clear = clear && m[j*side+k] < 0.5
					}
				}
				if clear {
					plain[i*plane+y*side+x] = 1
				}
			}
		}
	}
	return swatches, plain
}
