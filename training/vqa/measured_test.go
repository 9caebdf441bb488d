package vqa

import (
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"testing"

	"dualprocess/training/judge"
	"dualprocess/training/world"
)

// A measured sky answer agrees with NameSky and is given only away from
// its tolerance: a sky blended part of the way to orange has no answer
// about orange where its distance is near the line.
func TestSkyAnswersAgreeWithNameSkyAndKeepAMargin(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 1))
	settled := 0
	for i := 0; i < 40; i++ {
		r := randomRendering(rng)
		img := r.Image
		if i%2 == 1 {
			img = RepaintSky(r, SkyColours[pick(rng, skyNames...)])
		}
		name := NameSky(r, img)
		for n, a := range SkyAnswers(r, img) {
			settled++
			if (a == "yes") != (n == name) {
				t.Errorf("scene %d: measured %q to %q, NameSky says %q", i, a, n, name)
			}
		}
	}
	if settled < 150 {
		t.Errorf("only %d of 200 sky answers settled", settled)
	}
	r, _ := world.RenderPrompt("hills at noon", 3)
	near := 0
	for w := 0.0; w <= 1; w += 0.02 {
		img := image.NewRGBA(r.Image.Rect)
		copy(img.Pix, r.Image.Pix)
		for _, k := range skyPixels(r) {
			blendSky(img, r, SkyColours["orange"], k, w)
		}
		d := skyDistances(r, img)["orange"]
		a, ok := SkyAnswers(r, img)["orange"]
		switch {
		case d > SkyNameTolerance-LabelMargin && d < SkyNameTolerance+LabelMargin:
			near++
			if ok {
				t.Errorf("blend %.2f: distance %.1f from orange, answered %q", w, d, a)
			}
		case !ok:
			t.Errorf("blend %.2f: distance %.1f from orange, no answer", w, d)
		}
	}
	if near == 0 {
		t.Error("no blend came near the line")
	}
}

// PaletteAnswer says yes to a scene's own colours and no to another time
// of day's, and agrees with the palette judge whenever it answers.
func TestPaletteAnswerAgreesWithTheJudge(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 1))
	count := map[string]int{}
	for i := 0; i < 30; i++ {
		r := randomRendering(rng)
		own, _ := mainColours(r.Truth)
		other, ok := OtherPalette(rng, mustPrompt(t, r.Truth.Prompt))
		if !ok || len(own) < 3 {
			continue
		}
		for kind, cols := range map[string][]color.RGBA{"own": own, "other": other} {
			a, ok := PaletteAnswer(r.Image, cols)
			if !ok {
				continue
			}
			count[kind+" "+a]++
			hexes := make([]string, len(cols))
			for k, c := range cols {
				hexes[k] = fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)
			}
			res, err := judge.Check(r.Image, judge.Target{Kind: "palette", Colors: hexes})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict.Pass != (a == "yes") {
				t.Errorf("scene %d, %s palette: measured %q, the judge %+v", i, kind, a, res.Verdict)
			}
		}
	}
	t.Logf("answers %v", count)
	if count["own yes"] < 10 || count["other no"] < 10 || count["own no"] > count["own yes"] || count["other yes"] > 0 {
		t.Errorf("answers %v: want mostly yes to the scene's own colours and no to another time's", count)
	}
}

func mustPrompt(t *testing.T, s string) world.Prompt {
	t.Helper()
	p, err := world.ParsePrompt(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
