package vqa

import (
	"image"
	"image/color"
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
// A quarter of the boxes without the sun are drawn where the sun was, and
// the sun is painted out (sometimes leaving a pale cloud): a teaching run's
// adapter fooled an earlier rater by moving the sun out and a pale blob in.
func init() {
	register(family{name: "sunbox", yesNo: true, sample: func(rng *rand.Rand, r world.Rendering, ask wish) (Item, bool) {
		s := r.Truth.Sun
		w, h := uniform(rng, 12, 30), uniform(rng, 10, 24)
		var x0, y0 float64
		var img *image.RGBA
		if ask.answer == "no" && rng.IntN(4) == 0 { // the box where the sun was, the sun gone
			if img = eraseSun(rng, r); img == nil {
				return Item{}, false
			}
		}
		if ask.answer == "yes" || img != nil {
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
		it := Item{Question: q, Answer: ask.answer, Drawing: d, Mode: visual.Solid}
		if img != nil {
			it.Image, it.Keeps, it.RenderOnly, it.Decoy = img, []string{"time", "sky"}, true, "sun-erased"
		}
		return it, true
	}})
	register(family{name: "treeline", yesNo: true, sample: func(rng *rand.Rand, r world.Rendering, ask wish) (Item, bool) {
		x, ok := TreeLine(rng, r, ask.answer == "yes")
		if !ok {
			return Item{}, false
		}
		d := visual.NewCanvas(world.Size)
		visual.VLine(d, visual.Red, x, 1)
		return Item{Question: pick(rng, treeAtLine...), Answer: ask.answer, Drawing: d, Mode: visual.Solid}, true
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

// eraseSun returns the rendering's image with the sun (or moon) painted
// over in the colour of the sky beside it on each row, and now and then a
// pale cloud where it was; nil when the disc does not stand in open sky.
func eraseSun(rng *rand.Rand, r world.Rendering) *image.RGBA {
	s := r.Truth.Sun
	if s == nil || s.Y+s.Radius+r.Truth.OutlineWidth+2 >= r.Truth.Horizon {
		return nil
	}
	img := image.NewRGBA(r.Image.Rect)
	copy(img.Pix, r.Image.Pix)
	reach := s.Radius + r.Truth.OutlineWidth + 1.5
	for y := max(0, int(s.Y-reach)); y <= min(world.Size-1, int(s.Y+reach)); y++ {
		for x := max(0, int(s.X-reach)); x <= min(world.Size-1, int(s.X+reach)); x++ {
			if math.Hypot(float64(x)+0.5-s.X, float64(y)+0.5-s.Y) > reach || r.Sky[y*world.Size+x] {
				continue
			}
			c, ok := nearestSky(r, x, y)
			if !ok {
				return nil
			}
			img.SetRGBA(x, y, c)
		}
	}
	if rng.IntN(2) == 0 { // a pale cloud where the sun was
		rad, alpha := uniform(rng, 2, s.Radius+1), uniform(rng, 0.4, 0.8)
		for y := 0; y < world.Size; y++ {
			for x := 0; x < world.Size; x++ {
				d := math.Hypot(float64(x)+0.5-s.X, float64(y)+0.5-s.Y)
				if d >= rad {
					continue
				}
				a := alpha * (1 - d/rad)
				c := img.RGBAAt(x, y)
				mix := func(v uint8) uint8 { return uint8(math.Round(float64(v)*(1-a) + 245*a)) }
				img.SetRGBA(x, y, color.RGBA{mix(c.R), mix(c.G), mix(c.B), 255})
			}
		}
	}
	return img
}

// nearestSky is the colour of the plain-sky pixel nearest to (x, y) on its row.
func nearestSky(r world.Rendering, x, y int) (color.RGBA, bool) {
	for d := 1; d < world.Size; d++ {
		for _, px := range []int{x - d, x + d} {
			if px >= 0 && px < world.Size && r.Sky[y*world.Size+px] {
				return r.Image.RGBAAt(px, y), true
			}
		}
	}
	return color.RGBA{}, false
}
