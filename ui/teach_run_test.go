package ui

import (
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// privateTemp points os.MkdirTemp at an empty folder of the test's and
// returns it, so that every run folder can be seen.
func privateTemp(t *testing.T) string {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	return dir
}

// left lists what is in dir.
func left(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestARunKeepsItsFolderUntilCloseAndSaysWhere(t *testing.T) {
	tmp := privateTemp(t)
	s, b, done := builtinTeach(t)
	b.gate, b.stepped = make(chan struct{}), make(chan int, 16)
	test.Tap(s.teach.run.teach)
	b.gate <- struct{}{}
	waitStep(t, b.stepped, 1)
	test.Tap(s.teach.run.stop)
	wait(t, done)
	dir := s.teach.result.Dir
	if got := left(t, tmp); len(got) != 1 || !strings.HasPrefix(dir, tmp) {
		t.Fatalf("%s holds %v during the session; want the stopped run's folder %s", tmp, got, dir)
	}
	if !strings.Contains(s.teach.run.stats.Text, "Its outputs are in "+dir+" until the window closes") {
		t.Errorf("stats %q do not say where the kept outputs are", s.teach.run.stats.Text)
	}
	s.Close()
	if got := left(t, tmp); len(got) != 0 {
		t.Errorf("after Close %s holds %v", tmp, got)
	}
}

func TestAFailedRunLeavesNoFolder(t *testing.T) {
	tmp := privateTemp(t)
	s, b, done := builtinTeach(t)
	b.teachErr = errBoom
	test.Tap(s.teach.run.teach)
	wait(t, done)
	if got := left(t, tmp); len(got) != 0 {
		t.Errorf("a failed run left %v in %s", got, tmp)
	}
}

func TestClosingDuringARunStopsItAndRemovesItsFolder(t *testing.T) {
	tmp := privateTemp(t)
	s, b, _ := builtinTeach(t)
	b.gate, b.stepped = make(chan struct{}), make(chan int, 16)
	test.Tap(s.teach.run.teach)
	b.gate <- struct{}{}
	waitStep(t, b.stepped, 1)
	start := time.Now()
	s.Close() // what the window does on quit, SIGTERM or SIGINT
	if time.Since(start) > 5*time.Second {
		t.Error("Close did not stop the run: it waited for the time limit")
	}
	if got := left(t, tmp); len(got) != 0 {
		t.Errorf("after Close %s holds %v", tmp, got)
	}
	if s.teach.result != nil {
		t.Error("a run ended by Close was shown as a result")
	}
}

func TestARunThatOutlivesCloseRemovesItsOwnFolder(t *testing.T) {
	tmp := privateTemp(t)
	s, b, _ := builtinTeach(t)
	b.gate, b.stepped, b.evaluate = make(chan struct{}), make(chan int, 16), make(chan struct{})
	test.Tap(s.teach.run.teach)
	b.gate <- struct{}{}
	waitStep(t, b.stepped, 1)
	s.teach.closeWait = 50 * time.Millisecond
	s.Close() // the run is stopped but still evaluating
	if got := left(t, tmp); len(got) != 0 {
		t.Fatalf("after Close %s holds %v", tmp, got)
	}
	close(b.evaluate) // it ends, writing its files as teach.Run does
	s.teach.runs.Wait()
	if got := left(t, tmp); len(got) != 0 {
		t.Errorf("the run that ended after Close left %v in %s", got, tmp)
	}
}
