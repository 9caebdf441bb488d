package model

import (
	"image/color"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"dualprocess/model/safetensors"
	"dualprocess/training/visual"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestRaterGradientFloat64 checks the whole rater's gradient of the loss
// (cross-entropy plus the training-only auxiliary error) with respect to
// the image (under a visual prompt) and every weight tensor
// against central finite differences, in a float64 build of a tiny rater.
func TestRaterGradientFloat64(t *testing.T) {
	film := tinyRaterConfig()
	film.FiLM = true
	grown := tinyRaterConfig() // the shipped rater's paths grown at zero
	grown.SceneRead, grown.ReadoutSkip, grown.SceneAnswer = true, true, true
	grown.Match, grown.MatchDim = 2, 2
	colour := tinyRaterConfig()
	colour.ColourFit = true
	gate := colour
	gate.ColourGate, gate.ColourLogShare = true, true
	t.Run("two questions per image", func(t *testing.T) { raterGradCheck(t, tinyRaterConfig(), 2) })
	t.Run("grown paths", func(t *testing.T) { raterGradCheck(t, grown, 2) })
	t.Run("colour fit", func(t *testing.T) { raterGradCheck(t, colour, 2) })
	t.Run("colour gate", func(t *testing.T) { raterGradCheck(t, gate, 2) })
	sky := gate
	sky.SkyFit = testSkies
	t.Run("sky path", func(t *testing.T) { raterGradCheck(t, sky, 2) })
	t.Run("film", func(t *testing.T) { raterGradCheck(t, film, 1) })
}

func raterGradCheck(t *testing.T, cfg RaterConfig, questions int) {
	r := mustRater(t, cfg, 5).Float64()
	rng := rand.New(rand.NewPCG(5, 5))
	names := slices.Sorted(maps.Keys(r.Params))
	for _, name := range names { // biases away from zero too, so every path carries signal
		d := r.Params[name].Data().([]float64)
		for i := range d {
			if d[i] == 0 {
				d[i] = 0.1 * rng.NormFloat64()
			}
		}
	}
	if len(cfg.SkyFit) > 0 {
		// The sky path's gradient does not flow into the sky map (SkyFit),
		// so hold the map at "all sky", where a small change in the image
		// or the weights moves it nowhere: finite differences then see
		// the path as the analytic gradient does.
		w := r.Params["aux.weight"].Data().([]float64)
		clear(w[:len(w)/cfg.Aux])
		r.Params["aux.bias"].Data().([]float64)[0] = 2
	}
	g := G.NewGraph()
	net, err := r.Build(g, RaterOptions{Batch: 2, Questions: questions, Train: true})
	if err != nil {
		t.Fatal(err)
	}
	img, pix := newDense[float64](2, 3, RaterSize, RaterSize)
	for i := range pix {
		pix[i] = rng.Float64()
	}
	d := visual.NewCanvas(RaterSize)
	visual.HLine(d, visual.Red, 20, 2)
	ov, _ := visual.NewOverlay(d, visual.Transparent)
	if cfg.ColourFit { // swatches, which the colour path compares with the image
		d = visual.NewCanvas(RaterSize)
		visual.Swatches(d, []color.Color{visual.Red, color.RGBA{20, 90, 40, 255}}, 56, 64)
		ov, _ = visual.NewOverlay(d, visual.Solid)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(net.SetImages(img))
	must(net.SetOverlays([]*visual.Overlay{ov, nil}))
	qs := []string{"Is the horizon above the red line?", "What colour is the sky?", "Is there a boat?", "Is it night?"}
	as := []string{"no", "pink", "yes", "no"}
	must(net.SetQuestions(qs[:2*questions]))
	must(net.SetAnswers(as[:2*questions]))
	aux, auxv := newDense[float64](net.AuxTarget.Shape()...)
	scene, scenev := newDense[float64](net.AuxSceneTarget.Shape()...)
	for _, v := range [][]float64{auxv, scenev} {
		for i := range v {
			v[i] = rng.Float64()
		}
	}
	must(net.SetAuxTargets(aux))
	if k := len(net.MarkTargets); k > 0 { // image 0 has its marks somewhere, image 1 none
		marks, mv := newDense[float64](2, k, 16, 16)
		for m := 0; m < k; m++ {
			plane := mv[m*256 : (m+1)*256]
			plane[rng.IntN(256)], plane[rng.IntN(256)] = 0.7, 0.3
		}
		must(net.SetMarkTargets(marks))
	}
	must(net.SetAuxSceneTargets(scene))
	loss := G.Must(G.Add(net.Loss, net.AuxLoss))
	wrt := append(G.Nodes{net.Image}, net.Params...)
	m, err := NewTrainMachine(loss, wrt)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	lossAt := func() float64 {
		m.Reset()
		must(m.RunAll())
		return loss.Value().Data().(float64)
	}
	lossAt()
	analytic := make([][]float64, len(wrt))
	for i, n := range wrt {
		gv, err := n.Grad()
		if err != nil {
			t.Fatal(err)
		}
		analytic[i] = append([]float64(nil), gv.Data().([]float64)...)
	}
	nonzero := 0
	for _, v := range analytic[0] {
		if v != 0 {
			nonzero++
		}
	}
	if nonzero < len(analytic[0])/2 {
		t.Errorf("only %d of %d image gradients are non-zero", nonzero, len(analytic[0]))
	}
	const eps = 1e-6
	checked := 0
	for i, n := range wrt {
		vals := n.Value().Data().([]float64)
		picks := 4
		if i == 0 {
			picks = 40
		}
		for k := 0; k < picks; k++ {
			j := rng.IntN(len(vals))
			old := vals[j]
			numeric := func(eps float64) float64 {
				vals[j] = old + eps
				lp := lossAt()
				vals[j] = old - eps
				lm := lossAt()
				vals[j] = old
				return (lp - lm) / (2 * eps)
			}
			ana := analytic[i][j]
			off := func(num float64) bool {
				return math.Abs(num-ana) > 1e-6*(math.Abs(num)+math.Abs(ana))+1e-8 // 1e-8: the float64 noise floor of the differences
			}
			// A max pool's winner or a leaky ReLU may switch within eps of a
			// weight (a kink): then a 10x smaller step must agree. A wrong
			// gradient disagrees at every step.
			if num := numeric(eps); off(num) && off(numeric(eps/10)) {
				t.Errorf("%s[%d]: analytic %.10g, numeric %.10g", n.Name(), j, ana, num)
			}
			checked++
		}
	}
	t.Logf("%d gradient entries checked over %d tensors", checked, len(wrt))
}

func TestRaterSaveLoadRoundTrip(t *testing.T) {
	r := mustRater(t, tinyRaterConfig(), 6)
	path := filepath.Join(t.TempDir(), "rater.safetensors")
	if err := r.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := LoadRater(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Config, r.Config) || back.NumParams() != r.NumParams() || len(back.Words) != len(r.Words) {
		t.Fatalf("loaded %+v, %d params; saved %+v, %d params", back.Config, back.NumParams(), r.Config, r.NumParams())
	}
	for name, p := range r.Params {
		a, b := p.Data().([]float32), back.Params[name].Data().([]float32)
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("%s[%d]: %v after loading, %v saved", name, i, b[i], a[i])
			}
		}
	}
}

func TestLoadRaterRefusesBadFiles(t *testing.T) {
	r := mustRater(t, tinyRaterConfig(), 7)
	dir := t.TempDir()
	write := func(name string, edit func(f *safetensors.File)) string {
		f, err := r.Tensors()
		if err != nil {
			t.Fatal(err)
		}
		edit(f)
		path := filepath.Join(dir, name)
		if err := safetensors.Write(path, f); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := write("good.safetensors", func(*safetensors.File) {})
	data, _ := os.ReadFile(good)
	truncated := filepath.Join(dir, "truncated.safetensors")
	os.WriteFile(truncated, data[:len(data)/2], 0o644)
	garbage := filepath.Join(dir, "garbage.safetensors")
	os.WriteFile(garbage, []byte("not a safetensors file at all"), 0o644)
	cases := map[string]string{
		write("missing.safetensors", func(f *safetensors.File) { delete(f.Tensors, "fc.bias") }):                                     `missing tensor "fc.bias"`,
		write("shape.safetensors", func(f *safetensors.File) { f.Tensors["head.bias"] = safetensors.NewF32(make([]float32, 3), 3) }): `tensor "head.bias" has shape [3], want [4]`,
		write("extra.safetensors", func(f *safetensors.File) { f.Tensors["spare"] = safetensors.NewF32([]float32{1}, 1) }):           `unexpected tensor "spare"`,
		write("format.safetensors", func(f *safetensors.File) { f.Metadata["format"] = "something-else" }):                           `metadata format "something-else"`,
		write("nan.safetensors", func(f *safetensors.File) {
			f.Tensors["fc.bias"] = safetensors.NewF32([]float32{0, float32(math.NaN()), 0, 0}, 4)
		}): `tensor "fc.bias" holds NaN`,
		truncated:                                "safetensors",
		garbage:                                  "safetensors",
		filepath.Join(dir, "absent.safetensors"): "no such file",
	}
	for path, want := range cases {
		_, err := LoadRater(path)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want an error containing %q", filepath.Base(path), err, want)
		}
	}
	if _, err := DecodeRater(data[:20], "bytes"); err == nil {
		t.Error("decoding 20 bytes of a rater file succeeded")
	}
}

func TestRaterBuildRefusesWrongImageNode(t *testing.T) {
	r := mustRater(t, tinyRaterConfig(), 8)
	g := G.NewGraph()
	img := G.NewTensor(g, tensor.Float32, 4, G.WithShape(1, 3, 32, 32), G.WithName("small"))
	if _, err := r.Build(g, RaterOptions{Batch: 1, Image: img}); err == nil || !strings.Contains(err.Error(), "want float32 (1, 3, 64, 64)") {
		t.Errorf("32x32 image node: got %v", err)
	}
}
