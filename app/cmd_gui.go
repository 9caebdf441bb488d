package app

import (
	"flag"

	"dualprocess/ui"
)

func init() {
	register(command{
		name:    "gui",
		summary: "Open the Dual-Process Studio window (the default with no command).",
		args:    "[--generator FILE] [--rater FILE]",
		setup: func(fs *flag.FlagSet) func(env, []string) error {
			genPath := fs.String("generator", "", "generator weights (default: built in)")
			raterPath := fs.String("rater", "", "rater weights (default: built in)")
			return func(e env, args []string) error {
				if err := noArgs(args); err != nil {
					return err
				}
				ui.Run(e.ctx, newGUIBackend(*genPath, *raterPath))
				return nil
			}
		},
	})
}
