package visual

import (
	"image/color"
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
