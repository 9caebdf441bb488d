// Package mine finds the rater's blind spots the way teaching does: it
// teaches short adapters against the rater for random colour targets (a
// sky colour, a palette) on training scenes, draws the adapted images, and
// labels each from its pixels (vqa.SkyAnswers, vqa.PaletteAnswer, with a
// margin either side of the line). An image the rater was taught to call
// orange, whose sky is pale peach, becomes a "no" the next rater trains on.
//
// Labels come from pixel measurements, never from the rater and never from
// a judge's verdict; the scenes and seeds are training ones, disjoint from
// every built-in task's evaluation seeds.
package mine

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"math/rand/v2"
	"slices"

	"dualprocess/model"
	"dualprocess/training/judge"
	"dualprocess/training/raterfit"
	"dualprocess/training/teach"
	"dualprocess/training/visual"
	"dualprocess/training/vqa"
	"dualprocess/training/world"
)

// Config is a mining run's settings.
type Config struct {
	Runs    int       `json:"runs"`    // teaching runs
	First   int       `json:"first"`   // index of the first run (to continue a stopped mine)
	Steps   int       `json:"steps"`   // steps per run
	Images  int       `json:"images"`  // noise seeds drawn per run (its first training seeds)
	Weights []float64 `json:"weights"` // adapter weights each seed is drawn at
	Seed    uint64    `json:"seed"`
	// PaletteLearningRate is the learning rate of the palette runs (0: the
	// teaching default); the built-in palette tasks learn at 5e-4.
	PaletteLearningRate float64 `json:"palette_learning_rate,omitempty"`
}

// DefaultConfig mines 40 runs of 120 steps, 8 seeds at weights 0.5 and 1.
func DefaultConfig() Config {
	return Config{Runs: 40, Steps: 120, Images: 8, Weights: []float64{0.5, 1}, Seed: 1}
}

// MinQuestions is the fewest measured questions an image needs to be kept
// (the rater trains on four questions per image).
const MinQuestions = 4

// Targets are the families mined, in turn.
var Targets = []string{"sky", "palette"}

// seedBase puts the mined noise seeds far from the built-in tasks' (about
// a million) and below the held-out bit of the rater's evaluation scenes.
const seedBase = int64(1) << 40

// Decoy is an adapted image and the questions its pixels answer.
type Decoy struct {
	Run      int           `json:"run"`
	Prompt   string        `json:"prompt"`
	Noise    int64         `json:"noise"` // world.Noise seed of the image
	Weight   float64       `json:"weight"`
	Swatches []string      `json:"swatches,omitempty"` // the palette strip drawn over it (#rrggbb); none: no drawing
	QAs      []raterfit.QA `json:"qas"`                // the run's question first
	File     string        `json:"file"`               // PNG, relative to the directory
	Image    *image.RGBA   `json:"-"`
}

// target is what a run teaches.
type target struct {
	family   string
	question string
	sky      string       // sky: the colour name
	swatches []color.RGBA // palette
}

// Mine runs cfg.Runs teaching runs against rater, numbered from cfg.First,
// and hands each run's decoys to keep as they come. It stops between runs
// when ctx is done. Each run depends only on cfg.Seed and its number, so
// a stopped mine continues where it stopped with First set to the next run.
func Mine(ctx context.Context, cfg Config, gen *model.Generator, rater teach.Rater, log io.Writer, keep func([]Decoy) error) error {
	if cfg.Runs < 1 || cfg.Steps < 1 || cfg.Images < 1 || len(cfg.Weights) == 0 || cfg.First < 0 || cfg.PaletteLearningRate < 0 {
		return fmt.Errorf("mine: runs %d, steps %d, images %d and weights %v must be positive, first run %d and palette learning rate %g not negative",
			cfg.Runs, cfg.Steps, cfg.Images, cfg.Weights, cfg.First, cfg.PaletteLearningRate)
	}
	for i := cfg.First; i < cfg.First+cfg.Runs; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		decoys, err := mineRun(ctx, cfg, i, gen, rater, log)
		if err != nil {
			return fmt.Errorf("mine run %d: %w", i, err)
		}
		if err := keep(decoys); err != nil {
			return err
		}
	}
	return nil
}

// mineRun teaches one run and labels its images.
func mineRun(ctx context.Context, cfg Config, i int, gen *model.Generator, rater teach.Rater, log io.Writer) ([]Decoy, error) {
	rng := rand.New(rand.NewPCG(cfg.Seed, uint64(i)))
	p := raterfit.RandomPrompt(rng)
	seed0 := seedBase + int64(cfg.Seed%(1<<16))<<24 + int64(i)*1000
	tg, ok := pickTarget(rng, Targets[i%len(Targets)], p, seed0)
	if !ok {
		fmt.Fprintf(log, "run %d: %s: no target for %q\n", i, Targets[i%len(Targets)], p)
		return nil, nil
	}
	task, err := tg.task(p, seed0, cfg)
	if err != nil {
		return nil, err
	}
	rep, adapter, err := teach.Teach(ctx, task, gen, rater, nil)
	if err != nil {
		return nil, err
	}
	samplers := make([]*model.Sampler, len(cfg.Weights)) // one compiled graph per weight
	for j, w := range cfg.Weights {
		if samplers[j], err = gen.NewSampler(1, model.Active{Adapter: adapter, Weight: w}); err != nil {
			return nil, err
		}
		defer samplers[j].Close()
	}
	var decoys []Decoy
	yes := 0
	for k := range int64(cfg.Images) {
		seed := seed0 + k
		r := world.Render(world.Sample(p, world.Noise(seed)))
		for j, w := range cfg.Weights {
			imgs, err := samplers[j].Generate([]world.Prompt{p}, [][]float64{world.Noise(seed)})
			if err != nil {
				return nil, err
			}
			img := imgs[0]
			qas := tg.label(rng, r, img)
			if len(qas) < MinQuestions {
				continue
			}
			if qas[0].Answer == "yes" {
				yes++
			}
			decoys = append(decoys, Decoy{Run: i, Prompt: p.String(), Noise: seed, Weight: w,
				Swatches: hexes(tg.swatches), QAs: qas, Image: img})
		}
	}
	last := math.NaN()
	if n := len(rep.Curve); n > 0 {
		last = rep.Curve[n-1].Prob
	}
	fmt.Fprintf(log, "run %d: %s %q on %q: rater p %.2f at the end; %d images kept, %d of them yes\n",
		i, tg.family, tg.question, p, last, len(decoys), yes)
	return decoys, nil
}

// pickTarget draws what a run teaches: a sky colour the scene's sky is not
// (seed's render), or the palette of the prompt at another time of day.
func pickTarget(rng *rand.Rand, family string, p world.Prompt, seed int64) (target, bool) {
	switch family {
	case "sky":
		r := world.Render(world.Sample(p, world.Noise(seed)))
		own := vqa.NameSky(r, r.Image)
		names := slices.DeleteFunc(vqa.SkyNames(), func(n string) bool { return n == own })
		name := names[rng.IntN(len(names))]
		return target{family: family, question: vqa.SkyQuestion(rng, name), sky: name}, true
	case "palette":
		cols, ok := vqa.OtherPalette(rng, p)
		return target{family: family, question: vqa.PaletteQuestion(rng), swatches: cols}, ok
	}
	return target{}, false
}

// task is the teaching task of the target: built-in defaults, the run's
// own training seeds and steps, and for palettes cfg's learning rate.
func (tg target) task(p world.Prompt, seed0 int64, cfg Config) (*teach.Task, error) {
	t := teach.Task{Name: "mine-" + tg.family, Prompts: []string{p.String()},
		Questions: []teach.QA{{Question: tg.question, Answer: "yes"}}}
	switch tg.family {
	case "sky":
		c := vqa.SkyColours[tg.sky][1]
		t.Judge = judge.Target{Kind: "sky", Colors: []string{world.Hex(uint8(c[0]*255), uint8(c[1]*255), uint8(c[2]*255))}}
	case "palette":
		t.Visual.Strokes = []visual.Stroke{{Tool: "swatches", Colors: hexes(tg.swatches)}}
		t.Judge = judge.Target{Kind: "palette", Colors: hexes(tg.swatches)}
		t.Train.LearningRate = cfg.PaletteLearningRate
	}
	t.Train.Steps, t.Train.TrainSeed = cfg.Steps, seed0
	t.Train.Preserve = teach.Defaults.Preserve // for every family, as the mined rounds were made
	b, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	return teach.ParseTask(b) // the defaults filled in and checked
}

// label asks the target's question and the sky questions the pixels of img
// settle (r: the render of its prompt and noise); the target's question
// first, or nothing when its answer is not settled.
func (tg target) label(rng *rand.Rand, r world.Rendering, img *image.RGBA) []raterfit.QA {
	sky := vqa.SkyAnswers(r, img)
	var qas []raterfit.QA
	switch tg.family {
	case "sky":
		a, ok := sky[tg.sky]
		if !ok {
			return nil
		}
		qas = append(qas, raterfit.QA{Family: "sky", Question: tg.question, Answer: a})
	case "palette":
		a, ok := vqa.PaletteAnswer(img, tg.swatches)
		if !ok {
			return nil
		}
		qas = append(qas, raterfit.QA{Family: "palette", Question: tg.question, Answer: a})
	}
	for _, name := range vqa.SkyNames() {
		if a, ok := sky[name]; ok && name != tg.sky {
			qas = append(qas, raterfit.QA{Family: "sky", Question: vqa.SkyQuestion(rng, name), Answer: a})
		}
	}
	return qas
}

func hexes(cs []color.RGBA) []string {
	var out []string
	for _, c := range cs {
		out = append(out, world.Hex(c.R, c.G, c.B))
	}
	return out
}
