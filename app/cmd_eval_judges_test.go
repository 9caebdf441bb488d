package app

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestEvalJudgesCoversTheLearnedJudges(t *testing.T) {
	code, stdout, stderr := run(t, "eval-judges", "--n", "6", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rows []struct {
		Judge    string `json:"judge"`
		Degraded bool   `json:"degraded"`
		Gen      bool   `json:"generator_samples"`
		Agreed   int    `json:"agreed"`
		Of       int    `json:"of"`
	}
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatalf("%v:\n%s", err, stdout)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if r.Of != 6 || r.Agreed < 0 || r.Agreed > r.Of {
			t.Errorf("row %+v: want 0..6 agreed of 6", r)
		}
		seen[r.Judge+map[bool]string{true: " degraded"}[r.Degraded]+map[bool]string{true: " generated"}[r.Gen]] = true
	}
	for _, want := range []string{"horizon", "horizon degraded", "depth", "depth-level", "depth degraded", "depth-level degraded", "depth generated", "depth-level generated", "tree", "tree degraded"} {
		if !seen[want] {
			t.Errorf("no %s row in %v", want, seen)
		}
	}
	if code, _, stderr := run(t, "eval-judges", "--n", "0"); code != 2 || !strings.Contains(stderr, "--n 0") {
		t.Errorf("--n 0: exit %d, %q", code, stderr)
	}
}
