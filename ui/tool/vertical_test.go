package tool

import (
	"strings"
	"testing"
)

func TestVerticalKeepsOneLineAndTheTreeJudgeChecksIt(t *testing.T) {
	e := newEditor()
	if _, ok := (Vertical{}).Target(e.strokes); ok {
		t.Error("no line, yet a target")
	}
	tap(Vertical{}, e, 0.2, 0.5)
	tap(Vertical{}, e, 0.625, 0.1)
	if s := only(t, e); s.Tool != "vline" || s.X != 0.625 || s.Width != 1.5 {
		t.Errorf("stroke %+v, want a vline at x 0.625, 1.5 px", s)
	}
	target := targetOf(t, Vertical{}, e)
	if target.Kind != "tree" || target.X == nil || *target.X != 0.625 || target.Validate() != nil {
		t.Errorf("target %+v, want the tree judge at x 0.625", target)
	}
	text, ok := Vertical{}.Judge()
	if !ok || !strings.Contains(text, "the tree judge") {
		t.Errorf("Judge() = %q, %v; want it to name the tree judge", text, ok)
	}
	if got := Unjudged(e.strokes); len(got) != 0 {
		t.Errorf("Unjudged = %v, want none", got)
	}
}
