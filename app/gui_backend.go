package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"dualprocess/model"
	"dualprocess/training/teach"
	"dualprocess/training/vqa"
	"dualprocess/training/world"
	"dualprocess/ui"
)

// guiBackend is the Studio's ui.Backend on the generator and rater: the
// built-in ones unless paths are given. Each loads on first use, so the
// Generate tab works without the rater.
type guiBackend struct {
	genPath, raterPath string

	mu       sync.Mutex
	gen      *model.Generator
	rater    *model.Rater
	adapters map[string]*model.Adapter // loaded adapters by path
}

func newGUIBackend(genPath, raterPath string) *guiBackend {
	return &guiBackend{genPath: genPath, raterPath: raterPath, adapters: map[string]*model.Adapter{}}
}

// generator loads the generator once.
func (b *guiBackend) generator() (*model.Generator, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.gen == nil {
		g, err := loadGenerator(b.genPath)
		if err != nil {
			return nil, err
		}
		b.gen = g
	}
	return b.gen, nil
}

// load loads everything teaching needs: generator, rater and the learned judges.
func (b *guiBackend) load() (*models, error) {
	gen, err := b.generator()
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.rater == nil {
		r, err := loadRaterWeights(b.raterPath)
		if err != nil {
			return nil, err
		}
		if err := loadJudgeNets(); err != nil {
			return nil, err
		}
		b.rater = r
	}
	return &models{gen: gen, rater: b.rater}, nil
}

// Generate draws one image per seed with the adapters at their weights.
func (b *guiBackend) Generate(ctx context.Context, prompt string, seeds []int64, uses []ui.AdapterUse) ([]image.Image, error) {
	p, err := world.ParsePrompt(prompt)
	if err != nil {
		return nil, err
	}
	gen, err := b.generator()
	if err != nil {
		return nil, err
	}
	var actives []model.Active
	for _, u := range uses {
		a, err := b.adapter(gen, u.Path)
		if err != nil {
			return nil, err
		}
		if u.Weight != 0 {
			actives = append(actives, model.Active{Adapter: a, Weight: u.Weight})
		}
	}
	s, err := gen.NewSampler(len(seeds), actives...)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	ps, zs := make([]world.Prompt, len(seeds)), make([][]float64, len(seeds))
	for i, seed := range seeds {
		ps[i], zs[i] = p, world.Noise(seed)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	imgs, err := s.Generate(ps, zs)
	if err != nil {
		return nil, err
	}
	out := make([]image.Image, len(imgs))
	for i, img := range imgs {
		out[i] = img
	}
	return out, nil
}

// adapter is the loaded adapter at path, loading it when new.
func (b *guiBackend) adapter(gen *model.Generator, path string) (*model.Adapter, error) {
	b.mu.Lock()
	a := b.adapters[path]
	b.mu.Unlock()
	if a != nil {
		return a, nil
	}
	a, err := model.LoadAdapter(path, gen)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.adapters[path] = a
	b.mu.Unlock()
	return a, nil
}

// LoadAdapter (re)reads an adapter file, checks it fits the generator, and
// describes it from the task stored in it.
func (b *guiBackend) LoadAdapter(path string) (ui.AdapterInfo, error) {
	gen, err := b.generator()
	if err != nil {
		return ui.AdapterInfo{}, err
	}
	a, err := model.LoadAdapter(path, gen)
	if err != nil {
		return ui.AdapterInfo{}, err
	}
	b.mu.Lock()
	b.adapters[path] = a
	b.mu.Unlock()
	info := ui.AdapterInfo{Path: path, Name: strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))}
	var task teach.Task
	if len(a.Config.Task) > 0 && json.Unmarshal(a.Config.Task, &task) == nil {
		if task.Name != "" {
			info.Name = task.Name
		}
		info.Description, info.TrainWeight = task.Description, task.Train.TrainWeight
	}
	return info, nil
}

// Answers are the rater's answers.
func (b *guiBackend) Answers() []string { return vqa.Answers }

// Tasks are the built-in tasks.
func (b *guiBackend) Tasks() []string { return builtinTasks() }

// Task reads a built-in task or a task file; "" is an empty task with the
// default training settings.
func (b *guiBackend) Task(nameOrPath string) (ui.TaskSpec, error) {
	if nameOrPath == "" {
		var spec ui.TaskSpec
		tr := teach.Defaults
		tr.LearningRate, tr.Targets = 0, "" // left to the judge (teach.Task.Taught)
		err := convert(teach.Task{Train: tr}, &spec)
		return spec, err
	}
	t, err := loadTask(nameOrPath)
	if err != nil {
		return ui.TaskSpec{}, err
	}
	var spec ui.TaskSpec
	return spec, convert(t, &spec)
}

// Check validates a task and its questions' words and answers.
func (b *guiBackend) Check(spec ui.TaskSpec) error {
	_, err := b.task(spec)
	return err
}

// task turns the window's task into a teach.Task and checks it, the
// questions' words and answers against the rater too.
func (b *guiBackend) task(spec ui.TaskSpec) (*teach.Task, error) {
	t, err := parseSpec(spec)
	if err != nil {
		return nil, err
	}
	m, err := b.load()
	if err != nil {
		return nil, err
	}
	return t, m.checkQuestions(t)
}

// parseSpec turns the window's task into a checked teach.Task.
func parseSpec(spec ui.TaskSpec) (*teach.Task, error) {
	raw, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	t, err := teach.ParseTask(raw)
	if err != nil {
		return nil, err
	}
	if _, err := t.Drawing(); err != nil {
		return nil, err
	}
	return t, nil
}

// convert copies between a teach.Task and a ui.TaskSpec through their
// shared task-file JSON; a field one side lacks is an error.
func convert(from, to any) error {
	raw, err := json.Marshal(from)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(to); err != nil {
		return fmt.Errorf("task: %w", err)
	}
	return nil
}

// Teach runs the task into dir, reporting progress, and returns the result
// with the evaluation images drawn again from the saved adapter.
func (b *guiBackend) Teach(ctx context.Context, spec ui.TaskSpec, dir string, progress func(ui.Progress)) (*ui.Result, error) {
	t, err := b.task(spec)
	if err != nil {
		return nil, err
	}
	m, err := b.load()
	if err != nil {
		return nil, err
	}
	events := make(chan teach.Event, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		forwardProgress(events, progress)
	}()
	rep, err := teach.Run(ctx, t, m.gen, teach.NewFrozenRater(m.rater), dir, events)
	close(events)
	<-done
	if rep == nil {
		return nil, err
	}
	res, rerr := result(m, t, rep, dir)
	if err == nil {
		err = rerr
	}
	return res, err
}

// forwardProgress turns the run's events into progress reports; a preview
// comes with the latest step's numbers.
func forwardProgress(events <-chan teach.Event, progress func(ui.Progress)) {
	var last ui.Progress
	for ev := range events {
		switch ev.Kind {
		case "progress":
			last = ui.Progress{Step: ev.Step, Steps: ev.Steps, Loss: ev.Loss, Prob: ev.Prob, StepsPerSec: ev.StepsPerSec, ETA: ev.ETA}
			progress(last)
		case "preview":
			p := last
			p.Base, p.Adapted = ev.Base, ev.Adapted
			progress(p)
		}
	}
}

// result is the report with the evaluation images, drawn again (the
// generator is deterministic) without and with the saved adapter.
func result(m *models, t *teach.Task, rep *teach.Report, dir string) (*ui.Result, error) {
	res := &ui.Result{Dir: dir, StepsDone: len(rep.Curve), Steps: rep.Steps, Stopped: rep.Stopped,
		Before: summary(rep.Before)}
	base, err := m.gen.NewSampler(1)
	if err != nil {
		return res, err
	}
	defer base.Close()
	var adapted *model.Sampler
	if rep.After != nil {
		path := filepath.Join(dir, teach.AdapterFile)
		a, err := model.LoadAdapter(path, m.gen)
		if err != nil {
			return res, err
		}
		if adapted, err = m.gen.NewSampler(1, model.Active{Adapter: a, Weight: t.Train.TrainWeight}); err != nil {
			return res, err
		}
		defer adapted.Close()
		s := summary(*rep.After)
		res.After, res.Adapter = &s, path
	}
	for _, e := range rep.Eval {
		sr := ui.SeedResult{Seed: e.Seed, Prompt: e.Prompt,
			Before: ui.Rated{RaterProb: e.Before.RaterProb, Judge: e.Before.Judge}}
		if sr.Before.Image, err = drawOne(base, e.Prompt, e.Seed); err != nil {
			return res, err
		}
		if e.After != nil && adapted != nil {
			sr.After = ui.Rated{RaterProb: e.After.RaterProb, Judge: e.After.Judge}
			if sr.After.Image, err = drawOne(adapted, e.Prompt, e.Seed); err != nil {
				return res, err
			}
		}
		res.Seeds = append(res.Seeds, sr)
	}
	if _, err := os.Stat(filepath.Join(dir, teach.ReportFile)); err != nil {
		return res, fmt.Errorf("the run wrote no report: %w", err)
	}
	return res, nil
}

func summary(s teach.Summary) ui.Summary {
	return ui.Summary{Passed: s.JudgePassed, Of: s.Of, RaterProb: s.RaterProb, MeanChange: s.MeanChange,
		RaterPassed: s.RaterPassed, RaterFooled: s.RaterFooled}
}

// drawOne is one image of a batch-1 sampler.
func drawOne(s *model.Sampler, prompt string, seed int64) (image.Image, error) {
	p, err := world.ParsePrompt(prompt)
	if err != nil {
		return nil, err
	}
	imgs, err := s.Generate([]world.Prompt{p}, [][]float64{world.Noise(seed)})
	if err != nil {
		return nil, err
	}
	return imgs[0], nil
}
