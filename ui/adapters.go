package ui

import (
	"fmt"
	"math"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// adapterList is the loaded adapters, each with a checkbox that applies it
// and a weight slider (0 to 2, or to its train weight when higher); the
// checked ones are composed.
type adapterList struct {
	rows     []*adapterRow
	box      *fyne.Container
	empty    *widget.Label
	onChange func() // a checkbox, a weight or the list changed
}

type adapterRow struct {
	info   AdapterInfo
	use    *widget.Check
	weight *widget.Slider
	value  *widget.Label
	object fyne.CanvasObject
}

func newAdapterList(onChange func()) *adapterList {
	l := &adapterList{box: container.NewVBox(), onChange: onChange,
		empty: widget.NewLabel("No adapters yet. Teach one in the Teach tab, or load an adapter file.")}
	l.empty.Wrapping = fyne.TextWrapWord
	l.empty.Importance = widget.LowImportance
	l.box.Add(l.empty)
	return l
}

// Add puts an adapter in the list, checked, at its train weight (1 when
// unknown); an adapter already listed gets the new information and is
// checked, keeping its weight.
func (l *adapterList) Add(info AdapterInfo) {
	for _, r := range l.rows {
		if r.info.Path == info.Path {
			r.info = info
			r.use.SetText(info.Name)
			r.use.SetChecked(true)
			return
		}
	}
	r := &adapterRow{info: info, value: widget.NewLabel("")}
	r.use = widget.NewCheck(info.Name, func(bool) { l.changed() })
	r.use.Checked = true
	hi := math.Max(2, info.TrainWeight)
	r.weight = widget.NewSlider(0, hi)
	r.weight.Step = 0.05
	r.weight.Value = 1
	if info.TrainWeight > 0 {
		r.weight.Value = info.TrainWeight
	}
	r.value.SetText(fmt.Sprintf("%.2f", r.weight.Value))
	r.weight.OnChanged = func(w float64) { r.value.SetText(fmt.Sprintf("%.2f", w)) }
	r.weight.OnChangeEnded = func(float64) { l.changed() }
	remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { l.remove(r) })
	remove.Importance = widget.LowImportance
	about := widget.NewLabel(adapterAbout(info))
	about.Wrapping = fyne.TextWrapWord
	about.SizeName = theme.SizeNameCaptionText
	r.object = container.NewVBox(
		container.NewBorder(nil, nil, nil, remove, r.use),
		container.NewBorder(nil, nil, widget.NewLabel("weight"), r.value, r.weight),
		about, widget.NewSeparator())
	l.rows = append(l.rows, r)
	l.box.Remove(l.empty)
	l.box.Add(r.object)
	l.changed()
}

// adapterAbout is one line on what an adapter was taught.
func adapterAbout(info AdapterInfo) string {
	s := info.Description
	if info.TrainWeight > 0 {
		s += fmt.Sprintf(" Taught at weight %g.", info.TrainWeight)
	}
	return s + "\n" + info.Path
}

func (l *adapterList) remove(r *adapterRow) {
	for i, x := range l.rows {
		if x == r {
			l.rows = append(l.rows[:i], l.rows[i+1:]...)
		}
	}
	l.box.Remove(r.object)
	if len(l.rows) == 0 {
		l.box.Add(l.empty)
	}
	l.changed()
}

// Uses lists the checked adapters with their weights.
func (l *adapterList) Uses() []AdapterUse {
	var uses []AdapterUse
	for _, r := range l.rows {
		if r.use.Checked {
			w := math.Round(r.weight.Value*100) / 100 // the slider's steps add float noise
			uses = append(uses, AdapterUse{Path: r.info.Path, Weight: w})
		}
	}
	return uses
}

// Describe names the checked adapters and their weights for the status
// line: " · with a at 1.00, b at 0.50", or "".
func (l *adapterList) Describe() string {
	var parts []string
	for _, r := range l.rows {
		if r.use.Checked {
			parts = append(parts, fmt.Sprintf("%s at %.2f", r.info.Name, r.weight.Value))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " · with " + strings.Join(parts, ", ")
}

func (l *adapterList) changed() {
	if l.onChange != nil {
		l.onChange()
	}
}
