package vqa

import (
	"math"
	"math/rand/v2"

	"dualprocess/training/visual"
	"dualprocess/training/world"
)

var (
	sunInBox   = []string{"Is the sun inside the red box?", "Is the sun in the red box?"}
	moonInBox  = []string{"Is the moon inside the red box?", "Is the moon in the red box?"}
	treeAtLine = []string{"Is there a tree at the red line?", "Does a tree stand on the red line?"}
)

// Composition questions: is the sun (moon) inside a red box, with its
// centre at least 2 px inside or 3 px outside the box; is there a tree at a
// red vertical line, through the middle of a crown or 3 px clear of all.
func init() {
	register(family{name: "sunbox", yesNo: true, sample: func(rng *rand.Rand, r world.Rendering, want string) (Item, bool) {
		s := r.Truth.Sun
		w, h := uniform(rng, 12, 30), uniform(rng, 10, 24)
		var x0, y0 float64
		if want == "yes" {
			x0, y0 = s.X-2-uniform(rng, 0, w-4), s.Y-2-uniform(rng, 0, h-4)
		} else {
			x0, y0 = uniform(rng, 0, world.Size-w), uniform(rng, 0, world.Size-h)
			dx := math.Max(0, math.Max(x0-s.X, s.X-(x0+w)))
			dy := math.Max(0, math.Max(y0-s.Y, s.Y-(y0+h)))
			if math.Hypot(dx, dy) < 3 {
				return Item{}, false
			}
		}
		if x0 < 0 || y0 < 0 || x0+w > world.Size || y0+h > world.Size {
			return Item{}, false
		}
		d := visual.NewCanvas(world.Size)
		visual.Box(d, visual.Red, x0, y0, x0+w, y0+h, 1)
		q := pick(rng, sunInBox...)
		if s.Kind == "moon" {
			q = pick(rng, moonInBox...)
		}
		return Item{Question: q, Answer: want, Drawing: d, Mode: visual.Solid}, true
	}})
	register(family{name: "treeline", yesNo: true, sample: func(rng *rand.Rand, r world.Rendering, want string) (Item, bool) {
		x, ok := TreeLine(rng, r, want == "yes")
		if !ok {
			return Item{}, false
		}
		d := visual.NewCanvas(world.Size)
		visual.VLine(d, visual.Red, x, 1)
		return Item{Question: pick(rng, treeAtLine...), Answer: want, Drawing: d, Mode: visual.Solid}, true
	}})
}

// TreeLine picks the column (px at 64) of a vertical line for the question
// whether a tree stands at it: with yes, within the middle half of a tree's
// box; else at least 3 px clear of every tree's box; false when there is
// no tree for yes, or the one try for no hits a tree. The rater's treeline
// questions and the tree judge's check both draw their lines here.
func TreeLine(rng *rand.Rand, r world.Rendering, yes bool) (float64, bool) {
	var trees [][2]float64
	for _, o := range r.Truth.Objects {
		if o.Kind == "tree" {
			trees = append(trees, [2]float64{o.Box[0], o.Box[2]})
		}
	}
	if yes {
		if len(trees) == 0 {
			return 0, false
		}
		t := trees[rng.IntN(len(trees))]
		c, half := (t[0]+t[1])/2, (t[1]-t[0])/4
		return c + uniform(rng, -half, half), true
	}
	x := uniform(rng, 2, world.Size-2)
	for _, t := range trees {
		if x > t[0]-3 && x < t[1]+3 {
			return 0, false
		}
	}
	return x, true
}
