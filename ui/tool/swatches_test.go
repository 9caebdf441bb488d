package tool

import (
	"image/color"
	"slices"
	"testing"
)

func TestSwatchesAddTheColourAndATapOnTheStripRemovesOne(t *testing.T) {
	e := newEditor()
	for _, c := range []color.NRGBA{{0x7f, 0x4d, 0x7f, 255}, {0xcc, 0x64, 0x52, 255}, {0xcc, 0x64, 0x52, 255}, {0x68, 0x6d, 0x34, 255}} {
		e.colour = c
		tap(Swatches{}, e, 0.5, 0.4)
	}
	want := []string{"#7f4d7f", "#cc6452", "#686d34"}
	if s := only(t, e); s.Tool != "swatches" || !slices.Equal(s.Colors, want) {
		t.Fatalf("stroke %+v, want swatches %v (each colour once)", s, want)
	}
	if target := targetOf(t, Swatches{}, e); target.Kind != "palette" || !slices.Equal(target.Colors, want) {
		t.Errorf("target %+v, want palette %v", target, want)
	}
	tap(Swatches{}, e, 0.5, 0.95) // the middle swatch
	if s := only(t, e); !slices.Equal(s.Colors, []string{"#7f4d7f", "#686d34"}) {
		t.Errorf("after tapping the middle swatch: %v", s.Colors)
	}
	tap(Swatches{}, e, 0.1, 0.95)
	tap(Swatches{}, e, 0.1, 0.95)
	if len(e.strokes) != 0 {
		t.Errorf("removing every swatch left %+v", e.strokes)
	}
}
