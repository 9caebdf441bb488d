package depthfit

import (
	"image"
	"math"
	"math/rand/v2"

	"dualprocess/training/gridfit"
)

// augment softens half the images as the tree judge's are (gridfit.Soften)
// and smudges a third of them. The target stays: a smudge is no object.
func augment(rng *rand.Rand, img *image.RGBA) *image.RGBA {
	if rng.IntN(3) == 0 {
		img = smudge(rng, img)
	}
	return gridfit.Soften(rng, img)
}

// smudge darkens one or two soft elliptic patches (sigma 1.5-5 px, up to
// 40-95% dark) at random places. Adapters that fooled the first depth
// judges painted such smudges where they were asked for something near
// (docs/teaching.md); a judge that has seen them on flat ground and in the
// sky reads depth from the scene's shapes, not from a dark patch.
func smudge(rng *rand.Rand, img *image.RGBA) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(b)
	copy(out.Pix, img.Pix)
	for k := 1 + rng.IntN(2); k > 0; k-- {
		cx, cy := rng.Float64()*float64(b.Dx()), rng.Float64()*float64(b.Dy())
		sx, sy := 1.5+3.5*rng.Float64(), 1.5+3.5*rng.Float64()
		dark := 0.4 + 0.55*rng.Float64()
		tint := [3]float64{0.3 * rng.Float64(), 0.3 * rng.Float64(), 0.3 * rng.Float64()} // near-black, a little coloured
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				dx, dy := (float64(x)+0.5-cx)/sx, (float64(y)+0.5-cy)/sy
				a := dark * math.Exp(-(dx*dx+dy*dy)/2)
				if a < 0.01 {
					continue
				}
				i := out.PixOffset(x, y)
				for c := 0; c < 3; c++ {
					v := (1-a)*float64(out.Pix[i+c]) + a*255*tint[c]
					out.Pix[i+c] = uint8(math.Round(v))
				}
			}
		}
	}
	return out
}
