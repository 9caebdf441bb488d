package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"sync"

	"dualprocess/training/judge"
	"dualprocess/training/visual"
	"dualprocess/training/vqa"
	"dualprocess/training/world"
)

// fakeBackend stands in for the models. Generated images are flat colours
// that encode the seed and the sum of the adapter weights; Teach runs
// Steps fake steps, each waiting on gate when it is set; RateBase waits on
// gate once.
type fakeBackend struct {
	mu        sync.Mutex
	generated []generateCall
	taught    []TaskSpec
	rated     []TaskSpec
	teachErr  error         // Teach fails with it before any step
	checkErr  error         // Check fails with it
	gate      chan struct{} // when set, every step waits for a value
	evaluate  chan struct{} // when set, Teach waits for it to close after the steps, stopped or not
	stepped   chan int      // when set, receives every step done
	drawing   chan struct{} // when set, Generate waits for it to close
}

type generateCall struct {
	prompt   string
	seeds    []int64
	adapters []AdapterUse
}

// adapterContent is what an adapter file of the fake holds.
const adapterContent = "fake adapter"

func newFakeBackend() *fakeBackend { return &fakeBackend{} }

func (f *fakeBackend) Generate(_ context.Context, prompt string, seeds []int64, adapters []AdapterUse) ([]image.Image, error) {
	if _, err := world.ParsePrompt(prompt); err != nil {
		return nil, err
	}
	f.mu.Lock()
	drawing := f.drawing
	f.mu.Unlock()
	if drawing != nil {
		<-drawing
	}
	f.mu.Lock()
	f.generated = append(f.generated, generateCall{prompt, seeds, adapters})
	f.mu.Unlock()
	var w float64
	for _, a := range adapters {
		w += a.Weight
	}
	imgs := make([]image.Image, len(seeds))
	for i, s := range seeds {
		imgs[i] = flat(color.RGBA{uint8(s), uint8(100 * w), 50, 255})
	}
	return imgs, nil
}

func flat(c color.Color) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, world.Size, world.Size))
	for i := 0; i < len(img.Pix); i += 4 {
		r, g, b, a := c.RGBA()
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(r>>8), uint8(g>>8), uint8(b>>8), uint8(a>>8)
	}
	return img
}

// sampleCalls are the calls for a grid of samples (not the Teach tab's
// backdrop).
func (f *fakeBackend) sampleCalls() []generateCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var calls []generateCall
	for _, c := range f.generated {
		if len(c.seeds) == sampleCount {
			calls = append(calls, c)
		}
	}
	return calls
}

func (f *fakeBackend) lastSamples() generateCall {
	calls := f.sampleCalls()
	if len(calls) == 0 {
		return generateCall{}
	}
	return calls[len(calls)-1]
}

// LoadAdapter accepts files holding adapterContent.
func (f *fakeBackend) LoadAdapter(path string) (AdapterInfo, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return AdapterInfo{}, fmt.Errorf("load adapter: %w", err)
	}
	if string(b) != adapterContent {
		return AdapterInfo{}, fmt.Errorf("load adapter %s: made for another generator (base checksum differs)", path)
	}
	return AdapterInfo{Path: path, Name: filepath.Base(path), TrainWeight: 1.5}, nil
}

func (f *fakeBackend) Answers() []string { return vqa.Answers }
func (f *fakeBackend) Tasks() []string   { return []string{"horizon-low", "sky-orange-noon"} }

func (f *fakeBackend) Task(name string) (TaskSpec, error) {
	row := 0.75
	train := TrainSpec{Steps: 6, LearningRate: 0.002, TrainWeight: 1, EvalSeeds: []int64{0, 1}}
	switch name {
	case "":
		return TaskSpec{Train: train}, nil
	case "horizon-low":
		return TaskSpec{Name: "horizon-low", Prompts: []string{"mountains at noon", "lake at dawn"},
			Questions: []QA{{"Is the horizon at the red line?", "yes"}},
			Visual:    VisualSpec{Strokes: []visual.Stroke{{Tool: "hline", Y: row, Width: 1.5}}, Mode: visual.Solid},
			Judge:     judge.Target{Kind: "horizon", Row: &row}, Train: train}, nil
	case "sky-orange-noon":
		return TaskSpec{Name: "sky-orange-noon", Prompts: []string{"hills at noon"},
			Questions: []QA{{"What colour is the sky?", "orange"}},
			Judge:     judge.Target{Kind: "sky", Colors: []string{"#f09040"}}, Train: train}, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return TaskSpec{}, fmt.Errorf("task %q: no such file, and no built-in task of that name", name)
	}
	var t TaskSpec
	return t, json.Unmarshal(b, &t)
}

func (f *fakeBackend) Check(TaskSpec) error { return f.checkErr }

func (f *fakeBackend) Teach(ctx context.Context, task TaskSpec, dir string, progress func(Progress)) (*Result, error) {
	f.mu.Lock()
	f.taught = append(f.taught, task)
	gate, stepped, teachErr, evaluate := f.gate, f.stepped, f.teachErr, f.evaluate
	f.mu.Unlock()
	if teachErr != nil {
		return nil, teachErr
	}
	res := &Result{Dir: dir, Steps: task.Train.Steps}
	for step := 1; step <= task.Train.Steps; step++ {
		if gate != nil {
			select {
			case <-gate:
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			res.Stopped = true
			break
		}
		p := Progress{Step: step, Steps: task.Train.Steps, Loss: 1 / float64(step), Prob: float64(step) / 10, StepsPerSec: 5}
		if step%2 == 0 {
			p.Base, p.Adapted = flat(color.White), flat(color.Black)
		}
		progress(p)
		res.StepsDone = step
		if stepped != nil {
			stepped <- step
		}
	}
	if evaluate != nil { // like teach.Run: an evaluation Stop cannot cut short, then the files
		<-evaluate
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	res.Adapter = filepath.Join(dir, "adapter.safetensors")
	if err := os.WriteFile(res.Adapter, []byte(adapterContent), 0o644); err != nil {
		return nil, err
	}
	pass := judge.Result{Kind: "horizon", Found: true, Verdict: &judge.Verdict{Pass: true, Error: 1, Tolerance: 3, Units: "px at 64"}}
	fail := judge.Result{Kind: "horizon", Found: true, Verdict: &judge.Verdict{Pass: false, Error: 9, Tolerance: 3, Units: "px at 64"}}
	for i, seed := range task.Train.EvalSeeds {
		res.Seeds = append(res.Seeds, SeedResult{Seed: seed, Prompt: task.Prompts[i%len(task.Prompts)],
			Before: Rated{Image: flat(color.White), RaterProb: 0.2, Judge: fail},
			After:  Rated{Image: flat(color.Black), RaterProb: 0.9, Judge: pass}})
	}
	res.Before = Summary{Passed: 0, Of: len(res.Seeds), RaterProb: 0.2}
	res.After = &Summary{Passed: len(res.Seeds), Of: len(res.Seeds), RaterProb: 0.9, MeanChange: 0.05, RaterPassed: len(res.Seeds)}
	return res, nil
}

// RateBase gives question q of the i-th seed the probability 0.1(q+1) +
// 0.05i, and fails every seed.
func (f *fakeBackend) RateBase(ctx context.Context, task TaskSpec) (*BaseRating, error) {
	f.mu.Lock()
	f.rated = append(f.rated, task)
	gate := f.gate
	f.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fail := judge.Result{Kind: task.Judge.Kind, Found: true, Verdict: &judge.Verdict{Pass: false, Error: 9, Tolerance: 3, Units: "px at 64"}}
	r := &BaseRating{Questions: task.Questions, Summary: Summary{Of: len(task.Train.EvalSeeds)}}
	for i, seed := range task.Train.EvalSeeds {
		s := BaseSeed{Seed: seed, Prompt: task.Prompts[i%len(task.Prompts)], Rated: Rated{Image: flat(color.Gray{uint8(40 * i)}), Judge: fail}}
		logp := 0.0
		for q := range task.Questions {
			p := 0.1*float64(q+1) + 0.05*float64(i)
			s.Probs = append(s.Probs, p)
			logp += math.Log(p)
		}
		s.RaterProb = math.Exp(logp / float64(len(task.Questions)))
		r.Summary.RaterProb += s.RaterProb / float64(len(task.Train.EvalSeeds))
		r.Seeds = append(r.Seeds, s)
	}
	return r, nil
}

func (f *fakeBackend) teachCalls() []TaskSpec {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]TaskSpec(nil), f.taught...)
}

var errBoom = errors.New("the rater does not know the word \"castle\"")
