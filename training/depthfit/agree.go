package depthfit

import (
	"math/rand/v2"

	"dualprocess/training/judge"
	"dualprocess/training/vqa"
	"dualprocess/training/world"
)

// Agreement is the share of n random pairs in fresh renders that the depth
// model orders like the depth map: pairs as the rater's depth questions
// draw them (vqa.DepthPair), or with level only level ones (vqa.LevelPair:
// one point on an object, where height tells nothing). The model sees the
// picture of each scene (judge.Clean, judge.Degraded, or the generator's);
// the depth map is the render's.
func Agreement(m judge.DepthModel, first int64, n int, level bool, picture judge.Picture) (float64, error) {
	rng := rand.New(rand.NewPCG(uint64(first), 5))
	agreed, done := 0, 0
	for seed := first; done < n; seed++ {
		prompt := judge.RandomPrompt(rng)
		r := world.Render(world.Sample(prompt, world.Noise(seed)))
		pair := vqa.DepthPair
		if level {
			pair = vqa.LevelPair
		}
		p, ok := pair(rng, r, 3)
		if !ok {
			continue
		}
		img, err := picture(seed, prompt, r)
		if err != nil {
			return 0, err
		}
		d, err := m.LogDepthAt(img, [][2]float64{frac(p.A), frac(p.B)})
		if err != nil {
			return 0, err
		}
		if (d[0] < d[1]) == (p.DepthA < p.DepthB) {
			agreed++
		}
		done++
	}
	return float64(agreed) / float64(n), nil
}

func frac(p [2]int) [2]float64 {
	return [2]float64{(float64(p[0]) + 0.5) / world.Size, (float64(p[1]) + 0.5) / world.Size}
}

// HeldOutSeed is the first scene seed of the acceptance pairs, far from the
// training scenes (DataSeed).
const HeldOutSeed = 60_000_000
