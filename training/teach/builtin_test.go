package teach

import (
	"path/filepath"
	"strings"
	"testing"
)

// Every built-in task file must load and draw its visual prompt.
func TestBuiltInTasksLoad(t *testing.T) {
	files, _ := filepath.Glob("../../assets/tasks/*.json")
	if len(files) < 10 {
		t.Fatalf("%d built-in tasks, want at least 10", len(files))
	}
	kinds := map[string]bool{}
	for _, f := range files {
		task, err := LoadTask(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		kinds[task.Judge.Kind] = true
	}
	for _, k := range []string{"horizon", "palette", "lineweight", "depth", "sun", "sky", "tree"} {
		if !kinds[k] {
			t.Errorf("no built-in task judged by %s", k)
		}
	}
}

// The untuned tasks and the drawn-elsewhere ones the README reports
// (docs/untuned-tasks, docs/drawn-elsewhere) must load too, with names that
// match their files (teach --all writes DIR/NAME).
func TestUntunedTasksLoad(t *testing.T) {
	files, _ := filepath.Glob("../../docs/untuned-tasks/*.json")
	if len(files) < 10 {
		t.Fatalf("%d untuned tasks, want 10", len(files))
	}
	elsewhere, _ := filepath.Glob("../../docs/drawn-elsewhere/*.json")
	if len(elsewhere) < 3 {
		t.Fatalf("%d drawn-elsewhere tasks, want 3", len(elsewhere))
	}
	for _, f := range append(files, elsewhere...) {
		task, err := LoadTask(f)
		if err == nil {
			_, err = task.RaterOverlay()
		}
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if want := strings.TrimSuffix(filepath.Base(f), ".json"); task.Name != want {
			t.Errorf("%s: name %q, want %q", f, task.Name, want)
		}
	}
}
