package ui

import (
	"path/filepath"
	"slices"

	"fyne.io/fyne/v2"
)

// recentKey is the preference that holds the task files opened or saved
// last, newest first.
const recentKey = "recent_task_files"

// recentMax is how many task files the list keeps.
const recentMax = 5

// recentTasks is the list of the task files opened or saved last, kept in
// the app's preferences so that it outlives the window.
type recentTasks struct {
	prefs     fyne.Preferences
	onChanged func() // after Add or Remove
}

// List is the paths, newest first.
func (r *recentTasks) List() []string { return slices.Clone(r.prefs.StringList(recentKey)) }

// Add puts path first; an older entry of it goes, and the list keeps
// recentMax.
func (r *recentTasks) Add(path string) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	list := append([]string{path}, slices.DeleteFunc(r.List(), func(p string) bool { return p == path })...)
	r.set(list[:min(len(list), recentMax)])
}

// Remove takes path off the list (a file that has gone).
func (r *recentTasks) Remove(path string) {
	r.set(slices.DeleteFunc(r.List(), func(p string) bool { return p == path }))
}

func (r *recentTasks) set(list []string) {
	r.prefs.SetStringList(recentKey, list)
	if r.onChanged != nil {
		r.onChanged()
	}
}

// menuItems are the list as menu items that open the file, or one
// disabled item when it is empty.
func (r *recentTasks) menuItems(open func(path string)) []*fyne.MenuItem {
	var items []*fyne.MenuItem
	for _, p := range r.List() {
		items = append(items, fyne.NewMenuItem(filepath.Base(p)+"  —  "+filepath.Dir(p), func() { open(p) }))
	}
	if len(items) == 0 {
		none := fyne.NewMenuItem("No task files yet", nil)
		none.Disabled = true
		items = append(items, none)
	}
	return items
}
