package app

import (
	"flag"
	"fmt"
	"image"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"dualprocess/model"
	"dualprocess/picture"
	"dualprocess/training/raterfit"
	"dualprocess/training/vqa"
)

func init() {
	register(command{
		name: "eval-vlm",
		summary: "Measure the rater's accuracy per question family on fresh held-out examples: renders and " +
			"generator samples, clean and with Gaussian noise.",
		args:  "[--n N] [--seed S] [--noise SIGMA] [--weights FILE] [--generator FILE|none] [--errors DIR] [--json]",
		setup: setupEvalVLM,
	})
}

// vlmEval is the JSON output of eval-vlm: one entry per data source and noise level.
type vlmEval struct {
	N       int             `json:"per_family"`
	Seed    uint64          `json:"seed"`
	Results []vlmEvalResult `json:"results"`
	Skipped string          `json:"generator_skipped,omitempty"` // why there are no generator results
	// Unread counts, per family, the examples left out because their
	// questions have words the rater does not know (a rater trained before
	// those questions were added); UnreadWhy says why, per family.
	Unread    map[string]int    `json:"unread,omitempty"`
	UnreadWhy map[string]string `json:"unread_why,omitempty"`
}

type vlmEvalResult struct {
	Source   string             `json:"source"` // renders or generator
	Noise    float64            `json:"noise_sigma"`
	Overall  float64            `json:"overall"`
	Families map[string]float64 `json:"families"`
	Examples int                `json:"examples"`
	// Plain is the accuracy on the examples without a decoy (vqa.Item.Decoy).
	PlainOverall  float64                `json:"plain_overall"`
	PlainFamilies map[string]float64     `json:"plain_families"`
	PlainExamples int                    `json:"plain_examples"`
	Generated     *raterfit.HeldOutStats `json:"generator_samples,omitempty"`
}

func setupEvalVLM(fs *flag.FlagSet) func(env, []string) error {
	n := fs.Int("n", 200, "examples per question family and source")
	seed := fs.Uint64("seed", 1, "seed of the held-out examples (their scenes never occur in training)")
	noise := fs.Float64("noise", 0.03, "sigma of the Gaussian noise of the noisy evaluation (0..1 units; 0 skips it)")
	weights := fs.String("weights", "", "rater weights .safetensors (default: the built-in ones)")
	genPath := fs.String("generator", "", "generator weights for the generator-sample evaluation (default: the built-in ones; none: skip)")
	errDir := fs.String("errors", "", "write the clean evaluation's wrong answers to this folder: errors.txt, and per source and family a PNG of the images as the rater saw them")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	return func(e env, args []string) error {
		if err := noArgs(args); err != nil {
			return err
		}
		if *n < 1 || *n > 100000 {
			return usagef("--n %d: must be between 1 and 100000", *n)
		}
		if *noise < 0 || *noise > 0.5 {
			return usagef("--noise %v: must be between 0 and 0.5", *noise)
		}
		r, err := loadRater(*weights)
		if err != nil {
			return err
		}
		if *errDir != "" { // a fresh list, not one added to an earlier run's
			if err := os.MkdirAll(*errDir, 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(*errDir, "errors.txt"), nil, 0o644); err != nil {
				return err
			}
			for _, src := range []string{"renders", "generator"} { // an earlier run's images
				for _, f := range vqa.Families() {
					os.Remove(filepath.Join(*errDir, src+"-"+f+".png"))
				}
			}
		}
		scorer, err := r.NewScorer(32)
		if err != nil {
			return err
		}
		defer scorer.Close()
		out := vlmEval{N: *n, Seed: *seed}
		sources := []struct {
			name  string
			paint raterfit.Painter
		}{{"renders", nil}}
		if *genPath == "none" {
			out.Skipped = "--generator none"
		} else if gen, err := loadGenerator(*genPath); err != nil {
			out.Skipped = err.Error()
		} else {
			s, err := gen.NewSampler(1)
			if err != nil {
				return err
			}
			defer s.Close()
			sources = append(sources, struct {
				name  string
				paint raterfit.Painter
			}{"generator", raterfit.SamplerPainter(s)})
		}
		for _, src := range sources {
			fmt.Fprintf(e.stderr, "eval-vlm: %d held-out %s examples per family...\n", *n, src.name)
			exs, st, err := raterfit.HeldOut(e.ctx, *seed, *n, src.paint)
			if err != nil {
				return err
			}
			exs = readable(exs, r, &out)
			for _, sigma := range []float64{0, *noise} {
				if sigma == 0 && len(out.Results) > 0 && out.Results[len(out.Results)-1].Source == src.name {
					continue // --noise 0
				}
				acc, err := raterfit.Score(e.ctx, scorer, exs, sigma, *seed)
				if err != nil {
					return err
				}
				res := vlmEvalResult{Source: src.name, Noise: sigma, Overall: acc.Overall(), Families: map[string]float64{}, Examples: len(exs),
					PlainOverall: acc.PlainRate(""), PlainFamilies: map[string]float64{}}
				for _, f := range acc.Families {
					res.Families[f] = acc.Rate(f)
					res.PlainFamilies[f] = acc.PlainRate(f)
					res.PlainExamples += acc.PlainTotal[f]
				}
				if src.paint != nil {
					res.Generated = &st
				}
				out.Results = append(out.Results, res)
				if *errDir != "" && sigma == 0 {
					if err := writeMisses(*errDir, src.name, exs, acc.Misses); err != nil {
						return err
					}
				}
			}
		}
		if *asJSON {
			return printJSON(e, out)
		}
		return printVLMEval(e, out, r)
	}
}

// readable is the examples whose questions the rater can read; it counts
// the others in ev.Unread (of the first source: every source asks the same
// questions).
func readable(exs []raterfit.Example, r *model.Rater, ev *vlmEval) []raterfit.Example {
	first := ev.Unread == nil
	if first {
		ev.Unread, ev.UnreadWhy = map[string]int{}, map[string]string{}
	}
	return slices.DeleteFunc(exs, func(ex raterfit.Example) bool {
		_, err := r.Tokenizer().Encode(ex.Question)
		if err != nil && first {
			ev.Unread[ex.Family]++
			ev.UnreadWhy[ex.Family] = err.Error()
		}
		return err != nil
	})
}

func printVLMEval(e env, ev vlmEval, r *model.Rater) error {
	var sb strings.Builder
	writeAccuracyTable(&sb, ev.Results, func(res vlmEvalResult) (map[string]float64, float64) { return res.Families, res.Overall })
	sb.WriteString("\nwithout decoys (the plain examples: no sky patch, mottle or unnamed sky, no swapped, shaded or extra swatch,\n" +
		"no stroke, haze or glow at a horizon line, no erased sun)\n")
	writeAccuracyTable(&sb, ev.Results, func(res vlmEvalResult) (map[string]float64, float64) { return res.PlainFamilies, res.PlainOverall })
	if len(ev.Results) > 0 {
		fmt.Fprintf(&sb, "%d of %d examples of the first source are plain\n", ev.Results[0].PlainExamples, ev.Results[0].Examples)
	}
	fmt.Fprintf(&sb, "%d examples per family and source, seed %d, rater of %d weights\n", ev.N, ev.Seed, r.NumParams())
	for _, res := range ev.Results {
		if res.Generated != nil && res.Noise == 0 {
			fmt.Fprintf(&sb, "generator samples: %d used, %d skipped as too far from the render whose truth they would take (mean abs error > %.2f, the sun moved > %.1f px, or a kind of object under %.0f%% drawn)\n",
				res.Generated.Generated, res.Generated.Rejected, raterfit.MaxGeneratedError, raterfit.MaxSunShift, 100*raterfit.MinObjectDrawn)
		}
	}
	if ev.Skipped != "" {
		fmt.Fprintf(&sb, "generator samples skipped: %s\n", ev.Skipped)
	}
	for _, f := range slices.Sorted(maps.Keys(ev.Unread)) {
		fmt.Fprintf(&sb, "%s: %d of %d examples left out, their questions have words this rater does not know (%s)\n",
			f, ev.Unread[f], ev.N, ev.UnreadWhy[f])
	}
	_, err := fmt.Fprint(e.stdout, sb.String())
	return err
}

// writeAccuracyTable writes one row per family and an overall row, one
// column per result, with the rates that rates picks from each result.
func writeAccuracyTable(sb *strings.Builder, results []vlmEvalResult, rates func(vlmEvalResult) (map[string]float64, float64)) {
	fmt.Fprintf(sb, "%-12s", "family")
	for _, res := range results {
		fmt.Fprintf(sb, " %16s", fmt.Sprintf("%s%s", res.Source, noiseTag(res.Noise)))
	}
	sb.WriteString("\n")
	if len(results) == 0 {
		return
	}
	for _, f := range familiesOf(results[0]) {
		fmt.Fprintf(sb, "%-12s", f)
		for _, res := range results {
			fam, _ := rates(res)
			fmt.Fprintf(sb, " %15.1f%%", 100*fam[f])
		}
		sb.WriteString("\n")
	}
	fmt.Fprintf(sb, "%-12s", "overall")
	for _, res := range results {
		_, all := rates(res)
		fmt.Fprintf(sb, " %15.1f%%", 100*all)
	}
	sb.WriteString("\n")
}

func noiseTag(sigma float64) string {
	if sigma == 0 {
		return ""
	}
	return fmt.Sprintf("+noise%.2g", sigma)
}

func familiesOf(res vlmEvalResult) []string {
	var fs []string
	for _, f := range vqa.Families() {
		if _, ok := res.Families[f]; ok {
			fs = append(fs, f)
		}
	}
	return fs
}

// writeMisses adds a source's wrong answers to dir/errors.txt (one line
// each: source, family, number in the family's PNG, question, wanted and
// given answer, the right answer's probability, "plain" or the decoy) and tiles their images
// into dir/SOURCE-FAMILY.png, in the same order.
func writeMisses(dir, source string, exs []raterfit.Example, misses []raterfit.Miss) error {
	var lines strings.Builder
	tiles := map[string][]image.Image{}
	for _, m := range misses {
		ex := exs[m.Example]
		tiles[ex.Family] = append(tiles[ex.Family], ex.Shown())
		decoy := "plain"
		if ex.Decoy != "" {
			decoy = "decoy " + ex.Decoy
		}
		fmt.Fprintf(&lines, "%s\t%s\t%d\t%s\twant %s\tgot %s\tp %.2f\t%s\n", source, ex.Family, len(tiles[ex.Family]), ex.Question, ex.Answer, m.Predicted, m.P, decoy)
	}
	for family, imgs := range tiles {
		if err := picture.WritePNG(filepath.Join(dir, source+"-"+family+".png"), picture.Grid(imgs, 8)); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(filepath.Join(dir, "errors.txt"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(lines.String()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
