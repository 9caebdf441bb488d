package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"dualprocess/training/judge"
	"dualprocess/training/visual"
	"dualprocess/ui/tool"
)

func TestLoadingATaskSelectsTheToolOfItsLastStroke(t *testing.T) {
	test.NewTempApp(t)
	v := newVisualEditor(test.NewTempWindow(t, nil))
	if v.pad.Tool().Kind() != tool.All()[0].Kind() {
		t.Fatalf("a new editor starts with %s", v.pad.Tool().Name())
	}
	spec := TaskSpec{}
	spec.Visual.Strokes = []visual.Stroke{{Tool: "hline", Y: 0.3, Width: 1.5}, {Tool: "vline", X: 0.4, Width: 3}}
	v.Load(nil, spec)
	if got := v.pad.Tool().Kind(); got != "vline" {
		t.Errorf("after loading a vertical line the tool is %q, want vline", got)
	}
	if v.width.Value != 3 || v.pad.Width() != 3 {
		t.Errorf("after loading a 3 px line the slider says %g px and the pad draws %g px; want 3", v.width.Value, v.pad.Width())
	}
	v.Load(nil, TaskSpec{}) // no strokes: the tool stays
	if got := v.pad.Tool().Kind(); got != "vline" {
		t.Errorf("after loading no strokes the tool is %q, want it kept (vline)", got)
	}
	text := TaskSpec{} // a text-only task: the help says so, not what the vertical line's judge checks
	text.Judge.Kind = "sky"
	v.Load(nil, text)
	if h := v.help.Text; !strings.Contains(h, "no drawing") || !strings.Contains(h, v.pad.Tool().Name()) {
		t.Errorf("a text-only task's help: %q", h)
	}
}

func TestTheEditorShowsOnlyTheOptionsTheToolTakes(t *testing.T) {
	test.NewTempApp(t)
	v := newVisualEditor(test.NewTempWindow(t, nil))
	for _, tl := range tool.All() {
		v.SetTool(tl)
		width, colour := tl.Options()
		shown := func(row []fyne.CanvasObject) bool { return row[0].Visible() && row[1].Visible() }
		if shown(v.widthRow) != width || shown(v.colourRow) != colour {
			t.Errorf("%s: width shown %v, colour shown %v; the tool takes width %v, colour %v",
				tl.Name(), shown(v.widthRow), shown(v.colourRow), width, colour)
		}
	}
}

// The depth judge's line says how much nearer A must be: its default margin,
// or the task's own.
func TestDepthTargetNamesItsMargin(t *testing.T) {
	pts := [][2]float64{{0.3, 0.7}, {0.7, 0.7}}
	if got := describeTarget(judge.Target{Kind: "depth", Points: pts}); !strings.Contains(got, "at most 0.67 times as far") {
		t.Errorf("default margin: %q", got)
	}
	if got := describeTarget(judge.Target{Kind: "depth", Points: pts, Tolerance: 0.2}); !strings.Contains(got, "at most 0.82 times as far") {
		t.Errorf("margin 0.2: %q", got)
	}
}
