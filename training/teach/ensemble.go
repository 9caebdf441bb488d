package teach

import (
	"fmt"
	"image"
	"math"

	G "gorgonia.org/gorgonia"

	"dualprocess/training/visual"
)

// Ensemble asks several frozen raters together. Its log-probability is the
// mean of theirs (the log of the geometric mean of their probabilities), so
// an image the loop drives towards must convince every rater: a blind spot
// of one rater is seldom a blind spot of another trained on other data.
type Ensemble []*FrozenRater

// LogProb is the raters' mean log-probability of answer, per image.
func (e Ensemble) LogProb(images *G.Node, ov *visual.Overlay, question, answer string) (*G.Node, error) {
	return e.mean(func(f *FrozenRater) (*G.Node, error) { return f.LogProb(images, ov, question, answer) })
}

// LogProbs is LogProbs of every rater, averaged.
func (e Ensemble) LogProbs(images *G.Node, ov *visual.Overlay, qas []QA) (*G.Node, error) {
	return e.mean(func(f *FrozenRater) (*G.Node, error) { return f.LogProbs(images, ov, qas) })
}

// TemperedLogProb is TemperedLogProb of every rater, averaged.
func (e Ensemble) TemperedLogProb(images *G.Node, ov *visual.Overlay, question, answer string, t float64) (*G.Node, error) {
	return e.mean(func(f *FrozenRater) (*G.Node, error) { return f.TemperedLogProb(images, ov, question, answer, t) })
}

// TemperedLogProbs is TemperedLogProbs of every rater, averaged.
func (e Ensemble) TemperedLogProbs(images *G.Node, ov *visual.Overlay, qas []QA, t float64) (*G.Node, error) {
	return e.mean(func(f *FrozenRater) (*G.Node, error) { return f.TemperedLogProbs(images, ov, qas, t) })
}

// Prob is the geometric mean of the raters' probabilities.
func (e Ensemble) Prob(img image.Image, ov *visual.Overlay, question, answer string) (float64, error) {
	if len(e) == 0 {
		return 0, fmt.Errorf("rate: an ensemble without raters")
	}
	sum := 0.0
	for _, f := range e {
		p, err := f.Prob(img, ov, question, answer)
		if err != nil {
			return 0, err
		}
		sum += math.Log(p)
	}
	return math.Exp(sum / float64(len(e))), nil
}

func (e Ensemble) mean(build func(*FrozenRater) (*G.Node, error)) (*G.Node, error) {
	if len(e) == 0 {
		return nil, fmt.Errorf("teach: an ensemble without raters")
	}
	lps := make([]*G.Node, len(e))
	for i, f := range e {
		var err error
		if lps[i], err = build(f); err != nil {
			return nil, err
		}
	}
	return meanOf(lps)
}
