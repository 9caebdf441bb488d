// Package gridfit trains the learned judges' networks (model.GridNet) on
// maps the renderer knows, one value per cell of the net's grid:
// training/depthfit the depth judge on log-depth, training/treefit the tree
// judge on tree cover.
package gridfit

import (
	"context"
	"fmt"
	"image"
	"io"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/disintegration/imaging"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dualprocess/model"
	"dualprocess/training/judge"
	"dualprocess/training/world"
)

// Config is the training run.
type Config struct {
	Steps    int
	Batch    int
	LR       float64
	Scenes   int   // size of the pre-rendered pool
	DataSeed int64 // first scene seed; the rater and the acceptance tests use others
	Seed     uint64
	Every    int // log and checkpoint every this many steps
}

// Task is what a net learns: a target grid for each render (the net's
// side, row-major) and a loss of the prediction and the target (both (N, 1,
// side, side)), named in the log ("step 250/1500  L1 0.0421 ..."). Augment, when
// set, alters each batch image (the target stays).
type Task struct {
	Name     string // for messages: "depth net"
	Target   func(world.Rendering) []float32
	Loss     func(pred, target *G.Node) (*G.Node, error)
	LossName string
	Augment  func(rng *rand.Rand, img *image.RGBA) *image.RGBA
}

// L1 is the mean absolute difference.
func L1(pred, target *G.Node) (*G.Node, error) {
	d, err := G.Sub(pred, target)
	if err != nil {
		return nil, err
	}
	if d, err = G.Abs(d); err != nil {
		return nil, err
	}
	return G.Mean(d)
}

type sample struct {
	img    *image.RGBA
	target []float32
}

// Train fits net (continuing from its weights) and saves it to out every
// cfg.Every steps and at the end. Half of each batch is mirrored left to
// right, image and target.
func Train(ctx context.Context, net *model.GridNet, task Task, cfg Config, out string, log io.Writer) error {
	pool := render(cfg.DataSeed, cfg.Scenes, task.Target)
	g := G.NewGraph()
	in, pred, params, err := net.Build(g, cfg.Batch)
	if err != nil {
		return err
	}
	side := net.Side()
	target := G.NewTensor(g, tensor.Float32, 4, G.WithShape(cfg.Batch, 1, side, side), G.WithName("target"))
	loss, err := task.Loss(pred, target)
	if err != nil {
		return fmt.Errorf("%s: loss: %w", task.Name, err)
	}
	vm, err := model.NewTrainMachine(loss, params)
	if err != nil {
		return err
	}
	defer vm.Close()
	opt := model.NewAdam(cfg.LR)
	opt.ClipNorm = 5
	rng := rand.New(rand.NewPCG(cfg.Seed, 7))
	start, avg := time.Now(), 0.0
	for step := 1; step <= cfg.Steps; step++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		opt.LR = cfg.LR * 0.5 * (1 + math.Cos(math.Pi*float64(step-1)/float64(cfg.Steps))) // cosine decay
		imgs, tgt := batch(rng, pool, cfg.Batch, side, task.Augment)
		if err := G.Let(in, model.GridInput(imgs)); err != nil {
			return err
		}
		if err := G.Let(target, tgt); err != nil {
			return err
		}
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			return err
		}
		l := float64(loss.Value().Data().(float32))
		if math.IsNaN(l) {
			return fmt.Errorf("%s: loss is NaN at step %d", task.Name, step)
		}
		if _, err := opt.Step(params); err != nil {
			return err
		}
		avg = 0.98*avg + 0.02*l
		if step%cfg.Every == 0 || step == cfg.Steps {
			el := time.Since(start)
			eta := time.Duration(float64(el) / float64(step) * float64(cfg.Steps-step))
			fmt.Fprintf(log, "step %d/%d  %s %.4f  %.1f steps/s  eta %s\n", step, cfg.Steps, task.LossName,
				avg/(1-math.Pow(0.98, float64(step))), float64(step)/el.Seconds(), eta.Round(time.Second))
			if err := net.Save(out); err != nil {
				return err
			}
		}
	}
	return nil
}

// render makes n scenes of random prompts with their targets, on two cores.
func render(first int64, n int, target func(world.Rendering) []float32) []sample {
	pool := make([]sample, n)
	var wg sync.WaitGroup
	workers := 2
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += workers {
				rng := rand.New(rand.NewPCG(uint64(first+int64(i)), 3))
				r := world.Render(world.Sample(judge.RandomPrompt(rng), world.Noise(first+int64(i))))
				pool[i] = sample{r.Image, target(r)}
			}
		}(w)
	}
	wg.Wait()
	return pool
}

// batch picks samples, half of them mirrored left to right, and augments them.
func batch(rng *rand.Rand, pool []sample, n, side int, augment func(*rand.Rand, *image.RGBA) *image.RGBA) ([]image.Image, *tensor.Dense) {
	imgs := make([]image.Image, n)
	tgt := make([]float32, 0, n*side*side)
	for i := range imgs {
		s := pool[rng.IntN(len(pool))]
		img, t := s.img, s.target
		if rng.IntN(2) == 0 {
			img, t = mirror(img), mirrorGrid(t, side)
		}
		if augment != nil {
			img = augment(rng, img)
		}
		imgs[i] = img
		tgt = append(tgt, t...)
	}
	return imgs, tensor.New(tensor.WithShape(n, 1, side, side), tensor.WithBacking(tgt))
}

func mirror(img *image.RGBA) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(b)
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			out.SetRGBA(b.Dx()-1-x, y, img.RGBAAt(x, y))
		}
	}
	return out
}

func mirrorGrid(t []float32, n int) []float32 {
	out := make([]float32, len(t))
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			out[j*n+n-1-i] = t[j*n+i]
		}
	}
	return out
}

// Soften blurs half the images (sigma 0.3..1.2 px) and adds Gaussian noise
// (sigma up to 0.04): the generator draws softer than the renderer, and the
// judges grade the generator's images.
func Soften(rng *rand.Rand, img *image.RGBA) *image.RGBA {
	if rng.IntN(2) == 0 {
		return img
	}
	b := imaging.Blur(img, 0.3+0.9*rng.Float64())
	sigma := 0.04 * 255 * rng.Float64()
	out := image.NewRGBA(b.Bounds())
	for i, v := range b.Pix {
		if i%4 == 3 {
			out.Pix[i] = 255
			continue
		}
		out.Pix[i] = uint8(math.Max(0, math.Min(255, math.Round(float64(v)+sigma*rng.NormFloat64()))))
	}
	return out
}
