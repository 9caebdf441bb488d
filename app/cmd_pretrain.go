package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// pretrainTarget is one model that `dualprocess pretrain TARGET` trains.
// Each target registers itself from its own file with registerPretrain.
type pretrainTarget struct {
	name    string
	summary string
	args    string // synopsis after "pretrain NAME"
	setup   func(fs *flag.FlagSet) func(e env, args []string) error
}

var pretrainTargets = map[string]pretrainTarget{}

func registerPretrain(t pretrainTarget) {
	if _, dup := pretrainTargets[t.name]; dup {
		panic("app: duplicate pretrain target " + t.name)
	}
	pretrainTargets[t.name] = t
}

func init() {
	register(command{
		name:    "pretrain",
		summary: "Pretrain a built-in model on the procedural world (targets: run 'dualprocess pretrain').",
		args:    "TARGET [flags]   (dualprocess pretrain TARGET -h for its flags)",
		setup:   setupPretrain,
	})
}

func setupPretrain(fs *flag.FlagSet) func(env, []string) error {
	return func(e env, args []string) error {
		if len(args) == 0 {
			return usagef("missing target; one of: %s", pretrainNames())
		}
		t, ok := pretrainTargets[args[0]]
		if !ok {
			return usagef("unknown target %q; one of: %s", args[0], pretrainNames())
		}
		sub := flag.NewFlagSet("pretrain "+t.name, flag.ContinueOnError)
		sub.SetOutput(e.stderr)
		sub.Usage = func() {
			fmt.Fprintf(e.stderr, "usage: dualprocess pretrain %s %s\n\n%s\n\nflags:\n", t.name, t.args, t.summary)
			sub.PrintDefaults()
		}
		run := t.setup(sub)
		if err := sub.Parse(args[1:]); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil
			}
			return &usageError{err}
		}
		return run(e, sub.Args())
	}
}

func pretrainNames() string {
	var names []string
	for n := range pretrainTargets {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// logTo returns the progress writer: stderr, plus the file at path
// (appended to) when path is not empty, and a function that closes it.
func logTo(e env, path string) (io.Writer, func() error, error) {
	if path == "" {
		return e.stderr, func() error { return nil }, nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("log file: %w", err)
	}
	return io.MultiWriter(e.stderr, f), f.Close, nil
}
