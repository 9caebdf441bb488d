package ui

import (
	"image/color"
	"math"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"dualprocess/training/visual"
	"dualprocess/ui/tool"
)

// openTeach is the Teach tab with a new task.
func openTeach(t *testing.T) (*Studio, *fakeBackend, *visualEditor) {
	t.Helper()
	s, b := newTestStudio(t)
	s.tabs.SelectIndex(1)
	s.teach.choose.SetSelected(newTaskOption)
	s.settle()
	return s, b, s.teach.visual
}

// padPos is the position on the pad of a point of the drawing (fractions).
func padPos(pad *Sketchpad, fx, fy float64) fyne.Position {
	at, side := square(pad.Size())
	return at.Add(fyne.NewPos(float32(fx)*side, float32(fy)*side))
}

// tapPad taps a point of the drawing.
func tapPad(pad *Sketchpad, fx, fy float64) { test.TapAt(pad, padPos(pad, fx, fy)) }

// dragPad drags from one point of the drawing to another in four moves,
// as the driver reports a drag.
func dragPad(pad *Sketchpad, x0, y0, x1, y1 float64) {
	prev := padPos(pad, x0, y0)
	for i := 1; i <= 4; i++ {
		f := float64(i) / 4
		at := padPos(pad, x0+f*(x1-x0), y0+f*(y1-y0))
		pad.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: at}, Dragged: fyne.NewDelta(at.X-prev.X, at.Y-prev.Y)})
		prev = at
	}
	pad.DragEnd()
}

func near(a, b float64) bool { return math.Abs(a-b) <= 0.001 }

func TestDraggingABoxDrawsItImpliesTheSunJudgeAndSuggestsAQuestion(t *testing.T) {
	s, _, v := openTeach(t)
	test.Tap(v.tools[tool.Box{}])
	v.width.SetValue(2)
	dragPad(v.pad, 0.6, 0.1, 0.9, 0.3)

	strokes := v.pad.Strokes()
	if len(strokes) != 1 {
		t.Fatalf("strokes %+v, want one box", strokes)
	}
	b := strokes[0]
	if b.Tool != "box" || !near(b.X, 0.6) || !near(b.Y, 0.1) || !near(b.X1, 0.9) || !near(b.Y1, 0.3) || b.Width != 2 {
		t.Errorf("stroke %+v, want a 2 px box 0.6,0.1..0.9,0.3", b)
	}
	if v.judge.Kind != "sun" || v.judge.Box == nil {
		t.Errorf("judge %+v, want the sun inside the box", v.judge)
	}
	qas, err := s.teach.form.questions.QAs()
	if err != nil || len(qas) != 1 || qas[0] != (QA{"Is the sun inside the red box?", "yes"}) {
		t.Errorf("questions %+v (%v), want the box's suggestion", qas, err)
	}
}

func TestTappingWithPointsPlacesAThenB(t *testing.T) {
	_, _, v := openTeach(t)
	test.Tap(v.tools[tool.Points{}])
	for _, p := range [][2]float64{{0.3, 0.7}, {0.7, 0.7}} {
		tapPad(v.pad, p[0], p[1])
	}
	strokes := v.pad.Strokes()
	if len(strokes) != 2 || strokes[0].Label != "A" || strokes[1].Label != "B" || !near(strokes[1].X, 0.7) {
		t.Fatalf("strokes %+v, want A at 0.3 and B at 0.7", strokes)
	}
	if v.judge.Kind != "depth" {
		t.Errorf("judge %+v, want depth", v.judge)
	}
}

func TestUndoAndClear(t *testing.T) {
	_, _, v := openTeach(t)
	tapPad(v.pad, 0.5, 0.25) // horizon
	test.Tap(v.tools[tool.Vertical{}])
	tapPad(v.pad, 0.5, 0.5)
	if len(v.pad.Strokes()) != 2 || v.judge.Kind != "tree" {
		t.Fatalf("strokes %+v judge %q, want a horizon and a vertical line judged on the line (the latest stroke)", v.pad.Strokes(), v.judge.Kind)
	}
	v.pad.Undo()
	if len(v.pad.Strokes()) != 1 || v.pad.Strokes()[0].Tool != "hline" || v.judge.Kind != "horizon" {
		t.Errorf("after Undo %+v judge %q, want the horizon only, judged on the horizon", v.pad.Strokes(), v.judge.Kind)
	}
	v.pad.Clear()
	if len(v.pad.Strokes()) != 0 || v.judge.Kind != "" {
		t.Errorf("after Clear %+v judge %q, want nothing", v.pad.Strokes(), v.judge.Kind)
	}
	v.pad.Undo()
	if len(v.pad.Strokes()) != 1 {
		t.Error("Undo does not bring back what Clear removed")
	}
}

func TestThePadShowsTheDrawingOverTheBackdrop(t *testing.T) {
	pad := NewSketchpad()
	pad.SetBackdrop(flat(color.RGBA{0, 0, 255, 255}))
	pad.Load(nil, []visual.Stroke{{Tool: "hline", Y: 0.5, Width: 2}}, visual.Solid)
	img := pad.Composite()
	if r, _, b, _ := img.At(10, 32).RGBA(); r>>8 != 255 || b>>8 != 0 {
		t.Errorf("pixel on the line is %v, want red", img.At(10, 32))
	}
	if r, _, b, _ := img.At(10, 10).RGBA(); r>>8 != 0 || b>>8 != 255 {
		t.Errorf("pixel off the line is %v, want the blue backdrop", img.At(10, 10))
	}
	pad.SetMode(visual.Transparent)
	if r, _, b, _ := pad.Composite().At(10, 10).RGBA(); r>>8 < 120 || b>>8 < 250 {
		t.Errorf("transparent mode: pixel off the line is %v, want blue half blended with white", pad.Composite().At(10, 10))
	}
}

func boxTool() tool.Tool { return tool.Box{} }

func TestTheVerticalLineIsCheckedByTheTreeJudge(t *testing.T) {
	s, _, v := openTeach(t)
	test.Tap(v.tools[tool.Vertical{}])
	if !strings.Contains(v.help.Text, "Checked by the tree judge") || v.help.Importance == widget.WarningImportance {
		t.Errorf("the Vertical tool's help %q (importance %v); want it to name the tree judge", v.help.Text, v.help.Importance)
	}
	tapPad(v.pad, 0.4, 0.5)
	s.teach.form.name.SetText("tree-left")
	s.teach.form.prompts.SetText("hills at noon with trees")
	if !strings.HasPrefix(v.judgeLabel.Text, "Judge: a tree at the line at x 0.400") || strings.Contains(v.judgeLabel.Text, "no independent judge") {
		t.Errorf("judge line %q; want the tree judge at x 0.400", v.judgeLabel.Text)
	}
	spec, err := s.teach.Spec()
	if err != nil || spec.Judge.Kind != "tree" || spec.Judge.X == nil || *spec.Judge.X != 0.4 {
		t.Errorf("a task with only a vertical line: %+v, %v; want the tree judge at x 0.4", spec.Judge, err)
	}

	test.Tap(v.tools[tool.Horizon{}])
	if !strings.Contains(v.help.Text, "Checked by the horizon judge") {
		t.Errorf("the Horizon tool's help %q; want its judge named", v.help.Text)
	}
	tapPad(v.pad, 0.5, 0.7)
	if !strings.HasPrefix(v.judgeLabel.Text, "Judge: the horizon") {
		t.Errorf("judge line %q; want the horizon judge (the latest stroke's)", v.judgeLabel.Text)
	}
	v.pad.Undo()
	if !strings.HasPrefix(v.judgeLabel.Text, "Judge: a tree at the line") {
		t.Errorf("judge line %q after undoing the horizon; want the tree judge again", v.judgeLabel.Text)
	}
}
