package visual

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"slices"
	"testing"

	"dualprocess/picture"
)

// onWhite is d laid on white, as a paint program saves a drawing.
func onWhite(d *image.NRGBA) *image.NRGBA {
	out := image.NewNRGBA(d.Rect)
	draw.Draw(out, out.Rect, image.White, image.Point{}, draw.Src)
	draw.Draw(out, out.Rect, d, d.Rect.Min, draw.Over)
	return out
}

// jpegRoundTrip is d saved as a JPEG of quality 90 and read back.
func jpegRoundTrip(t *testing.T, d *image.NRGBA) *image.NRGBA {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, onWhite(d), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return ToNRGBA(img)
}

func TestFindSegmentReadsALinesWidthWhereverAndHoweverItIsDrawn(t *testing.T) {
	for _, c := range []struct {
		name string
		s    Stroke
	}{
		{"thin, top right", Stroke{Tool: "segment", X: 0.55, X1: 0.9, Y: 0.2, Width: 1}},
		{"fractional, middle", Stroke{Tool: "segment", X: 0.3, X1: 0.7, Y: 0.5, Width: 2.25}},
		{"thick, bottom left", Stroke{Tool: "segment", X: 0.05, X1: 0.4, Y: 0.85, Width: 5}},
	} {
		for _, size := range []int{64, 512} {
			d, err := DrawStrokes([]Stroke{c.s}, size)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range []struct {
				name string
				d    *image.NRGBA
				tol  float64 // of the width in px
			}{
				{"transparent", d, 0.02},
				{"on white", onWhite(d), 0.02},
				{"fitted to 64", FitDrawing64(t, onWhite(d)), 0.05},
				{"JPEG", jpegRoundTrip(t, d), 0.25}, // ringing widens a line's ends
			} {
				got, ok := FindSegment(v.d)
				if !ok {
					t.Errorf("%s at %d px, %s: no line found", c.name, size, v.name)
					continue
				}
				at := max(0.02, v.tol/5) // of the place, as a fraction of the size
				if math.Abs(got.Width-c.s.Width) > v.tol || math.Abs(got.Y-c.s.Y) > at ||
					math.Abs(got.X-c.s.X) > at || math.Abs(got.X1-c.s.X1) > at {
					t.Errorf("%s at %d px, %s: found %+v, drew %+v", c.name, size, v.name, got, c.s)
				}
			}
		}
	}
}

// FitDrawing64 is d fitted to 64 px.
func FitDrawing64(t *testing.T, d *image.NRGBA) *image.NRGBA {
	f, err := FitDrawing(d, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFindSegmentTakesTheLargestLineAndReadsVerticalOnes(t *testing.T) {
	d, _ := DrawStrokes([]Stroke{
		{Tool: "vline", X: 0.7, Width: 3},
		{Tool: "point", X: 0.2, Y: 0.2, Label: "A"}, // a smaller red mark elsewhere
	}, 64)
	got, ok := FindSegment(d)
	if !ok || math.Abs(got.Width-3) > 0.02 || math.Abs(got.Y-0.7) > 0.02 || got.X != 0 || got.X1 != 1 {
		t.Errorf("found %+v (%v), want the 3 px vertical line at x 0.7 along the whole height", got, ok)
	}
	blue := NewCanvas(64)
	Rect(blue, color.NRGBA{0, 0, 255, 255}, 10, 10, 50, 13)
	if s, ok := FindSegment(blue); ok {
		t.Errorf("a blue bar read as a red line: %+v", s)
	}
}

func TestFindSwatchesReadsAStripsColoursInOrder(t *testing.T) {
	want := []string{"#243060", "#3c4a80", "#2f5a3a", "#e0c090", "#f09040"}
	strip := Stroke{Tool: "swatches", Y: 0.1, Colors: want}
	for _, size := range []int{64, 512} {
		d, err := DrawStrokes([]Stroke{strip, {Tool: "hline", Y: 0.6, Width: 2}}, size) // and a red line
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []struct {
			name string
			d    *image.NRGBA
		}{{"transparent", d}, {"on white", onWhite(d)}, {"fitted to 64", FitDrawing64(t, onWhite(d))}} {
			got, ok := FindSwatches(v.d)
			if !ok || !slices.Equal(got.Colors, want) {
				t.Errorf("%d px, %s: found %v, drew %v", size, v.name, got.Colors, want)
			}
		}
		got, _ := FindSwatches(jpegRoundTrip(t, d))
		if len(got.Colors) != len(want) {
			t.Fatalf("%d px, JPEG: found %v, drew %v", size, got.Colors, want)
		}
		for i, h := range got.Colors {
			if !near(parse(t, h), parse(t, want[i]), 12) {
				t.Errorf("%d px, JPEG: swatch %d is %s, drew %s", size, i, h, want[i])
			}
		}
	}
	sea := []string{"#1b3b6f", "#21295c", "#065a82", "#1c7293"} // near blues: 6-19 apart per channel
	d, _ := DrawStrokes([]Stroke{{Tool: "swatches", Colors: sea}}, 64)
	if got, _ := FindSwatches(d); !slices.Equal(got.Colors, sea) {
		t.Errorf("near blues: found %v, drew %v", got.Colors, sea)
	}
	if got, _ := FindSwatches(jpegRoundTrip(t, d)); len(got.Colors) != len(sea) {
		t.Errorf("near blues, JPEG: found %v, drew %v", got.Colors, sea)
	}
	red, _ := DrawStrokes([]Stroke{{Tool: "swatches", Colors: []string{"#ff0000"}}}, 64)
	if got, ok := FindSwatches(red); !ok || !slices.Equal(got.Colors, []string{"#ff0000"}) {
		t.Errorf("a red swatch alone: found %v, %v", got.Colors, ok)
	}
	if got, ok := FindSwatches(onWhite(NewCanvas(64))); ok {
		t.Errorf("a white drawing has swatches %v", got.Colors)
	}
}

func parse(t *testing.T, h string) color.NRGBA {
	c, err := picture.ParseColor(h)
	if err != nil {
		t.Fatal(err)
	}
	return color.NRGBAModel.Convert(c).(color.NRGBA)
}
