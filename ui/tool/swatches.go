package tool

import (
	"slices"

	"fyne.io/fyne/v2"

	"dualprocess/training/judge"
	"dualprocess/training/visual"
)

// Swatches draws the palette strip along the bottom rows. A tap on a
// swatch in the strip removes it; a tap anywhere else adds the current
// colour (up to MaxSwatches, each colour once).
type Swatches struct{}

// MaxSwatches is the most colours a palette strip holds.
const MaxSwatches = 6

// stripTop is where the strip starts: the bottom 8 rows, where the rater
// learned to read palettes (vqa.PaletteRows).
const stripTop = 1 - 8.0/64

var swatchesIcon = icon("swatches", `<rect x="4" y="14" width="5.3" height="6" fill="#7f4d7f"/>`+
	`<rect x="9.3" y="14" width="5.3" height="6" fill="#cc6452"/><rect x="14.6" y="14" width="5.4" height="6" fill="#686d34"/>`)

func (Swatches) Name() string        { return "Palette" }
func (Swatches) Icon() fyne.Resource { return swatchesIcon }
func (Swatches) Kind() string        { return "swatches" }
func (Swatches) Help() string {
	return "Tap: add the colour to the strip; tap a swatch: remove it. The strip needs every colour the picture " +
		"should have, and each of them must cover some of it; colours far from the world's own scenes teach less surely."
}

func (sw Swatches) Drag(e Editor, _, to Point) {
	var colours []string
	if s, ok := last(e.Strokes(), sw.Kind()); ok {
		colours = slices.Clone(s.Colors)
	}
	if i := int(to.X * float64(len(colours))); to.Y >= stripTop && len(colours) > 0 {
		colours = slices.Delete(colours, min(i, len(colours)-1), min(i, len(colours)-1)+1)
	} else if c := hex(e.Colour()); len(colours) < MaxSwatches && !slices.Contains(colours, c) {
		colours = append(colours, c)
	}
	if len(colours) == 0 {
		e.SetStrokes(without(e.Strokes(), sw.Kind()))
		return
	}
	e.SetStrokes(replace(e.Strokes(), sw.Kind(), visual.Stroke{Tool: sw.Kind(), Colors: colours}))
}

func (Swatches) Questions() []QA {
	return []QA{
		{"Does the image use the colours of the palette?", "yes"},
		{"Are these the colours of the image?", "yes"},
	}
}

func (Swatches) JudgeKind() string { return "palette" }

func (Swatches) Options() (width, colour bool) { return false, true }

func (Swatches) Judge() (string, bool) {
	return "checked by the palette judge: every part of the image near one of the strip's colours (mean ΔE), each of them used, so the strip needs every colour the picture should have", true
}

func (sw Swatches) Target(strokes []visual.Stroke) (judge.Target, bool) {
	return judge.FromStrokes(sw.JudgeKind(), strokes)
}
