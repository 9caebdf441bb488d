package pretrain

import (
	"context"
	"fmt"
	"image"
	"maps"
	"slices"

	"dualprocess/model"
	"dualprocess/picture"
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
	// Objects is, per kind of object (and "sun" for the sun or moon), the
	// mean absolute pixel error inside its box: whether G draws it where
	// the renderer does, which the image-wide error hardly shows.
	Objects map[string]BoxError `json:"object_box_error,omitempty"`
}

// BoxError is the mean absolute pixel error (per channel, 0..1) inside the
// boxes of N objects of one kind. Where the scene without objects of that
// kind stays otherwise the same (not for the sun, nor a boat whose water
// would go with it; AbsentN objects), Absent is the error there of that
// render, which is about what a generator that leaves the object out
// scores, and Drawn how much of the way from that to the renderer's object
// (error 0) the generator goes on them: 1 - its error / Absent.
type BoxError struct {
	N       int     `json:"n"`
	MAE     float64 `json:"mean_abs_error"`
	AbsentN int     `json:"absent_n,omitempty"`
	Absent  float64 `json:"absent_error,omitempty"`
	Drawn   float64 `json:"drawn,omitempty"`
}

func (r Report) String() string {
	pct := func(k int) string { return fmt.Sprintf("%.1f%% (%d/%d)", 100*float64(k)/float64(max(1, r.N)), k, r.N) }
	out := fmt.Sprintf("mae %.4f  horizon %s  lineweight %s  palette %s", r.MAE, pct(r.Horizon), pct(r.Line), pct(r.Palette))
	if len(r.Objects) > 0 {
		out += "\nmae inside the boxes of (left out: the render without them; drawn: 1 - mae / left out):"
		for _, k := range slices.Sorted(maps.Keys(r.Objects)) {
			e := r.Objects[k]
			out += fmt.Sprintf("\n  %-6s %.4f  n %d", k, e.MAE, e.N)
			if e.AbsentN > 0 {
				out += fmt.Sprintf("  left out %.4f  drawn %.0f%%", e.Absent, 100*e.Drawn)
			}
		}
	}
	return out
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

// EvaluateTraining evaluates gen on the first n training pairs of the
// pretraining run with seed runSeed (pretrain generator --seed), which that
// run trained on when n is within its pool: whether what G gets wrong on
// held-out pairs it also gets wrong on pairs it has seen.
func EvaluateTraining(ctx context.Context, gen *model.Generator, runSeed uint64, n int) (Report, error) {
	exs := make([]Example, n)
	for i := range exs {
		exs[i] = trainExample(runSeed, i)
	}
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
	r := Report{N: len(exs), Objects: map[string]BoxError{}}
	sums := map[string]world.BoxErrors{}
	for i, ex := range exs {
		r.MAE += picture.MeanAbsDiff(imgs[i], ex.Target) / float64(len(exs))
		tr := ex.Truth
		rendering := world.Rendering{Image: ex.Target, Truth: tr}
		for kind, e := range world.ObjectErrors(imgs[i], rendering, ex.Prompt, world.Noise(ex.Seed)) {
			sums[kind] = sums[kind].Add(e)
		}
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
	for kind, e := range sums {
		b := BoxError{N: e.N, MAE: e.Sum / float64(e.N)}
		if d, ok := e.Drawn(); ok {
			b.AbsentN, b.Absent, b.Drawn = e.Out, e.Absent/float64(e.Out), d
		}
		r.Objects[kind] = b
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
