package raterfit

import (
	"image"

	"dualprocess/picture"
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
// render without them (noise z) to r that img goes inside their boxes:
// 1 - img's error there / the error there of the render without them.
func ObjectsDrawn(img *image.RGBA, r world.Rendering, p world.Prompt, z []float64) map[string]float64 {
	type sums struct{ img, absent float64 }
	by := map[string]*sums{}
	absent := map[string]*image.RGBA{}
	for kind, box := range r.Truth.Boxes() {
		q, ok := p.Without(kind)
		if !ok {
			continue
		}
		if absent[kind] == nil {
			absent[kind] = world.Render(world.Sample(q, z)).Image
			by[kind] = &sums{}
		}
		by[kind].img += picture.BoxAbsDiff(img, r.Image, box)
		by[kind].absent += picture.BoxAbsDiff(absent[kind], r.Image, box)
	}
	out := map[string]float64{}
	for kind, s := range by {
		if s.absent > 0 { // objects hidden behind others change nothing: no verdict
			out[kind] = 1 - s.img/s.absent
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
