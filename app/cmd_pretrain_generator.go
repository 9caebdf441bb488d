package app

import (
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"dualprocess/model"
	"dualprocess/training/pretrain"
)

func init() {
	registerPretrain(pretrainTarget{
		name: "generator",
		summary: "Distil the procedural world's renderer into the generator G(prompt, z). Writes the weights\n" +
			"to --out and a resumable checkpoint every --eval-every steps and at the end.",
		args:  "--out FILE.safetensors [--steps N] [--seed S] [--resume CKPT] [--init WEIGHTS --object-weight W] [--log FILE]",
		setup: setupPretrainGenerator,
	})
}

func setupPretrainGenerator(fs *flag.FlagSet) func(env, []string) error {
	def := pretrain.DefaultConfig()
	out := fs.String("out", "", "weights file to write (.safetensors, required)")
	ckpt := fs.String("checkpoint", "", "checkpoint file (default: OUT with .ckpt.safetensors)")
	resume := fs.String("resume", "", "continue from this checkpoint; its settings win over the flags below except --steps")
	logPath := fs.String("log", "", "also append the progress lines to this file")
	cfg := def
	fs.IntVar(&cfg.Steps, "steps", def.Steps, "optimisation steps")
	fs.Uint64Var(&cfg.Seed, "seed", def.Seed, "seed of the initial weights and the training examples")
	fs.IntVar(&cfg.Batch, "batch", def.Batch, "images per step")
	fs.IntVar(&cfg.Pool, "pool", def.Pool, "distinct training examples, rendered before training")
	fs.Float64Var(&cfg.LR, "lr", def.LR, "peak learning rate (warm-up, then cosine decay)")
	fs.Float64Var(&cfg.MinLR, "min-lr", def.MinLR, "learning rate at the end of the cosine decay")
	fs.IntVar(&cfg.Warmup, "warmup", def.Warmup, "steps of linear learning-rate warm-up")
	fs.Float64Var(&cfg.ObjectWeight, "object-weight", def.ObjectWeight, "extra loss weight of the pixels of the sun, moon and objects")
	fs.Float64Var(&cfg.SquareWeight, "square-weight", def.SquareWeight, "weight of an extra squared-error term (weighted like the L1 term)")
	fs.StringVar(&cfg.Init, "init", "", "fine-tune: start from these generator weights (.safetensors) instead of fresh ones")
	fs.IntVar(&cfg.EvalEvery, "eval-every", def.EvalEvery, "steps between held-out evaluations and checkpoints")
	return func(e env, args []string) error {
		if err := noArgs(args); err != nil {
			return err
		}
		if *out == "" {
			return usagef("missing --out")
		}
		if !strings.EqualFold(filepath.Ext(*out), ".safetensors") {
			return usagef("--out %q: the file name must end in .safetensors", *out)
		}
		if *ckpt == "" {
			*ckpt = strings.TrimSuffix(*out, filepath.Ext(*out)) + ".ckpt.safetensors"
		}
		if err := cfg.Validate(); err != nil {
			return usagef("%w", err)
		}
		var ck *pretrain.Checkpoint
		var err error
		if *resume != "" {
			if ck, err = pretrain.LoadCheckpoint(*resume); err != nil {
				return err
			}
			fs.Visit(func(f *flag.Flag) {
				if f.Name == "steps" {
					ck.Config.Steps = cfg.Steps
				}
			})
		} else if cfg.Init != "" {
			gen, err := model.LoadGenerator(cfg.Init)
			if err != nil {
				return err
			}
			if ck, err = pretrain.FromWeights(cfg, gen); err != nil {
				return err
			}
		} else if ck, err = pretrain.New(cfg); err != nil {
			return err
		}
		log, closeLog, err := logTo(e, *logPath)
		if err != nil {
			return err
		}
		defer closeLog()
		fmt.Fprintf(log, "pretrain generator: out %s, checkpoint %s, config %+v\n", *out, *ckpt, ck.Config)
		return pretrain.Run(e.ctx, ck, *out, *ckpt, log)
	}
}
