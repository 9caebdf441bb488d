package tool

import (
	"math"

	"fyne.io/fyne/v2"

	"dualprocess/training/judge"
	"dualprocess/training/visual"
)

// Points marks point A (which should be closer) and point B for relative
// depth. A tap places A, then B; once both are there it moves the nearer
// one. A drag that starts on a point moves that point.
type Points struct{}

// grab is how near (as a fraction of the size) a press must be to a point
// to move it.
const grab = 4.0 / 64

var pointsIcon = icon("points", `<circle cx="7" cy="15" r="2.2" fill="#e01010"/><circle cx="17" cy="15" r="2.2" fill="#e01010"/>`+
	`<text x="7" y="10" font-size="6" font-family="sans-serif" text-anchor="middle" fill="#e01010">A</text>`+
	`<text x="17" y="10" font-size="6" font-family="sans-serif" text-anchor="middle" fill="#e01010">B</text>`)

func (Points) Name() string        { return "Points A/B" }
func (Points) Icon() fyne.Resource { return pointsIcon }
func (Points) Kind() string        { return "point" }
func (Points) Help() string {
	return "Tap: A (the closer one), then B; tap again or drag a point to move it."
}

func (p Points) Drag(e Editor, from, to Point) {
	strokes := append([]visual.Stroke(nil), e.Strokes()...)
	at := func(label string) int {
		for i, s := range strokes {
			if s.Tool == p.Kind() && s.Label == label {
				return i
			}
		}
		return -1
	}
	// Room for the 3x5 label above and to the right of the dot.
	moved := visual.Stroke{Tool: p.Kind(), X: round(clamp(to.X, 0.03, 0.9)), Y: round(clamp(to.Y, 0.11, 0.97))}
	a, b := at("A"), at("B")
	target := -1
	switch {
	case from != to && near(strokes, a, from):
		target = a
	case from != to && near(strokes, b, from):
		target = b
	case a < 0:
		moved.Label = "A"
	case b < 0:
		moved.Label = "B"
	case dist(strokes[a], to) <= dist(strokes[b], to):
		target = a
	default:
		target = b
	}
	if target >= 0 {
		moved.Label = strokes[target].Label
		strokes = append(strokes[:target], strokes[target+1:]...)
	}
	e.SetStrokes(append(strokes, moved))
}

func near(strokes []visual.Stroke, i int, p Point) bool { return i >= 0 && dist(strokes[i], p) <= grab }

func dist(s visual.Stroke, p Point) float64 { return math.Hypot(s.X-p.X, s.Y-p.Y) }

func (Points) Questions() []QA {
	return []QA{
		{"Is A closer than B?", "yes"},
		{"Is A farther away than B?", "no"},
	}
}

func (Points) JudgeKind() string { return "depth" }

func (Points) Options() (width, colour bool) { return false, false }

func (Points) Judge() (string, bool) {
	return "checked by the depth judge, a depth model that orders A and B", true
}

func (p Points) Target(strokes []visual.Stroke) (judge.Target, bool) {
	return judge.FromStrokes(p.JudgeKind(), strokes)
}
