package tool

import "testing"

func TestReferenceLineTakesTheWidthAsTheLineWeight(t *testing.T) {
	e := newEditor()
	e.width = 3.5
	Reference{}.Drag(e, Point{0.4, 0.08}, Point{0.06, 0.5})
	s := only(t, e)
	if s.Tool != "segment" || s.X != 0.06 || s.X1 != 0.4 || s.Y != 0.08 || s.Width != 3.5 {
		t.Errorf("stroke %+v, want a segment 0.06..0.4 on row 0.08, 3.5 px", s)
	}
	if target := targetOf(t, Reference{}, e); target.Kind != "lineweight" || *target.Width != 3.5 {
		t.Errorf("target %+v, want line weight 3.5", target)
	}
}

func TestTappedReferenceLineIsTwentyPixelsAndStaysOnTheImage(t *testing.T) {
	e := newEditor()
	tap(Reference{}, e, 0.5, 0.1)
	if s := only(t, e); s.X1-s.X < 0.312 || s.X1-s.X > 0.313 || (s.X+s.X1)/2 != 0.5 {
		t.Errorf("stroke %+v, want 20 px centred on 0.5", s)
	}
	tap(Reference{}, e, 0.02, 0.1)
	if s := only(t, e); s.X != 0 || s.X1 != 0.313 {
		t.Errorf("stroke %+v, want it moved inside the left edge", s)
	}
}
