package ui

import (
	"context"
	"image"
	"time"

	"dualprocess/training/judge"
	"dualprocess/training/visual"
)

// Backend is what the window needs from the models: drawing samples,
// loading adapters, rating and teaching. app/gui_backend.go implements it
// on the built-in generator and rater; the tests use a fake. The window
// calls the slow methods (Generate, LoadAdapter, Check, RateBase, Teach)
// from goroutines.
type Backend interface {
	// Generate draws one image per seed for prompt, with the adapters
	// composed at their weights.
	Generate(ctx context.Context, prompt string, seeds []int64, adapters []AdapterUse) ([]image.Image, error)
	// LoadAdapter reads an adapter file and checks that it fits the generator.
	LoadAdapter(path string) (AdapterInfo, error)
	// Answers lists the answers the rater gives.
	Answers() []string
	// Tasks lists the built-in tasks by name.
	Tasks() []string
	// Task reads a built-in task by name, or a task file by path, checked
	// and with the default training settings filled in. Task("") is an
	// empty task with the defaults.
	Task(nameOrPath string) (TaskSpec, error)
	// Check names every problem of a task: its fields, question words the
	// rater does not know, answers it never gives.
	Check(task TaskSpec) error
	// RateBase scores the base generator's samples for the task without
	// teaching (teach --vanilla): every evaluation seed with the rater's
	// probability of each question's desired answer and the judge's
	// verdict. Cancelling ctx stops it with ctx's error.
	RateBase(ctx context.Context, task TaskSpec) (*BaseRating, error)
	// Teach trains an adapter for the task, writing the run's outputs into
	// dir and calling progress (on the worker's goroutine) as it goes.
	// Cancelling ctx stops early; the result is still evaluated and returned.
	Teach(ctx context.Context, task TaskSpec, dir string, progress func(Progress)) (*Result, error)
}

// AdapterUse is one adapter applied at a weight.
type AdapterUse struct {
	Path   string
	Weight float64
}

// AdapterInfo describes a loaded adapter file.
type AdapterInfo struct {
	Path        string
	Name        string  // the task it was taught, or the file name
	Description string  // what it was taught, when known
	TrainWeight float64 // the weight it was taught at (0: unknown)
}

// TaskSpec is a teaching task as the window edits it; it has the shape of a
// task file (see the README), so it saves as one.
type TaskSpec struct {
	Schema      string       `json:"$schema,omitempty"` // a JSON Schema reference a file came with: kept, not read
	Name        string       `json:"name"`
	Description string       `json:"description,omitempty"`
	Prompts     []string     `json:"prompts"`
	Questions   []QA         `json:"questions"`
	Visual      VisualSpec   `json:"visual_prompt"`
	Judge       judge.Target `json:"judge"`
	Train       TrainSpec    `json:"train"`
}

// QA is a question and its desired answer.
type QA struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// VisualSpec is the drawing laid over generated images: an optional square
// image (an absolute path once loaded; resized to 64x64) with strokes
// drawn over it.
type VisualSpec struct {
	Image   string          `json:"image,omitempty"`
	Strokes []visual.Stroke `json:"strokes,omitempty"`
	Mode    visual.Mode     `json:"mode,omitempty"`
}

// TrainSpec is a task's training settings, as in a task file; the window
// edits steps and learning rate and keeps the rest as loaded.
type TrainSpec struct {
	Steps        int     `json:"steps,omitempty"`
	LearningRate float64 `json:"learning_rate,omitempty"`
	Rank         int     `json:"rank,omitempty"`
	TrainWeight  float64 `json:"train_weight,omitempty"`
	Batch        int     `json:"batch,omitempty"`
	ClipNorm     float64 `json:"clip_norm,omitempty"`
	TrainSeed    int64   `json:"train_seed,omitempty"`
	EvalSeeds    []int64 `json:"eval_seeds,omitempty"`
	Targets      string  `json:"targets,omitempty"`
	PreviewEvery int     `json:"preview_every,omitempty"`
	Noise        float64 `json:"noise,omitempty"`
	Shift        int     `json:"shift,omitempty"`
	Preserve     float64 `json:"preserve,omitempty"`
	Temperature  float64 `json:"temperature,omitempty"`
	Darken       float64 `json:"darken,omitempty"`
}

// Progress is a teaching run's state after a step.
type Progress struct {
	Step, Steps int
	Loss, Prob  float64 // the step's loss and the rater's probability exp(-loss)
	StepsPerSec float64
	ETA         time.Duration
	// Base and Adapted are a preview (one seed without and with the
	// adapter); nil between previews.
	Base, Adapted image.Image
}

// Result is a finished (or stopped) teaching run.
type Result struct {
	Dir       string // the run's outputs
	Adapter   string // the adapter file in Dir
	StepsDone int
	Steps     int
	Stopped   bool
	Before    Summary
	After     *Summary // nil when there is no adapter to evaluate
	Seeds     []SeedResult
}

// Summary is how the evaluation seeds fared.
type Summary struct {
	Passed, Of int     // seeds the judge passed
	RaterProb  float64 // mean rater probability of the desired answers
	// After teaching: the mean absolute RGB difference (0..1) between the
	// adapted and the base images; a large one warns of a collapsed image.
	MeanChange float64
	// The seeds the rater passes (probability at least 0.5) and, of them,
	// those the judge fails: how often the rater was fooled.
	RaterPassed, RaterFooled int
}

// SeedResult is one evaluation seed before and after teaching.
type SeedResult struct {
	Seed          int64
	Prompt        string
	Before, After Rated // After.Image is nil without an adapter
}

// BaseRating is how the base generator, untaught, fares on a task.
type BaseRating struct {
	Questions []QA
	Seeds     []BaseSeed
	Summary   Summary
}

// BaseSeed is one evaluation seed of the base generator: its image, the
// rater's mean probability and the judge's result, and the rater's
// probability of each question's desired answer.
type BaseSeed struct {
	Seed   int64
	Prompt string
	Rated
	Probs []float64 // one per question, in order
}

// Rated is one evaluation image with the rater's probability and the
// judge's measurement and verdict.
type Rated struct {
	Image     image.Image
	RaterProb float64
	Judge     judge.Result
}

// Pass reports the judge's verdict.
func (r Rated) Pass() bool { return r.Judge.Verdict != nil && r.Judge.Verdict.Pass }
