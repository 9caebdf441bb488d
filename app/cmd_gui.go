package app

import (
	"errors"
	"flag"
	"os"
	"runtime"

	"dualprocess/ui"
)

func init() {
	register(command{
		name:    "gui",
		summary: "Open the Dual-Process Studio window (the default with no command).",
		args:    "[--task FILE|NAME] [--generator FILE] [--rater FILE]",
		setup: func(fs *flag.FlagSet) func(env, []string) error {
			task := fs.String("task", "", "task file or built-in task to open in the Teach tab")
			genPath := fs.String("generator", "", "generator weights (default: built in)")
			raterPath := fs.String("rater", "", "rater weights (default: built in)")
			return func(e env, args []string) error {
				if err := noArgs(args); err != nil {
					return err
				}
				if *task != "" { // refused here, before a window opens
					if _, err := loadTask(*task); err != nil {
						return err
					}
				}
				if err := needDisplay(runtime.GOOS, os.Getenv); err != nil {
					return err
				}
				ui.Run(e.ctx, newGUIBackend(*genPath, *raterPath), *task)
				return nil
			}
		},
	})
}

// errNoDisplay is the message for a window with nowhere to open (GLFW
// would panic).
var errNoDisplay = errors.New("no display to open the window on: DISPLAY and WAYLAND_DISPLAY are unset " +
	"(run it in a desktop session, or under xvfb-run); the headless commands are listed by 'dualprocess help'")

// needDisplay says whether a window can open: on Linux and the BSDs it
// needs an X11 or Wayland display; macOS and Windows always have one.
func needDisplay(goos string, getenv func(string) string) error {
	switch goos {
	case "darwin", "windows", "ios", "android", "js":
		return nil
	}
	if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		return errNoDisplay
	}
	return nil
}
