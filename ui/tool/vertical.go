package tool

import (
	"fyne.io/fyne/v2"

	"dualprocess/training/judge"
	"dualprocess/training/visual"
)

// Vertical draws a red vertical line, for composition ("a tree at the red
// line"). A tap or drag puts the one line at the column where the pointer
// is released. No independent judge measures it: training/judge has no
// check of where trees (or anything else) stand across the image, so the
// rater's answer is all there is.
type Vertical struct{}

var verticalIcon = icon("vertical", `<path d="M12 3v18" stroke="#e01010" stroke-width="2.5"/>`)

func (Vertical) Name() string        { return "Vertical" }
func (Vertical) Icon() fyne.Resource { return verticalIcon }
func (Vertical) Kind() string        { return "vline" }
func (Vertical) Help() string {
	return "Tap or drag: a vertical line where you release."
}

func (v Vertical) Drag(e Editor, _, to Point) {
	s := visual.Stroke{Tool: v.Kind(), X: round(clamp(to.X, 0.02, 0.98)), Width: e.Width()}
	e.SetStrokes(replace(e.Strokes(), v.Kind(), s))
}

func (Vertical) Questions() []QA {
	return []QA{{"Is there a tree at the red line?", "yes"}}
}

func (Vertical) Judge() (string, bool) {
	return "no independent judge — results are the rater's opinion only (nothing measures where trees stand)", false
}

// Target is always false: no judge checks what stands at a line.
func (Vertical) Target([]visual.Stroke) (judge.Target, bool) { return judge.Target{}, false }
