package model

import (
	"fmt"
	"image"
	"slices"
	"sync"

	"dualprocess/training/world"

	G "gorgonia.org/gorgonia"
)

// NewTrainMachine differentiates loss with respect to params and compiles
// only what computing the loss and those gradients needs (frozen weights get
// no gradient nodes). Gradients accumulate in the params' dual values across
// runs; a gorgonia Solver's Step uses and zeroes them. Call Reset before each
// RunAll: without it RunAll silently returns the previous values.
func NewTrainMachine(loss *G.Node, params G.Nodes) (G.VM, error) {
	if len(params) == 0 {
		return nil, fmt.Errorf("train machine: no trainable parameters")
	}
	graphMu.Lock()
	defer graphMu.Unlock()
	grads, err := G.Grad(loss, params...)
	if err != nil {
		return nil, fmt.Errorf("train machine: %w", err)
	}
	roots := append(G.Nodes{loss}, grads...)
	return G.NewTapeMachine(loss.Graph().ExactSubgraphRoots(roots...), G.BindDualValues(params...)), nil
}

// Sampler draws images with a fixed batch size and set of adapters, keeping
// the compiled graph between calls. It is safe for concurrent use.
type Sampler struct {
	mu  sync.Mutex
	net *Net
	vm  G.VM
}

// NewSampler builds and compiles the generator for inference.
func (gen *Generator) NewSampler(batch int, adapters ...Active) (*Sampler, error) {
	adapters = slices.Clone(adapters)
	for i := range adapters {
		adapters[i].Train = false
	}
	g := G.NewGraph()
	net, err := gen.Build(g, Options{Batch: batch, Adapters: adapters})
	if err != nil {
		return nil, err
	}
	graphMu.Lock()
	vm := G.NewTapeMachine(g)
	graphMu.Unlock()
	return &Sampler{net: net, vm: vm}, nil
}

// Generate draws one image per (prompt, noise) pair; len(prompts) must be the batch size.
func (s *Sampler) Generate(prompts []world.Prompt, zs [][]float64) ([]*image.RGBA, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.net.SetInputs(prompts, zs); err != nil {
		return nil, err
	}
	s.vm.Reset()
	if err := s.vm.RunAll(); err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	return s.net.Images()
}

// Close releases the compiled machine.
func (s *Sampler) Close() error { return s.vm.Close() }

// Generate draws the image for a prompt and a seed's noise (world.Noise)
// with the given adapters. It compiles a graph per call; keep a Sampler to
// draw many images.
func (gen *Generator) Generate(p world.Prompt, seed int64, adapters ...Active) (*image.RGBA, error) {
	s, err := gen.NewSampler(1, adapters...)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	imgs, err := s.Generate([]world.Prompt{p}, [][]float64{world.Noise(seed)})
	if err != nil {
		return nil, err
	}
	return imgs[0], nil
}
