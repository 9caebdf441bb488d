package raterfit

import (
	"image"

	"dualprocess/training/world"
)

// MinObjectDrawn is how much of each kind of object a generator sample must
// draw for the render's truth to be its truth: the share of the way from
// leaving the objects out to drawing them as the renderer does. The
// generator draws many a house as a faint smudge where the render has one
// (eval-generator: houses 19% drawn, trees 62%); such a sample, labelled
// "there is a house" or "A is on a house, closer than B", would teach the
// rater that a smudge is a house.
const MinObjectDrawn = 0.5

// ObjectsDrawn is, for each kind of object of r that can be left out of its
// prompt p (houses, trees, a boat on water), the share of the way from the
// render without them (noise z) to r that img goes inside their boxes
// (world.BoxErrors.Drawn).
func ObjectsDrawn(img *image.RGBA, r world.Rendering, p world.Prompt, z []float64) map[string]float64 {
	out := map[string]float64{}
	for kind, e := range world.ObjectErrors(img, r, p, z) {
		if d, ok := e.Drawn(); ok {
			out[kind] = d
		}
	}
	return out
}

// objectsKept says whether img draws every kind of object of r well enough
// (MinObjectDrawn) to share r's truth.
func objectsKept(img *image.RGBA, r world.Rendering, p world.Prompt, z []float64) bool {
	for _, drawn := range ObjectsDrawn(img, r, p, z) {
		if drawn < MinObjectDrawn {
			return false
		}
	}
	return true
}
