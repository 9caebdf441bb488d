package ui

import (
	"errors"
	"fmt"
	"log"
	"os"
	"slices"
	"sync"
)

// runDirs are the teaching runs' temporary folders ($TMPDIR/dualprocess-run-*).
// A run's folder is kept on purpose while the window is open, even when the
// run was stopped: the results, Save adapter… and Use in Generate read the
// adapter in it. A failed run leaves nothing worth keeping, so its folder
// goes at once. When the window closes, a run that ends from then on removes
// its own folder (Close), and RemoveAll removes the rest; a run still going
// after that (the evaluation after a stop cannot be cancelled) removes its
// folder when it ends. A folder that cannot be removed is reported on
// standard error.
type runDirs struct {
	mu     sync.Mutex
	dirs   []string
	closed bool
}

// New makes a folder for a run.
func (r *runDirs) New() (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return "", errors.New("the window is closing")
	}
	dir, err := os.MkdirTemp("", "dualprocess-run-*")
	if err != nil {
		return "", fmt.Errorf("run folder: %w", err)
	}
	r.dirs = append(r.dirs, dir)
	return dir, nil
}

// Ended is called on a run's goroutine when the backend has returned. It
// reports false when the window closed meanwhile: then it removes the
// folder, and the result is not to be shown.
func (r *runDirs) Ended(dir string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		remove(dir)
		return false
	}
	return true
}

// Closed reports whether Close has been called.
func (r *runDirs) Closed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closed
}

// Drop removes the folder of a run whose outputs are not kept.
func (r *runDirs) Drop(dir string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.dirs = slices.DeleteFunc(r.dirs, func(d string) bool { return d == dir })
	remove(dir)
}

// Close makes runs that end from now on remove their folders.
func (r *runDirs) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
}

// RemoveAll removes every folder.
func (r *runDirs) RemoveAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range r.dirs {
		remove(d)
	}
	r.dirs = nil
}

func remove(dir string) {
	if err := os.RemoveAll(dir); err != nil {
		log.Printf("dualprocess: the run folder %s is left behind: %v", dir, err)
	}
}
