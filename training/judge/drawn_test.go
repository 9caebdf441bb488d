package judge

import (
	"encoding/json"
	"math"
	"slices"
	"testing"

	"dualprocess/training/visual"
)

// A drawing's strokes set each judge's target, and the same drawing as a
// picture, at another size, gives the same target read from its pixels.
func TestTargetsFromStrokesAndFromPictures(t *testing.T) {
	for _, c := range []struct {
		kind    string
		strokes []visual.Stroke
		want    Target
	}{
		{"horizon", []visual.Stroke{{Tool: "hline", Y: 0.3, Width: 1.5}}, Target{Row: ptr(0.3)}},
		{"tree", []visual.Stroke{{Tool: "vline", X: 0.62, Width: 2}}, Target{X: ptr(0.62)}},
		{"lineweight", []visual.Stroke{{Tool: "segment", X: 0.1, X1: 0.4, Y: 0.5, Width: 3.5}}, Target{Width: ptr(3.5)}},
		{"sun", []visual.Stroke{{Tool: "box", X: 0.6, Y: 0.05, X1: 0.95, Y1: 0.3, Width: 1}}, Target{Box: &[4]float64{0.6, 0.05, 0.95, 0.3}}},
		{"palette", []visual.Stroke{{Tool: "swatches", Colors: []string{"#243060", "#3c4a80", "#2f5a3a"}}}, Target{Colors: []string{"#243060", "#3c4a80", "#2f5a3a"}}},
	} {
		got, ok := FromStrokes(c.kind, c.strokes)
		c.want.Kind = c.kind
		if !ok || !sameTarget(got, c.want, 0) {
			t.Errorf("%s from strokes: %s, %v; want %s", c.kind, js(got), ok, js(c.want))
		}
		for _, size := range []int{64, 256} {
			d, err := visual.DrawStrokes(c.strokes, size)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := FromPicture(c.kind, d)
			if !ok || !sameTarget(got, c.want, 0.25/64) {
				t.Errorf("%s from a %d px picture: %s, %v; want %s within a quarter pixel", c.kind, size, js(got), ok, js(c.want))
			}
		}
	}
}

// A picture that holds nothing a judge reads sets no target: a vertical
// line for the horizon, a horizontal one for a tree, nothing red, and
// points, whose picture does not say which dot is A.
func TestPicturesWithoutTheirMarkSetNoTarget(t *testing.T) {
	for _, c := range []struct {
		kind   string
		stroke visual.Stroke
	}{
		{"horizon", visual.Stroke{Tool: "vline", X: 0.5}},
		{"tree", visual.Stroke{Tool: "hline", Y: 0.5}},
		{"horizon", visual.Stroke{Tool: "swatches", Colors: []string{"#204080"}}},
		{"depth", visual.Stroke{Tool: "point", X: 0.3, Y: 0.7, Label: "A"}},
	} {
		d, err := visual.DrawStrokes([]visual.Stroke{c.stroke}, 64)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := FromPicture(c.kind, d); ok {
			t.Errorf("%s judge from a picture of %s: %+v, want none", c.kind, c.stroke.Tool, got)
		}
	}
	if got, ok := FromStrokes("depth", []visual.Stroke{{Tool: "point", X: 0.3, Y: 0.7, Label: "A"}}); ok {
		t.Errorf("depth from point A alone: %+v, want none", got)
	}
	both := []visual.Stroke{{Tool: "point", X: 0.7, Y: 0.6, Label: "B"}, {Tool: "point", X: 0.3, Y: 0.7, Label: "A"}}
	if got, ok := FromStrokes("depth", both); !ok || !slices.Equal(got.Points, [][2]float64{{0.3, 0.7}, {0.7, 0.6}}) {
		t.Errorf("depth from B then A: %+v, %v; want A first", got, ok)
	}
}

func js(t Target) string { b, _ := json.Marshal(t); return string(b) }

func ptr(v float64) *float64 { return &v }

// sameTarget compares targets, positions within tol and widths (px at 64
// px) within 64 tol.
func sameTarget(a, b Target, tol float64) bool {
	near := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || math.Abs(*x-*y) <= tol) }
	width := a.Width == nil && b.Width == nil || a.Width != nil && b.Width != nil && math.Abs(*a.Width-*b.Width) <= 64*tol
	box := (a.Box == nil) == (b.Box == nil)
	for i := 0; box && a.Box != nil && i < 4; i++ {
		box = near(&a.Box[i], &b.Box[i])
	}
	return a.Kind == b.Kind && near(a.Row, b.Row) && near(a.X, b.X) && width && box &&
		slices.Equal(a.Colors, b.Colors) && slices.Equal(a.Points, b.Points)
}
