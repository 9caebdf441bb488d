package app

import (
	"flag"
	"fmt"

	"dualprocess/training/judge"
)

func init() {
	register(command{
		name:    "eval-judges",
		summary: "Check each independent judge against the renderer's truth on fresh renders, clean and degraded.",
		args:    "[--n N] [--seed S] [--json]",
		setup:   setupEvalJudges,
	})
}

func setupEvalJudges(fs *flag.FlagSet) func(env, []string) error {
	n := fs.Int("n", 500, "number of renders (random prompts)")
	seed := fs.Int64("seed", 31_000_000, "first seed (the judges were tuned on seeds below 101000)")
	asJSON := fs.Bool("json", false, "print the agreement as JSON")
	return func(e env, args []string) error {
		if err := noArgs(args); err != nil {
			return err
		}
		if *n < 1 || *n > 100000 {
			return usagef("--n %d: must be between 1 and 100000", *n)
		}
		type row struct {
			Degraded bool `json:"degraded"`
			judge.Agreement
			Rate float64 `json:"rate"`
		}
		var rows []row
		for _, noisy := range []bool{false, true} {
			if err := e.ctx.Err(); err != nil {
				return err
			}
			agree, _ := judge.Agree(*seed, *n, noisy)
			for _, a := range agree {
				rows = append(rows, row{noisy, a, a.Rate()})
			}
		}
		if *asJSON {
			return printJSON(e, rows)
		}
		fmt.Fprintf(e.stdout, "%-17s %12s %22s\n", "judge", "clean", "noise 0.03 + blur 0.5")
		half := len(rows) / 2
		for i := 0; i < half; i++ {
			c, d := rows[i], rows[half+i]
			fmt.Fprintf(e.stdout, "%-17s %5.1f%% %3d/%-3d %14.1f%% %3d/%-3d\n", c.Judge,
				100*c.Rate, c.Agreed, c.Of, 100*d.Rate, d.Agreed, d.Of)
		}
		return nil
	}
}
