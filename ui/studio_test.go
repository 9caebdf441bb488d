package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"dualprocess/picture"
	"dualprocess/training/world"
)

// newTestStudio builds the window on the headless test driver with a fake
// backend, once its background work is done.
func newTestStudio(t *testing.T) (*Studio, *fakeBackend) {
	t.Helper()
	b := newFakeBackend()
	s := NewStudio(test.NewTempApp(t), b)
	s.Window.Resize(fyne.NewSize(1280, 800))
	s.settle()
	t.Cleanup(func() {
		s.Close()
		s.Window.Close()
	})
	return s, b
}

// signal returns a channel and a hook that sends to it.
func signal() (chan struct{}, func()) {
	c := make(chan struct{}, 16)
	return c, func() { c <- struct{}{} }
}

func wait(t *testing.T, done chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("nothing happened within 30 s")
	}
}

// settle waits until every background job has been shown: the jobs'
// last fyne.Do has run.
func (s *Studio) settle() { s.jobs.Wait() }

func worldView(t *testing.T) (*Studio, *sampleView) {
	s, _ := newTestStudio(t)
	return s, s.world
}

func TestWorldShowsTheDefaultPrompt(t *testing.T) {
	s, v := worldView(t)
	if s.Window.Title() != "Dual-Process Studio" {
		t.Errorf("title %q", s.Window.Title())
	}
	v.Show()
	s.settle()
	for i := range v.samples.Len() {
		want, err := world.RenderPrompt(DefaultPrompt, int64(i))
		if err != nil {
			t.Fatal(err)
		}
		if !picture.Equal(v.samples.Image(i), want.Image) {
			t.Errorf("sample %d is not seed %d of the default prompt", i, i)
		}
	}
	if !strings.Contains(s.status.Text, "mountains at sunset") {
		t.Errorf("status %q does not name the prompt", s.status.Text)
	}
}

func TestWorldTypingAPromptAndTappingShowChangesTheImages(t *testing.T) {
	s, v := worldView(t)
	s.tabs.SelectIndex(2)
	s.settle() // the tab shows itself the first time
	before := v.samples.Image(0)
	shot := s.Window.Canvas().Capture()

	v.prompt.SetText("")
	test.Type(v.prompt, "sea at night with boat and clouds")
	test.Tap(v.show)
	s.settle()

	want, _ := world.RenderPrompt("sea at night with boat and clouds", 0)
	if picture.Equal(v.samples.Image(0), before) || !picture.Equal(v.samples.Image(0), want.Image) {
		t.Error("sample 0 was not replaced by the new prompt's image")
	}
	if picture.Equal(s.Window.Canvas().Capture(), shot) {
		t.Error("the window looks the same after Show")
	}
	if s.status.Importance == widget.DangerImportance {
		t.Errorf("status shows an error: %q", s.status.Text)
	}
}

func TestUnknownWordShowsVocabularyAndKeepsImages(t *testing.T) {
	s, v := worldView(t)
	v.Show()
	s.settle()
	before := v.samples.Image(0)

	v.prompt.SetText("")
	test.Type(v.prompt, "castle at noon")
	test.Tap(v.show)

	if !strings.Contains(s.status.Text, `"castle"`) || !strings.Contains(s.status.Text, world.VocabularyHelp()) {
		t.Errorf("status %q does not name the word and the vocabulary", s.status.Text)
	}
	if s.status.Importance != widget.DangerImportance {
		t.Error("the error is not shown as an error")
	}
	if v.samples.Image(0) != before {
		t.Error("a bad prompt changed the images")
	}
}

func TestSeedStepping(t *testing.T) {
	s, v := worldView(t)
	v.seed.SetText("40")
	v.step(sampleCount)
	s.settle()
	if v.seed.Text != "48" || v.samples.captions[0].Text != "seed 48" {
		t.Errorf("seed entry %q, first caption %q; want 48", v.seed.Text, v.samples.captions[0].Text)
	}
	want, _ := world.RenderPrompt(DefaultPrompt, 55)
	if !picture.Equal(v.samples.Image(7), want.Image) {
		t.Error("last sample is not seed 55")
	}

	v.seed.SetText("forty")
	test.Tap(v.show)
	if !strings.Contains(s.status.Text, `seed "forty"`) {
		t.Errorf("status %q does not report the bad seed", s.status.Text)
	}
}

// TestOpenTaskAtStartShowsItInTheTeachTab: `gui --task` opens a task file
// (recorded in the recent files with its full path) or a built-in task.
func TestOpenTaskAtStartShowsItInTheTeachTab(t *testing.T) {
	s, b := newTestStudio(t)
	s.OpenTask("sky-orange-noon")
	s.settle()
	if s.tabs.Selected() != s.teachTab || s.teach.choose.Selected != "sky-orange-noon" || s.teach.form.name.Text != "sky-orange-noon" {
		t.Fatalf("built-in task: tab %q, chooser %q, name %q", s.tabs.Selected().Text, s.teach.choose.Selected, s.teach.form.name.Text)
	}
	s.OpenTask("horizon-low.json") // a built-in task named as its file
	s.settle()
	if s.teach.choose.Selected != "horizon-low" {
		t.Errorf("horizon-low.json: chooser %q", s.teach.choose.Selected)
	}
	dir := t.TempDir()
	spec := TaskSpec{Name: "from-file", Prompts: []string{"lake at noon"}, Questions: []QA{{"Is it night?", "yes"}}}
	raw, _ := json.Marshal(spec)
	if err := os.WriteFile(filepath.Join(dir, "mine.json"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	b.drawing = make(chan struct{})
	s.generate.Show() // as the window opens: the first samples are drawn in the background
	s.OpenTask("mine.json")
	close(b.drawing) // and are done after the task has opened
	s.settle()
	if s.teach.form.name.Text != "from-file" {
		t.Errorf("task file: name %q", s.teach.form.name.Text)
	}
	if !strings.Contains(s.status.Text, "mine.json") {
		t.Errorf("status %q: the samples drawn in the background hid the opened task", s.status.Text)
	}
	if got := s.teach.recent.List(); len(got) == 0 || got[0] != filepath.Join(dir, "mine.json") {
		t.Errorf("recent files %v, want the file's full path first", got)
	}
}

// TestDroppedFilesOpen: a task file dropped on the window opens in the
// Teach tab, an adapter in the Generate tab's list; other files are
// refused by name.
func TestDroppedFilesOpen(t *testing.T) {
	s, _ := newTestStudio(t)
	dir := t.TempDir()
	task, _ := json.Marshal(TaskSpec{Name: "dropped", Prompts: []string{"lake at noon"}})
	taskPath, adapterPath, notePath := filepath.Join(dir, "dropped.json"), filepath.Join(dir, "a.safetensors"), filepath.Join(dir, "notes.txt")
	os.WriteFile(taskPath, task, 0o644)
	os.WriteFile(adapterPath, []byte(adapterContent), 0o644)
	os.WriteFile(notePath, []byte("hello"), 0o644)

	s.drop(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(taskPath)})
	s.settle()
	if s.tabs.Selected() != s.teachTab || s.teach.form.name.Text != "dropped" {
		t.Errorf("task: tab %q, name %q", s.tabs.Selected().Text, s.teach.form.name.Text)
	}
	s.drop(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(adapterPath)})
	s.settle()
	if s.tabs.Selected() != s.genTab || len(s.generate.adapters.Uses()) != 1 {
		t.Errorf("adapter: tab %q, %d adapters", s.tabs.Selected().Text, len(s.generate.adapters.Uses()))
	}
	s.drop(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(notePath)})
	if s.status.Importance != widget.DangerImportance || !strings.Contains(s.status.Text, "notes.txt") {
		t.Errorf("other file: status %q", s.status.Text)
	}
}
