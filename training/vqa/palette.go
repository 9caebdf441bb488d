package vqa

import (
	"cmp"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"slices"

	"dualprocess/picture"
	"dualprocess/training/judge"
	"dualprocess/training/visual"
	"dualprocess/training/world"
)

var paletteQs = []string{"Does the image use the colours of the palette?",
	"Are these the colours of the image?", "Does the picture match the colour palette at the bottom?"}

// PaletteRows is where the palette strip is drawn: the bottom 8 rows.
const PaletteRows = 8

// Palette questions show a strip of swatches along the bottom: for yes the
// image's own main colours (slightly jittered), as many as the palette
// judge needs to pass the image (judgedStrip: until session 14 the strip
// was the first 3-5 of them, which the judge failed on half the yes
// examples, so the rater learned that a palette missing a big colour of
// the image still matches it); for no, with as many swatches, a quarter of the
// time the main colours of a scene of another time of day, otherwise the
// image's own with one that fills a fifth of it or more swapped for a far
// one (swapMain) or for a shade of itself (shadeMain), or the image's own
// colours over the image with that colour's pixels moved to a shade of it
// (shadeImage), or the yes strip with one more colour that the image
// lacks (extraSwatch: every pixel is near a swatch, but one swatch covers
// none of the image; palette adapters that dropped a colour fooled a
// rater that read only how near the pixels came). The palette judge
// asks every pixel to be near a swatch, so a sky of the palette's colours
// over ground of none is not a match: a teaching run's adapter pinked the
// sky of a noon scene, left the ground green, and an earlier rater said
// yes; another darkened a noon sky to the night palette's blues and left
// the bright green ground under a dark green swatch.
//
// The strip hides the image's bottom rows, and the judge counts them: a
// beach below the sea, 7 rows high, can be a yes strip's colour that the
// rows above the strip do not show at all. A question whose answer lies
// under the strip cannot be read from the image as shown, so every example
// is one on which the judge says the same of the rows above the strip as
// of the whole image (session 28: of 400 held-out examples 31 were not, and
// the rater learned to hedge on a swatch that covers nothing it can see).
func init() {
	register(family{name: "palette", yesNo: true, sample: func(rng *rand.Rand, r world.Rendering, ask wish) (Item, bool) {
		cols, outline, ok := judgedStrip(rng, r, 3+rng.IntN(3))
		if !ok {
			return Item{}, false
		}
		yes := cols
		k := len(cols)
		own, cover := paletteColours(r.Truth, outline) // the colours the strip was taken from
		var img *image.RGBA                            // nil: the rendering's
		var decoy string
		if ask.answer == "yes" && rng.IntN(4) == 0 {
			if img, ok = nearEdge(rng, r.Image, cols, true); !ok {
				return Item{}, false
			}
			decoy = "near-pass"
		}
		if ask.answer == "no" && rng.IntN(5) == 0 {
			if img, ok = nearEdge(rng, r.Image, cols, false); !ok {
				return Item{}, false
			}
			decoy = "near-miss"
		} else if ask.answer == "no" {
			p, _ := world.ParsePrompt(r.Truth.Prompt)
			p.Time = world.Times[(indexOf(world.Times, p.Time)+1+rng.IntN(3))%4]
			p.Kind = world.Kinds[rng.IntN(len(world.Kinds))]
			other := world.Render(world.Sample(p, world.Noise(rng.Int64())))
			cols, _ = paletteColours(other.Truth, outline)
			switch rng.IntN(10) {
			case 0, 1:
				ok = farApart(own, cols)
			case 2, 3:
				cols, ok = swapMain(rng, own, cover, cols)
				decoy = "swap"
			case 4, 5:
				cols, ok = shadeMain(rng, own, cover)
				decoy = "shade"
			case 6, 7:
				cols = own
				img, ok = shadeImage(rng, r.Image, own, cover)
				decoy = "shaded-image"
			default:
				cols, ok = extraSwatch(rng, yes, own, cols)
				k, decoy = len(cols), "extra"
			}
			if !ok {
				return Item{}, false
			}
			k = min(len(cols), k)
			if k < 3 {
				return Item{}, false
			}
			cols = append([]color.RGBA(nil), cols[:k]...)
			for i, c := range cols {
				cols[i] = jitter(rng, c, 6)
			}
			if paletteMatches(cmp.Or(img, r.Image), cols) {
				return Item{}, false // the jitter made a match of it
			}
		}
		if paletteMatches(aboveStrip(cmp.Or(img, r.Image)), cols) != (ask.answer == "yes") {
			return Item{}, false // the answer lies under the strip
		}
		rng.Shuffle(len(cols), func(i, j int) { cols[i], cols[j] = cols[j], cols[i] })
		swatches := make([]color.Color, k)
		for i, c := range cols {
			swatches[i] = c
		}
		d := visual.NewCanvas(world.Size)
		visual.Swatches(d, swatches, world.Size-PaletteRows, world.Size)
		return Item{Question: pick(rng, paletteQs...), Answer: ask.answer, Drawing: d, Mode: visual.Solid, Image: img, Decoy: decoy}, true
	}})
}

// judgedStrip is the strip of a yes: the fewest of the scene's palette
// colours (by coverage, at least least of them), each jittered, with which
// the palette judge passes the image, and the rows above the strip alike.
// The outlines' colour is left out unless the others are not enough
// (outline reports which). It returns false when even all of them fail, as
// a generator sample far from its scene's palette can.
func judgedStrip(rng *rand.Rand, r world.Rendering, least int) (strip []color.RGBA, outline, ok bool) {
	for _, outline := range []bool{false, true} {
		cols, _ := paletteColours(r.Truth, outline)
		for k := least; k <= len(cols); k++ {
			strip := make([]color.RGBA, k)
			for i, c := range cols[:k] {
				strip[i] = jitter(rng, c, 6)
			}
			if paletteMatches(r.Image, strip) && paletteMatches(aboveStrip(r.Image), strip) {
				return strip, outline, true
			}
		}
	}
	return nil, false, false
}

// aboveStrip is the rows of img the palette strip leaves in view.
func aboveStrip(img *image.RGBA) image.Image {
	b := img.Bounds()
	return img.SubImage(image.Rect(b.Min.X, b.Min.Y, b.Max.X, b.Max.Y-PaletteRows))
}

// paletteMatches reports whether the palette judge passes img against cols.
func paletteMatches(img image.Image, cols []color.RGBA) bool {
	res, err := judge.Check(img, judge.Target{Kind: "palette", Colors: hexes(cols)})
	return err == nil && res.Verdict.Pass
}

// mainColours are a scene's palette colours by coverage, outlines left
// out, and the share of the image each fills.
func mainColours(t world.Truth) (cols []color.RGBA, cover []float64) {
	return paletteColours(t, false)
}

// paletteColours are a scene's palette colours by coverage, the outlines'
// colour only with outline, and the share of the image each fills.
func paletteColours(t world.Truth, outline bool) (cols []color.RGBA, cover []float64) {
	for _, e := range t.Palette {
		if e.Name == "outline" && !outline {
			continue
		}
		c, err := picture.ParseColor(e.Hex)
		if err == nil {
			cols, cover = append(cols, c), append(cover, e.Coverage)
		}
	}
	return cols, cover
}

// SwapShare is the least share of the image a colour swapMain swaps fills.
const SwapShare = 0.2

// swapMain is a copy of the main colours own (by coverage, cover) with one
// of the first three that fills at least SwapShare of the image replaced
// by one of others at least delta E 25 from all of them. It returns false
// when there is none.
func swapMain(rng *rand.Rand, own []color.RGBA, cover []float64, others []color.RGBA) ([]color.RGBA, bool) {
	big, far := bigColours(own, cover), farFrom(own, others, 25)
	if len(big) == 0 || len(far) == 0 {
		return nil, false
	}
	cols := slices.Clone(own)
	cols[big[rng.IntN(len(big))]] = far[rng.IntN(len(far))]
	return cols, true
}

// extraSwatch is the strip with one colour of others added that lies at
// least delta E 25 from every colour of the scene (own). It returns false
// when there is none.
func extraSwatch(rng *rand.Rand, strip, own, others []color.RGBA) ([]color.RGBA, bool) {
	far := farFrom(own, others, 25)
	if len(far) == 0 {
		return nil, false
	}
	return append(slices.Clone(strip), far[rng.IntN(len(far))]), true
}

// farFrom is the colours of others at least delta E d from every colour of own.
func farFrom(own, others []color.RGBA, d float64) []color.RGBA {
	var far []color.RGBA
	for _, o := range others {
		if !slices.ContainsFunc(own, func(c color.RGBA) bool { return world.DeltaE(world.Lab(c), world.Lab(o)) < d }) {
			far = append(far, o)
		}
	}
	return far
}

// Shades that shadeMain makes are between ShadeMin and ShadeMax (delta E)
// from the colour they replace: far enough that the palette judge fails
// the image, near enough to look like the same colour to a coarse eye.
const ShadeMin, ShadeMax = 20.0, 45.0

// shadeMain is a copy of the main colours own (by coverage, cover) with
// one of the first three that fills at least SwapShare of the image
// replaced by a shade of itself (shadeBig). It returns false when there
// is no such colour or no try finds a shade.
func shadeMain(rng *rand.Rand, own []color.RGBA, cover []float64) ([]color.RGBA, bool) {
	i, s, ok := shadeBig(rng, own, cover)
	if !ok {
		return nil, false
	}
	cols := slices.Clone(own)
	cols[i] = s
	return cols, true
}

// shadeImage is the image side of shadeMain: the rendering with the pixels
// of one of its big colours (those within the palette judge's PaletteNear
// of it) moved to a shade of it, so the image's own palette no longer
// matches it (an adapter left the bright green ground of a noon scene
// under a night palette's dark green, and the strip decoys alone did not
// teach the rater to look at the image's side). Half the time only a soft
// blob of them moves, most of them (the next adapter darkened the image's
// border and left its middle bright); such a decoy is kept only when the
// palette judge fails the image against its own colours, so "no" is what
// the judge would say.
func shadeImage(rng *rand.Rand, img *image.RGBA, own []color.RGBA, cover []float64) (*image.RGBA, bool) {
	i, s, ok := shadeBig(rng, own, cover)
	if !ok {
		return nil, false
	}
	c, lab := own[i], world.Lab(own[i])
	var idx []int // the colour's pixels, by offset
	for o := 0; o+3 < len(img.Pix); o += 4 {
		px := color.RGBA{img.Pix[o], img.Pix[o+1], img.Pix[o+2], 255}
		if world.DeltaE(world.Lab(px), lab) < judge.PaletteNear {
			idx = append(idx, o)
		}
	}
	if len(idx) == 0 {
		return nil, false
	}
	weight := func(int) float64 { return 1 }
	if rng.IntN(2) == 0 { // a soft round blob around one of the pixels, grown until it covers ShadeBlob of them
		w := img.Rect.Dx()
		o := idx[rng.IntN(len(idx))]
		cx, cy := float64(o/4%w), float64(o/4/w)
		r := 8.0
		weight = func(o int) float64 {
			d := math.Hypot(float64(o/4%w)-cx, float64(o/4/w)-cy)
			return math.Max(0, math.Min(1, (r-d)/4+0.5))
		}
		for ; r < 2*float64(w); r += 2 {
			var sum float64
			for _, o := range idx {
				sum += weight(o)
			}
			if sum >= ShadeBlob*float64(len(idx)) {
				break
			}
		}
	}
	out := image.NewRGBA(img.Rect)
	copy(out.Pix, img.Pix)
	diff := [3]float64{float64(s.R) - float64(c.R), float64(s.G) - float64(c.G), float64(s.B) - float64(c.B)}
	for _, o := range idx {
		wt := weight(o)
		for ch, d := range diff {
			out.Pix[o+ch] = uint8(min(255, max(0, math.Round(float64(out.Pix[o+ch])+wt*d))))
		}
	}
	if paletteMatches(out, own) { // "no" must be what the palette judge says of the image and its own colours
		return nil, false
	}
	return out, true
}

// ShadeBlob is the least share of a colour's pixels a partial shadeImage moves.
const ShadeBlob = 0.7

// bigColours lists which of the first three main colours fill at least
// SwapShare of the image.
func bigColours(own []color.RGBA, cover []float64) []int {
	var big []int
	for i := range min(3, len(own)) {
		if cover[i] >= SwapShare {
			big = append(big, i)
		}
	}
	return big
}

// shadeBig picks one of the bigColours, i, and a shade of it: darker,
// lighter or greyer, at ShadeMin to ShadeMax from it and at least delta E
// 15 from the other colours; false when there is no big colour or eight
// tries find no shade.
func shadeBig(rng *rand.Rand, own []color.RGBA, cover []float64) (int, color.RGBA, bool) {
	big := bigColours(own, cover)
	if len(big) == 0 {
		return 0, color.RGBA{}, false
	}
	i := big[rng.IntN(len(big))]
	c := own[i]
	for range 8 {
		var s color.RGBA
		switch t := rng.Float64(); rng.IntN(3) {
		case 0:
			s = mixRGB(c, color.RGBA{A: 255}, 0.25+0.35*t)
		case 1:
			s = mixRGB(c, color.RGBA{255, 255, 255, 255}, 0.2+0.3*t)
		default:
			g := uint8((int(c.R) + int(c.G) + int(c.B)) / 3)
			s = mixRGB(c, color.RGBA{g, g, g, 255}, 0.5+0.5*t)
		}
		d := world.DeltaE(world.Lab(c), world.Lab(s))
		ok := d >= ShadeMin && d <= ShadeMax
		for j, o := range own {
			ok = ok && (j == i || world.DeltaE(world.Lab(o), world.Lab(s)) >= 15)
		}
		if ok {
			return i, s, true
		}
	}
	return 0, color.RGBA{}, false
}

// mixRGB is a + t(b - a).
func mixRGB(a, b color.RGBA, t float64) color.RGBA {
	m := func(x, y uint8) uint8 { return uint8(float64(x) + t*(float64(y)-float64(x)) + 0.5) }
	return color.RGBA{m(a.R, b.R), m(a.G, b.G), m(a.B, b.B), 255}
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

// nearEdge is the image with all its colours moved one way, by a random
// shift in RGB, until the palette judge's mean distance from cols lies
// just inside its tolerance (pass: 8 to 9.8) or just outside it (10.5 to
// 14): examples on both sides of the judge's line, where a teaching run's
// adapter ends up (palette-night's adapters stopped at a mean of 11-13,
// which a rater that had seen only images far from the line called a
// match). It returns false when the judge's verdict is not pass as asked
// (a swatch left uncovered, or no shift reaches the range).
func nearEdge(rng *rand.Rand, img *image.RGBA, cols []color.RGBA, pass bool) (*image.RGBA, bool) {
	lo, hi := 10.5, 14.0
	if pass {
		lo, hi = 8, judge.PaletteTolerance-0.2
	}
	want := uniform(rng, lo, hi)
	var dir [3]float64
	for ch := range dir {
		dir[ch] = rng.NormFloat64()
	}
	n := math.Sqrt(dir[0]*dir[0] + dir[1]*dir[1] + dir[2]*dir[2])
	shifted := func(t float64) *image.RGBA {
		out := image.NewRGBA(img.Rect)
		copy(out.Pix, img.Pix)
		for o := 0; o+3 < len(out.Pix); o += 4 {
			for ch := range 3 {
				out.Pix[o+ch] = uint8(min(255, max(0, math.Round(float64(out.Pix[o+ch])+t*dir[ch]/n))))
			}
		}
		return out
	}
	mean := func(im *image.RGBA) float64 {
		res, err := judge.Check(im, judge.Target{Kind: "palette", Colors: hexes(cols)})
		if err != nil {
			return math.Inf(1)
		}
		return res.Palette.MeanDeltaE
	}
	a, b := 0.0, 80.0 // the shift in 8-bit levels
	if mean(img) > want || mean(shifted(b)) < want {
		return nil, false
	}
	for range 12 {
		if m := (a + b) / 2; mean(shifted(m)) < want {
			a = m
		} else {
			b = m
		}
	}
	out := shifted((a + b) / 2)
	if m := mean(out); m < lo || m > hi || paletteMatches(out, cols) != pass {
		return nil, false
	}
	return out, true
}

func hexes(cols []color.RGBA) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = world.Hex(c.R, c.G, c.B)
	}
	return out
}
