package teach

import (
	"math"
	"testing"

	"dualprocess/model"
)

// With the noise adapted, the loss the optimiser sees is the rater's plus
// NoisePrior * mean(max(|z'| - NoiseRange, 0)^2) over the adapted noise z';
// without it, the rater's alone.
func TestNoisePriorIsInTheLoss(t *testing.T) {
	gen, err := model.NewGenerator(model.Config{Embed: 4, Hidden: 8, Base: 8, Channels: []int{4, 3, 3, 2},
		Slope: 0.2, Upsample: "nearest", RGBKernel: 3}, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, targets := range []string{"noise,fc", "fc"} {
		task := mustTask(t, `{"name": "prior", "prompts": ["desert at sunset"],
			"questions": [{"question": "Is the horizon at the red line?", "answer": "yes"}],
			"visual_prompt": {"strokes": [{"tool": "hline", "y": 0.6}]},
			"train": {"batch": 2, "rank": 2, "targets": "`+targets+`", "noise": -1, "shift": -1, "preserve": -1}}`)
		s, err := newSession(task, gen.Float64(), NewFrozenRater(tinyRater(t)), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.vm.Close()
		for _, w := range s.adapter.B {
			for i := range w.Data().([]float64) {
				w.Data().([]float64)[i] = 2 * float64(i%5-2) // large: some z' beyond the range
			}
		}
		prompts, zs := s.batch(0)
		if err := s.net.SetInputs(prompts, zs); err != nil {
			t.Fatal(err)
		}
		if err := s.vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		want := 0.0
		if targets != "fc" {
			zp := s.net.AdaptedZ.Value().Data().([]float64)
			for _, z := range zp {
				want += math.Pow(max(math.Abs(z)-NoiseRange, 0), 2)
			}
			want *= NoisePrior / float64(len(zp))
			if want == 0 {
				t.Fatal("no z' beyond the range")
			}
		}
		if got := scalar(s.total.Value()) - scalar(s.loss.Value()); math.Abs(got-want) > 1e-9*(1+want) {
			t.Errorf("targets %s: the optimiser's loss exceeds the rater's by %.10g, want %.10g", targets, got, want)
		}
	}
}
