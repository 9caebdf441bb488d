package tool

import "testing"

func TestBoxSpansTheDragInEitherDirection(t *testing.T) {
	e := newEditor()
	e.width = 1
	Box{}.Drag(e, Point{0.95, 0.3}, Point{0.62, 0.03})
	s := only(t, e)
	if s.Tool != "box" || s.X != 0.62 || s.Y != 0.03 || s.X1 != 0.95 || s.Y1 != 0.3 || s.Width != 1 {
		t.Errorf("stroke %+v, want box 0.62,0.03..0.95,0.3 1 px", s)
	}
	if target := targetOf(t, Box{}, e); target.Kind != "sun" || *target.Box != [4]float64{0.62, 0.03, 0.95, 0.3} {
		t.Errorf("target %+v, want sun inside the box", target)
	}
}

func TestTappedBoxIsSixteenPixelsInsideTheImage(t *testing.T) {
	e := newEditor()
	tap(Box{}, e, 0.99, 0.5)
	s := only(t, e)
	if s.X1 != 1 || s.X != 0.75 || s.Y != 0.375 || s.Y1 != 0.625 {
		t.Errorf("stroke %+v, want 16 px moved inside the right edge", s)
	}
}
