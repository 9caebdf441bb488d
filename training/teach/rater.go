package teach

import (
	"fmt"
	"image"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dualprocess/model"
	"dualprocess/training/visual"
)

// FrozenRater adapts the built-in rater (model.Rater) to the loop: it builds
// one frozen rater per question onto the generator's image node, and keeps a
// compiled batch-1 rater for scoring single images.
type FrozenRater struct {
	R *model.Rater

	mu     sync.Mutex
	single *model.RaterNet
	vm     G.VM
}

// built numbers the raters built into graphs, so that every one has its own
// name, also when several raters share a graph (Ensemble).
var built atomic.Int64

// NewFrozenRater wraps a rater.
func NewFrozenRater(r *model.Rater) *FrozenRater { return &FrozenRater{R: r} }

// LogProb builds the rater on images with the question, desired answer and
// overlay bound as constants; its weights get no gradient.
func (f *FrozenRater) LogProb(images *G.Node, ov *visual.Overlay, question, answer string) (*G.Node, error) {
	net, err := f.ask(images, ov, question, answer)
	if err != nil {
		return nil, err
	}
	return net.LogP, nil
}

// TemperedLogProb is LogProb of softmax(logits / t) (t 1: LogProb): one
// question per rater pass, for a rater that cannot read several in one
// (FiLM), at the same temperature as TemperedLogProbs.
func (f *FrozenRater) TemperedLogProb(images *G.Node, ov *visual.Overlay, question, answer string, t float64) (*G.Node, error) {
	if t == 1 {
		return f.LogProb(images, ov, question, answer)
	}
	net, err := f.ask(images, ov, question, answer)
	if err != nil {
		return nil, err
	}
	return tempered(net, t)
}

// ask builds the rater of LogProb with its question and answer bound.
func (f *FrozenRater) ask(images *G.Node, ov *visual.Overlay, question, answer string) (*model.RaterNet, error) {
	n := images.Shape()[0]
	name := fmt.Sprintf("rater%d", built.Add(1))
	net, err := f.R.Build(images.Graph(), model.RaterOptions{Batch: n, Image: images, Name: name})
	if err != nil {
		return nil, err
	}
	return net, bind(net, n, ov, question, answer)
}

// TemperedLogProbs is LogProbs of softmax(logits / t) instead of the
// rater's own answer distribution (t 1: LogProbs). With t > 1 the loss
// keeps pushing after the rater is sure: its gradient fades only when the
// answer's logit leads by t times as much.
func (f *FrozenRater) TemperedLogProbs(images *G.Node, ov *visual.Overlay, qas []QA, t float64) (*G.Node, error) {
	if t == 1 {
		return f.LogProbs(images, ov, qas)
	}
	net, err := f.askAll(images, ov, qas)
	if err != nil {
		return nil, err
	}
	return tempered(net, t)
}

// tempered is log softmax(logits / t) of the net's desired answers.
func tempered(net *model.RaterNet, t float64) (*G.Node, error) {
	// An input node, not a constant (which the graph merges with any other
	// of equal value): with a constant 1/3 the machine handed a pooled
	// (N, 32, 1, 1) value to the images' noise Add (depth-right at
	// temperature 3; TestTemperatureThreeOnAPointTask).
	inv := G.NewScalar(net.Logits.Graph(), net.Logits.Dtype(), G.WithName(fmt.Sprintf("temperature%d", built.Add(1))),
		G.WithValue(scalarOf(net.Logits.Dtype(), 1/t)))
	scaled, err := G.Mul(net.Logits, inv)
	if err != nil {
		return nil, err
	}
	return model.AnswerLogProb(scaled, net.Target)
}

// LogProbs builds one rater that asks all the questions about each image
// in one pass (the image is encoded once): the log-probabilities of the
// desired answers, question j of image i at i*len(qas)+j. It fails for a
// rater that reads one question per pass (FiLM); LogProb still works there.
func (f *FrozenRater) LogProbs(images *G.Node, ov *visual.Overlay, qas []QA) (*G.Node, error) {
	net, err := f.askAll(images, ov, qas)
	if err != nil {
		return nil, err
	}
	return net.LogP, nil
}

// askAll builds the rater of LogProbs with its questions and answers bound.
func (f *FrozenRater) askAll(images *G.Node, ov *visual.Overlay, qas []QA) (*model.RaterNet, error) {
	n, k := images.Shape()[0], len(qas)
	name := fmt.Sprintf("rater%d", built.Add(1))
	net, err := f.R.Build(images.Graph(), model.RaterOptions{Batch: n, Questions: k, Image: images, Name: name})
	if err != nil {
		return nil, err
	}
	qs, as := make([]string, 0, n*k), make([]string, 0, n*k)
	for range n {
		for _, qa := range qas {
			qs, as = append(qs, qa.Question), append(as, strings.ToLower(qa.Answer))
		}
	}
	if err := net.SetOverlays(slices.Repeat([]*visual.Overlay{ov}, n)); err != nil {
		return nil, err
	}
	if err := net.SetQuestions(qs); err != nil {
		return nil, err
	}
	if err := net.SetAnswers(as); err != nil {
		return nil, err
	}
	return net, nil
}

// Prob is p(answer) for one image with the overlay laid over it.
func (f *FrozenRater) Prob(img image.Image, ov *visual.Overlay, question, answer string) (float64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.single == nil {
		g := G.NewGraph()
		net, err := f.R.Build(g, model.RaterOptions{Batch: 1, Name: "single"})
		if err != nil {
			return 0, err
		}
		f.single, f.vm = net, G.NewTapeMachine(g)
	}
	rgba, ok := img.(*image.RGBA)
	if !ok {
		return 0, fmt.Errorf("rate: want an RGBA image")
	}
	t, err := model.ImagesTensor([]*image.RGBA{rgba})
	if err != nil {
		return 0, err
	}
	if err := f.single.SetImages(t); err != nil {
		return 0, err
	}
	if err := bind(f.single, 1, ov, question, answer); err != nil {
		return 0, err
	}
	f.vm.Reset()
	if err := f.vm.RunAll(); err != nil {
		return 0, fmt.Errorf("rate: %w", err)
	}
	probs, err := f.single.Probs()
	if err != nil {
		return 0, err
	}
	k, err := f.R.AnswerIndex(answer)
	if err != nil {
		return 0, err
	}
	return probs[0][k], nil
}

func bind(net *model.RaterNet, n int, ov *visual.Overlay, question, answer string) error {
	ovs := make([]*visual.Overlay, n)
	for i := range ovs {
		ovs[i] = ov
	}
	if err := net.SetOverlays(ovs); err != nil {
		return err
	}
	if err := net.SetQuestions(slices.Repeat([]string{question}, n)); err != nil {
		return err
	}
	return net.SetAnswers(slices.Repeat([]string{answer}, n))
}

// scalarOf is v as a value of dtype dt (float32 or float64).
func scalarOf(dt tensor.Dtype, v float64) any {
	if dt == tensor.Float32 {
		return float32(v)
	}
	return v
}
