package tool

import (
	"fyne.io/fyne/v2"

	"dualprocess/training/judge"
	"dualprocess/training/visual"
)

// Vertical draws a red vertical line, for composition ("a tree at the red
// line"). A tap or drag puts the one line at the column where the pointer
// is released. The tree judge checks it: a small network trained on the
// renderer's tree boxes (training/treefit) estimates how much of the cells
// at the line trees cover.
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

func (Vertical) JudgeKind() string { return "tree" }

func (Vertical) Options() (width, colour bool) { return true, false }

func (Vertical) Judge() (string, bool) {
	return "checked by the tree judge, which estimates how much of the image at the line trees cover", true
}

// Target is the tree judge's: a tree at the column of the latest line.
func (v Vertical) Target(strokes []visual.Stroke) (judge.Target, bool) {
	return judge.FromStrokes(v.JudgeKind(), strokes)
}
