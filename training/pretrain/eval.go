package pretrain

import (
	"context"
	"fmt"
	"image"
	"math"

	"dualprocess/model"
	"dualprocess/training/judge"
	"dualprocess/training/world"
)

// HorizonTolerance is how far (px at 64) the horizon judge on a generated
// image may be from the renderer's truth.
const HorizonTolerance = 2

// Report is how closely the generator reproduces the renderer on held-out pairs.
type Report struct {
	N       int     `json:"n"`
	MAE     float64 `json:"mean_abs_error"` // per channel, 0..1
	Horizon int     `json:"horizon_agreed"` // horizon judge within HorizonTolerance px of the truth
	Line    int     `json:"lineweight_agreed"`
	Palette int     `json:"palette_agreed"`
}

func (r Report) String() string {
	pct := func(k int) string { return fmt.Sprintf("%.1f%% (%d/%d)", 100*float64(k)/float64(max(1, r.N)), k, r.N) }
	return fmt.Sprintf("mae %.4f  horizon %s  lineweight %s  palette %s", r.MAE, pct(r.Horizon), pct(r.Line), pct(r.Palette))
}

// Rates returns the horizon, line-width and palette agreement as fractions.
func (r Report) Rates() (horizon, line, palette float64) {
	n := float64(max(1, r.N))
	return float64(r.Horizon) / n, float64(r.Line) / n, float64(r.Palette) / n
}

// EvaluateHeldOut renders the first n held-out pairs and evaluates gen on them.
func EvaluateHeldOut(ctx context.Context, gen *model.Generator, n int) (Report, error) {
	exs := HeldOut(n)
	if err := render(ctx, exs); err != nil {
		return Report{}, err
	}
	return Evaluate(ctx, gen, exs)
}

// Evaluate generates every example (whose targets are rendered) and compares
// it with the truth: mean absolute pixel error, and the horizon, line-width
// and palette judges against the truth's horizon row, outline width and palette.
func Evaluate(ctx context.Context, gen *model.Generator, exs []Example) (Report, error) {
	imgs, err := Generate(ctx, gen, exs)
	if err != nil {
		return Report{}, err
	}
	r := Report{N: len(exs)}
	for i, ex := range exs {
		r.MAE += meanAbsDiff(imgs[i], ex.Target) / float64(len(exs))
		tr := ex.Truth
		row, w := tr.HorizonFrac, tr.OutlineWidth
		if res, err := judge.Check(imgs[i], judge.Target{Kind: "horizon", Row: &row, Tolerance: HorizonTolerance}); err == nil && res.Verdict.Pass {
			r.Horizon++
		}
		if res, err := judge.Check(imgs[i], judge.Target{Kind: "lineweight", Width: &w}); err == nil && res.Verdict.Pass {
			r.Line++
		}
		if res, err := judge.Check(imgs[i], judge.Target{Kind: "palette", Colors: Hexes(tr)}); err == nil && res.Verdict.Pass {
			r.Palette++
		}
	}
	return r, nil
}

// Generate draws G's image for every example, in batches.
func Generate(ctx context.Context, gen *model.Generator, exs []Example) ([]*image.RGBA, error) {
	const batch = 16
	s, err := gen.NewSampler(batch)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	out := make([]*image.RGBA, 0, len(exs))
	for lo := 0; lo < len(exs); lo += batch {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ps, zs := make([]world.Prompt, batch), make([][]float64, batch)
		for k := range batch {
			ex := exs[min(lo+k, len(exs)-1)] // pad the last batch
			ps[k], zs[k] = ex.Prompt, world.Noise(ex.Seed)
		}
		imgs, err := s.Generate(ps, zs)
		if err != nil {
			return nil, err
		}
		out = append(out, imgs[:min(batch, len(exs)-lo)]...)
	}
	return out, nil
}

// Hexes lists the truth's palette colours.
func Hexes(t world.Truth) []string {
	var cols []string
	for _, e := range t.Palette {
		cols = append(cols, e.Hex)
	}
	return cols
}

func meanAbsDiff(a, b *image.RGBA) float64 {
	var s float64
	var n int
	for i := range a.Pix {
		if i%4 == 3 {
			continue
		}
		s += math.Abs(float64(a.Pix[i]) - float64(b.Pix[i]))
		n++
	}
	return s / float64(n) / 255
}
