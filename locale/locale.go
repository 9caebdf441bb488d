// Package locale maps the POSIX "C" locale to US English before Fyne reads
// it: Fyne cannot parse "C" (Debian's default C.UTF-8) and logs three
// "Error parsing user locale C" lines at start-up of every command.
//
// Import it for its side effect from any package that imports Fyne. Go
// initialises packages in import-path order among those whose imports are
// ready, and "dualprocess/locale" (which needs only os and strings) sorts
// before "fyne.io/...", so this init runs first.
package locale

import (
	"os"
	"strings"
)

func init() { mapPOSIX() }

// mapPOSIX rewrites the variable that decides the message language (the
// first set of LC_ALL, LC_MESSAGES, LANG) when it names the C locale.
func mapPOSIX() {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		if lang, _, _ := strings.Cut(v, "."); lang == "C" || lang == "POSIX" {
			os.Setenv(name, "en_US.UTF-8")
		}
		return
	}
}
