package raterfit

import (
	"slices"

	"dualprocess/training/vqa"
	"dualprocess/training/world"
)

// AuxMaps are the scene maps the rater's stem learns to predict in
// training, alongside the answers: dense targets from every image that
// teach it where the sky, the sun and the objects are and how far things
// are, whatever the question. Each is a 16x16 map of 4x4-pixel cells.
var AuxMaps = []string{"sky", "depth", "sun", "moon", "tree", "house", "boat"}

// MarkLabels are the labels of the drawn points whose places the rater
// learns to find (model.RaterConfig.MarkPools maps): with them the stem
// learns to read the letters, so that a question about A reads A.
var MarkLabels = []rune{'A', 'B'}

const auxSide, auxCell = 16, world.Size / 16

// auxTargets computes AuxMaps for a rendering: the share of each cell's
// pixels that show plain sky, the sun's or moon's disc or an object's box,
// and the cell's mean depth (0 near .. 1 far).
func auxTargets(r world.Rendering) []float32 {
	const plane = auxSide * auxSide
	out := make([]float32, len(AuxMaps)*plane)
	add := func(ch, x, y int, v float32) {
		out[ch*plane+(y/auxCell)*auxSide+x/auxCell] += v / (auxCell * auxCell)
	}
	sun := r.Truth.Sun
	for y := 0; y < world.Size; y++ {
		for x := 0; x < world.Size; x++ {
			k := y*world.Size + x
			if r.Sky[k] {
				add(0, x, y, 1)
			}
			add(1, x, y, r.Depth[k])
			px, py := float64(x)+0.5, float64(y)+0.5
			if sun != nil && (px-sun.X)*(px-sun.X)+(py-sun.Y)*(py-sun.Y) <= sun.Radius*sun.Radius {
				add(map[bool]int{true: 3, false: 2}[sun.Kind == "moon"], x, y, 1)
			}
			for _, o := range r.Truth.Objects {
				ch := map[string]int{"tree": 4, "house": 5, "boat": 6}[o.Kind]
				if ch > 0 && px >= o.Box[0] && px < o.Box[2] && py >= o.Box[1] && py < o.Box[3] {
					add(ch, x, y, 1)
				}
			}
		}
	}
	for i, v := range out {
		out[i] = min(v, 1) // overlapping boxes of one kind
	}
	return out
}

// markTargets is where each of MarkLabels is drawn, (len(MarkLabels), 16,
// 16): the share of the mark's pixels (within 2 px of its dot or under its
// letter's 3x5 box) in each cell, summing to 1; all zero for a label the
// drawing lacks.
func markTargets(marks []vqa.Mark) []float32 {
	const plane = auxSide * auxSide
	out := make([]float32, len(MarkLabels)*plane)
	for _, m := range marks {
		ch := slices.Index(MarkLabels, m.Label)
		if ch < 0 {
			continue
		}
		t := out[ch*plane : (ch+1)*plane]
		var n float32
		for y := 0; y < world.Size; y++ {
			for x := 0; x < world.Size; x++ {
				px, py := float64(x)+0.5, float64(y)+0.5
				dot := (px-m.X)*(px-m.X)+(py-m.Y)*(py-m.Y) <= 4
				letter := x >= m.LX && x < m.LX+3 && y >= m.LY && y < m.LY+5
				if dot || letter {
					t[(y/auxCell)*auxSide+x/auxCell]++
					n++
				}
			}
		}
		for k := range t {
			t[k] /= max(n, 1)
		}
	}
	return out
}

// AuxScene are the scene attributes the stem learns to tell in training:
// the scene kind and time of day (one-hot), which objects are there, and
// the outline width (px / 6).
var AuxScene = append(append(slices.Clone(world.Kinds), world.Times...),
	"clouds", "outlined", "tree", "house", "boat", "water", "outline width")

func auxSceneTargets(r world.Rendering) []float32 {
	p, _ := world.ParsePrompt(r.Truth.Prompt)
	out := make([]float32, len(AuxScene))
	set := func(name string, on bool) {
		if on {
			out[slices.Index(AuxScene, name)] = 1
		}
	}
	set(p.Kind, true)
	set(p.Time, true)
	set("clouds", p.Clouds)
	set("outlined", p.Outlined)
	for _, o := range r.Truth.Objects {
		set(o.Kind, o.Kind == "tree" || o.Kind == "house" || o.Kind == "boat")
	}
	set("water", p.HasWater())
	out[len(out)-1] = float32(r.Truth.OutlineWidth / 6)
	return out
}
