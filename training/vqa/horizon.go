package vqa

import (
	"math/rand/v2"

	"dualprocess/training/visual"
	"dualprocess/training/world"
)

var (
	horizonAt    = []string{"Is the horizon at the red line?", "Does the horizon line up with the red line?", "Is the red line on the horizon?"}
	horizonAbove = []string{"Is the horizon above the red line?", "Is the horizon higher than the red line?"}
	horizonBelow = []string{"Is the horizon below the red line?", "Is the horizon lower than the red line?"}
)

// Horizon questions compare the horizon with a red horizontal line. "At"
// means within 1.5 px; "off" at least 4.5 px away, so no example is a
// judgement call.
func init() {
	register(family{name: "horizon", yesNo: true, sample: func(rng *rand.Rand, r world.Rendering, want string) (Item, bool) {
		h := r.Truth.Horizon
		relation := rng.IntN(3)
		var offset float64 // line row minus horizon row
		switch {
		case relation == 0 && want == "yes":
			offset = uniform(rng, -1.5, 1.5)
		case relation == 0:
			offset = pick(rng, -1.0, 1.0) * uniform(rng, 4.5, 24)
		case want == "yes": // horizon above (smaller row) or below the line
			offset = uniform(rng, 4.5, 24) * []float64{0, 1, -1}[relation]
		default: // the other side or at the line
			offset = pick(rng, uniform(rng, -1.5, 1.5), uniform(rng, 4.5, 24)*[]float64{0, -1, 1}[relation])
		}
		y := h + offset
		if y < 2 || y > world.Size-2 {
			return Item{}, false
		}
		d := visual.NewCanvas(world.Size)
		visual.HLine(d, visual.Red, y, pick(rng, 1.0, 1.5, 2.0))
		q := pick(rng, horizonAt...)
		switch relation {
		case 1:
			q = pick(rng, horizonAbove...)
		case 2:
			q = pick(rng, horizonBelow...)
		}
		return Item{Question: q, Answer: want, Drawing: d, Mode: pick(rng, visual.Solid, visual.Transparent)}, true
	}})
}
