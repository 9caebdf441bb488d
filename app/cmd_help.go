package app

import (
	"flag"
	"fmt"
	"text/tabwriter"
)

func init() {
	register(command{
		name:    "help",
		summary: "List the subcommands, or show one subcommand's flags.",
		args:    "[COMMAND]",
		setup: func(fs *flag.FlagSet) func(env, []string) error {
			return runHelp
		},
	})
}

func runHelp(e env, args []string) error {
	switch len(args) {
	case 0:
		fmt.Fprintf(e.stdout, "Dual-Process Studio %s\n\nusage: dualprocess [COMMAND [FLAGS]]\n", Version)
		fmt.Fprintf(e.stdout, "With no command it runs %q, which opens the Studio window.\n\ncommands:\n", defaultCommand)
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		for _, n := range sortedNames() {
			fmt.Fprintf(tw, "  %s\t%s\n", n, commands[n].summary)
		}
		tw.Flush()
		fmt.Fprintln(e.stdout, "\nRun 'dualprocess help COMMAND' for a command's flags.")
		return nil
	case 1:
		c, ok := commands[args[0]]
		if !ok {
			return usagef("unknown command %q", args[0])
		}
		fs := c.flagSet(e.stdout)
		c.setup(fs)
		fs.Usage()
		return nil
	default:
		return usagef("help takes at most one command, got %d", len(args))
	}
}
