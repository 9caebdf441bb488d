package model

import (
	"errors"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"dualprocess/training/visual"
	"dualprocess/training/vqa"
	"dualprocess/training/world"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

var (
	testRaterWords     = vqa.Words()
	testRaterAnswers   = vqa.Answers
	testRaterQuestions = []string{"Is the horizon at the red line? Answer with Yes or No.", "What time of day is it?", "Is A closer than B?"}
)

// tinyRaterConfig keeps float64 gradient checks fast.
func tinyRaterConfig() RaterConfig {
	return RaterConfig{MaxWords: 12, Embed: 2, Hidden: 4, Stem: [2]int{2, 3}, Width: 4, Blocks: 2, Groups: 2, Head: 4, FC: 4, Grid: 8, Readout: 3, Aux: 2, AuxScene: 3, Attend: 2, AttendDim: 2, MarkPools: 1, Slope: 0.1}
}

func mustRater(t testing.TB, cfg RaterConfig, seed uint64) *Rater {
	t.Helper()
	r, err := NewRater(cfg, testRaterWords, testRaterAnswers, seed)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestTokenizerEncodesKnownQuestionsAndPads(t *testing.T) {
	tok := mustRater(t, DefaultRaterConfig(), 1).Tokenizer()
	ids, err := tok.Encode("Is the horizon at the red line? " + vqa.YesNoSuffix)
	if err != nil {
		t.Fatal(err)
	}
	words := world.Tokenize("Is the horizon at the red line? " + vqa.YesNoSuffix)
	for i, w := range words {
		if got := tok.Words[ids[i]-1]; got != w {
			t.Errorf("word %d: id %d is %q, want %q", i, ids[i], got, w)
		}
	}
	if len(ids) != tok.MaxWords || slices.ContainsFunc(ids[len(words):], func(id int) bool { return id != 0 }) {
		t.Errorf("ids %v: want %d words then padding to %d", ids, len(words), tok.MaxWords)
	}
	again, _ := tok.Encode("IS THE HORIZON AT THE RED LINE answer with yes or no")
	if !slices.Equal(ids, again) {
		t.Errorf("case and punctuation changed the ids: %v vs %v", ids, again)
	}
	british, _ := tok.Encode("Does the image use the colours of the palette? What colour is the sky?")
	american, err := tok.Encode("Does the image use the colors of the palette? What color is the sky?")
	if err != nil || !slices.Equal(british, american) {
		t.Errorf("American spelling: %v, %v (want %v)", american, err, british)
	}
}

func TestTokenizerRefusesUnknownEmptyAndLongQuestions(t *testing.T) {
	tok := mustRater(t, DefaultRaterConfig(), 1).Tokenizer()
	_, err := tok.Encode("Is the horizon wobbly or squiggly?")
	var uw *UnknownWordsError
	if !errors.As(err, &uw) || !slices.Equal(uw.Words, []string{"wobbly", "squiggly"}) {
		t.Fatalf("unknown words: got %v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, `"wobbly"`) || !strings.Contains(msg, "horizon") || !strings.Contains(msg, "palette") {
		t.Errorf("message should name the words and list the vocabulary: %s", msg)
	}
	if _, err := tok.Encode("Is the horizn at the red lne?"); err == nil || !strings.Contains(err.Error(), `"horizn" (horizon?), "lne" (line?)`) {
		t.Errorf("slips: %v", err)
	}
	for _, q := range []string{"", "  ?! "} {
		if _, err := tok.Encode(q); err == nil || !strings.Contains(err.Error(), "empty question") {
			t.Errorf("%q: got %v, want an empty-question error", q, err)
		}
	}
	long := strings.Repeat("is the sky blue ", 7)
	if _, err := tok.Encode(long); err == nil || !strings.Contains(err.Error(), "at most 24") {
		t.Errorf("long question: got %v", err)
	}
}

func TestEveryVQAQuestionTokenizes(t *testing.T) {
	tok := mustRater(t, DefaultRaterConfig(), 1).Tokenizer()
	rng := rand.New(rand.NewPCG(1, 1))
	for _, f := range vqa.Families() {
		for i := 0; i < 20; i++ {
			it, ok := vqa.Generate(rng, f, func() world.Rendering {
				r, _ := world.RenderPrompt("lake at sunset with trees and boat, outlined", rng.Int64())
				return r
			})
			if !ok {
				continue
			}
			if _, err := tok.Encode(it.Question); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if _, err := mustRater(t, tinyRaterConfig(), 1).AnswerIndex(it.Answer); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
		}
	}
}

// runRater builds r at batch len(qs) on images and returns the net after one run.
func runRater(t *testing.T, r *Rater, images *tensor.Dense, ovs []*visual.Overlay, qs, as []string) *RaterNet {
	t.Helper()
	g := G.NewGraph()
	net, err := r.Build(g, RaterOptions{Batch: len(qs)})
	if err != nil {
		t.Fatal(err)
	}
	if err := net.SetImages(images); err != nil {
		t.Fatal(err)
	}
	if err := net.SetOverlays(ovs); err != nil {
		t.Fatal(err)
	}
	if err := net.SetQuestions(qs); err != nil {
		t.Fatal(err)
	}
	if err := net.SetAnswers(as); err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	return net
}

func TestRaterGivesADistributionAndLogPMatchesIt(t *testing.T) {
	r := mustRater(t, DefaultRaterConfig(), 3)
	qs := testRaterQuestions
	as := []string{"yes", "noon", "No"}
	net := runRater(t, r, randomImages(3, 2), make([]*visual.Overlay, 3), qs, as)
	probs, err := net.Probs()
	if err != nil {
		t.Fatal(err)
	}
	logp := net.LogP.Value().Data().([]float32)
	var loss float64
	for i, p := range probs {
		var sum float64
		for _, v := range p {
			sum += v
		}
		if math.Abs(sum-1) > 1e-5 {
			t.Errorf("image %d: probabilities sum to %v", i, sum)
		}
		k, _ := r.AnswerIndex(as[i])
		if math.Abs(math.Log(p[k])-float64(logp[i])) > 1e-4 {
			t.Errorf("image %d: log p(%s) = %v, probs say %v", i, as[i], logp[i], math.Log(p[k]))
		}
		loss -= float64(logp[i]) / 3
	}
	if got := float64(net.Loss.Value().Data().(float32)); math.Abs(got-loss) > 1e-4 {
		t.Errorf("loss %v, want mean -log p %v", got, loss)
	}
}

// The graph's overlay is the same map as visual.Overlay.Apply.
func TestGraphOverlayMatchesApply(t *testing.T) {
	r, _ := world.RenderPrompt("sea at dawn with boat", 4)
	d := visual.NewCanvas(64)
	visual.HLine(d, visual.Red, 30.5, 1.5)
	visual.Dot(d, visual.Red, 20, 40, 2)
	for _, mode := range []visual.Mode{visual.Solid, visual.Transparent} {
		o, err := visual.NewOverlay(d, mode)
		if err != nil {
			t.Fatal(err)
		}
		want, err := o.Apply(r.Image)
		if err != nil {
			t.Fatal(err)
		}
		x, _ := ImagesTensor([]*image.RGBA{r.Image})
		g := G.NewGraph()
		xn := G.NodeFromAny(g, x, G.WithName("x"))
		sn := G.NodeFromAny(g, tensor.New(tensor.WithShape(1, 3, 64, 64), tensor.WithBacking(o.Scale)), G.WithName("s"))
		on := G.NodeFromAny(g, tensor.New(tensor.WithShape(1, 3, 64, 64), tensor.WithBacking(o.Offset)), G.WithName("o"))
		y := G.Must(Overlay(xn, sn, on))
		m := G.NewTapeMachine(g)
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		got, _ := TensorImages(y.Value().(*tensor.Dense))
		m.Close()
		for i := range want.Pix {
			if d := int(want.Pix[i]) - int(got[0].Pix[i]); d > 1 || d < -1 {
				t.Fatalf("%s: byte %d: graph %d, Apply %d", mode, i, got[0].Pix[i], want.Pix[i])
			}
		}
	}
}

func TestRaterOpsGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	x, p := randDense(r, 2, 3, 4, 4), randDense(r, 2, 6, 1, 1)
	gradCheck(t, []*tensor.Dense{x, p}, func(in G.Nodes) (*G.Node, error) { return FiLM(in[0], in[1]) })
	gradCheck(t, []*tensor.Dense{randDense(r, 2, 4, 3, 3)}, func(in G.Nodes) (*G.Node, error) { return GroupNorm(in[0], 2) })
	gradCheck(t, []*tensor.Dense{randDense(r, 2, 3, 4, 6)}, func(in G.Nodes) (*G.Node, error) { return SpaceToDepth2(in[0]) })
	gradCheck(t, []*tensor.Dense{randDense(r, 2, 3, 3, 5)}, func(in G.Nodes) (*G.Node, error) { return WithCoords(in[0]) })
	gradCheck(t, []*tensor.Dense{randDense(r, 2, 3, 4, 4)}, func(in G.Nodes) (*G.Node, error) { return GlobalPool(in[0]) })
	gradCheck(t, []*tensor.Dense{randDense(r, 2, 3, 4, 4)}, func(in G.Nodes) (*G.Node, error) {
		s, o := G.NodeFromAny(in[0].Graph(), randDense(r, 2, 3, 4, 4)), G.NodeFromAny(in[0].Graph(), randDense(r, 2, 3, 4, 4))
		return Overlay(in[0], s, o)
	})
	gradCheck(t, []*tensor.Dense{randDense(r, 2, 3, 1, 1), randDense(r, 2, 4, 1, 1)}, func(in G.Nodes) (*G.Node, error) { return Outer(in[0], in[1]) })
	gradCheck(t, []*tensor.Dense{randDense(r, 2, 3, 4, 4)}, func(in G.Nodes) (*G.Node, error) { return GridPool(in[0], 2) })
	gradCheck(t, []*tensor.Dense{randDense(r, 2, 3, 1, 1)}, func(in G.Nodes) (*G.Node, error) { return RepeatRows(in[0], 3) })
	gradCheck(t, []*tensor.Dense{randDense(r, 2, 3, 4, 4)}, func(in G.Nodes) (*G.Node, error) {
		return AppendChannels(in[0], G.NodeFromAny(in[0].Graph(), randDense(r, 2, 2, 4, 4)))
	})
	m := randDense(r, 2, 1, 4, 4)
	for i, v := range m.Data().([]float64) {
		m.Data().([]float64)[i] = math.Abs(v)
	}
	gradCheck(t, []*tensor.Dense{randDense(r, 2, 3, 4, 4)}, func(in G.Nodes) (*G.Node, error) {
		return MaskPool(in[0], G.NodeFromAny(in[0].Graph(), m))
	})
	target := tensor.New(tensor.WithShape(3, 5), tensor.WithBacking([]float64{0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0.5, 0.5, 0, 0, 0}))
	gradCheck(t, []*tensor.Dense{randDense(r, 3, 5)}, func(in G.Nodes) (*G.Node, error) {
		return AnswerLogProb(in[0], G.NodeFromAny(in[0].Graph(), target))
	})
}

// A rater grown with SceneRead, ReadoutSkip, SceneAnswer, Match or ColourFit
// from weights without them answers as before (fc.scene, readout.skip,
// answers.scene, fc.match and answers.colour start at zero), and once the new layer has
// weights its answers move.
func TestGrownPathsStartSilentAndAreWiredIn(t *testing.T) {
	strip := visual.NewCanvas(RaterSize) // Match compares a drawing with the image
	visual.Swatches(strip, []color.Color{visual.Red, color.RGBA{20, 90, 40, 255}, color.RGBA{40, 60, 200, 255}}, 56, 64)
	ov, err := visual.NewOverlay(strip, visual.Solid)
	if err != nil {
		t.Fatal(err)
	}
	for _, layer := range []string{"fc.scene", "readout.skip", "answers.scene", "fc.match", "answers.colour"} {
		cfg := tinyRaterConfig()
		old := mustRater(t, cfg, 5)
		cfg.SceneRead, cfg.ReadoutSkip, cfg.SceneAnswer = layer == "fc.scene", layer == "readout.skip", layer == "answers.scene"
		if layer == "fc.match" {
			cfg.Match, cfg.MatchDim = 2, 3
		}
		cfg.ColourFit = layer == "answers.colour"
		growsSilently(t, old, mustRater(t, cfg, 6), layer, []*visual.Overlay{ov, nil})
	}
	cfg := tinyRaterConfig()
	for _, answer := range []bool{false, true} {
		cfg.SceneRead, cfg.SceneAnswer, cfg.AuxScene = !answer, answer, 0
		if _, err := NewRater(cfg, testRaterWords, testRaterAnswers, 1); err == nil {
			t.Errorf("scene read (%v) or scene answer (%v) without scene attributes was accepted", !answer, answer)
		}
	}
	cfg = tinyRaterConfig()
	cfg.ReadoutSkip, cfg.Readout = true, 0
	if _, err := NewRater(cfg, testRaterWords, testRaterAnswers, 1); err == nil {
		t.Error("readout skip without a readout was accepted")
	}
}

// askTwo is r's answer probabilities for two random images under ovs,
// asked the first two test questions.
func askTwo(t *testing.T, r *Rater, ovs []*visual.Overlay) [][]float64 {
	t.Helper()
	imgs, qs, as := randomImages(2, 7), testRaterQuestions[:2], []string{"yes", "noon"}
	p, err := runRater(t, r, imgs, ovs, qs, as).Probs()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func growsSilently(t *testing.T, old, grown *Rater, layer string, ovs []*visual.Overlay) {
	t.Helper()
	for name, p := range old.Params {
		grown.Params[name] = p
	}
	ask := func(r *Rater) [][]float64 { return askTwo(t, r, ovs) }
	maxDiff := func(a, b [][]float64) float64 {
		var d float64
		for i := range a {
			for k := range a[i] {
				d = max(d, math.Abs(a[i][k]-b[i][k]))
			}
		}
		return d
	}
	before := ask(old)
	if d := maxDiff(before, ask(grown)); d > 1e-6 {
		t.Fatalf("a fresh %s changed the answers by %v", layer, d)
	}
	w := grown.Params[layer+".weight"].Data().([]float32)
	rng := rand.New(rand.NewPCG(8, 9))
	for i := range w {
		w[i] = float32(rng.NormFloat64())
	}
	if d := maxDiff(before, ask(grown)); d < 1e-4 {
		t.Fatalf("%s with weights changed the answers by only %v: not wired in", layer, d)
	}
}
