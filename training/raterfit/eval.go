package raterfit

import (
	"context"
	"fmt"
	"image"
	"math/rand/v2"
	"slices"
	"strings"

	"dualprocess/model"
	"dualprocess/training/visual"
	"dualprocess/training/vqa"
)

// HeldOutStats counts the generator samples HeldOut looked at.
type HeldOutStats struct {
	Generated int `json:"generated"` // samples used
	Rejected  int `json:"rejected"`  // samples too far from their render to share its truth
}

// HeldOut makes perFamily fresh examples of every family from held-out
// scenes (seeds no training run uses), without augmentation. With a
// painter every image is a generator sample faithful to its scene (see
// MaxGeneratedError); the others are skipped and counted.
func HeldOut(ctx context.Context, seed uint64, perFamily int, paint Painter) ([]Example, HeldOutStats, error) {
	var st HeldOutStats
	var exs []Example
	for fi, f := range vqa.Families() {
		rng := rand.New(rand.NewPCG(seed^0x510e527fade682d1, uint64(fi)))
		var sceneErr error
		scene := func() Scene {
			for try := 0; try < 50; try++ {
				s, ok, err := NewScene(rng, true, paint)
				if err != nil {
					sceneErr = err
					return s
				}
				if ok {
					if paint != nil {
						st.Generated++
					}
					return s
				}
				st.Rejected++
			}
			sceneErr = fmt.Errorf("50 generator samples in a row too far from their renders")
			return Scene{}
		}
		for n := 0; n < perFamily; {
			if err := ctx.Err(); err != nil {
				return nil, st, err
			}
			ex, ok, err := Make(rng, f, scene, 0)
			if sceneErr != nil {
				return nil, st, sceneErr
			}
			if err != nil {
				return nil, st, err
			}
			if ok {
				exs = append(exs, ex)
				n++
			}
		}
	}
	return exs, st, nil
}

// Accuracy counts right answers per question family, of all examples and
// of the plain ones (without a decoy).
type Accuracy struct {
	Families     []string       // in vqa.Families order
	Correct      map[string]int `json:"correct"`
	Total        map[string]int `json:"total"`
	PlainCorrect map[string]int `json:"plain_correct"`
	PlainTotal   map[string]int `json:"plain_total"`
	Misses       []Miss         `json:"-"` // the wrong answers, in example order
}

// Miss is an example the rater answered wrongly.
type Miss struct {
	Example   int     // index in the scored examples
	Predicted string  // the rater's answer
	P         float64 // the probability it gave the right answer
}

// Rate is the share of right answers of a family ("" for all).
func (a Accuracy) Rate(family string) float64 {
	if family == "" {
		c, t := 0, 0
		for _, f := range a.Families {
			c, t = c+a.Correct[f], t+a.Total[f]
		}
		return float64(c) / float64(max(1, t))
	}
	return float64(a.Correct[family]) / float64(max(1, a.Total[family]))
}

// Overall is the share of right answers over all families.
func (a Accuracy) Overall() float64 { return a.Rate("") }

// PlainRate is Rate of the plain examples only: those without a decoy,
// the family's questions as a user would ask them of the world's scenes.
func (a Accuracy) PlainRate(family string) float64 {
	return Accuracy{Families: a.Families, Correct: a.PlainCorrect, Total: a.PlainTotal}.Rate(family)
}

func (a Accuracy) String() string {
	parts := []string{fmt.Sprintf("all %.3f", a.Overall())}
	for _, f := range a.Families {
		parts = append(parts, fmt.Sprintf("%s %.3f", f, a.Rate(f)))
	}
	return strings.Join(parts, " | ")
}

// Score rates the examples (with Gaussian noise of sigma added to each
// image, seeded) and counts the right answers per family.
func Score(ctx context.Context, r *model.Scorer, exs []Example, sigma float64, seed uint64) (Accuracy, error) {
	acc := Accuracy{Correct: map[string]int{}, Total: map[string]int{}, PlainCorrect: map[string]int{}, PlainTotal: map[string]int{}}
	rng := rand.New(rand.NewPCG(seed, 0x9b05688c2b3e6c1f))
	for lo := 0; lo < len(exs); lo += r.Batch() {
		if err := ctx.Err(); err != nil {
			return acc, err
		}
		part := exs[lo:min(len(exs), lo+r.Batch())]
		imgs, ovs, qs := make([][]float32, len(part)), make([]*visual.Overlay, len(part)), make([]string, len(part))
		for i, ex := range part {
			imgs[i], ovs[i], qs[i] = ex.Image, ex.Overlay, ex.Question
			if sigma > 0 {
				imgs[i] = slices.Clone(ex.Image)
				AddNoise(rng, imgs[i], sigma)
			}
		}
		probs, err := r.Rate(imgs, ovs, qs)
		if err != nil {
			return acc, err
		}
		for i, ex := range part {
			if !slices.Contains(acc.Families, ex.Family) {
				acc.Families = append(acc.Families, ex.Family)
			}
			acc.Total[ex.Family]++
			if ex.Decoy == "" {
				acc.PlainTotal[ex.Family]++
			}
			if pred := r.Predicted(probs[i]); strings.EqualFold(pred, ex.Answer) {
				acc.Correct[ex.Family]++
				if ex.Decoy == "" {
					acc.PlainCorrect[ex.Family]++
				}
			} else {
				acc.Misses = append(acc.Misses, Miss{Example: lo + i, Predicted: pred, P: r.Prob(probs[i], ex.Answer)})
			}
		}
	}
	return acc, nil
}

// Shown is an example as the rater saw it: the image with its visual
// prompt laid over it.
func (ex Example) Shown() *image.RGBA {
	img := imageOf(ex.Image)
	if ex.Overlay != nil {
		if over, err := ex.Overlay.Apply(img); err == nil {
			return over
		}
	}
	return img
}
