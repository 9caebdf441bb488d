package vqa

// Answers that must be what the independent judges say of the image.

import (
	"fmt"
	"image"
	"image/draw"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/disintegration/imaging"

	"dualprocess/training/judge"
	"dualprocess/training/world"
)

// Every palette example's answer is the palette judge's verdict on its
// image against the swatches drawn, on renders and on images of scenes the
// world's palettes do not fully fit (a render blurred and tinted, as a
// generator's sample can be): a yes strip holds as many of the image's
// colours as the judge needs.
func TestPaletteAnswersAreTheJudgesVerdict(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 16))
	count := map[string]int{}
	for i := 0; i < 300; i++ {
		r := randomRendering(rng)
		if i%3 == 2 { // blurred and warmed
			img := blurred(r.Image, 0.8)
			for o := 0; o < len(img.Pix); o += 4 {
				img.Pix[o] = uint8(min(255, int(img.Pix[o])+12))
			}
			r.Image = img
		}
		it, ok := Sample(rng, r, "palette")
		if !ok {
			continue
		}
		img := it.ImageOf(r)
		hexes := swatchesOf(it.Drawing)
		if len(hexes) < 3 {
			t.Fatalf("example %d: %d swatches %v", i, len(hexes), hexes)
		}
		res, err := judge.Check(img, judge.Target{Kind: "palette", Colors: hexes})
		if err != nil {
			t.Fatal(err)
		}
		if got := map[bool]string{true: "yes", false: "no"}[res.Verdict.Pass]; got != it.Answer {
			t.Errorf("example %d (%s, decoy %q): answer %s, the judge says %s (mean delta E %.1f) of %v",
				i, r.Truth.Prompt, it.Decoy, it.Answer, got, res.Palette.MeanDeltaE, hexes)
		}
		count[it.Answer]++
	}
	t.Logf("answers %v", count)
	if count["yes"] < 60 || count["no"] < 60 {
		t.Errorf("answers %v, want both well represented", count)
	}
}

// swatchesOf reads a palette strip's colours back from its drawing: the
// runs of one colour at least 3 px wide along its middle row (the
// swatches' shared edges are blended).
// A palette answer is the judge's verdict on the whole image, but the
// strip covers its bottom PaletteRows: the rater sees only the rows above.
// Every example, the ones made at the judge's line included, must be one
// on which the judge says the same of those rows as of the whole image, or
// no rater could answer it but by luck (before session 28, 31 of 400
// held-out examples were not: a beach under the strip, for one).
func TestPaletteAnswersCanBeReadAboveTheStrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 20))
	count := map[string]int{}
	for i := 0; len(count) < 2 || count["yes"]+count["no"] < 300; i++ {
		if i == 3000 {
			t.Fatalf("only %v examples in 3000 scenes", count)
		}
		r := randomRendering(rng)
		it, ok := Sample(rng, r, "palette")
		if !ok {
			continue
		}
		count[it.Answer]++
		above := it.ImageOf(r).SubImage(image.Rect(0, 0, world.Size, world.Size-PaletteRows))
		res, err := judge.Check(above, judge.Target{Kind: "palette", Colors: swatchesOf(it.Drawing)})
		if err != nil {
			t.Fatal(err)
		}
		if got := map[bool]string{true: "yes", false: "no"}[res.Verdict.Pass]; got != it.Answer {
			t.Errorf("example %d (%s, decoy %q): answer %s, but on the rows above the strip the judge says %s (mean %.1f, least share %.3f)",
				i, r.Truth.Prompt, it.Decoy, it.Answer, got, res.Palette.MeanDeltaE, slices.Min(res.Palette.Coverage))
		}
	}
	t.Logf("answers %v", count)
}

func swatchesOf(d *image.NRGBA) []string {
	var hexes []string
	y, run := world.Size-PaletteRows/2, 0
	for x := 0; x < world.Size; x++ {
		c := d.NRGBAAt(x, y)
		if x > 0 && c == d.NRGBAAt(x-1, y) {
			run++
		} else {
			run = 1
		}
		if run == 3 {
			hexes = append(hexes, fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B))
		}
	}
	return hexes
}

// Line-weight answers follow the width the line-weight judge measures in
// the image, which for a generator's sample is not the scene's: on renders
// blurred as a sample can be, "as thick" is yes only where the judge passes
// the image against the red line's width, and a thicker or thinner yes is
// 0.9 px or more off.
func TestLineWeightAnswersFollowTheMeasuredWidth(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 17))
	checked := 0
	for i := 0; i < 400 && checked < 60; i++ {
		r := randomRendering(rng)
		if r.Truth.OutlineWidth == 0 {
			continue
		}
		img := blurred(r.Image, 1.2)
		r.Image = img
		it, ok := Sample(rng, r, "lineweight")
		if !ok {
			continue
		}
		ref := 0.0 // the red segment's width: its coverage down one column
		for y := 0; y < 16; y++ {
			ref += float64(it.Drawing.NRGBAAt(int(RefX0+RefX1)/2, y).A) / 255
		}
		w := r.Truth.OutlineWidth
		res, err := judge.Check(img, judge.Target{Kind: "lineweight", Width: &ref})
		if err != nil || !res.Found {
			continue
		}
		checked++
		q := strings.TrimSuffix(it.Question, " "+YesNoSuffix)
		var want bool
		switch {
		case slices.Contains(weightSame, q):
			want = math.Abs(res.Width-ref) <= 0.35+0.1
		case slices.Contains(weightThicker, q):
			want = res.Width-ref >= 0.9-0.1
		default:
			want = ref-res.Width >= 0.9-0.1
		}
		if want != (it.Answer == "yes") {
			t.Errorf("%q about outlines drawn %.2f px, measured %.2f, red line %.2f: answer %s", q, w, res.Width, ref, it.Answer)
		}
	}
	if checked < 30 {
		t.Fatalf("only %d examples checked", checked)
	}
}

// Every sky example's answer is what NameSky (the sky judge's median
// reading) says of its image, decoys included: a patch or a mottle that
// moves the sky's median colour across a name's line is not asked about.
func TestSkyAnswersAreWhatTheSkysMedianSays(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 21))
	decoys := map[string]int{}
	for i := 0; i < 400; i++ {
		r := randomRendering(rng)
		it, ok := Sample(rng, r, "sky")
		if !ok {
			continue
		}
		img := it.ImageOf(r)
		name, want := NameSky(r, img), ""
		q := strings.TrimSuffix(it.Question, " "+YesNoSuffix)
		if asked, ok := strings.CutPrefix(q, "Is the sky "); ok {
			want = map[bool]string{true: "yes", false: "no"}[strings.TrimSuffix(asked, "?") == name]
		} else {
			want = name
		}
		if it.Answer != want {
			t.Errorf("%q (decoy %q): answer %q, the sky's median says %q (named %q)", it.Question, it.Decoy, it.Answer, want, name)
		}
		decoys[it.Decoy]++
	}
	t.Logf("examples by decoy %v", decoys)
	for _, d := range []string{"", "patch", "mottle", "unnamed"} {
		if decoys[d] < 20 {
			t.Errorf("%d examples with decoy %q in 400, want 20 or more: %v", decoys[d], d, decoys)
		}
	}
}

// blurred is img blurred by a Gaussian of sigma px, as a generator's
// sample of a scene is softer than its render.
func blurred(img *image.RGBA, sigma float64) *image.RGBA {
	out := image.NewRGBA(img.Rect)
	draw.Draw(out, out.Rect, imaging.Blur(img, sigma), image.Point{}, draw.Src)
	return out
}
