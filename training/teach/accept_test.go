package teach

import (
	"context"
	"testing"

	"dualprocess/assets"
	"dualprocess/model"
	"dualprocess/training/judge"
)

// shipped loads the built-in generator, rater and learned judges (depth, trees).
func shipped(t *testing.T) (*model.Generator, *FrozenRater) {
	t.Helper()
	gen, err := model.DecodeGenerator(assets.Generator, "assets/generator.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	r, err := model.DecodeRater(assets.Rater, "assets/rater.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	if judge.Depth == nil {
		d, err := model.DecodeDepthNet(assets.Depth, "assets/depth.safetensors")
		if err != nil {
			t.Fatal(err)
		}
		judge.Depth = d
	}
	if judge.Trees == nil {
		tr, err := model.DecodeTreeNet(assets.Trees, "assets/trees.safetensors")
		if err != nil {
			t.Fatal(err)
		}
		judge.Trees = tr
	}
	return gen, NewFrozenRater(r)
}

// A reduced run (8 evaluation seeds) of two built-in tasks on the shipped
// models: the loss falls, the rater's probability rises and, what matters,
// the independent judge passes clearly more seeds after teaching than
// before. depth-tree is graded by the learned depth judge and sun-box by
// the sun's pixels (README: 0% -> 100% and 25% -> 100% on 16 seeds).
func TestTeachingTwoBuiltInTasks(t *testing.T) {
	if testing.Short() {
		t.Skip("teaches two tasks")
	}
	gen, rater := shipped(t)
	for _, name := range []string{"depth-tree", "sun-box"} {
		task, err := LoadTask("../../assets/tasks/" + name + ".json")
		if err != nil {
			t.Fatal(err)
		}
		task.Train.EvalSeeds = task.Train.EvalSeeds[:8]
		rep, err := Run(context.Background(), task, gen, rater, t.TempDir(), nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c := rep.Curve
		k := len(c) / 5
		var first, last float64
		for i := 0; i < k; i++ {
			first += c[i].Loss / float64(k)
			last += c[len(c)-1-i].Loss / float64(k)
		}
		t.Logf("%s: loss %.3f -> %.3f, judge %d/%d -> %d/%d, rater p %.2f -> %.2f", name, first, last,
			rep.Before.JudgePassed, rep.Before.Of, rep.After.JudgePassed, rep.After.Of, rep.Before.RaterProb, rep.After.RaterProb)
		if last >= first {
			t.Errorf("%s: loss did not fall (%.3f -> %.3f)", name, first, last)
		}
		if rep.After.RaterProb <= rep.Before.RaterProb {
			t.Errorf("%s: rater probability %.2f before, %.2f after: want a rise", name, rep.Before.RaterProb, rep.After.RaterProb)
		}
		if rep.After.JudgePassed < rep.Before.JudgePassed+3 {
			t.Errorf("%s: the judge passed %d/%d seeds before and %d/%d after: want at least 3 more", name,
				rep.Before.JudgePassed, rep.Before.Of, rep.After.JudgePassed, rep.After.Of)
		}
	}
}
