package vqa

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"dualprocess/training/judge"
	"dualprocess/training/world"
)

func randomRendering(rng *rand.Rand) world.Rendering {
	p := world.Prompt{Kind: world.Kinds[rng.IntN(6)], Time: world.Times[rng.IntN(4)],
		Trees: rng.IntN(2) == 0, House: rng.IntN(3) == 0, Boat: rng.IntN(3) == 0,
		Clouds: rng.IntN(2) == 0, Outlined: rng.IntN(2) == 0}
	return world.Render(world.Sample(p, world.Noise(rng.Int64())))
}

func TestEveryFamilyMakesBalancedExamplesInTheVocabulary(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := Words()
	for _, name := range Families() {
		answers := map[string]int{}
		n := 0
		for i := 0; i < 200; i++ {
			it, ok := Generate(rng, name, func() world.Rendering { return randomRendering(rng) })
			if !ok {
				continue
			}
			n++
			answers[it.Answer]++
			if !slices.Contains(Answers, it.Answer) {
				t.Fatalf("%s: answer %q not in the answer vocabulary", name, it.Answer)
			}
			for _, w := range world.Tokenize(it.Question) {
				if !slices.Contains(words, w) {
					t.Fatalf("%s: question %q has word %q outside Words()", name, it.Question, w)
				}
			}
		}
		if n < 195 {
			t.Errorf("%s: only %d of 200 tries gave an example", name, n)
		}
		if y, no := answers["yes"], answers["no"]; y+no > 0 && (y < (y+no)*35/100 || no < (y+no)*35/100) {
			t.Errorf("%s: %d yes / %d no, want balanced", name, y, no)
		}
		t.Logf("%-10s %d examples, answers %v", name, n, answers)
	}
}

// redRows returns the mean row of the drawing's red pixels, weighted by alpha.
func redMean(it Item, axis int) float64 {
	var s, w float64
	b := it.Drawing.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			a := float64(it.Drawing.NRGBAAt(x, y).A) / 255
			s += a * ([]float64{float64(x), float64(y)}[axis] + 0.5)
			w += a
		}
	}
	return s / w
}

func TestHorizonAnswersMatchTheDrawnLine(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	decoys, hazes, moved := 0, 0, 0
	for i := 0; i < 300; i++ {
		r := randomRendering(rng)
		it, ok := Sample(rng, r, "horizon")
		if !ok {
			continue
		}
		line := redMean(it, 1)
		d := line - r.Truth.Horizon
		var truth bool
		switch q := it.Question; {
		case strings.Contains(q, "above") || strings.Contains(q, "higher"):
			truth = d > 3
		case strings.Contains(q, "below") || strings.Contains(q, "lower"):
			truth = d < -3
		default:
			truth = math.Abs(d) < 3
		}
		if yesNo(truth) != it.Answer {
			t.Fatalf("%q with line at %.1f, horizon %.1f: answer %s", it.Question, line, r.Truth.Horizon, it.Answer)
		}
		if it.Image == nil {
			continue
		}
		decoys++
		if it.Image.RGBAAt(0, int(r.Truth.Horizon)+2) != r.Image.RGBAAt(0, int(r.Truth.Horizon)+2) && d > 4 {
			hazes++ // haze (alone or under a glow band) between the horizon and the line below it: the judge's horizon stays, but for a few bands
			res, err := judge.Measure(it.Image, "horizon")
			if err != nil || math.Abs(res.Horizon*world.Size-r.Truth.Horizon) > judge.HorizonTolerance {
				moved++
				t.Logf("haze down to row %.1f moved the judge's horizon from %.1f to %.1f (%v)", line, r.Truth.Horizon, res.Horizon*world.Size, err)
			}
			continue
		}
		// a stroke near the line, off the horizon, or a glow band above a line below it
		for k := 0; k < world.Size*world.Size; k++ {
			x, y := k%world.Size, k/world.Size
			row := float64(y) + 0.5
			glow := d >= MinGlowGap && row > r.Truth.Horizon+1.5 && row < line
			if it.Image.RGBAAt(x, y) != r.Image.RGBAAt(x, y) && !glow && (math.Abs(row-line) > 2.6 || math.Abs(row-r.Truth.Horizon) < 1.5) {
				t.Fatalf("decoy changed row %d: line %.1f, horizon %.1f", y, line, r.Truth.Horizon)
			}
		}
	}
	if decoys == 0 || hazes == 0 {
		t.Errorf("%d horizon examples had a decoy, %d of them haze; want both", decoys, hazes)
	}
	if moved > hazes/20 {
		t.Errorf("%d of %d hazes moved the judge's horizon; want at most 5%%", moved, hazes)
	}
}

// A glow band leaves the judge's horizon where the judge reads the
// render's in all but a few scenes (where the band's edge is as strong as
// the horizon's), and changes nothing above the horizon or below the line.
// Haze alone (which half the bands lie over) never moves it on land; over
// a sea it can (the hazed sea reads as sky down to the beach), a known
// flaw of decoyHaze that this test counts.
func TestGlowBandsLeaveTheHorizonWhereTheSkyEnds(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	bands, moved, seaHazes := 0, 0, 0
	for i := 0; i < 400; i++ {
		r := randomRendering(rng)
		y := r.Truth.Horizon + uniform(rng, MinGlowGap, 24)
		if y > world.Size-2 || horizonStep(r) < MinGlowStep {
			continue
		}
		plain, err := judge.Measure(r.Image, "horizon")
		if err != nil {
			continue
		}
		bands++
		if res, err := judge.Measure(decoyHaze(rng, r, y), "horizon"); err != nil ||
			math.Abs(res.Horizon*world.Size-r.Truth.Horizon) > judge.HorizonTolerance {
			report := t.Errorf
			if strings.HasPrefix(r.Truth.Prompt, "sea ") {
				report, seaHazes = t.Logf, seaHazes+1
			}
			report("%s: haze down to row %.1f moved the judge's horizon from %.1f to %.1f (%v)",
				r.Truth.Prompt, y, r.Truth.Horizon, res.Horizon*world.Size, err)
		}
		img := decoyGlow(rng, r, y)
		for py := 0; py < world.Size; py++ {
			for px := 0; px < world.Size; px++ {
				if img.RGBAAt(px, py) != r.Image.RGBAAt(px, py) &&
					(float64(py)+0.5 > y+2.6 || float64(py)+0.5 < r.Truth.Horizon+1.5) {
					t.Fatalf("band above row %.1f (horizon %.1f) changed row %d", y, r.Truth.Horizon, py)
				}
			}
		}
		res, err := judge.Measure(img, "horizon")
		if err != nil || math.Abs(res.Horizon-plain.Horizon)*world.Size > judge.HorizonTolerance {
			moved++
			t.Logf("%s: a band above row %.1f moved the judge's horizon from %.1f to %.1f (%v)",
				r.Truth.Prompt, y, plain.Horizon*world.Size, res.Horizon*world.Size, err)
		}
	}
	if bands < 100 || moved > bands/20 {
		t.Fatalf("%d of %d bands moved the judge's horizon; want at most 5%%", moved, bands)
	}
	t.Logf("%d of %d bands moved the judge's horizon; haze alone moved it over %d seas", moved, bands, seaHazes)
}

func TestRepaintSkyChangesOnlyTheSky(t *testing.T) {
	r, _ := world.RenderPrompt("hills at noon with trees", 3)
	img := RepaintSky(r, SkyColours["orange"])
	for k := 0; k < world.Size*world.Size; k++ {
		x, y := k%world.Size, k/world.Size
		same := img.RGBAAt(x, y) == r.Image.RGBAAt(x, y)
		if r.Sky[k] == same {
			t.Fatalf("pixel %d,%d sky=%v changed=%v", x, y, r.Sky[k], !same)
		}
	}
}

func TestWordsComeInAFixedOrder(t *testing.T) {
	first := Words()
	for i := 0; i < 20; i++ { // map iteration order differs from call to call
		if got := Words(); !slices.Equal(got, first) {
			t.Fatalf("call %d gave another order: %v", i, got)
		}
	}
}

func TestSkyPatchLeavesMostOfTheSkyItsColour(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	var big float64 // the largest share of a sky a patch touched
	for i := 0; i < 60; i++ {
		r := randomRendering(rng)
		img := PaintSkyPatch(rng, r, r.Image, SkyColours["orange"])
		orange := RepaintSky(r, SkyColours["orange"])
		var sky, changed, mostly int // sky pixels, changed ones, ones nearer the patch's colour than their own
		for k := 0; k < world.Size*world.Size; k++ {
			a, b := r.Image.RGBAAt(k%world.Size, k/world.Size), img.RGBAAt(k%world.Size, k/world.Size)
			d := math.Abs(float64(a.R)-float64(b.R)) + math.Abs(float64(a.G)-float64(b.G)) + math.Abs(float64(a.B)-float64(b.B))
			if !r.Sky[k] {
				if d != 0 {
					t.Fatalf("scene %d: pixel %d is not sky but changed", i, k)
				}
				continue
			}
			sky++
			if d > 0 {
				changed++
			}
			o := orange.RGBAAt(k%world.Size, k/world.Size)
			e := math.Abs(float64(o.R)-float64(b.R)) + math.Abs(float64(o.G)-float64(b.G)) + math.Abs(float64(o.B)-float64(b.B))
			if e < d {
				mostly++
			}
		}
		if sky > 50 && changed == 0 {
			t.Errorf("scene %d: the patch changed nothing in %d sky pixels", i, sky)
		}
		if float64(mostly) >= 0.47*float64(sky) {
			t.Errorf("scene %d: %d of %d sky pixels look more like the patch than the sky", i, mostly, sky)
		}
		big = max(big, float64(changed)/float64(max(sky, 1)))
	}
	if big < 0.5 {
		t.Errorf("no patch touched more than %.0f%% of a sky: the decoys should be as large as the exploit (a third of the sky)", 100*big)
	}
}

func TestDepthAnswersFollowTheDepthMapAndHeightDoesNotTell(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	level, n := 0, 0
	for n < 300 {
		r := randomRendering(rng)
		it, ok := Sample(rng, r, "depth")
		if !ok {
			continue
		}
		n++
		a, b := it.Marks[0], it.Marks[1]
		depth := func(m Mark) float32 { return r.Depth[int(m.Y)*world.Size+int(m.X)] }
		closer := depth(a) < depth(b)
		if q := it.Question; strings.Contains(q, "farther") || strings.Contains(q, "further") || strings.Contains(q, "behind") {
			closer = !closer
		}
		if yesNo(closer) != it.Answer {
			t.Fatalf("%q: A depth %v, B depth %v, answer %s", it.Question, depth(a), depth(b), it.Answer)
		}
		if math.Abs(a.Y-b.Y) <= 1 {
			level++
		}
	}
	if level < n/5 {
		t.Errorf("%d of %d pairs are level; want at least a fifth, so that height alone does not answer", level, n)
	}
}

func TestSunboxDecoysPaintTheSunOutWhereTheBoxIs(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	decoys := 0
	for i := 0; i < 400 && decoys < 25; i++ {
		r := randomRendering(rng)
		it, ok := Sample(rng, r, "sunbox")
		if !ok || it.Image == nil {
			continue
		}
		decoys++
		s := r.Truth.Sun
		if it.Answer != "no" || !slices.Equal(it.Keeps, []string{"time", "sky"}) || !it.RenderOnly {
			t.Fatalf("decoy: answer %q, keeps %v, render only %v; want no, [time sky], true", it.Answer, it.Keeps, it.RenderOnly)
		}
		res, err := judge.Measure(it.Image, "sun")
		if err != nil {
			t.Fatal(err)
		}
		if res.Found && math.Hypot(res.Sun.X*world.Size-s.X, res.Sun.Y*world.Size-s.Y) < 3 {
			t.Errorf("scene %d: the sun judge still finds the sun at %.1f,%.1f (it was at %.1f,%.1f)",
				i, res.Sun.X*world.Size, res.Sun.Y*world.Size, s.X, s.Y)
		}
		reach := s.Radius + r.Truth.OutlineWidth + 1.5
		for k := 0; k < world.Size*world.Size; k++ {
			x, y := k%world.Size, k/world.Size
			far := math.Hypot(float64(x)+0.5-s.X, float64(y)+0.5-s.Y) > reach+s.Radius+1
			if far && it.Image.RGBAAt(x, y) != r.Image.RGBAAt(x, y) {
				t.Fatalf("scene %d: pixel %d,%d far from the sun changed", i, x, y)
			}
		}
	}
	if decoys < 10 {
		t.Fatalf("only %d decoys in 400 sunbox examples", decoys)
	}
}

// A palette with one of the image's big colours swapped for a far one, or
// for a shade of itself, or the image's own palette over the image with
// that colour's pixels shaded, is answered no, and the palette judge fails
// the image against it too.
func TestPaletteDecoysAreNoAndTheJudgeAgrees(t *testing.T) {
	type decoy func(rng *rand.Rand, r world.Rendering, own []color.RGBA, cover []float64) (*image.RGBA, []color.RGBA, bool)
	strip := func(f func(rng *rand.Rand, own []color.RGBA, cover []float64) ([]color.RGBA, bool)) decoy {
		return func(rng *rand.Rand, r world.Rendering, own []color.RGBA, cover []float64) (*image.RGBA, []color.RGBA, bool) {
			cols, ok := f(rng, own, cover)
			return r.Image, cols, ok
		}
	}
	decoys := map[string]decoy{
		"swap": strip(func(rng *rand.Rand, own []color.RGBA, cover []float64) ([]color.RGBA, bool) {
			others, _ := mainColours(randomRendering(rng).Truth)
			return swapMain(rng, own, cover, others)
		}),
		"shade": strip(shadeMain),
		"shaded image": func(rng *rand.Rand, r world.Rendering, own []color.RGBA, cover []float64) (*image.RGBA, []color.RGBA, bool) {
			img, ok := shadeImage(rng, r.Image, own, cover)
			return img, own, ok
		},
	}
	for name, decoy := range decoys {
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(14, 14))
			made, passed := 0, 0
			for i := 0; i < 400 && made < 20; i++ {
				r := randomRendering(rng)
				own, cover := mainColours(r.Truth)
				img, cols, ok := decoy(rng, r, own, cover)
				if !ok {
					continue
				}
				made++
				changed := 0
				hexes := make([]string, len(cols))
				for k, c := range cols {
					if c != own[k] {
						changed++
					}
					hexes[k] = fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)
				}
				if want := map[bool]int{true: 1, false: 0}[img == r.Image]; changed != want {
					t.Fatalf("%d colours changed, want %d", changed, want)
				}
				res, err := judge.Check(img, judge.Target{Kind: "palette", Colors: hexes})
				if err != nil {
					t.Fatal(err)
				}
				if res.Verdict.Pass {
					passed++
					t.Logf("scene %d (%s): the judge passes the palette %v", i, r.Truth.Prompt, hexes)
				}
			}
			if made < 10 {
				t.Fatalf("only %d decoys in 400 scenes", made)
			}
			if passed > 0 {
				t.Errorf("the judge passes %d of %d decoy palettes", passed, made)
			}
		})
	}
	rng := rand.New(rand.NewPCG(15, 15))
	no := 0
	for i := 0; i < 200; i++ {
		if it, ok := Sample(rng, randomRendering(rng), "palette"); ok && it.Answer == "no" {
			no++
		}
	}
	if no < 60 {
		t.Errorf("%d of 200 palette examples are no, want about half", no)
	}
}

// The yes strip with one more colour that the image lacks is a palette
// the judge fails, by that colour's coverage alone: without it the judge
// passes the image, and its mean distance stays within the tolerance.
func TestAnExtraSwatchFailsByCoverage(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 16))
	made, missed := 0, 0 // a small object no palette lists (a house) can hold the extra colour; Sample drops those
	for i := 0; i < 200 && made < 20; i++ {
		r := randomRendering(rng)
		yes, outline, ok := judgedStrip(rng, r, 3)
		if !ok {
			continue
		}
		own, _ := paletteColours(r.Truth, outline)
		others, _ := mainColours(randomRendering(rng).Truth)
		cols, ok := extraSwatch(rng, yes, own, others)
		if !ok {
			continue
		}
		made++
		if len(cols) != len(yes)+1 || !slices.Equal(cols[:len(yes)], yes) {
			t.Fatalf("extra swatch %v from strip %v", hexes(cols), hexes(yes))
		}
		res, err := judge.Check(r.Image, judge.Target{Kind: "palette", Colors: hexes(cols)})
		if err != nil {
			t.Fatal(err)
		}
		p := res.Palette
		if res.Verdict.Pass || p.MeanDeltaE > judge.PaletteTolerance || p.Coverage[len(yes)] >= judge.PaletteMinCoverage {
			t.Logf("scene %d (%s): %v gives pass %v, mean %.1f, the extra colour's coverage %.3f",
				i, r.Truth.Prompt, hexes(cols), res.Verdict.Pass, p.MeanDeltaE, p.Coverage[len(yes)])
			missed++
		}
	}
	if made < 10 || missed > made/10 {
		t.Fatalf("%d extra swatches in 200 scenes, %d of them not failed by coverage alone", made, missed)
	}
	no, extra := 0, 0
	for i := 0; i < 400; i++ {
		if it, ok := Sample(rng, randomRendering(rng), "palette"); ok && it.Answer == "no" {
			no++
			if it.Decoy == "extra" {
				extra++
			}
		}
	}
	if extra < no/10 {
		t.Errorf("%d of %d palette no examples have an extra swatch, want about a sixth", extra, no)
	}
}
