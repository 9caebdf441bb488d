package judge

import (
	"os"
	"testing"

	"dualprocess/training/world"
)

// heldOutSeed is the first seed of the acceptance set. The judges were tuned
// on seeds 0..299 and 100000..100999 only.
const heldOutSeed = 31_000_000

func TestJudgesRecoverTheTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("500 renders")
	}
	for _, noisy := range []bool{false, true} {
		want := 0.98
		if noisy {
			want = 0.95
		}
		agree, _ := Agree(heldOutSeed, 500, noisy)
		for _, a := range agree {
			t.Logf("noisy=%v %-16s %d/%d = %.1f%%", noisy, a.Judge, a.Agreed, a.Of, 100*a.Rate())
			if a.Rate() < want {
				t.Errorf("noisy=%v: %s judge agrees with the truth in %.1f%% of %d renders, want >= %.0f%%",
					noisy, a.Judge, 100*a.Rate(), a.Of, 100*want)
			}
		}
	}
}

// TestJudgeTuning reports the judges' agreement and misses on the tuning
// seeds (JUDGE_TUNE=1 or =noisy, with -v); the acceptance test uses others.
func TestJudgeTuning(t *testing.T) {
	if os.Getenv("JUDGE_TUNE") == "" {
		t.Skip("set JUDGE_TUNE=1")
	}
	agree, misses := Agree(100000, 1000, os.Getenv("JUDGE_TUNE") == "noisy")
	for _, m := range misses {
		t.Logf("miss %+v", m)
	}
	for _, a := range agree {
		t.Logf("%-16s %d/%d = %.1f%%", a.Judge, a.Agreed, a.Of, 100*a.Rate())
	}
}

// In a city at sunset the towers are black silhouettes where the outlines
// of both sides merge, twice the pen wide; the line-weight judge must
// still read the pen (the median over stroke pixels read 5-6 px for 3).
func TestLineWeightReadsThePenBesideMergedOutlines(t *testing.T) {
	p := world.MustParsePrompt("city at sunset, outlined")
	for seed := int64(20); seed < 32; seed++ {
		r := world.Render(world.Sample(p, world.Noise(seed)))
		w := r.Truth.OutlineWidth
		res, err := Check(r.Image, Target{Kind: "lineweight", Width: &w})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Verdict.Pass {
			t.Errorf("seed %d: pen %.2f px, judge %.2f px", seed, w, res.Width)
		}
	}
}
