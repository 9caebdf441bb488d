package ui

import (
	"context"
	"fmt"
	"image"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dualprocess/training/world"
)

// generateView is the Generate tab: samples of the generator for a prompt
// and seeds, with any loaded adapters composed at their weights.
type generateView struct {
	*sampleView
	backend  Backend
	adapters *adapterList
	load     *widget.Button
	window   fyne.Window
	content  fyne.CanvasObject
}

func newGenerateView(b Backend, w fyne.Window, h host) *generateView {
	g := &generateView{backend: b, window: w}
	g.sampleView = newSampleView("Generator", g.drawWork, h)
	g.adapters = newAdapterList(g.Show)
	g.note = g.adapters.Describe
	g.load = widget.NewButtonWithIcon("Load adapter…", theme.FolderOpenIcon(), g.chooseAdapter)
	side := widget.NewCard("Adapters", "Checked adapters are applied together",
		container.NewBorder(nil, g.load, nil, nil, container.NewVScroll(g.adapters.box)))
	samples := widget.NewCard("Generator samples", "What the built-in generator draws, with the checked adapters", g.samples)
	split := container.NewHSplit(container.NewVScroll(samples), side)
	split.Offset = 0.7
	g.content = container.NewBorder(g.bar, nil, nil, nil, split)
	return g
}

// drawWork runs the generator with the adapters checked now.
func (g *generateView) drawWork(p world.Prompt, seeds []int64) func() ([]image.Image, error) {
	uses := g.adapters.Uses()
	return func() ([]image.Image, error) {
		return g.backend.Generate(context.Background(), p.String(), seeds, uses)
	}
}

func (g *generateView) chooseAdapter() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			g.host.fail(err)
			return
		}
		if r == nil {
			return // cancelled
		}
		r.Close()
		g.LoadAdapter(r.URI().Path())
	}, g.window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".safetensors"}))
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
}

// LoadAdapter reads an adapter file in the background and adds it to the
// list, checked; an error (an adapter for another generator, a damaged
// file) goes to the status line and the list stays as it was.
func (g *generateView) LoadAdapter(path string) {
	g.host.say("Loading adapter " + path + " …")
	var info AdapterInfo
	var err error
	g.host.background(func() { info, err = g.backend.LoadAdapter(path) }, func() {
		if err != nil {
			g.host.fail(fmt.Errorf("adapter not loaded: %w", err))
			return
		}
		g.host.say(fmt.Sprintf("Loaded adapter %s (%s)", info.Name, shortPath(path)))
		g.adapters.Add(info) // draws again: the last thing to do here
	})
}

// shortPath is the last two elements of a path.
func shortPath(p string) string {
	parts := strings.Split(p, "/")
	if len(parts) > 2 {
		return "…/" + strings.Join(parts[len(parts)-2:], "/")
	}
	return p
}
