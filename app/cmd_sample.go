package app

import (
	"flag"
	"image"
	"path/filepath"
	"strings"

	"dualprocess/model"
	"dualprocess/picture"
	"dualprocess/training/world"
)

// sampleBatch is the generator's batch size when drawing a grid.
const sampleBatch = 16

func init() {
	register(command{
		name:    "sample",
		summary: "Draw images with the built-in generator (and LoRA adapters) for a prompt and seeds to a PNG.",
		args:    "--prompt P --seed N [--n K] [--adapter FILE[@WEIGHT]]... [--weights FILE] --out FILE.png",
		setup:   setupSample,
	})
}

func setupSample(fs *flag.FlagSet) func(env, []string) error {
	prompt := fs.String("prompt", "", "scene prompt, e.g. \"lake at dawn with boat\" (required)")
	seed := fs.Int64("seed", 0, "noise seed of the first image (world.Noise)")
	n := fs.Int("n", 1, "number of images, seeds N..N+K-1, laid out in a near-square grid")
	out := fs.String("out", "", "output PNG file (required)")
	weights := fs.String("weights", "", "generator weights (.safetensors; default: the built-in weights)")
	var adapters adapterFlags
	fs.Var(&adapters, "adapter", "LoRA adapter FILE[@WEIGHT] (weight default: the one it was taught at, else 1); repeat to compose several")
	return func(e env, args []string) error {
		if err := noArgs(args); err != nil {
			return err
		}
		switch {
		case *prompt == "":
			return usagef("missing --prompt")
		case *out == "":
			return usagef("missing --out")
		case !strings.EqualFold(filepath.Ext(*out), ".png"):
			return usagef("--out %q: the file name must end in .png", *out)
		case *n < 1 || *n > maxRenderN:
			return usagef("--n %d: must be between 1 and %d", *n, maxRenderN)
		}
		p, err := world.ParsePrompt(*prompt)
		if err != nil {
			return usagef("--prompt: %w", err)
		}
		gen, err := loadGenerator(*weights)
		if err != nil {
			return err
		}
		actives, err := adapters.load(gen)
		if err != nil {
			return err
		}
		tiles, err := sample(e, gen, p, *seed, *n, actives)
		if err != nil {
			return err
		}
		return picture.WritePNG(*out, picture.Grid(tiles, picture.SquareCols(*n)))
	}
}

// sample draws the images for seeds first..first+n-1 in batches.
func sample(e env, gen *model.Generator, p world.Prompt, first int64, n int, actives []model.Active) ([]image.Image, error) {
	batch := min(n, sampleBatch)
	s, err := gen.NewSampler(batch, actives...)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	tiles := make([]image.Image, 0, n)
	for lo := 0; lo < n; lo += batch {
		if err := e.ctx.Err(); err != nil {
			return nil, err
		}
		ps, zs := make([]world.Prompt, batch), make([][]float64, batch)
		for k := range batch {
			ps[k], zs[k] = p, world.Noise(first+int64(min(lo+k, n-1)))
		}
		imgs, err := s.Generate(ps, zs)
		if err != nil {
			return nil, err
		}
		for _, img := range imgs[:min(batch, n-lo)] {
			tiles = append(tiles, img)
		}
	}
	return tiles, nil
}
