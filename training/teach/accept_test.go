package teach

import (
	"context"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"dualprocess/assets"
	"dualprocess/model"
	"dualprocess/picture"
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
		dir := t.TempDir()
		rep, err := Run(context.Background(), task, gen, rater, dir, nil)
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
		if name == "depth-tree" { // the judge passes a black blob at A too; the near-black penalty keeps it out
			before, after := nearBlackAt(t, filepath.Join(dir, GridFile), task.Judge.Points[0])
			t.Logf("depth-tree: near-black around A %.3f -> %.3f", before, after)
			if after > before+0.03 { // 0.007 with the penalty, 0.208 without (8 seeds)
				t.Errorf("depth-tree: the adapters paint %.3f of the 15x15 pixels around A near-black (%.3f before)", after, before)
			}
		}
	}
}

// nearBlackAt is the share of the 15x15 pixels around p (0..1 of the image)
// with luma under DarkFloor, over a run's grid (rows of before, after, after
// with the drawing), in the before and the after column.
func nearBlackAt(t *testing.T, gridPath string, p [2]float64) (before, after float64) {
	t.Helper()
	f, err := os.Open(gridPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	grid, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	const side = 64
	cell := side + picture.Gutter
	rows := (grid.Bounds().Dy() + picture.Gutter) / cell
	cx, cy := int(p[0]*side), int(p[1]*side)
	share := func(col int) float64 {
		dark, n := 0, 0
		for r := range rows {
			for y := cy - 7; y <= cy+7; y++ {
				for x := cx - 7; x <= cx+7; x++ {
					c := color.RGBAModel.Convert(grid.At(col*cell+x, r*cell+y)).(color.RGBA)
					l := (lumaWeights[0]*float64(c.R) + lumaWeights[1]*float64(c.G) + lumaWeights[2]*float64(c.B)) / 255
					if l < DarkFloor {
						dark++
					}
					n++
				}
			}
		}
		return float64(dark) / float64(n)
	}
	return share(0), share(1)
}

// A reduced run (8 evaluation seeds) of the untuned palette-sea task on the
// shipped models: the colour gate hands the palette question to the colour
// path, and too high a temperature (4 and up with a rater without the log
// share; 5 fails this test) then paints every pixel near one swatch and
// leaves the others uncovered, which the palette judge fails
// (docs/rater/README.md, stage 3p-b).
// At the defaults the judge passes most seeds, and a swatch goes
// uncovered in at most one.
func TestTeachingAPaletteCoversEverySwatch(t *testing.T) {
	if testing.Short() {
		t.Skip("teaches a task")
	}
	gen, rater := shipped(t)
	task, err := LoadTask("../../docs/untuned-tasks/palette-sea.json")
	if err != nil {
		t.Fatal(err)
	}
	task.Train.EvalSeeds = task.Train.EvalSeeds[:8]
	rep, err := Run(context.Background(), task, gen, rater, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	uncovered := 0
	for _, s := range rep.Eval {
		p := s.After.Judge.Palette
		if p == nil {
			t.Fatalf("seed %d: no palette measured", s.Seed)
		}
		if slices.Min(p.Coverage) < judge.PaletteMinCoverage {
			uncovered++
		}
		t.Logf("seed %d: mean delta E %.1f, coverage %.3f", s.Seed, p.MeanDeltaE, p.Coverage)
	}
	if uncovered > 1 || rep.After.JudgePassed < 6 {
		t.Errorf("palette-sea: the judge passes %d of %d seeds, and %d leave a swatch uncovered", rep.After.JudgePassed, rep.After.Of, uncovered)
	}
}
