package tool

import (
	"fyne.io/fyne/v2"

	"dualprocess/training/judge"
	"dualprocess/training/visual"
)

// Horizon draws the red horizontal line where the horizon should be. A tap
// or drag puts the one line at the row where the pointer is released.
type Horizon struct{}

var horizonIcon = icon("horizon", `<path d="M3 14h18" stroke="#e01010" stroke-width="2.5"/>`)

func (Horizon) Name() string        { return "Horizon" }
func (Horizon) Icon() fyne.Resource { return horizonIcon }
func (Horizon) Kind() string        { return "hline" }
func (Horizon) Help() string {
	return "Tap or drag: the horizon line goes to the row you release on."
}

func (h Horizon) Drag(e Editor, _, to Point) {
	s := visual.Stroke{Tool: h.Kind(), Y: round(clamp(to.Y, 0.02, 0.98)), Width: e.Width()}
	e.SetStrokes(replace(e.Strokes(), h.Kind(), s))
}

func (Horizon) Questions() []QA {
	return []QA{
		{"Is the horizon at the red line?", "yes"},
		{"Is the horizon above the red line?", "no"},
		{"Is the horizon below the red line?", "no"},
	}
}

func (Horizon) JudgeKind() string { return "horizon" }

func (Horizon) Options() (width, colour bool) { return true, false }

func (Horizon) Judge() (string, bool) {
	return "checked by the horizon judge, which finds the horizon row in the image", true
}

func (h Horizon) Target(strokes []visual.Stroke) (judge.Target, bool) {
	return judge.FromStrokes(h.JudgeKind(), strokes)
}
