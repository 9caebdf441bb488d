package teach

import (
	"dualprocess/model"
	"dualprocess/training/world"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// addPreservation adds Preserve * mean |adapted - base| to the loss the
// optimiser sees, the base images an input drawn every step (drawBase).
// The reported loss stays the rater's cross-entropy.
func (s *session) addPreservation() error {
	img := s.net.Image
	s.base = G.NewTensor(img.Graph(), img.Dtype(), 4, G.WithShape(img.Shape()...), G.WithName("teach.base"))
	d, err := G.Sub(img, s.base)
	if err != nil {
		return err
	}
	if d, err = G.Abs(d); err != nil {
		return err
	}
	if d, err = G.Mean(d); err != nil {
		return err
	}
	if d, err = G.HadamardProd(d, constantOf(img.Dtype(), s.task.Train.Preserve)); err != nil {
		return err
	}
	if s.total, err = G.Add(s.loss, d); err != nil {
		return err
	}
	s.sampler, err = s.gen.NewSampler(img.Shape()[0])
	return err
}

// drawBase binds the base model's images of the step's prompts and noises.
func (s *session) drawBase(prompts []world.Prompt, zs [][]float64) error {
	if s.base == nil {
		return nil
	}
	imgs, err := s.sampler.Generate(prompts, zs)
	if err != nil {
		return err
	}
	t, err := model.ImagesTensor(imgs)
	if err != nil {
		return err
	}
	if s.dark != nil {
		if err := s.bindDarkFloor(t.Data().([]float32)); err != nil {
			return err
		}
	}
	if s.base.Dtype() == tensor.Float64 {
		f := t.Data().([]float32)
		v := make([]float64, len(f))
		for i, x := range f {
			v[i] = float64(x)
		}
		t = tensor.New(tensor.WithShape(t.Shape()...), tensor.WithBacking(v))
	}
	return G.Let(s.base, t)
}
