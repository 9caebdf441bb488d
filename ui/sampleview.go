package ui

import (
	"fmt"
	"image"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dualprocess/training/world"
)

// Grid of samples: how many and in how many columns.
const (
	sampleCount = 8
	sampleCols  = 4
)

// drawFunc is called on the UI thread with a parsed prompt and seeds, and
// returns the work that draws their images in the background.
type drawFunc func(p world.Prompt, seeds []int64) func() ([]image.Image, error)

// sampleView is a prompt, a first seed (the arrows step by 8), a Show
// button and a grid of 8 samples drawn in the background. The World and
// Generate tabs are each one, with different drawing functions.
type sampleView struct {
	prompt  *widget.Entry
	seed    *widget.Entry
	show    *widget.Button
	samples *Samples
	bar     fyne.CanvasObject // prompt, seed and Show in one row

	draw drawFunc
	host host
	what string        // what is drawn, for the status line ("World", "Generator")
	note func() string // more for the status line after a Show, or nil

	pending int // number of the latest Show; older results are dropped
}

func newSampleView(what string, draw drawFunc, h host) *sampleView {
	v := &sampleView{prompt: widget.NewEntry(), seed: widget.NewEntry(), samples: NewSamples(sampleCount, sampleCols),
		draw: draw, host: h, what: what}
	v.prompt.SetText(DefaultPrompt)
	v.prompt.SetPlaceHolder("describe a scene, e.g. " + DefaultPrompt)
	v.prompt.OnSubmitted = func(string) { v.Show() }
	v.seed.SetText("0")
	v.seed.OnSubmitted = func(string) { v.Show() }
	v.show = widget.NewButtonWithIcon("Show", theme.MediaPlayIcon(), v.Show)
	v.show.Importance = widget.HighImportance
	prev := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { v.step(-sampleCount) })
	next := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { v.step(sampleCount) })
	seedBox := container.NewGridWrap(fyne.NewSize(90, v.seed.MinSize().Height), v.seed)
	controls := container.NewHBox(widget.NewLabel("Seed"), prev, seedBox, next, v.show)
	v.bar = container.NewBorder(nil, nil, widget.NewLabel("Prompt"), controls, v.prompt)
	return v
}

// step moves the first seed by delta and shows the samples.
func (v *sampleView) step(delta int64) {
	seed, err := v.firstSeed()
	if err != nil {
		v.host.fail(err)
		return
	}
	v.seed.SetText(strconv.FormatInt(seed+delta, 10))
	v.Show()
}

// Show draws the samples for the current prompt and seed in the background
// and puts them in the grid; a bad prompt or seed, or a failed drawing, is
// reported in the status line and the grid keeps its images.
func (v *sampleView) Show() {
	p, err := world.ParsePrompt(v.prompt.Text)
	if err != nil {
		v.host.fail(err)
		return
	}
	first, err := v.firstSeed()
	if err != nil {
		v.host.fail(err)
		return
	}
	seeds := make([]int64, v.samples.Len())
	for i := range seeds {
		seeds[i] = first + int64(i)
	}
	v.pending++
	id := v.pending
	drawing := fmt.Sprintf("%s: drawing %s …", v.what, p)
	v.host.say(drawing)
	note := ""
	if v.note != nil {
		note = v.note()
	}
	work := v.draw(p, seeds)
	var imgs []image.Image
	v.host.background(func() { imgs, err = work() }, func() {
		switch {
		case id != v.pending: // a newer Show is on its way
		case err != nil:
			v.host.fail(fmt.Errorf("%s: %w", v.what, err))
		default:
			v.samples.Set(imgs, first)
			v.host.follow(drawing, fmt.Sprintf("%s: %s · seeds %d–%d%s", v.what, p, first, seeds[len(seeds)-1], note))
		}
	})
}

func (v *sampleView) firstSeed() (int64, error) {
	seed, err := strconv.ParseInt(strings.TrimSpace(v.seed.Text), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("seed %q is not a whole number", v.seed.Text)
	}
	return seed, nil
}

// worldDraw renders the procedural world: what the prompt means.
func worldDraw(p world.Prompt, seeds []int64) func() ([]image.Image, error) {
	return func() ([]image.Image, error) {
		imgs := make([]image.Image, len(seeds))
		for i, seed := range seeds {
			imgs[i] = world.Render(world.Sample(p, world.Noise(seed))).Image
		}
		return imgs, nil
	}
}
