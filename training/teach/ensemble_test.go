package teach

import (
	"image"
	"math"
	"testing"

	"dualprocess/model"
	"dualprocess/training/visual"
	"dualprocess/training/vqa"
)

// Teaching against an ensemble minimises the raters' mean cross-entropy:
// its loss is the mean of the raters' losses, and so is its gradient (the
// preservation term, the same for both, adds the same to each).
func TestEnsembleLossIsTheMeanOfTheRaters(t *testing.T) {
	a, b := NewFrozenRater(tinyRater(t)), NewFrozenRater(tinyRaterSeed(t, 7))
	la, ga := stepLossAndGrad(t, a, 1)
	lb, gb := stepLossAndGrad(t, b, 1)
	if math.Abs(la-lb) < 1e-6 {
		t.Fatalf("the two raters give the same loss %.9g: the test cannot tell them apart", la)
	}
	le, ge := stepLossAndGrad(t, Ensemble{a, b}, 1)
	if want := (la + lb) / 2; math.Abs(le-want) > 1e-9 {
		t.Errorf("ensemble loss %.12g, want the mean %.12g of %.9g and %.9g", le, want, la, lb)
	}
	for i := range ge {
		if want := (ga[i] + gb[i]) / 2; math.Abs(ge[i]-want) > 1e-9*(1+math.Abs(want)) {
			t.Fatalf("gradient %d: ensemble %.12g, want the mean %.12g", i, ge[i], want)
		}
	}
	one, g1 := stepLossAndGrad(t, Ensemble{a}, 1)
	if one != la || len(g1) != len(ga) {
		t.Errorf("an ensemble of one gives loss %.12g, the rater alone %.12g", one, la)
	}
}

// Its probability is the geometric mean of the raters'.
func TestEnsembleProbIsTheGeometricMean(t *testing.T) {
	a, b := NewFrozenRater(tinyRater32(t, 2)), NewFrozenRater(tinyRater32(t, 7))
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	drawing, err := visual.DrawStrokes([]visual.Stroke{{Tool: "hline", Y: 0.6, Width: 1.5}}, 64)
	if err != nil {
		t.Fatal(err)
	}
	ov, err := visual.NewOverlay(drawing, visual.Solid)
	if err != nil {
		t.Fatal(err)
	}
	q := "Is the horizon at the red line?"
	pa, err1 := a.Prob(img, ov, q, "yes")
	pb, err2 := b.Prob(img, ov, q, "yes")
	pe, err3 := Ensemble{a, b}.Prob(img, ov, q, "yes")
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if want := math.Sqrt(pa * pb); math.Abs(pe-want) > 1e-6 || pa == pb {
		t.Errorf("ensemble p %.6g, raters %.6g and %.6g: want their geometric mean %.6g", pe, pa, pb, want)
	}
	if _, err := (Ensemble{}).Prob(img, ov, q, "yes"); err == nil {
		t.Error("an empty ensemble rated an image")
	}
}

// tinyRater32 is a float32 tiny rater as NewRater makes it.
func tinyRater32(t *testing.T, seed uint64) *model.Rater {
	t.Helper()
	r, err := model.NewRater(tinyRaterConfig, vqa.Words(), vqa.Answers, seed)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
