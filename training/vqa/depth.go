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
// In this world the lower point is nearly always the closer one, so about
// half the pairs are level (rows at most 1 apart), one point on a tree, house or
// boat: there height tells nothing and the rater must see what stands there.
func init() {
	register(family{name: "depth", yesNo: true, sample: func(rng *rand.Rand, r world.Rendering, ask wish) (Item, bool) {
		pair := DepthPair
		if rng.IntN(4) != 0 {
			pair = LevelPair // or another scene, one with objects (most scenes fail, so ask often)
		}
		pr, ok := pair(rng, r, 7)
		if !ok {
			return Item{}, false
		}
		pts := [2][2]int{pr.A, pr.B}
		closer := pr.DepthA < pr.DepthB
		q := pick(rng, depthCloser...)
		if rng.IntN(2) == 0 {
			q, closer = pick(rng, depthFarther...), !closer
		}
		if yesNo(closer) != ask.answer {
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
		return Item{Question: q, Answer: ask.answer, Drawing: d, Mode: visual.Solid, Marks: marks}, true
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

// LevelPair picks a pair whose rows differ by at most 1, one point on an
// object (tree, house or boat) and one at least 8 px to its side, depths at
// least 1.5 times apart, in random order; or false after 40 tries.
func LevelPair(rng *rand.Rand, r world.Rendering, top int) (Pair, bool) {
	var boxes [][4]float64
	for _, o := range r.Truth.Objects {
		if o.Kind == "tree" || o.Kind == "house" || o.Kind == "boat" {
			boxes = append(boxes, o.Box)
		}
	}
	if len(boxes) == 0 {
		return Pair{}, false
	}
	inside := func(x, y int) bool { return x >= 3 && x < world.Size-7 && y >= top && y < world.Size-3 }
	for try := 0; try < 40; try++ {
		b := boxes[rng.IntN(len(boxes))]
		x, y := int(uniform(rng, b[0], b[2])), int(uniform(rng, b[1], b[3]))
		x2, y2 := 3+rng.IntN(world.Size-10), y+rng.IntN(3)-1
		if !inside(x, y) || !inside(x2, y2) || math.Abs(float64(x2-x)) < 8 {
			continue
		}
		d, ok := evenDepth(r, x, y)
		d2, ok2 := evenDepth(r, x2, y2)
		if !ok || !ok2 || math.Max(d, d2) < 1.5*math.Min(d, d2) {
			continue
		}
		if rng.IntN(2) == 0 {
			return Pair{[2]int{x, y}, [2]int{x2, y2}, d, d2}, true
		}
		return Pair{[2]int{x2, y2}, [2]int{x, y}, d2, d}, true
	}
	return Pair{}, false
}
