package teach

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"

	"dualprocess/model"
	"dualprocess/training/judge"
)

// The oracle's graph and its Prob agree, for both kinds, and a judge
// without a pixel target is refused.
func TestPixelOracleGraphMatchesProb(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	imgs := make([]*image.RGBA, 2)
	for i := range imgs {
		imgs[i] = image.NewRGBA(image.Rect(0, 0, 64, 64))
		for k := range imgs[i].Pix {
			imgs[i].Pix[k] = uint8(rng.IntN(256))
			if k%4 == 3 {
				imgs[i].Pix[k] = 255
			}
		}
		for k := 0; k < len(imgs[i].Pix)/3; k += 4 { // a third of the image near a swatch
			imgs[i].Pix[k], imgs[i].Pix[k+1], imgs[i].Pix[k+2] = 0x24, 0x30, 0x60
		}
	}
	for _, target := range []judge.Target{{Kind: "sky", Colors: []string{"#f09040"}}, {Kind: "palette", Colors: []string{"#243060", "#3c4a80", "#2f5a3a"}}} {
		o, err := NewPixelOracle(target)
		if err != nil {
			t.Fatal(err)
		}
		x, err := model.ImagesTensor(imgs)
		if err != nil {
			t.Fatal(err)
		}
		g := G.NewGraph()
		in := G.NodeFromAny(g, x, G.WithName("images"))
		lp, err := o.LogProb(in, nil, "", "")
		if err != nil {
			t.Fatal(err)
		}
		m := G.NewTapeMachine(g)
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		got := lp.Value().Data().([]float32)
		m.Close()
		for i, img := range imgs {
			p, err := o.Prob(img, nil, "", "")
			if err != nil {
				t.Fatal(err)
			}
			if want := math.Log(p); math.Abs(float64(got[i])-want) > 1e-3*(1+math.Abs(want)) {
				t.Errorf("%s image %d: graph %v, Prob's log %v", target.Kind, i, got[i], want)
			}
		}
	}
	if _, err := NewPixelOracle(judge.Target{Kind: "horizon"}); err == nil {
		t.Error("an oracle for the horizon judge was made")
	}
}
