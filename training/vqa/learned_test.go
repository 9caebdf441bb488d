package vqa

import (
	"image"
	"image/color"
	"testing"

	"dualprocess/training/visual"
	"dualprocess/training/world"
)

// maxAlphaDiff is the largest difference in opacity between two drawings.
func maxAlphaDiff(a, b *image.NRGBA) int {
	m := 0
	for i := 3; i < len(a.Pix); i += 4 {
		m = max(m, int(a.Pix[i])-int(b.Pix[i]), int(b.Pix[i])-int(a.Pix[i]))
	}
	return m
}

func TestAsLearnedDrawsAReferenceWhereTheRaterLearnedIt(t *testing.T) {
	for _, w := range []float64{1, 2.25, 3.5, 5} {
		d, err := visual.DrawStrokes([]visual.Stroke{{Tool: "segment", X: 0.5, X1: 0.95, Y: 0.8, Width: w}}, world.Size)
		if err != nil {
			t.Fatal(err)
		}
		want := visual.NewCanvas(world.Size)
		visual.Segment(want, visual.Red, RefX0, RefX1, RefY, w)
		if diff := maxAlphaDiff(AsLearned("lineweight", d), want); diff > 3 {
			t.Errorf("a %g px line at the bottom right: opacity differs by %d from the %g px reference line", w, diff, w)
		}
		if AsLearned("horizon", d) != d {
			t.Errorf("a horizon question's drawing was changed")
		}
	}
	cols := []color.Color{color.RGBA{0x24, 0x30, 0x60, 255}, color.RGBA{0x2f, 0x5a, 0x3a, 255}, color.RGBA{0xe0, 0xc0, 0x90, 255}}
	d := visual.NewCanvas(world.Size)
	visual.Swatches(d, cols, 4, 20) // a strip near the top
	want := visual.NewCanvas(world.Size)
	visual.Swatches(want, cols, world.Size-PaletteRows, world.Size)
	got := AsLearned("palette", d)
	if diff := maxAlphaDiff(got, want); diff > 0 || got.NRGBAAt(5, 60) != want.NRGBAAt(5, 60) || got.NRGBAAt(60, 60) != want.NRGBAAt(60, 60) {
		t.Errorf("a strip near the top: opacity differs by %d from the strip at the bottom, or its colours do", diff)
	}
	empty := visual.NewCanvas(world.Size)
	if AsLearned("lineweight", empty) != empty || AsLearned("palette", empty) != empty {
		t.Error("a drawing without a reference was changed")
	}
}

func TestFamilyOfKnowsEveryParaphraseOfADrawingsQuestion(t *testing.T) {
	for _, c := range []struct {
		family string
		qs     []string
	}{{"lineweight", weightSame}, {"lineweight", weightThinner}, {"palette", paletteQs}, {"horizon", horizonBelow},
		{"depth", depthFarther}, {"sunbox", moonInBox}, {"treeline", treeAtLine}} {
		for _, q := range c.qs {
			if got := FamilyOf(q); got != c.family {
				t.Errorf("FamilyOf(%q) = %q, want %q", q, got, c.family)
			}
		}
	}
	for q, want := range map[string]string{
		"are the OUTLINES as thick as the red line " + YesNoSuffix: "lineweight",
		"Is it night?": "", "Is the sky orange?": "", "Are the outlines red?": "",
	} {
		if got := FamilyOf(q); got != want {
			t.Errorf("FamilyOf(%q) = %q, want %q", q, got, want)
		}
	}
}
