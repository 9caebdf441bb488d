package world

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParsePromptForgivesOrderCaseAndFillers(t *testing.T) {
	a, err := ParsePrompt("mountains at sunset with trees, outlined")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParsePrompt("An OUTLINED style of the Sunset: trees in a mountain scene.")
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatalf("same prompt in other words parsed differently: %+v vs %+v", a, b)
	}
	want := Prompt{Kind: "mountains", Time: "sunset", Trees: true, Outlined: true}
	if a != want {
		t.Fatalf("got %+v, want %+v", a, want)
	}
	if got := a.String(); got != "mountains at sunset with trees, outlined" {
		t.Fatalf("String() = %q", got)
	}
}

func TestParsePromptDefaults(t *testing.T) {
	p, err := ParsePrompt("")
	if err != nil {
		t.Fatal(err)
	}
	if p.Kind != DefaultKind || p.Time != DefaultTime || p.Outlined {
		t.Fatalf("defaults not applied: %+v", p)
	}
	if p := MustParsePrompt("a boat at dawn"); p.Kind != "sea" || !p.HasWater() {
		t.Fatalf("a boat with no scene should sail on the sea: %+v", p)
	}
}

func TestParsePromptRejectsUnknownWordsListingVocabulary(t *testing.T) {
	_, err := ParsePrompt("mountains with zebras and a ufo")
	var uw *UnknownWordsError
	if !errors.As(err, &uw) {
		t.Fatalf("want UnknownWordsError, got %v", err)
	}
	if strings.Join(uw.Words, ",") != "zebras,ufo" {
		t.Fatalf("unknown words = %v", uw.Words)
	}
	for _, w := range append(append([]string{}, Kinds...), Times...) {
		if !strings.Contains(err.Error(), w) {
			t.Fatalf("error %q does not list %q", err, w)
		}
	}
}

func TestParsePromptRejectsContradictions(t *testing.T) {
	for _, s := range []string{"sea and desert", "noon at night", "flat outlined hills"} {
		if _, err := ParsePrompt(s); err == nil {
			t.Errorf("%q: want an error", s)
		}
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	for _, prompt := range []string{"city at night with clouds, outlined", "lake with boat and trees"} {
		a, _ := RenderPrompt(prompt, 7)
		b, _ := RenderPrompt(prompt, 7)
		c, _ := RenderPrompt(prompt, 8)
		if !bytes.Equal(a.Image.Pix, b.Image.Pix) {
			t.Fatalf("%q: two renders of seed 7 differ", prompt)
		}
		if bytes.Equal(a.Image.Pix, c.Image.Pix) {
			t.Fatalf("%q: seeds 7 and 8 render the same image", prompt)
		}
	}
}

func TestNoiseIsStandardNormal(t *testing.T) {
	var sum, sq float64
	n := 0
	for seed := int64(0); seed < 2000; seed++ {
		for _, v := range Noise(seed) {
			sum += v
			sq += v * v
			n++
		}
	}
	mean, variance := sum/float64(n), sq/float64(n)-(sum/float64(n))*(sum/float64(n))
	if math.Abs(mean) > 0.03 || math.Abs(variance-1) > 0.05 {
		t.Fatalf("noise mean %.3f variance %.3f, want 0 and 1", mean, variance)
	}
}

func TestSceneTruthIsConsistent(t *testing.T) {
	for seed := int64(0); seed < 300; seed++ {
		p := Prompt{Kind: Kinds[seed%6], Time: Times[seed%4], Trees: seed%2 == 0,
			House: seed%3 == 0, Boat: seed%5 == 0, Clouds: seed%7 < 3, Outlined: seed%2 == 1}
		r := Render(Sample(p, Noise(seed)))
		tr := r.Truth
		if tr.Horizon < 0.19*Size || tr.Horizon > 0.81*Size {
			t.Fatalf("seed %d: horizon %.1f outside the middle 60%%", seed, tr.Horizon)
		}
		if p.Outlined != (tr.OutlineWidth >= 1 && tr.OutlineWidth <= 4) {
			t.Fatalf("seed %d: outline width %.2f for outlined=%v", seed, tr.OutlineWidth, p.Outlined)
		}
		s := tr.Sun
		if s.Y+s.Radius > tr.Horizon || s.Radius < 1.5 || s.X-s.Radius < 0 || s.X+s.Radius > Size {
			t.Fatalf("seed %d: sun %+v not whole in the sky above horizon %.1f", seed, s, tr.Horizon)
		}
		for k, d := range r.Depth {
			if !(d > 0 && d <= 1) {
				t.Fatalf("seed %d: depth %v at pixel %d outside (0, 1]", seed, d, k)
			}
		}
		// depth: sky far, ground nearer further down
		if d := r.Depth[int(s.Y)*Size+int(s.X)]; d != 1 {
			t.Fatalf("seed %d: sky depth %.2f at the sun, want 1", seed, d)
		}
		if len(tr.Palette) < 3 {
			t.Fatalf("seed %d: palette %v too small", seed, tr.Palette)
		}
		for _, o := range tr.Objects {
			if o.Box[1] < 9 || o.Box[3] > Size || o.Depth <= 0 || o.Depth >= 1 {
				t.Fatalf("seed %d: object %+v out of place", seed, o)
			}
		}
	}
}

func TestGroundDepthDecreasesTowardsTheViewer(t *testing.T) {
	r, _ := RenderPrompt("desert at noon", 3)
	h := int(math.Ceil(r.Truth.Horizon)) + 2
	prev := float32(2)
	for y := h; y < Size; y++ {
		d := r.Depth[y*Size+1]
		if d >= prev {
			t.Fatalf("depth at row %d is %.3f, not nearer than row above (%.3f)", y, d, prev)
		}
		prev = d
	}
}

func TestUnknownWordsNameTheWordTheyMayBeASlipFor(t *testing.T) {
	_, err := ParsePrompt("montains at nigth with a volcano, outlnied")
	want := `unknown word(s) "montains" (mountains?), "nigth" (night?), "volcano", "outlnied" (outlined?) in prompt`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want it to contain %s", err, want)
	}
	for _, c := range []struct {
		w, want string
		ok      bool
	}{{"sunst", "sunset", true}, {"lak", "lake", true}, {"zebra", "", false}, {"ufo", "", false}, {"housse", "house", true}} {
		if got, ok := Nearest(c.w, promptWords()); ok != c.ok || ok && got != c.want {
			t.Errorf("Nearest(%q) = %q, %v; want %q, %v", c.w, got, ok, c.want, c.ok)
		}
	}
}
