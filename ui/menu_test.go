package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"dualprocess/ui/tool"
)

// press delivers a key shortcut the way the desktop driver does: to a main
// menu item with that shortcut first, then to the focused widget, then to
// the canvas.
func press(s *Studio, key fyne.Shortcut) {
	if it := menuItemWith(s, key); it != nil {
		it.Action()
		return
	}
	c := s.Window.Canvas()
	if f, ok := c.Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(key)
		return
	}
	c.(fyne.Shortcutable).TypedShortcut(key)
}

func menuItemWith(s *Studio, key fyne.Shortcut) *fyne.MenuItem {
	for _, m := range s.menu.Items {
		for _, it := range m.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == key.ShortcutName() && it.Action != nil {
				return it
			}
		}
	}
	return nil
}

// menuItem is the item of the main menu with that label.
func menuItem(t *testing.T, s *Studio, menu, label string) *fyne.MenuItem {
	t.Helper()
	for _, m := range s.menu.Items {
		for _, it := range m.Items {
			if m.Label == menu && it.Label == label {
				return it
			}
		}
	}
	t.Fatalf("no %s ▸ %s in the menu", menu, label)
	return nil
}

// kinds lists the drawing's stroke kinds in order.
func kinds(v *visualEditor) string {
	var out string
	for _, s := range v.pad.Strokes() {
		out += s.Tool + " "
	}
	return out
}

func TestUndoAndRedoKeysTakeBackAndRedrawStrokes(t *testing.T) {
	s, _, v := openTeach(t)
	if !v.undo.Disabled() || !v.redo.Disabled() {
		t.Error("Undo or Redo is on for a fresh drawing")
	}
	tapPad(v.pad, 0.5, 0.25) // horizon
	test.Tap(v.tools[tool.Vertical{}])
	tapPad(v.pad, 0.5, 0.5)
	steps := []struct {
		key        fyne.Shortcut
		want       string
		undo, redo bool // the buttons on afterwards
	}{
		{&fyne.ShortcutUndo{}, "hline ", true, true},
		{redoShift, "hline vline ", true, false},
		{&fyne.ShortcutUndo{}, "hline ", true, true},
		{&fyne.ShortcutUndo{}, "", false, true},
		{&fyne.ShortcutUndo{}, "", false, true}, // nothing left to undo
		{&fyne.ShortcutRedo{}, "hline ", true, true},
		{&fyne.ShortcutRedo{}, "hline vline ", true, false},
	}
	for i, st := range steps {
		press(s, st.key)
		if got := kinds(v); got != st.want {
			t.Fatalf("step %d (%s): strokes %q, want %q", i, st.key.ShortcutName(), got, st.want)
		}
		if v.undo.Disabled() == st.undo || v.redo.Disabled() == st.redo {
			t.Errorf("step %d: Undo on %v, Redo on %v; want %v, %v", i, !v.undo.Disabled(), !v.redo.Disabled(), st.undo, st.redo)
		}
	}
	if v.judge.Kind != "tree" {
		t.Errorf("judge %q after redo, want the vertical line's tree judge again", v.judge.Kind)
	}

	press(s, &fyne.ShortcutUndo{})
	tapPad(v.pad, 0.3, 0.5) // a new stroke forgets what was undone
	press(s, &fyne.ShortcutRedo{})
	if got := kinds(v); got != "hline vline " || v.pad.Strokes()[1].X != 0.3 {
		t.Errorf("strokes %+v; Redo after a new stroke must do nothing", v.pad.Strokes())
	}
	test.Tap(v.undo)
	test.Tap(v.redo)
	test.Tap(v.undo)
	if got := kinds(v); got != "hline " {
		t.Errorf("the buttons: strokes %q, want the horizon only", got)
	}
}

func TestEditMenuUndoesStrokesOnlyOnTheTeachTabAndLeavesTyping(t *testing.T) {
	s, _, v := openTeach(t)
	undo, redo := menuItem(t, s, "Edit", "Undo stroke"), menuItem(t, s, "Edit", "Redo stroke")
	if undo.Shortcut == nil || undo.Shortcut.ShortcutName() != "Undo" || redo.Shortcut.ShortcutName() != "Redo" {
		t.Errorf("Edit menu shortcuts %v %v, want Undo (Ctrl+Z) and Redo (Ctrl+Y)", undo.Shortcut, redo.Shortcut)
	}
	tapPad(v.pad, 0.5, 0.25)
	tapPad(v.pad, 0.5, 0.75)
	undo.Action()
	if v.pad.Strokes()[0].Y != 0.25 {
		t.Fatalf("strokes %+v, want the horizon back at 0.25", v.pad.Strokes())
	}

	s.tabs.SelectIndex(0) // Generate: the keys leave the drawing alone
	press(s, &fyne.ShortcutUndo{})
	if len(v.pad.Strokes()) != 1 {
		t.Error("Ctrl+Z on the Generate tab changed the drawing")
	}

	s.tabs.SelectIndex(1)
	name := s.teach.form.name
	s.Window.Canvas().Focus(name)
	test.Type(name, "sun")
	press(s, &fyne.ShortcutUndo{})
	if len(v.pad.Strokes()) != 1 {
		t.Error("Ctrl+Z in a text field undid a stroke")
	}
	if name.Text == "sun" {
		t.Error("Ctrl+Z in a text field did not undo the typing")
	}
}
