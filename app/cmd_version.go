package app

import (
	"flag"
	"fmt"
)

func init() {
	register(command{
		name:    "version",
		summary: "Print the version.",
		setup: func(fs *flag.FlagSet) func(env, []string) error {
			return func(e env, args []string) error {
				if err := noArgs(args); err != nil {
					return err
				}
				_, err := fmt.Fprintln(e.stdout, "dualprocess", Version)
				return err
			}
		},
	})
}
