package app

import (
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"dualprocess/picture"
	"dualprocess/training/judge"
)

func init() {
	register(command{
		name: "judge",
		summary: "Measure an image with an independent judge (image analysis; the tree and depth judges are " +
			"small trained networks) and, with --target, say whether it meets the target.",
		args:  "--kind horizon|palette|lineweight|sun|sky|tree|depth --image FILE [--target T] [--tolerance X] [--json]",
		setup: setupJudge,
	})
}

func setupJudge(fs *flag.FlagSet) func(env, []string) error {
	kind := fs.String("kind", "", "judge: "+strings.Join(judge.Kinds, ", ")+" (required)")
	path := fs.String("image", "", "image file ("+picture.Formats+"), any size (required)")
	target := fs.String("target", "", "horizon: row as a fraction of the height (0.7); lineweight: outline width "+
		"in px at 64 px (0 = none); palette: colours #rrggbb,#rrggbb,... (required); sun: centre x,y or box "+
		"x0,y0,x1,y1 as fractions; sky: colour(s) #rrggbb the sky should have; tree: the column x as a fraction of "+
		"the width where a tree should stand (required); depth: points A and B as xA,yA,xB,yB fractions, A "+
		"the one that should be closer (required)")
	tol := fs.Float64("tolerance", 0, "largest error that passes (0 = the judge's default)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	return func(e env, args []string) error {
		if err := noArgs(args); err != nil {
			return err
		}
		if *kind == "" || *path == "" {
			return usagef("missing --kind or --image")
		}
		t, err := parseTarget(*kind, *target, *tol)
		if err != nil {
			return usagef("%w", err)
		}
		if t != nil && (t.Kind == "tree" || t.Kind == "depth") {
			if err := loadJudgeNets(); err != nil {
				return err
			}
		}
		img, err := picture.ReadPicture(*path)
		if err != nil {
			return err
		}
		var res judge.Result
		if t == nil {
			res, err = judge.Measure(img, *kind)
		} else {
			res, err = judge.Check(img, *t)
		}
		if err != nil {
			return usagef("%w", err)
		}
		if *asJSON {
			return printJSON(e, res)
		}
		_, err = fmt.Fprint(e.stdout, describe(res))
		return err
	}
}

// parseTarget reads --target for a judge; nil means measure only.
func parseTarget(kind, s string, tol float64) (*judge.Target, error) {
	if tol < 0 {
		return nil, fmt.Errorf("--tolerance %g: must not be negative", tol)
	}
	if !slices.Contains(judge.Kinds, kind) {
		return nil, fmt.Errorf("unknown judge %q (known: %s)", kind, strings.Join(judge.Kinds, ", "))
	}
	t := &judge.Target{Kind: kind, Tolerance: tol}
	if s == "" {
		if kind == "palette" {
			return nil, fmt.Errorf("the palette judge needs --target #rrggbb,#rrggbb,...")
		}
		if kind == "sky" {
			return nil, nil // measure the sky colour only
		}
		if kind == "tree" {
			return nil, fmt.Errorf("the tree judge needs --target x, the line's column as a fraction of the width")
		}
		if kind == "depth" {
			return nil, fmt.Errorf("the depth judge needs --target xA,yA,xB,yB, the points as fractions (A should be closer)")
		}
		return nil, nil
	}
	var nums []float64
	if kind != "palette" && kind != "sky" {
		for _, f := range strings.Split(s, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				return nil, fmt.Errorf("--target %q: %q is not a number", s, f)
			}
			nums = append(nums, v)
		}
	}
	switch kind {
	case "horizon":
		if len(nums) != 1 {
			return nil, fmt.Errorf("--target for horizon is one row fraction, e.g. 0.7")
		}
		t.Row = &nums[0]
	case "lineweight":
		if len(nums) != 1 {
			return nil, fmt.Errorf("--target for lineweight is one width in px at 64 px, e.g. 2.5")
		}
		t.Width = &nums[0]
	case "palette", "sky":
		t.Colors = strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
	case "tree":
		if len(nums) != 1 {
			return nil, fmt.Errorf("--target for tree is one column fraction, e.g. 0.36")
		}
		t.X = &nums[0]
	case "depth":
		if len(nums) != 4 {
			return nil, fmt.Errorf("--target for depth is xA,yA,xB,yB as fractions, e.g. 0.3,0.8,0.7,0.6")
		}
		t.Points = [][2]float64{{nums[0], nums[1]}, {nums[2], nums[3]}}
	case "sun":
		switch len(nums) {
		case 2:
			t.Point = &[2]float64{nums[0], nums[1]}
		case 4:
			t.Box = &[4]float64{nums[0], nums[1], nums[2], nums[3]}
		default:
			return nil, fmt.Errorf("--target for sun is x,y or x0,y0,x1,y1 as fractions")
		}
	}
	return t, t.Validate()
}

// describe is the plain-text report of a judge's result.
func describe(r judge.Result) string {
	var b strings.Builder
	switch {
	case !r.Found:
		fmt.Fprintf(&b, "%s: %s\n", r.Kind, r.Note)
	case r.Kind == "horizon":
		fmt.Fprintf(&b, "horizon: row %.3f of the height (%.1f px at 64 px)\n", r.Horizon, r.Horizon*64)
	case r.Kind == "lineweight":
		fmt.Fprintf(&b, "lineweight: outlines %.2f px wide at 64 px\n", r.Width)
	case r.Kind == "sun":
		fmt.Fprintf(&b, "sun: centre %.3f, %.3f, radius %.3f (fractions of the size)\n", r.Sun.X, r.Sun.Y, r.Sun.R)
	case r.Kind == "sky":
		fmt.Fprintf(&b, "sky: median colour %s\n", r.Sky)
	case r.Kind == "tree":
		fmt.Fprintf(&b, "tree: cover %.2f at the line (share of its most covered 4x4 cells)\n", r.TreeCover)
	case r.Kind == "depth" && len(r.Depths) == 2:
		fmt.Fprintf(&b, "depth: log-depth %.3f at A, %.3f at B\n", r.Depths[0], r.Depths[1])
	case r.Kind == "palette":
		fmt.Fprintf(&b, "palette: mean distance %.1f delta E; coverage", r.Palette.MeanDeltaE)
		for _, c := range r.Palette.Coverage {
			fmt.Fprintf(&b, " %.1f%%", 100*c)
		}
		b.WriteString("\n")
	}
	if v := r.Verdict; v != nil {
		verdict := "FAIL"
		if v.Pass {
			verdict = "PASS"
		}
		if v.Error < 0 && r.Kind != "depth" { // a depth error is signed: A's log-depth minus B's
			fmt.Fprintf(&b, "%s: target %s: nothing measured\n", verdict, v.Target)
		} else {
			fmt.Fprintf(&b, "%s: target %s, error %.2f %s (tolerance %.2f)\n", verdict, v.Target, v.Error, v.Units, v.Tolerance)
		}
	}
	return b.String()
}
