package world

import (
	"fmt"
	"image"
	"iter"
	"math"
	"sort"
)

// Truth is what the renderer knows about an image, in JSON-friendly form.
// Rows and columns are in pixels from the top-left corner; a pixel (x, y)
// covers [x, x+1) x [y, y+1).
type Truth struct {
	Prompt       string         `json:"prompt"`
	Width        int            `json:"width"`
	Height       int            `json:"height"`
	Horizon      float64        `json:"horizon_row"`
	HorizonFrac  float64        `json:"horizon_frac"`
	OutlineWidth float64        `json:"outline_width"` // 0 when flat
	Palette      []PaletteEntry `json:"palette"`
	Sun          *SunTruth      `json:"sun,omitempty"`
	Objects      []ObjectTruth  `json:"objects"`
}

// PaletteEntry is one main colour of the image with the share of pixels it fills.
type PaletteEntry struct {
	Name     string  `json:"name"`
	Hex      string  `json:"hex"`
	Coverage float64 `json:"coverage"`
}

// SunTruth is the sun or moon disc.
type SunTruth struct {
	Kind   string  `json:"kind"` // "sun" or "moon"
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	Radius float64 `json:"radius"`
}

// ObjectTruth is a placed object: box [x0, y0, x1, y1] in pixels and depth.
type ObjectTruth struct {
	Kind  string     `json:"kind"`
	Box   [4]float64 `json:"box"`
	Depth float64    `json:"depth"`
}

// Hex formats a colour as #rrggbb.
func Hex(r, g, b uint8) string { return fmt.Sprintf("#%02x%02x%02x", r, g, b) }

// minCoverage is the smallest share of pixels for a colour to count as one
// of the image's palette colours.
const minCoverage = 0.02

// truth describes a rendered scene. major holds each pixel's shape index
// (-1 for outline, -2 for a pixel mixed from several), labels the shapes'
// labels. A palette colour's coverage counts only the pixels it fills alone.
func (s Scene) truth(img *image.RGBA, major []int16, labels []string) Truth {
	t := Truth{
		Prompt: s.Prompt.String(), Width: Size, Height: Size,
		Horizon: round3(s.Horizon), HorizonFrac: round3(s.Horizon / Size),
		OutlineWidth: round3(s.OutlineWidth), Objects: []ObjectTruth{},
	}
	type entry struct {
		c   rgb
		cnt int
	}
	entries := map[string]*entry{}
	var order []string
	count := func(name string, c rgb) {
		e, ok := entries[name]
		if !ok {
			e = &entry{c: c}
			entries[name] = e
			order = append(order, name)
		}
		e.cnt++
	}
	sky := s.shapes[0]
	for k, l := range major {
		y := float64(k/Size) + 0.5
		switch {
		case l == -2:
		case l == -1:
			count("outline", outlineColor)
		case l == 0: // the sky, as three stops of its gradient
			stop := math.Min(2, math.Floor(3*y/s.Horizon))
			name := []string{"sky top", "sky middle", "sky bottom"}[int(stop)]
			count(name, sky.skyGradient((stop+0.5)*s.Horizon/3))
		default:
			count(labels[l], s.shapes[l].fill)
		}
	}
	for _, name := range order {
		e := entries[name]
		cov := float64(e.cnt) / float64(Size*Size)
		if cov < minCoverage {
			continue
		}
		c := e.c.rgba()
		t.Palette = append(t.Palette, PaletteEntry{name, Hex(c.R, c.G, c.B), round3(cov)})
	}
	sort.SliceStable(t.Palette, func(i, j int) bool { return t.Palette[i].Coverage > t.Palette[j].Coverage })
	kind := "sun"
	if s.Sun.Moon {
		kind = "moon"
	}
	t.Sun = &SunTruth{kind, round3(s.Sun.X), round3(s.Sun.Y), round3(s.Sun.R)}
	for _, o := range s.Objects {
		t.Objects = append(t.Objects, ObjectTruth{o.Kind,
			[4]float64{round3(o.X0), round3(o.Y0), round3(o.X1), round3(o.Y1)}, round3(o.Depth)})
	}
	return t
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// Boxes yields the box of the sun or moon (as "sun") and of each object
// (by kind, one at a time: a scene may have several trees), in the whole
// pixels they touch.
func (t Truth) Boxes() iter.Seq2[string, image.Rectangle] {
	px := func(x0, y0, x1, y1 float64) image.Rectangle {
		return image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1)), int(math.Ceil(y1)))
	}
	return func(yield func(string, image.Rectangle) bool) {
		if s := t.Sun; s != nil && !yield("sun", px(s.X-s.Radius, s.Y-s.Radius, s.X+s.Radius, s.Y+s.Radius)) {
			return
		}
		for _, o := range t.Objects {
			if !yield(o.Kind, px(o.Box[0], o.Box[1], o.Box[2], o.Box[3])) {
				return
			}
		}
	}
}
