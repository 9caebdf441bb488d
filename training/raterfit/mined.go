package raterfit

import (
	"fmt"
	"image"
	"math/rand/v2"

	"dualprocess/training/visual"
	"dualprocess/training/world"
)

// Mined is an image the world did not render (a teaching run's adapted
// image: package mine) with questions whose answers were measured from its
// pixels, the question the run taught first. Such images are the rater's
// own blind spots: what an adapter found to make it say yes.
type Mined struct {
	Family  string          // the first question's family
	Scene   world.Rendering // the render of the image's prompt and noise: its auxiliary targets
	Image   *image.RGBA
	Overlay *visual.Overlay // nil: none
	QAs     []QA
}

// minedExample is an example of m: its first question and more of the rest
// in random order. It fails when m has too few questions.
func minedExample(rng *rand.Rand, m Mined, more int) (Example, error) {
	if len(m.QAs) < 1+more {
		return Example{}, fmt.Errorf("mined image: %d questions, want at least %d", len(m.QAs), 1+more)
	}
	rest := append([]QA(nil), m.QAs[1:]...)
	rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	first := m.QAs[0]
	return Example{Family: first.Family, Image: Planes(m.Image), Overlay: m.Overlay, Question: first.Question,
		Answer: first.Answer, More: rest[:more], Generated: true, Aux: auxTargets(m.Scene),
		AuxScene: auxSceneTargets(m.Scene), Marks: markTargets(nil)}, nil
}
