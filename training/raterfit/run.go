package raterfit

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"dualprocess/model"
	"dualprocess/model/safetensors"
	"dualprocess/training/vqa"

	"gorgonia.org/tensor"
)

// Run is a training run's state: settings, weights, optimiser moments, the
// next step and the logged curve. Its checkpoint file holds all of it.
type Run struct {
	Config  Config
	Rater   *model.Rater
	Step    int
	Adam    *model.AdamState // nil before the first save
	History []Point
	// Errors is the recent error rate of each family (vqa.Families order),
	// a moving average over training batches; it steers the family mix.
	Errors []float64
}

// familyWeights is the chance of each family in the next batch: a share
// 1-Focus uniform, Focus in proportion to the family's recent error rate.
// With more than one question per image the text-only families that the
// further questions cover (all but sky, whose own examples repaint the
// sky) are not drawn at all: every image then carries a drawing, and the
// families that compare an image with a drawing, which learn slowest, get
// the examples. A stage that lists its Families draws exactly those,
// text-only ones included: its presence questions are then balanced per
// question (the further questions take the answer the scene gives, so
// "Are there mountains?" is mostly no there).
func (run *Run) familyWeights() []float64 {
	n := len(vqa.Families())
	if len(run.Errors) != n {
		run.Errors = make([]float64, n)
		for i := range run.Errors {
			run.Errors[i] = 0.5
		}
	}
	var sum float64
	for _, e := range run.Errors {
		sum += e
	}
	w := make([]float64, n)
	for i, e := range run.Errors {
		w[i] = (1-run.Config.Focus)/float64(n) + run.Config.Focus*e/max(sum, 1e-9)
		f := vqa.Families()[i]
		if listed := run.Config.Families; len(listed) > 0 && !slices.Contains(listed, f) ||
			len(listed) == 0 && run.Config.Questions > 1 && f != "sky" && slices.Contains(textFamilies, f) {
			w[i] = 0
		}
	}
	return w
}

// trackErrors folds the right and wrong answers to a batch's own
// questions (the first of each example's n) into Errors.
func (run *Run) trackErrors(batch []Example, probs [][]float64, n int) {
	fams := vqa.Families()
	for i, ex := range batch {
		k := slices.Index(fams, ex.Family)
		if k < 0 || k >= len(run.Errors) {
			continue
		}
		wrong := 1.0
		if strings.EqualFold(run.Rater.Predicted(probs[i*n]), ex.Answer) {
			wrong = 0
		}
		run.Errors[k] += 0.01 * (wrong - run.Errors[k])
	}
}

// errorSummary lists the recent error rates of the families drawn for the
// images' own questions, for the log.
func (run *Run) errorSummary() string {
	var b strings.Builder
	w := run.familyWeights()
	for i, f := range vqa.Families() {
		if i < len(run.Errors) && w[i] > 0 {
			fmt.Fprintf(&b, "%s %.2f ", f, run.Errors[i])
		}
	}
	return strings.TrimSpace(b.String())
}

// pickWeighted draws an index with probability proportional to its weight.
func pickWeighted(rng *rand.Rand, w []float64) int {
	var sum float64
	for _, v := range w {
		sum += v
	}
	x := rng.Float64() * sum
	for i, v := range w {
		if x < v {
			return i
		}
		x -= v
	}
	return len(w) - 1
}

// Point is one logged window of training.
type Point struct {
	Step int     `json:"step"`
	Loss float64 `json:"loss"`
	Acc  float64 `json:"acc"`            // training accuracy over the window
	Eval float64 `json:"eval,omitempty"` // held-out accuracy, when evaluated
}

// NewRun starts a run with fresh weights over the vqa vocabulary.
func NewRun(cfg Config) (*Run, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r, err := model.NewRater(cfg.Model, vqa.Words(), vqa.Answers, cfg.Seed)
	if err != nil {
		return nil, err
	}
	return &Run{Config: cfg, Rater: r}, nil
}

const checkpointFormat = "dualprocess-rater-checkpoint-v1"

// Save writes the checkpoint atomically: the rater's tensors and metadata,
// "adam.m/<param>" and "adam.v/<param>" (and "adam.w0/<param>" with an
// anchor), and the run's own metadata.
func (run *Run) Save(path string) error {
	f, err := run.Rater.Tensors()
	if err != nil {
		return fmt.Errorf("save checkpoint %s: %w", path, err)
	}
	adamT := 0
	if run.Adam != nil {
		adamT = run.Adam.T
		for name, m := range run.Adam.M {
			f.Tensors["adam.m/"+name] = safetensors.NewF32(m, len(m))
			f.Tensors["adam.v/"+name] = safetensors.NewF32(run.Adam.V[name], len(m))
			if w0, ok := run.Adam.W0[name]; ok {
				f.Tensors["adam.w0/"+name] = safetensors.NewF32(w0, len(w0))
			}
		}
	}
	cfg, _ := json.Marshal(run.Config)
	hist, _ := json.Marshal(run.History)
	f.Metadata["rater_format"] = f.Metadata["format"]
	f.Metadata["format"] = checkpointFormat
	errs, _ := json.Marshal(run.Errors)
	f.Metadata["run"], f.Metadata["history"], f.Metadata["errors"] = string(cfg), string(hist), string(errs)
	f.Metadata["step"], f.Metadata["adam_t"] = strconv.Itoa(run.Step), strconv.Itoa(adamT)
	if err := safetensors.Write(path, f); err != nil {
		return fmt.Errorf("save checkpoint: %w", err)
	}
	return nil
}

// LoadRun reads a checkpoint written by Save.
func LoadRun(path string) (*Run, error) {
	f, err := safetensors.Read(path)
	if err != nil {
		return nil, fmt.Errorf("load checkpoint: %w", err)
	}
	run, err := runFrom(f)
	if err != nil {
		return nil, fmt.Errorf("load checkpoint %s: %w", path, err)
	}
	return run, nil
}

func runFrom(f *safetensors.File) (*Run, error) {
	if err := f.CheckFormat(checkpointFormat); err != nil {
		return nil, err
	}
	run := &Run{}
	if err := json.Unmarshal([]byte(f.Metadata["run"]), &run.Config); err != nil {
		return nil, fmt.Errorf("metadata run: %w", err)
	}
	if err := json.Unmarshal([]byte(f.Metadata["history"]), &run.History); err != nil {
		return nil, fmt.Errorf("metadata history: %w", err)
	}
	if err := json.Unmarshal([]byte(f.Metadata["errors"]), &run.Errors); err != nil {
		return nil, fmt.Errorf("metadata errors: %w", err)
	}
	var err error
	var adamT int
	if run.Step, err = strconv.Atoi(f.Metadata["step"]); err != nil || run.Step < 0 {
		return nil, fmt.Errorf("metadata step %q", f.Metadata["step"])
	}
	if adamT, err = strconv.Atoi(f.Metadata["adam_t"]); err != nil || adamT < 0 {
		return nil, fmt.Errorf("metadata adam_t %q", f.Metadata["adam_t"])
	}
	if err := run.Config.Validate(); err != nil {
		return nil, err
	}
	if adamT > 0 {
		run.Adam = &model.AdamState{T: adamT, M: map[string][]float32{}, V: map[string][]float32{}}
	}
	weights := &safetensors.File{Metadata: map[string]string{}, Tensors: map[string]safetensors.Tensor{}}
	for k, v := range f.Metadata {
		weights.Metadata[k] = v
	}
	weights.Metadata["format"] = f.Metadata["rater_format"]
	for name, t := range f.Tensors {
		param, isM := strings.CutPrefix(name, "adam.m/")
		param, isV := strings.CutPrefix(param, "adam.v/")
		param, isW0 := strings.CutPrefix(param, "adam.w0/")
		switch {
		case !isM && !isV && !isW0:
			weights.Tensors[name] = t
		case run.Adam == nil || t.DType != safetensors.F32:
			return nil, fmt.Errorf("unexpected tensor %q", name)
		case isM:
			run.Adam.M[param] = t.F32
		case isV:
			run.Adam.V[param] = t.F32
		default:
			if run.Adam.W0 == nil {
				run.Adam.W0 = map[string][]float32{}
			}
			run.Adam.W0[param] = t.F32
		}
	}
	if run.Rater, err = model.RaterFrom(weights); err != nil {
		return nil, err
	}
	return run, nil
}

// InitFrom copies into the run's rater every weight of from that has the
// same name and shape (fine-tuning a rater into a larger architecture), and
// the first outputs of a layer that now has more; the rest keep their
// fresh values. The run's vocabulary may hold words from lacks (questions
// added since): they go after from's words, with embeddings of zero. It
// returns how many tensors it copied and the names of those left fresh
// (and of the new words' embeddings).
func (run *Run) InitFrom(from *model.Rater) (copied int, fresh []string, err error) {
	extra := slices.DeleteFunc(slices.Clone(run.Rater.Words), func(w string) bool { return slices.Contains(from.Words, w) })
	if len(from.Words)+len(extra) != len(run.Rater.Words) || !sameSet(from.Answers, run.Rater.Answers) {
		return 0, nil, fmt.Errorf("init rater: its vocabulary (%d words, %d answers) is not part of the training data's (%d, %d)",
			len(from.Words), len(from.Answers), len(run.Rater.Words), len(run.Rater.Answers))
	}
	if words := slices.Concat(from.Words, extra); !slices.Equal(words, run.Rater.Words) || !slices.Equal(from.Answers, run.Rater.Answers) {
		// another order: take from's, so its embeddings fit
		if run.Rater, err = model.NewRater(run.Rater.Config, words, from.Answers, run.Config.Seed); err != nil {
			return 0, nil, err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(run.Rater.Params)) {
		p, q := run.Rater.Params[name], from.Params[name]
		switch {
		case q == nil || q.Dtype() != p.Dtype():
			fresh = append(fresh, name)
		case q.Shape().Eq(p.Shape()):
			run.Rater.Params[name] = q.Clone().(*tensor.Dense)
			copied++
		case slices.Equal(q.Shape()[1:], p.Shape()[1:]) && q.Shape()[0] < p.Shape()[0]:
			// a layer with more outputs (more auxiliary maps): the old ones carry over
			n := q.Shape().TotalSize()
			copyRows(p, q, n, n)
			copied++
		case name == "words.weight" && q.Shape()[0] == p.Shape()[0]:
			// (Embed, words+1): each row keeps its old words, the new ones start at zero
			copyRows(p, q, q.Shape()[1], p.Shape()[1])
			copied++
			fresh = append(fresh, fmt.Sprintf("words.weight for %q", extra))
		default:
			fresh = append(fresh, name)
		}
	}
	if copied == 0 {
		return 0, nil, fmt.Errorf("init rater: no weight matches the new architecture by name and shape")
	}
	return copied, fresh, nil
}

// copyRows copies q's data into p row by row: q's rows of n values to the
// start of p's rows of stride values, the rest of each row zeroed.
func copyRows(p, q *tensor.Dense, n, stride int) {
	switch d := p.Data().(type) {
	case []float32:
		copyRowsOf(d, q.Data().([]float32), n, stride)
	case []float64:
		copyRowsOf(d, q.Data().([]float64), n, stride)
	}
}

func copyRowsOf[T float32 | float64](dst, src []T, n, stride int) {
	for r := 0; r*n < len(src); r++ {
		row := dst[r*stride : (r+1)*stride]
		clear(row[copy(row, src[r*n:(r+1)*n]):])
	}
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}
