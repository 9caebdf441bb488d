package tool

import (
	"math"

	"fyne.io/fyne/v2"

	"dualprocess/training/judge"
	"dualprocess/training/visual"
)

// Box draws the red box the sun should be inside: a drag from one corner to
// the other, or a tap for a 16 px box centred on the tap.
type Box struct{}

// Sizes in fractions of the image: a tapped box, and the smallest box.
const (
	tappedBox = 16.0 / 64
	minBox    = 4.0 / 64
)

var boxIcon = icon("box", `<rect x="6" y="6" width="12" height="10" fill="none" stroke="#e01010" stroke-width="2"/>`+
	`<circle cx="12" cy="11" r="2" fill="#e0b020"/>`)

func (Box) Name() string        { return "Box" }
func (Box) Icon() fyne.Resource { return boxIcon }
func (Box) Kind() string        { return "box" }
func (Box) Help() string {
	return "Drag corner to corner: the box for the sun; tap: a 16 px box."
}

func (b Box) Drag(e Editor, from, to Point) {
	x0, x1 := span(from.X, to.X)
	y0, y1 := span(from.Y, to.Y)
	if from == to {
		x0, x1 = centred(to.X, tappedBox)
		y0, y1 = centred(to.Y, tappedBox)
	}
	s := visual.Stroke{Tool: b.Kind(), X: round(x0), Y: round(y0), X1: round(x1), Y1: round(y1), Width: e.Width()}
	e.SetStrokes(replace(e.Strokes(), b.Kind(), s))
}

// span orders two positions, keeps them on the image and at least minBox
// apart.
func span(a, b float64) (lo, hi float64) {
	lo, hi = clamp(math.Min(a, b), 0, 1), clamp(math.Max(a, b), 0, 1)
	if hi-lo < minBox {
		mid := clamp((lo+hi)/2, minBox/2, 1-minBox/2)
		lo, hi = mid-minBox/2, mid+minBox/2
	}
	return lo, hi
}

func (Box) Questions() []QA {
	return []QA{
		{"Is the sun inside the red box?", "yes"},
		{"Is the moon inside the red box?", "yes"},
	}
}

func (Box) JudgeKind() string { return "sun" }

func (Box) Options() (width, colour bool) { return true, false }

func (Box) Judge() (string, bool) {
	return "checked by the sun judge, which finds the centre of the sun (or moon)", true
}

func (b Box) Target(strokes []visual.Stroke) (judge.Target, bool) {
	return judge.FromStrokes(b.JudgeKind(), strokes)
}
