// Package ui is the Fyne desktop interface of Dual-Process Studio.
package ui

import (
	"context"
	"fmt"
	"image"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dualprocess/assets"
	_ "dualprocess/locale" // before Fyne reads the locale
	"dualprocess/training/world"
)

// Identity of the application; FyneApp.toml carries the same values.
const (
	AppID = "studio.dualprocess.app"
	Title = "Dual-Process Studio"
)

// DefaultPrompt is the prompt the window opens with.
const DefaultPrompt = "mountains at sunset with trees, outlined"

// Grid of procedural-world samples: how many and in how many columns.
const (
	sampleCount = 8
	sampleCols  = 4
)

// Icon is the application icon.
var Icon = fyne.NewStaticResource("icon.png", assets.Icon)

// Run opens the Studio window and returns when it is closed or ctx is
// cancelled.
func Run(ctx context.Context) {
	a := app.NewWithID(AppID)
	a.SetIcon(Icon)
	stop := context.AfterFunc(ctx, func() { fyne.Do(a.Quit) })
	defer stop()
	s := NewStudio(a)
	s.Show()
	s.Window.ShowAndRun()
}

// Studio is the main window: a prompt and seed, and samples of the
// procedural world for them.
type Studio struct {
	Window  fyne.Window
	prompt  *widget.Entry
	seed    *widget.Entry
	show    *widget.Button
	samples *Samples
	status  *widget.Label

	pending int    // number of the latest Show; older results are dropped
	shown   func() // called on the UI thread when a Show has finished (tests)
}

// NewStudio builds the main window of a; call Show to fill it.
func NewStudio(a fyne.App) *Studio {
	s := &Studio{
		Window:  a.NewWindow(Title),
		prompt:  widget.NewEntry(),
		seed:    widget.NewEntry(),
		samples: NewSamples(sampleCount, sampleCols),
		status:  widget.NewLabel(""),
	}
	s.prompt.SetText(DefaultPrompt)
	s.prompt.SetPlaceHolder("describe a scene, e.g. " + DefaultPrompt)
	s.prompt.OnSubmitted = func(string) { s.Show() }
	s.seed.SetText("0")
	s.seed.OnSubmitted = func(string) { s.Show() }
	s.show = widget.NewButtonWithIcon("Show", theme.MediaPlayIcon(), s.Show)
	s.show.Importance = widget.HighImportance
	prev := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { s.step(-sampleCount) })
	next := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { s.step(sampleCount) })
	s.status.Wrapping = fyne.TextWrapWord

	seedBox := container.NewGridWrap(fyne.NewSize(90, s.seed.MinSize().Height), s.seed)
	controls := container.NewHBox(widget.NewLabel("Seed"), prev, seedBox, next, s.show)
	bar := container.NewBorder(nil, nil, widget.NewLabel("Prompt"), controls, s.prompt)
	card := widget.NewCard("Procedural world",
		"What the prompt means: the scenes the built-in models learn from", s.samples)
	s.Window.SetContent(container.NewBorder(bar, s.status, nil, nil, card))
	s.Window.Resize(fyne.NewSize(900, 640))
	s.Window.SetIcon(Icon)
	return s
}

// step moves the first seed by delta and shows the samples.
func (s *Studio) step(delta int64) {
	seed, err := s.firstSeed()
	if err != nil {
		s.fail(err)
		return
	}
	s.seed.SetText(strconv.FormatInt(seed+delta, 10))
	s.Show()
}

// Show renders the samples for the current prompt and seed in the
// background and puts them in the grid; a bad prompt or seed is reported in
// the status line.
func (s *Studio) Show() {
	p, err := world.ParsePrompt(s.prompt.Text)
	if err != nil {
		s.fail(err)
		return
	}
	seed, err := s.firstSeed()
	if err != nil {
		s.fail(err)
		return
	}
	s.pending++
	id := s.pending
	s.say("Rendering " + p.String() + " …")
	go func() {
		imgs := make([]image.Image, s.samples.Len())
		for i := range imgs {
			imgs[i] = world.Render(world.Sample(p, world.Noise(seed+int64(i)))).Image
		}
		fyne.Do(func() {
			if id != s.pending {
				return
			}
			s.samples.Set(imgs, seed)
			s.say(fmt.Sprintf("%s · seeds %d–%d", p, seed, seed+int64(len(imgs))-1))
			if s.shown != nil {
				s.shown()
			}
		})
	}()
}

func (s *Studio) firstSeed() (int64, error) {
	seed, err := strconv.ParseInt(strings.TrimSpace(s.seed.Text), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("seed %q is not a whole number", s.seed.Text)
	}
	return seed, nil
}

func (s *Studio) say(msg string) {
	s.status.Importance = widget.MediumImportance
	s.status.SetText(msg)
}

func (s *Studio) fail(err error) {
	s.status.Importance = widget.DangerImportance
	s.status.SetText(err.Error())
}
