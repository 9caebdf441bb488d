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
		var decoy string
		switch k := rng.IntN(4); {
		case offset*offset >= 4.5*4.5 && k == 0:
			img, decoy = decoyStroke(rng, r, y), "stroke"
		case offset >= 4.5 && k == 1:
			img, decoy = decoyHaze(rng, r, y), "haze"
		case offset >= MinGlowGap && k == 2 && horizonStep(r) >= MinGlowStep:
			img, decoy = decoyGlow(rng, r, y), "glow"
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
		return Item{Question: q, Answer: ask.answer, Drawing: d, Mode: pick(rng, visual.Solid, visual.Transparent), Image: img, Decoy: decoy}, true
	}})
}

// decoyStroke paints a dark or ground-coloured horizontal stroke, 1 to 3
// px thick over part of the width, near row y, away from the horizon: a
// stroke at the red line is not a horizon (sky above it, ground below), and
// it is what a teaching run's adapter drew to fool an earlier rater.
func decoyStroke(rng *rand.Rand, r world.Rendering, y float64) *image.RGBA {
	img := image.NewRGBA(r.Image.Rect)
	copy(img.Pix, r.Image.Pix)
	paintStroke(rng, r, img, y)
	return img
}

// paintStroke paints decoyStroke's stroke into img.
func paintStroke(rng *rand.Rand, r world.Rendering, img *image.RGBA, y float64) {
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
}

// MaxHaze is the most a decoyHaze band turns towards the sky's colour:
// short of the share at which the judge's horizon (the topmost boundary
// that scores 0.3 of the best) would move down to the band's lower edge.
const MaxHaze = 0.6

// decoyHaze blends the ground between the horizon and a red line below it
// part of the way (0.25 to MaxHaze, streaked by row) towards the colour of
// the sky just above the horizon. The horizon stays where it was, a step
// from sky to hazy ground; the haze ends at the line. Teaching runs asked
// to lower the horizon to a line fooled a rater this way rather than
// painting sky down to it.
func decoyHaze(rng *rand.Rand, r world.Rendering, y float64) *image.RGBA {
	img := image.NewRGBA(r.Image.Rect)
	copy(img.Pix, r.Image.Pix)
	h := int(math.Ceil(r.Truth.Horizon))
	var sky [3]float64 // mean colour of the two rows above the horizon
	n := 0
	for py := max(0, h-3); py < h-1; py++ {
		for px := 0; px < world.Size; px++ {
			c := r.Image.RGBAAt(px, py)
			sky[0], sky[1], sky[2] = sky[0]+float64(c.R), sky[1]+float64(c.G), sky[2]+float64(c.B)
			n++
		}
	}
	if n == 0 {
		return img
	}
	share := uniform(rng, 0.25, MaxHaze)
	for py := h + 1; py < min(world.Size, int(math.Round(y))); py++ {
		w := math.Min(MaxHaze, share*uniform(rng, 0.8, 1.2)) // streaks
		for px := 0; px < world.Size; px++ {
			o := img.PixOffset(px, py)
			for ch := 0; ch < 3; ch++ {
				img.Pix[o+ch] = uint8(math.Round(float64(img.Pix[o+ch])*(1-w) + sky[ch]/float64(n)*w))
			}
		}
	}
	return img
}

// MinGlowGap is how far below the horizon a red line must be for a
// decoyGlow band above it: far enough for ground between the two.
// MinGlowStep is the least colour step (delta E) across the horizon for
// one: a faint horizon (a dark sea at night) would lose to the band.
const MinGlowGap, MinGlowStep = 10.0, 25.0

// horizonStep is the delta E between the median colours of the three rows
// above the rendering's horizon and the three below it.
func horizonStep(r world.Rendering) float64 {
	h := int(math.Round(r.Truth.Horizon))
	rows := func(y0 int) [3]float64 {
		return medianLab(3*world.Size, func(i int) color.RGBA {
			return r.Image.RGBAAt(i%world.Size, min(world.Size-1, max(0, y0+i/world.Size)))
		})
	}
	return world.DeltaE(rows(h-4), rows(h+1))
}

// decoyGlow paints a band of horizon glow, 3 to 8 px tall, just above a
// red line at least MinGlowGap below the horizon: the lower half of a sky
// gradient, top to bottom, blended 0.3 to MaxHaze of the way over the ground
// (hazed first half the time, as decoyHaze does), with a dark edge at the
// line half the time. Teaching runs asked to lower the horizon to a line
// fooled a rater this way, with a strip of sunset sky above the line and
// the real horizon left high. The horizon stays where the sky ends: ground
// lies between it and the band.
func decoyGlow(rng *rand.Rand, r world.Rendering, y float64) *image.RGBA {
	var img *image.RGBA
	if rng.IntN(2) == 0 {
		img = decoyHaze(rng, r, y)
	} else {
		img = image.NewRGBA(r.Image.Rect)
		copy(img.Pix, r.Image.Pix)
	}
	grad := SkyColours[pick(rng, skyNames...)]
	height := uniform(rng, 3, math.Min(8, y-r.Truth.Horizon-5))
	top, alpha := y-height, uniform(rng, 0.3, MaxHaze)
	for py := int(math.Ceil(top)); py < min(world.Size, int(math.Round(y))); py++ {
		t := 0.5 + 0.5*(float64(py)+0.5-top)/height // lower half of the gradient
		for px := 0; px < world.Size; px++ {
			o := img.PixOffset(px, py)
			for ch := 0; ch < 3; ch++ {
				v := math.Min(1, grad[0][ch]+(grad[1][ch]-grad[0][ch])*t) * 255
				img.Pix[o+ch] = uint8(math.Round(float64(img.Pix[o+ch])*(1-alpha) + v*alpha))
			}
		}
	}
	if rng.IntN(2) == 0 {
		paintStroke(rng, r, img, y)
	}
	return img
}
