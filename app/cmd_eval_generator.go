package app

import (
	"flag"
	"fmt"
	"image"
	"path/filepath"
	"strings"

	"dualprocess/model"
	"dualprocess/picture"
	"dualprocess/training/pretrain"
	"dualprocess/training/world"
)

func init() {
	register(command{
		name: "eval-generator",
		summary: "Measure how closely the generator reproduces the renderer on held-out (prompt, seed) pairs: " +
			"mean absolute pixel error and the horizon, line-width and palette judges against the truth.",
		args:  "[--n N] [--training-run S] [--weights FILE] [--json] [--compare FILE.png]",
		setup: setupEvalGenerator,
	})
}

// comparePrompts are the rows of the --compare picture.
var comparePrompts = []string{
	"mountains at sunset with trees",
	"lake at dawn with boat, outlined",
	"sea at noon with clouds and boat",
	"desert at night",
	"hills at noon with house and trees, outlined",
	"city at sunset with clouds",
	"mountains at night with house, outlined",
	"sea at dawn, outlined",
}

func setupEvalGenerator(fs *flag.FlagSet) func(env, []string) error {
	n := fs.Int("n", 512, "number of held-out pairs")
	weights := fs.String("weights", "", "generator weights (.safetensors; default: the built-in weights)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	compare := fs.String("compare", "", "also write a PNG: for each of 8 prompts, renderer truth beside generator samples")
	trainingRun := fs.Uint64("training-run", 0, "evaluate the first N training pairs of 'pretrain generator --seed S' instead of held-out ones (0: held-out)")
	return func(e env, args []string) error {
		if err := noArgs(args); err != nil {
			return err
		}
		if *n < 1 || *n > 100000 {
			return usagef("--n %d: must be between 1 and 100000", *n)
		}
		if *trainingRun > pretrain.MaxRunSeed {
			return usagef("--training-run %d: pretraining seeds go up to %d", *trainingRun, pretrain.MaxRunSeed)
		}
		if *compare != "" && !strings.EqualFold(filepath.Ext(*compare), ".png") {
			return usagef("--compare %q: the file name must end in .png", *compare)
		}
		gen, err := loadGenerator(*weights)
		if err != nil {
			return err
		}
		if *compare != "" {
			if err := writeCompare(e, *compare, gen); err != nil {
				return err
			}
		}
		what := fmt.Sprintf("held-out pairs %d (seeds from %d)", *n, pretrain.HeldOutSeed)
		evaluate := func() (pretrain.Report, error) { return pretrain.EvaluateHeldOut(e.ctx, gen, *n) }
		if *trainingRun > 0 {
			what = fmt.Sprintf("training pairs %d of pretraining run %d (seeds from %d)", *n, *trainingRun, *trainingRun*pretrain.TrainSeedStride)
			evaluate = func() (pretrain.Report, error) { return pretrain.EvaluateTraining(e.ctx, gen, *trainingRun, *n) }
		}
		r, err := evaluate()
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(e, r)
		}
		_, err = fmt.Fprintf(e.stdout, "%s\n%s\n", what, r)
		return err
	}
}

// writeCompare writes one row per prompt of comparePrompts: renderer truth
// and generator image side by side for three held-out seeds.
func writeCompare(e env, path string, gen *model.Generator) error {
	const seeds = 3
	var exs []pretrain.Example
	for _, s := range comparePrompts {
		p, err := world.ParsePrompt(s)
		if err != nil {
			return err
		}
		for j := range seeds {
			exs = append(exs, pretrain.Example{Prompt: p, Seed: pretrain.HeldOutSeed + 100000 + int64(j)})
		}
	}
	imgs, err := pretrain.Generate(e.ctx, gen, exs)
	if err != nil {
		return err
	}
	var tiles []image.Image
	for i, ex := range exs {
		tiles = append(tiles, world.Render(world.Sample(ex.Prompt, world.Noise(ex.Seed))).Image, imgs[i])
	}
	return picture.WritePNG(path, picture.Grid(tiles, 2*seeds))
}
