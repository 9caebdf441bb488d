package app

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dualprocess/model"
	"dualprocess/picture"
	"dualprocess/training/vqa"
)

// TestEvalVLMErrorsListsEveryWrongAnswer: with an untrained rater, most
// answers are wrong; --errors lists each once (a second run starts the list
// afresh) and tiles each family's images.
func TestEvalVLMErrorsListsEveryWrongAnswer(t *testing.T) {
	weights, dir := untrainedRater(t), t.TempDir()
	stale := filepath.Join(dir, "renders-time.png") // an earlier run's, for a family this run may get right
	os.WriteFile(stale, []byte("old"), 0o644)
	for pass := 0; pass < 2; pass++ {
		code, out, stderr := run(t, "eval-vlm", "--weights", weights, "--n", "3", "--generator", "none", "--noise", "0", "--errors", dir, "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var ev vlmEval
		if err := json.Unmarshal([]byte(out), &ev); err != nil || len(ev.Results) != 1 {
			t.Fatalf("output %s (%v)", out, err)
		}
		res := ev.Results[0]
		wrong := int(math.Round((1 - res.Overall) * float64(res.Examples)))
		raw, err := os.ReadFile(filepath.Join(dir, "errors.txt"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
		if wrong == 0 || len(lines) != wrong {
			t.Fatalf("pass %d: %d lines in errors.txt, %d wrong answers", pass, len(lines), wrong)
		}
		if b, err := os.ReadFile(stale); err == nil && string(b) == "old" {
			t.Errorf("an earlier run's %s is still there", filepath.Base(stale))
		}
		perFamily, plain := map[string]int{}, 0
		for _, l := range lines {
			f := strings.Split(l, "\t")
			if len(f) != 8 || f[0] != "renders" || !strings.HasPrefix(f[4], "want ") || !strings.HasPrefix(f[5], "got ") || f[4][5:] == f[5][4:] ||
				f[7] != "plain" && !strings.HasPrefix(f[7], "decoy ") {
				t.Fatalf("line %q", l)
			}
			perFamily[f[1]]++
			if f[7] == "plain" {
				plain++
			}
		}
		if res.PlainExamples == 0 || res.PlainExamples > res.Examples {
			t.Fatalf("%d plain examples of %d", res.PlainExamples, res.Examples)
		}
		if want := int(math.Round((1 - res.PlainOverall) * float64(res.PlainExamples))); plain != want {
			t.Errorf("%d plain wrong answers listed, the plain accuracy %.3f of %d says %d", plain, res.PlainOverall, res.PlainExamples, want)
		}
		for family, n := range perFamily {
			img, err := picture.ReadImage(filepath.Join(dir, "renders-"+family+".png"))
			if err != nil {
				t.Fatal(err)
			}
			cols := min(n, 8)
			if want := cols*64 + (cols-1)*picture.Gutter; img.Bounds().Dx() != want {
				t.Errorf("%s: grid %d px wide for %d images, want %d", family, img.Bounds().Dx(), n, want)
			}
		}
	}
}

// A rater trained before some questions brought a new word is evaluated
// on the others, and the output says how many it left out and why.
func TestEvalVLMLeavesOutTheQuestionsARaterCannotRead(t *testing.T) {
	cfg := model.DefaultRaterConfig()
	cfg.Width, cfg.Head, cfg.FC = 16, 16, 16
	r, err := model.NewRater(cfg, slices.DeleteFunc(vqa.Words(), func(w string) bool { return w == "behind" }), vqa.Answers, 1)
	if err != nil {
		t.Fatal(err)
	}
	weights := filepath.Join(t.TempDir(), "old.safetensors")
	if err := r.Save(weights); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, "eval-vlm", "--weights", weights, "--n", "12", "--generator", "none", "--noise", "0", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var ev vlmEval
	if err := json.Unmarshal([]byte(out), &ev); err != nil || len(ev.Results) != 1 {
		t.Fatalf("output %s (%v)", out, err)
	}
	left := ev.Unread["depth"] // "Is A behind B?" is one of its six questions
	if left == 0 || len(ev.Unread) != 1 || !strings.Contains(ev.UnreadWhy["depth"], `"behind"`) {
		t.Fatalf("left out %v (%v): want only depth questions, for the word \"behind\"", ev.Unread, ev.UnreadWhy)
	}
	if want := 12*len(vqa.Families()) - left; ev.Results[0].Examples != want {
		t.Errorf("%d examples rated, want %d", ev.Results[0].Examples, want)
	}
	code, text, _ := run(t, "eval-vlm", "--weights", weights, "--n", "12", "--generator", "none", "--noise", "0")
	if code != 0 || !strings.Contains(text, fmt.Sprintf("depth: %d of 12 examples left out", left)) {
		t.Errorf("text output %s: want the left-out depth examples named", text)
	}
}
