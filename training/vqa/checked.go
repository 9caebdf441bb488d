package vqa

import (
	"math"
	"slices"
	"strings"

	"dualprocess/training/world"
)

// JudgeOf names the independent judge (a judge.Target kind) that checks a
// question of this package's (any case and punctuation, with or without
// YesNoSuffix) with its desired answer, when together they ask what a judge
// measures: the horizon at the red line, the image in the palette's
// colours, outlines as thick as the red line, A closer than B, the sun or
// the moon in the red box, a tree at the red line, or a named sky colour
// (SkyTarget). swapped is true when they ask for B closer than A ("Is A
// farther away than B?" -> yes). It is "" for anything else, such as the
// horizon above the line, which no judge's target can say.
func JudgeOf(question, answer string) (kind string, swapped bool) {
	q := normalized(question)
	a := strings.ToLower(strings.TrimRight(strings.TrimSpace(answer), ".!"))
	is := func(lists ...[]string) bool {
		return slices.ContainsFunc(slices.Concat(lists...), func(t string) bool { return normalized(t) == q })
	}
	switch yes, no := a == "yes", a == "no"; {
	case yes && is(horizonAt):
		return "horizon", false
	case yes && is(paletteQs):
		return "palette", false
	case yes && is(weightSame):
		return "lineweight", false
	case yes && is(depthCloser), no && is(depthFarther):
		return "depth", false
	case yes && is(depthFarther), no && is(depthCloser):
		return "depth", true
	case yes && is(sunInBox, moonInBox):
		return "sun", false
	case yes && is(treeAtLine):
		return "tree", false
	}
	if _, ok := SkyTarget(question, answer); ok {
		return "sky", false
	}
	return "", false
}

// SkyTarget is the colour (#rrggbb) the sky judge should find when a
// question asks for a named sky ("Is the sky orange?" -> yes, "What colour
// is the sky?" -> orange): the middle of that name's gradient in
// SkyColours, within the judge's tolerance of the sky the rater calls so.
func SkyTarget(question, answer string) (string, bool) {
	q := normalized(question)
	a := strings.ToLower(strings.TrimRight(strings.TrimSpace(answer), ".!"))
	name := ""
	if asked, ok := strings.CutPrefix(q, "is the sky "); ok && a == "yes" {
		name = asked
	} else if slices.ContainsFunc(skyColourQs, func(t string) bool { return normalized(t) == q }) {
		name = a
	}
	c, ok := SkyColours[name]
	if !ok {
		return "", false
	}
	to8 := func(i int) uint8 { return uint8(math.Round((c[0][i] + c[1][i]) / 2 * 255)) }
	return world.Hex(to8(0), to8(1), to8(2)), true
}

// normalized is a question's words in lower case, without YesNoSuffix.
func normalized(question string) string {
	q := strings.Join(world.Tokenize(question), " ")
	return strings.TrimSuffix(q, " "+strings.Join(world.Tokenize(YesNoSuffix), " "))
}
