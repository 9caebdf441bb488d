package vqa

import (
	"image"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"dualprocess/training/world"
)

// attribute is a text-only yes/no question about the scene.
type attribute struct {
	texts []string
	truth func(t world.Truth, p world.Prompt) bool
}

var attributeQuestions = []attribute{
	{[]string{"Is there a sun?", "Can you see the sun?"}, func(t world.Truth, p world.Prompt) bool { return p.Time != "night" }},
	{[]string{"Is there a moon?", "Can you see the moon?"}, func(t world.Truth, p world.Prompt) bool { return p.Time == "night" }},
	{[]string{"Are there trees?", "Is there a tree?"}, func(t world.Truth, p world.Prompt) bool { return has(t, "tree") }},
	{[]string{"Is there a house?"}, func(t world.Truth, p world.Prompt) bool { return has(t, "house") }},
	{[]string{"Is there a boat?"}, func(t world.Truth, p world.Prompt) bool { return has(t, "boat") }},
	{[]string{"Are there clouds?", "Is it cloudy?"}, func(t world.Truth, p world.Prompt) bool { return p.Clouds }},
	{[]string{"Is there water?"}, func(t world.Truth, p world.Prompt) bool { return p.HasWater() }},
	{[]string{"Are there mountains?"}, func(t world.Truth, p world.Prompt) bool { return p.Kind == "mountains" }},
	{[]string{"Is this a city?"}, func(t world.Truth, p world.Prompt) bool { return p.Kind == "city" }},
	{[]string{"Is this a desert?"}, func(t world.Truth, p world.Prompt) bool { return p.Kind == "desert" }},
	{[]string{"Is it night?", "Is it dark outside?"}, func(t world.Truth, p world.Prompt) bool { return p.Time == "night" }},
	{[]string{"Is it daytime?"}, func(t world.Truth, p world.Prompt) bool { return p.Time != "night" }},
	{[]string{"Are there dark outlines?", "Is the image outlined?"}, func(t world.Truth, p world.Prompt) bool { return p.Outlined }},
}

var (
	skyColourQs = []string{"What colour is the sky?", "What is the colour of the sky?"}
	timeQs      = []string{"What time of day is it?"}
	sideQs      = []string{"Is the sun on the left or the right?", "Is the moon on the left or the right?"}
)

// SkyColours are the sky colours the rater names, top and bottom of the
// gradient (sRGB 0..1).
var SkyColours = map[string][2][3]float64{
	"blue":   {{0.30, 0.55, 0.90}, {0.62, 0.80, 0.96}},
	"pink":   {{0.85, 0.58, 0.74}, {0.98, 0.80, 0.82}},
	"orange": {{0.93, 0.50, 0.18}, {1.00, 0.72, 0.40}},
	"purple": {{0.42, 0.28, 0.62}, {0.64, 0.46, 0.78}},
	"dark":   {{0.13, 0.17, 0.36}, {0.26, 0.30, 0.52}},
}

func has(t world.Truth, kind string) bool {
	return slices.ContainsFunc(t.Objects, func(o world.ObjectTruth) bool { return o.Kind == kind })
}

func init() {
	register(family{name: "presence", yesNo: true, topics: len(attributeQuestions), sample: func(rng *rand.Rand, r world.Rendering, ask wish) (Item, bool) {
		// The question is the wish's topic and the scene must fit it, so
		// every question is as often yes as no: picking among the questions
		// a scene fits made the rare objects' yes rare ("Is there a house?"
		// stayed at chance when there was one).
		p, _ := world.ParsePrompt(r.Truth.Prompt)
		a := attributeQuestions[ask.topic]
		if yesNo(a.truth(r.Truth, p)) != ask.answer {
			return Item{}, false
		}
		return Item{Question: pick(rng, a.texts...), Answer: ask.answer}, true
	}})
	register(family{name: "time", sample: func(rng *rand.Rand, r world.Rendering, _ wish) (Item, bool) {
		p, _ := world.ParsePrompt(r.Truth.Prompt)
		return Item{Question: pick(rng, timeQs...), Answer: p.Time}, true
	}})
	register(family{name: "side", sample: func(rng *rand.Rand, r world.Rendering, _ wish) (Item, bool) {
		s := r.Truth.Sun
		if math.Abs(s.X-world.Size/2) < 6 {
			return Item{}, false
		}
		q := sideQs[0]
		if s.Kind == "moon" {
			q = sideQs[1]
		}
		return Item{Question: q, Answer: map[bool]string{true: "left", false: "right"}[s.X < world.Size/2]}, true
	}})
	// Sky questions half the time repaint the sky in another colour, so the
	// rater must look at the sky rather than guess from the time of day
	// (always when the sky's own colour has no name: NameSky), and
	// half the time add a soft patch of yet another colour over less than
	// half of the sky (PaintSkyPatch), so it must look at all of the sky: a
	// patch is what a teaching run's adapter finds first. One in six mottles
	// the sky half in another colour (MottleSky) and asks whether it is
	// either: no, as the sky judge's median says (an adapter streaked a
	// blue sky with red to get "orange"), and one in six paints it a colour
	// none of the names fits (unnamedSky) and asks whether it is the
	// nearest one: no (an adapter turned a blue sky grey-brown, and a rater
	// that had only five names for skies called that orange), half the
	// time with a patch of the colour asked about (the next adapter turned
	// it grey and streaked its top with orange).
	register(family{name: "sky", sample: func(rng *rand.Rand, r world.Rendering, _ wish) (Item, bool) {
		it, ok := skyItem(rng, r)
		return it, ok && skyAnswerHolds(r, it)
	}})
}

// skyAnswerHolds reports whether a sky example's answer is what NameSky,
// the sky judge's reading, says of its image. A patch, a mottle or a near
// miss of a name sometimes moves the sky's median colour across the line
// it was meant to stay behind (one in seven to one in four of those
// decoys until session 14), and such an example would teach the rater
// the opposite of the judge.
func skyAnswerHolds(r world.Rendering, it Item) bool {
	img := it.ImageOf(r)
	name := NameSky(r, img)
	q := strings.TrimSuffix(it.Question, " "+YesNoSuffix)
	if asked, ok := strings.CutPrefix(q, "Is the sky "); ok {
		return it.Answer == yesNo(strings.TrimSuffix(asked, "?") == name)
	}
	return it.Answer == name
}

// skyItem makes a sky example (see the sky family above).
func skyItem(rng *rand.Rand, r world.Rendering) (Item, bool) {
	name, img := NameSky(r, r.Image), r.Image
	if near, _ := nearestSkyName(r, img); name == "" && near != "" && rng.IntN(3) == 0 {
		// the scene's own sky has no name (the world's mauve sunset): not the nearest one either
		if rng.IntN(2) == 0 {
			img = PaintSkyPatch(rng, r, img, SkyColours[near])
		}
		return Item{Question: "Is the sky " + near + "?", Answer: "no", Image: img, Decoy: "unnamed"}, true
	}
	if rng.IntN(2) == 0 || name == "" {
		name = pick(rng, skyNames...)
		img = RepaintSky(r, SkyColours[name])
	}
	other := name
	for other == name {
		other = pick(rng, skyNames...)
	}
	if rng.IntN(5) == 0 { // a colour without a name: is it the nearest named one? no
		if img, near, ok := unnamedSky(rng, r); ok {
			asked := pick(rng, near, pick(rng, skyNames...))
			if rng.IntN(2) == 0 { // not even with a patch of the colour asked about
				img = PaintSkyPatch(rng, r, img, SkyColours[asked])
			}
			return Item{Question: "Is the sky " + asked + "?", Answer: "no", Image: img, Decoy: "unnamed"}, true
		}
	}
	if rng.IntN(6) == 0 { // half one colour, half another: neither is the sky's colour
		img = MottleSky(rng, r, img, SkyColours[other])
		q := "Is the sky " + pick(rng, name, other) + "?"
		if rng.IntN(2) == 0 {
			q += " " + YesNoSuffix
		}
		return Item{Question: q, Answer: "no", Image: img, Decoy: "mottle"}, true
	}
	var decoy string
	if rng.IntN(2) == 0 { // a patch of another colour does not change the sky's colour
		img, decoy = PaintSkyPatch(rng, r, img, SkyColours[other]), "patch"
	}
	if rng.IntN(2) == 0 {
		return Item{Question: pick(rng, skyColourQs...), Answer: name, Image: img, Decoy: decoy}, true
	}
	asked := name // mostly the sky's own colour: the decoys above all say no
	if rng.IntN(10) == 0 {
		asked = other
	}
	q := "Is the sky " + asked + "?"
	if rng.IntN(2) == 0 {
		q += " " + YesNoSuffix
	}
	return Item{Question: q, Answer: yesNo(asked == name), Image: img, Decoy: decoy}, true
}

// RepaintSky returns the image with its plain-sky pixels repainted as a
// vertical gradient from top to bottom colour down to the horizon.
func RepaintSky(r world.Rendering, grad [2][3]float64) *image.RGBA {
	img := image.NewRGBA(r.Image.Rect)
	copy(img.Pix, r.Image.Pix)
	for _, k := range skyPixels(r) {
		blendSky(img, r, grad, k, 1)
	}
	return img
}

// skyPixels lists the indices (y*Size + x) of the rendering's plain-sky pixels.
func skyPixels(r world.Rendering) []int {
	var sky []int
	for k, s := range r.Sky {
		if s {
			sky = append(sky, k)
		}
	}
	return sky
}

// gradientAt is grad's colour (0..255 per channel) at pixel k's row: the
// gradient runs from its top colour at the top to its bottom colour at the
// horizon.
func gradientAt(r world.Rendering, grad [2][3]float64, k int) [3]float64 {
	t := math.Min(1, (float64(k/world.Size)+0.5)/math.Max(r.Truth.Horizon, 1))
	var c [3]float64
	for ch := range c {
		c[ch] = math.Max(0, math.Min(1, grad[0][ch]+(grad[1][ch]-grad[0][ch])*t)) * 255
	}
	return c
}

// blendSky turns pixel k of img a share w (0..1) of the way to grad's colour.
func blendSky(img *image.RGBA, r world.Rendering, grad [2][3]float64, k int, w float64) {
	v := gradientAt(r, grad, k)
	o := img.PixOffset(k%world.Size, k/world.Size)
	for ch := 0; ch < 3; ch++ {
		img.Pix[o+ch] = uint8(math.Round(float64(img.Pix[o+ch])*(1-w) + v[ch]*w))
	}
}

// SkyPatchShare is the largest share of the sky's pixels a PaintSkyPatch
// patch turns more than halfway to its colour: short of half, so the sky's
// colour is still the colour of most of it (the sky judge takes the median).
const SkyPatchShare = 0.44

// Patch shapes: a round patch, a vertical or a horizontal band, a corner.
// Teaching runs' adapters painted each of these into a sky to fool earlier
// raters (a third of the sky; a band down its right side).
const (
	roundPatch = iota
	verticalBand
	horizontalBand
	cornerPatch
	patchShapes
)

// PaintSkyPatch returns img with a soft patch of the gradient's colours
// blended over part of the rendering's plain sky, of a random shape: it
// turns at most SkyPatchShare of the sky's pixels more than halfway, so
// most of the sky keeps its colour however large the patch looks.
func PaintSkyPatch(rng *rand.Rand, r world.Rendering, img *image.RGBA, grad [2][3]float64) *image.RGBA {
	sky := skyPixels(r)
	out := image.NewRGBA(img.Rect)
	copy(out.Pix, img.Pix)
	if len(sky) == 0 {
		return out
	}
	c := sky[rng.IntN(len(sky))]
	cx, cy := float64(c%world.Size)+0.5, float64(c/world.Size)+0.5
	shape := rng.IntN(patchShapes)
	if shape == cornerPatch { // from the corner of the sky nearest the chosen point
		cx, cy = math.Round(cx/world.Size)*world.Size, 0
	}
	// weight is how far pixel k turns to the patch's colour (0..1), for a
	// patch of the given size in pixels
	weight := func(k int, size float64) float64 {
		x, y := float64(k%world.Size)+0.5, float64(k/world.Size)+0.5
		var d float64
		switch shape {
		case roundPatch, cornerPatch:
			d = math.Hypot(x-cx, y-cy)
		case verticalBand:
			d = math.Abs(x - cx)
		case horizontalBand:
			d = math.Abs(y - cy)
		}
		return math.Sqrt(math.Max(0, 1-d/size))
	}
	size := uniform(rng, 6, 40)
	for ; size > 2; size *= 0.9 {
		var most int
		for _, k := range sky {
			if weight(k, size) > 0.5 {
				most++
			}
		}
		if float64(most) <= SkyPatchShare*float64(len(sky)) {
			break
		}
	}
	for _, k := range sky {
		if w := weight(k, size); w > 0 {
			blendSky(out, r, grad, k, w)
		}
	}
	return out
}

// MottleSky returns img with half of the rendering's plain sky turned to
// the gradient's colours in smooth blobs and streaks (a random field on a
// grid of 3 to 9 cells across, interpolated and cut at its median with
// soft edges), so the sky is neither its own colour nor the other.
func MottleSky(rng *rand.Rand, r world.Rendering, img *image.RGBA, grad [2][3]float64) *image.RGBA {
	var field [10][10]float64
	g := float64(3 + rng.IntN(7)) // cells across: coarse blobs to fine streaks
	for j := range field {
		for i := range field[j] {
			field[j][i] = rng.Float64()
		}
	}
	sx, sy := 1+rng.Float64()*3, 1+rng.Float64()*3 // stretch: blobs or streaks
	value := func(k int) float64 {
		x := math.Min(float64(k%world.Size)/world.Size*g/sx*2, 8.999)
		y := math.Min(float64(k/world.Size)/world.Size*g/sy*2, 8.999)
		i, j := int(x), int(y)
		fx, fy := x-float64(i), y-float64(j)
		return (field[j][i]*(1-fx)+field[j][i+1]*fx)*(1-fy) + (field[j+1][i]*(1-fx)+field[j+1][i+1]*fx)*fy
	}
	sky := skyPixels(r)
	vals := make([]float64, len(sky))
	for n, k := range sky {
		vals[n] = value(k)
	}
	out := image.NewRGBA(img.Rect)
	copy(out.Pix, img.Pix)
	if len(sky) == 0 {
		return out
	}
	sorted := slices.Clone(vals)
	slices.Sort(sorted)
	mid := sorted[len(sorted)/2]
	for n, k := range sky {
		blendSky(out, r, grad, k, math.Max(0, math.Min(1, (vals[n]-mid)/0.1+0.5)))
	}
	return out
}

// unnamedSky repaints the sky in a gradient farther than SkyNameTolerance
// + 5 from every named sky colour and returns it with the nearest name; ok
// is false when ten tries found none. Half the time the gradient is
// random; otherwise it is a near miss of a random name, greyed, darkened
// or lightened (an adapter asked for an orange sky painted a grey-beige
// one, #a28673, and a rater called it orange).
func unnamedSky(rng *rand.Rand, r world.Rendering) (*image.RGBA, string, bool) {
	nearMiss := rng.IntN(2) == 0
	for try := 0; try < 10; try++ {
		var g [2][3]float64
		if nearMiss {
			g = shadeSky(rng, SkyColours[pick(rng, skyNames...)])
		} else {
			for c := 0; c < 3; c++ {
				g[0][c] = rng.Float64()
				g[1][c] = math.Max(0, math.Min(1, g[0][c]+uniform(rng, -0.2, 0.3)))
			}
		}
		img := RepaintSky(r, g)
		if near, d := nearestSkyName(r, img); d > SkyNameTolerance+5 && !math.IsInf(d, 1) {
			return img, near, true
		}
	}
	return nil, "", false
}

// shadeSky is the gradient mixed towards grey (its own mean), black or
// white by 0.3 to 0.8.
func shadeSky(rng *rand.Rand, g [2][3]float64) [2][3]float64 {
	t := uniform(rng, 0.3, 0.8)
	kind := rng.IntN(3)
	for i := range g {
		to := [3]float64{}
		switch kind {
		case 0:
			m := (g[i][0] + g[i][1] + g[i][2]) / 3
			to = [3]float64{m, m, m}
		case 2:
			to = [3]float64{1, 1, 1}
		}
		for c := range g[i] {
			g[i][c] += t * (to[c] - g[i][c])
		}
	}
	return g
}
