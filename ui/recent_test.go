package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// recentLabels are the names in File ▸ Open recent.
func recentLabels(t *testing.T, s *Studio) []string {
	t.Helper()
	var names []string
	for _, it := range menuItem(t, s, "File", "Open recent").ChildMenu.Items {
		names = append(names, strings.Fields(it.Label)[0])
	}
	return names
}

func TestOpenRecentKeepsTheLastFiveTaskFilesNewestFirst(t *testing.T) {
	s, b := newTestStudio(t)
	if got := recentLabels(t, s); len(got) != 1 || !menuItem(t, s, "File", "Open recent").ChildMenu.Items[0].Disabled {
		t.Errorf("Open recent lists %q before any file; want one disabled line", got)
	}
	spec, _ := b.Task("horizon-low")
	dir := t.TempDir()
	path := func(i int) string { return filepath.Join(dir, fmt.Sprintf("t%d.json", i)) }
	for i := range 6 {
		spec.Name = fmt.Sprintf("t%d", i)
		if err := s.teach.SaveTask(spec, path(i)); err != nil {
			t.Fatal(err)
		}
	}
	s.teach.OpenTask(path(1)) // opened again: first once, not twice
	want := "t1.json t5.json t4.json t3.json t2.json"
	if got := strings.Join(recentLabels(t, s), " "); got != want {
		t.Fatalf("Open recent lists %q, want %q", got, want)
	}

	again := NewStudio(fyne.CurrentApp(), b) // the list is in the preferences
	t.Cleanup(func() { again.Close(); again.Window.Close() })
	if got := strings.Join(recentLabels(t, again), " "); got != want {
		t.Errorf("a new window lists %q, want %q", got, want)
	}

	s.tabs.SelectIndex(0)
	menuItem(t, s, "File", "Open recent").ChildMenu.Items[3].Action() // t3
	s.settle()
	if s.tabs.Selected() != s.teachTab || s.teach.form.name.Text != "t3" || s.teach.choose.Selected != "" {
		t.Errorf("tab %q, task %q; want t3 opened in the Teach tab", s.tabs.Selected().Text, s.teach.form.name.Text)
	}
	if got := recentLabels(t, s)[0]; got != "t3.json" {
		t.Errorf("first recent file %q after opening t3", got)
	}

	os.Remove(path(4))
	for _, it := range menuItem(t, s, "File", "Open recent").ChildMenu.Items {
		if strings.HasPrefix(it.Label, "t4.json") {
			it.Action()
		}
	}
	if s.status.Importance != widget.DangerImportance || !strings.Contains(s.status.Text, "t4.json") {
		t.Errorf("status %q; want the missing file named as an error", s.status.Text)
	}
	if got := strings.Join(recentLabels(t, s), " "); got != "t3.json t1.json t5.json t2.json" {
		t.Errorf("after a missing file the list is %q; want it gone", got)
	}
}
