package visual

import (
	"image/color"
	"math"
	"testing"

	"dualprocess/training/world"
)

func TestFindDrawingRecoversADrawnLine(t *testing.T) {
	r := world.Render(world.Sample(mustPrompt(t, "hills at sunset with trees and house"), world.Noise(5)))
	if o, n := FindDrawing(r.Image); o != nil || n != 0 {
		t.Fatalf("a plain render holds %d instruction-red pixels", n)
	}
	d := NewCanvas(world.Size)
	HLine(d, Red, 20, 2)
	drawn, err := NewOverlay(d, Solid)
	if err != nil {
		t.Fatal(err)
	}
	composite, err := drawn.Apply(r.Image)
	if err != nil {
		t.Fatal(err)
	}
	found, n := FindDrawing(composite)
	if found == nil || n != 2*world.Size {
		t.Fatalf("found %d pixels, want the line's %d", n, 2*world.Size)
	}
	again, err := found.Apply(r.Image)
	if err != nil {
		t.Fatal(err)
	}
	for i := range again.Pix {
		if again.Pix[i] != composite.Pix[i] {
			t.Fatalf("the found drawing over the render differs from the composite at byte %d", i)
		}
	}
}

func mustPrompt(t *testing.T, s string) world.Prompt {
	t.Helper()
	p, err := world.ParsePrompt(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The world never paints instruction red, so a drawing found in an image
// is one somebody drew.
func TestWorldHasNoInstructionRed(t *testing.T) {
	n := 0
	for _, kind := range world.Kinds {
		for _, tm := range world.Times {
			p := mustPrompt(t, kind+" at "+tm+" with trees, house, boat and clouds, outlined")
			for seed := int64(0); seed < 6; seed++ {
				if _, k := FindDrawing(world.Render(world.Sample(p, world.Noise(seed))).Image); k > 0 {
					t.Errorf("%s seed %d: %d instruction-red pixels", p, seed, k)
				}
				n++
			}
		}
	}
	t.Logf("%d renders checked", n)
}

func TestIsInstructionRed(t *testing.T) {
	for _, c := range []struct {
		c    color.NRGBA
		want bool
	}{
		{color.NRGBA{255, 0, 0, 255}, true}, {color.NRGBA{200, 40, 30, 255}, true},
		{color.NRGBA{255, 120, 0, 255}, false}, {color.NRGBA{230, 90, 60, 255}, false}, // sunset orange
		{color.NRGBA{140, 0, 0, 255}, false}, {color.NRGBA{255, 0, 0, 0}, false},
	} {
		if got := IsInstructionRed(c.c); got != c.want {
			t.Errorf("IsInstructionRed(%v) = %v", c.c, got)
		}
	}
}

// Unpaint takes a red line out of a render: the pixels it covered come
// back near the scene's, far nearer than the red was.
func TestUnpaintFillsALineFromTheSceneAroundIt(t *testing.T) {
	r := world.Render(world.Sample(mustPrompt(t, "hills at noon with trees"), world.Noise(3)))
	d := NewCanvas(world.Size)
	Segment(d, Red, 20, 50, 44, 3)
	o, _ := NewOverlay(d, Solid)
	painted, err := o.Apply(r.Image)
	if err != nil {
		t.Fatal(err)
	}
	found, n := FindRed(painted)
	if n == 0 {
		t.Fatal("no red found")
	}
	out := Unpaint(painted, found)
	if _, k := FindRed(out); k != 0 {
		t.Errorf("%d red pixels left", k)
	}
	var before, after float64
	for y := 0; y < world.Size; y++ {
		for x := 0; x < world.Size; x++ {
			if d.NRGBAAt(x, y).A == 0 {
				if out.RGBAAt(x, y) != r.Image.RGBAAt(x, y) && (y < 41 || y > 47) {
					t.Fatalf("pixel (%d, %d) far from the line changed", x, y)
				}
				continue
			}
			before += diff(painted.RGBAAt(x, y), r.Image.RGBAAt(x, y))
			after += diff(out.RGBAAt(x, y), r.Image.RGBAAt(x, y))
		}
	}
	if after > before/5 {
		t.Errorf("under the line the pixels differ from the scene by %.0f, the red by %.0f: want at most a fifth", after, before)
	}
}

func diff(a, b color.RGBA) float64 {
	d := func(x, y uint8) float64 { return math.Abs(float64(x) - float64(y)) }
	return d(a.R, b.R) + d(a.G, b.G) + d(a.B, b.B)
}

// A reference line painted into scenes at any width and row, its edges
// blended into the scene, is read back at its width to a tenth of a pixel,
// in Red or in another tool's darker red.
func TestRedCoverageKeepsAPaintedLinesWidth(t *testing.T) {
	darker := color.NRGBA{205, 25, 20, 255} // another tool's red
	for i, w := range []float64{1, 1.5, 2.5, 3.5, 5, 3, 2.5} {
		r := world.Render(world.Sample(mustPrompt(t, []string{"hills at noon with trees", "lake at dawn", "desert at sunset"}[i%3]), world.Noise(int64(i))))
		d := NewCanvas(world.Size)
		col := Red
		if i >= 5 {
			col = darker
		}
		Segment(d, col, 12, 44, 30.3+float64(i)*3.1, w)
		o, _ := NewOverlay(d, Solid)
		painted, err := o.Apply(r.Image)
		if err != nil {
			t.Fatal(err)
		}
		found, _ := RedCoverage(painted)
		s, ok := FindSegment(found)
		if !ok || math.Abs(s.Width-w) > 0.1 {
			t.Errorf("a %.1f px line: read %.2f px (%v)", w, s.Width, ok)
		}
	}
}
