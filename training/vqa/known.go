package vqa

import (
	"image/color"
	"math"
	"sync"

	"dualprocess/training/world"
)

// KnownPalette is a scene of the world and its main colours (outlines
// left out): what the world paints that kind of scene in at that time.
type KnownPalette struct {
	Prompt string
	Colors []color.RGBA
}

// KnownPalettes are the main colours of every kind of scene at every time
// of day, from a few renders each (made once, on first use).
var KnownPalettes = sync.OnceValue(func() []KnownPalette {
	var out []KnownPalette
	for _, k := range world.Kinds {
		for _, t := range world.Times {
			p := world.Prompt{Kind: k, Time: t}
			for seed := int64(0); seed < knownSeeds; seed++ {
				cols, _ := mainColours(world.Render(world.Sample(p, world.Noise(seed))).Truth)
				out = append(out, KnownPalette{k + " at " + t, cols})
			}
		}
	}
	return out
})

// knownSeeds is how many renders of each scene KnownPalettes looks at.
const knownSeeds = 3

// KnownPaletteNear is the largest NearestPalette distance at which a
// palette counts as one the world paints: the built-in palette tasks' are
// within 2 (their colours were taken from the world's scenes), the
// untuned sea and autumn ones 11 and 19 away.
const KnownPaletteNear = 6.0

// NearestPalette is the world's scene whose main colours are nearest to
// cols, and how near: the mean over cols of each one's CIE76 distance to
// the nearest of that scene's colours.
func NearestPalette(cols []color.RGBA) (prompt string, meanDeltaE float64) {
	meanDeltaE = math.Inf(1)
	for _, kp := range KnownPalettes() {
		var sum float64
		for _, c := range cols {
			best := math.Inf(1)
			for _, k := range kp.Colors {
				best = math.Min(best, world.DeltaE(world.Lab(c), world.Lab(k)))
			}
			sum += best
		}
		if m := sum / float64(len(cols)); m < meanDeltaE {
			prompt, meanDeltaE = kp.Prompt, m
		}
	}
	return prompt, meanDeltaE
}
