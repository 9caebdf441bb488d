package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"dualprocess/picture"
	"dualprocess/training/world"
)

// newTestStudio builds the window on the headless test driver and returns
// a channel that receives once per finished Show.
func newTestStudio(t *testing.T) (*Studio, chan struct{}) {
	t.Helper()
	s := NewStudio(test.NewTempApp(t))
	done := make(chan struct{}, 8)
	s.shown = func() { done <- struct{}{} }
	t.Cleanup(s.Window.Close)
	return s, done
}

func wait(t *testing.T, done chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("samples were not shown within 30 s")
	}
}

func TestStudioShowsTheDefaultPrompt(t *testing.T) {
	s, done := newTestStudio(t)
	if s.Window.Title() != "Dual-Process Studio" {
		t.Errorf("title %q", s.Window.Title())
	}
	s.Show()
	wait(t, done)
	for i := range s.samples.Len() {
		want, err := world.RenderPrompt(DefaultPrompt, int64(i))
		if err != nil {
			t.Fatal(err)
		}
		if !picture.Equal(s.samples.Image(i), want.Image) {
			t.Errorf("sample %d is not seed %d of the default prompt", i, i)
		}
	}
	if !strings.Contains(s.status.Text, "mountains at sunset") {
		t.Errorf("status %q does not name the prompt", s.status.Text)
	}
}

func TestTypingAPromptAndTappingShowChangesTheImages(t *testing.T) {
	s, done := newTestStudio(t)
	s.Show()
	wait(t, done)
	before := s.samples.Image(0)
	shot := s.Window.Canvas().Capture()

	s.prompt.SetText("")
	test.Type(s.prompt, "sea at night with boat and clouds")
	test.Tap(s.show)
	wait(t, done)

	want, _ := world.RenderPrompt("sea at night with boat and clouds", 0)
	if picture.Equal(s.samples.Image(0), before) || !picture.Equal(s.samples.Image(0), want.Image) {
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
	s, done := newTestStudio(t)
	s.Show()
	wait(t, done)
	before := s.samples.Image(0)

	s.prompt.SetText("")
	test.Type(s.prompt, "castle at noon")
	test.Tap(s.show)

	if !strings.Contains(s.status.Text, `"castle"`) || !strings.Contains(s.status.Text, world.VocabularyHelp()) {
		t.Errorf("status %q does not name the word and the vocabulary", s.status.Text)
	}
	if s.status.Importance != widget.DangerImportance {
		t.Error("the error is not shown as an error")
	}
	if s.samples.Image(0) != before {
		t.Error("a bad prompt changed the images")
	}
}

func TestSeedStepping(t *testing.T) {
	s, done := newTestStudio(t)
	s.seed.SetText("40")
	s.step(sampleCount)
	wait(t, done)
	if s.seed.Text != "48" || s.samples.captions[0].Text != "seed 48" {
		t.Errorf("seed entry %q, first caption %q; want 48", s.seed.Text, s.samples.captions[0].Text)
	}
	want, _ := world.RenderPrompt(DefaultPrompt, 55)
	if !picture.Equal(s.samples.Image(7), want.Image) {
		t.Error("last sample is not seed 55")
	}

	s.seed.SetText("forty")
	test.Tap(s.show)
	if !strings.Contains(s.status.Text, `seed "forty"`) {
		t.Errorf("status %q does not report the bad seed", s.status.Text)
	}
}
