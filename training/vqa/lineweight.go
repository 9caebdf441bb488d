package vqa

import (
	"math/rand/v2"

	"dualprocess/training/judge"
	"dualprocess/training/visual"
	"dualprocess/training/world"
)

var (
	weightSame    = []string{"Are the outlines as thick as the red line?", "Do the outlines have the same width as the red line?"}
	weightThicker = []string{"Are the outlines thicker than the red line?", "Are the lines in the image wider than the red line?"}
	weightThinner = []string{"Are the outlines thinner than the red line?", "Are the lines in the image narrower than the red line?"}
)

// Reference line of the line-weight questions: a red segment near the top left.
const (
	RefX0, RefX1, RefY = 4.0, 24.0, 5.0
)

// Line-weight questions compare the outlines with a red reference segment.
// "As thick" means within 0.35 px; thicker or thinner by at least 0.9 px.
// An image without outlines is neither as thick, thicker nor thinner.
// The outlines' width is what the line-weight judge measures in the image
// (outlineWidth), not the width the scene was drawn with: the generator
// draws thin outlines thicker and thick ones thinner than its scene, so
// the scene's width made wrong answers about its samples.
func init() {
	register(family{name: "lineweight", yesNo: true, sample: func(rng *rand.Rand, r world.Rendering, ask wish) (Item, bool) {
		w, ok := outlineWidth(r)
		if !ok {
			return Item{}, false
		}
		relation := rng.IntN(3)
		var ref float64
		switch {
		case w == 0 && ask.answer == "yes":
			return Item{}, false
		case w == 0:
			ref = uniform(rng, 1, 4.5)
		case relation == 0 && ask.answer == "yes":
			ref = w + uniform(rng, -0.35, 0.35)
		case relation == 0:
			ref = w + pick(rng, -1.0, 1.0)*uniform(rng, 0.9, 2.5)
		case ask.answer == "yes": // outlines thicker (1) or thinner (2) than ref
			ref = w - []float64{0, 1, -1}[relation]*uniform(rng, 0.9, 2.5)
		default:
			ref = pick(rng, w+uniform(rng, -0.35, 0.35), w+[]float64{0, 1, -1}[relation]*uniform(rng, 0.9, 2.5))
		}
		if ref < 0.75 || ref > 6 {
			return Item{}, false
		}
		d := visual.NewCanvas(world.Size)
		visual.Segment(d, visual.Red, RefX0, RefX1, RefY, ref)
		q := pick(rng, weightSame...)
		switch relation {
		case 1:
			q = pick(rng, weightThicker...)
		case 2:
			q = pick(rng, weightThinner...)
		}
		return Item{Question: q, Answer: ask.answer, Drawing: d, Mode: visual.Solid}, true
	}})
}

// outlineWidth is the width of the image's outlines as the line-weight
// judge measures it; 0 for a scene drawn without outlines. ok is false
// when the judge finds none in an outlined scene.
func outlineWidth(r world.Rendering) (float64, bool) {
	w := r.Truth.OutlineWidth
	if w == 0 {
		return 0, true
	}
	res, err := judge.Check(r.Image, judge.Target{Kind: "lineweight", Width: &w})
	if err != nil || !res.Found || res.Width <= 0 {
		return 0, false
	}
	return res.Width, true
}
