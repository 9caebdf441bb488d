package treefit

import (
	"math/rand/v2"

	"dualprocess/training/judge"
	"dualprocess/training/vqa"
	"dualprocess/training/world"
)

// Seeds of the tree judge's scenes, apart from its training scenes
// (DefaultConfig's DataSeed on) and each other: TuneSeed's renders chose
// judge.TreeThreshold, HeldOutSeed's are the acceptance test's.
const (
	TuneSeed    = 72_000_000
	HeldOutSeed = 71_000_000
)

// Line is one judged line: the judge's tree cover at it and the truth.
type Line struct {
	Seed  int64
	Tree  bool // truth: a tree at the line
	Cover float64
	Pass  bool // the judge's verdict
}

// Lines judges n lines on fresh renders of random prompts from seed first
// on, drawn as for the rater's treeline questions (vqa.TreeLine), half of
// them through a tree. With noisy each render is first degraded
// (judge.Degrade).
func Lines(m judge.TreeModel, first int64, n int, noisy bool) ([]Line, error) {
	if noisy {
		return lines(m, first, n, judge.Degraded)
	}
	return lines(m, first, n, judge.Clean)
}

// lines is Lines on the images picture makes of each scene.
func lines(m judge.TreeModel, first int64, n int, picture judge.Picture) ([]Line, error) {
	rng := rand.New(rand.NewPCG(uint64(first), 9))
	var out []Line
	for seed := first; len(out) < n; seed++ {
		p := judge.RandomPrompt(rng)
		r := world.Render(world.Sample(p, world.Noise(seed)))
		yes := len(out)%2 == 0
		x, ok := vqa.TreeLine(rng, r, yes)
		if !ok {
			continue
		}
		img, err := picture(seed, p, r)
		if err != nil {
			return nil, err
		}
		col := x / world.Size
		res, err := judge.CheckTree(m, img, judge.Target{Kind: "tree", X: &col})
		if err != nil {
			return nil, err
		}
		out = append(out, Line{seed, yes, res.TreeCover, res.Verdict.Pass})
	}
	return out, nil
}

// Agreement is the share of n such lines on which the tree judge's
// verdict is the truth.
func Agreement(m judge.TreeModel, first int64, n int, noisy bool) (float64, error) {
	lines, err := Lines(m, first, n, noisy)
	if err != nil {
		return 0, err
	}
	agreed := 0
	for _, l := range lines {
		if l.Pass == l.Tree {
			agreed++
		}
	}
	return float64(agreed) / float64(len(lines)), nil
}
