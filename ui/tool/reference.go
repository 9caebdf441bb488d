package tool

import (
	"math"

	"fyne.io/fyne/v2"

	"dualprocess/training/judge"
	"dualprocess/training/visual"
)

// Reference draws the red reference segment whose thickness (the width
// option) is the line weight the outlines should have. A drag draws it from
// the press to the release column, on the press row; a tap draws a 20 px
// segment centred on the tap. Only its width counts: the rater learned it
// at the top left, and teaching shows it to the rater there wherever it is
// drawn (teach.Task.RaterOverlay).
type Reference struct{}

// referenceLength is the length of a tapped segment, in pixels at 64 px.
const referenceLength = 20.0 / 64

var referenceIcon = icon("reference", `<path d="M5 9h14" stroke="#e01010" stroke-width="4"/>`+
	`<path d="M5 16l4-4 3 3 4-5 3 3" fill="none" stroke="#555" stroke-width="1.5"/>`)

func (Reference) Name() string        { return "Line weight" }
func (Reference) Icon() fyne.Resource { return referenceIcon }
func (Reference) Kind() string        { return "segment" }
func (Reference) Help() string {
	return "Drag along a row: a line as thick as Line width; tap: a 20 px one. Only its width counts (the rater reads it at the top left, wherever it is drawn)."
}

func (r Reference) Drag(e Editor, from, to Point) {
	x0, x1 := math.Min(from.X, to.X), math.Max(from.X, to.X)
	if x1-x0 < 2.0/64 { // a tap
		x0, x1 = centred(to.X, referenceLength)
	}
	y := clamp(from.Y, 0.03, 0.97)
	s := visual.Stroke{Tool: r.Kind(), X: round(clamp(x0, 0, 1)), X1: round(clamp(x1, 0, 1)), Y: round(y), Width: e.Width()}
	e.SetStrokes(replace(e.Strokes(), r.Kind(), s))
}

func (Reference) Questions() []QA {
	return []QA{
		{"Are the outlines as thick as the red line?", "yes"},
		{"Are the outlines thicker than the red line?", "no"},
		{"Are the outlines thinner than the red line?", "no"},
	}
}

func (Reference) JudgeKind() string { return "lineweight" }

func (Reference) Options() (width, colour bool) { return true, false }

func (Reference) Judge() (string, bool) {
	return "checked by the lineweight judge, which measures the width of the outlines", true
}

func (r Reference) Target(strokes []visual.Stroke) (judge.Target, bool) {
	return judge.FromStrokes(r.JudgeKind(), strokes)
}
