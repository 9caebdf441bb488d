package tool

import (
	"image/color"
	"slices"
	"strings"
	"testing"

	"dualprocess/training/judge"
	"dualprocess/training/visual"
	"dualprocess/training/vqa"
	"dualprocess/training/world"
)

// editor is a drawing in memory.
type editor struct {
	strokes []visual.Stroke
	width   float64
	colour  color.Color
}

func newEditor() *editor { return &editor{width: 1.5, colour: color.NRGBA{0x7f, 0x4d, 0x7f, 0xff}} }

func (e *editor) Strokes() []visual.Stroke     { return e.strokes }
func (e *editor) SetStrokes(s []visual.Stroke) { e.strokes = s }
func (e *editor) Width() float64               { return e.width }
func (e *editor) Colour() color.Color          { return e.colour }

func tap(t Tool, e Editor, x, y float64) { t.Drag(e, Point{x, y}, Point{x, y}) }

// only returns the single stroke of the drawing.
func only(t *testing.T, e *editor) visual.Stroke {
	t.Helper()
	if len(e.strokes) != 1 {
		t.Fatalf("%d strokes %+v, want 1", len(e.strokes), e.strokes)
	}
	return e.strokes[0]
}

func TestEveryToolDrawsValidStrokesAndAsksInTheRatersWords(t *testing.T) {
	words := map[string]bool{}
	for _, w := range vqa.Words() {
		words[w] = true
	}
	for _, tl := range All() {
		e := newEditor()
		tap(tl, e, 0.4, 0.5)
		tl.Drag(e, Point{0.2, 0.3}, Point{0.7, 0.6})
		if _, err := visual.DrawStrokes(e.strokes, world.Size); err != nil {
			t.Errorf("%s: %v", tl.Name(), err)
		}
		if len(e.strokes) == 0 || e.strokes[len(e.strokes)-1].Tool != tl.Kind() {
			t.Errorf("%s drew %+v, want a %s stroke", tl.Name(), e.strokes, tl.Kind())
		}
		if tl.Icon() == nil || len(tl.Icon().Content()) == 0 {
			t.Errorf("%s has no icon", tl.Name())
		}
		if ForKind(tl.Kind()) != tl {
			t.Errorf("ForKind(%q) is not %s", tl.Kind(), tl.Name())
		}
		if target, ok := tl.Target(e.strokes); ok {
			if err := target.Validate(); err != nil {
				t.Errorf("%s implies an invalid target: %v", tl.Name(), err)
			}
		}
		if len(tl.Questions()) == 0 {
			t.Errorf("%s suggests no question", tl.Name())
		}
		for _, qa := range tl.Questions() {
			for _, w := range world.Tokenize(qa.Question) {
				if !words[w] {
					t.Errorf("%s: %q has the word %q the rater does not know", tl.Name(), qa.Question, w)
				}
			}
			if !slices.Contains(vqa.Answers, qa.Answer) {
				t.Errorf("%s: answer %q is not one the rater gives", tl.Name(), qa.Answer)
			}
		}
	}
}

func TestJudgeFollowsTheLatestStrokeThatImpliesOne(t *testing.T) {
	e := newEditor()
	tap(Horizon{}, e, 0.5, 0.75)
	target, ok := JudgeFor(e.strokes)
	if !ok || target.Kind != "horizon" || *target.Row != 0.75 {
		t.Fatalf("judge %+v %v, want horizon at 0.75", target, ok)
	}
	tap(Vertical{}, e, 0.5, 0.5)
	if target, _ := JudgeFor(e.strokes); target.Kind != "tree" || *target.X != 0.5 {
		t.Errorf("after a vertical line the judge is %+v, want tree at 0.5", target)
	}
	Box{}.Drag(e, Point{0.6, 0.1}, Point{0.9, 0.3})
	if target, _ := JudgeFor(e.strokes); target.Kind != "sun" {
		t.Errorf("after a box the judge is %q, want sun", target.Kind)
	}
	if _, ok := JudgeFor(nil); ok {
		t.Error("an empty drawing implies a judge")
	}
}

// TestEveryToolNamesTheJudgeItsStrokesImply checks each tool's judge text
// against what its strokes imply: a named judge of a kind training/judge
// has, or, for a tool that implies none, a plain statement of that.
func TestEveryToolNamesTheJudgeItsStrokesImply(t *testing.T) {
	for _, tl := range All() {
		e := newEditor()
		tap(tl, e, 0.3, 0.5)
		tap(tl, e, 0.7, 0.4) // points: B
		text, ok := tl.Judge()
		target, implied := tl.Target(e.strokes)
		switch {
		case ok != implied:
			t.Errorf("%s: Judge() says %v (%q), its strokes imply a judge: %v", tl.Name(), ok, text, implied)
		case ok && (!slices.Contains(judge.Kinds, target.Kind) || !strings.Contains(text, "the "+target.Kind+" judge")):
			t.Errorf("%s: Judge() %q does not name the %s judge its strokes imply", tl.Name(), text, target.Kind)
		case !ok && !strings.Contains(text, "no independent judge"):
			t.Errorf("%s: Judge() %q does not say that no judge checks it", tl.Name(), text)
		}
		if implied && tl.JudgeKind() != target.Kind || !implied && tl.JudgeKind() != "" {
			t.Errorf("%s: JudgeKind %q, its strokes imply %q", tl.Name(), tl.JudgeKind(), target.Kind)
		}
		if unjudged := slices.Contains(Unjudged(e.strokes), tl); unjudged == ok {
			t.Errorf("%s: Unjudged lists it: %v; it has a judge: %v", tl.Name(), unjudged, ok)
		}
	}
}

func targetOf(t *testing.T, tl Tool, e *editor) judge.Target {
	t.Helper()
	target, ok := tl.Target(e.strokes)
	if !ok {
		t.Fatalf("%s implies no target for %+v", tl.Name(), e.strokes)
	}
	return target
}

// reading is an editor that notes which drawing options a tool reads.
type reading struct {
	*editor
	width, colour bool
}

func (r *reading) Width() float64      { r.width = true; return r.editor.Width() }
func (r *reading) Colour() color.Color { r.colour = true; return r.editor.Colour() }

func TestEveryToolNamesTheOptionsItsStrokesTake(t *testing.T) {
	for _, tl := range All() {
		r := &reading{editor: newEditor()}
		tap(tl, r, 0.4, 0.5)
		tl.Drag(r, Point{0.2, 0.3}, Point{0.7, 0.6})
		tap(tl, r, 0.6, 0.7)
		if w, c := tl.Options(); w != r.width || c != r.colour {
			t.Errorf("%s says it takes width %v, colour %v; drawing read width %v, colour %v", tl.Name(), w, c, r.width, r.colour)
		}
	}
}
