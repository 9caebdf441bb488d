package app

import (
	"context"
	"fmt"
	"image"

	"dualprocess/training/teach"
	"dualprocess/training/visual"
	"dualprocess/ui"
)

// RateBase rates the base generator's samples for the task without
// teaching, as teach --vanilla does (teach.Evaluate with no adapter), and
// keeps the rater's probability of every question's desired answer.
func (b *guiBackend) RateBase(ctx context.Context, spec ui.TaskSpec) (*ui.BaseRating, error) {
	t, err := b.task(spec)
	if err != nil {
		return nil, err
	}
	m, err := b.load()
	if err != nil {
		return nil, err
	}
	rater := &recordingRater{FrozenRater: teach.NewFrozenRater(m.rater)}
	rep := &teach.Report{Task: t.Name, Judge: t.Judge, JudgeFrom: t.JudgeFrom}
	imgs, err := teach.Evaluate(ctx, t, m.gen, rater, nil, rep)
	if err != nil {
		return nil, fmt.Errorf("rate %s: %w", t.Name, err)
	}
	n := len(t.Questions)
	if len(rater.probs) != n*len(rep.Eval) || len(imgs.Before) != len(rep.Eval) {
		return nil, fmt.Errorf("rate %s: %d probabilities and %d images for %d seeds of %d questions",
			t.Name, len(rater.probs), len(imgs.Before), len(rep.Eval), n)
	}
	out := &ui.BaseRating{Summary: summary(rep.Before)}
	for _, qa := range t.Questions {
		out.Questions = append(out.Questions, ui.QA{Question: qa.Question, Answer: qa.Answer})
	}
	for i, e := range rep.Eval {
		out.Seeds = append(out.Seeds, ui.BaseSeed{Seed: e.Seed, Prompt: e.Prompt,
			Rated: ui.Rated{Image: imgs.Before[i], RaterProb: e.Before.RaterProb, Judge: e.Before.Judge},
			Probs: rater.probs[i*n : (i+1)*n]})
	}
	return out, nil
}

// recordingRater is the frozen rater keeping every probability it gives,
// in order: Evaluate asks each question of each seed's image in turn.
type recordingRater struct {
	*teach.FrozenRater
	probs []float64
}

func (r *recordingRater) Prob(img image.Image, ov *visual.Overlay, question, answer string) (float64, error) {
	p, err := r.FrozenRater.Prob(img, ov, question, answer)
	if err == nil {
		r.probs = append(r.probs, p)
	}
	return p, err
}
