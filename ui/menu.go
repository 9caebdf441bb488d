package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// redoShift is Ctrl+Shift+Z (Cmd+Shift+Z on macOS), the other redo key;
// Ctrl+Z and Ctrl+Y reach the window as fyne.ShortcutUndo and ShortcutRedo.
var redoShift = &desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}

// setMenu gives the window its menu, File (the task files, the recent
// ones) and Edit (undo and redo of the drawing), and the undo and redo keys.
func (s *Studio) setMenu() {
	undo := fyne.NewMenuItem("Undo stroke", s.Undo)
	undo.Shortcut = &fyne.ShortcutUndo{}
	redo := fyne.NewMenuItem("Redo stroke", s.Redo)
	redo.Shortcut = &fyne.ShortcutRedo{}
	recent := fyne.NewMenuItem("Open recent", nil)
	recent.ChildMenu = fyne.NewMenu("", s.teach.recent.menuItems(s.openRecent)...)
	s.teach.recent.onChanged = func() {
		recent.ChildMenu.Items = s.teach.recent.menuItems(s.openRecent)
		s.menu.Refresh()
	}
	onTeach := func(f func()) func() { return func() { s.tabs.Select(s.teachTab); f() } }
	file := fyne.NewMenu("File",
		fyne.NewMenuItem("Open task…", onTeach(s.teach.openTask)), recent,
		fyne.NewMenuItem("Save task…", onTeach(s.teach.saveTask)))
	s.menu = fyne.NewMainMenu(file, fyne.NewMenu("Edit", undo, redo))
	s.Window.SetMainMenu(s.menu)

	// Without a menu (mobile), or when the driver passes them on, the keys
	// reach the canvas; Ctrl+Shift+Z always does.
	c := s.Window.Canvas()
	c.AddShortcut(&fyne.ShortcutUndo{}, func(fyne.Shortcut) { s.Undo() })
	c.AddShortcut(&fyne.ShortcutRedo{}, func(fyne.Shortcut) { s.Redo() })
	c.AddShortcut(redoShift, func(fyne.Shortcut) { s.Redo() })
}

// openRecent opens a recent task file in the Teach tab.
func (s *Studio) openRecent(path string) {
	s.tabs.Select(s.teachTab)
	s.teach.OpenTask(path)
}

// Undo takes back the last stroke of the visual prompt, when the Teach tab
// is shown. A focused text field gets the key instead: the driver offers
// menu shortcuts before the focused widget, and Ctrl+Z in the prompts box
// must undo typing, not drawing.
func (s *Studio) Undo() { s.editDrawing(&fyne.ShortcutUndo{}, (*Sketchpad).Undo) }

// Redo makes the last undone stroke again, the same way.
func (s *Studio) Redo() { s.editDrawing(&fyne.ShortcutRedo{}, (*Sketchpad).Redo) }

func (s *Studio) editDrawing(key fyne.Shortcut, change func(*Sketchpad)) {
	if f, ok := s.Window.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(key)
		return
	}
	if s.tabs.Selected() != s.teachTab {
		return
	}
	change(s.teach.visual.pad)
}
