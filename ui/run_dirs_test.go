package ui

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"
)

func TestFoldersLeftByAKilledWindowAreSweptOnTheNextRun(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("whether a process lives is not told on Windows")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ended := exec.Command("true")
	if err := ended.Run(); err != nil {
		t.Skip("no 'true' to get an ended process id:", err)
	}
	mk := func(name, owner string, age time.Duration) string {
		dir := filepath.Join(tmp, "dualprocess-run-"+name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if owner != "" {
			if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(owner), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		old := time.Now().Add(-age)
		if err := os.Chtimes(dir, old, old); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	dead := mk("dead", strconv.Itoa(ended.Process.Pid), 0)
	live := mk("live", strconv.Itoa(os.Getppid()), 0) // the test's parent runs
	oldOrphan := mk("old", "", 2*staleAge)
	newOrphan := mk("new", "", time.Minute)

	var dirs runDirs
	dir, err := dirs.New()
	if err != nil {
		t.Fatal(err)
	}
	defer dirs.RemoveAll()
	for path, want := range map[string]bool{dead: false, live: true, oldOrphan: false, newOrphan: true, dir: true} {
		if _, err := os.Stat(path); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", filepath.Base(path), err == nil, want)
		}
	}
	if raw, err := os.ReadFile(filepath.Join(dir, ownerFile)); err != nil || string(raw) != strconv.Itoa(os.Getpid()) {
		t.Errorf("owner file %q (%v), want this process", raw, err)
	}
}
