package visual

import (
	"image"
	"image/color"
	"image/draw"
	"testing"
)

func grey(size int, v uint8) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	draw.Draw(img, img.Rect, image.NewUniform(color.RGBA{v, v, v, 255}), image.Point{}, draw.Src)
	return img
}

func TestSolidOverlayReplacesOnlyWhereDrawn(t *testing.T) {
	d := NewCanvas(16)
	HLine(d, Red, 8, 2) // rows 7 and 8 exactly
	o, err := NewOverlay(d, Solid)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := o.Apply(grey(16, 100))
	if c := out.RGBAAt(3, 7); c != (color.RGBA{255, 0, 0, 255}) {
		t.Errorf("line pixel %v, want red", c)
	}
	if c := out.RGBAAt(3, 5); c != (color.RGBA{100, 100, 100, 255}) {
		t.Errorf("pixel off the line %v, want the image", c)
	}
}

func TestTransparentOverlayBlendsHalfEverywhere(t *testing.T) {
	d := NewCanvas(8)
	Rect(d, color.NRGBA{0, 0, 0, 255}, 0, 0, 4, 8)
	o, _ := NewOverlay(d, Transparent)
	out, _ := o.Apply(grey(8, 100))
	if c := out.RGBAAt(1, 1); c.R != 50 {
		t.Errorf("under black: %v, want 50", c)
	}
	if c := out.RGBAAt(6, 1); c.R != 178 { // (100 + 255) / 2
		t.Errorf("under nothing: %v, want 178 (half white)", c)
	}
}

func TestOpaqueDrawingTreatsWhiteAsTransparent(t *testing.T) {
	d := image.NewRGBA(image.Rect(0, 0, 8, 8))
	draw.Draw(d, d.Rect, image.White, image.Point{}, draw.Src)
	d.Set(2, 2, color.RGBA{0, 0, 255, 255})
	o, _ := NewOverlay(d, Solid)
	out, _ := o.Apply(grey(8, 40))
	if out.RGBAAt(2, 2) != (color.RGBA{0, 0, 255, 255}) || out.RGBAAt(5, 5) != (color.RGBA{40, 40, 40, 255}) {
		t.Fatalf("white should be clear and blue solid: %v %v", out.RGBAAt(2, 2), out.RGBAAt(5, 5))
	}
	if o.Empty() || !mustOverlay(t, NewCanvas(8)).Empty() {
		t.Fatal("Empty wrong")
	}
}

func mustOverlay(t *testing.T, d image.Image) *Overlay {
	o, err := NewOverlay(d, Solid)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestOverlayRejectsBadModeAndSize(t *testing.T) {
	if _, err := NewOverlay(NewCanvas(8), "glow"); err == nil {
		t.Error("mode glow accepted")
	}
	o := mustOverlay(t, NewCanvas(8))
	if _, err := o.Apply(grey(16, 0)); err == nil {
		t.Error("16x16 image accepted by an 8x8 overlay")
	}
}

func TestFractionalLineCoversItsWidth(t *testing.T) {
	for _, w := range []float64{1.25, 2.5, 3.75} {
		d := NewCanvas(32)
		Segment(d, Red, 4, 28, 16.3, w)
		var cover float64
		for y := 0; y < 32; y++ {
			cover += float64(d.NRGBAAt(10, y).A) / 255
		}
		if cover < w-0.05 || cover > w+0.05 {
			t.Errorf("width %.2f line covers %.2f px of a column", w, cover)
		}
	}
}

func TestStrokesDrawWhatTheySay(t *testing.T) {
	d, err := DrawStrokes([]Stroke{{Tool: "hline", Y: 0.5, Width: 2}, {Tool: "point", X: 0.25, Y: 0.75, Label: "A"},
		{Tool: "swatches", Colors: []string{"#102030", "#f0e0d0"}}}, 64)
	if err != nil {
		t.Fatal(err)
	}
	if d.NRGBAAt(10, 31).A != 255 || d.NRGBAAt(10, 28).A != 0 {
		t.Error("hline at 0.5 should cover rows 31-32 only")
	}
	if d.NRGBAAt(16, 48).A == 0 {
		t.Error("point A missing")
	}
	if c := d.NRGBAAt(5, 60); c != (color.NRGBA{0x10, 0x20, 0x30, 255}) {
		t.Errorf("first swatch %v", c)
	}
	for _, bad := range []Stroke{{Tool: "spray"}, {Tool: "hline", Y: 1.5}, {Tool: "box", X: 0.5, X1: 0.2, Y1: 0.3},
		{Tool: "point", X: 0.1, Y: 0.1, Label: "C"}, {Tool: "swatches", Colors: []string{"reddish"}}, {Tool: "vline", X: 0.2, Width: -1}} {
		if _, err := DrawStrokes([]Stroke{bad}, 64); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
