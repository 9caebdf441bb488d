package model

import (
	"image/color"
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

var testSkies = []SkyGradient{
	{Name: "blue", Top: [3]float64{0.30, 0.55, 0.90}, Bottom: [3]float64{0.62, 0.80, 0.96}},
	{Name: "orange", Top: [3]float64{0.93, 0.50, 0.18}, Bottom: [3]float64{1.00, 0.72, 0.40}},
}

// skyScene is an 8x8 image whose top four rows are sky in the first
// gradient's middle colour, its first patch columns in the second's, over
// a green ground, with a sky map (2x2 cells of 4x4) saying so.
func skyScene(patch int) (lab, sky, plain *tensor.Dense) {
	mid := func(g SkyGradient) color.RGBA {
		var c [3]uint8
		for ch := range c {
			c[ch] = uint8(math.Round((g.Top[ch] + g.Bottom[ch]) / 2 * 255))
		}
		return color.RGBA{c[0], c[1], c[2], 255}
	}
	var cols []color.RGBA
	for k := range 64 {
		switch {
		case k >= 32:
			cols = append(cols, color.RGBA{40, 140, 50, 255})
		case k%8 < patch:
			cols = append(cols, mid(testSkies[1]))
		default:
			cols = append(cols, mid(testSkies[0]))
		}
	}
	rgb := rgbPixels(cols)
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(rgb.Reshape(1, 3, 8, 8))
	g := G.NewGraph()
	l, err := LabOf(G.NodeFromAny(g, rgb))
	must(err)
	m := G.NewTapeMachine(g)
	must(m.RunAll())
	lab = l.Value().(*tensor.Dense).Clone().(*tensor.Dense)
	sky = tensor.New(tensor.WithShape(1, 1, 2, 2), tensor.WithBacking([]float64{1, 1, 0, 0}))
	plain, p := newDense[float64](1, 1, 8, 8)
	for k := range p {
		p[k] = 1
	}
	return lab, sky, plain
}

func skyFit1(t *testing.T, lab, sky, plain *tensor.Dense) []float64 {
	return evalGraph(t, func(g *G.ExprGraph) (*G.Node, error) {
		return SkyFit(G.NodeFromAny(g, lab, G.WithName("lab")), G.NodeFromAny(g, sky, G.WithName("sky")), G.NodeFromAny(g, plain, G.WithName("plain")), testSkies)
	})
}

// SkyFit reads the sky's median colour: a patch over three eighths of a
// blue sky leaves it blue, over five eighths it makes it orange; the
// ground is not read; the sky's share of the image comes last but one.
func TestSkyFitReadsTheSkysMedian(t *testing.T) {
	for _, c := range []struct{ patch, named int }{{0, 0}, {3, 0}, {5, 1}, {8, 1}} {
		lab, sky, plain := skyScene(c.patch)
		got := skyFit1(t, lab, sky, plain)
		for name := range testSkies {
			d, near := got[2*name], got[2*name+1]
			if name == c.named && (d > 0.01 || near < 0.99) || name != c.named && (d < 0.5 || near > 0.01) {
				t.Errorf("patch %d/8: %s at distance %.3f (near %.3f); want only %s near", c.patch, testSkies[name].Name, 100*d, near, testSkies[c.named].Name)
			}
		}
		if got[4] != 0.5 || got[5] != 1 {
			t.Errorf("patch %d/8: sky share %v and 1 %v, want 0.5 and 1", c.patch, got[4], got[5])
		}
	}
	lab, sky, plain := skyScene(3)
	sky.Data().([]float64)[0], sky.Data().([]float64)[1] = 0.7, 0.4 // a sky map unsure of the sky
	for _, v := range skyFit1(t, lab, sky, plain) {
		if v != 0 {
			t.Fatalf("no cell three quarters sky: got values, want zeros")
		}
	}
}

func TestSkyFitGrad(t *testing.T) {
	lab, sky, plain := skyScene(3)
	r := rand.New(rand.NewPCG(6, 2))
	d := lab.Data().([]float64)
	for i := range d {
		d[i] += 0.12 * r.NormFloat64() // distances around the thresholds
	}
	gradCheck(t, []*tensor.Dense{lab}, func(in G.Nodes) (*G.Node, error) {
		g := in[0].Graph()
		return SkyFit(in[0], G.NodeFromAny(g, sky, G.WithName("sky")), G.NodeFromAny(g, plain, G.WithName("plain")), testSkies)
	})
}
