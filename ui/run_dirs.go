package ui

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// runDirs are the teaching runs' temporary folders ($TMPDIR/dualprocess-run-*).
// A run's folder is kept on purpose while the window is open, even when the
// run was stopped: the results, Save adapter… and Use in Generate read the
// adapter in it. A failed run leaves nothing worth keeping, so its folder
// goes at once. When the window closes, a run that ends from then on removes
// its own folder (Close), and RemoveAll removes the rest; a run still going
// after that (the evaluation after a stop cannot be cancelled) removes its
// folder when it ends. A folder that cannot be removed is reported on
// standard error. A window that was killed cleans nothing up: the next
// window's first run removes the folders whose owner (owner.pid) has ended.
type runDirs struct {
	mu     sync.Mutex
	dirs   []string
	closed bool
	swept  bool // folders left behind by killed windows were removed
}

// New makes a folder for a run.
func (r *runDirs) New() (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return "", errors.New("the window is closing")
	}
	if !r.swept { // folders left by a window that was killed
		r.swept = true
		sweepStale(os.TempDir(), time.Now())
	}
	dir, err := os.MkdirTemp("", runDirPattern)
	if err != nil {
		return "", fmt.Errorf("run folder: %w", err)
	}
	// who owns it, so that a later window can tell it was left behind
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		remove(dir)
		return "", fmt.Errorf("run folder: %w", err)
	}
	r.dirs = append(r.dirs, dir)
	return dir, nil
}

const (
	runDirPattern = "dualprocess-run-*"
	ownerFile     = "owner.pid"
	// staleAge: a run folder without a live owner this old is left behind
	// for sure (a folder without an owner file may be another version's).
	staleAge = 24 * time.Hour
)

// sweepStale removes the run folders in tmp whose owning process has
// ended (a window killed before it could clean up), and those without an
// owner that are older than staleAge.
func sweepStale(tmp string, now time.Time) {
	dirs, _ := filepath.Glob(filepath.Join(tmp, runDirPattern))
	for _, dir := range dirs {
		info, err := os.Stat(dir)
		if err != nil || !info.IsDir() {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, ownerFile))
		pid, perr := strconv.Atoi(strings.TrimSpace(string(raw)))
		switch {
		case err == nil && perr == nil && pid != os.Getpid() && !processAlive(pid):
			remove(dir)
		case (err != nil || perr != nil) && now.Sub(info.ModTime()) > staleAge:
			remove(dir)
		}
	}
}

// processAlive reports whether a process with this id runs; where that
// cannot be told (Windows), it says yes, and the folder waits for staleAge.
func processAlive(pid int) bool {
	if runtime.GOOS == "windows" {
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, os.ErrPermission)
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
