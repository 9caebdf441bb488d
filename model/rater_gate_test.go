package model

import (
	"image/color"
	"math"
	"math/rand/v2"
	"testing"

	"dualprocess/training/visual"

	"gorgonia.org/tensor"
)

// The colour gate hands a question whose drawing has swatches to the
// colour path: shut, the other paths' logits no longer count there, and a
// question without swatches is answered exactly as without the gate,
// shut or not.
func TestColourGateHandsSwatchQuestionsToTheColourPath(t *testing.T) {
	strip := visual.NewCanvas(RaterSize)
	visual.Swatches(strip, []color.Color{visual.Red, color.RGBA{20, 90, 40, 255}, color.RGBA{40, 60, 200, 255}}, 56, 64)
	ov, err := visual.NewOverlay(strip, visual.Solid)
	if err != nil {
		t.Fatal(err)
	}
	ovs := []*visual.Overlay{ov, nil} // image 0 has swatches, image 1 none
	cfg := tinyRaterConfig()
	cfg.ColourFit = true
	plain := mustRater(t, cfg, 5)
	rng := rand.New(rand.NewPCG(3, 4))
	w := plain.Params["answers.colour.weight"].Data().([]float32)
	for i := range w {
		w[i] = float32(rng.NormFloat64())
	}
	withParams := func(cfg RaterConfig, change func(name string, d []float32)) *Rater {
		r := mustRater(t, cfg, 5)
		for name, p := range plain.Params {
			d := append([]float32(nil), p.Data().([]float32)...)
			change(name, d)
			r.Params[name] = tensor.New(tensor.WithShape(p.Shape()...), tensor.WithBacking(d))
		}
		return r
	}
	keep := func(string, []float32) {}
	colourOnly := withParams(cfg, func(name string, d []float32) {
		if name == "answers.weight" || name == "answers.bias" {
			clear(d)
		}
	})
	cfg.ColourGate = true
	open := withParams(cfg, keep)
	shut := withParams(cfg, keep)
	shut.Params["answers.gate.bias"].Data().([]float32)[0] = 50
	if got := len(open.Params); got != len(plain.Params)+2 {
		t.Fatalf("the gate added %d tensors, want 2 (answers.gate.weight and .bias)", got-len(plain.Params))
	}

	ask := func(r *Rater) [][]float64 { return askTwo(t, r, ovs) }
	p, po, ps, pc := ask(plain), ask(open), ask(shut), ask(colourOnly)
	if d := max(maxDiff(p[1], po[1]), maxDiff(p[1], ps[1])); d > 1e-6 {
		t.Errorf("without swatches the gate changed the answers by %v", d)
	}
	if d := maxDiff(ps[0], pc[0]); d > 1e-5 {
		t.Errorf("shut, the gate left the other paths %v of say", d)
	}
	if d := maxDiff(ps[0], p[0]); d < 1e-3 {
		t.Errorf("shut, the gate changed the swatch question's answers by only %v", d)
	}
	if d, most := maxDiff(po[0], p[0]), maxDiff(ps[0], p[0]); d == 0 || d > most/4 {
		t.Errorf("the fresh gate moved the swatch answers by %v (shut: %v); want a little", d, most)
	}
}

// The sky path is read by questions about the sky only: with weights, it
// changes what the rater says of the sky's colour and nothing else.
func TestSkyPathIsReadOnlyBySkyQuestions(t *testing.T) {
	cfg := tinyRaterConfig()
	cfg.SkyFit = testSkies
	fresh := mustRater(t, cfg, 5)
	w := fresh.Params["aux.weight"].Data().([]float32) // the sky map says "all sky"
	clear(w[:len(w)/cfg.Aux])
	fresh.Params["aux.bias"].Data().([]float32)[0] = 2
	taught := mustRater(t, cfg, 5)
	for name, p := range fresh.Params {
		taught.Params[name] = p.Clone().(*tensor.Dense)
	}
	rng := rand.New(rand.NewPCG(3, 5))
	for i := range taught.Params["answers.sky.weight"].Data().([]float32) {
		taught.Params["answers.sky.weight"].Data().([]float32)[i] += float32(rng.NormFloat64())
	}
	qs, as := []string{"What colour is the sky?", "What time of day is it?"}, []string{"blue", "noon"}
	ask := func(r *Rater) [][]float64 {
		p, err := runRater(t, r, randomImages(2, 7), []*visual.Overlay{nil, nil}, qs, as).Probs()
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	before, after := ask(fresh), ask(taught)
	if d := maxDiff(after[0], before[0]); d < 1e-3 {
		t.Errorf("the sky path moved the sky question's answers by only %v: not wired in", d)
	}
	if d := maxDiff(after[1], before[1]); d != 0 {
		t.Errorf("the sky path moved the time question's answers by %v", d)
	}
}

// maxDiff is the largest difference between two lists of probabilities.
func maxDiff(a, b []float64) float64 {
	var d float64
	for k := range a {
		d = max(d, math.Abs(a[k]-b[k]))
	}
	return d
}
