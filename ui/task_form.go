package ui

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"dualprocess/training/world"
)

// taskForm is the text of a teaching task: its name, the generator's
// prompts, the questions with the answers wanted, and the training steps,
// learning rate, preservation weight ("Keep the image"), the rater's
// temperature in the loss and whether the adapter adapts the noise alone.
// Fields it does not show keep their loaded values.
type taskForm struct {
	name        *widget.Entry
	description *widget.Entry
	prompts     *widget.Entry
	questions   *questionRows
	steps       *widget.Entry
	rate        *widget.Entry
	preserve    *widget.Entry // weight that keeps the adapted image near the base image
	temperature *widget.Entry // divides the rater's logits in the loss
	noise       *widget.Check // adapt the generator's noise alone (targets "noise")
	object      fyne.CanvasObject

	loaded TaskSpec
}

func newTaskForm(answers []string) *taskForm {
	f := &taskForm{name: widget.NewEntry(), description: widget.NewMultiLineEntry(), prompts: widget.NewMultiLineEntry(),
		questions: newQuestionRows(answers), steps: widget.NewEntry(), rate: widget.NewEntry(), preserve: widget.NewEntry(),
		temperature: widget.NewEntry(), noise: widget.NewCheck("the noise alone (layout)", nil)}
	f.temperature.SetPlaceHolder("default (palette 3, horizon 3, depth 2, else 1)")
	f.preserve.SetPlaceHolder("default (2; sky 1, palette 0.5); 0: off")
	f.rate.SetPlaceHolder(ratePlaceHolder)
	f.noise.OnChanged = func(on bool) { // the noise alone has its own default
		if on {
			f.rate.SetPlaceHolder("default for the noise (3e-2)")
		} else {
			f.rate.SetPlaceHolder(ratePlaceHolder)
		}
	}
	f.name.SetPlaceHolder("a name for the task, e.g. horizon-low")
	f.description.SetPlaceHolder("what it teaches (optional)")
	f.description.Wrapping = fyne.TextWrapWord
	f.description.SetMinRowsVisible(2)
	f.prompts.SetPlaceHolder("one prompt per line, e.g.\nmountains at noon\nlake at dawn with trees")
	f.prompts.SetMinRowsVisible(3)
	f.prompts.Wrapping = fyne.TextWrapOff
	training := container.New(layout.NewFormLayout(),
		widget.NewLabel("Steps"), f.steps, widget.NewLabel("Learning rate"), f.rate,
		widget.NewLabel("Keep the image"), f.preserve, widget.NewLabel("Temperature"), f.temperature,
		widget.NewLabel("Adapt"), f.noise)
	f.object = container.NewVBox(
		container.New(layout.NewFormLayout(), widget.NewLabel("Name"), f.name, widget.NewLabel("About"), f.description),
		heading("Prompts"), f.prompts,
		heading("Questions and the answers wanted"), f.questions.object,
		heading("Training"), training,
	)
	return f
}

func heading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle.Bold = true
	return l
}

// Load fills the form from a task.
func (f *taskForm) Load(t TaskSpec) {
	f.loaded = t
	f.name.SetText(t.Name)
	f.description.SetText(t.Description)
	f.prompts.SetText(strings.Join(t.Prompts, "\n"))
	f.questions.Set(t.Questions)
	f.steps.SetText(strconv.Itoa(t.Train.Steps))
	showOptional(f.rate, t.Train.LearningRate)
	showOptional(f.temperature, t.Train.Temperature)
	f.noise.SetChecked(t.Train.Targets == noiseTarget)
	switch p := t.Train.Preserve; {
	case p == 0: // the file leaves it to the default
		f.preserve.SetText("")
	case p < 0:
		f.preserve.SetText("0")
	default:
		f.preserve.SetText(strconv.FormatFloat(p, 'g', -1, 64))
	}
}

// Prompts are the non-empty lines of the prompts entry.
func (f *taskForm) Prompts() []string {
	var ps []string
	for _, line := range strings.Split(f.prompts.Text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			ps = append(ps, line)
		}
	}
	return ps
}

// Spec is the task as the form has it, over the loaded task; the first
// problem found is an error that names the field.
func (f *taskForm) Spec() (TaskSpec, error) {
	t := f.loaded
	t.Name = strings.TrimSpace(f.name.Text)
	if t.Name == "" {
		return t, fmt.Errorf("name: give the task a name")
	}
	t.Description = strings.TrimSpace(f.description.Text)
	t.Prompts = f.Prompts()
	if len(t.Prompts) == 0 {
		return t, fmt.Errorf("prompts: give at least one prompt, e.g. %q", DefaultPrompt)
	}
	for i, p := range t.Prompts {
		if _, err := world.ParsePrompt(p); err != nil {
			return t, fmt.Errorf("prompt %d: %w", i+1, err)
		}
	}
	qas, err := f.questions.QAs()
	if err != nil {
		return t, err
	}
	t.Questions = qas
	steps, err := strconv.Atoi(strings.TrimSpace(f.steps.Text))
	if err != nil || steps < 1 {
		return t, fmt.Errorf("steps %q: want a whole number of at least 1", f.steps.Text)
	}
	rate, err := readOptional(f.rate, "learning rate", 1, "0.002")
	if err != nil {
		return t, err
	}
	temperature, err := readOptional(f.temperature, "temperature", 100, "4")
	if err != nil {
		return t, err
	}
	t.Train.Steps, t.Train.LearningRate, t.Train.Temperature = steps, rate, temperature
	switch {
	case f.noise.Checked:
		t.Train.Targets = noiseTarget
	case t.Train.Targets == noiseTarget:
		t.Train.Targets = "" // the judge's default layers
	}
	if text := strings.TrimSpace(f.preserve.Text); text == "" {
		t.Train.Preserve = 0 // the default
	} else {
		p, err := strconv.ParseFloat(text, 64)
		if err != nil || p < 0 || p > 100 {
			return t, fmt.Errorf("keep the image %q: want a number from 0 (off) to 100, or nothing for the default", f.preserve.Text)
		}
		t.Train.Preserve = p
		if p == 0 {
			t.Train.Preserve = -1 // a task file's "none"
		}
	}
	return t, nil
}

// ratePlaceHolder names the default learning rates (teach.Taught).
const ratePlaceHolder = "default (1e-3; lines 5e-3, horizon 3e-3, depth 2e-3)"

// noiseTarget is the adapter target of the generator's noise
// (model.NoiseTarget; the window does not import the model).
const noiseTarget = "noise"

// showOptional shows a setting whose 0 means the judge's default: empty
// for the default, else the number.
func showOptional(e *widget.Entry, v float64) {
	e.SetText("")
	if v > 0 {
		e.SetText(strconv.FormatFloat(v, 'g', -1, 64))
	}
}

// readOptional reads such a setting: 0 (the default) for an empty entry,
// else a number above 0 and at most max; an error names the field.
func readOptional(e *widget.Entry, name string, max float64, example string) (float64, error) {
	text := strings.TrimSpace(e.Text)
	if text == "" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || v <= 0 || v > max {
		return 0, fmt.Errorf("%s %q: want a number above 0, at most %g, e.g. %s, or nothing for the default", name, e.Text, max, example)
	}
	return v, nil
}
