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

// SkyFit counts the sky's pixels near each name: a patch over three
// eighths of a blue sky leaves blue the most of it; the ground is not
// read; the sky's weight is its share of the image.
func TestSkyFitReadsMostOfTheSky(t *testing.T) {
	for _, patch := range []int{0, 3, 8} {
		lab, sky, plain := skyScene(patch)
		got := skyFit1(t, lab, sky, plain)
		blue, orange := 1-float64(patch)/8, float64(patch)/8
		for name, want := range []float64{blue, orange} {
			for th := range 2 {
				if v := got[3*name+th]; math.Abs(v-want) > 0.01 {
					t.Errorf("patch %d/8: %s's share at %.0f delta E %.3f, want %.3f", patch, testSkies[name].Name, skyNear[th], v, want)
				}
			}
		}
		if d := got[2]; patch == 0 && d > 0.01 || patch == 8 && d < 0.5 {
			t.Errorf("patch %d/8: mean distance from blue %.3f", patch, d)
		}
		if got[6] != 0.5 || got[7] != 1 {
			t.Errorf("patch %d/8: sky weight %v and 1 %v, want 0.5 and 1", patch, got[6], got[7])
		}
	}
	lab, sky, plain := skyScene(3)
	sky.Data().([]float64)[0], sky.Data().([]float64)[1] = 0.6, 0.4 // a sky map unsure of the sky: weights 0.2 and 0
	for _, v := range skyFit1(t, lab, sky, plain) {
		if v != 0 {
			t.Fatalf("3.2 pixels' weight of sky: got values, want zeros")
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
	sky.Data().([]float64)[1] = 0.8 // weights below 1 too
	gradCheck(t, []*tensor.Dense{lab}, func(in G.Nodes) (*G.Node, error) {
		g := in[0].Graph()
		return SkyFit(in[0], G.NodeFromAny(g, sky, G.WithName("sky")), G.NodeFromAny(g, plain, G.WithName("plain")), testSkies)
	})
}
