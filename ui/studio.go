// Package ui is the Fyne desktop interface of Dual-Process Studio. It sees
// the models only through the Backend interface (app/gui_backend.go).
package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dualprocess/assets"
	_ "dualprocess/locale" // before Fyne reads the locale
)

// Identity of the application; FyneApp.toml carries the same values.
const (
	AppID = "studio.dualprocess.app"
	Title = "Dual-Process Studio"
)

// DefaultPrompt is the prompt the window opens with.
const DefaultPrompt = "mountains at sunset with trees, outlined"

// Icon is the application icon.
var Icon = fyne.NewStaticResource("icon.png", assets.Icon)

// Run opens the Studio window on b and returns when it is closed or ctx is
// cancelled. A task (a file or a built-in task's name; "" for none) opens
// in the Teach tab.
func Run(ctx context.Context, b Backend, task string) {
	a := app.NewWithID(AppID)
	a.SetIcon(Icon)
	stop := context.AfterFunc(ctx, func() { fyne.Do(a.Quit) })
	defer stop()
	s := NewStudio(a, b)
	s.generate.Show()
	if task != "" {
		s.OpenTask(task)
	}
	s.Window.ShowAndRun()
	s.Close()
}

// Studio is the main window: the Generate, Teach and World tabs over a
// status line.
type Studio struct {
	Window   fyne.Window
	tabs     *container.AppTabs
	genTab   *container.TabItem
	teachTab *container.TabItem
	menu     *fyne.MainMenu
	generate *generateView
	teach    *teachView
	world    *sampleView
	status   *widget.Label
	jobs     sync.WaitGroup // background work whose result is not shown yet
}

// host is what the tabs need from the window: the status line, and work
// in the background whose result is shown on the UI thread.
type host interface {
	say(msg string)
	// follow shows msg in place of prev, unless another message has
	// replaced prev in the meantime (work that finishes in the background
	// does not hide what the user did since it began).
	follow(prev, msg string)
	fail(err error)
	background(work, show func())
}

// NewStudio builds the main window of a on b.
func NewStudio(a fyne.App, b Backend) *Studio {
	s := &Studio{Window: a.NewWindow(Title), status: widget.NewLabel("")}
	s.status.Wrapping = fyne.TextWrapWord
	s.generate = newGenerateView(b, s.Window, s)
	s.world = newSampleView("World", worldDraw, s)
	worldCard := widget.NewCard("Procedural world",
		"What the prompt means: the scenes the built-in models learn from", s.world.samples)
	s.genTab = container.NewTabItemWithIcon("Generate", theme.MediaPhotoIcon(), s.generate.content)
	s.tabs = container.NewAppTabs(s.genTab)
	s.teach = newTeachView(b, s.Window, a.Preferences(), s, s.generate, func() { s.tabs.Select(s.genTab) })
	s.teachTab = container.NewTabItemWithIcon("Teach", theme.ColorPaletteIcon(), s.teach.content)
	s.tabs.Append(s.teachTab)
	s.tabs.Append(container.NewTabItemWithIcon("World", theme.GridIcon(),
		container.NewBorder(s.world.bar, nil, nil, nil, container.NewVScroll(worldCard))))
	s.tabs.OnSelected = func(t *container.TabItem) {
		if t.Text == "World" && s.world.samples.Image(0) == nil {
			s.world.Show()
		}
	}
	s.setMenu()
	s.Window.SetOnDropped(s.drop)
	s.Window.SetContent(container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), s.status), nil, nil, s.tabs))
	s.Window.Resize(fyne.NewSize(1280, 800))
	s.Window.SetIcon(Icon)
	return s
}

// OpenTask shows the Teach tab with a task file (which joins the recent
// files) or a built-in task in it.
func (s *Studio) OpenTask(task string) {
	s.tabs.Select(s.teachTab)
	if name := strings.TrimSuffix(task, ".json"); slices.Contains(s.teach.backend.Tasks(), name) {
		if _, err := os.Stat(task); err != nil { // not a file of that name here: the built-in task
			s.teach.choose.SetSelected(name)
			return
		}
	}
	if abs, err := filepath.Abs(task); err == nil {
		task = abs
	}
	s.teach.OpenTask(task)
}

// drop opens what is dropped on the window: task files (.json) in the
// Teach tab, adapters (.safetensors) in the Generate tab; anything else is
// refused by name in the status line.
func (s *Studio) drop(_ fyne.Position, items []fyne.URI) {
	for _, u := range items {
		switch strings.ToLower(u.Extension()) {
		case ".json":
			s.OpenTask(u.Path())
		case ".safetensors":
			s.tabs.Select(s.genTab)
			s.generate.LoadAdapter(u.Path())
		default:
			s.fail(fmt.Errorf("%s: drop task files (.json) to open them, or adapters (.safetensors) to apply them", u.Name()))
		}
	}
}

// Close stops a teaching run and removes the run folders.
func (s *Studio) Close() { s.teach.Close() }

// background runs work on a goroutine, then show on the UI thread.
func (s *Studio) background(work, show func()) {
	s.jobs.Add(1)
	go func() {
		work()
		fyne.Do(func() {
			defer s.jobs.Done()
			show()
		})
	}()
}

// say shows a message in the status line.
func (s *Studio) say(msg string) {
	s.status.Importance = widget.MediumImportance
	s.status.SetText(msg)
}

func (s *Studio) follow(prev, msg string) {
	if s.status.Text == prev {
		s.say(msg)
	}
}

// fail shows an error in the status line.
func (s *Studio) fail(err error) {
	s.status.Importance = widget.DangerImportance
	s.status.SetText(err.Error())
}
