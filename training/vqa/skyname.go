package vqa

import (
	"image"
	"image/color"
	"math"
	"slices"

	"dualprocess/training/world"
)

// SkyNameTolerance is the largest CIE76 distance between a sky's median
// colour and a named sky colour for the sky to go by that name. It is the
// sky judge's default tolerance, so the rater and the judge agree on what
// an orange sky is.
const SkyNameTolerance = 25.0

// NameSky names the colour of img's plain sky (the rendering's sky pixels):
// the SkyColours name whose gradient, painted over the same pixels, has the
// median colour nearest to the sky's, or "" when none is within
// SkyNameTolerance. The name comes from the pixels, not the time of day:
// the world's sunset sky is mauve, neither the orange nor the pink a user
// means, and a generator's sky can stray from its render's.
func NameSky(r world.Rendering, img *image.RGBA) string {
	name, d := nearestSkyName(r, img)
	if d > SkyNameTolerance {
		return ""
	}
	return name
}

// nearestSkyName is the SkyColours name nearest to img's plain sky and its
// distance ("", +Inf without a sky).
func nearestSkyName(r world.Rendering, img *image.RGBA) (string, float64) {
	var sky []int
	for k, s := range r.Sky {
		if s {
			sky = append(sky, k)
		}
	}
	if len(sky) < 8 {
		return "", math.Inf(1)
	}
	own := medianLab(len(sky), func(i int) color.RGBA {
		o := img.PixOffset(sky[i]%world.Size, sky[i]/world.Size)
		return color.RGBA{img.Pix[o], img.Pix[o+1], img.Pix[o+2], 255}
	})
	h := math.Max(r.Truth.Horizon, 1)
	best, bestD := "", math.Inf(1)
	for _, name := range skyNames {
		g := SkyColours[name]
		d := world.DeltaE(own, medianLab(len(sky), func(i int) color.RGBA {
			t := math.Min(1, (float64(sky[i]/world.Size)+0.5)/h)
			var c [3]uint8
			for ch := range c {
				c[ch] = uint8(math.Round(math.Max(0, math.Min(1, g[0][ch]+(g[1][ch]-g[0][ch])*t)) * 255))
			}
			return color.RGBA{c[0], c[1], c[2], 255}
		}))
		if d < bestD {
			best, bestD = name, d
		}
	}
	return best, bestD
}

// skyNames are the SkyColours names in a fixed order.
var skyNames = []string{"blue", "pink", "orange", "purple", "dark"}

// medianLab is the per-channel median L*a*b* colour of n colours.
func medianLab(n int, at func(i int) color.RGBA) [3]float64 {
	var ch [3][]float64
	for i := 0; i < n; i++ {
		lab := world.Lab(at(i))
		for c := range ch {
			ch[c] = append(ch[c], lab[c])
		}
	}
	var out [3]float64
	for c := range ch {
		slices.Sort(ch[c])
		out[c] = ch[c][n/2]
	}
	return out
}
