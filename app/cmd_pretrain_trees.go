package app

import (
	"flag"
	"fmt"
	"os"

	"dualprocess/model"
	"dualprocess/training/treefit"
)

func init() {
	registerPretrain(pretrainTarget{
		name:    "trees",
		summary: "Train the tree judge (an independent grader of whether a tree stands at a vertical line) on the renderer's tree boxes.",
		args:    "--out FILE [--steps N] [--seed S] [--resume FILE]",
		setup:   setupPretrainTrees,
	})
}

func setupPretrainTrees(fs *flag.FlagSet) func(env, []string) error {
	def := treefit.DefaultConfig()
	out := fs.String("out", "", "weights file to write, .safetensors (required; rewritten at every checkpoint)")
	steps := fs.Int("steps", def.Steps, "optimisation steps")
	seed := fs.Uint64("seed", def.Seed, "seed of the initial weights and the batches")
	resume := fs.String("resume", "", "continue from these weights")
	return func(e env, args []string) error {
		if err := noArgs(args); err != nil {
			return err
		}
		if *out == "" {
			return usagef("missing --out")
		}
		if *steps < 1 {
			return usagef("--steps %d: must be positive", *steps)
		}
		net := model.NewTreeNet(*seed)
		if *resume != "" {
			b, err := os.ReadFile(*resume)
			if err != nil {
				return err
			}
			if net, err = model.DecodeTreeNet(b, *resume); err != nil {
				return err
			}
		}
		cfg := def
		cfg.Steps, cfg.Seed = *steps, *seed
		fmt.Fprintf(e.stderr, "tree judge: rendering %d scenes, then %d steps\n", cfg.Scenes, cfg.Steps)
		if err := treefit.Train(e.ctx, net, cfg, *out, e.stderr); err != nil {
			return err
		}
		for _, noisy := range []bool{false, true} {
			agree, err := treefit.Agreement(net, treefit.HeldOutSeed, 500, noisy)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "tree judge agrees with the truth on %.1f%% of 500 held-out lines (noise 0.03 + blur 0.5: %v)\n", 100*agree, noisy)
		}
		return nil
	}
}
