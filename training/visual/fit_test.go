package visual

import (
	"image"
	"image/color"
	"image/draw"
	"strings"
	"testing"
)

// whiteWithRedRows is an opaque drawing of size x size, white with rows
// [y0, y1) red, as a paint program saves it.
func whiteWithRedRows(size, y0, y1 int) *image.NRGBA {
	d := image.NewNRGBA(image.Rect(0, 0, size, size))
	draw.Draw(d, d.Rect, image.White, image.Point{}, draw.Src)
	draw.Draw(d, image.Rect(0, y0, size, y1), image.NewUniform(color.NRGBA{255, 0, 0, 255}), image.Point{}, draw.Src)
	return d
}

func TestFitDrawingResizesASquareDrawingAndKeepsItsLinesRed(t *testing.T) {
	// 512 px: an 8 px line is one row at 64, a 4 px one half a row
	for _, c := range []struct {
		y0, y1    int
		wantAlpha uint8
	}{{256, 264, 255}, {256, 260, 128}} {
		d, err := FitDrawing(whiteWithRedRows(512, c.y0, c.y1), 64)
		if err != nil {
			t.Fatal(err)
		}
		if d.Rect.Dx() != 64 || d.Rect.Dy() != 64 {
			t.Fatalf("size %v", d.Rect.Size())
		}
		line := d.NRGBAAt(10, 32)
		if line.R < 250 || line.G > 5 || line.B > 5 || int(line.A) < int(c.wantAlpha)-3 || int(line.A) > int(c.wantAlpha)+3 {
			t.Errorf("line %d-%d: row 32 is %v, want red at alpha %d (not pink)", c.y0, c.y1, line, c.wantAlpha)
		}
		for _, y := range []int{0, 31, 33, 63} {
			if a := d.NRGBAAt(10, y).A; a != 0 {
				t.Errorf("line %d-%d: row %d alpha %d, want clear (white is clear)", c.y0, c.y1, y, a)
			}
		}
		// composited solid over black, the half-row line is half red, not pink
		ov, err := NewOverlay(d, Solid)
		if err != nil {
			t.Fatal(err)
		}
		black := image.NewRGBA(image.Rect(0, 0, 64, 64))
		draw.Draw(black, black.Rect, image.Black, image.Point{}, draw.Src)
		out, _ := ov.Apply(black)
		if px := out.RGBAAt(10, 32); px.G > 5 || px.B > 5 || int(px.R) < int(c.wantAlpha)-4 || int(px.R) > int(c.wantAlpha)+4 {
			t.Errorf("line %d-%d: composite %v", c.y0, c.y1, px)
		}
	}
}

func TestFitDrawingKeepsTheRightSizeAndRefusesOtherShapes(t *testing.T) {
	d := whiteWithRedRows(64, 10, 12)
	got, err := FitDrawing(d, 64)
	if err != nil || got != d {
		t.Errorf("a 64x64 drawing should come back as it is: %v", err)
	}
	if _, err := FitDrawing(image.NewNRGBA(image.Rect(0, 0, 128, 64)), 64); err == nil || !strings.Contains(err.Error(), "128x64: it must be square") {
		t.Errorf("128x64: %v", err)
	}
}
