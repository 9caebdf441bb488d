package ui

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// openGenerate is the Generate tab.
func openGenerate(t *testing.T) (*Studio, *fakeBackend) { return newTestStudio(t) }

func adapterFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestGenerateShowsTheGeneratorsSamples(t *testing.T) {
	s, b := openGenerate(t)
	s.generate.seed.SetText("16")
	test.Tap(s.generate.show)
	s.settle()
	calls := b.sampleCalls()
	if len(calls) != 1 || calls[0].prompt != "mountains at sunset with trees, outlined" || len(calls[0].seeds) != 8 ||
		calls[0].seeds[0] != 16 || len(calls[0].adapters) != 0 {
		t.Fatalf("backend calls %+v, want the default prompt, seeds 16..23, no adapters", calls)
	}
	if s.generate.samples.Image(7) == nil || s.generate.samples.captions[7].Text != "seed 23" {
		t.Error("the grid does not show the eight samples")
	}
}

func TestAdaptersComposeAtTheirWeights(t *testing.T) {
	s, b := openGenerate(t)
	first, second := adapterFile(t, "a.safetensors", adapterContent), adapterFile(t, "b.safetensors", adapterContent)
	s.generate.LoadAdapter(first)
	s.settle() // loading, then drawing again
	s.generate.LoadAdapter(second)
	s.settle()

	rows := s.generate.adapters.rows
	if len(rows) != 2 || math.Abs(rows[0].weight.Value-1.5) > 1e-9 || rows[0].weight.Max != 2 {
		t.Fatalf("%d rows, the first at %g of %g; want 2 at their train weight 1.5 on sliders to 2",
			len(rows), rows[0].weight.Value, rows[0].weight.Max)
	}
	rows[1].weight.SetValue(0.5) // ends the change too
	s.settle()
	last := b.lastSamples()
	if len(last.adapters) != 2 || last.adapters[0] != (AdapterUse{first, 1.5}) || last.adapters[1] != (AdapterUse{second, 0.5}) {
		t.Errorf("adapters used %+v, want a at 1.5 and b at 0.5", last.adapters)
	}

	test.Tap(rows[0].use) // uncheck the first
	s.settle()
	last = b.lastSamples()
	if len(last.adapters) != 1 || last.adapters[0].Path != second {
		t.Errorf("adapters used %+v, want only b", last.adapters)
	}
}

func TestAdapterForAnotherGeneratorIsRefusedAndNothingIsLost(t *testing.T) {
	s, _ := openGenerate(t)
	good := adapterFile(t, "good.safetensors", adapterContent)
	s.generate.LoadAdapter(good)
	s.settle()
	before := s.generate.samples.Image(0)

	for _, bad := range []string{adapterFile(t, "other.safetensors", "another base"), filepath.Join(t.TempDir(), "missing.safetensors")} {
		s.generate.LoadAdapter(bad)
		s.settle()
		if s.status.Importance != widget.DangerImportance || !strings.Contains(s.status.Text, "adapter not loaded") {
			t.Errorf("status %q does not report the refused adapter %s", s.status.Text, bad)
		}
		if len(s.generate.adapters.rows) != 1 || s.generate.samples.Image(0) != before {
			t.Error("a refused adapter changed the list or the images")
		}
	}
}

func TestGenerateUnknownWordIsShown(t *testing.T) {
	s, b := openGenerate(t)
	s.generate.prompt.SetText("castle at noon")
	test.Tap(s.generate.show)
	if !strings.Contains(s.status.Text, `"castle"`) || s.status.Importance != widget.DangerImportance {
		t.Errorf("status %q does not report the unknown word", s.status.Text)
	}
	if len(b.sampleCalls()) != 0 {
		t.Error("the generator ran for a bad prompt")
	}
}
