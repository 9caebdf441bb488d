package world

import (
	"image/color"
	"testing"
)

// RGBA undoes Lab for every colour of a coarse sRGB grid, to within a
// step of rounding.
func TestRGBAInvertsLab(t *testing.T) {
	for r := 0; r < 256; r += 15 {
		for g := 0; g < 256; g += 15 {
			for b := 0; b < 256; b += 15 {
				c := color.RGBA{uint8(r), uint8(g), uint8(b), 255}
				back := RGBA(Lab(c))
				d := func(x, y uint8) int { return max(int(x)-int(y), int(y)-int(x)) }
				if d(c.R, back.R) > 1 || d(c.G, back.G) > 1 || d(c.B, back.B) > 1 {
					t.Fatalf("%v -> %v -> %v", c, Lab(c), back)
				}
			}
		}
	}
	if got := RGBA([3]float64{50, 200, 0}); got.A != 255 || got.G != 0 {
		t.Errorf("a colour outside the gamut clips to %v, want green 0", got)
	}
}
