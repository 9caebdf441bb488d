package vqa

import (
	"image/color"
	"testing"
)

// TestNearestPaletteTellsTheWorldsPalettesFromOthers: the night palette
// of the built-in task is the world's own; a sea of four blues is not.
func TestNearestPaletteTellsTheWorldsPalettesFromOthers(t *testing.T) {
	night := []color.RGBA{{0x24, 0x30, 0x60, 255}, {0x3c, 0x4a, 0x80, 255}, {0x2f, 0x5a, 0x3a, 255}}
	sea := []color.RGBA{{0x1b, 0x3b, 0x6f, 255}, {0x21, 0x29, 0x5c, 255}, {0x06, 0x5a, 0x82, 255}, {0x1c, 0x72, 0x93, 255}}
	if p, d := NearestPalette(night); d > KnownPaletteNear || p != "hills at night" {
		t.Errorf("night palette: nearest %s at %.1f, want hills at night within %g", p, d, KnownPaletteNear)
	}
	if p, d := NearestPalette(sea); d <= KnownPaletteNear {
		t.Errorf("sea palette: nearest %s at %.1f, want farther than %g", p, d, KnownPaletteNear)
	}
}
