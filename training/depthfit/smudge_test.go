package depthfit

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"testing"

	"dualprocess/assets"
	"dualprocess/model"
	"dualprocess/training/world"
)

// A smudge darkens a soft patch and leaves the image it was given alone.
func TestSmudgeDarkensAPatch(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	img.Pix[3] = 255
	for seed := uint64(0); seed < 20; seed++ {
		out := smudge(rand.New(rand.NewPCG(seed, 1)), img)
		darkest, kept := 255, 0
		for i := 0; i < len(out.Pix); i += 4 {
			darkest = min(darkest, int(out.Pix[i]))
			if out.Pix[i] == 200 {
				kept++
			}
		}
		// at least 40% dark towards a tint of at most 0.3: 0.6*200 + 0.4*0.3*255 = 151
		if darkest > 151 || kept == 0 {
			t.Errorf("seed %d: darkest %d (want <= 151), %d pixels kept (want some)", seed, darkest, kept)
		}
	}
	if img.Pix[0] != 200 || img.Pix[3] != 255 {
		t.Error("smudge changed its input")
	}
}

// darken multiplies a soft round patch of sigma 4 px at (x, y) (fractions)
// towards black by up to dark.
func darken(img *image.RGBA, x, y, dark float64) *image.RGBA {
	out := image.NewRGBA(img.Bounds())
	copy(out.Pix, img.Pix)
	cx, cy := x*world.Size, y*world.Size
	for py := 0; py < world.Size; py++ {
		for px := 0; px < world.Size; px++ {
			d2 := math.Pow(float64(px)+0.5-cx, 2) + math.Pow(float64(py)+0.5-cy, 2)
			a := dark * math.Exp(-d2/(2*4*4))
			c := out.RGBAAt(px, py)
			f := func(v uint8) uint8 { return uint8(math.Round(float64(v) * (1 - a))) }
			out.SetRGBA(px, py, color.RGBA{f(c.R), f(c.G), f(c.B), 255})
		}
	}
	return out
}

// The shipped depth judge does not take flat ground, or a faint smudge on
// it, for something near: at depth-house's points (docs/experiments/depth-tasks), with a patch up to 30%
// dark at A, it passes A as clearly closer than B in few scenes (3 of 64
// when written; session 23's judge passed 11 with no patch and 18 with the
// 30% patch). Darker patches still fool it (17 and 40 of 64 at 60% and
// 90%, 25 and 43 before).
// With -v it logs the counts.
func TestShippedDepthJudgeIsNotFooledBySmudges(t *testing.T) {
	net, err := model.DecodeDepthNet(assets.Depth, "assets/depth.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	a, b := [2]float64{0.3, 0.72}, [2]float64{0.7, 0.72}
	for _, dark := range []float64{0, 0.3, 0.6, 0.9} {
		passed := 0
		for _, prompt := range []string{"hills at noon with house", "desert at dawn with house and trees"} {
			p, err := world.ParsePrompt(prompt)
			if err != nil {
				t.Fatal(err)
			}
			for seed := int64(HeldOutSeed); seed < HeldOutSeed+32; seed++ {
				r := world.Render(world.Sample(p, world.Noise(seed)))
				d, err := net.LogDepthAt(darken(r.Image, a[0], a[1], dark), [][2]float64{a, b})
				if err != nil {
					t.Fatal(err)
				}
				if d[0]-d[1] <= -0.4 {
					passed++
				}
			}
		}
		t.Logf("patch %.0f%% dark at A: A clearly closer in %d of 64 scenes", 100*dark, passed)
		if dark <= 0.3 && passed > 6 {
			t.Errorf("patch %.0f%% dark at A: A passed as clearly closer in %d of 64 scenes, want at most 6", 100*dark, passed)
		}
	}
}
