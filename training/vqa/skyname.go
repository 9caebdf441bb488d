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
	ds := skyDistances(r, img)
	best, bestD := "", math.Inf(1)
	for _, name := range skyNames {
		if d, ok := ds[name]; ok && d < bestD {
			best, bestD = name, d
		}
	}
	return best, bestD
}

// skyDistances is the distance of img's plain sky (median colour) from
// each SkyColours gradient painted over the same pixels; empty without a sky.
func skyDistances(r world.Rendering, img *image.RGBA) map[string]float64 {
	sky := skyPixels(r)
	if len(sky) < 8 {
		return nil
	}
	own := medianLab(len(sky), func(i int) color.RGBA {
		o := img.PixOffset(sky[i]%world.Size, sky[i]/world.Size)
		return color.RGBA{img.Pix[o], img.Pix[o+1], img.Pix[o+2], 255}
	})
	out := map[string]float64{}
	for _, name := range skyNames {
		out[name] = world.DeltaE(own, medianLab(len(sky), func(i int) color.RGBA {
			c := gradientAt(r, SkyColours[name], sky[i])
			return color.RGBA{uint8(math.Round(c[0])), uint8(math.Round(c[1])), uint8(math.Round(c[2])), 255}
		}))
	}
	return out
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
