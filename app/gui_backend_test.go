package app

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"dualprocess/model"
	"dualprocess/picture"
	"dualprocess/training/teach"
	"dualprocess/training/vqa"
	"dualprocess/training/world"
	"dualprocess/ui"
)

// testBackend is the backend on the built-in generator and a fresh
// (untrained) rater, so the tests check the mechanics whatever the state of
// the rater's weights.
func testBackend(t *testing.T) *guiBackend {
	t.Helper()
	r, err := model.NewRater(model.DefaultRaterConfig(), vqa.Words(), vqa.Answers, 1)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "rater.safetensors")
	if err := r.Save(path); err != nil {
		t.Fatal(err)
	}
	return newGUIBackend("", path)
}

func TestGUIBackendTasksRoundTripTheTaskFiles(t *testing.T) {
	b := testBackend(t)
	for _, name := range b.Tasks() {
		spec, err := b.Task(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		back, err := parseSpec(spec)
		if err != nil {
			t.Fatalf("%s back: %v", name, err)
		}
		orig, _ := loadTask(name)
		a, _ := json.Marshal(orig)
		c, _ := json.Marshal(back)
		if string(a) != string(c) {
			t.Errorf("%s changed on the way through the window:\n%s\n%s", name, a, c)
		}
	}
	// A task file with a "$schema" line opens and keeps it.
	raw, _ := os.ReadFile(filepath.Join("..", "assets", "tasks", "horizon-low.json"))
	withSchema := filepath.Join(t.TempDir(), "schema.json")
	os.WriteFile(withSchema, bytes.Replace(raw, []byte("{"), []byte(`{"$schema": "https://example.com/task.json",`), 1), 0o644)
	if spec, err := b.Task(withSchema); err != nil || spec.Schema != "https://example.com/task.json" {
		t.Errorf("a task file with $schema: %v, schema %q", err, spec.Schema)
	} else if back, err := parseSpec(spec); err != nil || back.Schema != spec.Schema {
		t.Errorf("a task with $schema back from the window: %v", err)
	}
	blank, err := b.Task("")
	if err != nil || blank.Train.Steps != teach.Defaults.Steps || blank.Train.LearningRate != 0 || blank.Train.Targets != "" {
		t.Errorf("new task %+v (%v); want the default steps, and the learning rate and layers left to the judge", blank.Train, err)
	}
}

func TestGUIBackendComposesAdapters(t *testing.T) {
	b := testBackend(t)
	gen := builtIn(t)
	ad1, ad2 := adapterFile(t, gen, 3), adapterFile(t, gen, 4)
	if _, err := b.LoadAdapter(ad1); err != nil {
		t.Fatal(err)
	}
	draw := func(uses ...ui.AdapterUse) []byte {
		t.Helper()
		imgs, err := b.Generate(context.Background(), "lake at dawn with boat", []int64{5, 6}, uses)
		if err != nil || len(imgs) != 2 {
			t.Fatalf("generate %v: %d images, %v", uses, len(imgs), err)
		}
		return picture.Grid(imgs, 2).Pix
	}
	want, _ := gen.Generate(world.MustParsePrompt("lake at dawn with boat"), 6)
	imgs, _ := b.Generate(context.Background(), "lake at dawn with boat", []int64{5, 6}, nil)
	if !picture.Equal(imgs[1], want) {
		t.Error("the second image is not seed 6 of the generator")
	}
	base, one, off := draw(), draw(ui.AdapterUse{Path: ad1, Weight: 1}), draw(ui.AdapterUse{Path: ad1, Weight: 0})
	both := draw(ui.AdapterUse{Path: ad1, Weight: 1}, ui.AdapterUse{Path: ad2, Weight: 0.5}) // ad2 loads on first use
	if string(base) == string(one) || string(base) != string(off) || string(both) == string(one) {
		t.Error("adapters do not change the images as weighted")
	}
}

func TestGUIBackendRefusesBadAdaptersTasksAndPrompts(t *testing.T) {
	b := testBackend(t)
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.safetensors")
	os.WriteFile(corrupt, []byte("\x10\x00\x00\x00\x00\x00\x00\x00{not json at all"), 0o644)
	other, _ := model.NewGenerator(model.DefaultConfig(), 99)
	for path, want := range map[string]string{corrupt: "load adapter", adapterFile(t, other, 1): "trained for base weights",
		filepath.Join(dir, "none.safetensors"): "no such file"} {
		if _, err := b.LoadAdapter(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadAdapter(%s): %v, want %q", filepath.Base(path), err, want)
		}
	}
	if _, err := b.Generate(context.Background(), "castle at noon", []int64{0}, nil); err == nil || !strings.Contains(err.Error(), `"castle"`) {
		t.Errorf("unknown word: %v", err)
	}
	spec, _ := b.Task("horizon-low")
	spec.Questions = []ui.QA{{Question: "Is the zebra happy?", Answer: "yes"}}
	if err := b.Check(spec); err == nil || !strings.Contains(err.Error(), "zebra") {
		t.Errorf("unknown question word: %v", err)
	}
	spec.Questions = []ui.QA{{Question: "Is the horizon at the red line?", Answer: "maybe"}}
	if err := b.Check(spec); err == nil || !strings.Contains(err.Error(), `"maybe"`) {
		t.Errorf("unknown answer: %v", err)
	}
}

func TestGUIBackendTeachReportsProgressAndTheResult(t *testing.T) {
	b := testBackend(t)
	spec, _ := b.Task("horizon-low")
	spec.Train.Steps, spec.Train.PreviewEvery, spec.Train.EvalSeeds = 2, 1, []int64{0, 1}
	var steps, previews int
	dir := t.TempDir()
	res, err := b.Teach(context.Background(), spec, dir, func(p ui.Progress) {
		if p.Base != nil {
			previews++
		} else {
			steps++
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if steps != 2 || previews != 2 {
		t.Errorf("%d progress reports and %d previews, want 2 and 2", steps, previews)
	}
	if res.StepsDone != 2 || res.Stopped || res.After == nil || len(res.Seeds) != 2 || res.Adapter != filepath.Join(dir, teach.AdapterFile) {
		t.Fatalf("result %+v", res)
	}
	gen := builtIn(t)
	want, _ := gen.Generate(world.MustParsePrompt(spec.Prompts[1]), 1)
	s := res.Seeds[1]
	if !picture.Equal(s.Before.Image, want) || s.After.Image == nil || s.Before.Judge.Verdict == nil {
		t.Error("seed 1 lacks its images or verdict")
	}

	stopped, cancel := context.WithCancel(context.Background())
	cancel()
	res, err = b.Teach(stopped, spec, t.TempDir(), func(ui.Progress) {})
	if err != nil || !res.Stopped || res.StepsDone != 0 {
		t.Errorf("a cancelled run: %+v, %v; want stopped before any step, still evaluated", res, err)
	}
}

// The window keeps every training setting of a task file it opens and
// saves: its TrainSpec has a field for each of teach.Train's.
func TestTrainSpecKeepsEveryTrainingSetting(t *testing.T) {
	tags := func(v any) map[string]bool {
		out := map[string]bool{}
		ty := reflect.TypeOf(v)
		for i := range ty.NumField() {
			out[strings.Split(ty.Field(i).Tag.Get("json"), ",")[0]] = true
		}
		return out
	}
	spec := tags(ui.TrainSpec{})
	for name := range tags(teach.Train{}) {
		if !spec[name] {
			t.Errorf("the window's TrainSpec has no %q: a task it saves would lose that setting", name)
		}
	}
}
