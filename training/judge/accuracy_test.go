package judge

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/disintegration/imaging"

	"dualprocess/training/world"
)

// heldOutSeed is the first seed of the acceptance set; tuning used seeds
// below 100000.
const heldOutSeed = 31_000_000

// randomPrompt draws a prompt from the whole grammar.
func randomPrompt(rng *rand.Rand) world.Prompt {
	return world.Prompt{
		Kind: world.Kinds[rng.IntN(len(world.Kinds))], Time: world.Times[rng.IntN(len(world.Times))],
		Trees: rng.IntN(2) == 0, House: rng.IntN(2) == 0, Boat: rng.IntN(3) == 0,
		Clouds: rng.IntN(2) == 0, Outlined: rng.IntN(2) == 0,
	}
}

// degrade adds mild Gaussian noise (sigma 0.03 of full scale) and blur (sigma 0.5 px).
func degrade(img image.Image, seed int64) image.Image {
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	b := imaging.Blur(img, 0.5)
	out := image.NewRGBA(b.Bounds())
	for i := range b.Pix {
		if i%4 == 3 {
			out.Pix[i] = 255
			continue
		}
		v := float64(b.Pix[i]) + rng.NormFloat64()*0.03*255
		out.Pix[i] = uint8(math.Max(0, math.Min(255, math.Round(v))))
	}
	return out
}

type tally struct{ ok, n int }

func (t *tally) add(ok bool) {
	t.n++
	if ok {
		t.ok++
	}
}
func (t tally) rate() float64 { return float64(t.ok) / float64(max(1, t.n)) }

// judgeAll checks every judge against the renderer's truth on n renders
// and returns the success rate per judge.
func judgeAll(t *testing.T, first int64, n int, noisy bool) map[string]*tally {
	rates := map[string]*tally{}
	for _, k := range append(Kinds, "palette-mismatch") {
		rates[k] = &tally{}
	}
	rng := rand.New(rand.NewPCG(uint64(first), 2))
	for seed := first; seed < first+int64(n); seed++ {
		p := randomPrompt(rng)
		r := world.Render(world.Sample(p, world.Noise(seed)))
		var img image.Image = r.Image
		if noisy {
			img = degrade(img, seed)
		}
		tr := r.Truth
		row := tr.HorizonFrac
		res, err := Check(img, Target{Kind: "horizon", Row: &row})
		must(t, err)
		rates["horizon"].add(res.Verdict.Pass)
		if !res.Verdict.Pass && testing.Verbose() {
			fmt.Printf("horizon miss seed %d %q: truth %.1f got %.1f (%s)\n", seed, tr.Prompt, tr.Horizon, res.Horizon*64, res.Note)
		}
		w := tr.OutlineWidth
		res, err = Check(img, Target{Kind: "lineweight", Width: &w})
		must(t, err)
		rates["lineweight"].add(res.Verdict.Pass)
		if !res.Verdict.Pass && testing.Verbose() {
			fmt.Printf("lineweight miss seed %d %q: truth %.2f got %.2f\n", seed, tr.Prompt, w, res.Width)
		}
		pt := [2]float64{tr.Sun.X / 64, tr.Sun.Y / 64}
		res, err = Check(img, Target{Kind: "sun", Point: &pt})
		must(t, err)
		rates["sun"].add(res.Verdict.Pass)
		if !res.Verdict.Pass && testing.Verbose() {
			fmt.Printf("sun miss seed %d %q: truth %+v got %+v %s\n", seed, tr.Prompt, *tr.Sun, res.Sun, res.Note)
		}
		var cols []string
		for _, e := range tr.Palette {
			cols = append(cols, e.Hex)
		}
		res, err = Check(img, Target{Kind: "palette", Colors: cols})
		must(t, err)
		rates["palette"].add(res.Verdict.Pass)
		if !res.Verdict.Pass && testing.Verbose() {
			fmt.Printf("palette miss seed %d %q: %+v\n", seed, tr.Prompt, *res.Palette)
		}
		// the palette of another time of day must not match
		q := p
		q.Time = world.Times[(indexOf(world.Times, p.Time)+2)%4]
		other := world.Render(world.Sample(q, world.Noise(seed))).Truth
		cols = cols[:0]
		for _, e := range other.Palette {
			cols = append(cols, e.Hex)
		}
		res, err = Check(img, Target{Kind: "palette", Colors: cols})
		must(t, err)
		rates["palette-mismatch"].add(!res.Verdict.Pass)
	}
	return rates
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestJudgesRecoverTheTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("500 renders")
	}
	for _, noisy := range []bool{false, true} {
		want := 0.98
		if noisy {
			want = 0.95
		}
		for k, r := range judgeAll(t, heldOutSeed, 500, noisy) {
			t.Logf("noisy=%v %-16s %d/%d = %.1f%%", noisy, k, r.ok, r.n, 100*r.rate())
			if r.rate() < want {
				t.Errorf("noisy=%v: %s judge agrees with the truth in %.1f%% of 500 renders, want >= %.0f%%",
					noisy, k, 100*r.rate(), 100*want)
			}
		}
	}
}

var _ = color.RGBA{}

// TestJudgeTuning reports the judges' agreement on the tuning seeds
// (run with JUDGE_TUNE=1 -v); the acceptance test uses other seeds.
func TestJudgeTuning(t *testing.T) {
	if os.Getenv("JUDGE_TUNE") == "" {
		t.Skip("set JUDGE_TUNE=1")
	}
	noisy := os.Getenv("JUDGE_TUNE") == "noisy"
	for k, r := range judgeAll(t, 100000, 1000, noisy) {
		t.Logf("%-16s %d/%d = %.1f%%", k, r.ok, r.n, 100*r.rate())
	}
}
