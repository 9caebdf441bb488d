package tool

import (
	"strings"
	"testing"
)

func TestVerticalKeepsOneLineAndSaysNoJudgeChecksIt(t *testing.T) {
	e := newEditor()
	tap(Vertical{}, e, 0.2, 0.5)
	tap(Vertical{}, e, 0.625, 0.1)
	if s := only(t, e); s.Tool != "vline" || s.X != 0.625 || s.Width != 1.5 {
		t.Errorf("stroke %+v, want a vline at x 0.625, 1.5 px", s)
	}
	if _, ok := (Vertical{}).Target(e.strokes); ok {
		t.Error("a vertical line implies a judge; none measures it")
	}
	text, ok := Vertical{}.Judge()
	if ok || !strings.Contains(text, "no independent judge") || !strings.Contains(text, "rater's opinion only") {
		t.Errorf("Judge() = %q, %v; want it to say that no independent judge checks it", text, ok)
	}
	if got := Unjudged(e.strokes); len(got) != 1 || got[0] != (Vertical{}) {
		t.Errorf("Unjudged = %v, want the vertical line", got)
	}
}
