package world

import (
	"image"
	"image/draw"
	"math"
	"slices"
	"testing"

	"dualprocess/picture"
)

// An image that misses the house (its box painted over with the ground
// beside it) differs from the render only inside the house's box, and the
// box error says so where the image-wide error hardly does.
func TestBoxErrorShowsAMissingObject(t *testing.T) {
	p, err := ParsePrompt("hills at noon with house")
	if err != nil {
		t.Fatal(err)
	}
	r := Render(Sample(p, Noise(100)))
	boxes := map[string]image.Rectangle{}
	for kind, b := range r.Truth.Boxes() {
		boxes[kind] = b
	}
	house, ok := boxes["house"]
	if !ok || boxes["sun"].Empty() {
		t.Fatalf("boxes %v, want a house and the sun", boxes)
	}
	missing := image.NewRGBA(r.Image.Bounds())
	draw.Draw(missing, missing.Bounds(), r.Image, image.Point{}, draw.Src)
	ground := r.Image.At(house.Min.X-2, house.Max.Y-1)
	draw.Draw(missing, house, image.NewUniform(ground), image.Point{}, draw.Src)

	if e := picture.BoxAbsDiff(r.Image, r.Image, house); e != 0 {
		t.Errorf("an image against itself: box error %g, want 0", e)
	}
	inside, whole := picture.BoxAbsDiff(missing, r.Image, house), picture.MeanAbsDiff(missing, r.Image)
	if inside < 0.1 {
		t.Errorf("house painted out: box error %.3f, want >= 0.1", inside)
	}
	share := float64(house.Dx()*house.Dy()) / float64(Size*Size)
	if math.Abs(whole-inside*share) > 1e-9 {
		t.Errorf("image-wide error %.5f, want the box's %.5f times its share %.4f", whole, inside, share)
	}
	if sun := boxes["sun"]; !sun.Overlaps(house) && picture.BoxAbsDiff(missing, r.Image, sun) != 0 {
		t.Errorf("the sun's box %v changed though only the house was painted out", sun)
	}
}

// The render that the box error of a left-out object is compared with
// differs from the scene only around that object: the world draws each
// kind from its own noise components.
func TestLeavingAnObjectOutKeepsTheRestOfTheScene(t *testing.T) {
	for _, c := range []struct{ prompt, kind string }{
		{"hills at noon with house", "house"}, {"lake at dawn with boat", "boat"}, {"mountains at sunset with trees", "tree"},
	} {
		p, err := ParsePrompt(c.prompt)
		if err != nil {
			t.Fatal(err)
		}
		q, ok := p.Without(c.kind)
		if !ok {
			t.Fatalf("%q: cannot leave out %s", c.prompt, c.kind)
		}
		for seed := int64(100); seed < 108; seed++ {
			r, r0 := Render(Sample(p, Noise(seed))), Render(Sample(q, Noise(seed)))
			var boxes []image.Rectangle
			for kind, b := range r.Truth.Boxes() {
				if kind == c.kind {
					boxes = append(boxes, b.Inset(-2)) // the outline, and its blend, round the box
				}
			}
			if !slices.ContainsFunc(boxes, func(b image.Rectangle) bool { return picture.BoxAbsDiff(r.Image, r0.Image, b) > 0.02 }) {
				t.Fatalf("%q seed %d without %s: boxes %v, and the object is still there", c.prompt, seed, c.kind, boxes)
			}
			var diff float64 // outside the boxes
			for y := range Size {
				for x := range Size {
					pt := image.Pt(x, y)
					if slices.ContainsFunc(boxes, func(b image.Rectangle) bool { return pt.In(b) }) {
						continue
					}
					a, b := r.Image.RGBAAt(x, y), r0.Image.RGBAAt(x, y)
					for _, d := range []int{int(a.R) - int(b.R), int(a.G) - int(b.G), int(a.B) - int(b.B)} {
						diff += math.Abs(float64(d)) / 255 / (3 * Size * Size)
					}
				}
			}
			if diff > 0.001 { // a few pixels of the sun's rim may differ by a shade
				t.Errorf("%q seed %d without %s: mean change %.4f outside its boxes %v", c.prompt, seed, c.kind, diff, boxes)
			}
		}
	}
	if _, ok := (Prompt{Kind: "hills", Boat: true}).Without("boat"); ok {
		t.Error("a boat on hills brings its water; leaving it out must not count")
	}
	if _, ok := (Prompt{Kind: "lake"}).Without("sun"); ok {
		t.Error("the sun cannot be left out")
	}
}
