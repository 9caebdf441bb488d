package model

import (
	"fmt"
	"sync"

	"dualprocess/training/visual"

	G "gorgonia.org/gorgonia"
)

// Scorer rates images with a compiled inference graph of a fixed batch
// size (shorter inputs are padded). It is safe for concurrent use.
type Scorer struct {
	mu  sync.Mutex
	net *RaterNet
	vm  G.VM
}

// NewScorer builds and compiles the rater for inference.
func (r *Rater) NewScorer(batch int) (*Scorer, error) {
	g := G.NewGraph()
	net, err := r.Build(g, RaterOptions{Batch: batch})
	if err != nil {
		return nil, err
	}
	graphMu.Lock()
	vm := G.NewTapeMachine(g)
	graphMu.Unlock()
	return &Scorer{net: net, vm: vm}, nil
}

// Batch is the scorer's batch size.
func (s *Scorer) Batch() int { return s.net.batch }

// Rate returns each image's probability for every answer (Rater.Answers
// order). images are channel-first (3, 64, 64) planes in 0..1; overlays
// may be nil (no visual prompt); at most Batch images per call.
func (s *Scorer) Rate(images [][]float32, overlays []*visual.Overlay, questions []string) ([][]float64, error) {
	n, b := len(images), s.net.batch
	if n == 0 || n > b || len(overlays) != n || len(questions) != n {
		return nil, fmt.Errorf("rate: %d images, %d overlays, %d questions for a batch of %d", n, len(overlays), len(questions), b)
	}
	const plane = 3 * RaterSize * RaterSize
	pix := make([]float64, b*plane)
	for i := 0; i < b; i++ {
		img := images[min(i, n-1)] // pad with the last one
		if len(img) != plane {
			return nil, fmt.Errorf("rate: image %d has %d values, want %d (3x%dx%d)", i, len(img), plane, RaterSize, RaterSize)
		}
		for k, v := range img {
			pix[i*plane+k] = float64(v)
		}
	}
	pad := func(i int) int { return min(i, n-1) }
	ovs, qs := make([]*visual.Overlay, b), make([]string, b)
	for i := range ovs {
		ovs[i], qs[i] = overlays[pad(i)], questions[pad(i)]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.net.SetImages(fromFloat64(s.net.Image.Dtype(), pix, b, 3, RaterSize, RaterSize)); err != nil {
		return nil, err
	}
	if err := s.net.SetOverlays(ovs); err != nil {
		return nil, err
	}
	if err := s.net.SetQuestions(qs); err != nil {
		return nil, err
	}
	s.vm.Reset()
	if err := s.vm.RunAll(); err != nil {
		return nil, fmt.Errorf("rate: %w", err)
	}
	probs, err := s.net.Probs()
	if err != nil {
		return nil, err
	}
	return probs[:n], nil
}

// Predicted is the most probable answer of a Rate result.
func (s *Scorer) Predicted(probs []float64) string { return s.net.Rater.Predicted(probs) }

// Prob is answer's probability in a Rate result (0 for an answer the
// rater does not give).
func (s *Scorer) Prob(probs []float64, answer string) float64 {
	i, err := s.net.Rater.AnswerIndex(answer)
	if err != nil {
		return 0
	}
	return probs[i]
}

// Close releases the compiled machine.
func (s *Scorer) Close() error { return s.vm.Close() }
