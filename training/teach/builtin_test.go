package teach

import (
	"path/filepath"
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
