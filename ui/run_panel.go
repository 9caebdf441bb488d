package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// previewSide is the on-screen side of the preview images (64 px at 2x).
const previewSide = 128

// runPanel shows a teaching run: Teach and Stop, the progress bar with the
// loss and the rater's probability, the live loss curve, the live preview
// (one seed without and with the adapter), and at the end the results. Rate
// (vanilla) shows instead the base generator's samples rated untaught.
type runPanel struct {
	teach, stop *widget.Button
	rate        *widget.Button
	bar         *widget.ProgressBar
	stats       *widget.Label
	loss        *lossPlot // hidden until a run starts
	base        *canvas.Image
	adapted     *canvas.Image
	caption     *widget.Label
	preview     fyne.CanvasObject // the images and their caption, hidden until the first preview
	results     *resultsView
	vanilla     *vanillaView
	object      fyne.CanvasObject
}

func newRunPanel(teach, stop, rate func(), results *resultsView) *runPanel {
	p := &runPanel{bar: widget.NewProgressBar(), stats: widget.NewLabel("Not started."), caption: widget.NewLabel(""),
		loss: newLossPlot(), base: pixelImage(previewSide), adapted: pixelImage(previewSide), results: results,
		vanilla: newVanillaView()}
	p.loss.Hide()
	p.teach = widget.NewButtonWithIcon("Teach", theme.MediaPlayIcon(), teach)
	p.teach.Importance = widget.HighImportance
	p.stop = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), stop)
	p.stop.Disable()
	p.rate = widget.NewButtonWithIcon("Rate (vanilla)", theme.QuestionIcon(), rate)
	p.stats.Wrapping = fyne.TextWrapWord
	p.caption.SizeName = theme.SizeNameCaptionText
	p.caption.Alignment = fyne.TextAlignCenter
	preview := container.NewHBox(captioned(p.base, "before (no adapter)"), captioned(p.adapted, "after (with the adapter)"))
	p.preview = container.NewVBox(container.NewCenter(preview), p.caption)
	p.preview.Hide()
	p.object = container.NewVBox(
		container.NewGridWithColumns(3, p.teach, p.stop, p.rate),
		p.bar, p.stats, p.loss, p.preview,
		results.object, p.vanilla.object,
	)
	return p
}

// captioned is an image over its caption.
func captioned(img *canvas.Image, caption string) fyne.CanvasObject {
	l := widget.NewLabel(caption)
	l.Alignment = fyne.TextAlignCenter
	l.SizeName = theme.SizeNameCaptionText
	return container.NewVBox(img, l)
}

// pixelImage is an empty image shown side x side, scaled pixel by pixel.
func pixelImage(side float32) *canvas.Image {
	img := canvas.NewImageFromImage(nil)
	img.ScaleMode = canvas.ImageScalePixels
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(side))
	return img
}

// Start resets the panel for a run of steps.
func (p *runPanel) Start(steps int) {
	p.stop.Enable()
	p.bar.Max, p.bar.Value = float64(steps), 0
	p.bar.Refresh()
	p.stats.SetText(fmt.Sprintf("Starting: %d steps …", steps))
	p.loss.Reset(steps)
	p.loss.Show()
	p.preview.Hide()
	p.results.Clear()
	p.vanilla.Clear()
}

// StartRating resets the panel for rating seeds base samples on questions.
func (p *runPanel) StartRating(seeds, questions int) {
	p.stop.Enable()
	p.bar.Max, p.bar.Value = 1, 0
	p.bar.Refresh()
	p.stats.SetText(fmt.Sprintf("Rating the base generator's samples, untaught: %d seeds, %d questions each …", seeds, questions))
	p.loss.Hide()
	p.preview.Hide()
	p.results.Clear()
	p.vanilla.Clear()
}

// FinishRating ends a rating.
func (p *runPanel) FinishRating(err error) {
	p.stop.Disable()
	switch {
	case errors.Is(err, context.Canceled):
		p.stats.SetText("Rating stopped.")
	case err != nil:
		p.stats.SetText("Rating failed: " + err.Error())
	default:
		p.bar.SetValue(p.bar.Max)
		p.stats.SetText("Rated the base samples (no training).")
	}
}

// keptText says where a run's outputs are, and for how long.
func keptText(dir string) string {
	return "Its outputs are in " + dir + " until the window closes; Save adapter… keeps the adapter."
}

// Progress shows a step, and the preview when it has one.
func (p *runPanel) Progress(pr Progress) {
	p.bar.Max = float64(pr.Steps)
	p.bar.SetValue(float64(pr.Step))
	p.stats.SetText(fmt.Sprintf("step %d of %d · loss %.3f · rater p %.2f · %.1f steps/s · %s left",
		pr.Step, pr.Steps, pr.Loss, pr.Prob, pr.StepsPerSec, pr.ETA.Round(time.Second)))
	p.loss.Add(pr.Step, pr.Loss)
	if pr.Base != nil && pr.Adapted != nil {
		p.base.Image, p.adapted.Image = pr.Base, pr.Adapted
		p.base.Refresh()
		p.adapted.Refresh()
		p.caption.SetText(fmt.Sprintf("first evaluation seed, at step %d", pr.Step))
		p.preview.Show()
	}
}

// Stopping says that Stop was pressed.
func (p *runPanel) Stopping() {
	p.stop.Disable()
	p.stats.SetText(p.stats.Text + "\nStopping: evaluating the adapter so far …")
}

// Finish ends a run: Stop is off again and the stats say how it ended.
func (p *runPanel) Finish(res *Result, err error) {
	p.stop.Disable()
	switch {
	case res == nil && err != nil:
		p.stats.SetText("Failed: " + err.Error())
	case res != nil && res.Stopped:
		p.stats.SetText(fmt.Sprintf("Stopped after %d of %d steps. %s", res.StepsDone, res.Steps, keptText(res.Dir)))
	case res != nil:
		p.bar.SetValue(p.bar.Max)
		p.stats.SetText(fmt.Sprintf("Done: %d steps. %s", res.StepsDone, keptText(res.Dir)))
	}
}
