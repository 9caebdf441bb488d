package visual

import (
	"fmt"
	"image"
	"image/color"
	"strings"

	"dualprocess/picture"
)

// Stroke is one drawn element of a visual prompt, as task files and the
// app's tools record it. Positions are fractions of the canvas size (0..1);
// widths are pixels at 64 px and scale with the canvas.
type Stroke struct {
	Tool   string   `json:"tool"` // hline, vline, segment, box, point, swatches
	X      float64  `json:"x,omitempty"`
	Y      float64  `json:"y,omitempty"`
	X1     float64  `json:"x1,omitempty"`
	Y1     float64  `json:"y1,omitempty"`
	Width  float64  `json:"width,omitempty"`
	Label  string   `json:"label,omitempty"`  // point: "A" or "B"
	Colors []string `json:"colors,omitempty"` // swatches: #rrggbb
}

// DefaultWidth is the width of a line stroke that gives none, px at 64 px.
const DefaultWidth = 1.5

// Tools lists the stroke kinds.
var Tools = []string{"hline", "vline", "segment", "box", "point", "swatches"}

// DrawStrokes draws strokes on a new size x size canvas.
func DrawStrokes(strokes []Stroke, size int) (*image.NRGBA, error) {
	d := NewCanvas(size)
	for i, s := range strokes {
		if err := s.draw(d); err != nil {
			return nil, fmt.Errorf("stroke %d (%s): %w", i+1, s.Tool, err)
		}
	}
	return d, nil
}

func (s Stroke) draw(d *image.NRGBA) error {
	n := float64(d.Rect.Dx())
	k := n / 64 // widths are given at 64 px
	w := s.Width
	if w == 0 {
		w = DefaultWidth
	}
	if w < 0 || w > 16 {
		return fmt.Errorf("width %g: want 0 < width <= 16 px", w)
	}
	for _, v := range []float64{s.X, s.Y, s.X1, s.Y1} {
		if v < 0 || v > 1 {
			return fmt.Errorf("position %g outside 0..1 (fractions of the image size)", v)
		}
	}
	switch s.Tool {
	case "hline":
		HLine(d, Red, s.Y*n, w*k)
	case "vline":
		VLine(d, Red, s.X*n, w*k)
	case "segment":
		if s.X1 <= s.X {
			return fmt.Errorf("segment needs x < x1")
		}
		Segment(d, Red, s.X*n, s.X1*n, s.Y*n, w*k)
	case "box":
		if s.X1 <= s.X || s.Y1 <= s.Y {
			return fmt.Errorf("box needs x < x1 and y < y1")
		}
		Box(d, Red, s.X*n, s.Y*n, s.X1*n, s.Y1*n, w*k)
	case "point":
		if s.Label != "A" && s.Label != "B" {
			return fmt.Errorf("point label %q: want A or B", s.Label)
		}
		x, y := s.X*n, s.Y*n
		Dot(d, Red, x, y, 1.5*k)
		Label(d, Red, int(x)+2, int(y)-6, rune(s.Label[0]))
	case "swatches":
		if len(s.Colors) == 0 {
			return fmt.Errorf("swatches need colours")
		}
		cols := make([]color.Color, len(s.Colors))
		for i, h := range s.Colors {
			c, err := picture.ParseColor(h)
			if err != nil {
				return err
			}
			cols[i] = c
		}
		y0 := s.Y
		if y0 == 0 {
			y0 = 1 - 8.0/64 // the bottom 8 rows at 64 px
		}
		Swatches(d, cols, y0*n, n)
	default:
		return fmt.Errorf("unknown tool %q (known: %s)", s.Tool, strings.Join(Tools, ", "))
	}
	return nil
}
