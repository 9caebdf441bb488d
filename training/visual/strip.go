package visual

import (
	"cmp"
	"fmt"
	"image"
	"image/color"
	"slices"
)

// swatchShare is the least share of a drawing's coloured pixels a region
// needs to count as a swatch: the blends at the edges between swatches
// and JPEG's ringing, a column or two each, stay below it; a swatch of a
// strip of 20 is above.
const swatchShare = 0.04

// swatchTolerance is how far, per channel, a swatch's pixels may be from
// its most common colour: JPEG noise and resizing stay inside it, and the
// swatches of a palette of near colours (the sea's blues, 19 apart) stay
// apart.
const swatchTolerance = 16

// FindSwatches recovers a palette strip from a drawing made elsewhere.
// Its swatches are the connected regions of opaque pixels, neither white
// nor instruction red (red is a drawn instruction, unless the drawing has
// no other colour), within swatchTolerance of the colour each region grew
// from; regions grow from the most common colours first, so each is named
// by its swatch's own colour rather than by a blend at an edge. Regions of
// fewer than swatchShare of the pixels are edges, not swatches; a colour
// met in two regions counts once. The colours come in order of their
// regions' mean column (then row). ok is false for a drawing without
// colours.
func FindSwatches(d *image.NRGBA) (s Stroke, ok bool) {
	b := d.Rect
	w := b.Dx()
	coloured := make([]bool, w*b.Dy())
	counts := map[color.NRGBA]int{}
	var seeds []image.Point
	for _, wantRed := range []bool{false, true} {
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := d.NRGBAAt(x, y)
				if c.A >= 250 && !nearWhite(c.R, c.G, c.B) && IsInstructionRed(c) == wantRed {
					c.A = 255
					coloured[(y-b.Min.Y)*w+x-b.Min.X] = true
					counts[c]++
					seeds = append(seeds, image.Pt(x, y))
				}
			}
		}
		if len(seeds) > 0 {
			break
		}
	}
	colourAt := func(p image.Point) color.NRGBA { c := d.NRGBAAt(p.X, p.Y); c.A = 255; return c }
	slices.SortStableFunc(seeds, func(p, q image.Point) int {
		a, c := colourAt(p), colourAt(q)
		return cmp.Or(counts[c]-counts[a], compare(a, c))
	})
	type region struct {
		colour color.NRGBA
		n      int
		x, y   float64
	}
	var regions []region
	taken := make([]bool, len(coloured))
	index := func(p image.Point) int { return (p.Y-b.Min.Y)*w + p.X - b.Min.X }
	for _, seed := range seeds {
		if taken[index(seed)] {
			continue
		}
		r := region{colour: colourAt(seed)}
		taken[index(seed)] = true
		queue := []image.Point{seed}
		for k := 0; k < len(queue); k++ {
			p := queue[k]
			r.n++
			r.x += float64(p.X)
			r.y += float64(p.Y)
			for _, dp := range []image.Point{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
				q := p.Add(dp)
				if q.In(b) && coloured[index(q)] && !taken[index(q)] && near(colourAt(q), r.colour, swatchTolerance) {
					taken[index(q)] = true
					queue = append(queue, q)
				}
			}
		}
		if float64(r.n) >= swatchShare*float64(len(seeds)) &&
			!slices.ContainsFunc(regions, func(o region) bool { return o.colour == r.colour }) {
			regions = append(regions, r)
		}
	}
	if len(regions) == 0 {
		return Stroke{}, false
	}
	slices.SortStableFunc(regions, func(a, c region) int {
		return cmp.Or(cmp.Compare(a.x/float64(a.n), c.x/float64(c.n)), cmp.Compare(a.y/float64(a.n), c.y/float64(c.n)))
	})
	s = Stroke{Tool: "swatches"}
	for _, r := range regions {
		s.Colors = append(s.Colors, fmt.Sprintf("#%02x%02x%02x", r.colour.R, r.colour.G, r.colour.B))
	}
	return s, true
}
