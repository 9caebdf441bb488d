package ui

import (
	"fmt"
	"image"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dualprocess/training/visual"
)

// resultSide is the on-screen side of an evaluation image (64 px at 1.5x).
const resultSide = 96

// resultsView is a finished run: the judge's and the rater's success before
// and after, Save adapter… and Use in Generate, and the before/after grid
// of the evaluation seeds with the judge's verdict under every image.
type resultsView struct {
	summary    *widget.Label
	save       *widget.Button
	use        *widget.Button
	showPrompt *widget.Check
	grid       *fyne.Container
	object     fyne.CanvasObject

	result  *Result
	overlay *visual.Overlay // the run's visual prompt, or nil
}

func newResultsView(save, use func()) *resultsView {
	r := &resultsView{summary: widget.NewLabel(""), grid: container.NewGridWrap(fyne.NewSize(2*resultSide+12, resultSide+70))}
	r.summary.Wrapping = fyne.TextWrapWord
	r.save = widget.NewButtonWithIcon("Save adapter…", theme.DocumentSaveIcon(), save)
	r.save.Importance = widget.HighImportance
	r.use = widget.NewButtonWithIcon("Use in Generate", theme.MediaPlayIcon(), use)
	r.showPrompt = widget.NewCheck("Show the visual prompt", func(bool) { r.fill() })
	r.object = container.NewVBox(widget.NewSeparator(), r.summary,
		container.NewGridWithColumns(2, r.save, r.use), r.showPrompt, r.grid)
	r.Clear()
	return r
}

// Clear hides the results.
func (r *resultsView) Clear() {
	r.result, r.overlay = nil, nil
	r.object.Hide()
}

// Set shows a run's results: judged says what the judge checked, ov is the
// visual prompt (nil: none).
func (r *resultsView) Set(res *Result, judged string, ov *visual.Overlay) {
	r.result, r.overlay = res, ov
	r.summary.SetText("Judge: " + judged + ".\n" + summaryText(res) + "\nEach seed: before (left), after (right).")
	if res.After == nil || res.Adapter == "" {
		r.save.Disable()
		r.use.Disable()
	} else {
		r.save.Enable()
		r.use.Enable()
	}
	if ov == nil {
		r.showPrompt.Hide()
	} else {
		r.showPrompt.Show()
	}
	r.fill()
	r.object.Show()
}

// summaryText says how the judge and the rater saw the seeds before and after.
func summaryText(res *Result) string {
	b := res.Before
	pct := func(s Summary) float64 { return 100 * float64(s.Passed) / float64(max(1, s.Of)) }
	if a := res.After; a != nil {
		return fmt.Sprintf("Judge passed %d of %d seeds before (%.0f%%), %d after (%.0f%%). Rater probability %.2f before, %.2f after; "+
			"after, the rater passes %d seeds, of which the judge fails %d. "+
			"The images changed by %.3f on average (0..1): a local edit moves them a few hundredths, "+
			"a new colour over the whole image (sky, palette) 0.18-0.26, scenes collapsed into smears near 0.4 or more (look at the grid).",
			b.Passed, b.Of, pct(b), a.Passed, pct(*a), b.RaterProb, a.RaterProb, a.RaterPassed, a.RaterFooled, a.MeanChange)
	}
	return fmt.Sprintf("Judge passed %d of %d seeds (%.0f%%); rater probability %.2f. No adapter to compare.",
		b.Passed, b.Of, pct(b), b.RaterProb)
}

// shortSummary is summaryText in one short line, for the status line (the
// results panel shows the whole).
func shortSummary(res *Result) string {
	b, a := res.Before, res.After
	if a == nil {
		return fmt.Sprintf("the judge passes %d of %d seeds.", b.Passed, b.Of)
	}
	return fmt.Sprintf("the judge passes %d of %d seeds (%d before); the rater was fooled on %d.", a.Passed, a.Of, b.Passed, a.RaterFooled)
}

// fill lays out one cell per evaluation seed: before and after, each with
// the judge's verdict and the rater's probability.
func (r *resultsView) fill() {
	r.grid.RemoveAll()
	if r.result == nil {
		return
	}
	for _, s := range r.result.Seeds {
		title := widget.NewLabel(fmt.Sprintf("seed %d · %s", s.Seed, s.Prompt))
		title.SizeName = theme.SizeNameCaptionText
		title.Truncation = fyne.TextTruncateEllipsis
		r.grid.Add(container.NewVBox(title, container.NewGridWithColumns(2, r.rated(s.Before), r.rated(s.After))))
	}
	r.grid.Refresh()
}

// rated is one image with its verdict under it, green when the judge
// passes it and red when not.
func (r *resultsView) rated(x Rated) fyne.CanvasObject {
	img := pixelImage(resultSide)
	img.Image = x.Image
	if x.Image != nil && r.overlay != nil && r.showPrompt.Checked {
		if o, err := r.overlay.Apply(x.Image); err == nil {
			img.Image = o
		}
	}
	verdict := widget.NewLabel(verdictText(x))
	verdict.SizeName = theme.SizeNameCaptionText
	verdict.Alignment = fyne.TextAlignCenter
	verdict.Importance = widget.DangerImportance
	if x.Pass() {
		verdict.Importance = widget.SuccessImportance
	}
	if x.Image == nil {
		verdict.Importance = widget.LowImportance
	}
	return container.NewVBox(img, verdict)
}

// verdictText is "pass 1.2 px · p 0.81": the verdict, the judge's error
// and the rater's probability.
func verdictText(x Rated) string {
	v := x.Judge.Verdict
	if x.Image == nil && v == nil {
		return "—"
	}
	if v == nil {
		return fmt.Sprintf("no verdict · p %.2f", x.RaterProb)
	}
	word := "fail"
	if v.Pass {
		word = "pass"
	}
	var measured string
	switch {
	case x.Judge.Kind == "depth":
		measured = fmt.Sprintf("A−B %.2f", v.Error)
	case x.Judge.Kind == "tree":
		measured = fmt.Sprintf("tree %.2f", x.Judge.TreeCover)
	case v.Error < 0:
		measured = "not found"
	case strings.HasPrefix(v.Units, "px"):
		measured = fmt.Sprintf("%.1f px", v.Error)
	case strings.Contains(v.Units, "delta E"):
		measured = fmt.Sprintf("ΔE %.0f", v.Error)
	default:
		measured = fmt.Sprintf("%.2f", v.Error)
	}
	return fmt.Sprintf("%s %s · p %.2f", word, measured, x.RaterProb)
}

// Images lists the shown images (tests).
func (r *resultsView) Images() []image.Image {
	var out []image.Image
	if r.result != nil {
		for _, s := range r.result.Seeds {
			out = append(out, s.Before.Image, s.After.Image)
		}
	}
	return out
}
