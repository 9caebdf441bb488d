package teach

import (
	"context"
	"fmt"
	"image"
	"math"
	"slices"
	"strings"
	"time"

	"dualprocess/model"
	"dualprocess/picture"
	"dualprocess/training/judge"
	"dualprocess/training/visual"
	"dualprocess/training/world"
)

// Rating is how one image fares: the rater's probability of the desired
// answers (exp of minus the mean cross-entropy) and the judge's verdict.
type Rating struct {
	RaterProb float64      `json:"rater_prob"`
	Judge     judge.Result `json:"judge"`
}

// SeedResult is one evaluation seed before (adapter weight 0) and after
// (the train weight).
type SeedResult struct {
	Seed   int64   `json:"seed"`
	Prompt string  `json:"prompt"`
	Before Rating  `json:"before"`
	After  *Rating `json:"after,omitempty"`
	// Change is the mean absolute RGB difference (0..1) between the image
	// after and before: a small edit (a sun moved into a box) changes a
	// few hundredths, a collapsed image that fools a learned judge a third.
	Change float64 `json:"change,omitempty"`
}

// Summary is the success over the evaluation seeds.
type Summary struct {
	JudgePassed  int     `json:"judge_passed"`
	Of           int     `json:"of"`
	JudgeSuccess float64 `json:"judge_success"`         // share of seeds the judge passes: the evidence
	RaterProb    float64 `json:"mean_rater_prob"`       // mean rater probability: not evidence on its own
	MeanChange   float64 `json:"mean_change,omitempty"` // after: mean of the seeds' Change
	// MedianError is the median of the judge's distance from the target
	// over the seeds where it found what it measures (Tolerance and below
	// passes, in Units): how near a task is that few seeds pass.
	MedianError float64 `json:"median_judge_error"`
	Tolerance   float64 `json:"judge_tolerance"`
	Units       string  `json:"judge_units"`
	// RaterPassed counts the seeds the rater passes (a probability of the
	// desired answers of at least 0.5), and RaterFooled those of them the
	// judge fails: after teaching, how often the pupil fooled its teacher.
	RaterPassed int `json:"rater_passed"`
	RaterFooled int `json:"rater_fooled"`
}

// Images holds the evaluation images, one per seed, for the grid.
type Images struct {
	Before, After []*image.RGBA
}

// Evaluate draws every evaluation seed without the adapter and, when
// adapter is not nil, with it at the train weight, and rates and judges
// each image. The rater's probability is reported; the judge decides.
func Evaluate(ctx context.Context, task *Task, gen *model.Generator, rater Rater, adapter *model.Adapter, rep *Report) (*Images, error) {
	start := time.Now()
	ov, err := task.RaterOverlay()
	if err != nil {
		return nil, err
	}
	base, err := gen.NewSampler(1)
	if err != nil {
		return nil, err
	}
	defer base.Close()
	var adapted *model.Sampler
	if adapter != nil {
		if adapted, err = gen.NewSampler(1, model.Active{Adapter: adapter, Weight: task.Train.TrainWeight}); err != nil {
			return nil, err
		}
		defer adapted.Close()
	}
	prompts := task.ParsedPrompts()
	imgs := &Images{}
	rep.Eval = nil
	for i, seed := range task.Train.EvalSeeds {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p := prompts[i%len(prompts)]
		res := SeedResult{Seed: seed, Prompt: task.Prompts[i%len(prompts)]}
		img, r, err := rate(task, rater, ov, base, p, seed)
		if err != nil {
			return nil, err
		}
		res.Before = r
		imgs.Before = append(imgs.Before, img)
		if adapted != nil {
			img, r, err := rate(task, rater, ov, adapted, p, seed)
			if err != nil {
				return nil, err
			}
			res.After = &r
			res.Change = picture.MeanAbsDiff(img, imgs.Before[len(imgs.Before)-1])
			imgs.After = append(imgs.After, img)
		}
		rep.Eval = append(rep.Eval, res)
	}
	rep.Before, rep.After = summarize(rep.Eval, false), nil
	if adapter != nil {
		s := summarize(rep.Eval, true)
		rep.After = &s
	}
	rep.EvalSeconds = time.Since(start).Seconds()
	return imgs, nil
}

func rate(task *Task, rater Rater, ov *visual.Overlay, s *model.Sampler, p world.Prompt, seed int64) (*image.RGBA, Rating, error) {
	out, err := s.Generate([]world.Prompt{p}, [][]float64{world.Noise(seed)})
	if err != nil {
		return nil, Rating{}, err
	}
	img := out[0]
	var ce float64
	for _, qa := range task.Questions {
		pr, err := rater.Prob(img, ov, qa.Question, strings.ToLower(qa.Answer))
		if err != nil {
			return nil, Rating{}, fmt.Errorf("rate: %w", err)
		}
		ce -= math.Log(math.Max(pr, 1e-30))
	}
	j, err := judge.Check(img, task.Judge)
	if err != nil {
		return nil, Rating{}, fmt.Errorf("judge: %w", err)
	}
	return img, Rating{RaterProb: math.Exp(-ce / float64(len(task.Questions))), Judge: j}, nil
}

func summarize(seeds []SeedResult, after bool) Summary {
	var s Summary
	var errs []float64
	for _, r := range seeds {
		rt := r.Before
		if after {
			rt = *r.After
		}
		s.Of++
		if rt.RaterProb >= 0.5 {
			s.RaterPassed++
		}
		if v := rt.Judge.Verdict; v != nil {
			if v.Pass {
				s.JudgePassed++
			} else if rt.RaterProb >= 0.5 {
				s.RaterFooled++
			}
			if rt.Judge.Found { // a judge that found nothing to measure has no distance
				errs = append(errs, v.Error)
			}
			s.Tolerance, s.Units = v.Tolerance, v.Units
		}
		s.RaterProb += rt.RaterProb
		if after {
			s.MeanChange += r.Change
		}
	}
	if s.Of > 0 {
		s.JudgeSuccess = float64(s.JudgePassed) / float64(s.Of)
		s.RaterProb /= float64(s.Of)
		s.MeanChange /= float64(s.Of)
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		s.MedianError = (errs[(len(errs)-1)/2] + errs[len(errs)/2]) / 2
	}
	return s
}
