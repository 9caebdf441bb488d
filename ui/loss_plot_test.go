package ui

import (
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

func TestLossPlotDrawsEveryStepOnceFallingToTheRight(t *testing.T) {
	p := newLossPlot()
	p.Reset(10)
	for step := 1; step <= 10; step++ {
		p.Add(step, 2-0.15*float64(step))
		p.Add(step, 5) // a preview repeats its step's numbers
	}
	p.Add(11, math.NaN())
	if len(p.points) != 10 {
		t.Fatalf("%d points, want one per step", len(p.points))
	}
	sz := fyne.NewSize(200, 100)
	line := p.line(sz)
	for i := 1; i < len(line); i++ {
		if line[i].X <= line[i-1].X || line[i].Y <= line[i-1].Y {
			t.Fatalf("corner %d %v after %v: a falling loss must go right and down", i, line[i], line[i-1])
		}
	}
	first, last := line[0], line[len(line)-1]
	if first.Y > 0.1*sz.Height || last.Y < 0.9*sz.Height || last.X != sz.Width || first.X != sz.Width/10 {
		t.Errorf("curve from %v to %v; want it to span the height, step 10 of 10 at the right edge", first, last)
	}

	w := test.NewWindow(p)
	defer w.Close()
	w.Resize(fyne.NewSize(300, 140))
	var lines int
	for _, o := range test.WidgetRenderer(p).Objects() {
		if _, ok := o.(*canvas.Line); ok {
			lines++
		}
	}
	if lines != 9 {
		t.Errorf("the plot draws %d segments, want 9", lines)
	}

	p.Reset(1000)
	for step := 1; step <= 1000; step++ {
		p.Add(step, 1/float64(step))
	}
	if n := len(p.line(sz)); n > plotSegments+1 || n < plotSegments/2 {
		t.Errorf("a 1000-step run draws %d corners, want at most %d", n, plotSegments+1)
	}
}

func TestTeachingFeedsTheLossCurve(t *testing.T) {
	s, _, done := builtinTeach(t)
	plot := s.teach.run.loss
	if plot.Visible() {
		t.Error("the loss curve shows before any run")
	}
	test.Tap(s.teach.run.teach)
	wait(t, done)
	if !plot.Visible() || len(plot.points) != 6 {
		t.Fatalf("curve visible %v with %d points, want the fake's 6 steps", plot.Visible(), len(plot.points))
	}
	for i, q := range plot.points {
		if q.step != i+1 || q.loss != 1/float64(i+1) {
			t.Errorf("point %d is %+v, want step %d loss %.3f", i, q, i+1, 1/float64(i+1))
		}
	}
	s.teach.form.steps.SetText("3")
	test.Tap(s.teach.run.teach)
	wait(t, done)
	if len(plot.points) != 3 || plot.steps != 3 {
		t.Errorf("a second run plots %d points over %d steps, want only its own 3", len(plot.points), plot.steps)
	}
}

func TestLossAxisStaysAtOrAboveZeroForNonNegativeLosses(t *testing.T) {
	lo, hi := lossSpan([]lossPoint{{1, 1.7}, {2, 0.4}, {3, 0.005}})
	if lo < 0 || lo > 0.005 || hi < 1.7 {
		t.Errorf("span %.3f..%.3f: want 0 <= lo <= 0.005 and hi >= 1.7", lo, hi)
	}
	if lo, _ := lossSpan([]lossPoint{{1, -0.5}, {2, 0.5}}); lo >= -0.5 {
		t.Errorf("a negative loss keeps its margin below: lo %.3f", lo)
	}
}
