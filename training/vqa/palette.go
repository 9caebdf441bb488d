package vqa

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"

	"dualprocess/training/judge"
	"dualprocess/training/visual"
	"dualprocess/training/world"
)

var paletteQs = []string{"Does the image use the colours of the palette?",
	"Are these the colours of the image?", "Does the picture match the colour palette at the bottom?"}

// PaletteRows is where the palette strip is drawn: the bottom 8 rows.
const PaletteRows = 8

// Palette questions show a strip of swatches along the bottom: the image's
// own main colours (slightly jittered) for yes, the main colours of a scene
// of another time of day for no. A third of the noes also paint a few blobs
// of the strip's colours into the image, over at most PaletteBlobShare of
// it: a teaching run's adapter fooled the rater with a dark halo round the
// sun, and a few patches of a palette do not make an image use it.
func init() {
	register(family{name: "palette", yesNo: true, sample: func(rng *rand.Rand, r world.Rendering, want string) (Item, bool) {
		own := mainColours(r.Truth)
		cols := own
		if want == "no" {
			p, _ := world.ParsePrompt(r.Truth.Prompt)
			p.Time = world.Times[(indexOf(world.Times, p.Time)+1+rng.IntN(3))%4]
			p.Kind = world.Kinds[rng.IntN(len(world.Kinds))]
			other := world.Render(world.Sample(p, world.Noise(rng.Int64())))
			cols = mainColours(other.Truth)
			if !farApart(own, cols) {
				return Item{}, false
			}
		}
		k := min(len(cols), 3+rng.IntN(3))
		if k < 3 {
			return Item{}, false
		}
		cols = append([]color.RGBA(nil), cols[:k]...)
		rng.Shuffle(len(cols), func(i, j int) { cols[i], cols[j] = cols[j], cols[i] })
		swatches := make([]color.Color, k)
		for i, c := range cols {
			swatches[i] = jitter(rng, c, 6)
		}
		d := visual.NewCanvas(world.Size)
		visual.Swatches(d, swatches, world.Size-PaletteRows, world.Size)
		it := Item{Question: pick(rng, paletteQs...), Answer: want, Drawing: d, Mode: visual.Solid}
		if want == "no" && rng.IntN(3) == 0 {
			it.Image, it.Keeps = paintBlobs(rng, r.Image, swatches), []string{"time"}
		}
		return it, true
	}})
}

// mainColours are a scene's palette colours by coverage, outlines left out.
func mainColours(t world.Truth) []color.RGBA {
	var cols []color.RGBA
	for _, e := range t.Palette {
		if e.Name == "outline" {
			continue
		}
		c, err := judge.ParseColor(e.Hex)
		if err == nil {
			cols = append(cols, c)
		}
	}
	return cols
}

// farApart reports whether most of b's colours are far from all of a's.
func farApart(a, b []color.RGBA) bool {
	far := 0
	for _, cb := range b {
		near := false
		for _, ca := range a {
			if world.DeltaE(world.Lab(ca), world.Lab(cb)) < 15 {
				near = true
			}
		}
		if !near {
			far++
		}
	}
	return 2*far > len(b)
}

func jitter(rng *rand.Rand, c color.RGBA, amount int) color.RGBA {
	j := func(v uint8) uint8 { return uint8(min(255, max(0, int(v)+rng.IntN(2*amount+1)-amount))) }
	return color.RGBA{j(c.R), j(c.G), j(c.B), 255}
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// PaletteBlobShare is the largest share of the image above the strip that
// paintBlobs covers.
const PaletteBlobShare = 0.15

// paintBlobs returns img with one to three round blobs of the colours,
// solid in the middle and soft at the edge, above the palette strip, over
// at most PaletteBlobShare of that area.
func paintBlobs(rng *rand.Rand, img *image.RGBA, cols []color.Color) *image.RGBA {
	out := image.NewRGBA(img.Rect)
	copy(out.Pix, img.Pix)
	const h = world.Size - PaletteRows
	covered := make([]bool, world.Size*h)
	count := 0
	for b := 0; b < 1+rng.IntN(3); b++ {
		cx, cy, rad := uniform(rng, 0, world.Size), uniform(rng, 0, h), uniform(rng, 4, 9)
		c := color.RGBAModel.Convert(cols[rng.IntN(len(cols))]).(color.RGBA)
		var add []int
		for y := 0; y < h; y++ {
			for x := 0; x < world.Size; x++ {
				if k := y*world.Size + x; !covered[k] && math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy) < rad {
					add = append(add, k)
				}
			}
		}
		if float64(count+len(add)) > PaletteBlobShare*world.Size*h {
			break
		}
		for _, k := range add {
			x, y := k%world.Size, k/world.Size
			a := math.Min(1, 2*(1-math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)/rad))
			o := img.RGBAAt(x, y)
			mix := func(v, w uint8) uint8 { return uint8(math.Round(float64(v)*(1-a) + float64(w)*a)) }
			out.SetRGBA(x, y, color.RGBA{mix(o.R, c.R), mix(o.G, c.G), mix(o.B, c.B), 255})
			covered[k] = true
		}
		count += len(add)
	}
	return out
}
