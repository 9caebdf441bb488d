package visual

import (
	"cmp"
	"image"
	"image/color"
	"maps"
	"math"
	"slices"
)

// redness is how much of a drawing's pixel is instruction red: its
// opacity times its distance from white towards red, so a red line
// anti-aliased into transparency or into white counts by its coverage
// (a pixel half red, half white is (255, 128, 128) and counts 0.5).
// Pixels of another hue (green and blue apart, or red not above them)
// count 0.
func redness(c color.NRGBA) float64 {
	g, b := int(c.G), int(c.B)
	if c.A == 0 || c.R < 170 || int(c.R)-max(g, b) < 8 || max(g-b, b-g) > 24 {
		return 0
	}
	return float64(c.A) / 255 * (1 - float64(max(g, b))/255)
}

// FindSegment recovers a red reference line from a drawing made elsewhere:
// the largest 8-connected part of its red pixels, returned as a segment
// stroke along the part's longer side, centred on its mean row (or
// column), with the width of its median cross-section, the red coverage of
// one column (or row). Widths are given at 64 px, as strokes record them;
// an anti-aliased line keeps its fractional width. ok is false for a
// drawing without red.
func FindSegment(d *image.NRGBA) (s Stroke, ok bool) {
	part := largestRedPart(d)
	if len(part) == 0 {
		return Stroke{}, false
	}
	box := image.Rectangle{Min: part[0], Max: part[0].Add(image.Pt(1, 1))}
	for _, p := range part {
		box = box.Union(image.Rectangle{Min: p, Max: p.Add(image.Pt(1, 1))})
	}
	vertical := box.Dy() > box.Dx()
	sums := map[int]float64{} // red per column (per row for a vertical line)
	var mass, centre float64
	for _, p := range part {
		w := redness(d.NRGBAAt(p.X, p.Y))
		along, across := p.X, p.Y
		if vertical {
			along, across = p.Y, p.X
		}
		sums[along] += w
		mass += w
		centre += w * (float64(across) + 0.5)
	}
	width := median(sums)
	n := float64(d.Rect.Dx())
	s = Stroke{Tool: "segment", Width: math.Round(width*64/n*100) / 100} // to 0.01 px: the opacities' rounding stays below it
	lo, hi := box.Min.X, box.Max.X
	if vertical {
		lo, hi = box.Min.Y, box.Max.Y
	}
	s.X, s.X1, s.Y = float64(lo-d.Rect.Min.X)/n, float64(hi-d.Rect.Min.X)/n, (centre/mass-float64(d.Rect.Min.Y))/n
	if vertical {
		s.Y = (centre/mass - float64(d.Rect.Min.X)) / n
		s.X, s.X1 = float64(lo-d.Rect.Min.Y)/n, float64(hi-d.Rect.Min.Y)/n
	}
	return s, true
}

// RedPart is the largest red mark of a drawing, in fractions of its size:
// the box its red covers (to a fraction of a pixel, by the red of its
// outermost columns and rows, so a box drawn inside x0..x1 gives x0 and x1),
// and its centre of red.
type RedPart struct {
	X0, Y0, X1, Y1 float64
	X, Y           float64
}

// FindRedPart finds the largest 8-connected part of a drawing's red pixels
// (a horizon line, a vertical line or a box outline made elsewhere); ok is
// false for a drawing without red.
func FindRedPart(d *image.NRGBA) (p RedPart, ok bool) {
	part := largestRedPart(d)
	if len(part) == 0 {
		return RedPart{}, false
	}
	cols, rows := map[int]float64{}, map[int]float64{} // the most red in each
	var top, mass, cx, cy float64
	for _, q := range part {
		w := redness(d.NRGBAAt(q.X, q.Y))
		top, mass = max(top, w), mass+w
		cx, cy = cx+w*(float64(q.X)+0.5), cy+w*(float64(q.Y)+0.5)
		cols[q.X], rows[q.Y] = max(cols[q.X], w), max(rows[q.Y], w)
	}
	// edges gives the lowest and the highest edge of the red along one axis.
	edges := func(m map[int]float64) (lo, hi float64) {
		keys := slices.Sorted(maps.Keys(m))
		first, last := keys[0], keys[len(keys)-1]
		return float64(first) + 1 - m[first]/top, float64(last) + m[last]/top
	}
	x0, x1 := edges(cols)
	y0, y1 := edges(rows)
	nx, ny, o := float64(d.Rect.Dx()), float64(d.Rect.Dy()), d.Rect.Min
	return RedPart{
		X0: (x0 - float64(o.X)) / nx, Y0: (y0 - float64(o.Y)) / ny, X1: (x1 - float64(o.X)) / nx, Y1: (y1 - float64(o.Y)) / ny,
		X: (cx/mass - float64(o.X)) / nx, Y: (cy/mass - float64(o.Y)) / ny,
	}, true
}

// largestRedPart is the largest 8-connected set of pixels with some red,
// by their red.
func largestRedPart(d *image.NRGBA) []image.Point {
	b := d.Rect
	seen := make([]bool, b.Dx()*b.Dy())
	visit := func(p image.Point) bool { // marks p, and says whether it is red and new
		if !p.In(b) {
			return false
		}
		i := (p.Y-b.Min.Y)*b.Dx() + p.X - b.Min.X
		if seen[i] {
			return false
		}
		seen[i] = true
		return redness(d.NRGBAAt(p.X, p.Y)) > 0
	}
	var best []image.Point
	var bestMass float64
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if !visit(image.Pt(x, y)) {
				continue
			}
			part := []image.Point{image.Pt(x, y)}
			var mass float64
			for k := 0; k < len(part); k++ { // breadth first: part is also the queue
				q := part[k]
				mass += redness(d.NRGBAAt(q.X, q.Y))
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						if r := q.Add(image.Pt(dx, dy)); visit(r) {
							part = append(part, r)
						}
					}
				}
			}
			if mass > bestMass {
				best, bestMass = part, mass
			}
		}
	}
	return best
}

// median is the median of a map's values.
func median(m map[int]float64) float64 {
	v := make([]float64, 0, len(m))
	for _, x := range m {
		v = append(v, x)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// near tells whether two colours are within tol on every channel.
func near(a, b color.NRGBA, tol int) bool {
	d := func(x, y uint8) int { return max(int(x)-int(y), int(y)-int(x)) }
	return d(a.R, b.R) <= tol && d(a.G, b.G) <= tol && d(a.B, b.B) <= tol
}

// compare orders colours, so equally common ones come in the same order
// every run.
func compare(a, b color.NRGBA) int {
	return cmp.Or(cmp.Compare(a.R, b.R), cmp.Compare(a.G, b.G), cmp.Compare(a.B, b.B))
}
