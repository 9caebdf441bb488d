package app

import (
	"flag"

	"dualprocess/ui"
)

func init() {
	register(command{
		name:    "gui",
		summary: "Open the Dual-Process Studio window (the default with no command).",
		setup: func(fs *flag.FlagSet) func(env, []string) error {
			return func(e env, args []string) error {
				if err := noArgs(args); err != nil {
					return err
				}
				ui.Run(e.ctx)
				return nil
			}
		},
	})
}
