package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dualprocess/training/raterfit"
)

func TestPretrainVLMConfigFileSetsTheRunAndRefusesMistakes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	out := filepath.Join(dir, "r.safetensors")
	for _, c := range []struct {
		config, want string
	}{
		{`{"warmup": 0, "adversarail": 0}`, `unknown field "adversarail"`},
		{`{"adversarial": 0.9}`, "adversarial share 0.9"},
		{`{"steps": `, "unexpected EOF"},
	} {
		code, _, stderr := run(t, "pretrain", "vlm", "--out", out, "--generator", "none", "--config", write("bad.json", c.config))
		if code == 0 || !strings.Contains(stderr, c.want) {
			t.Errorf("config %s: exit %d, stderr %q; want an error with %q", c.config, code, stderr, c.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a refused config still wrote weights")
	}
	// A tiny run: the file's settings apply, and an explicit flag wins over it.
	cfg := write("tiny.json", `{"steps": 50, "batch": 2, "pool": 2, "refresh": 1, "questions": 1, "warmup": 0,
		"log_every": 1, "eval_every": 100, "save_every": 1, "eval_per": 1}`)
	code, _, stderr := run(t, "pretrain", "vlm", "--out", out, "--generator", "none", "--config", cfg, "--steps", "2")
	if code != 0 {
		t.Fatalf("tiny run: exit %d: %s", code, stderr)
	}
	ckpt, err := raterfit.LoadRun(filepath.Join(dir, "r.ckpt.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if c := ckpt.Config; c.Steps != 2 || c.Batch != 2 || c.Pool != 2 || c.Warmup != 0 || c.Questions != 1 {
		t.Errorf("run settings %+v: want steps 2 (the flag), batch 2, pool 2, warmup 0, questions 1 (the file)", c)
	}
	code, _, stderr = run(t, "pretrain", "vlm", "--out", out, "--resume", filepath.Join(dir, "r.ckpt.safetensors"), "--config", cfg)
	if code == 0 || !strings.Contains(stderr, "--config") {
		t.Errorf("--resume with --config: exit %d, stderr %q", code, stderr)
	}
}
