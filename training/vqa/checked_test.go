package vqa

import (
	"image/color"
	"strings"
	"testing"

	"dualprocess/picture"
	"dualprocess/training/world"
)

// Every question of the families a judge checks, with the answer that asks
// for the drawing to be obeyed, names its judge, in any case, punctuation
// and with the yes/no suffix; the other answers and families name none.
func TestJudgeOfQuestions(t *testing.T) {
	for _, c := range []struct {
		qs      []string
		answer  string
		kind    string
		swapped bool
	}{
		{horizonAt, "yes", "horizon", false},
		{paletteQs, "Yes", "palette", false},
		{weightSame, "yes.", "lineweight", false},
		{depthCloser, "yes", "depth", false},
		{depthFarther, "no", "depth", false},
		{depthFarther, "yes", "depth", true},
		{depthCloser, "no", "depth", true},
		{sunInBox, "yes", "sun", false},
		{moonInBox, "yes", "sun", false},
		{treeAtLine, "yes", "tree", false},
		{horizonAt, "no", "", false},
		{horizonAbove, "yes", "", false},
		{weightThicker, "yes", "", false},
		{sunInBox, "no", "", false},
		{[]string{"Is it night?", "Is there a house?", "What time of day is it?"}, "yes", "", false},
	} {
		for _, q := range c.qs {
			for _, asked := range []string{q, "  " + q + " " + YesNoSuffix, strings.ToUpper(q)} {
				if kind, swapped := JudgeOf(asked, c.answer); kind != c.kind || swapped != c.swapped {
					t.Errorf("JudgeOf(%q, %q) = %q, %v; want %q, %v", asked, c.answer, kind, swapped, c.kind, c.swapped)
				}
			}
		}
	}
}

// A sky asked for by name, yes/no or open, is the sky judge with a colour
// the rater calls by that name: the middle of the name's gradient, within
// the judge's tolerance of both its ends.
func TestSkyTargetIsTheNamedColour(t *testing.T) {
	for _, name := range skyNames {
		for _, qa := range [][2]string{{"Is the sky " + name + "? " + YesNoSuffix, "yes"}, {"What colour is the sky?", name}, {"what is the colour of the sky", name + "."}} {
			hex, ok := SkyTarget(qa[0], qa[1])
			if kind, _ := JudgeOf(qa[0], qa[1]); !ok || kind != "sky" {
				t.Fatalf("%q -> %q: sky target %q, %v, judge %q", qa[0], qa[1], hex, ok, kind)
			}
			c, err := picture.ParseColor(hex)
			if err != nil {
				t.Fatal(err)
			}
			got := world.Lab(color.RGBAModel.Convert(c).(color.RGBA))
			for _, end := range SkyColours[name] {
				to8 := func(v float64) uint8 { return uint8(v * 255) }
				if d := world.DeltaE(got, world.Lab(color.RGBA{to8(end[0]), to8(end[1]), to8(end[2]), 255})); d > SkyNameTolerance {
					t.Errorf("%s: target %s is %.1f from the gradient's end %v", name, hex, d, end)
				}
			}
		}
	}
	for _, qa := range [][2]string{{"Is the sky orange?", "no"}, {"Is the sky green?", "yes"}, {"What colour is the sky?", "yes"}, {"Is it night?", "yes"}} {
		if hex, ok := SkyTarget(qa[0], qa[1]); ok {
			t.Errorf("%q -> %q: sky target %s, want none", qa[0], qa[1], hex)
		}
	}
}
