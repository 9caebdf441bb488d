package judge

import (
	"image"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/disintegration/imaging"

	"dualprocess/training/world"
)

// Agreement counts how often each judge agrees with the renderer's truth on
// n renders of random prompts from seed first on. With noisy, each render
// is first degraded by Degrade. "palette-mismatch" counts how often the
// palette of another time of day is rightly refused.
type Agreement struct {
	Judge  string `json:"judge"`
	Agreed int    `json:"agreed"`
	Of     int    `json:"of"`
}

// Rate is the share of renders on which the judge agreed.
func (a Agreement) Rate() float64 { return float64(a.Agreed) / float64(max(1, a.Of)) }

// Miss describes one disagreement, for reports.
type Miss struct {
	Judge, Prompt string
	Seed          int64
	Truth, Got    float64
}

// RandomPrompt draws a prompt from the whole grammar.
func RandomPrompt(rng *rand.Rand) world.Prompt {
	return world.Prompt{
		Kind: world.Kinds[rng.IntN(len(world.Kinds))], Time: world.Times[rng.IntN(len(world.Times))],
		Trees: rng.IntN(2) == 0, House: rng.IntN(2) == 0, Boat: rng.IntN(3) == 0,
		Clouds: rng.IntN(2) == 0, Outlined: rng.IntN(2) == 0,
	}
}

// Picture is the image a learned judge's agreement is measured on, for a
// scene of seed and prompt p and its render r: the render itself (Clean),
// degraded (Degraded), or another picture of the same scene, such as the
// generator's image of the same prompt and noise.
type Picture func(seed int64, p world.Prompt, r world.Rendering) (image.Image, error)

// Clean is the render itself.
func Clean(_ int64, _ world.Prompt, r world.Rendering) (image.Image, error) { return r.Image, nil }

// Degraded is the render degraded by Degrade.
func Degraded(seed int64, _ world.Prompt, r world.Rendering) (image.Image, error) {
	return Degrade(r.Image, seed), nil
}

// Degrade adds mild Gaussian noise (sigma 0.03 of full scale) and blur
// (sigma 0.5 px), seeded.
func Degrade(img image.Image, seed int64) image.Image {
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

// Agree runs every judge against the truth of n renders.
func Agree(first int64, n int, noisy bool) ([]Agreement, []Miss) {
	names := []string{"horizon", "palette", "lineweight", "sun", "palette-mismatch"}
	counts := make(map[string]*Agreement, len(names))
	for _, k := range names {
		counts[k] = &Agreement{Judge: k}
	}
	var misses []Miss
	count := func(judge string, ok bool, p string, seed int64, truth, got float64) {
		a := counts[judge]
		a.Of++
		if ok {
			a.Agreed++
		} else {
			misses = append(misses, Miss{judge, p, seed, truth, got})
		}
	}
	rng := rand.New(rand.NewPCG(uint64(first), 2))
	for seed := first; seed < first+int64(n); seed++ {
		p := RandomPrompt(rng)
		r := world.Render(world.Sample(p, world.Noise(seed)))
		var img image.Image = r.Image
		if noisy {
			img = Degrade(img, seed)
		}
		tr := r.Truth
		row, w := tr.HorizonFrac, tr.OutlineWidth
		res, _ := Check(img, Target{Kind: "horizon", Row: &row})
		count("horizon", res.Verdict.Pass, tr.Prompt, seed, tr.HorizonFrac*64, res.Horizon*64)
		res, _ = Check(img, Target{Kind: "lineweight", Width: &w})
		count("lineweight", res.Verdict.Pass, tr.Prompt, seed, w, res.Width)
		pt := [2]float64{tr.Sun.X / world.Size, tr.Sun.Y / world.Size}
		res, _ = Check(img, Target{Kind: "sun", Point: &pt})
		count("sun", res.Verdict.Pass, tr.Prompt, seed, 0, res.Verdict.Error)
		res, _ = Check(img, Target{Kind: "palette", Colors: hexes(tr)})
		count("palette", res.Verdict.Pass, tr.Prompt, seed, 0, res.Verdict.Error)
		q := p
		q.Time = world.Times[(slices.Index(world.Times, p.Time)+2)%len(world.Times)]
		other := world.Render(world.Sample(q, world.Noise(seed))).Truth
		res, _ = Check(img, Target{Kind: "palette", Colors: hexes(other)})
		count("palette-mismatch", !res.Verdict.Pass, tr.Prompt, seed, 0, res.Verdict.Error)
	}
	out := make([]Agreement, len(names))
	for i, k := range names {
		out[i] = *counts[k]
	}
	return out, misses
}

func hexes(t world.Truth) []string {
	var cols []string
	for _, e := range t.Palette {
		cols = append(cols, e.Hex)
	}
	return cols
}
