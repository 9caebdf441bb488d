package depthfit

import (
	"math"
	"math/rand/v2"

	"dualprocess/training/judge"
	"dualprocess/training/world"
)

// Pair is two points (fractions of the image size) whose true depths differ
// by at least 1.5 times, each on a surface of even depth.
type Pair struct {
	A, B           [2]float64
	DepthA, DepthB float64
}

// RandomPair picks such a pair in a rendering, or false after 30 tries.
func RandomPair(rng *rand.Rand, r world.Rendering) (Pair, bool) {
	var pts [2][2]int
	var ds [2]float64
	for i := range pts {
		for try := 0; ; try++ {
			if try == 30 {
				return Pair{}, false
			}
			x, y := 3+rng.IntN(world.Size-6), 3+rng.IntN(world.Size-6)
			if d, ok := evenDepth(r, x, y); ok && (i == 0 || math.Hypot(float64(x-pts[0][0]), float64(y-pts[0][1])) >= 8) {
				pts[i], ds[i] = [2]int{x, y}, d
				break
			}
		}
	}
	if math.Max(ds[0], ds[1]) < 1.5*math.Min(ds[0], ds[1]) {
		return Pair{}, false
	}
	f := func(p [2]int) [2]float64 {
		return [2]float64{(float64(p[0]) + 0.5) / world.Size, (float64(p[1]) + 0.5) / world.Size}
	}
	return Pair{f(pts[0]), f(pts[1]), ds[0], ds[1]}, true
}

func evenDepth(r world.Rendering, x, y int) (float64, bool) {
	c := float64(r.Depth[y*world.Size+x])
	for j := y - 1; j <= y+1; j++ {
		for i := x - 1; i <= x+1; i++ {
			if math.Abs(float64(r.Depth[j*world.Size+i])-c) > 0.1*c {
				return 0, false
			}
		}
	}
	return c, true
}

// Agreement is the share of n random pairs in fresh renders that the depth
// model orders like the depth map.
func Agreement(m judge.DepthModel, first int64, n int) (float64, error) {
	rng := rand.New(rand.NewPCG(uint64(first), 5))
	agreed, done := 0, 0
	for seed := first; done < n; seed++ {
		r := world.Render(world.Sample(judge.RandomPrompt(rng), world.Noise(seed)))
		p, ok := RandomPair(rng, r)
		if !ok {
			continue
		}
		d, err := m.LogDepthAt(r.Image, [][2]float64{p.A, p.B})
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

// HeldOutSeed is the first scene seed of the acceptance pairs, far from the
// training scenes (DataSeed).
const HeldOutSeed = 60_000_000
