//go:build ignore

// icon_gen draws assets/icon.png, the application icon: a picture frame with
// a small landscape (the fast generator) overlapped by a speech bubble with
// an eye (the slow vision-language judge). Run it with `make icon`.
//
// Shapes are signed distance functions (negative inside, in pixels), which
// give exact anti-aliased edges with a single sample per pixel.
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const size = 256

type vec struct{ x, y float64 }

type shape func(p vec) float64

func circle(c vec, r float64) shape {
	return func(p vec) float64 { return math.Hypot(p.x-c.x, p.y-c.y) - r }
}

// box is a rectangle centred on c with half sizes h and corner radius r.
func box(c, h vec, r float64) shape {
	return func(p vec) float64 {
		qx := math.Abs(p.x-c.x) - h.x + r
		qy := math.Abs(p.y-c.y) - h.y + r
		return math.Hypot(math.Max(qx, 0), math.Max(qy, 0)) + math.Min(math.Max(qx, qy), 0) - r
	}
}

// polygon is a closed polygon (any winding).
func polygon(v ...vec) shape {
	return func(p vec) float64 {
		d := math.Inf(1)
		inside := false
		for i, j := 0, len(v)-1; i < len(v); j, i = i, i+1 {
			e := vec{v[j].x - v[i].x, v[j].y - v[i].y}
			w := vec{p.x - v[i].x, p.y - v[i].y}
			t := math.Max(0, math.Min(1, (w.x*e.x+w.y*e.y)/(e.x*e.x+e.y*e.y)))
			d = math.Min(d, math.Hypot(w.x-e.x*t, w.y-e.y*t))
			if (v[i].y > p.y) != (v[j].y > p.y) && p.x < e.x*(p.y-v[i].y)/e.y+v[i].x {
				inside = !inside
			}
		}
		if inside {
			return -d
		}
		return d
	}
}

func union(a, b shape) shape     { return func(p vec) float64 { return math.Min(a(p), b(p)) } }
func intersect(a, b shape) shape { return func(p vec) float64 { return math.Max(a(p), b(p)) } }
func minus(a, b shape) shape     { return func(p vec) float64 { return math.Max(a(p), -b(p)) } }
func grow(a shape, by float64) shape {
	return func(p vec) float64 { return a(p) - by }
}

type layer struct {
	s shape
	c color.NRGBA
}

func hex(h uint32) color.NRGBA {
	return color.NRGBA{uint8(h >> 16), uint8(h >> 8), uint8(h), 255}
}

func main() {
	// The judge: a speech bubble with a tail at the bottom right.
	bubble := union(
		box(vec{178, 174}, vec{66, 52}, 30),
		polygon(vec{194, 216}, vec{240, 248}, vec{226, 200}))
	gap := grow(bubble, 9)

	// The generator: a picture frame with sun, mountains and ground.
	frame := minus(box(vec{96, 96}, vec{82, 82}, 30), gap)
	inner := box(vec{96, 96}, vec{64, 64}, 16)
	sun := intersect(circle(vec{122, 66}, 15), inner)
	mountains := intersect(union(
		polygon(vec{10, 170}, vec{64, 86}, vec{118, 170}),
		polygon(vec{70, 170}, vec{112, 112}, vec{170, 170})), inner)

	// The eye: the lens between two circles, an iris and a glint.
	eyeC := vec{178, 172}
	eye := intersect(circle(vec{eyeC.x, eyeC.y - 26}, 48), circle(vec{eyeC.x, eyeC.y + 26}, 48))
	iris := intersect(circle(eyeC, 17), eye)
	pupil := circle(eyeC, 7)
	glint := circle(vec{eyeC.x + 6, eyeC.y - 6}, 4.5)

	layers := []layer{
		{frame, hex(0x2f5bea)},
		{minus(inner, gap), hex(0xdbe6ff)},
		{minus(sun, gap), hex(0xffc23d)},
		{minus(mountains, gap), hex(0x5a7df0)},
		{bubble, hex(0xff6b4a)},
		{eye, hex(0xffffff)},
		{iris, hex(0x23305c)},
		{pupil, hex(0x0e1430)},
		{glint, hex(0xffffff)},
	}

	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for y := range size {
		for x := range size {
			p := vec{float64(x) + 0.5, float64(y) + 0.5}
			var r, g, b, a float64 // premultiplied
			for _, l := range layers {
				cov := math.Max(0, math.Min(1, 0.5-l.s(p)))
				r = r*(1-cov) + float64(l.c.R)*cov
				g = g*(1-cov) + float64(l.c.G)*cov
				b = b*(1-cov) + float64(l.c.B)*cov
				a = a*(1-cov) + 255*cov
			}
			if a > 0 {
				img.SetNRGBA(x, y, color.NRGBA{
					uint8(math.Round(r * 255 / a)), uint8(math.Round(g * 255 / a)),
					uint8(math.Round(b * 255 / a)), uint8(math.Round(a))})
			}
		}
	}
	out := "icon.png"
	if len(os.Args) > 1 {
		out = os.Args[1]
	}
	f, err := os.Create(out)
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
