package judge

import (
	"image"
	"math"
	"slices"

	"dualprocess/training/visual"
)

// strokeOf names the stroke kind (visual.Stroke.Tool) whose marks each
// judge checks.
var strokeOf = map[string]string{"horizon": "hline", "tree": "vline", "lineweight": "segment", "sun": "box", "depth": "point", "palette": "swatches"}

// FromStrokes is the target a drawing's strokes set a judge of kind: the
// row of the latest horizon line, the column of the latest vertical line,
// the width of the latest reference line, the latest box for the sun, the
// points labelled A and B (A should be closer) or the latest swatches'
// colours. It is false when the strokes hold no such mark (and for the sky
// judge, which no drawing sets).
func FromStrokes(kind string, strokes []visual.Stroke) (Target, bool) {
	tool, ok := strokeOf[kind]
	if !ok {
		return Target{}, false
	}
	latest := func(label string) (visual.Stroke, bool) {
		for i := len(strokes) - 1; i >= 0; i-- {
			if s := strokes[i]; s.Tool == tool && (label == "" || s.Label == label) {
				return s, true
			}
		}
		return visual.Stroke{}, false
	}
	s, ok := latest("")
	if !ok {
		return Target{}, false
	}
	t := Target{Kind: kind}
	switch kind {
	case "horizon":
		t.Row = &s.Y
	case "tree":
		t.X = &s.X
	case "lineweight":
		w := s.Width
		if w == 0 {
			w = visual.DefaultWidth
		}
		t.Width = &w
	case "sun":
		t.Box = &[4]float64{s.X, s.Y, s.X1, s.Y1}
	case "depth":
		a, okA := latest("A")
		b, okB := latest("B")
		if !okA || !okB {
			return Target{}, false
		}
		t.Points = [][2]float64{{a.X, a.Y}, {b.X, b.Y}}
	case "palette":
		t.Colors = slices.Clone(s.Colors)
	}
	return t, true
}

// FromPicture reads the target of a judge of kind from a drawing's pixels,
// as a picture made elsewhere gives it (visual.FindRedPart and its kin): the
// row of a red horizontal line, the column of a red vertical one, the
// width of a red reference line, the box a red outline draws, or the
// colours of a swatch strip. It is false when the picture holds no such
// mark, and for the depth judge: a picture does not say which dot is A.
func FromPicture(kind string, d *image.NRGBA) (Target, bool) {
	t := Target{Kind: kind}
	switch kind {
	case "horizon", "tree", "sun":
		p, ok := visual.FindRedPart(d)
		w, h := p.X1-p.X0, p.Y1-p.Y0
		switch {
		case !ok:
			return Target{}, false
		case kind == "horizon" && w > 4*h:
			t.Row = thousandths(p.Y)
		case kind == "tree" && h > 4*w:
			t.X = thousandths(p.X)
		case kind == "sun" && w > 0 && h > 0:
			t.Box = &[4]float64{*thousandths(p.X0), *thousandths(p.Y0), *thousandths(p.X1), *thousandths(p.Y1)}
		default:
			return Target{}, false
		}
	case "lineweight":
		s, ok := visual.FindSegment(d)
		if !ok {
			return Target{}, false
		}
		t.Width = &s.Width
	case "palette":
		s, ok := visual.FindSwatches(d)
		if !ok {
			return Target{}, false
		}
		t.Colors = s.Colors
	default:
		return Target{}, false
	}
	return t, true
}

// thousandths is v rounded to 0.001, finer than a pixel at 64 px and
// short in a task file.
func thousandths(v float64) *float64 {
	r := math.Round(v*1000) / 1000
	return &r
}
