package vqa

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"

	"dualprocess/training/judge"
	"dualprocess/training/world"
)

// Answers measured from the pixels, for images no rendering explains (a
// teaching run's adapted images: package mine). Each is given only when
// the image is clearly on one side of the line, by LabelMargin (delta E);
// nearer the line there is no answer, so a label is never a coin toss.

// LabelMargin is how far from the line (delta E) a measured answer must be.
const LabelMargin = 5.0

// SkyAnswers answers "Is the sky <name>?" for every sky name the pixels
// settle: yes within SkyNameTolerance - LabelMargin of the name's gradient,
// no beyond SkyNameTolerance + LabelMargin. The sky is the rendering's
// plain sky (r is the render img was drawn from). Without a sky: none.
func SkyAnswers(r world.Rendering, img *image.RGBA) map[string]string {
	out := map[string]string{}
	for name, d := range skyDistances(r, img) {
		switch {
		case d < SkyNameTolerance-LabelMargin:
			out[name] = "yes"
		case d > SkyNameTolerance+LabelMargin:
			out[name] = "no"
		}
	}
	return out
}

// SkyQuestion phrases "Is the sky <name>?", with the yes/no suffix half the time.
func SkyQuestion(rng *rand.Rand, name string) string {
	q := "Is the sky " + name + "?"
	if rng.IntN(2) == 0 {
		q += " " + YesNoSuffix
	}
	return q
}

// SkyNames are the sky colours the rater names.
func SkyNames() []string { return append([]string(nil), skyNames...) }

// PaletteAnswer says whether img uses the colours cols, measured as the
// palette judge's lines put it (mean distance of the pixels from their
// nearest colour; the share of pixels near and nearest to each colour) but
// on the plain pixels and with a margin from both lines: "no" when the mean
// is more than judge.PaletteTolerance + LabelMargin or a colour covers under
// half of judge.PaletteMinCoverage, "yes" when the mean is within
// judge.PaletteTolerance - LabelMargin and every colour covers twice
// judge.PaletteMinCoverage; ok is false in between.
func PaletteAnswer(img *image.RGBA, cols []color.RGBA) (answer string, ok bool) {
	mean, cover := paletteFit(img, cols)
	least := math.Inf(1)
	for _, c := range cover {
		least = math.Min(least, c)
	}
	switch {
	case mean > judge.PaletteTolerance+LabelMargin || least < judge.PaletteMinCoverage/2:
		return "no", true
	case mean < judge.PaletteTolerance-LabelMargin && least >= 2*judge.PaletteMinCoverage:
		return "yes", true
	}
	return "", false
}

func paletteFit(img *image.RGBA, cols []color.RGBA) (mean float64, cover []float64) {
	labs := make([][3]float64, len(cols))
	for i, c := range cols {
		labs[i] = world.Lab(c)
	}
	cover = make([]float64, len(cols))
	b := img.Rect
	n := float64(b.Dx() * b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			o := img.PixOffset(x, y)
			lab := world.Lab(color.RGBA{img.Pix[o], img.Pix[o+1], img.Pix[o+2], 255})
			best, bi := math.Inf(1), 0
			for i, l := range labs {
				if d := world.DeltaE(lab, l); d < best {
					best, bi = d, i
				}
			}
			mean += best / n
			if best <= judge.PaletteNear {
				cover[bi] += 1 / n
			}
		}
	}
	return mean, cover
}

// PaletteQuestion is one of the palette questions.
func PaletteQuestion(rng *rand.Rand) string { return pick(rng, paletteQs...) }

// OtherPalette is the main colours (3 to 5 of them) of a scene of the
// prompt's kind at another time of day: a palette the prompt's own scene
// does not have. ok is false when that scene has fewer than three.
func OtherPalette(rng *rand.Rand, p world.Prompt) ([]color.RGBA, bool) {
	p.Time = world.Times[(indexOf(world.Times, p.Time)+1+rng.IntN(3))%len(world.Times)]
	other := world.Render(world.Sample(p, world.Noise(rng.Int64())))
	cols, _ := mainColours(other.Truth)
	k := min(len(cols), 3+rng.IntN(3))
	if k < 3 {
		return nil, false
	}
	return cols[:k], true
}
