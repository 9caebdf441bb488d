package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dualprocess/training/mine"
	"dualprocess/training/raterfit"
	"dualprocess/training/world"
)

func TestMineRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{{"mine"}, {"mine", "--out", t.TempDir(), "--runs", "0"},
		{"mine", "--out", t.TempDir(), "--palette-learning-rate", "-0.001"}} {
		if code, _, stderr := run(t, args...); code == 0 || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

// pretrain vlm --mined reads a directory of mined images and trains on
// them; a run that asks for them without one is refused.
func TestPretrainVLMTrainsOnMinedImages(t *testing.T) {
	dir := t.TempDir()
	store, err := mine.NewStore(filepath.Join(dir, "mined"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := world.RenderPrompt("lake at noon", 3)
	if err != nil {
		t.Fatal(err)
	}
	var qas []raterfit.QA
	for _, c := range []string{"orange", "pink", "dark", "purple"} {
		qas = append(qas, raterfit.QA{Family: "sky", Question: "Is the sky " + c + "?", Answer: "no"})
	}
	if err := store.Keep([]mine.Decoy{{Prompt: "lake at noon", Noise: 3, Weight: 1, QAs: qas, Image: r.Image}}); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "tiny.json")
	if err := os.WriteFile(cfg, []byte(`{"steps": 2, "batch": 2, "pool": 2, "refresh": 1, "questions": 2, "warmup": 0,
		"log_every": 1, "eval_every": 100, "save_every": 1, "eval_per": 1, "mined": 0.5}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "r.safetensors")
	code, _, stderr := run(t, "pretrain", "vlm", "--out", out, "--generator", "none", "--config", cfg)
	if code == 0 || !strings.Contains(stderr, "mined") {
		t.Errorf("a mined share without --mined: exit %d, %q", code, stderr)
	}
	code, _, stderr = run(t, "pretrain", "vlm", "--out", out, "--generator", "none", "--config", cfg, "--mined", filepath.Join(dir, "nowhere"))
	if code == 0 || !strings.Contains(stderr, "mined images") {
		t.Errorf("--mined of a missing directory: exit %d, %q", code, stderr)
	}
	os.Remove(strings.TrimSuffix(out, ".safetensors") + ".ckpt.safetensors")
	code, _, stderr = run(t, "pretrain", "vlm", "--out", out, "--generator", "none", "--config", cfg, "--mined", filepath.Join(dir, "mined"))
	if code != 0 || !strings.Contains(stderr, "mined: 1 images") {
		t.Fatalf("tiny run on mined images: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(out); err != nil {
		t.Error(err)
	}
}
