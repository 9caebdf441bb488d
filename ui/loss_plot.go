package ui

import (
	"fmt"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// plotSegments is the most line segments the plot draws; longer runs are
// averaged over runs of steps.
const plotSegments = 200

// lossPlot is a teaching run's live loss curve: the loss of every step as
// a line across the run's steps, scaled to the losses so far.
type lossPlot struct {
	widget.BaseWidget
	steps  int // the run's length: the width of the plot
	points []lossPoint
}

type lossPoint struct {
	step int
	loss float64
}

func newLossPlot() *lossPlot {
	p := &lossPlot{}
	p.ExtendBaseWidget(p)
	return p
}

// Reset empties the plot for a run of steps.
func (p *lossPlot) Reset(steps int) {
	p.steps, p.points = steps, nil
	p.Refresh()
}

// Add plots the loss of a step. A step already plotted (a preview repeats
// its step's numbers) and a loss that is not a finite number are left out.
func (p *lossPlot) Add(step int, loss float64) {
	if n := len(p.points); (n > 0 && step <= p.points[n-1].step) || math.IsNaN(loss) || math.IsInf(loss, 0) {
		return
	}
	p.points = append(p.points, lossPoint{step, loss})
	p.Refresh()
}

// shown is the points as drawn: each one, or for long runs the mean of
// consecutive runs of them.
func (p *lossPlot) shown() []lossPoint {
	n := len(p.points)
	if n <= plotSegments+1 {
		return p.points
	}
	out := make([]lossPoint, plotSegments+1)
	for i := range out {
		lo, hi := i*n/len(out), (i+1)*n/len(out)
		var step, loss float64
		for _, q := range p.points[lo:hi] {
			step += float64(q.step)
			loss += q.loss
		}
		out[i] = lossPoint{int(math.Round(step / float64(hi-lo))), loss / float64(hi-lo)}
	}
	return out
}

// lossSpan is the loss range of the y axis: the shown losses with a
// margin, which does not reach below zero when no loss does (a
// cross-entropy axis labelled -0.13 looks like a bug).
func lossSpan(pts []lossPoint) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, q := range pts {
		lo, hi = math.Min(lo, q.loss), math.Max(hi, q.loss)
	}
	pad := math.Max((hi-lo)*0.08, 1e-3)
	if lo >= 0 {
		return math.Max(0, lo-pad), hi + pad
	}
	return lo - pad, hi + pad
}

// line is the curve's corners in a plot of size sz: x across the run's
// steps, y from the highest loss at the top to the lowest at the bottom.
func (p *lossPlot) line(sz fyne.Size) []fyne.Position {
	pts := p.shown()
	if len(pts) == 0 {
		return nil
	}
	lo, hi := lossSpan(pts)
	steps := float32(max(p.steps, pts[len(pts)-1].step))
	out := make([]fyne.Position, len(pts))
	for i, q := range pts {
		out[i] = fyne.NewPos(sz.Width*float32(q.step)/steps, sz.Height*float32((hi-q.loss)/(hi-lo)))
	}
	return out
}

// MinSize is part of fyne.Widget.
func (p *lossPlot) MinSize() fyne.Size { return fyne.NewSize(240, 120) }

// CreateRenderer is part of fyne.Widget.
func (p *lossPlot) CreateRenderer() fyne.WidgetRenderer {
	r := &plotRenderer{p: p, back: canvas.NewRectangle(color.Transparent)}
	r.back.CornerRadius = theme.InputRadiusSize()
	for _, t := range []**canvas.Text{&r.title, &r.latest, &r.high, &r.low} {
		*t = canvas.NewText("", color.Transparent)
		(*t).TextSize = theme.CaptionTextSize()
	}
	r.latest.Alignment = fyne.TextAlignTrailing
	r.high.Alignment, r.low.Alignment = fyne.TextAlignTrailing, fyne.TextAlignTrailing
	return r
}

// plotRenderer lays out a title row ("loss", and the latest step on the
// right) over the curve, with the loss range in a gutter on its left.
type plotRenderer struct {
	p                        *lossPlot
	back                     *canvas.Rectangle
	lines                    []*canvas.Line
	title, latest, high, low *canvas.Text
	size                     fyne.Size
}

// plotPad is the gap around the texts and the curve.
const plotPad = 6

func (r *plotRenderer) Layout(sz fyne.Size) {
	r.size = sz
	r.back.Resize(sz)
	th := r.title.MinSize().Height
	r.title.Resize(r.title.MinSize())
	r.title.Move(fyne.NewPos(plotPad, plotPad/2))
	r.latest.Move(fyne.NewPos(plotPad, plotPad/2))
	r.latest.Resize(fyne.NewSize(sz.Width-2*plotPad, th))
	gutter := max(r.high.MinSize().Width, r.low.MinSize().Width) + 2*plotPad
	top := plotPad + th
	area := fyne.NewSize(sz.Width-gutter-plotPad, sz.Height-top-plotPad)
	for _, t := range []*canvas.Text{r.high, r.low} {
		t.Resize(fyne.NewSize(gutter-plotPad, th))
	}
	r.high.Move(fyne.NewPos(0, top))
	r.low.Move(fyne.NewPos(0, top+area.Height-th))

	pts := r.p.line(area)
	for len(r.lines) < len(pts)-1 {
		l := canvas.NewLine(color.Transparent)
		l.StrokeWidth = 2
		r.lines = append(r.lines, l)
	}
	r.lines = r.lines[:max(0, len(pts)-1)]
	at := fyne.NewPos(gutter, top)
	for i, l := range r.lines {
		l.Position1, l.Position2 = pts[i].Add(at), pts[i+1].Add(at)
	}
}

func (r *plotRenderer) MinSize() fyne.Size { return r.p.MinSize() }

func (r *plotRenderer) Refresh() {
	r.back.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.title.Text, r.latest.Text, r.high.Text, r.low.Text = "loss per step", "no steps yet", "", ""
	if pts := r.p.points; len(pts) > 0 {
		lo, hi := lossSpan(r.p.shown())
		last := pts[len(pts)-1]
		r.high.Text, r.low.Text = fmt.Sprintf("%.2f", hi), fmt.Sprintf("%.2f", lo)
		r.latest.Text = fmt.Sprintf("step %d of %d: %.3f", last.step, max(r.p.steps, last.step), last.loss)
	}
	r.title.Color, r.latest.Color = theme.Color(theme.ColorNameForeground), theme.Color(theme.ColorNameForeground)
	r.high.Color, r.low.Color = theme.Color(theme.ColorNamePlaceHolder), theme.Color(theme.ColorNamePlaceHolder)
	r.Layout(r.size)
	for _, l := range r.lines {
		l.StrokeColor = theme.Color(theme.ColorNamePrimary)
	}
	for _, o := range r.Objects() {
		o.Refresh()
	}
}

func (r *plotRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.back, r.title, r.latest, r.high, r.low}
	for _, l := range r.lines {
		objs = append(objs, l)
	}
	return objs
}

func (r *plotRenderer) Destroy() {}
