package vqa

import (
	"math"
	"math/rand/v2"

	"dualprocess/training/visual"
	"dualprocess/training/world"
)

var (
	depthCloser  = []string{"Is A closer than B?", "Is point A nearer to the viewer than point B?", "Is A in front of B?"}
	depthFarther = []string{"Is A farther away than B?", "Is point A further from the viewer than point B?", "Is A behind B?"}
)

// Depth questions mark two points A and B; one must be at least 1.5 times
// as far as the other (depth map), and each sits on a surface of even depth.
func init() {
	register(family{name: "depth", yesNo: true, sample: func(rng *rand.Rand, r world.Rendering, want string) (Item, bool) {
		pr, ok := DepthPair(rng, r, 7)
		if !ok {
			return Item{}, false
		}
		pts := [2][2]int{pr.A, pr.B}
		closer := pr.DepthA < pr.DepthB
		q := pick(rng, depthCloser...)
		if rng.IntN(2) == 0 {
			q, closer = pick(rng, depthFarther...), !closer
		}
		if yesNo(closer) != want {
			pts[0], pts[1] = pts[1], pts[0]
		}
		d := visual.NewCanvas(world.Size)
		var marks []Mark
		for i, p := range pts {
			m := Mark{Label: rune('A' + i), X: float64(p[0]) + 0.5, Y: float64(p[1]) + 0.5, LX: p[0] + 2, LY: p[1] - 6}
			visual.Dot(d, visual.Red, m.X, m.Y, 1.5)
			visual.Label(d, visual.Red, m.LX, m.LY, m.Label)
			marks = append(marks, m)
		}
		return Item{Question: q, Answer: want, Drawing: d, Mode: visual.Solid, Marks: marks}, true
	}})
}

// Pair is two pixels whose true depths differ at least 1.5 times, each on
// a surface of even depth, at least 8 px apart.
type Pair struct {
	A, B           [2]int
	DepthA, DepthB float64
}

// DepthPair picks such a pair in a rendering, with rows from top on (room
// for the labels), or false after 30 tries per point.
func DepthPair(rng *rand.Rand, r world.Rendering, top int) (Pair, bool) {
	var pts [2][2]int
	var ds [2]float64
	for i := range pts {
		for try := 0; ; try++ {
			if try == 30 {
				return Pair{}, false
			}
			x, y := 3+rng.IntN(world.Size-10), top+rng.IntN(world.Size-top-3)
			if d, ok := evenDepth(r, x, y); ok && (i == 0 || math.Hypot(float64(x-pts[0][0]), float64(y-pts[0][1])) >= 8) {
				pts[i], ds[i] = [2]int{x, y}, d
				break
			}
		}
	}
	if math.Max(ds[0], ds[1]) < 1.5*math.Min(ds[0], ds[1]) {
		return Pair{}, false
	}
	return Pair{pts[0], pts[1], ds[0], ds[1]}, true
}

// evenDepth is the depth at (x, y) when its 3x3 neighbourhood agrees to 10%.
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
