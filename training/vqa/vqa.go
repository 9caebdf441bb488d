// Package vqa makes visual-question-answering examples from the procedural
// world: a rendered image, a visual prompt drawn over it, a question and
// the true answer, computed from the renderer's truth and depth map. The
// rater learns from them; the question templates are also what the app
// suggests to users.
package vqa

import (
	"image"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"

	"dualprocess/training/visual"
	"dualprocess/training/world"
)

// Item is one example: ask Question about the image with Drawing overlaid
// (none for text-only questions); the true answer is Answer.
type Item struct {
	Family   string
	Question string
	Answer   string
	Drawing  *image.NRGBA // nil: nothing to overlay
	Mode     visual.Mode
	Image    *image.RGBA // the image to ask about when the family changed it; nil: the rendering's
	// Keeps, with Image, names the text-only families whose answers about
	// the rendering still hold for Image (nil: presence and side, which a
	// repainted sky keeps).
	Keeps []string
	// RenderOnly: the change needs the rendering's own pixels (it paints
	// out the sun's exact disc), so it does not apply to a generator's
	// sample of the scene, whose sun is blurred and larger.
	RenderOnly bool
	Marks      []Mark // the labelled points the drawing marks (depth questions)
	// Decoy names the hard case the family drew on purpose, near the
	// boundary of its answer or made like a teaching run's exploit (a sky
	// patch, a shaded palette swatch, a dark stroke at a red line); ""
	// for a plain example. Evaluation reports both kinds.
	Decoy string
}

// ImageOf is the image the example asks about: its own Image, or else
// the rendering's r.
func (it Item) ImageOf(r world.Rendering) *image.RGBA {
	if it.Image != nil {
		return it.Image
	}
	return r.Image
}

// Mark is a labelled point of a drawing: a dot at (X, Y) (pixel centre
// units) and its letter, whose 3x5 glyph has its top-left corner at (LX, LY).
type Mark struct {
	Label  rune
	X, Y   float64
	LX, LY int
}

// YesNoSuffix may follow any yes/no question.
const YesNoSuffix = "Answer with Yes or No."

// Answers is the rater's answer vocabulary.
var Answers = []string{"yes", "no", "blue", "orange", "pink", "purple", "dark",
	"dawn", "noon", "sunset", "night", "left", "right"}

// A family makes examples of one kind of question: sample makes one for
// a rendering and what to ask, or ok is false when the scene cannot give it.
type family struct {
	name   string
	sample func(rng *rand.Rand, r world.Rendering, ask wish) (Item, bool)
	yesNo  bool
	topics int // how many questions the family chooses among up front (0: it chooses per scene)
}

// A wish is what an example should be: its answer ("yes" or "no" for
// yes/no families; ignored by open ones) and, for a family with topics,
// which question it asks. Generate keeps the wish while it searches for a
// scene, so a question whose yes is rare is still asked as often with yes
// as with no.
type wish struct {
	answer string
	topic  int
}

var families []family

func register(f family) { families = append(families, f) }

// Families lists the question families by name.
func Families() []string {
	names := make([]string, len(families))
	for i, f := range families {
		names[i] = f.name
	}
	return names
}

// Sample makes an example of the named family for a rendering, with yes and
// no equally likely. It returns false when the scene cannot support one.
func Sample(rng *rand.Rand, r world.Rendering, name string) (Item, bool) {
	f, ok := lookup(name)
	if !ok {
		return Item{}, false
	}
	return f.make(rng, r, f.wish(rng))
}

// Generate makes an example of the named family, drawing new scenes until
// one supports it; the answer is chosen first, so yes and no stay balanced
// even where some scenes can only say no.
func Generate(rng *rand.Rand, name string, scene func() world.Rendering) (Item, bool) {
	f, ok := lookup(name)
	if !ok {
		return Item{}, false
	}
	w := f.wish(rng)
	for try := 0; try < 50; try++ {
		if it, ok := f.make(rng, scene(), w); ok {
			return it, true
		}
	}
	return Item{}, false
}

func lookup(name string) (family, bool) {
	for _, f := range families {
		if f.name == name {
			return f, true
		}
	}
	return family{}, false
}

func (f family) wish(rng *rand.Rand) wish {
	var w wish
	if f.yesNo {
		w.answer = []string{"yes", "no"}[rng.IntN(2)]
	}
	if f.topics > 0 {
		w.topic = rng.IntN(f.topics)
	}
	return w
}

func (f family) make(rng *rand.Rand, r world.Rendering, w wish) (Item, bool) {
	it, ok := f.sample(rng, r, w)
	if !ok {
		return Item{}, false
	}
	it.Family = f.name
	if f.yesNo && rng.IntN(2) == 0 {
		it.Question += " " + YesNoSuffix
	}
	return it, true
}

// pick returns a random element.
func pick[T any](rng *rand.Rand, xs ...T) T { return xs[rng.IntN(len(xs))] }

// uniform returns a random value in [a, b).
func uniform(rng *rand.Rand, a, b float64) float64 { return a + (b-a)*rng.Float64() }

// yesNo turns a truth into an answer.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// Words is the vocabulary of every question this package asks, the words
// the rater understands.
func Words() []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		for _, w := range world.Tokenize(s) {
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	for _, t := range templates() {
		add(t)
	}
	add(YesNoSuffix)
	add(strings.Join(world.AllWords(), " "))
	return out
}

// templates lists every question text of every family.
func templates() []string {
	var t []string
	for _, list := range [][]string{horizonAt, horizonAbove, horizonBelow, paletteQs, weightSame,
		weightThicker, weightThinner, depthCloser, depthFarther, sunInBox, moonInBox, treeAtLine} {
		t = append(t, list...)
	}
	for _, a := range attributeQuestions {
		t = append(t, a.texts...)
	}
	t = append(append(append(t, skyColourQs...), timeQs...), sideQs...)
	for _, name := range slices.Sorted(maps.Keys(SkyColours)) { // sorted: the vocabulary's order is fixed
		t = append(t, "Is the sky "+name+"?")
	}
	return t
}
