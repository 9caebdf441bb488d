package model

import (
	"image/color"
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dualprocess/training/world"
)

// evalGraph evaluates f over constant inputs.
func evalGraph(t *testing.T, f func(g *G.ExprGraph) (*G.Node, error)) []float64 {
	t.Helper()
	g := G.NewGraph()
	out, err := f(g)
	if err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	return out.Value().Data().([]float64)
}

// rgbPixels are colours as an (1, 3, 1, len) image.
func rgbPixels(cols []color.RGBA) *tensor.Dense {
	t, d := newDense[float64](1, 3, 1, len(cols))
	for k, c := range cols {
		d[k], d[len(cols)+k], d[2*len(cols)+k] = float64(c.R)/255, float64(c.G)/255, float64(c.B)/255
	}
	return t
}

func TestLabOfIsTheWorldsLab(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 1))
	cols := []color.RGBA{{0, 0, 0, 255}, {255, 255, 255, 255}, {5, 3, 8, 255}, {200, 40, 30, 255}}
	for range 60 {
		cols = append(cols, color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255})
	}
	got := evalGraph(t, func(g *G.ExprGraph) (*G.Node, error) { return LabOf(G.NodeFromAny(g, rgbPixels(cols))) })
	for k, c := range cols {
		want := world.Lab(c)
		for d := range 3 {
			if v := got[d*len(cols)+k] * 100; math.Abs(v-want[d]) > 1e-9 {
				t.Fatalf("%v: L*a*b*[%d] %.6f, want %.6f", c, d, v, want[d])
			}
		}
	}
}

func TestLabOfGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 2))
	x, d := newDense[float64](2, 3, 2, 3)
	for i := range d {
		d[i] = 0.01 + 0.98*r.Float64() // both sides of the curve's linear part (0.04)
	}
	d[0], d[1] = 0.02, 0.001
	gradCheck(t, []*tensor.Dense{x}, func(in G.Nodes) (*G.Node, error) { return LabOf(in[0]) })
}

// colourFitInputs is one image of 2x6 pixels in L*a*b*/100: the bottom row's
// first three pixels swatch 1, the next three swatch 2, the top row image.
func colourFitInputs(lab []float64) (x, swatches, image *tensor.Dense) {
	x = tensor.New(tensor.WithShape(1, 3, 2, 6), tensor.WithBacking(lab))
	swatches, s := newDense[float64](1, 1, 2, 6)
	image, m := newDense[float64](1, 1, 2, 6)
	for k := 0; k < 6; k++ {
		m[k] = 1
		s[6+k] = float64(1 + k/3)
	}
	return x, swatches, image
}

func colourFit1(t *testing.T, lab []float64, logShare bool) []float64 {
	x, swatches, image := colourFitInputs(lab)
	return evalGraph(t, func(g *G.ExprGraph) (*G.Node, error) {
		lab := G.NodeFromAny(g, x, G.WithName("lab"))
		return ColourFit(lab, lab, G.NodeFromAny(g, swatches, G.WithName("swatches")), G.NodeFromAny(g, image, G.WithName("image")), logShare)
	})
}

// ColourFit's values are what they say: with the image's pixels in the
// swatches' colours, no distance and each swatch's share of the image;
// with one pixel far from both, that pixel's delta E / 10 over the mean.
func TestColourFitMeasuresDistanceAndShare(t *testing.T) {
	a, b, far := [3]float64{0.5, 0.1, 0.1}, [3]float64{0.3, -0.2, 0.05}, [3]float64{0.9, 0.4, -0.3}
	lab := func(top [6][3]float64) []float64 {
		v := make([]float64, 36)
		bottom := [6][3]float64{a, a, a, b, b, b}
		for k := 0; k < 6; k++ {
			for d := range 3 {
				v[d*12+k], v[d*12+6+k] = top[k][d], bottom[k][d]
			}
		}
		return v
	}
	got := colourFit1(t, lab([6][3]float64{a, a, a, a, b, b}), false)
	near := 1 / (1 + math.Exp(-colourNear/colourSoft)) // the share of a pixel at distance 0
	want := []float64{0, 2.0 / 6 * near, 0, 0, 1}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-4 {
			t.Fatalf("exact colours: got %v, want %v", got, want)
		}
	}
	got = colourFit1(t, lab([6][3]float64{a, a, a, a, b, far}), false)
	dFar := 10 * math.Min(dist3(far, a), dist3(far, b))
	if math.Abs(got[0]-dFar/6) > 1e-4 || math.Abs(got[1]-1.0/6*near) > 1e-4 || got[2] > 1e-5 || got[3] > 1e-5 {
		t.Fatalf("one far pixel: got %v, want mean %.4f, least share %.4f, swatches found", got, dFar/6, near/6)
	}
	got = colourFit1(t, lab([6][3]float64{a, a, a, a, a, far}), false)
	dB := 10 * math.Min(dist3(b, a), dist3(b, far))
	if math.Abs(got[1]) > 1e-3 || math.Abs(got[3]-dB) > 1e-4 || math.Abs(got[2]-dB/2) > 1e-4 {
		t.Fatalf("swatch b missing: got %v, want least share 0, farthest swatch %.4f, mean %.4f", got, dB, dB/2)
	}
	for _, top := range [][6][3]float64{{a, a, a, a, b, b}, {a, a, a, a, a, far}} { // the share as its log
		plain, logged := colourFit1(t, lab(top), false), colourFit1(t, lab(top), true)
		for i := range plain {
			want := plain[i]
			if i == 1 {
				want = math.Log(plain[1] + LogShareFloor)
			}
			if math.Abs(logged[i]-want) > 1e-6 {
				t.Fatalf("log share: got %v, want %v with the share's log", logged, plain)
			}
		}
	}
	x, _, image := colourFitInputs(lab([6][3]float64{a, a, a, a, b, b}))
	none, _ := newDense[float64](1, 1, 2, 6)
	one, o := newDense[float64](1, 1, 2, 6) // a single swatch, as a red line is
	for k := 6; k < 12; k++ {
		o[k] = 1
	}
	for name, sw := range map[string]*tensor.Dense{"no swatches": none, "one swatch": one} {
		got = evalGraph(t, func(g *G.ExprGraph) (*G.Node, error) {
			lab := G.NodeFromAny(g, x, G.WithName("lab"))
			return ColourFit(lab, lab, G.NodeFromAny(g, sw, G.WithName("swatches")), G.NodeFromAny(g, image, G.WithName("image")), false)
		})
		for _, v := range got {
			if v != 0 {
				t.Fatalf("%s: got %v, want zeros", name, got)
			}
		}
	}
}

func dist3(a, b [3]float64) float64 {
	return math.Sqrt((a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2]))
}

func TestColourFitGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 1))
	lab := make([]float64, 36)
	for i := range lab {
		lab[i] = 0.15 * r.NormFloat64() // distances around the share's threshold
	}
	x, swatches, image := colourFitInputs(lab)
	sw := x.Clone().(*tensor.Dense)
	for i, v := range sw.Data().([]float64) {
		sw.Data().([]float64)[i] = v + 0.05*r.NormFloat64() // swatches in colours of their own
	}
	for _, logShare := range []bool{false, true} {
		gradCheck(t, []*tensor.Dense{x, sw}, func(in G.Nodes) (*G.Node, error) {
			g := in[0].Graph()
			return ColourFit(in[0], in[1], G.NodeFromAny(g, swatches, G.WithName("swatches")), G.NodeFromAny(g, image, G.WithName("image")), logShare)
		})
	}
}

// Median3 is the per-channel median of each 3x3 neighbourhood, cut at the
// borders: a single outlier leaves it, a line one pixel thin too.
func TestMedian3(t *testing.T) {
	x, d := newDense[float64](1, 2, 5, 5)
	for i := range d {
		d[i] = 0.5
	}
	d[7] = 9           // an outlier in channel 0
	for q := range 5 { // a thin line across channel 1's middle row
		d[25+10+q] = -3
	}
	got := evalGraph(t, func(g *G.ExprGraph) (*G.Node, error) { return Median3(G.NodeFromAny(g, x, G.WithName("x"))) })
	for i, v := range got {
		if v != 0.5 {
			t.Fatalf("value %d: %v, want 0.5 (got %v)", i, v, got)
		}
	}
	d[25+10], d[25+11], d[25+15] = -3, -3, -3 // three of a corner's six
	got = evalGraph(t, func(g *G.ExprGraph) (*G.Node, error) { return Median3(G.NodeFromAny(g, x, G.WithName("x"))) })
	if got[25+10] != -3 {
		t.Errorf("a border pixel with 3 of its 6 neighbours at -3: %v, want the lower middle, -3", got[25+10])
	}
	r := rand.New(rand.NewPCG(6, 2))
	gradCheck(t, []*tensor.Dense{randDense(r, 2, 2, 4, 5)}, func(in G.Nodes) (*G.Node, error) { return Median3(in[0]) })
}
