package picture

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"testing"
)

func TestAbsDiffWholeAndInABox(t *testing.T) {
	a := image.NewRGBA(image.Rect(0, 0, 10, 10))
	b := image.NewRGBA(image.Rect(0, 0, 10, 10))
	box := image.Rect(2, 3, 6, 8) // 20 of the 100 pixels
	draw.Draw(b, box, image.NewUniform(color.RGBA{255, 0, 51, 255}), image.Point{}, draw.Src)
	inside := (1 + 0 + 0.2) / 3
	for _, c := range []struct {
		name string
		got  float64
		want float64
	}{
		{"whole", MeanAbsDiff(a, b), inside * 0.2},
		{"the box", BoxAbsDiff(a, b, box), inside},
		{"a box half outside the image", BoxAbsDiff(a, b, image.Rect(4, 3, 14, 8)), inside * 2 / 6},
		{"outside the box", BoxAbsDiff(a, b, image.Rect(6, 0, 10, 10)), 0},
		{"nothing shared", BoxAbsDiff(a, b, image.Rect(20, 20, 30, 30)), 0},
		{"itself", MeanAbsDiff(b, b), 0},
	} {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
}
