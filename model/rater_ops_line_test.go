package model

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/disintegration/imaging"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dualprocess/training/judge"
	"dualprocess/training/visual"
	"dualprocess/training/world"
)

// lineInputs are an image as LineFit reads it, the scale of a red segment
// of the given width drawn at the top left, and a mask of ones.
func lineInputs(t *testing.T, img image.Image, ref float64) (seen, scale, plain *tensor.Dense) {
	t.Helper()
	b := img.Bounds()
	seen, s := newDense[float64](1, 3, b.Dy(), b.Dx())
	p := b.Dx() * b.Dy()
	for y := range b.Dy() {
		for x := range b.Dx() {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			k := y*b.Dx() + x
			s[k], s[p+k], s[2*p+k] = float64(r>>8)/255, float64(g>>8)/255, float64(bl>>8)/255
		}
	}
	d := visual.NewCanvas(b.Dx())
	visual.Segment(d, visual.Red, 4, 24, 5, ref)
	ov, err := visual.NewOverlay(d, visual.Solid)
	if err != nil {
		t.Fatal(err)
	}
	scale, c := newDense[float64](1, 3, b.Dy(), b.Dx())
	for k := range c {
		c[k] = float64(ov.Scale[k])
	}
	plain, m := newDense[float64](1, 1, b.Dy(), b.Dx())
	for k := range m {
		m[k] = 1
	}
	return seen, scale, plain
}

func lineFit1(t *testing.T, seen, scale, plain *tensor.Dense) []float64 {
	t.Helper()
	in := func(g *G.ExprGraph, name string, v *tensor.Dense) *G.Node { // named: two constants of one shape would be one node
		return G.NewTensor(g, G.Float64, 4, G.WithShape(v.Shape()...), G.WithValue(v), G.WithName(name))
	}
	return evalGraph(t, func(g *G.ExprGraph) (*G.Node, error) {
		return LineFit(in(g, "seen", seen), in(g, "scale", scale), in(g, "plain", plain))
	})
}

// On renders, sharp and blurred as a generator's samples are, the path
// measures the outlines' width as the line-weight judge does, and the red
// segment's width as it was drawn.
func TestLineFitMeasuresAsTheJudgeDoes(t *testing.T) {
	rng := rand.New(rand.NewPCG(28, 1))
	checked := 0
	for i := 0; checked < 12 && i < 60; i++ {
		p := world.Prompt{Kind: world.Kinds[rng.IntN(len(world.Kinds))], Time: world.Times[rng.IntN(len(world.Times))], Outlined: true, Trees: i%2 == 0, House: i%3 == 0}
		var img image.Image = world.Render(world.Sample(p, world.Noise(rng.Int64()))).Image
		if i%2 == 1 {
			img = imaging.Blur(img, 0.7)
		}
		ref := 1 + 4*rng.Float64()
		seen, scale, plain := lineInputs(t, img, ref)
		got := lineFit1(t, seen, scale, plain)
		want, err := judge.Check(img, judge.Target{Kind: "lineweight", Width: &ref})
		if err != nil {
			t.Fatal(err)
		}
		if !want.Found {
			if got[3] != 0 || got[4] != 1 {
				t.Errorf("%s: the judge finds no outlines, the path %v", p, got)
			}
			continue
		}
		checked++
		if math.Abs(got[2]*4-want.Width) > 1e-9 || got[3] != 1 || got[4] != 1 {
			t.Errorf("%s: width %.4f, the judge's %.4f (%v)", p, got[2]*4, want.Width, got)
		}
		if drawn := got[2]*4 - got[0]; math.Abs(drawn-ref) > 0.1 || math.Abs(got[1]-math.Abs(got[0])) > 1e-12 {
			t.Errorf("%s: the red line measured %.3f, drawn %.3f (%v)", p, drawn, ref, got)
		}
	}
	if checked < 12 {
		t.Fatalf("only %d renders with outlines the judge finds", checked)
	}
}

// Without a drawn line the path gives zeros, whatever the image.
func TestLineFitIsSilentWithoutALine(t *testing.T) {
	r := world.Render(world.Sample(world.Prompt{Kind: "hills", Time: "noon", Outlined: true}, world.Noise(3)))
	seen, scale, plain := lineInputs(t, r.Image, 2)
	for k := range scale.Data().([]float64) {
		scale.Data().([]float64)[k] = 1
	}
	for _, v := range lineFit1(t, seen, scale, plain) {
		if v != 0 {
			t.Fatalf("no line drawn, values %v", lineFit1(t, seen, scale, plain))
		}
	}
}

// A black vertical stroke 2 px wide with grey (0.5) edge pixels on a white
// image is 3 px wide; darkening every edge pixel by e makes it 3 + 2e, and
// the gradient says so: the sum of its entries over the edge pixels is 2
// per unit of width wanted.
func TestLineFitGradWidensTheStroke(t *testing.T) {
	const size = 16
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	for k := range img.Pix {
		img.Pix[k] = 255
	}
	edge := func(x int) bool { return x == 6 || x == 9 }
	for y := range size {
		for x := 6; x <= 9; x++ {
			v := uint8(0)
			if edge(x) {
				v = 128
			}
			o := img.PixOffset(x, y)
			img.Pix[o], img.Pix[o+1], img.Pix[o+2] = v, v, v
		}
	}
	seen, scale, plain := lineInputs(t, img, 2)
	got := lineFit1(t, seen, scale, plain)
	width := got[2] * 4
	if math.Abs(width-(2+2*(1-128.0/255))) > 1e-9 {
		t.Fatalf("stroke width %v, want 2 plus two edges of cover 0.5", width)
	}
	gv, err := lineFit([]*tensor.Dense{seen, scale, plain}, []float64{0, 0, 4, 0, 0}) // d width / d seen
	if err != nil {
		t.Fatal(err)
	}
	grad := gv.(*tensor.Dense).Data().([]float64)
	var onEdges, elsewhere float64
	for k, g := range grad {
		if k < size*size && edge(k%size) {
			onEdges += g
		} else {
			elsewhere += math.Abs(g)
		}
	}
	if math.Abs(onEdges+2) > 1e-9 || elsewhere != 0 {
		t.Errorf("d width / d value: %v over the edge pixels (want -2), %v elsewhere (want 0)", onEdges, elsewhere)
	}
	const e = 0.05 // the forward pass agrees
	d := seen.Data().([]float64)
	for k := range size * size {
		if edge(k % size) {
			for ch := range 3 {
				d[ch*size*size+k] -= e
			}
		}
	}
	if w := lineFit1(t, seen, scale, plain)[2] * 4; math.Abs(w-(width+2*e)) > 1e-9 {
		t.Errorf("edges darkened by %v: width %v, want %v", e, w, width+2*e)
	}
}
