package app

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"dualprocess/model"
	"dualprocess/training/mine"
	"dualprocess/training/raterfit"
)

func init() {
	registerPretrain(pretrainTarget{
		name: "vlm",
		summary: "Train the rater (the built-in VLM) on questions about renders and generator samples, " +
			"with augmentation and adversarial examples.",
		args:  "--out FILE [--steps N] [--seed S] [--resume CKPT] [--checkpoint CKPT] [--init FILE] [--lr LR] [--focus F] [--questions N] [--families F,...] [--config FILE.json] [--generator FILE|none] [--mined DIR,...] [--log FILE]",
		setup: setupPretrainVLM,
	})
}

func setupPretrainVLM(fs *flag.FlagSet) func(env, []string) error {
	def := raterfit.DefaultConfig()
	out := fs.String("out", "", "weights file to write at the end, .safetensors (required)")
	steps := fs.Int("steps", def.Steps, "optimisation steps (with --resume: the new total)")
	seed := fs.Uint64("seed", def.Seed, "seed of the initial weights and of the training data")
	resume := fs.String("resume", "", "continue the run saved in this checkpoint")
	ckpt := fs.String("checkpoint", "", "checkpoint written every few hundred steps and on Ctrl-C (default: OUT with .ckpt before the extension)")
	genPath := fs.String("generator", "", "generator weights whose samples join the training scenes (default: the built-in ones; none: renders only)")
	logPath := fs.String("log", "", "also append the progress lines to this file")
	minedDir := fs.String("mined", "", "directories (comma-separated) of images mined from teaching runs (dualprocess mine); the settings' \"mined\" share of each batch comes from them")
	initPath := fs.String("init", "", "start from these rater weights: every tensor whose name and shape fit today's architecture (new layers start fresh; new question words start at zero)")
	lr := fs.Float64("lr", def.LR, "peak learning rate")
	focus := fs.Float64("focus", def.Focus, "share of the examples drawn by each family's recent error rate rather than uniformly")
	questions := fs.Int("questions", def.Questions, "questions per image: one about its drawing, the rest text-only")
	families := fs.String("families", "", "comma-separated families to draw the images' own questions from (default: all)")
	configPath := fs.String("config", "", "JSON file of training settings over the defaults (raterfit.Config's fields, e.g. {\"warmup\": 0, \"adversarial\": 0}); flags given explicitly win")
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
		if *ckpt == "" {
			*ckpt = strings.TrimSuffix(*out, ".safetensors") + ".ckpt.safetensors"
		}
		var run *raterfit.Run
		var err error
		if *resume != "" && (*initPath != "" || *configPath != "") {
			return usagef("--resume continues a run with its own settings: --init and --config do not apply")
		}
		if *resume != "" {
			if run, err = raterfit.LoadRun(*resume); err != nil {
				return err
			}
			run.Config.Steps = *steps
			if run.Step >= *steps {
				return usagef("--steps %d: the checkpoint is already at step %d", *steps, run.Step)
			}
		} else {
			cfg, err := readTrainConfig(*configPath, def)
			if err != nil {
				return err
			}
			fs.Visit(func(f *flag.Flag) {
				switch f.Name {
				case "steps":
					cfg.Steps = *steps
				case "seed":
					cfg.Seed = *seed
				case "lr":
					cfg.LR = *lr
				case "focus":
					cfg.Focus = *focus
				case "questions":
					cfg.Questions = *questions
				case "families":
					cfg.Families = strings.Split(*families, ",")
				}
			})
			if run, err = raterfit.NewRun(cfg); err != nil {
				return err
			}
		}
		if *initPath != "" {
			from, err := model.LoadRater(*initPath)
			if err != nil {
				return fmt.Errorf("--init: %w", err)
			}
			copied, fresh, err := run.InitFrom(from)
			if err != nil {
				return fmt.Errorf("--init %s: %w", *initPath, err)
			}
			fmt.Fprintf(e.stderr, "init: %d tensors from %s, %d fresh %v\n", copied, *initPath, len(fresh), fresh)
		}
		log, closeLog, err := logTo(e, *logPath)
		if err != nil {
			return err
		}
		defer closeLog()
		opt := raterfit.Options{Out: *out, Checkpoint: *ckpt, Log: log}
		if *minedDir != "" {
			for _, dir := range strings.Split(*minedDir, ",") {
				m, err := mine.Load(dir)
				if err != nil {
					return err
				}
				opt.Mined = append(opt.Mined, m...)
			}
			fmt.Fprintf(e.stderr, "mined: %d images from %s\n", len(opt.Mined), *minedDir)
		}
		if *genPath != "none" {
			gen, err := loadGenerator(*genPath)
			if err != nil {
				return fmt.Errorf("generator for training scenes (use --generator none to train on renders only): %w", err)
			}
			s, err := gen.NewSampler(1)
			if err != nil {
				return err
			}
			defer s.Close()
			opt.Paint = raterfit.SamplerPainter(s)
		}
		return run.Train(e.ctx, opt)
	}
}

// readTrainConfig is def with the fields a JSON file sets ("" : def).
// Unknown fields are refused, so a misspelt setting is not silently ignored.
func readTrainConfig(path string, def raterfit.Config) (raterfit.Config, error) {
	if path == "" {
		return def, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return def, fmt.Errorf("--config: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	cfg := def
	if err := dec.Decode(&cfg); err != nil {
		return def, fmt.Errorf("--config %s: %w", path, err)
	}
	return cfg, cfg.Validate()
}
