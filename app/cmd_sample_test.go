package app

import (
	"encoding/json"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dualprocess/model"
	"dualprocess/model/safetensors"
	"dualprocess/picture"
	"dualprocess/training/world"
)

func builtIn(t *testing.T) *model.Generator {
	t.Helper()
	gen, err := loadGenerator("")
	if err != nil {
		t.Fatalf("built-in weights: %v", err)
	}
	return gen
}

// adapterFile saves an adapter for gen with a non-zero B (so it changes the image).
func adapterFile(t *testing.T, gen *model.Generator, seed uint64) string {
	t.Helper()
	a, err := gen.NewAdapter(4, 4, []string{"conv16", "rgb"}, seed)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range a.B {
		d := b.Data().([]float32)
		for i := range d {
			d[i] = 0.05 * float32(i%7-3)
		}
	}
	path := filepath.Join(t.TempDir(), "a.safetensors")
	if err := a.Save(path, gen); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSampleMatchesTheGenerator(t *testing.T) {
	gen := builtIn(t)
	out := filepath.Join(t.TempDir(), "s.png")
	if code, _, stderr := run(t, "sample", "--prompt", "lake at dawn with boat", "--seed", "5", "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want, err := gen.Generate(world.MustParsePrompt("lake at dawn with boat"), 5)
	if err != nil {
		t.Fatal(err)
	}
	if !picture.Equal(decodePNG(t, out), want) {
		t.Error("sample differs from Generator.Generate")
	}
}

func TestSampleGridAndAdapters(t *testing.T) {
	gen := builtIn(t)
	dir := t.TempDir()
	ad := adapterFile(t, gen, 3)
	grid := func(args ...string) string {
		t.Helper()
		out := filepath.Join(dir, strings.Join(args, "_")+".png")
		out = filepath.Join(dir, strings.NewReplacer("/", "", "@", "w").Replace(filepath.Base(out)))
		args = append([]string{"sample", "--prompt", "city at sunset, outlined", "--seed", "10", "--n", "5", "--out", out}, args...)
		if code, _, stderr := run(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		return out
	}
	base := decodePNG(t, grid())
	if b := base.Bounds(); b.Dx() != 3*64+2*picture.Gutter || b.Dy() != 2*64+picture.Gutter {
		t.Fatalf("grid of 5 is %v, want 3x2 tiles", b)
	}
	one := filepath.Join(dir, "one.png")
	run(t, "sample", "--prompt", "city at sunset, outlined", "--seed", "14", "--out", one)
	tile := base.(interface {
		SubImage(r image.Rectangle) image.Image
	}).SubImage(image.Rect(64+picture.Gutter, 64+picture.Gutter, 2*64+picture.Gutter, 2*64+picture.Gutter))
	if !picture.Equal(tile, decodePNG(t, one)) {
		t.Error("the fifth tile is not seed N+4")
	}
	if !picture.Equal(decodePNG(t, grid("--adapter", ad+"@0")), base) {
		t.Error("an adapter at weight 0 changed the images")
	}
	adapted := decodePNG(t, grid("--adapter", ad))
	if picture.Equal(adapted, base) {
		t.Error("an adapter at weight 1 left the images unchanged")
	}
	ad2 := adapterFile(t, gen, 4)
	both := decodePNG(t, grid("--adapter", ad, "--adapter", ad2+"@-0.5"))
	if picture.Equal(both, adapted) || picture.Equal(both, base) {
		t.Error("a second adapter did not compose")
	}
	// without @WEIGHT an adapter is applied at the weight it was taught at
	a, err := model.LoadAdapter(ad, gen)
	if err != nil {
		t.Fatal(err)
	}
	a.Config.Task = json.RawMessage(`{"name": "half", "train": {"train_weight": 0.5}}`)
	half := filepath.Join(dir, "half.safetensors")
	if err := a.Save(half, gen); err != nil {
		t.Fatal(err)
	}
	taught := decodePNG(t, grid("--adapter", half))
	if !picture.Equal(taught, decodePNG(t, grid("--adapter", ad+"@0.5"))) || picture.Equal(taught, adapted) {
		t.Error("an adapter taught at weight 0.5 was not applied at 0.5 by default")
	}
}

func TestSampleBadInput(t *testing.T) {
	gen := builtIn(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "s.png")
	corrupt := filepath.Join(dir, "corrupt.safetensors")
	os.WriteFile(corrupt, []byte("\x10\x00\x00\x00\x00\x00\x00\x00{not json at all"), 0o644)

	other, _ := model.NewGenerator(model.DefaultConfig(), 99)
	foreign := adapterFile(t, other, 1)

	good := adapterFile(t, gen, 1)
	f, err := safetensors.Read(good)
	if err != nil {
		t.Fatal(err)
	}
	a := f.Tensors["rgb.lora_A"]
	f.Tensors["rgb.lora_A"] = safetensors.NewF32(append(a.F32, a.F32...), 2*a.Shape[0], a.Shape[1])
	misshapen := filepath.Join(dir, "misshapen.safetensors")
	if err := safetensors.Write(misshapen, f); err != nil {
		t.Fatal(err)
	}

	base := []string{"sample", "--prompt", "hills", "--out", out}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"sample", "--prompt", "hills with dragons", "--out", out}, exitUsage, `unknown word(s) "dragons"`},
		{[]string{"sample", "--prompt", "hills"}, exitUsage, "missing --out"},
		{[]string{"sample", "--prompt", "hills", "--out", filepath.Join(dir, "s.jpg")}, exitUsage, "must end in .png"},
		{append(base, "--n", "0"), exitUsage, "between 1 and"},
		{append(base, "--adapter", good+"@strong"), exitUsage, `weight "strong" after @ is not a number`},
		{append(base, "--adapter", "@2"), exitUsage, "missing file name"},
		{append(base, "--weights", corrupt), exitFailure, "load generator"},
		{append(base, "--weights", filepath.Join(dir, "none.safetensors")), exitFailure, "no such file"},
		{append(base, "--adapter", foreign), exitFailure, "adapter was trained for base weights"},
		{append(base, "--adapter", misshapen), exitFailure, `tensor "rgb.lora_A" has shape`},
		{append(base, "--adapter", corrupt), exitFailure, "load adapter"},
		{append(base, "--out", filepath.Join(dir, "no", "dir", "s.png")), exitFailure, "no such file"},
	} {
		code, _, stderr := run(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) || strings.Contains(stderr, "panic") {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args[1:], code, stderr, c.code, c.want)
		}
	}
}

func TestEvalGeneratorReportsAndCompares(t *testing.T) {
	cmp := filepath.Join(t.TempDir(), "cmp.png")
	code, out, stderr := run(t, "eval-generator", "--n", "16", "--compare", cmp)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "held-out pairs 16") || !strings.Contains(out, "mae ") || !strings.Contains(out, "sun ") {
		t.Errorf("report %q", out)
	}
	code, out, stderr = run(t, "eval-generator", "--n", "16", "--training-run", "10", "--json")
	var r struct {
		N       int `json:"n"`
		Objects map[string]struct {
			N int `json:"n"`
		} `json:"object_box_error"`
	}
	if err := json.Unmarshal([]byte(out), &r); code != 0 || err != nil || r.N != 16 || r.Objects["sun"].N == 0 {
		t.Errorf("--training-run 10 --json: exit %d, %v, report %q, stderr %q", code, err, out, stderr)
	}
	if code, _, stderr := run(t, "eval-generator", "--training-run", "2000000"); code != exitUsage || !strings.Contains(stderr, "--training-run") {
		t.Errorf("--training-run 2000000: exit %d, %q; want a usage error", code, stderr)
	}
	b := decodePNG(t, cmp).Bounds()
	if b.Dx() != 6*64+5*picture.Gutter || b.Dy() != len(comparePrompts)*(64+picture.Gutter)-picture.Gutter {
		t.Errorf("comparison picture is %v", b)
	}
	corrupt := filepath.Join(t.TempDir(), "w.safetensors")
	os.WriteFile(corrupt, []byte{1, 2, 3}, 0o644)
	if code, _, stderr := run(t, "eval-generator", "--weights", corrupt); code != exitFailure || !strings.Contains(stderr, "load generator") {
		t.Errorf("corrupt weights: exit %d, %q", code, stderr)
	}
}

func TestPretrainTargets(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "g.safetensors")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"pretrain"}, exitUsage, "missing target"},
		{[]string{"pretrain", "unicorn"}, exitUsage, `unknown target "unicorn"`},
		{[]string{"pretrain", "generator"}, exitUsage, "missing --out"},
		{[]string{"pretrain", "generator", "--out", "g.bin"}, exitUsage, "must end in .safetensors"},
		{[]string{"pretrain", "generator", "--out", out, "--bogus"}, exitUsage, "flag provided but not defined"},
		{[]string{"pretrain", "generator", "--out", out, "--steps", "0"}, exitUsage, "must be positive"},
		{[]string{"pretrain", "generator", "--out", out, "--resume", filepath.Join(dir, "none")}, exitFailure, "no such file"},
	} {
		code, _, stderr := run(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
	logFile := filepath.Join(dir, "train.log")
	code, _, stderr := run(t, "pretrain", "generator", "--out", out, "--steps", "2", "--batch", "2", "--pool", "2",
		"--eval-every", "2", "--log", logFile)
	if code != 0 {
		t.Fatalf("tiny run: exit %d: %s", code, stderr)
	}
	if _, err := model.LoadGenerator(out); err != nil {
		t.Errorf("weights: %v", err)
	}
	if log, _ := os.ReadFile(logFile); !strings.Contains(string(log), "step      2/2") || !strings.Contains(string(log), "eval       2") {
		t.Errorf("log file:\n%s", log)
	}
	ckpt := filepath.Join(dir, "g.ckpt.safetensors")
	code, _, stderr = run(t, "pretrain", "generator", "--out", out, "--resume", ckpt, "--steps", "3")
	if code != 0 || !strings.Contains(stderr, "from step 2") || !strings.Contains(stderr, "step      3/3") {
		t.Errorf("resume: exit %d: %s", code, stderr)
	}
}
