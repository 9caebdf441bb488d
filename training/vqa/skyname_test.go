package vqa

import (
	"image/color"
	"math/rand/v2"
	"strings"
	"testing"

	"dualprocess/training/judge"
	"dualprocess/training/world"
)

func TestNameSkyGoesByColourNotTimeOfDay(t *testing.T) {
	want := map[string]string{"noon": "blue", "night": "dark", "sunset": ""}
	for tm, name := range want {
		for seed := int64(0); seed < 6; seed++ {
			r, err := world.RenderPrompt("hills at "+tm+" with trees", seed)
			if err != nil {
				t.Fatal(err)
			}
			if got := NameSky(r, r.Image); got != name {
				t.Errorf("%s sky (seed %d) named %q, want %q", tm, seed, got, name)
			}
			for _, n := range skyNames {
				if got := NameSky(r, RepaintSky(r, SkyColours[n])); got != n {
					t.Errorf("%s scene repainted %s named %q", tm, n, got)
				}
			}
		}
	}
}

// The rater's orange is the sky judge's: a sky the rater learns to call
// orange passes the judge's orange, and the world's sunset sky, which an
// earlier rater called orange, does not.
func TestOrangeSkyAgreesWithTheSkyJudge(t *testing.T) {
	orange := judge.Target{Kind: "sky", Colors: []string{"#f09040"}}
	for seed := int64(0); seed < 4; seed++ {
		r, _ := world.RenderPrompt("lake at noon", seed)
		if res, _ := judge.Check(RepaintSky(r, SkyColours["orange"]), orange); !res.Verdict.Pass {
			t.Errorf("seed %d: the rater's orange sky fails the judge: %+v", seed, res.Verdict)
		}
		s, _ := world.RenderPrompt("lake at sunset", seed)
		if res, _ := judge.Check(s.Image, orange); res.Verdict.Pass {
			t.Errorf("seed %d: the world's sunset sky passes the orange judge; NameSky must agree", seed)
		}
	}
}

func TestEveryPresenceQuestionIsBalanced(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	scenes := make([]world.Rendering, 120) // a pool, as the rater's training uses
	for i := range scenes {
		scenes[i] = randomRendering(rng)
	}
	yes, all := map[string]int{}, map[string]int{}
	for i := 0; i < 3000; i++ {
		it, ok := Generate(rng, "presence", func() world.Rendering { return scenes[rng.IntN(len(scenes))] })
		if !ok {
			t.Fatal("no presence example in 50 scenes")
		}
		q := strings.TrimSuffix(strings.TrimSuffix(it.Question, YesNoSuffix), " ")
		all[q]++
		if it.Answer == "yes" {
			yes[q]++
		}
	}
	for _, a := range attributeQuestions {
		q := a.texts[0]
		if share := float64(yes[q]) / float64(all[q]); all[q] < 60 || share < 0.35 || share > 0.65 {
			t.Errorf("%q: asked %d times, yes %.0f%% (want every question asked and about half yes)", q, all[q], 100*share)
		}
	}
}

func TestMottleSkyTurnsHalfOfTheSkyAndNothingElse(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for i := 0; i < 20; i++ {
		r := randomRendering(rng)
		img := MottleSky(rng, r, r.Image, SkyColours["orange"])
		orange := RepaintSky(r, SkyColours["orange"])
		var sky, turned int
		for k, s := range r.Sky {
			x, y := k%world.Size, k/world.Size
			a, b, o := r.Image.RGBAAt(x, y), img.RGBAAt(x, y), orange.RGBAAt(x, y)
			dist := func(p, q color.RGBA) int {
				return abs(int(p.R)-int(q.R)) + abs(int(p.G)-int(q.G)) + abs(int(p.B)-int(q.B))
			}
			if !s {
				if a != b {
					t.Fatalf("scene %d: pixel %d,%d is not sky but changed", i, x, y)
				}
				continue
			}
			sky++
			if dist(b, o) < dist(b, a) {
				turned++
			}
		}
		if share := float64(turned) / float64(max(sky, 1)); sky > 100 && (share < 0.4 || share > 0.6) {
			t.Errorf("scene %d: %.0f%% of %d sky pixels turned, want about half", i, 100*share, sky)
		}
	}
}

func abs(x int) int { return max(x, -x) }

// The world's sunset sky has no name, and the rater is asked about it as it
// is: is it the nearest named colour? no.
func TestUnnamedNaturalSkiesAreAskedAbout(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	r, err := world.RenderPrompt("hills at sunset", 1)
	if err != nil {
		t.Fatal(err)
	}
	var asked, made int
	for i := 0; i < 60; i++ {
		it, ok := Sample(rng, r, "sky")
		if !ok { // a decoy that crossed a name's line (skyAnswerHolds)
			continue
		}
		made++
		if it.Image == r.Image || it.Image == nil {
			asked++
			if !strings.HasPrefix(it.Question, "Is the sky ") || it.Answer != "no" {
				t.Errorf("about the sunset sky as it is: %q -> %q", it.Question, it.Answer)
			}
		}
	}
	if made < 40 || asked < 10 {
		t.Errorf("%d sky examples of 60 tries; the sunset sky as it is was asked about %d times", made, asked)
	}
}

// The skies no name fits, random or near misses of a name, are named by
// none (so "no" is the right answer to any name), and the near misses are
// what they are meant to be: nearest to the name they shade, most of the time.
func TestUnnamedSkiesFitNoName(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 21))
	made, nearOwn := 0, 0
	for i := 0; i < 200 && made < 30; i++ {
		r := randomRendering(rng)
		img, near, ok := unnamedSky(rng, r)
		if !ok {
			continue
		}
		made++
		if name := NameSky(r, img); name != "" {
			t.Errorf("scene %d: an unnamed sky is named %q", i, name)
		}
		if near == "" {
			t.Errorf("scene %d: no nearest name", i)
		}
	}
	if made < 20 {
		t.Fatalf("only %d unnamed skies in 200 scenes", made)
	}
	for _, name := range skyNames {
		for range 20 {
			g := shadeSky(rng, SkyColours[name])
			if nearestGradient(g) == name {
				nearOwn++
			}
		}
	}
	if nearOwn < 50 {
		t.Errorf("only %d of 100 shaded skies are nearest to the name they shade", nearOwn)
	}
}

// nearestGradient is the name whose gradient's top and bottom colours are
// nearest to g's (delta E summed).
func nearestGradient(g [2][3]float64) string {
	lab := func(c [3]float64) [3]float64 {
		return world.Lab(color.RGBA{uint8(c[0]*255 + 0.5), uint8(c[1]*255 + 0.5), uint8(c[2]*255 + 0.5), 255})
	}
	best, bestD := "", 1e9
	for _, name := range skyNames {
		n := SkyColours[name]
		if d := world.DeltaE(lab(g[0]), lab(n[0])) + world.DeltaE(lab(g[1]), lab(n[1])); d < bestD {
			best, bestD = name, d
		}
	}
	return best
}
