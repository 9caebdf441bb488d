// Package pretrain distils the procedural world's renderer into the
// generator: G(prompt, z) learns to reproduce world.Render(world.Sample(prompt, z)).
//
// The loop is a straight line: take a batch from a pool of pre-rendered
// examples, forward, L1 + edge loss, backward, AdamW step, log, evaluate on
// held-out pairs and checkpoint every so often.
package pretrain

import (
	"context"
	"fmt"
	"image"
	"io"
	"math"
	"time"

	"dualprocess/model"
	"dualprocess/training/world"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Config holds every knob of a pretraining run.
type Config struct {
	Steps      int     // optimisation steps
	Batch      int     // images per step
	Pool       int     // distinct training examples, rendered once before training
	LR         float64 // peak learning rate
	MinLR      float64 // learning rate at the end of the cosine decay
	Warmup     int     // steps of linear warm-up
	EdgeWeight float64 // weight of the L1 loss on horizontal and vertical differences
	// ObjectWeight is the extra L1 weight of pixels inside the sun's or
	// moon's disc box and the objects' boxes (0: every pixel weighs 1). Small
	// objects cover few pixels, so a plain L1 average lets them fade away.
	ObjectWeight float64 `json:",omitempty"`
	// SquareWeight adds SquareWeight * mean w(x - y)^2: unlike L1, whose best
	// guess for an object it cannot place yet is no object, a squared error
	// is lowest for a faint blob where the object may be, which the model
	// can then sharpen.
	SquareWeight float64 `json:",omitempty"`
	Init         string  `json:",omitempty"` // weights the run started from (a fine-tuning stage), for the record
	ClipNorm     float64 // gradient norm clip (0: none)
	Seed         uint64  // initial weights and the training data
	LogEvery     int     // steps between progress lines
	EvalEvery    int     // steps between held-out evaluations and checkpoints
	EvalN        int     // held-out pairs per evaluation
}

// DefaultConfig is the configuration that made the shipped weights.
func DefaultConfig() Config {
	return Config{Steps: 12000, Batch: 16, Pool: 24576, LR: 5e-3, MinLR: 5e-5, Warmup: 300,
		EdgeWeight: 1, ClipNorm: 1, Seed: 1, LogEvery: 100, EvalEvery: 1000, EvalN: 128}
}

// Validate checks the config.
func (c Config) Validate() error {
	switch {
	case c.Steps < 1 || c.Batch < 1 || c.Pool < c.Batch:
		return fmt.Errorf("pretrain: steps %d, batch %d and pool %d must be positive, pool >= batch", c.Steps, c.Batch, c.Pool)
	case c.LR <= 0 || c.MinLR < 0 || c.MinLR > c.LR:
		return fmt.Errorf("pretrain: learning rates %g -> %g", c.LR, c.MinLR)
	case c.Seed >= MaxRunSeed:
		return fmt.Errorf("pretrain: seed %d must be below %d", c.Seed, MaxRunSeed)
	case c.LogEvery < 1 || c.EvalEvery < 1 || c.EvalN < 1:
		return fmt.Errorf("pretrain: log, eval and eval-n must be positive")
	}
	return nil
}

// LRAt is the learning rate at step t: linear warm-up, then cosine decay to MinLR.
func (c Config) LRAt(t int) float64 {
	if t < c.Warmup {
		return c.LR * float64(t+1) / float64(c.Warmup)
	}
	f := float64(t-c.Warmup) / float64(max(1, c.Steps-c.Warmup))
	return c.MinLR + (c.LR-c.MinLR)*0.5*(1+math.Cos(math.Pi*math.Min(1, f)))
}

// Run trains from the state in ck (a fresh one from New, or a loaded
// checkpoint) up to cfg.Steps. Every EvalEvery steps, and at the end, it
// writes the weights to out and the checkpoint to ckPath (both atomically).
// Progress goes to log. A cancelled ctx stops after saving a checkpoint.
func Run(ctx context.Context, ck *Checkpoint, out, ckPath string, log io.Writer) error {
	cfg, gen := ck.Config, ck.Gen
	if err := cfg.Validate(); err != nil {
		return err
	}
	start := time.Now()
	fmt.Fprintf(log, "pretrain: %d params, %d steps of %d, pool %d, lr %g, from step %d\n",
		gen.NumParams(), cfg.Steps, cfg.Batch, cfg.Pool, cfg.LR, ck.Step)
	pool := make([]Example, cfg.Pool)
	for i := range pool {
		pool[i] = trainExample(cfg.Seed, i)
	}
	heldOut := HeldOut(cfg.EvalN)
	if err := render(ctx, pool); err != nil {
		return err
	}
	if err := render(ctx, heldOut); err != nil {
		return err
	}
	fmt.Fprintf(log, "pretrain: rendered %d examples in %.0fs\n", len(pool)+len(heldOut), time.Since(start).Seconds())

	g := G.NewGraph()
	net, err := gen.Build(g, model.Options{Batch: cfg.Batch, TrainBase: true})
	if err != nil {
		return err
	}
	target := G.NewTensor(g, G.Float32, 4, G.WithShape(net.Image.Shape()...), G.WithName("target"))
	var weight *G.Node
	if cfg.ObjectWeight > 0 || cfg.SquareWeight > 0 {
		weight = G.NewTensor(g, G.Float32, 4, G.WithShape(net.Image.Shape()...), G.WithName("weight"))
	}
	loss, err := lossNode(net.Image, target, weight, cfg.EdgeWeight, cfg.SquareWeight)
	if err != nil {
		return err
	}
	vm, err := model.NewTrainMachine(loss, net.Params)
	if err != nil {
		return err
	}
	defer vm.Close()
	opt := model.NewAdam(cfg.LR)
	opt.ClipNorm = cfg.ClipNorm
	if ck.Adam != nil {
		if err := opt.SetState(net.Params, *ck.Adam); err != nil {
			return fmt.Errorf("resume: %w", err)
		}
	}

	save := func() error {
		s, err := opt.State(net.Params)
		if err != nil {
			return err
		}
		ck.Adam = &s
		if err := gen.Save(out); err != nil {
			return err
		}
		return ck.Save(ckPath)
	}
	var sum float64
	var n int
	tick, tickStep := time.Now(), ck.Step
	prompts, zs, imgs := make([]world.Prompt, cfg.Batch), make([][]float64, cfg.Batch), make([]*image.RGBA, cfg.Batch)
	truths := make([]world.Truth, cfg.Batch)
	for ck.Step < cfg.Steps {
		if ctx.Err() != nil {
			fmt.Fprintf(log, "pretrain: stopped at step %d; checkpoint %s\n", ck.Step, ckPath)
			return save()
		}
		for k, i := range batchAt(cfg.Seed, cfg.Pool, cfg.Batch, ck.Step) {
			prompts[k], zs[k], imgs[k] = pool[i].Prompt, world.Noise(pool[i].Seed), pool[i].Target
			truths[k] = pool[i].Truth
		}
		if weight != nil {
			if err := G.Let(weight, weightTensor(truths, imgs, cfg.ObjectWeight)); err != nil {
				return err
			}
		}
		if err := net.SetInputs(prompts, zs); err != nil {
			return err
		}
		t, err := model.ImagesTensor(imgs)
		if err != nil {
			return err
		}
		if err := G.Let(target, t); err != nil {
			return err
		}
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			return fmt.Errorf("step %d: %w", ck.Step, err)
		}
		l := float64(loss.Value().Data().(float32))
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return fmt.Errorf("step %d: loss is %v", ck.Step, l)
		}
		opt.LR = cfg.LRAt(ck.Step)
		if _, err := opt.Step(net.Params); err != nil {
			return err
		}
		ck.Step++
		sum += l
		n++
		if ck.Step%cfg.LogEvery == 0 || ck.Step == cfg.Steps {
			rate := float64(ck.Step-tickStep) / time.Since(tick).Seconds()
			eta := time.Duration(float64(cfg.Steps-ck.Step) / rate * float64(time.Second)).Round(time.Second)
			fmt.Fprintf(log, "step %6d/%d  loss %.4f  lr %.2e  %.2f steps/s  eta %v\n",
				ck.Step, cfg.Steps, sum/float64(n), opt.LR, rate, eta)
			ck.Losses = append(ck.Losses, LossPoint{Step: ck.Step, Loss: sum / float64(n)})
			sum, n, tick, tickStep = 0, 0, time.Now(), ck.Step
		}
		if ck.Step%cfg.EvalEvery == 0 || ck.Step == cfg.Steps {
			r, err := Evaluate(ctx, gen, heldOut)
			if err != nil {
				return err
			}
			fmt.Fprintf(log, "eval  %6d  %s\n", ck.Step, r)
			if err := save(); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(log, "pretrain: done in %v; weights %s\n", time.Since(start).Round(time.Second), out)
	return nil
}

// lossNode is mean w|x - y| + edge * mean |D(x - y)|, D the horizontal and
// vertical forward differences of every channel (a fixed 3x3 convolution),
// w the per-pixel weights (nil: all 1), plus square * mean w(x - y)^2 when
// w is given.
func lossNode(x, y, w *G.Node, edge, square float64) (*G.Node, error) {
	d, err := G.Sub(x, y)
	if err != nil {
		return nil, err
	}
	var l1 *G.Node
	if w == nil {
		l1, err = meanAbs(d)
	} else {
		var a *G.Node
		if a, err = G.Abs(d); err == nil {
			if a, err = G.HadamardProd(a, w); err == nil {
				l1, err = G.Mean(a)
			}
		}
		if err == nil && square > 0 {
			var s *G.Node
			if s, err = G.Square(d); err == nil {
				if s, err = G.HadamardProd(s, w); err == nil {
					if s, err = G.Mean(s); err == nil {
						if s, err = G.HadamardProd(s, G.NewConstant(float32(square))); err == nil {
							l1, err = G.Add(l1, s)
						}
					}
				}
			}
		}
	}
	if err != nil || edge == 0 {
		return l1, err
	}
	k := diffKernel(x.Shape()[1])
	kn := G.NodeFromAny(x.Graph(), k, G.WithName("loss.diff"))
	e, err := model.Conv2d(d, kn, nil)
	if err != nil {
		return nil, err
	}
	le, err := meanAbs(e)
	if err != nil {
		return nil, err
	}
	le, err = G.HadamardProd(le, G.NewConstant(float32(edge)))
	if err != nil {
		return nil, err
	}
	return G.Add(l1, le)
}

func meanAbs(x *G.Node) (*G.Node, error) {
	a, err := G.Abs(x)
	if err != nil {
		return nil, err
	}
	return G.Mean(a)
}

// diffKernel is (2C, C, 3, 3): output 2c is x[c](i, j+1) - x[c](i, j), output
// 2c+1 is x[c](i+1, j) - x[c](i, j).
func diffKernel(c int) *tensor.Dense {
	w := make([]float32, 2*c*c*9)
	at := func(o, i, y, x int) *float32 { return &w[((o*c+i)*3+y)*3+x] }
	for ch := range c {
		*at(2*ch, ch, 1, 1), *at(2*ch, ch, 1, 2) = -1, 1
		*at(2*ch+1, ch, 1, 1), *at(2*ch+1, ch, 2, 1) = -1, 1
	}
	return tensor.New(tensor.WithShape(2*c, c, 3, 3), tensor.WithBacking(w))
}
