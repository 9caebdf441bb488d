package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestRateVanillaShowsEachQuestionsProbabilityWithoutTeaching(t *testing.T) {
	s, b, done := builtinTeach(t)
	s.teach.form.questions.Set([]QA{{"Is the horizon at the red line?", "yes"}, {"Is the horizon above the red line?", "no"}})
	test.Tap(s.teach.run.rate)
	wait(t, done)

	if n, m := len(b.rated), len(b.teachCalls()); n != 1 || m != 0 {
		t.Fatalf("%d ratings and %d teaching runs; want one rating and no training", n, m)
	}
	v := s.teach.run.vanilla
	if !v.object.Visible() || len(v.grid.Objects) != 2 {
		t.Fatalf("the rating shows %v with %d seeds, want the fake's 2", v.object.Visible(), len(v.grid.Objects))
	}
	if !strings.Contains(v.summary.Text, "the judge passed 0 of 2 seeds (0%)") || !strings.Contains(v.summary.Text, "Judge: the horizon") {
		t.Errorf("summary %q", v.summary.Text)
	}
	// The fake gives question q of seed i the probability 0.1(q+1) + 0.05i.
	want := fmt.Sprintf("Q2 Is the horizon above the red line? (no): p %.2f on average, %.2f to %.2f", (0.2+0.25)/2, 0.2, 0.25)
	if !strings.Contains(v.questions.Text, want) || !strings.Contains(v.questions.Text, "Q1 Is the horizon at the red line? (yes)") {
		t.Errorf("questions %q; want %q", v.questions.Text, want)
	}
	if labels := texts(v.grid.Objects[1]); !strings.Contains(labels, "Q1 0.15 · Q2 0.25") || !strings.Contains(labels, "fail") {
		t.Errorf("seed 1 shows %q; want its verdict and each question's probability", labels)
	}
	run := s.teach.run
	if !run.stop.Disabled() || run.loss.Visible() || run.results.object.Visible() {
		t.Error("after a rating Stop is on, or a loss curve or teaching results show")
	}
	if !strings.Contains(s.status.Text, "Rated horizon-low without teaching") || s.status.Importance == widget.DangerImportance {
		t.Errorf("status %q", s.status.Text)
	}

	test.Tap(run.teach) // a run afterwards replaces the rating
	wait(t, done)
	if v.object.Visible() || !run.results.object.Visible() {
		t.Error("a teaching run after a rating still shows the rating")
	}
}

func TestRateAndTeachRefuseEachOtherAndStopEndsARating(t *testing.T) {
	s, b, done := builtinTeach(t)
	b.gate, b.stepped = make(chan struct{}), make(chan int, 16)
	test.Tap(s.teach.run.teach)
	test.Tap(s.teach.run.rate)
	if !strings.Contains(s.status.Text, "a teaching run is already going") {
		t.Errorf("status %q; want Rate refused while teaching", s.status.Text)
	}
	test.Tap(s.teach.run.stop)
	wait(t, done)

	test.Tap(s.teach.run.rate) // waits on the gate
	test.Tap(s.teach.run.teach)
	if !strings.Contains(s.status.Text, "being rated") || len(b.teachCalls()) != 1 {
		t.Errorf("status %q, %d runs; want Teach refused while rating", s.status.Text, len(b.teachCalls()))
	}
	test.Tap(s.teach.run.stop)
	wait(t, done)
	if !strings.Contains(s.status.Text, "Stopped rating") || s.teach.run.vanilla.object.Visible() || s.teach.cancel != nil {
		t.Errorf("status %q; want the rating stopped with nothing shown", s.status.Text)
	}
}

// texts joins the text of every label in o.
func texts(o fyne.CanvasObject) string {
	var out []string
	for _, obj := range test.LaidOutObjects(o) {
		if l, ok := obj.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	}
	return strings.Join(out, " | ")
}
