package vqa

import (
	"image"
	"image/color"
	"slices"

	"dualprocess/picture"
	"dualprocess/training/visual"
	"dualprocess/training/world"
)

// AsLearned is a drawing as the rater learned to read the drawings of a
// family whose drawing means only a width or colours, wherever it was
// drawn: for "lineweight", the drawing's red line (visual.FindSegment) as
// a segment of its width from RefX0 to RefX1 on row RefY; for "palette",
// its swatches (visual.FindSwatches) across the bottom PaletteRows rows.
// The rater has seen these references at that place only: drawn
// elsewhere, a line task passed 0 to 9 seeds of 16 where it passed 13
// there, and a palette task with its strip over the bottom quarter 0 where
// it passed 14 (docs/teaching.md, Where a reference line or a palette strip is
// drawn). The result holds the reference alone, as every drawing of those
// families did in training. Other families' drawings, a d at another size
// than the world's, and drawings without a reference are returned as they
// are.
func AsLearned(family string, d *image.NRGBA) *image.NRGBA {
	if d == nil || d.Rect.Dx() != world.Size || d.Rect.Dy() != world.Size {
		return d
	}
	out := visual.NewCanvas(world.Size)
	switch family {
	case "lineweight":
		s, ok := visual.FindSegment(d)
		if !ok {
			return d
		}
		visual.Segment(out, visual.Red, RefX0, RefX1, RefY, s.Width)
	case "palette":
		s, ok := visual.FindSwatches(d)
		if !ok {
			return d
		}
		cols := make([]color.Color, len(s.Colors))
		for i, h := range s.Colors {
			cols[i], _ = picture.ParseColor(h) // FindSwatches writes #rrggbb
		}
		visual.Swatches(out, cols, world.Size-PaletteRows, world.Size)
	default:
		return d
	}
	return out
}

// FamilyOf names the family of a question about a drawing that this
// package asks (one of its paraphrases, in any case and punctuation, with
// or without YesNoSuffix), or "" for another question.
func FamilyOf(question string) string {
	q := normalized(question)
	for _, f := range []struct {
		name  string
		lists [][]string
	}{
		{"horizon", [][]string{horizonAt, horizonAbove, horizonBelow}},
		{"palette", [][]string{paletteQs}},
		{"lineweight", [][]string{weightSame, weightThicker, weightThinner}},
		{"depth", [][]string{depthCloser, depthFarther}},
		{"sunbox", [][]string{sunInBox, moonInBox}},
		{"treeline", [][]string{treeAtLine}},
	} {
		if slices.ContainsFunc(slices.Concat(f.lists...), func(t string) bool {
			return normalized(t) == q
		}) {
			return f.name
		}
	}
	return ""
}
