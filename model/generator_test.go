package model

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dualprocess/model/safetensors"
	"dualprocess/training/world"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// tinyConfig keeps float64 gradient checks fast; it still makes 64x64 images.
func tinyConfig() Config {
	return Config{Embed: 4, Hidden: 8, Base: 8, Channels: []int{4, 3, 3, 2}, Slope: 0.2, Upsample: "nearest", RGBKernel: 3}
}

var testPrompts = []world.Prompt{
	world.MustParsePrompt("mountains at sunset with trees"),
	world.MustParsePrompt("sea at night with boat and clouds, outlined"),
}

func testNoise() [][]float64 { return [][]float64{world.Noise(1), world.Noise(2)} }

// randomize fills B (and A) with noise so an adapter actually changes the output.
func randomize(a *Adapter, seed uint64, std float64) {
	r := rand.New(rand.NewPCG(seed, 1))
	for _, m := range []map[string]*tensor.Dense{a.A, a.B} {
		for _, name := range a.Config.TargetModules {
			t := m[name]
			switch d := t.Data().(type) {
			case []float32:
				for i := range d {
					d[i] = float32(r.NormFloat64() * std)
				}
			case []float64:
				for i := range d {
					d[i] = r.NormFloat64() * std
				}
			}
		}
	}
}

// run builds and runs the generator once on testPrompts and testNoise,
// returning a copy of the output data.
func run[T float](t *testing.T, gen *Generator, adapters ...Active) []T {
	t.Helper()
	return runWith[T](t, gen, testNoise(), adapters...)
}

// runWith is run with other noise.
func runWith[T float](t *testing.T, gen *Generator, zs [][]float64, adapters ...Active) []T {
	t.Helper()
	g := G.NewGraph()
	net, err := gen.Build(g, Options{Batch: len(testPrompts), Adapters: adapters})
	if err != nil {
		t.Fatal(err)
	}
	if err := net.SetInputs(testPrompts, zs); err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	return slices.Clone(net.Image.Value().Data().([]T))
}

func mustGen(t testing.TB, cfg Config, seed uint64) *Generator {
	t.Helper()
	g, err := NewGenerator(cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGeneratorShapesAndRange(t *testing.T) {
	gen := mustGen(t, DefaultConfig(), 1)
	t.Logf("default generator: %d parameters, layers %v", gen.NumParams(), gen.LayerNames())
	out := run[float32](t, gen)
	if len(out) != 2*3*64*64 {
		t.Fatalf("output has %d values", len(out))
	}
	var lo, hi float32 = 1, 0
	for _, v := range out {
		lo, hi = min(lo, v), max(hi, v)
	}
	if lo < 0 || hi > 1 || hi-lo < 1e-3 {
		t.Errorf("output range [%v, %v]", lo, hi)
	}
	imgs, err := gen.Generate(testPrompts[0], 3)
	if err != nil || imgs.Bounds().Dx() != world.Size {
		t.Fatalf("Generate: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	bad := DefaultConfig()
	bad.Channels = []int{64, 32}
	if _, err := NewGenerator(bad, 1); err == nil || !strings.Contains(err.Error(), "16x16") {
		t.Errorf("config making 16x16 images: %v", err)
	}
}

func TestAdapterWeightZeroIsExact(t *testing.T) {
	gen := mustGen(t, DefaultConfig(), 1)
	a, err := gen.NewAdapter(4, 4, nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	randomize(a, 3, 0.1)
	base := run[float32](t, gen)
	zero := run[float32](t, gen, Active{Adapter: a, Weight: 0})
	for i := range base {
		if math.Float32bits(base[i]) != math.Float32bits(zero[i]) {
			t.Fatalf("weight 0 changed output[%d]: %v -> %v", i, base[i], zero[i])
		}
	}
	on := run[float32](t, gen, Active{Adapter: a, Weight: 1})
	if slices.Equal(base, on) {
		t.Error("weight 1 did not change the output")
	}
	// A fresh adapter (B = 0) does not change the output at any weight.
	fresh, _ := gen.NewAdapter(4, 4, nil, 4)
	same := run[float32](t, gen, Active{Adapter: fresh, Weight: 5})
	for i := range base {
		if base[i] != same[i] {
			t.Fatalf("fresh adapter changed output[%d]: %v -> %v", i, base[i], same[i])
		}
	}
}

func TestAdaptersCompose(t *testing.T) {
	gen := mustGen(t, tinyConfig(), 1).Float64()
	x, _ := gen.NewAdapter(2, 4, nil, 2)
	y, _ := gen.NewAdapter(3, 1.5, []string{"seed", "conv16", "rgb"}, 3)
	randomize(x, 4, 0.3)
	randomize(y, 5, 0.3)
	both := run[float64](t, gen, Active{Adapter: x, Weight: 0.7}, Active{Adapter: y, Weight: -1.3})
	swapped := run[float64](t, gen, Active{Adapter: y, Weight: -1.3}, Active{Adapter: x, Weight: 0.7})

	// The same generator with W + sum_k weight_k*scale_k*B_k A_k written into its weights.
	merged := &Generator{Config: gen.Config, Vocab: gen.Vocab, Params: map[string]*tensor.Dense{}}
	for n, p := range gen.Params {
		merged.Params[n] = p.Clone().(*tensor.Dense)
	}
	for _, act := range []Active{{Adapter: x, Weight: 0.7}, {Adapter: y, Weight: -1.3}} {
		a := act.Adapter
		for _, name := range a.Config.TargetModules {
			A, B := a.A[name].Data().([]float64), a.B[name].Data().([]float64)
			W := merged.Params[name+".weight"].Data().([]float64)
			r, fan := a.Config.Rank, a.A[name].Shape()[1]
			for o := 0; o < len(W)/fan; o++ {
				for i := 0; i < fan; i++ {
					s := 0.0
					for k := 0; k < r; k++ {
						s += B[o*r+k] * A[k*fan+i]
					}
					W[o*fan+i] += act.Weight * a.Config.Scale() * s
				}
			}
		}
	}
	want := run[float64](t, merged)
	for i := range want {
		if math.Abs(both[i]-want[i]) > 1e-12 || math.Abs(swapped[i]-want[i]) > 1e-12 {
			t.Fatalf("output[%d]: adapters %v, swapped %v, merged weights %v", i, both[i], swapped[i], want[i])
		}
	}
	// An adapter at weight 0 next to another is the other alone, bit for bit.
	xOnly := run[float64](t, gen, Active{Adapter: x, Weight: 0.7})
	xAndZero := run[float64](t, gen, Active{Adapter: x, Weight: 0.7}, Active{Adapter: y, Weight: 0})
	if !slices.Equal(xOnly, xAndZero) {
		t.Error("a weight-0 adapter changed the output of another")
	}
}

// TestAdapterGradient checks d(sum(image*R))/d(A, B) of an adapter trained
// on top of a frozen one against central finite differences, in float64.
func TestAdapterGradient(t *testing.T) {
	sub := tinyConfig()
	sub.Upsample, sub.RGBKernel = "subpixel", 1
	for _, cfg := range []Config{tinyConfig(), sub} {
		t.Run(cfg.Upsample, func(t *testing.T) {
			gen := mustGen(t, cfg, 1).Float64()
			frozen, _ := gen.NewAdapter(2, 2, []string{"fc", "conv32"}, 2)
			randomize(frozen, 6, 0.3)
			a, _ := gen.NewAdapter(2, 2, nil, 3)
			randomize(a, 7, 0.3) // B = 0 would make A's gradient exactly zero
			netGradient(t, gen, Options{Batch: 2, Adapters: []Active{{Adapter: frozen, Weight: 0.5}, {Adapter: a, Weight: 1.5, Train: true}}},
				2*len(gen.LayerNames()))
		})
	}
}

// TestPretrainGradient checks the gradient of every base tensor (pretraining).
func TestPretrainGradient(t *testing.T) {
	sub := tinyConfig()
	sub.Upsample, sub.RGBKernel = "subpixel", 1
	for _, cfg := range []Config{tinyConfig(), sub} {
		t.Run(cfg.Upsample, func(t *testing.T) {
			gen := mustGen(t, cfg, 1).Float64()
			netGradient(t, gen, Options{Batch: 2, TrainBase: true}, 2*len(gen.LayerNames()))
		})
	}
}

// netGradient compares the symbolic gradient of sum(image * R) with respect
// to net.Params with central finite differences at random entries.
func netGradient(t *testing.T, gen *Generator, opt Options, wantParams int) {
	g := G.NewGraph()
	net, err := gen.Build(g, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(net.Params) != wantParams {
		t.Fatalf("%d trainable nodes, want %d", len(net.Params), wantParams)
	}
	if err := net.SetInputs(testPrompts, testNoise()); err != nil {
		t.Fatal(err)
	}
	R := G.NodeFromAny(g, randDense(rand.New(rand.NewPCG(8, 8)), net.Image.Shape()...), G.WithName("R"))
	loss := G.Must(G.Sum(G.Must(G.HadamardProd(net.Image, R))))
	m, err := NewTrainMachine(loss, net.Params)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	lossAt := func() float64 {
		m.Reset()
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		return loss.Value().Data().(float64)
	}
	analytic := map[*G.Node][]float64{}
	for _, p := range net.Params {
		gv, _ := p.Grad()
		analytic[p] = slices.Clone(gv.Data().([]float64))
	}
	r := rand.New(rand.NewPCG(9, 9))
	checked := 0
	for _, p := range net.Params {
		d := p.Value().Data().([]float64)
		for trial := 0; trial < 6; trial++ {
			j := r.IntN(len(d))
			numeric := func(eps float64) float64 {
				old := d[j]
				d[j] = old + eps
				lp := lossAt()
				d[j] = old - eps
				lm := lossAt()
				d[j] = old
				return (lp - lm) / (2 * eps)
			}
			ana := analytic[p][j]
			bad := func(num float64) bool {
				return math.Abs(num-ana)/math.Max(1e-7, math.Abs(num)+math.Abs(ana)) > 1e-5
			}
			// A step across a leaky ReLU kink spoils a difference (a smaller step
			// then agrees); rounding spoils a small entry (a larger step agrees).
			if num := numeric(1e-6); bad(num) && bad(numeric(1e-7)) && bad(numeric(1e-5)) && bad(numeric(1e-4)) {
				t.Errorf("%s[%d]: analytic %.10g, numeric %.10g", p.Name(), j, ana, num)
			}
			checked++
		}
	}
	t.Logf("checked %d entries of %d tensors", checked, len(net.Params))
}

func TestAdapterTrainingTouchesOnlyAdapter(t *testing.T) {
	gen := mustGen(t, tinyConfig(), 1)
	before := map[string][]float32{}
	for n, p := range gen.Params {
		before[n] = slices.Clone(p.Data().([]float32))
	}
	a, _ := gen.NewAdapter(2, 2, []string{"seed", "conv64"}, 3)
	g := G.NewGraph()
	net, err := gen.Build(g, Options{Batch: 2, Adapters: []Active{{Adapter: a, Weight: 5, Train: true}}})
	if err != nil {
		t.Fatal(err)
	}
	target, _ := ImagesTensor(renderless(2))
	tn := G.NodeFromAny(g, target, G.WithName("target"))
	loss := G.Must(G.Mean(G.Must(G.Square(G.Must(G.Sub(net.Image, tn))))))
	m, err := NewTrainMachine(loss, net.Params)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	solver := NewAdam(1e-2)
	net.SetInputs(testPrompts, testNoise())
	var first, last float32
	for step := 0; step < 5; step++ {
		m.Reset()
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		last = loss.Value().Data().(float32)
		if step == 0 {
			first = last
		}
		if _, err := solver.Step(net.Params); err != nil {
			t.Fatal(err)
		}
	}
	if !(last < first) {
		t.Errorf("loss %v -> %v did not fall", first, last)
	}
	for n, p := range gen.Params {
		if !slices.Equal(before[n], p.Data().([]float32)) {
			t.Errorf("base tensor %s changed while training an adapter", n)
		}
	}
	if b := a.B["seed"].Data().([]float32); slices.Max(b) == 0 && slices.Min(b) == 0 {
		t.Error("adapter B did not move")
	}
	if gen.CheckAdapter(a) != nil {
		t.Error("trained adapter no longer fits its base")
	}
}

// renderless makes flat two-colour target images without the world renderer.
func renderless(n int) []*image.RGBA {
	imgs := make([]*image.RGBA, n)
	for k := range imgs {
		img := image.NewRGBA(image.Rect(0, 0, 64, 64))
		for y := 0; y < 64; y++ {
			for x := 0; x < 64; x++ {
				c := color.RGBA{40, 90, 200, 255}
				if y > 30+k*5 {
					c = color.RGBA{60, 160, 60, 255}
				}
				img.SetRGBA(x, y, c)
			}
		}
		imgs[k] = img
	}
	return imgs
}

func TestAdapterSaveLoad(t *testing.T) {
	gen := mustGen(t, DefaultConfig(), 1)
	a, _ := gen.NewAdapter(4, 8, []string{"prompt", "seed", "conv16", "rgb"}, 2)
	randomize(a, 3, 0.05)
	a.Config.Task = []byte(`{"question":"Is the horizon at the red line?","answer":"Yes"}`)
	a.Config.Metrics = []byte(`{"p_before":0.12,"p_after":0.91}`)
	path := filepath.Join(t.TempDir(), "horizon.safetensors")
	if err := a.Save(path, gen); err != nil {
		t.Fatal(err)
	}
	// Files hold PEFT-style shapes.
	f, err := safetensors.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if s := f.Tensors["conv16.lora_A"].Shape; !slices.Equal(s, []int{4, 64, 3, 3}) {
		t.Errorf("conv16.lora_A shape %v", s)
	}
	if s := f.Tensors["seed.lora_B"].Shape; !slices.Equal(s, []int{64 * 8 * 8, 4}) {
		t.Errorf("seed.lora_B shape %v", s)
	}
	b, err := LoadAdapter(path, gen)
	if err != nil {
		t.Fatal(err)
	}
	if b.Config.Rank != 4 || b.Config.Scale() != 2 || !slices.Equal(b.Config.TargetModules, a.Config.TargetModules) ||
		string(b.Config.Task) != string(a.Config.Task) || string(b.Config.Metrics) != string(a.Config.Metrics) {
		t.Errorf("config %+v, want %+v", b.Config, a.Config)
	}
	for _, n := range a.Config.TargetModules {
		if !slices.Equal(a.A[n].Data().([]float32), b.A[n].Data().([]float32)) || !slices.Equal(a.B[n].Data().([]float32), b.B[n].Data().([]float32)) {
			t.Errorf("layer %s factors differ after the round trip", n)
		}
	}
	if !slices.Equal(run[float32](t, gen, Active{Adapter: a, Weight: 2}), run[float32](t, gen, Active{Adapter: b, Weight: 2})) {
		t.Error("loaded adapter draws differently")
	}
	if cfg, err := ReadAdapterConfig(path); err != nil || cfg.Rank != 4 {
		t.Errorf("ReadAdapterConfig: %+v, %v", cfg, err)
	}
}

func TestAdapterRefused(t *testing.T) {
	gen := mustGen(t, DefaultConfig(), 1)
	a, _ := gen.NewAdapter(4, 4, []string{"fc", "conv32"}, 2)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.safetensors")
	if err := a.Save(good, gen); err != nil {
		t.Fatal(err)
	}
	// rewrite loads the good file, lets edit change it, and saves it under a new name.
	rewrite := func(name string, edit func(f *safetensors.File)) string {
		f, err := safetensors.Read(good)
		if err != nil {
			t.Fatal(err)
		}
		edit(f)
		p := filepath.Join(dir, name)
		if err := safetensors.Write(p, f); err != nil {
			t.Fatal(err)
		}
		return p
	}
	setTargets := func(f *safetensors.File, targets string) {
		f.Metadata["adapter_config"] = strings.Replace(f.Metadata["adapter_config"], `"target_modules":["fc","conv32"]`, targets, 1)
	}
	cases := map[string]struct {
		path string
		gen  *Generator
		want string
	}{
		"other base": {good, mustGen(t, DefaultConfig(), 99), "trained for base weights sha256:"},
		"wrong shape": {rewrite("shape.safetensors", func(f *safetensors.File) {
			t := f.Tensors["conv32.lora_A"]
			t.Shape = []int{4, 64, 9}
			f.Tensors["conv32.lora_A"] = t
		}), gen, `"conv32.lora_A" has shape [4 64 9], want [4 64 3 3]`},
		"unknown layer in config": {rewrite("unknown.safetensors", func(f *safetensors.File) {
			setTargets(f, `"target_modules":["fc","conv32","attn"]`)
		}), gen, `unknown layer "attn"`},
		"unknown layer tensor": {rewrite("extra.safetensors", func(f *safetensors.File) {
			f.Tensors["attn.lora_A"] = safetensors.NewF32([]float32{1}, 1, 1)
		}), gen, `unknown layer "attn"`},
		"missing tensor": {rewrite("missing.safetensors", func(f *safetensors.File) {
			delete(f.Tensors, "fc.lora_B")
		}), gen, `missing tensor "fc.lora_B"`},
		"untargeted tensor": {rewrite("untargeted.safetensors", func(f *safetensors.File) {
			setTargets(f, `"target_modules":["conv32"]`)
		}), gen, `unexpected tensor "fc.lora_A"`},
		"wrong rank": {rewrite("rank.safetensors", func(f *safetensors.File) {
			f.Metadata["adapter_config"] = strings.Replace(f.Metadata["adapter_config"], `"r":4`, `"r":5`, 1)
		}), gen, "for rank 5"},
		"not an adapter": {rewrite("format.safetensors", func(f *safetensors.File) {
			f.Metadata["format"] = "something"
		}), gen, "metadata format"},
		"float64 factors": {rewrite("f64.safetensors", func(f *safetensors.File) {
			t := f.Tensors["fc.lora_B"]
			v := make([]float64, len(t.F32))
			f.Tensors["fc.lora_B"] = safetensors.NewF64(v, t.Shape...)
		}), gen, "want F32"},
	}
	for name, c := range cases {
		_, err := LoadAdapter(c.path, c.gen)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.path) {
			t.Errorf("%s: error %v, want it to mention %q and the file", name, err, c.want)
		}
	}
	// Building with an adapter for other weights is refused too.
	other := mustGen(t, DefaultConfig(), 99)
	if _, err := other.Build(G.NewGraph(), Options{Batch: 1, Adapters: []Active{{Adapter: a, Weight: 1}}}); err == nil {
		t.Error("Build accepted an adapter for other base weights")
	}
	if _, err := gen.NewAdapter(4, 4, []string{"attn"}, 1); err == nil {
		t.Error("NewAdapter accepted an unknown layer")
	}
}

func TestGeneratorSaveLoad(t *testing.T) {
	gen := mustGen(t, DefaultConfig(), 1)
	path := filepath.Join(t.TempDir(), "gen.safetensors")
	if err := gen.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := LoadGenerator(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Checksum() != gen.Checksum() {
		t.Error("checksum changed in the round trip")
	}
	if !slices.Equal(run[float32](t, gen), run[float32](t, back)) {
		t.Error("loaded generator draws differently")
	}
	if mustGen(t, DefaultConfig(), 2).Checksum() == gen.Checksum() {
		t.Error("different weights, same checksum")
	}
}

func TestGeneratorFileRefused(t *testing.T) {
	gen := mustGen(t, DefaultConfig(), 1)
	dir := t.TempDir()
	good := filepath.Join(dir, "gen.safetensors")
	if err := gen.Save(good); err != nil {
		t.Fatal(err)
	}
	rewrite := func(name string, edit func(f *safetensors.File)) string {
		f, _ := safetensors.Read(good)
		edit(f)
		p := filepath.Join(dir, name)
		if err := safetensors.Write(p, f); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := map[string]struct{ path, want string }{
		"missing": {rewrite("missing.safetensors", func(f *safetensors.File) { delete(f.Tensors, "conv16.bias") }), `missing tensor "conv16.bias"`},
		"shape": {rewrite("shape.safetensors", func(f *safetensors.File) {
			t := f.Tensors["fc.weight"]
			t.Shape = []int{t.Shape[1], t.Shape[0]}
			f.Tensors["fc.weight"] = t
		}), `"fc.weight" has shape [48 256], want [256 48]`},
		"extra": {rewrite("extra.safetensors", func(f *safetensors.File) {
			f.Tensors["attn.weight"] = safetensors.NewF32([]float32{1}, 1)
		}), `unexpected tensor "attn.weight"`},
		"vocab": {rewrite("vocab.safetensors", func(f *safetensors.File) { f.Metadata["vocab"] = `["a","b"]` }), "prompt vocabulary"},
		"config": {rewrite("config.safetensors", func(f *safetensors.File) {
			f.Metadata["config"] = strings.Replace(f.Metadata["config"], `"channels":[64,64,32,16]`, `"channels":[64,64,32,16,8]`, 1)
		}), "128x128"},
		"format":    {rewrite("format.safetensors", func(f *safetensors.File) { delete(f.Metadata, "format") }), "metadata format"},
		"not found": {filepath.Join(dir, "nope.safetensors"), "no such file"},
	}
	// A truncated file.
	trunc := filepath.Join(dir, "trunc.safetensors")
	data, _ := os.ReadFile(good)
	os.WriteFile(trunc, data[:len(data)-10], 0o644)
	cases["truncated"] = struct{ path, want string }{trunc, "run past the data section"}
	for name, c := range cases {
		_, err := LoadGenerator(c.path)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.path) {
			t.Errorf("%s: error %v, want it to mention %q and the file", name, err, c.want)
		}
	}
}

func TestBuildTwiceNeedsNames(t *testing.T) {
	gen := mustGen(t, tinyConfig(), 1)
	g := G.NewGraph()
	if _, err := gen.Build(g, Options{Batch: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := gen.Build(g, Options{Batch: 1}); err == nil {
		t.Error("second build under the same name accepted")
	}
	if _, err := gen.Build(g, Options{Batch: 1, Name: "after"}); err != nil {
		t.Error(err)
	}
}
