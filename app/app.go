// Package app is the command line of dualprocess: a registry of subcommands,
// each in its own cmd_*.go file, and the entry point that dispatches to them.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// Version is the application version; FyneApp.toml carries the same number.
const Version = "0.1.0"

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1 // the command ran and failed
	exitUsage   = 2 // bad subcommand, flag or value
)

// env is what a running command may use.
type env struct {
	ctx    context.Context
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand. setup declares the command's flags on fs and
// returns the function that runs it once the flags are parsed.
type command struct {
	name    string
	summary string // one line for the help list
	args    string // synopsis after the name, e.g. "--out FILE.png"
	setup   func(fs *flag.FlagSet) func(e env, args []string) error
}

var commands = map[string]command{}

// register adds a subcommand; each cmd_*.go file calls it from init.
func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("app: duplicate command " + c.name)
	}
	commands[c.name] = c
}

// defaultCommand runs when dualprocess is started with no arguments.
const defaultCommand = "gui"

// Main runs dualprocess with the process's arguments and streams and
// returns the exit status. Ctrl-C (SIGINT) or SIGTERM cancels the running
// command's context, so that it stops and cleans up: the window closes and
// removes its run folders, teach writes what it has.
func Main(args []string) int {
	ctx, stop := signalContext()
	defer stop()
	return Run(ctx, args, os.Stdout, os.Stderr)
}

// signalContext is cancelled by SIGINT or SIGTERM.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// Run runs one subcommand and returns the exit status: 0 on success, 1 when
// the command failed, 2 for a usage error.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	name := defaultCommand
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "dualprocess: unknown command %q; run 'dualprocess help' for the list\n", name)
		return exitUsage
	}
	fs := c.flagSet(stderr)
	run := c.setup(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage // the flag package has printed the error and usage
	}
	err := run(env{ctx: ctx, stdout: stdout, stderr: stderr}, fs.Args())
	var usage *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "dualprocess %s: %v\n", name, err)
		fmt.Fprintf(stderr, "usage: dualprocess %s\n", strings.TrimSpace(c.name+" "+c.args))
		return exitUsage
	default:
		fmt.Fprintf(stderr, "dualprocess %s: %v\n", name, err)
		return exitFailure
	}
}

// flagSet makes the command's flag set; its usage text is the synopsis
// followed by the flag defaults.
func (c command) flagSet(stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { c.printUsage(fs) }
	return fs
}

func (c command) printUsage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprintf(w, "usage: dualprocess %s\n\n%s\n", strings.TrimSpace(c.name+" "+c.args), c.summary)
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprintln(w, "\nflags:")
		fs.PrintDefaults()
	}
}

// sortedNames lists the registered subcommands alphabetically.
func sortedNames() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// usageError marks an error in the command line (exit status 2).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usagef returns a usage error with a formatted message.
func usagef(format string, a ...any) error {
	return &usageError{fmt.Errorf(format, a...)}
}

// noArgs rejects positional arguments for commands that take none.
func noArgs(args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	return nil
}
