package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"dualprocess/training/gridfit"
)

// judgeNet is how `pretrain` trains one of the learned judges (a
// model.GridNet of some kind): fresh or resumed weights, the training run,
// and the held-out check printed at the end.
type judgeNet[N any] struct {
	what   string // "depth judge"
	def    gridfit.Config
	fresh  func(seed uint64) N
	decode func(data []byte, name string) (N, error)
	train  func(ctx context.Context, net N, cfg gridfit.Config, out string, log io.Writer) error
	check  func(net N, log io.Writer) error
}

// setup declares the flags every judge takes and returns the command.
func (j judgeNet[N]) setup(fs *flag.FlagSet) func(env, []string) error {
	out := fs.String("out", "", "weights file to write, .safetensors (required; rewritten at every checkpoint)")
	steps := fs.Int("steps", j.def.Steps, "optimisation steps")
	seed := fs.Uint64("seed", j.def.Seed, "seed of the initial weights and the batches")
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
		net := j.fresh(*seed)
		if *resume != "" {
			b, err := os.ReadFile(*resume)
			if err != nil {
				return err
			}
			if net, err = j.decode(b, *resume); err != nil {
				return err
			}
		}
		cfg := j.def
		cfg.Steps, cfg.Seed = *steps, *seed
		fmt.Fprintf(e.stderr, "%s: rendering %d scenes, then %d steps\n", j.what, cfg.Scenes, cfg.Steps)
		if err := j.train(e.ctx, net, cfg, *out, e.stderr); err != nil {
			return err
		}
		return j.check(net, e.stderr)
	}
}
