package visual

import (
	"image"
	"image/color"
	"math"
)

// FindDrawing recovers a visual prompt that another tool has already drawn
// into an image: the pixels of instruction red (strong red, little green
// and blue, as Red and its anti-aliased or resized edges) become a solid
// drawing of their own colour, so the rater sees them as the drawing it
// was trained on and knows where it is. It returns nil, 0 when the image
// holds no such pixel, else the overlay and the number of pixels.
func FindDrawing(img image.Image) (*Overlay, int) {
	d, n := FindRed(img)
	if n == 0 {
		return nil, 0
	}
	o, err := NewOverlay(d, Solid)
	if err != nil { // cannot happen: Solid is a valid mode
		return nil, 0
	}
	return o, n
}

// FindRed is the drawing FindDrawing finds, at the image's size: its
// instruction-red pixels, white elsewhere, and how many there are.
func FindRed(img image.Image) (*image.NRGBA, int) {
	b := img.Bounds()
	d := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	n := 0
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			c := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
			if IsInstructionRed(c) {
				d.SetNRGBA(x, y, c)
				n++
			} else {
				d.SetNRGBA(x, y, color.NRGBA{255, 255, 255, 255})
			}
		}
	}
	return d, n
}

// RedCoverage is the red drawn into an image by another tool (FindRed) as
// a drawing of Red on a clear canvas, each pixel as opaque as the red
// covers it: by how far its colour has moved from the scene's towards the
// red's, the scene's being the image with the red taken out (Unpaint) and
// the red's its reddest pixel. The pixels beside the instruction-red ones,
// where the red's edge was blended into the scene, count too, and so a
// line's width read from it (FindSegment) keeps the part of a pixel its
// edges cover. scene is the image with the red taken out.
func RedCoverage(img *image.RGBA) (d *image.NRGBA, scene *image.RGBA) {
	found, n := FindRed(img)
	b := img.Bounds()
	d = image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	if n == 0 {
		return d, img
	}
	var red color.NRGBA // the reddest instruction-red pixel
	var rx, ry int
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			if c := found.NRGBAAt(x, y); IsInstructionRed(c) && int(c.R)-max(int(c.G), int(c.B)) > int(red.R)-max(int(red.G), int(red.B)) {
				red, rx, ry = c, x, y
			}
		}
	}
	scene = Unpaint(img, found)
	// A line thinner than a pixel, or one off the pixel grid, covers no
	// pixel whole: when the reddest pixel is a blend of the scene and Red,
	// the red is Red.
	c, bg := img.RGBAAt(b.Min.X+rx, b.Min.Y+ry), scene.RGBAAt(b.Min.X+rx, b.Min.Y+ry)
	if a := cover(c, bg, Red); distance(c, blend(bg, Red, a)) <= 6 {
		red = Red
	}
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			c, bg := img.RGBAAt(b.Min.X+x, b.Min.Y+y), scene.RGBAAt(b.Min.X+x, b.Min.Y+y)
			if c == bg {
				continue // not taken out: no red here
			}
			if a := min(1, cover(c, bg, red)); a >= 0.05 {
				d.SetNRGBA(x, y, color.NRGBA{Red.R, Red.G, Red.B, uint8(math.Round(255 * a))})
			}
		}
	}
	return d, scene
}

// cover is how far c lies from bg towards red, 0 at bg and 1 at red.
func cover(c, bg color.RGBA, red color.NRGBA) float64 {
	var num, den float64
	for _, v := range [3][3]uint8{{c.R, bg.R, red.R}, {c.G, bg.G, red.G}, {c.B, bg.B, red.B}} {
		num += (float64(v[0]) - float64(v[1])) * (float64(v[2]) - float64(v[1]))
		den += (float64(v[2]) - float64(v[1])) * (float64(v[2]) - float64(v[1]))
	}
	return num / max(den, 1)
}

// blend is bg covered by red to a.
func blend(bg color.RGBA, red color.NRGBA, a float64) color.RGBA {
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*(1-a) + float64(y)*a)) }
	return color.RGBA{mix(bg.R, red.R), mix(bg.G, red.G), mix(bg.B, red.B), 255}
}

// distance is the Euclidean distance of two colours' RGB.
func distance(a, b color.RGBA) float64 {
	d := func(x, y uint8) float64 { return float64(x) - float64(y) }
	return math.Sqrt(d(a.R, b.R)*d(a.R, b.R) + d(a.G, b.G)*d(a.G, b.G) + d(a.B, b.B)*d(a.B, b.B))
}

// Unpaint takes a drawing found in an image (FindRed) out of it again:
// the drawing's red pixels, and the pixels next to them where the red was
// blended into the scene, are filled from the scene around them, from the
// outside in, each with the mean of its filled or untouched neighbours.
// img and d have the same size; img is not changed.
func Unpaint(img *image.RGBA, d *image.NRGBA) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(b)
	copy(out.Pix, img.Pix)
	hole := make([]bool, b.Dx()*b.Dy())
	at := func(x, y int) int { return y*b.Dx() + x }
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			if !IsInstructionRed(d.NRGBAAt(d.Rect.Min.X+x, d.Rect.Min.Y+y)) {
				continue
			}
			for j := max(0, y-1); j <= min(b.Dy()-1, y+1); j++ {
				for i := max(0, x-1); i <= min(b.Dx()-1, x+1); i++ {
					hole[at(i, j)] = true
				}
			}
		}
	}
	for left := true; left; {
		left = false
		var next []int // filled this round, opened for the next
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				if !hole[at(x, y)] {
					continue
				}
				var sum [3]int
				n := 0
				for _, o := range [4][2]int{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
					i, j := x+o[0], y+o[1]
					if i < 0 || j < 0 || i >= b.Dx() || j >= b.Dy() || hole[at(i, j)] {
						continue
					}
					c := out.RGBAAt(b.Min.X+i, b.Min.Y+j)
					sum[0], sum[1], sum[2], n = sum[0]+int(c.R), sum[1]+int(c.G), sum[2]+int(c.B), n+1
				}
				if n == 0 {
					left = true
					continue
				}
				out.SetRGBA(b.Min.X+x, b.Min.Y+y, color.RGBA{uint8(sum[0] / n), uint8(sum[1] / n), uint8(sum[2] / n), 255})
				next = append(next, at(x, y))
			}
		}
		if len(next) == 0 { // nothing left to fill from: an image all red
			break
		}
		for _, k := range next {
			hole[k] = false
		}
	}
	return out
}

// IsInstructionRed tells whether a colour is the red of drawn instructions
// (or close to it): red at least 170, green and blue at most 80 and at
// least 140 below the red.
func IsInstructionRed(c color.NRGBA) bool {
	r, g, b := int(c.R), int(c.G), int(c.B)
	return c.A > 128 && r >= 170 && g <= 80 && b <= 80 && r-max(g, b) >= 140
}
