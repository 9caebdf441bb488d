package mine

import (
	"context"
	"image"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dualprocess/assets"
	"dualprocess/model"
	"dualprocess/picture"
	"dualprocess/training/judge"
	"dualprocess/training/teach"
	"dualprocess/training/vqa"
	"dualprocess/training/world"
)

// Two short runs (a sky colour, a palette) against the shipped rater: every
// kept image is stored, its first question is the run's, and each answer
// is what the pixels of the stored PNG measure. Load gives the rater's
// training view: the render of the same noise and the palette strip.
func TestMinedImagesAreLabelledByTheirPixels(t *testing.T) {
	if testing.Short() {
		t.Skip("teaches two short runs")
	}
	gen, err := model.DecodeGenerator(assets.Generator, "assets/generator.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	r, err := model.DecodeRater(assets.Rater, "assets/rater.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	store, err := NewStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Runs: 2, Steps: 3, Images: 2, Weights: []float64{1}, Seed: 7}
	if err := Mine(context.Background(), cfg, gen, teach.NewFrozenRater(r), io.Discard, store.Keep); err != nil {
		t.Fatal(err)
	}
	families := map[string]int{}
	for _, d := range store.Decoys {
		if d.Noise < seedBase || d.Noise >= seedBase<<8 {
			t.Errorf("noise seed %d outside the mined range", d.Noise)
		}
		first := d.QAs[0]
		families[first.Family]++
		if first.Family != Targets[d.Run%len(Targets)] || len(d.QAs) < MinQuestions {
			t.Errorf("run %d: first question %+v, %d questions", d.Run, first, len(d.QAs))
		}
		img := readRGBA(t, filepath.Join(dir, d.File))
		p, _ := world.ParsePrompt(d.Prompt)
		sky := vqa.SkyAnswers(world.Render(world.Sample(p, world.Noise(d.Noise))), img)
		for _, qa := range d.QAs {
			want := ""
			switch {
			case qa.Family == "palette":
				want, _ = vqa.PaletteAnswer(img, parseHexes(t, d.Swatches))
			case strings.HasPrefix(qa.Question, "Is the sky "):
				name, _, _ := strings.Cut(strings.TrimPrefix(qa.Question, "Is the sky "), "?")
				want = sky[name]
			}
			if qa.Answer != want {
				t.Errorf("%s: %q answered %q, the pixels say %q", d.File, qa.Question, qa.Answer, want)
			}
		}
	}
	if families["sky"] == 0 || families["palette"] == 0 {
		t.Fatalf("kept images per family %v, want both", families)
	}
	mined, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(mined) != len(store.Decoys) {
		t.Fatalf("loaded %d of %d", len(mined), len(store.Decoys))
	}
	for i, m := range mined {
		d := store.Decoys[i]
		if (m.Overlay != nil) != (len(d.Swatches) > 0) || m.Scene.Truth.Prompt != d.Prompt || !picture.Equal(m.Image, d.Image) {
			t.Errorf("loaded %s: overlay %v for %d swatches, prompt %q", d.File, m.Overlay != nil, len(d.Swatches), m.Scene.Truth.Prompt)
		}
	}
	again, err := NewStore(dir) // a second mining run adds to the directory
	if err != nil || len(again.Decoys) != len(store.Decoys) {
		t.Fatalf("reopened store: %v, %d decoys", err, len(again.Decoys))
	}

	// A mine stopped after its first run continues with the second alone.
	var cont []Decoy
	cfg.First, cfg.Runs = 1, 1
	if err := Mine(context.Background(), cfg, gen, teach.NewFrozenRater(r), io.Discard, func(d []Decoy) error {
		cont = append(cont, d...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var second []Decoy
	for _, d := range store.Decoys {
		if d.Run == 1 {
			second = append(second, d)
		}
	}
	if len(cont) != len(second) || len(cont) == 0 {
		t.Fatalf("continued mine kept %d images, the whole mine's second run %d", len(cont), len(second))
	}
	for i, d := range cont {
		if d.Run != 1 || d.Noise != second[i].Noise || !picture.Equal(d.Image, second[i].Image) {
			t.Errorf("continued image %d (run %d, noise %d) differs from the whole mine's", i, d.Run, d.Noise)
		}
	}
}

func TestLoadNamesWhatIsWrong(t *testing.T) {
	dir := t.TempDir()
	write := func(index string) {
		if err := os.WriteFile(filepath.Join(dir, IndexFile), []byte(index), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	qas := `[{"family":"sky","question":"Is the sky blue?","answer":"no"},{"family":"sky","question":"Is the sky pink?","answer":"no"},` +
		`{"family":"sky","question":"Is the sky dark?","answer":"no"},{"family":"sky","question":"Is the sky orange?","answer":"yes"}]`
	for _, c := range []struct{ index, want string }{
		{`{not json`, IndexFile},
		{`[{"prompt":"lake at noon","noise":1,"qas":` + qas + `,"file":"missing.png"}]`, "missing.png"},
		{`[{"prompt":"lake on mars","noise":1,"qas":` + qas + `,"file":"a.png"}]`, "mars"},
		{`[{"prompt":"lake at noon","noise":1,"qas":[],"file":"a.png"}]`, "0 questions"},
	} {
		write(c.index)
		if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("index %s: error %v, want it to mention %q", c.index, err, c.want)
		}
	}
	if _, err := Load(filepath.Join(dir, "nowhere")); err == nil {
		t.Error("a missing directory loaded")
	}
}

func readRGBA(t *testing.T, path string) *image.RGBA {
	t.Helper()
	img, err := picture.ReadImage(path)
	if err != nil {
		t.Fatal(err)
	}
	return picture.ToRGBA(img)
}

func parseHexes(t *testing.T, hexes []string) []color.RGBA {
	t.Helper()
	cols, err := judge.ParsePalette(strings.Join(hexes, ","))
	if err != nil {
		t.Fatal(err)
	}
	return cols
}

// Palette runs learn at the configured rate, as the built-in palette tasks
// do; sky runs keep the teaching default.
func TestPaletteRunsLearnAtTheirOwnRate(t *testing.T) {
	p, err := world.ParsePrompt("mountains at noon")
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.PaletteLearningRate = 5e-4
	pal := target{family: "palette", question: "Are these the colours of the image?", swatches: []color.RGBA{{121, 74, 121, 255}, {104, 108, 51, 255}}}
	sky := target{family: "sky", question: "Is the sky orange?", sky: "orange"}
	pt, err1 := pal.task(p, seedBase, cfg)
	st, err2 := sky.task(p, seedBase, cfg)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if pt.Train.LearningRate != 5e-4 || st.Taught().Train.LearningRate != teach.Defaults.LearningRate || pt.Train.Steps != cfg.Steps {
		t.Errorf("palette run at %g, sky run at %g, %d steps; want 5e-4, the default %g, %d",
			pt.Train.LearningRate, st.Taught().Train.LearningRate, pt.Train.Steps, teach.Defaults.LearningRate, cfg.Steps)
	}
	cfg.PaletteLearningRate = 0
	if pt, _ := pal.task(p, seedBase, cfg); pt.Taught().Train.LearningRate != teach.Defaults.LearningRate {
		t.Errorf("palette run at %g without a rate of its own; want the default", pt.Train.LearningRate)
	}
	cfg.PaletteLearningRate = -1
	if err := Mine(context.Background(), cfg, nil, nil, io.Discard, nil); err == nil || !strings.Contains(err.Error(), "palette learning rate") {
		t.Errorf("a negative palette learning rate: %v", err)
	}
}
