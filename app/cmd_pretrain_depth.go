package app

import (
	"flag"
	"fmt"
	"os"

	"dualprocess/model"
	"dualprocess/training/depthfit"
)

func init() {
	registerPretrain(pretrainTarget{
		name:    "depth",
		summary: "Train the depth judge (an independent grader of relative depth) on the world's depth maps.",
		args:    "--out FILE [--steps N] [--seed S] [--resume FILE]",
		setup:   setupPretrainDepth,
	})
}

func setupPretrainDepth(fs *flag.FlagSet) func(env, []string) error {
	def := depthfit.DefaultConfig()
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
		net := model.NewDepthNet(*seed)
		if *resume != "" {
			b, err := os.ReadFile(*resume)
			if err != nil {
				return err
			}
			if net, err = model.DecodeDepthNet(b, *resume); err != nil {
				return err
			}
		}
		cfg := def
		cfg.Steps, cfg.Seed = *steps, *seed
		fmt.Fprintf(e.stderr, "depth judge: rendering %d scenes, then %d steps\n", cfg.Scenes, cfg.Steps)
		if err := depthfit.Train(e.ctx, net, cfg, *out, e.stderr); err != nil {
			return err
		}
		for _, level := range []bool{false, true} {
			agree, err := depthfit.Agreement(net, depthfit.HeldOutSeed, 500, level)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "depth judge orders %.1f%% of 500 held-out point pairs like the depth map (level pairs only: %v)\n", 100*agree, level)
		}
		return nil
	}
}
