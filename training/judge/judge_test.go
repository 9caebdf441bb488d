package judge

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"strings"
	"testing"

	"github.com/disintegration/imaging"

	"dualprocess/training/world"
)

// handDrawn makes a scene without the world's renderer: blue sky, green
// ground from row horizon, a black horizontal line of the given width
// centred on the horizon (none for width 0) and a yellow disc.
func handDrawn(size, horizon, width int, sunX, sunY, sunR int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	draw.Draw(img, image.Rect(0, 0, size, horizon), image.NewUniform(color.RGBA{90, 150, 230, 255}), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(0, horizon, size, size), image.NewUniform(color.RGBA{70, 160, 60, 255}), image.Point{}, draw.Src)
	if width > 0 {
		draw.Draw(img, image.Rect(0, horizon-width/2, size, horizon-width/2+width), image.Black, image.Point{}, draw.Src)
	}
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			if (x-sunX)*(x-sunX)+(y-sunY)*(y-sunY) <= sunR*sunR {
				img.Set(x, y, color.RGBA{255, 230, 90, 255})
			}
		}
	}
	return img
}

func TestJudgesMeasureHandDrawnImagesOfAnySize(t *testing.T) {
	for _, size := range []int{64, 100, 256} {
		img := handDrawn(size, int(40*float64(size)/64), int(math.Round(3*float64(size)/64)),
			int(20*float64(size)/64), int(12*float64(size)/64), int(5*float64(size)/64))
		h, err := Measure(img, "horizon")
		if err != nil || !h.Found || math.Abs(h.Horizon-40.0/64) > 1.0/64 {
			t.Errorf("size %d: horizon %+v (err %v), want row 0.625", size, h, err)
		}
		w, _ := Measure(img, "lineweight")
		if !w.Found || math.Abs(w.Width-3) > LineWeightTolerance {
			t.Errorf("size %d: line width %+v, want 3 px at 64", size, w)
		}
		s, _ := Measure(img, "sun")
		if !s.Found || math.Hypot(s.Sun.X-20.5/64, s.Sun.Y-12.5/64)*64 > 1 {
			t.Errorf("size %d: sun %+v, want centre near (0.32, 0.195)", size, s.Sun)
		}
	}
}

func TestJudgesFindNothingInAPlainImage(t *testing.T) {
	grey := image.NewUniform(color.RGBA{128, 128, 128, 255})
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	draw.Draw(img, img.Bounds(), grey, image.Point{}, draw.Src)
	for _, kind := range []string{"horizon", "lineweight", "sun"} {
		res, err := Measure(img, kind)
		if err != nil {
			t.Fatal(err)
		}
		if res.Found || res.Note == "" {
			t.Errorf("%s judge found something in a plain grey image: %+v", kind, res)
		}
	}
	row := 0.5
	res, err := Check(img, Target{Kind: "horizon", Row: &row})
	if err != nil || res.Verdict.Pass {
		t.Fatalf("a plain image must fail a horizon target: %+v %v", res, err)
	}
}

func TestFlatImagesHaveNoOutlines(t *testing.T) {
	img := handDrawn(64, 30, 0, 20, 12, 4)
	zero := 0.0
	res, _ := Check(img, Target{Kind: "lineweight", Width: &zero})
	if res.Found || !res.Verdict.Pass {
		t.Fatalf("flat image: %+v, want no outlines and a pass for width 0", res)
	}
	two := 2.0
	res, _ = Check(img, Target{Kind: "lineweight", Width: &two})
	if res.Verdict.Pass {
		t.Fatalf("flat image passes a 2 px outline target: %+v", res.Verdict)
	}
}

func TestSunBoxVerdict(t *testing.T) {
	img := handDrawn(64, 40, 2, 20, 12, 4)
	in := [4]float64{0.2, 0.1, 0.45, 0.3}
	out := [4]float64{0.6, 0.1, 0.9, 0.3}
	if r, _ := Check(img, Target{Kind: "sun", Box: &in}); !r.Verdict.Pass {
		t.Errorf("sun inside box judged outside: %+v", r.Verdict)
	}
	if r, _ := Check(img, Target{Kind: "sun", Box: &out}); r.Verdict.Pass {
		t.Errorf("sun outside box judged inside: %+v", r.Verdict)
	}
}

func TestPaletteJudgeSeparatesPalettes(t *testing.T) {
	img := handDrawn(64, 40, 0, 20, 12, 4)
	match := []string{"#5a96e6", "#46a03c", "#ffe65a"}
	other := []string{"#e07040", "#402060", "#f0c0d0"}
	if r, _ := Check(img, Target{Kind: "palette", Colors: match}); !r.Verdict.Pass || r.Palette.MeanDeltaE > 1 {
		t.Errorf("own palette: %+v", r.Palette)
	}
	if r, _ := Check(img, Target{Kind: "palette", Colors: other}); r.Verdict.Pass {
		t.Errorf("another palette passes: %+v", r.Palette)
	}
	// a palette colour the image does not use fails on coverage alone
	if r, _ := Check(img, Target{Kind: "palette", Colors: append(match, "#ff00ff")}); r.Verdict.Pass {
		t.Errorf("palette with an unused colour passes: %+v", r.Palette)
	}
}

func TestBadTargetsGiveClearErrors(t *testing.T) {
	row, wide, left := 1.5, 40.0, -0.1
	for _, c := range []struct {
		t    Target
		want string
	}{
		{Target{Kind: "vibes"}, "unknown judge"},
		{Target{Kind: "depth"}, "needs points"},
		{Target{Kind: "horizon"}, "needs row"},
		{Target{Kind: "horizon", Row: &row}, "between 0 and 1"},
		{Target{Kind: "lineweight", Width: &wide}, "width"},
		{Target{Kind: "palette", Colors: []string{"#12345"}}, "#rrggbb"},
		{Target{Kind: "palette"}, "no colours"},
		{Target{Kind: "sun"}, "point"},
		{Target{Kind: "sun", Box: &[4]float64{0.5, 0.5, 0.2, 0.9}}, "empty"},
		{Target{Kind: "tree"}, "tree target needs x between 0 and 1"},
		{Target{Kind: "tree", X: &left}, "tree target needs x between 0 and 1"},
		{Target{Kind: "tree", X: &row}, "fraction of the width"},
		{Target{Kind: "tree", X: &wide, Tolerance: 0.3}, "needs x"},
		{Target{Kind: "tree", X: new(float64), Tolerance: 1.5}, "least tree cover that passes, at most 1"},
		{Target{Kind: "tree", X: new(float64), Tolerance: -0.1}, "must not be negative"},
	} {
		_, err := Check(image.NewRGBA(image.Rect(0, 0, 8, 8)), c.t)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one mentioning %q", c.t, err, c.want)
		}
	}
	if _, err := Measure(image.NewRGBA(image.Rect(0, 0, 8, 8)), "palette"); err == nil {
		t.Error("Measure palette without colours: want an error")
	}
}

func TestParsePalette(t *testing.T) {
	p, err := ParsePalette("#e07040, 402060 #fff")
	if err != nil || len(p) != 3 || p[2] != (color.RGBA{255, 255, 255, 255}) || p[0] != (color.RGBA{0xe0, 0x70, 0x40, 255}) {
		t.Fatalf("got %v %v", p, err)
	}
	if _, err := ParsePalette(" , "); err == nil {
		t.Fatal("empty palette accepted")
	}
	if _, err := ParsePalette("#ggg000"); err == nil {
		t.Fatal("bad hex accepted")
	}
}

func TestJudgesAgreeOnAnUpscaledRender(t *testing.T) {
	r, _ := world.RenderPrompt("hills at noon with trees and clouds, outlined", 5)
	big := imaging.Resize(r.Image, 160, 160, imaging.Lanczos)
	h, _ := Measure(big, "horizon")
	if math.Abs(h.Horizon-r.Truth.HorizonFrac)*64 > HorizonTolerance {
		t.Errorf("upscaled horizon %.3f, truth %.3f", h.Horizon, r.Truth.HorizonFrac)
	}
	w, _ := Measure(big, "lineweight")
	if math.Abs(w.Width-r.Truth.OutlineWidth) > LineWeightTolerance {
		t.Errorf("upscaled line width %.2f, truth %.2f", w.Width, r.Truth.OutlineWidth)
	}
}

func TestSkyJudgeTellsTheSkyColour(t *testing.T) {
	noon, _ := world.RenderPrompt("hills at noon with trees", 4)
	sunset, _ := world.RenderPrompt("hills at sunset with trees", 4)
	blue, orange := []string{"#6ea0eb"}, []string{"#f09040"}
	if r, _ := Check(noon.Image, Target{Kind: "sky", Colors: blue}); !r.Verdict.Pass {
		t.Errorf("noon sky not blue: %+v %+v", r, r.Verdict)
	}
	if r, _ := Check(noon.Image, Target{Kind: "sky", Colors: orange}); r.Verdict.Pass {
		t.Errorf("noon sky judged orange: %+v", r.Verdict)
	}
	if r, _ := Check(sunset.Image, Target{Kind: "sky", Colors: blue}); r.Verdict.Pass {
		t.Errorf("sunset sky judged blue: %+v", r.Verdict)
	}
	grey := handDrawn(64, 40, 0, 20, 12, 4)
	if r, _ := Check(grey, Target{Kind: "sky", Colors: []string{"#5a96e6"}}); !r.Found || !r.Verdict.Pass {
		t.Errorf("hand-drawn blue sky: %+v", r)
	}
}
