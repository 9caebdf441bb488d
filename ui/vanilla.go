package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// vanillaView shows the base generator's samples for the task rated without
// teaching (the vanilla mode): how many the judge passed, the rater's
// probability of each question's desired answer over the seeds, and every
// evaluation seed with its verdict and per-question probabilities.
type vanillaView struct {
	summary   *widget.Label
	questions *widget.Label
	grid      *fyne.Container
	object    fyne.CanvasObject
	rating    *BaseRating
}

func newVanillaView() *vanillaView {
	v := &vanillaView{summary: widget.NewLabel(""), questions: widget.NewLabel(""),
		grid: container.NewGridWrap(fyne.NewSize(resultSide+24, resultSide+96))}
	v.summary.Wrapping, v.questions.Wrapping = fyne.TextWrapWord, fyne.TextWrapWord
	v.object = container.NewVBox(widget.NewSeparator(), v.summary, v.questions, v.grid)
	v.Clear()
	return v
}

// Clear hides the rating.
func (v *vanillaView) Clear() {
	v.rating = nil
	v.grid.RemoveAll()
	v.object.Hide()
}

// Set shows a rating; judged says what the judge checked.
func (v *vanillaView) Set(r *BaseRating, judged string) {
	v.rating = r
	s := r.Summary
	v.summary.SetText(fmt.Sprintf("Base generator, untaught (vanilla): the judge passed %d of %d seeds (%.0f%%); "+
		"rater probability %.2f. Judge: %s.", s.Passed, s.Of, 100*float64(s.Passed)/float64(max(1, s.Of)), s.RaterProb, judged))
	var lines []string
	for q, qa := range r.Questions {
		mean, lo, hi := questionStats(r.Seeds, q)
		lines = append(lines, fmt.Sprintf("Q%d %s (%s): p %.2f on average, %.2f to %.2f", q+1, qa.Question, qa.Answer, mean, lo, hi))
	}
	v.questions.SetText(strings.Join(lines, "\n"))
	v.grid.RemoveAll()
	for _, seed := range r.Seeds {
		v.grid.Add(v.cell(seed))
	}
	v.object.Show()
}

// questionStats is the mean, lowest and highest probability of question q's
// answer over the seeds.
func questionStats(seeds []BaseSeed, q int) (mean, lo, hi float64) {
	lo, hi = 1, 0
	for _, s := range seeds {
		p := s.Probs[q]
		mean += p / float64(len(seeds))
		lo, hi = min(lo, p), max(hi, p)
	}
	return mean, lo, hi
}

// cell is one seed: its image, the judge's verdict with the rater's mean
// probability, and each question's probability.
func (v *vanillaView) cell(s BaseSeed) fyne.CanvasObject {
	title := caption(fmt.Sprintf("seed %d · %s", s.Seed, s.Prompt))
	title.Truncation = fyne.TextTruncateEllipsis
	img := pixelImage(resultSide)
	img.Image = s.Image
	verdict := caption(verdictText(s.Rated))
	verdict.Importance = widget.DangerImportance
	if s.Pass() {
		verdict.Importance = widget.SuccessImportance
	}
	var probs []string
	for q, p := range s.Probs {
		probs = append(probs, fmt.Sprintf("Q%d %.2f", q+1, p))
	}
	each := caption(strings.Join(probs, " · "))
	each.Wrapping = fyne.TextWrapWord
	return container.NewVBox(title, container.NewCenter(img), verdict, each)
}

// caption is a small centred label.
func caption(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.SizeName = theme.SizeNameCaptionText
	l.Alignment = fyne.TextAlignCenter
	return l
}

// Rate scores the base generator's samples for the task without teaching,
// in the background; Stop cancels it. While a run or a rating goes it is
// refused.
func (v *teachView) Rate() {
	if v.refuseBusy() {
		return
	}
	spec, err := v.Spec()
	if err != nil {
		v.host.fail(err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	v.cancel, v.job = cancel, jobRate
	v.run.StartRating(len(spec.Train.EvalSeeds), len(spec.Questions))
	v.host.say(fmt.Sprintf("Rating the base generator's samples for %s …", spec.Name))
	v.runs.Add(1)
	go func() {
		defer v.runs.Done()
		r, err := v.backend.RateBase(ctx, spec)
		if !v.dirs.Closed() {
			fyne.Do(func() { v.rated(spec, r, err) })
		}
	}()
}

func (v *teachView) rated(spec TaskSpec, r *BaseRating, err error) {
	v.cancel()
	v.cancel, v.job = nil, ""
	v.run.FinishRating(err)
	switch {
	case errors.Is(err, context.Canceled):
		v.host.say("Stopped rating " + spec.Name + ".")
	case err != nil:
		v.host.fail(fmt.Errorf("rating %s failed: %w", spec.Name, err))
	default:
		v.run.vanilla.Set(r, describeTarget(spec.Judge))
		s := r.Summary
		v.host.say(fmt.Sprintf("Rated %s without teaching: the judge passed %d of %d seeds; rater probability %.2f.",
			spec.Name, s.Passed, s.Of, s.RaterProb))
	}
	if v.finished != nil {
		v.finished()
	}
}
