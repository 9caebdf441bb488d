package app

import (
	"flag"
	"fmt"
	"image"
	"math"

	"dualprocess/training/depthfit"
	"dualprocess/training/judge"
	"dualprocess/training/treefit"
	"dualprocess/training/world"
)

func init() {
	register(command{
		name:    "eval-judges",
		summary: "Check each independent judge against the renderer's truth on fresh renders, clean and degraded (the depth judge on generator samples too).",
		args:    "[--n N] [--seed S] [--json]",
		setup:   setupEvalJudges,
	})
}

func setupEvalJudges(fs *flag.FlagSet) func(env, []string) error {
	n := fs.Int("n", 500, "number of renders (random prompts)")
	seed := fs.Int64("seed", 31_000_000, "first seed (the judges were tuned on seeds below 101000)")
	asJSON := fs.Bool("json", false, "print the agreement as JSON")
	return func(e env, args []string) error {
		if err := noArgs(args); err != nil {
			return err
		}
		if *n < 1 || *n > 100000 {
			return usagef("--n %d: must be between 1 and 100000", *n)
		}
		type row struct {
			Degraded  bool `json:"degraded"`
			Generated bool `json:"generator_samples,omitempty"`
			judge.Agreement
			Rate float64 `json:"rate"`
		}
		var rows []row
		for _, noisy := range []bool{false, true} {
			if err := e.ctx.Err(); err != nil {
				return err
			}
			agree, _ := judge.Agree(*seed, *n, noisy)
			for _, a := range agree {
				rows = append(rows, row{noisy, false, a, a.Rate()})
			}
		}
		learned, err := learnedAgreement(*seed, *n)
		if err != nil {
			return err
		}
		for _, l := range learned {
			rows = append(rows, row{l.degraded, l.generated, l.Agreement, l.Rate()})
		}
		if *asJSON {
			return printJSON(e, rows)
		}
		fmt.Fprintf(e.stdout, "%-17s %12s %22s\n", "judge", "clean", "noise 0.03 + blur 0.5")
		half := (len(rows) - len(learned)) / 2
		for i := 0; i < half; i++ {
			c, d := rows[i], rows[half+i]
			fmt.Fprintf(e.stdout, "%-17s %5.1f%% %3d/%-3d %14.1f%% %3d/%-3d\n", c.Judge,
				100*c.Rate, c.Agreed, c.Of, 100*d.Rate, d.Agreed, d.Of)
		}
		fmt.Fprintf(e.stdout, "learned judges (depth: point pairs; tree: vertical lines, half through a tree)\n")
		for _, l := range learned {
			cond := "clean"
			switch {
			case l.degraded:
				cond = "noise 0.03 + blur 0.5"
			case l.generated:
				cond = "generator samples of the same prompt and noise"
			}
			fmt.Fprintf(e.stdout, "%-17s %5.1f%% %3d/%-3d  %s\n", l.Judge, 100*l.Rate(), l.Agreed, l.Of, cond)
		}
		return nil
	}
}

type learnedRow struct {
	judge.Agreement
	degraded, generated bool
}

// learnedAgreement measures the trained judges on n fresh scenes from
// seed: the depth judge on point pairs and on level pairs (one point on an
// object), clean, degraded and on the generator's images of the same
// prompt and noise (against the render's depth map, so a scene the
// generator draws unlike the world counts against the judge too); the tree
// judge on lines, clean and degraded.
func learnedAgreement(seed int64, n int) ([]learnedRow, error) {
	if err := loadJudgeNets(); err != nil {
		return nil, err
	}
	gen, err := loadGenerator("")
	if err != nil {
		return nil, err
	}
	sampler, err := gen.NewSampler(1)
	if err != nil {
		return nil, err
	}
	defer sampler.Close()
	generated := func(seed int64, p world.Prompt, _ world.Rendering) (image.Image, error) {
		imgs, err := sampler.Generate([]world.Prompt{p}, [][]float64{world.Noise(seed)})
		if err != nil {
			return nil, err
		}
		return imgs[0], nil
	}
	row := func(name string, rate float64, degraded, generated bool) learnedRow {
		return learnedRow{judge.Agreement{Judge: name, Agreed: int(math.Round(rate * float64(n))), Of: n}, degraded, generated}
	}
	var out []learnedRow
	for i, picture := range []judge.Picture{judge.Clean, judge.Degraded, generated} {
		for _, level := range []bool{false, true} {
			rate, err := depthfit.Agreement(judge.Depth, seed, n, level, picture)
			if err != nil {
				return nil, err
			}
			out = append(out, row(map[bool]string{false: "depth", true: "depth-level"}[level], rate, i == 1, i == 2))
		}
	}
	for _, noisy := range []bool{false, true} {
		rate, err := treefit.Agreement(judge.Trees, seed, n, noisy)
		if err != nil {
			return nil, err
		}
		out = append(out, row("tree", rate, noisy, false))
	}
	return out, nil
}
