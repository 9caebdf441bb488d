package app

import (
	"context"
	"errors"
	"math"
	"testing"

	"dualprocess/picture"
	"dualprocess/training/teach"
	"dualprocess/training/world"
	"dualprocess/ui"
)

func TestGUIBackendRateBaseGivesEveryQuestionsProbabilityPerSeed(t *testing.T) {
	b := testBackend(t)
	spec, _ := b.Task("horizon-low")
	spec.Train.EvalSeeds = []int64{3, 4}
	spec.Questions = []ui.QA{{Question: "Is the horizon at the red line?", Answer: "yes"},
		{Question: "Is the horizon above the red line?", Answer: "no"}}
	r, err := b.RateBase(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Seeds) != 2 || len(r.Questions) != 2 || r.Summary.Of != 2 {
		t.Fatalf("rating %+v; want 2 seeds and 2 questions", r)
	}
	for _, s := range r.Seeds {
		if len(s.Probs) != 2 || s.Judge.Verdict == nil {
			t.Fatalf("seed %d: probabilities %v, verdict %v", s.Seed, s.Probs, s.Judge.Verdict)
		}
		// The seed's probability is the geometric mean of its questions'.
		if mean := math.Sqrt(s.Probs[0] * s.Probs[1]); math.Abs(mean-s.RaterProb) > 1e-9 {
			t.Errorf("seed %d: questions %v, mean %.6f; the seed's probability is %.6f", s.Seed, s.Probs, mean, s.RaterProb)
		}
	}

	// The second question of the second seed, asked directly.
	task, err := parseSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := b.load()
	want, _ := builtIn(t).Generate(world.MustParsePrompt(spec.Prompts[1]), 4)
	if !picture.Equal(r.Seeds[1].Image, want) || r.Seeds[1].Prompt != spec.Prompts[1] {
		t.Fatal("seed 4 is not the base generator's image of the second prompt")
	}
	ov, _ := task.Overlay()
	p, err := teach.NewFrozenRater(m.rater).Prob(want, ov, spec.Questions[1].Question, "no")
	if err != nil || math.Abs(p-r.Seeds[1].Probs[1]) > 1e-9 {
		t.Errorf("p(no | second question, seed 4) = %.6f (%v); the rating says %.6f", p, err, r.Seeds[1].Probs[1])
	}

	stopped, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.RateBase(stopped, spec); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled rating: %v, want context.Canceled", err)
	}
}
