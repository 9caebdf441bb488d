package tool

import (
	"testing"

	"dualprocess/training/visual"
)

func TestPointsPlaceAThenBThenMoveTheNearer(t *testing.T) {
	e := newEditor()
	tap(Points{}, e, 0.3, 0.72)
	tap(Points{}, e, 0.7, 0.72)
	if len(e.strokes) != 2 || e.strokes[0].Label != "A" || e.strokes[1].Label != "B" {
		t.Fatalf("strokes %+v, want A then B", e.strokes)
	}
	target := targetOf(t, Points{}, e)
	if target.Kind != "depth" || target.Points[0] != [2]float64{0.3, 0.72} || target.Points[1] != [2]float64{0.7, 0.72} {
		t.Errorf("target %+v, want depth A (0.3, 0.72) closer than B (0.7, 0.72)", target)
	}
	tap(Points{}, e, 0.65, 0.5) // nearer B
	if b, _ := labelled(e.strokes, "point", "B"); len(e.strokes) != 2 || b.X != 0.65 || b.Y != 0.5 {
		t.Errorf("strokes %+v, want B moved to (0.65, 0.5)", e.strokes)
	}
	Points{}.Drag(e, Point{0.31, 0.71}, Point{0.2, 0.9}) // drag A
	if a, _ := labelled(e.strokes, "point", "A"); a.X != 0.2 || a.Y != 0.9 {
		t.Errorf("strokes %+v, want A dragged to (0.2, 0.9)", e.strokes)
	}
}

func TestOnePointImpliesNoJudge(t *testing.T) {
	e := newEditor()
	tap(Points{}, e, 0.5, 0.5)
	if _, ok := (Points{}).Target(e.strokes); ok {
		t.Error("point A alone implies a depth judge")
	}
}

func labelled(strokes []visual.Stroke, kind, label string) (visual.Stroke, bool) {
	for i := len(strokes) - 1; i >= 0; i-- {
		if strokes[i].Tool == kind && strokes[i].Label == label {
			return strokes[i], true
		}
	}
	return visual.Stroke{}, false
}
