package teach

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dualprocess/model"
	"dualprocess/training/visual"
	"dualprocess/training/vqa"
)

// TestTeachingGradientMatchesFiniteDifferences checks the whole teaching
// loss (the rater's cross-entropy through the overlay and the generated
// image, plus the preservation term and the noise prior, with the shift and
// noise the rater sees) against
// central finite differences in the adapter's weights, in a float64 build
// of a tiny generator and a tiny rater with every path of the shipped one.
// The rater's own float64 check once missed a gradient that an in-place
// subtraction on a shared value corrupted; this one covers the graph that
// teaching really builds, where the image feeds both the rater and the
// preservation term.
func TestTeachingGradientMatchesFiniteDifferences(t *testing.T) {
	s, rng := tinySession(t, NewFrozenRater(tinyRater(t)), 1)
	for _, m := range []map[string]*tensor.Dense{s.adapter.A, s.adapter.B} { // B starts at zero
		for _, w := range m {
			for i := range w.Data().([]float64) {
				w.Data().([]float64)[i] = 0.3 * rng.NormFloat64()
			}
		}
	}
	// the noise's factors large, drawn after the others (map order is
	// random), so that some z' lie beyond NoiseRange in every run
	for _, w := range []*tensor.Dense{s.adapter.A[model.NoiseTarget], s.adapter.B[model.NoiseTarget]} {
		for i := range w.Data().([]float64) {
			w.Data().([]float64)[i] = rng.NormFloat64()
		}
	}
	prompts, zs := s.batch(0)
	if err := s.net.SetInputs(prompts, zs); err != nil {
		t.Fatal(err)
	}
	if err := s.drawNoise(); err != nil {
		t.Fatal(err)
	}
	if err := s.drawShift(); err != nil {
		t.Fatal(err)
	}
	if err := s.drawBase(prompts, zs); err != nil {
		t.Fatal(err)
	}
	total := func() float64 {
		s.vm.Reset()
		if err := s.vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		return scalar(s.total.Value())
	}
	at := total()
	beyond := 0 // noise components past NoiseRange: the noise prior is in the loss
	for _, z := range s.net.AdaptedZ.Value().Data().([]float64) {
		if math.Abs(z) > NoiseRange {
			beyond++
		}
	}
	if beyond == 0 {
		t.Fatal("no noise component beyond NoiseRange: the check would not cover the noise prior")
	}
	analytic := make([][]float64, len(s.net.Params))
	for i, p := range s.net.Params {
		g, err := p.Grad()
		if err != nil {
			t.Fatal(err)
		}
		analytic[i] = append([]float64(nil), g.Data().([]float64)...)
	}
	checked := 0
	for i, p := range s.net.Params {
		w := p.Value().Data().([]float64)
		for _, j := range []int{0, len(w) / 2, len(w) - 1} {
			const eps = 1e-6
			old := w[j]
			w[j] = old + eps
			up := total()
			w[j] = old - eps
			down := total()
			w[j] = old
			num := (up - down) / (2 * eps)
			tol := 1e-5 + 1e-4*math.Abs(num)
			// At a kink (an image difference of the preservation term or a
			// clamp crossing zero within eps) the loss has two one-sided
			// slopes and the gradient may be either or between them. Where
			// the function is smooth the two agree to about eps times its
			// curvature; a kink can be as small as a few tol (session 28: one
			// of 1.5e-4, the analytic slope the right-hand one exactly, in a
			// run whose random adapter weights fell that way).
			left, right := (at-down)/eps, (up-at)/eps
			atKink := math.Abs(left-right) > 2*tol
			between := analytic[i][j] >= min(left, right)-tol && analytic[i][j] <= max(left, right)+tol
			if math.Abs(num-analytic[i][j]) > tol && !(atKink && between) {
				t.Errorf("%s[%d]: analytic %.10g, numeric %.10g (one-sided %.10g, %.10g)", p.Name(), j, analytic[i][j], num, left, right)
			}
			checked++
		}
	}
	if checked < 12 {
		t.Fatalf("only %d gradient entries checked", checked)
	}
	t.Logf("%d gradient entries over %d adapter tensors agree", checked, len(s.net.Params))
}

// tinyRater is a float64 rater with every path of the shipped one, the
// layers grown at zero given weights so that they carry signal.
func tinyRater(t *testing.T) *model.Rater { return tinyRaterSeed(t, 2) }

func tinyRaterSeed(t *testing.T, seed uint64) *model.Rater {
	t.Helper()
	rcfg := tinyRaterConfig
	r, err := model.NewRater(rcfg, vqa.Words(), vqa.Answers, seed)
	if err != nil {
		t.Fatal(err)
	}
	r = r.Float64()
	rng := rand.New(rand.NewPCG(seed+2, 4))
	for _, p := range r.Params {
		for i, v := range p.Data().([]float64) {
			if v == 0 {
				p.Data().([]float64)[i] = 0.3 * rng.NormFloat64()
			}
		}
	}
	return r
}

// tinyRaterConfig has every path of the shipped rater, at a tiny size.
var tinyRaterConfig = model.RaterConfig{MaxWords: 24, Embed: 2, Hidden: 4, Stem: [2]int{2, 3}, Width: 4, Blocks: 1, Groups: 2,
	Head: 4, FC: 4, Grid: 8, Readout: 3, Aux: 7, AuxScene: 17, RegionAux: true, Attend: 1, AttendDim: 2,
	MarkPools: 2, SceneRead: true, ReadoutSkip: true, SceneAnswer: true, Match: 2, MatchDim: 2, Slope: 0.1}

// tinySession is a two-question teaching session of a tiny float64
// generator with the rater, batch 2, shift, noise and preservation on, every
// layer and the noise adapted.
func tinySession(t *testing.T, rater Rater, temperature float64) (*session, *rand.Rand) {
	t.Helper()
	gen, err := model.NewGenerator(model.Config{Embed: 4, Hidden: 8, Base: 8, Channels: []int{4, 3, 3, 2},
		Slope: 0.2, Upsample: "nearest", RGBKernel: 3}, 1)
	if err != nil {
		t.Fatal(err)
	}
	task := mustTask(t, `{"name": "grad", "prompts": ["desert at sunset", "lake at noon with trees"],
		"questions": [{"question": "Is the horizon at the red line?", "answer": "yes"},
		              {"question": "Is there a house?", "answer": "no"}],
		"visual_prompt": {"strokes": [{"tool": "hline", "y": 0.6}]},
		"judge": {"kind": "horizon", "row": 0.6},
		"train": {"batch": 2, "rank": 2, "targets": "noise,prompt,fc,seed,conv8,conv16,conv32,conv64,rgb",
		          "noise": 0.03, "shift": 2, "preserve": 2}}`)
	task.Train.Temperature = temperature
	s, err := newSession(task, gen.Float64(), rater, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.vm.Close() })
	return s, rand.New(rand.NewPCG(4, 4))
}

// oneAtATime fails FrozenRater's LogProbs and TemperedLogProbs, as a
// rater that reads one question per pass (FiLM) does: the loop builds one
// rater per question.
type oneAtATime struct{ *FrozenRater }

func (oneAtATime) LogProbs(*G.Node, *visual.Overlay, []QA) (*G.Node, error) {
	return nil, errors.New("one question per pass")
}

func (oneAtATime) TemperedLogProbs(*G.Node, *visual.Overlay, []QA, float64) (*G.Node, error) {
	return nil, errors.New("one question per pass")
}

// Asking all the questions in one rater pass gives the same loss and the
// same gradient as one rater per question, also at a temperature.
func TestBatchedQuestionsMatchOneRaterPerQuestion(t *testing.T) {
	r := tinyRater(t)
	var losses []float64
	for _, temp := range []float64{1, 3} {
		batched, gb := stepLossAndGrad(t, NewFrozenRater(r), temp)
		single, gs := stepLossAndGrad(t, oneAtATime{NewFrozenRater(r)}, temp)
		if math.Abs(batched-single) > 1e-9 {
			t.Errorf("temperature %v, loss: batched %.12g, one rater per question %.12g", temp, batched, single)
		}
		for i := range gb {
			if math.Abs(gb[i]-gs[i]) > 1e-9*(1+math.Abs(gs[i])) {
				t.Fatalf("temperature %v, gradient %d: batched %.12g, one rater per question %.12g", temp, i, gb[i], gs[i])
			}
		}
		losses = append(losses, single)
	}
	if math.Abs(losses[0]-losses[1]) < 1e-6 {
		t.Errorf("one rater per question: the same loss %.9g at temperatures 1 and 3", losses[0])
	}
}

// stepLossAndGrad is the rater's loss (without the preservation term) and the
// gradient of the whole loss in the adapter's weights at the first step of a tiny session, the adapter's B
// set so that the adapter has an effect.
func stepLossAndGrad(t *testing.T, rater Rater, temperature float64) (float64, []float64) {
	t.Helper()
	s, _ := tinySession(t, rater, temperature)
	for _, w := range s.adapter.B { // B starts at zero: give the adapter an effect
		for i := range w.Data().([]float64) {
			w.Data().([]float64)[i] = 0.1 * float64(i%7-3)
		}
	}
	prompts, zs := s.batch(0)
	if err := s.net.SetInputs(prompts, zs); err != nil {
		t.Fatal(err)
	}
	if err := s.drawNoise(); err != nil { // the same in both: the same seed
		t.Fatal(err)
	}
	if err := s.drawShift(); err != nil {
		t.Fatal(err)
	}
	if err := s.drawBase(prompts, zs); err != nil {
		t.Fatal(err)
	}
	if err := s.vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	var grads []float64
	for _, p := range s.net.Params {
		g, err := p.Grad()
		if err != nil {
			t.Fatal(err)
		}
		grads = append(grads, g.Data().([]float64)...)
	}
	return scalar(s.loss.Value()), grads
}

// The shift draws fresh whole-pixel offsets within the task's range every
// step, and the image the rater sees is the generated one moved by them.
func TestShiftMovesTheRatedImageByFreshOffsets(t *testing.T) {
	s, _ := tinySession(t, NewFrozenRater(tinyRater(t)), 1)
	if s.shift == nil {
		t.Fatal("shift 2 built no shift")
	}
	seen := map[int]int{}
	var first []float64
	for step := range 20 {
		if err := s.drawShift(); err != nil {
			t.Fatal(err)
		}
		off := s.shift.Value().Data().([]float64)
		if step == 0 {
			first = append(first, off...)
		}
		for _, v := range off {
			seen[int(v)]++
			if v != math.Trunc(v) || math.Abs(v) > 2 {
				t.Fatalf("offset %v: want a whole number in -2..2", v)
			}
		}
	}
	if len(seen) != 5 {
		t.Errorf("offsets drawn over 20 steps: %v, want all of -2..2", seen)
	}
	// Bind the first offsets and check the shifted image against the generated one.
	if err := G.Let(s.shift, tensor.New(tensor.WithShape(2, 2), tensor.WithBacking(first))); err != nil {
		t.Fatal(err)
	}
	prompts, zs := s.batch(0)
	if err := s.net.SetInputs(prompts, zs); err != nil {
		t.Fatal(err)
	}
	// No noise: the machine may add it in place into the moved image.
	if err := G.Let(s.noise, tensor.New(tensor.WithShape(s.noise.Shape()...), tensor.WithBacking(make([]float64, s.noise.Shape().TotalSize())))); err != nil {
		t.Fatal(err)
	}
	if err := s.drawBase(prompts, zs); err != nil {
		t.Fatal(err)
	}
	s.vm.Reset()
	if err := s.vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	img, moved := s.net.Image.Value().(*tensor.Dense), s.shifted.Value().(*tensor.Dense)
	h, w := img.Shape()[2], img.Shape()[3]
	for i := range 2 {
		dy, dx := int(first[2*i]), int(first[2*i+1])
		for _, p := range [][2]int{{h / 2, w / 2}, {0, 0}, {h - 1, w - 1}, {h / 3, 2 * w / 3}} {
			sy, sx := min(max(p[0]-dy, 0), h-1), min(max(p[1]-dx, 0), w-1)
			a, _ := moved.At(i, 1, p[0], p[1])
			b, _ := img.At(i, 1, sy, sx)
			if a != b {
				t.Errorf("image %d moved by (%d, %d): pixel %v is %v, want %v", i, dy, dx, p, a, b)
			}
		}
	}
}
