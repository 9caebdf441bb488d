package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
)

// openTask asks for a task file and opens it.
func (v *teachView) openTask() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		v.OpenTask(r.URI().Path())
	}, v.window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
}

// OpenTask loads a task file and puts it first in the recent files; a file
// that has gone leaves the list.
func (v *teachView) OpenTask(path string) {
	t, err := v.backend.Task(path)
	if err != nil {
		if _, serr := os.Stat(path); errors.Is(serr, fs.ErrNotExist) {
			v.recent.Remove(path)
		}
		v.host.fail(err)
		return
	}
	v.choose.ClearSelected()
	v.Load(t)
	v.recent.Add(path)
	v.host.say("Opened task " + path)
}

// showRecent pops up the recent task files under the button.
func (v *teachView) showRecent(under fyne.CanvasObject) {
	menu := fyne.NewMenu("", v.recent.menuItems(v.OpenTask)...)
	c := fyne.CurrentApp().Driver().CanvasForObject(under)
	widget.ShowPopUpMenuAtRelativePosition(menu, c, fyne.NewPos(0, under.Size().Height), under)
}

// saveTask checks the task, then asks where to write it.
func (v *teachView) saveTask() {
	spec, err := v.Spec()
	if err != nil {
		v.host.fail(err)
		return
	}
	v.host.background(func() { err = v.backend.Check(spec) }, func() {
		if err != nil {
			v.host.fail(fmt.Errorf("task not saved: %w", err))
			return
		}
		v.chooseSave(spec.Name+".json", func(path string) error { return v.SaveTask(spec, path) })
	})
}

// SaveTask writes a task file atomically and puts it first in the recent
// files.
func (v *teachView) SaveTask(spec TaskSpec, path string) error {
	spec.Visual.Image = relativeTo(path, spec.Visual.Image)
	b, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(path, append(b, '\n')); err != nil {
		return err
	}
	v.recent.Add(path)
	return nil
}

func (v *teachView) saveAdapter() {
	if v.result == nil || v.result.Adapter == "" {
		return
	}
	name := v.form.name.Text + ".safetensors"
	v.chooseSave(name, func(path string) error { return v.SaveAdapter(path) })
}

// SaveAdapter copies the run's adapter to path atomically and adds it to
// the Generate tab's list.
func (v *teachView) SaveAdapter(path string) error {
	if err := copyFileAtomic(path, v.result.Adapter); err != nil {
		return err
	}
	v.generate.LoadAdapter(path)
	return nil
}

// useAdapter applies the run's adapter in the Generate tab, with the
// task's first prompt.
func (v *teachView) useAdapter() {
	if v.result == nil || v.result.Adapter == "" {
		return
	}
	if ps := v.form.Prompts(); len(ps) > 0 {
		v.generate.prompt.SetText(ps[0])
	}
	v.generate.LoadAdapter(v.result.Adapter)
	v.showTab()
}

// chooseSave asks for a file name and calls write with its path; the
// outcome goes to the status line.
func (v *teachView) chooseSave(name string, write func(path string) error) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		w.Close() // written again atomically below
		path := w.URI().Path()
		if err := write(path); err != nil {
			v.host.fail(err)
			return
		}
		v.host.say("Saved " + filepath.Base(path) + " in " + filepath.Dir(path))
	}, v.window)
	d.SetFileName(name)
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
}

// relativeTo is the path of a task's drawing as the task file at task
// should name it: relative to the file's folder, with forward slashes, so
// the folder can move with its drawing; as it was when that cannot be.
func relativeTo(task, drawing string) string {
	if drawing == "" || !filepath.IsAbs(drawing) {
		return drawing
	}
	dir, err := filepath.Abs(filepath.Dir(task))
	if err != nil {
		return drawing
	}
	rel, err := filepath.Rel(dir, drawing)
	if err != nil {
		return drawing
	}
	return filepath.ToSlash(rel)
}
