package pretrain

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// tiny is a run small enough for a test: 4 steps of 2 images from a pool of 6.
func tiny() Config {
	c := DefaultConfig()
	c.Steps, c.Batch, c.Pool, c.Warmup, c.LogEvery, c.EvalEvery, c.EvalN = 4, 2, 6, 2, 1, 2, 1
	return c
}

func weights(t *testing.T, ck *Checkpoint) map[string][]float32 {
	t.Helper()
	out := map[string][]float32{}
	for n, p := range ck.Gen.Params {
		out[n] = slices.Clone(p.Data().([]float32))
	}
	return out
}

func TestResumeContinuesExactly(t *testing.T) {
	dir := t.TempDir()
	out, ckPath := filepath.Join(dir, "g.safetensors"), filepath.Join(dir, "g.ckpt.safetensors")
	straight, err := New(tiny())
	if err != nil {
		t.Fatal(err)
	}
	if err := Run(context.Background(), straight, out, ckPath, io.Discard); err != nil {
		t.Fatal(err)
	}

	half := tiny()
	half.Steps = 2
	first, _ := New(half)
	if err := Run(context.Background(), first, out, ckPath, io.Discard); err != nil {
		t.Fatal(err)
	}
	resumed, err := LoadCheckpoint(ckPath)
	if err != nil {
		t.Fatal(err)
	}
	if resumed.Step != 2 || resumed.Adam == nil || resumed.Adam.T != 2 {
		t.Fatalf("checkpoint at step %d, adam %v", resumed.Step, resumed.Adam != nil)
	}
	resumed.Config.Steps = 4
	var log strings.Builder
	if err := Run(context.Background(), resumed, out, ckPath, &log); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "from step 2") || !strings.Contains(log.String(), "step      4/4") {
		t.Errorf("log does not show the resumed steps:\n%s", log.String())
	}
	want, got := weights(t, straight), weights(t, resumed)
	for n := range want {
		if !slices.Equal(want[n], got[n]) {
			t.Fatalf("%s differs after resuming", n)
		}
	}
	if len(resumed.Losses) != 4 {
		t.Errorf("loss curve has %d points, want 4", len(resumed.Losses))
	}
}

func TestBatchesArePureAndCoverThePool(t *testing.T) {
	seen := map[int]int{}
	for step := range 3 { // 3 steps of 2 = one epoch of a pool of 6
		b := batchAt(1, 6, 2, step)
		if !slices.Equal(b, batchAt(1, 6, 2, step)) {
			t.Fatal("batch depends on more than the step")
		}
		for _, i := range b {
			seen[i]++
		}
	}
	if len(seen) != 6 {
		t.Fatalf("one epoch visited %v, want every example once", seen)
	}
	if slices.Equal(batchAt(1, 6, 6, 0), batchAt(1, 6, 6, 1)) {
		t.Error("two epochs in the same order")
	}
}

func TestTrainingAndHeldOutSeedsAreDisjoint(t *testing.T) {
	last := trainExample(MaxRunSeed-1, TrainSeedStride-1)
	if last.Seed >= HeldOut(1)[0].Seed {
		t.Fatalf("largest training seed %d reaches the held-out seeds %d", last.Seed, HeldOutSeed)
	}
	if (Config{Steps: 1, Batch: 1, Pool: 1, LR: 1, Seed: MaxRunSeed, LogEvery: 1, EvalEvery: 1, EvalN: 1}).Validate() == nil {
		t.Error("a run seed that reaches the held-out seeds is accepted")
	}
}

func TestLearningRateSchedule(t *testing.T) {
	c := DefaultConfig()
	if c.LRAt(0) >= c.LRAt(c.Warmup-1) || c.LRAt(c.Warmup) != c.LR {
		t.Errorf("warm-up: %g, %g, %g", c.LRAt(0), c.LRAt(c.Warmup-1), c.LRAt(c.Warmup))
	}
	if end := c.LRAt(c.Steps); end != c.MinLR {
		t.Errorf("lr at the end %g, want %g", end, c.MinLR)
	}
}

func TestLoadCheckpointRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	ck, _ := New(tiny())
	good := filepath.Join(dir, "good.safetensors")
	if err := ck.Save(good); err != nil {
		t.Fatal(err)
	}
	if back, err := LoadCheckpoint(good); err != nil || back.Step != 0 || back.Config != ck.Config {
		t.Fatalf("round trip: %v", err)
	}
	data, _ := os.ReadFile(good)
	trunc := filepath.Join(dir, "trunc.safetensors")
	os.WriteFile(trunc, data[:len(data)/2], 0o644)
	weightsOnly := filepath.Join(dir, "weights.safetensors")
	ck.Gen.Save(weightsOnly)
	for path, want := range map[string]string{
		trunc:                              "load checkpoint",
		weightsOnly:                        `format "dualprocess-generator-v1"`,
		filepath.Join(dir, "missing.ckpt"): "no such file",
	} {
		if _, err := LoadCheckpoint(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", filepath.Base(path), err, want)
		}
	}
}
