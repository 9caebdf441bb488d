package visual

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/vector"
)

// Red is the colour of drawn instructions.
var Red = color.NRGBA{255, 0, 0, 255}

// NewCanvas is an empty (transparent) drawing of size x size pixels.
func NewCanvas(size int) *image.NRGBA { return image.NewNRGBA(image.Rect(0, 0, size, size)) }

// polygon fills a closed polygon, anti-aliased, over dst.
func polygon(dst *image.NRGBA, col color.Color, pts ...[2]float64) {
	b := dst.Bounds()
	r := vector.NewRasterizer(b.Dx(), b.Dy())
	r.DrawOp = draw.Over
	r.MoveTo(float32(pts[0][0]), float32(pts[0][1]))
	for _, p := range pts[1:] {
		r.LineTo(float32(p[0]), float32(p[1]))
	}
	r.ClosePath()
	r.Draw(dst, b, image.NewUniform(col), image.Point{})
}

// Rect fills the rectangle [x0, x1) x [y0, y1) (pixel units, fractional allowed).
func Rect(dst *image.NRGBA, col color.Color, x0, y0, x1, y1 float64) {
	polygon(dst, col, [2]float64{x0, y0}, [2]float64{x1, y0}, [2]float64{x1, y1}, [2]float64{x0, y1})
}

// HLine draws a horizontal line across the whole canvas centred on row y
// (pixel units from the top; the boundary between rows 9 and 10 is 10).
func HLine(dst *image.NRGBA, col color.Color, y, width float64) {
	Rect(dst, col, 0, y-width/2, float64(dst.Rect.Dx()), y+width/2)
}

// VLine draws a vertical line down the whole canvas centred on column x.
func VLine(dst *image.NRGBA, col color.Color, x, width float64) {
	Rect(dst, col, x-width/2, 0, x+width/2, float64(dst.Rect.Dy()))
}

// Segment draws a horizontal segment from x0 to x1 centred on row y.
func Segment(dst *image.NRGBA, col color.Color, x0, x1, y, width float64) {
	Rect(dst, col, x0, y-width/2, x1, y+width/2)
}

// Box draws the outline of a rectangle with a stroke inside its edges.
func Box(dst *image.NRGBA, col color.Color, x0, y0, x1, y1, width float64) {
	Rect(dst, col, x0, y0, x1, y0+width)
	Rect(dst, col, x0, y1-width, x1, y1)
	Rect(dst, col, x0, y0+width, x0+width, y1-width)
	Rect(dst, col, x1-width, y0+width, x1, y1-width)
}

// Dot draws a filled disc.
func Dot(dst *image.NRGBA, col color.Color, x, y, r float64) {
	const n = 16
	pts := make([][2]float64, n)
	for i := range pts {
		a := 2 * math.Pi * float64(i) / n
		pts[i] = [2]float64{x + r*math.Cos(a), y + r*math.Sin(a)}
	}
	polygon(dst, col, pts...)
}

// glyphs are 3x5 pixel letters for labelling points.
var glyphs = map[rune][5]string{
	'A': {".#.", "#.#", "###", "#.#", "#.#"},
	'B': {"##.", "#.#", "##.", "#.#", "##."},
}

// Label draws a 3x5 letter with its top-left corner at (x, y).
func Label(dst *image.NRGBA, col color.Color, x, y int, letter rune) {
	for j, row := range glyphs[letter] {
		for i, c := range row {
			if c == '#' && image.Pt(x+i, y+j).In(dst.Rect) {
				dst.Set(x+i, y+j, col)
			}
		}
	}
}

// Swatches draws a strip of colour swatches of equal width across the
// canvas between rows y0 and y1.
func Swatches(dst *image.NRGBA, cols []color.Color, y0, y1 float64) {
	w := float64(dst.Rect.Dx()) / float64(len(cols))
	for i, c := range cols {
		Rect(dst, c, float64(i)*w, y0, float64(i+1)*w, y1)
	}
}
