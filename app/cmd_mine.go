package app

import (
	"flag"
	"fmt"

	"dualprocess/training/mine"
	"dualprocess/training/teach"
)

func init() {
	register(command{
		name: "mine",
		summary: "Find the rater's blind spots: teach short adapters against it for random sky colours and palettes " +
			"on training scenes and keep the adapted images, labelled from their pixels, for the next rater's training (pretrain vlm --mined).",
		args:  "--out DIR [--runs N] [--first N] [--steps N] [--images N] [--seed S] [--palette-learning-rate LR] [--rater FILE] [--generator FILE] [--log FILE]",
		setup: setupMine,
	})
}

func setupMine(fs *flag.FlagSet) func(env, []string) error {
	def := mine.DefaultConfig()
	out := fs.String("out", "", "directory of the decoys (decoys.json and PNGs); an existing one is added to (required)")
	runs := fs.Int("runs", def.Runs, "teaching runs, sky colours and palettes in turn")
	first := fs.Int("first", 0, "number of the first run: continue a stopped mine with the number of the run after its last log line")
	steps := fs.Int("steps", def.Steps, "teaching steps per run")
	images := fs.Int("images", def.Images, "noise seeds drawn per run, each at adapter weights 0.5 and 1")
	seed := fs.Uint64("seed", def.Seed, "seed of the runs' prompts, targets and noise seeds (use another one to add to a directory)")
	paletteLR := fs.Float64("palette-learning-rate", 0, "learning rate of the palette runs (0: the teaching default, 1e-3; the built-in palette tasks learn at 5e-4)")
	raterPath := fs.String("rater", "", "rater weights to mine (default: the built-in ones)")
	genPath := fs.String("generator", "", "generator weights (default: the built-in ones)")
	logPath := fs.String("log", "", "also append the progress lines to this file")
	return func(e env, args []string) error {
		if err := noArgs(args); err != nil {
			return err
		}
		if *out == "" {
			return usagef("missing --out")
		}
		cfg := mine.Config{Runs: *runs, First: *first, Steps: *steps, Images: *images, Weights: def.Weights, Seed: *seed,
			PaletteLearningRate: *paletteLR}
		if cfg.Runs < 1 || cfg.Steps < 1 || cfg.Images < 1 || cfg.First < 0 || cfg.PaletteLearningRate < 0 {
			return usagef("--runs %d, --steps %d, --images %d must be positive, --first %d and --palette-learning-rate %g not negative",
				cfg.Runs, cfg.Steps, cfg.Images, cfg.First, cfg.PaletteLearningRate)
		}
		gen, err := loadGenerator(*genPath)
		if err != nil {
			return err
		}
		r, err := loadRaterWeights(*raterPath)
		if err != nil {
			return err
		}
		store, err := mine.NewStore(*out)
		if err != nil {
			return err
		}
		log, closeLog, err := logTo(e, *logPath)
		if err != nil {
			return err
		}
		defer closeLog()
		before := len(store.Decoys)
		err = mine.Mine(e.ctx, cfg, gen, teach.NewFrozenRater(r), log, store.Keep)
		fmt.Fprintf(e.stdout, "%d images in %s (%d new)\n", len(store.Decoys), *out, len(store.Decoys)-before)
		return err
	}
}
