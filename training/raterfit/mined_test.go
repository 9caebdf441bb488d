package raterfit

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"dualprocess/model"
	"dualprocess/training/vqa"
	"dualprocess/training/world"
)

func minedFixture(t *testing.T, qas int) Mined {
	t.Helper()
	r, err := world.RenderPrompt("lake at noon", 5)
	if err != nil {
		t.Fatal(err)
	}
	m := Mined{Family: "sky", Scene: r, Image: r.Image}
	for i := range qas {
		m.QAs = append(m.QAs, QA{"sky", []string{"Is the sky orange?", "Is the sky blue?", "Is the sky pink?", "Is the sky dark?", "Is the sky purple?"}[i], "no"})
	}
	return m
}

// Mined images come after the pending adversarial examples, asked their
// first question and a random draw of the rest.
func TestBatchesTakeMinedImagesWithTheirFirstQuestion(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	p := newPool(5, 8, 1, nil, 0)
	if err := p.fill(-1); err != nil {
		t.Fatal(err)
	}
	m := minedFixture(t, 5)
	weights := slices.Repeat([]float64{1}, len(vqa.Families()))
	batch, err := makeBatch(rng, p, nil, []Mined{m, m}, 6, 3, weights)
	if err != nil {
		t.Fatal(err)
	}
	if len(batch) != 6 {
		t.Fatalf("%d examples, want 6", len(batch))
	}
	for i, ex := range batch[:2] {
		if ex.Question != "Is the sky orange?" || ex.Answer != "no" || len(ex.More) != 3 || !ex.Generated || len(ex.Aux) == 0 {
			t.Errorf("mined example %d: %q -> %q, %d more, generated %v", i, ex.Question, ex.Answer, len(ex.More), ex.Generated)
		}
		for _, qa := range ex.More {
			if qa.Question == ex.Question {
				t.Errorf("mined example %d asks its first question twice", i)
			}
		}
	}
	if _, err := makeBatch(rng, p, nil, []Mined{minedFixture(t, 2)}, 6, 3, weights); err == nil ||
		!strings.Contains(err.Error(), "2 questions") {
		t.Errorf("a mined image with too few questions: %v", err)
	}
}

func TestAMinedShareNeedsMinedImages(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Mined = 0.7
	if err := cfg.Validate(); err == nil {
		t.Error("a mined share of 0.7 passed validation")
	}
	cfg = DefaultConfig()
	cfg.Model = model.RaterConfig{MaxWords: 24, Embed: 4, Hidden: 8, Stem: [2]int{4, 4}, Width: 8, Blocks: 1, Groups: 2, Head: 8, FC: 8, Readout: 4, Aux: len(AuxMaps), AuxScene: len(AuxScene), Slope: 0.1}
	cfg.Steps, cfg.Batch, cfg.Pool, cfg.Mined = 2, 4, 8, 0.25
	run, err := NewRun(cfg)
	if err != nil {
		t.Fatal(err)
	}
	err = run.Train(context.Background(), Options{Out: t.TempDir() + "/r.safetensors", Log: &strings.Builder{}})
	if err == nil || !strings.Contains(err.Error(), "mined") {
		t.Errorf("training with a mined share and no mined images: %v", err)
	}
}
