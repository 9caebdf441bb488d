package teach

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dualprocess/model"
	"dualprocess/training/visual"
	"dualprocess/training/world"
)

// Rater is the frozen rater as teaching uses it.
type Rater interface {
	// LogProb builds, into the graph of images (N, 3, H, W), the rater's
	// log-probability of answer to question for each image with overlay
	// laid over it (nil: none), as an (N) vector. Its weights get no gradient.
	LogProb(images *G.Node, overlay *visual.Overlay, question, answer string) (*G.Node, error)
	// Prob is p(answer) for one image, without gradients.
	Prob(img image.Image, overlay *visual.Overlay, question, answer string) (float64, error)
}

// Event is what a run reports to a front end while it works.
type Event struct {
	Kind        string  // "progress", "preview", "done" or "error"
	Step, Steps int     // steps done so far, of Steps
	Loss, Prob  float64 // the step's loss and the rater's probability exp(-loss)
	StepsPerSec float64
	ETA         time.Duration
	Base        *image.RGBA // preview: the preview seed without the adapter
	Adapted     *image.RGBA // preview: with the adapter at the train weight
	Report      *Report     // done
	Err         error       // error
}

// ErrNotFinite is returned when the loss or gradient stops being a number.
var ErrNotFinite = errors.New("loss or gradient is not a finite number")

// session is one teaching run's state: the stages of a step are its methods.
type session struct {
	task     *Task
	gen      *model.Generator
	rater    Rater
	overlay  *visual.Overlay
	adapter  *model.Adapter
	net      *model.Net
	vm       G.VM
	loss     *G.Node
	opt      *model.Adam
	prompts  []world.Prompt
	noise    *G.Node // (Batch, 3, H, W) added to the images before rating; nil: none
	shift    *G.Node // (Batch, 2) offsets the images are moved by before rating; nil: none
	shifted  *G.Node // the images so moved
	shiftRng *rand.Rand
	base     *G.Node        // (Batch, 3, H, W) the base model's images of the step (Preserve > 0); nil: none
	dark     *G.Node        // (Batch, H, W) the luma a pixel may not fall below (Darken > 0); nil: none
	total    *G.Node        // the loss the optimiser minimises: loss plus the preservation term
	sampler  *model.Sampler // draws the base images
	rng      *rand.Rand
	events   chan<- Event
	// poison, for tests, makes the loss of that step NaN (0: never).
	poison int
}

// Teach trains an adapter for the task. It stops early, still reporting,
// when ctx is cancelled. events may be nil.
func Teach(ctx context.Context, task *Task, gen *model.Generator, rater Rater, events chan<- Event) (*Report, *model.Adapter, error) {
	s, err := newSession(task, gen, rater, events)
	if err != nil {
		return nil, nil, err
	}
	defer s.vm.Close()
	if s.sampler != nil {
		defer s.sampler.Close()
	}
	return s.run(ctx)
}

func newSession(task *Task, gen *model.Generator, rater Rater, events chan<- Event) (*session, error) {
	task = task.Taught()
	s := &session{task: task, gen: gen, rater: rater, events: events, prompts: task.ParsedPrompts()}
	var err error
	if s.overlay, err = task.RaterOverlay(); err != nil {
		return nil, err
	}
	tr := task.Train
	targets := []string(nil) // all layers
	if tr.Targets != "all" {
		targets = strings.Split(tr.Targets, ",")
	}
	if s.adapter, err = gen.NewAdapter(tr.Rank, float64(tr.Rank), targets, uint64(tr.TrainSeed)); err != nil {
		return nil, fmt.Errorf("teach: %w", err)
	}
	g := G.NewGraph()
	active := model.Active{Adapter: s.adapter, Weight: tr.TrainWeight, Train: true}
	if s.net, err = gen.Build(g, model.Options{Batch: tr.Batch, Adapters: []model.Active{active}}); err != nil {
		return nil, fmt.Errorf("teach: %w", err)
	}
	rated := s.net.Image
	if tr.Shift > 0 {
		if rated, err = s.addShift(rated); err != nil {
			return nil, fmt.Errorf("teach: %w", err)
		}
	}
	if tr.Noise > 0 {
		s.noise = G.NewTensor(g, rated.Dtype(), 4, G.WithShape(rated.Shape()...), G.WithName("teach.noise"))
		if rated, err = G.Add(rated, s.noise); err != nil {
			return nil, fmt.Errorf("teach: %w", err)
		}
		s.rng = rand.New(rand.NewPCG(uint64(tr.TrainSeed), 99))
	}
	if s.loss, err = s.lossNode(rated); err != nil {
		return nil, fmt.Errorf("teach: %w", err)
	}
	s.total = s.loss
	if tr.Preserve > 0 {
		if err := s.addPreservation(); err != nil {
			return nil, fmt.Errorf("teach: %w", err)
		}
	}
	if tr.Darken > 0 {
		if s.base == nil {
			return nil, errors.New("teach: the darkening penalty needs the base images: a positive preservation weight")
		}
		if err := s.addDarkening(); err != nil {
			return nil, fmt.Errorf("teach: %w", err)
		}
	}
	if err := s.addNoisePrior(); err != nil {
		return nil, fmt.Errorf("teach: %w", err)
	}
	if s.vm, err = model.NewTrainMachine(s.total, s.net.Params); err != nil {
		return nil, fmt.Errorf("teach: %w", err)
	}
	s.opt = model.NewAdam(tr.LearningRate)
	s.opt.ClipNorm = tr.ClipNorm
	return s, nil
}

// multiRater is a Rater that can ask several questions about each image in
// one pass (FrozenRater): the image is encoded once for all of them.
type multiRater interface {
	LogProbs(images *G.Node, overlay *visual.Overlay, qas []QA) (*G.Node, error)
}

// temperedRater can answer at a temperature (FrozenRater, Ensemble), all
// the questions in one pass or, for a rater that reads one question per
// pass, one at a time. A rater without it, such as the pixel oracle, which
// has no answers, is asked as it is.
type temperedRater interface {
	TemperedLogProbs(images *G.Node, overlay *visual.Overlay, qas []QA, t float64) (*G.Node, error)
	TemperedLogProb(images *G.Node, overlay *visual.Overlay, question, answer string, t float64) (*G.Node, error)
}

// lossNode is the rater's mean cross-entropy of the desired answers over the
// batch and the question/answer pairs, at the task's temperature.
func (s *session) lossNode(images *G.Node) (*G.Node, error) {
	temp := s.task.Train.Temperature
	tr, tempered := s.rater.(temperedRater)
	if tempered && temp != 1 {
		if lp, err := tr.TemperedLogProbs(images, s.overlay, s.task.Questions, temp); err == nil {
			return negMean(lp)
		} // a rater that reads one question per pass: one rater per question
	} else if m, ok := s.rater.(multiRater); ok && len(s.task.Questions) > 1 {
		if lp, err := m.LogProbs(images, s.overlay, s.task.Questions); err == nil {
			return negMean(lp)
		}
	}
	means := make([]*G.Node, len(s.task.Questions))
	for i, qa := range s.task.Questions {
		var lp *G.Node
		var err error
		if tempered {
			lp, err = tr.TemperedLogProb(images, s.overlay, qa.Question, strings.ToLower(qa.Answer), temp)
		} else {
			lp, err = s.rater.LogProb(images, s.overlay, qa.Question, strings.ToLower(qa.Answer))
		}
		if err != nil {
			return nil, err
		}
		if means[i], err = G.Mean(lp); err != nil {
			return nil, err
		}
	}
	mean, err := meanOf(means)
	if err != nil {
		return nil, err
	}
	return G.Neg(mean)
}

// meanOf is the elementwise mean of same-shape nodes (at least one).
func meanOf(nodes []*G.Node) (*G.Node, error) {
	sum := nodes[0]
	for _, n := range nodes[1:] {
		var err error
		if sum, err = G.Add(sum, n); err != nil {
			return nil, err
		}
	}
	if len(nodes) == 1 {
		return sum, nil
	}
	return G.Mul(sum, constantOf(sum.Dtype(), 1/float64(len(nodes))))
}

// constantOf is a scalar constant v in the dtype dt (float32 or float64).
func constantOf(dt tensor.Dtype, v float64) *G.Node {
	if dt == tensor.Float32 {
		return G.NewConstant(float32(v))
	}
	return G.NewConstant(v)
}

// run is the loop: noise, generate, overlay, rate, loss, backprop, clip, step, report.
func (s *session) run(ctx context.Context) (*Report, *model.Adapter, error) {
	tr := s.task.Train
	rep := newReport(s.task)
	rep.Steps = tr.Steps
	start := time.Now()
	for step := 0; step < tr.Steps; step++ {
		if ctx.Err() != nil {
			rep.Stopped = true
			break
		}
		prompts, zs := s.batch(step)
		if err := s.net.SetInputs(prompts, zs); err != nil {
			return nil, nil, err
		}
		if err := s.drawNoise(); err != nil {
			return nil, nil, err
		}
		if err := s.drawShift(); err != nil {
			return nil, nil, err
		}
		if err := s.drawBase(prompts, zs); err != nil {
			return nil, nil, err
		}
		s.vm.Reset()
		if err := s.vm.RunAll(); err != nil {
			return nil, nil, fmt.Errorf("teach step %d: %w", step+1, err)
		}
		loss := scalar(s.loss.Value())
		if step+1 == s.poison {
			loss = math.NaN()
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return s.fail(rep, start, fmt.Errorf("step %d: %w (loss %v); the adapter keeps its last good weights", step+1, ErrNotFinite, loss))
		}
		before := snapshot(s.adapter)
		norm, err := s.opt.Step(s.net.Params)
		if err != nil {
			return nil, nil, fmt.Errorf("teach step %d: %w", step+1, err)
		}
		if math.IsNaN(norm) || math.IsInf(norm, 0) {
			restore(s.adapter, before)
			return s.fail(rep, start, fmt.Errorf("step %d: %w (gradient norm %v); the adapter keeps its last good weights", step+1, ErrNotFinite, norm))
		}
		rep.Curve = append(rep.Curve, Point{Step: step + 1, Loss: loss, Prob: math.Exp(-loss), GradNorm: norm})
		s.progress(step+1, loss, start)
		if (step+1)%tr.PreviewEvery == 0 || step+1 == tr.Steps {
			s.preview(step + 1)
		}
	}
	rep.TrainSeconds = time.Since(start).Seconds()
	if n := len(rep.Curve); n > 0 {
		rep.StepsPerSec = float64(n) / rep.TrainSeconds
	}
	return rep, s.adapter, nil
}

// drawNoise binds fresh Gaussian noise for the step's images.
func (s *session) drawNoise() error {
	if s.noise == nil {
		return nil
	}
	v := make([]float64, s.noise.Shape().TotalSize())
	for i := range v {
		v[i] = s.rng.NormFloat64() * s.task.Train.Noise
	}
	return letFloats(s.noise, v)
}

// batch gives step's prompts (in turn) and training noises.
func (s *session) batch(step int) ([]world.Prompt, [][]float64) {
	b := s.task.Train.Batch
	prompts, zs := make([]world.Prompt, b), make([][]float64, b)
	for i := range prompts {
		k := step*b + i
		prompts[i] = s.prompts[k%len(s.prompts)]
		zs[i] = world.Noise(s.task.Train.TrainSeed + int64(k))
	}
	return prompts, zs
}

func (s *session) fail(rep *Report, start time.Time, err error) (*Report, *model.Adapter, error) {
	rep.TrainSeconds = time.Since(start).Seconds()
	rep.Error = err.Error()
	return rep, s.adapter, err
}

func (s *session) send(e Event) {
	if s.events != nil {
		s.events <- e
	}
}

func (s *session) progress(step int, loss float64, start time.Time) {
	el := time.Since(start)
	rate := float64(step) / el.Seconds()
	eta := time.Duration(float64(s.task.Train.Steps-step) / rate * float64(time.Second))
	s.send(Event{Kind: "progress", Step: step, Steps: s.task.Train.Steps, Loss: loss, Prob: math.Exp(-loss),
		StepsPerSec: rate, ETA: eta})
}

// preview draws the first evaluation seed without and with the adapter.
func (s *session) preview(step int) {
	if s.events == nil {
		return
	}
	p, seed := s.prompts[0], s.task.Train.EvalSeeds[0]
	base, err1 := s.gen.Generate(p, seed)
	adapted, err2 := s.gen.Generate(p, seed, model.Active{Adapter: s.adapter, Weight: s.task.Train.TrainWeight})
	if err := errors.Join(err1, err2); err != nil {
		s.send(Event{Kind: "error", Err: fmt.Errorf("preview: %w", err)})
		return
	}
	s.send(Event{Kind: "preview", Step: step, Steps: s.task.Train.Steps, Base: base, Adapted: adapted})
}

func scalar(v G.Value) float64 {
	switch x := v.Data().(type) {
	case float32:
		return float64(x)
	case float64:
		return x
	case []float32:
		return float64(x[0])
	case []float64:
		return x[0]
	}
	return math.NaN()
}

// snapshot copies the adapter's factors; restore puts them back.
func snapshot(a *model.Adapter) map[string][]float32 {
	m := map[string][]float32{}
	for name, t := range a.A {
		m["A."+name] = slices.Clone(t.Data().([]float32))
	}
	for name, t := range a.B {
		m["B."+name] = slices.Clone(t.Data().([]float32))
	}
	return m
}

func restore(a *model.Adapter, m map[string][]float32) {
	for name, t := range a.A {
		copy(t.Data().([]float32), m["A."+name])
	}
	for name, t := range a.B {
		copy(t.Data().([]float32), m["B."+name])
	}
}

// negMean is minus the mean of a node's values.
func negMean(n *G.Node) (*G.Node, error) {
	mean, err := G.Mean(n)
	if err != nil {
		return nil, err
	}
	return G.Neg(mean)
}
