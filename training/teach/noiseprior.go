package teach

import (
	"slices"

	"dualprocess/model"

	G "gorgonia.org/gorgonia"
)

// NoiseRange is how far from 0 a noise component may be moved freely: the
// generator learned from z ~ N(0, 1), and |z| < 2.5 holds 98.8% of that.
// NoisePrior weighs the mean squared excess beyond it in the loss, so a
// noise adapter stays among the noises the generator knows how to draw.
const (
	NoiseRange = 2.5
	NoisePrior = 10.0
)

// addNoisePrior adds NoisePrior * mean(max(|z'| - NoiseRange, 0)^2) to the
// loss the optimiser sees when the adapter adapts the noise.
func (s *session) addNoisePrior() error {
	if !slices.Contains(s.adapter.Config.TargetModules, model.NoiseTarget) {
		return nil
	}
	z := s.net.AdaptedZ
	c := func(v float64) *G.Node { return constantOf(z.Dtype(), v) }
	d, err := G.Abs(z)
	if err == nil {
		d, err = G.Sub(d, c(NoiseRange))
	}
	if err == nil {
		d, err = G.Rectify(d)
	}
	if err == nil {
		d, err = G.Square(d)
	}
	if err == nil {
		d, err = G.Mean(d)
	}
	if err == nil {
		d, err = G.HadamardProd(d, c(NoisePrior))
	}
	if err == nil {
		s.total, err = G.Add(s.total, d)
	}
	return err
}
