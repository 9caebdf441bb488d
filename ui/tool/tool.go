// Package tool holds the tools that draw a visual prompt, one file each.
// A tool has a name and an icon, says what a tap or a drag does to the
// drawing's strokes, suggests questions with their desired answers, and
// names the independent judge that checks its strokes (or says that none
// does) and the target its strokes imply.
package tool

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"fyne.io/fyne/v2"

	"dualprocess/training/judge"
	"dualprocess/training/visual"
)

// Point is a position on the drawing as fractions (0..1) of its size.
type Point struct{ X, Y float64 }

// QA is a suggested question and the answer the user will want.
type QA struct{ Question, Answer string }

// Editor is what a tool sees of the drawing and the drawing options.
type Editor interface {
	Strokes() []visual.Stroke
	SetStrokes([]visual.Stroke)
	Width() float64      // line width in pixels at 64 px
	Colour() color.Color // the colour the swatch tool adds
}

// Tool is one way of drawing on the visual prompt.
type Tool interface {
	Name() string
	Icon() fyne.Resource
	// Help says in one line what a tap and a drag do.
	Help() string
	// Kind is the stroke kind the tool draws (visual.Stroke.Tool).
	Kind() string
	// Drag changes the drawing for a press at from and a release at to;
	// a tap has from == to. While the pointer moves, the editor calls it
	// again from the strokes as they were at the press.
	Drag(e Editor, from, to Point)
	// Questions suggests questions about the tool's strokes with the
	// answers that ask for them to be obeyed, the best first.
	Questions() []QA
	// Judge says which independent judge (training/judge) checks the
	// tool's strokes and what it measures, with true ("checked by the
	// horizon judge, which ..."); or that none does, so that results for
	// them are the rater's opinion only, with false.
	Judge() (string, bool)
	// JudgeKind is the kind of judge.Target the tool's strokes imply ("" for
	// none).
	JudgeKind() string
	// Options says which drawing options the tool's strokes take: the
	// line width, the colour a swatch adds. The editor shows only those.
	Options() (width, colour bool)
	// Target is the judge's target implied by the tool's strokes, false
	// when there are none (or the tool implies no judge).
	Target(strokes []visual.Stroke) (judge.Target, bool)
}

// All lists the tools in toolbar order.
func All() []Tool {
	return []Tool{Horizon{}, Vertical{}, Reference{}, Points{}, Box{}, Swatches{}}
}

// ForKind is the tool drawing strokes of the kind, or nil.
func ForKind(kind string) Tool {
	for _, t := range All() {
		if t.Kind() == kind {
			return t
		}
	}
	return nil
}

// JudgeFor is the judge's target implied by a drawing: that of the tool
// of the latest stroke that implies one.
func JudgeFor(strokes []visual.Stroke) (judge.Target, bool) {
	for i := len(strokes) - 1; i >= 0; i-- {
		if t := ForKind(strokes[i].Tool); t != nil {
			if target, ok := t.Target(strokes); ok {
				return target, true
			}
		}
	}
	return judge.Target{}, false
}

// Unjudged lists the tools that drew strokes of a drawing and that no
// independent judge checks, in toolbar order.
func Unjudged(strokes []visual.Stroke) []Tool {
	var out []Tool
	for _, t := range All() {
		if _, ok := t.Judge(); !ok && slices.ContainsFunc(strokes, func(s visual.Stroke) bool { return s.Tool == t.Kind() }) {
			out = append(out, t)
		}
	}
	return out
}

// replace returns strokes without those of kind, with s appended.
func replace(strokes []visual.Stroke, kind string, s visual.Stroke) []visual.Stroke {
	out := without(strokes, kind)
	return append(out, s)
}

// without returns a copy of strokes without those of kind.
func without(strokes []visual.Stroke, kind string) []visual.Stroke {
	var out []visual.Stroke
	for _, s := range strokes {
		if s.Tool != kind {
			out = append(out, s)
		}
	}
	return out
}

// last is the latest stroke of kind.
func last(strokes []visual.Stroke, kind string) (visual.Stroke, bool) {
	for i := len(strokes) - 1; i >= 0; i-- {
		if strokes[i].Tool == kind {
			return strokes[i], true
		}
	}
	return visual.Stroke{}, false
}

// clamp keeps v in lo..hi.
func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// centred is the span of length size centred on c, moved inside 0..1.
func centred(c, size float64) (lo, hi float64) {
	lo = clamp(c-size/2, 0, 1-size)
	return lo, lo + size
}

// round keeps positions to 1/1000, so task files stay readable.
func round(v float64) float64 { return math.Round(v*1000) / 1000 }

// hex is c as #rrggbb.
func hex(c color.Color) string {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return fmt.Sprintf("#%02x%02x%02x", n.R, n.G, n.B)
}

// icon makes a 24x24 SVG icon from its body.
func icon(name, body string) fyne.Resource {
	return fyne.NewStaticResource(name+".svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24">`+
		`<rect x="2.5" y="2.5" width="19" height="19" rx="2" fill="none" stroke="#8a8a8a" stroke-width="1"/>`+body+`</svg>`))
}
