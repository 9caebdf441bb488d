package tool

import (
	"testing"

	"dualprocess/training/visual"
)

func TestHorizonKeepsOneLineAtTheReleaseRow(t *testing.T) {
	e := newEditor()
	e.width = 2
	tap(Horizon{}, e, 0.3, 0.25)
	Horizon{}.Drag(e, Point{0.1, 0.2}, Point{0.8, 0.7512})
	if got, want := only(t, e), (visual.Stroke{Tool: "hline", Y: 0.751, Width: 2}); got.Tool != want.Tool || got.Y != want.Y || got.Width != want.Width {
		t.Errorf("stroke %+v, want %+v", got, want)
	}
	if target := targetOf(t, Horizon{}, e); target.Kind != "horizon" || *target.Row != 0.751 {
		t.Errorf("target %+v, want horizon row 0.751", target)
	}
	tap(Horizon{}, e, 0.5, 1.3)
	if y := only(t, e).Y; y != 0.98 {
		t.Errorf("a tap below the image put the line at %v, want 0.98", y)
	}
}
