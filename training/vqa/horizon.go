package vqa

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"

	"dualprocess/training/visual"
	"dualprocess/training/world"
)

var (
	horizonAt    = []string{"Is the horizon at the red line?", "Does the horizon line up with the red line?", "Is the red line on the horizon?"}
	horizonAbove = []string{"Is the horizon above the red line?", "Is the horizon higher than the red line?"}
	horizonBelow = []string{"Is the horizon below the red line?", "Is the horizon lower than the red line?"}
)

// Horizon questions compare the horizon with a red horizontal line. "At"
// means within 1.5 px; "off" at least 4.5 px away, so no example is a
// judgement call.
func init() {
	register(family{name: "horizon", yesNo: true, sample: func(rng *rand.Rand, r world.Rendering, ask wish) (Item, bool) {
		h := r.Truth.Horizon
		relation := rng.IntN(3)
		var offset float64 // line row minus horizon row
		switch {
		case relation == 0 && ask.answer == "yes":
			offset = uniform(rng, -1.5, 1.5)
		case relation == 0:
			offset = pick(rng, -1.0, 1.0) * uniform(rng, 4.5, 24)
		case ask.answer == "yes": // horizon above (smaller row) or below the line
			offset = uniform(rng, 4.5, 24) * []float64{0, 1, -1}[relation]
		default: // the other side or at the line
			offset = pick(rng, uniform(rng, -1.5, 1.5), uniform(rng, 4.5, 24)*[]float64{0, -1, 1}[relation])
		}
		y := h + offset
		if y < 2 || y > world.Size-2 {
			return Item{}, false
		}
		var img *image.RGBA
		if offset*offset >= 4.5*4.5 && rng.IntN(4) == 0 {
			img = decoyStroke(rng, r, y)
		}
		d := visual.NewCanvas(world.Size)
		visual.HLine(d, visual.Red, y, pick(rng, 1.0, 1.5, 2.0))
		q := pick(rng, horizonAt...)
		switch relation {
		case 1:
			q = pick(rng, horizonAbove...)
		case 2:
			q = pick(rng, horizonBelow...)
		}
		return Item{Question: q, Answer: ask.answer, Drawing: d, Mode: pick(rng, visual.Solid, visual.Transparent), Image: img}, true
	}})
}

// decoyStroke paints a dark or ground-coloured horizontal stroke, 1 to 3
// px thick over part of the width, near row y, away from the horizon: a
// stroke at the red line is not a horizon (sky above it, ground below), and
// it is what a teaching run's adapter drew to fool an earlier rater.
func decoyStroke(rng *rand.Rand, r world.Rendering, y float64) *image.RGBA {
	img := image.NewRGBA(r.Image.Rect)
	copy(img.Pix, r.Image.Pix)
	col := color.RGBA{uint8(rng.IntN(50)), uint8(rng.IntN(50)), uint8(rng.IntN(50)), 255}
	if rng.IntN(2) == 0 { // the ground's own colour, from below the horizon
		gy := min(world.Size-1, int(r.Truth.Horizon)+3+rng.IntN(4))
		col = r.Image.RGBAAt(rng.IntN(world.Size), gy)
	}
	w := uniform(rng, 0.3, 1) * world.Size
	x0 := uniform(rng, 0, world.Size-w)
	yc, half := y+uniform(rng, -1, 1), uniform(rng, 0.5, 1.5) // rows whose centres lie within half of yc
	for py := max(0, int(math.Floor(yc-half+0.5))); py < min(world.Size, int(math.Floor(yc+half+0.5))); py++ {
		for px := max(0, int(x0)); px < min(world.Size, int(x0+w)); px++ {
			img.SetRGBA(px, py, col)
		}
	}
	return img
}
