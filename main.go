// Command dualprocess is Dual-Process Studio: with no arguments it opens the
// window; 'dualprocess help' lists the command-line subcommands.
package main

import (
	"os"

	"dualprocess/app"
)

func main() {
	os.Exit(app.Main(os.Args[1:]))
}
