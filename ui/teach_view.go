package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dualprocess/picture"
	"dualprocess/training/judge"
	"dualprocess/training/visual"
	"dualprocess/training/vqa"
	"dualprocess/training/world"
)

// newTaskOption is the task picker's entry for starting from scratch.
const newTaskOption = "New task"

// teachView is the Teach tab: a task (built in, from a file, or new), its
// visual prompt drawn with the tools, and a teaching run with its live
// progress and results.
type teachView struct {
	backend  Backend
	window   fyne.Window
	host     host
	generate *generateView
	showTab  func() // brings the Generate tab forward

	choose  *widget.Select
	recent  *recentTasks
	form    *taskForm
	visual  *visualEditor
	run     *runPanel
	content fyne.CanvasObject

	cancel    context.CancelFunc // set while a run or a rating goes
	job       string             // which: jobTeach or jobRate
	runs      sync.WaitGroup     // the goroutines of runs and ratings
	dirs      runDirs
	closeWait time.Duration // how long Close waits for a run to stop
	result    *Result
	backdrop  struct {
		prompt string
		id     int
	}
	loading  bool   // Load is filling the form
	finished func() // called on the UI thread when a run has ended (tests)
}

func newTeachView(b Backend, w fyne.Window, prefs fyne.Preferences, h host, generate *generateView, showGenerate func()) *teachView {
	v := &teachView{backend: b, window: w, host: h, generate: generate, showTab: showGenerate, closeWait: 10 * time.Second,
		form: newTaskForm(b.Answers()), visual: newVisualEditor(w), recent: &recentTasks{prefs: prefs}}
	v.visual.onDraw = v.form.questions.Suggest
	v.form.prompts.OnChanged = func(string) {
		if !v.loading {
			v.refreshBackdrop()
		}
	}
	v.run = newRunPanel(v.Teach, v.Stop, v.Rate, newResultsView(v.saveAdapter, v.useAdapter))

	v.choose = widget.NewSelect(append([]string{newTaskOption}, b.Tasks()...), v.pick)
	v.choose.PlaceHolder = "(from a file)"
	open := widget.NewButtonWithIcon("Open task…", theme.FolderOpenIcon(), v.openTask)
	var recent *widget.Button
	recent = widget.NewButtonWithIcon("Recent", theme.HistoryIcon(), func() { v.showRecent(recent) })
	save := widget.NewButtonWithIcon("Save task…", theme.DocumentSaveIcon(), v.saveTask)
	taskBar := container.NewVBox(container.NewBorder(nil, nil, widget.NewLabel("Task"), nil, v.choose),
		container.NewGridWithColumns(3, open, recent, save))

	left := widget.NewCard("Task", "", container.NewBorder(taskBar, nil, nil, nil, container.NewVScroll(v.form.object)))
	middle := widget.NewCard("Visual prompt", "", container.NewVScroll(v.visual.object))
	right := widget.NewCard("Teach", "", container.NewVScroll(v.run.object))
	inner := container.NewHSplit(middle, right)
	inner.Offset = 0.45
	outer := container.NewHSplit(left, inner)
	outer.Offset = 0.33
	v.content = outer

	start := newTaskOption
	if tasks := b.Tasks(); len(tasks) > 0 {
		start = tasks[0]
	}
	v.choose.SetSelected(start)
	return v
}

// pick loads a built-in task, or an empty one.
func (v *teachView) pick(name string) {
	if name == "" { // cleared: a task from a file is loaded instead
		return
	}
	if name == newTaskOption {
		name = ""
	}
	t, err := v.backend.Task(name)
	if err != nil {
		v.host.fail(err)
		return
	}
	v.Load(t)
}

// Load puts a task in the form and the visual editor.
func (v *teachView) Load(t TaskSpec) {
	var img image.Image
	if t.Visual.Image != "" {
		var err error
		if img, err = readDrawing(t.Visual.Image); err != nil {
			v.host.fail(fmt.Errorf("visual prompt image: %w", err))
		}
	}
	v.loading = true
	v.form.Load(t)
	v.visual.Load(img, t)
	v.loading = false
	v.refreshBackdrop() // starts background work: the last thing to do
}

// readDrawing reads a task's drawing at the generator's size (a square
// drawing of another size is resized, as teaching does).
func readDrawing(path string) (image.Image, error) {
	img, err := picture.ReadImage(path)
	if err != nil {
		return nil, err
	}
	d, err := visual.FitDrawing(img, world.Size)
	if err != nil {
		return nil, err // not a nil *image.NRGBA in the interface
	}
	return d, nil
}

// Spec is the task as the window has it, or the first problem.
func (v *teachView) Spec() (TaskSpec, error) {
	t, err := v.form.Spec()
	if err != nil {
		return t, err
	}
	t.Visual.Strokes = v.visual.pad.Strokes()
	t.Visual.Mode = v.visual.pad.Mode()
	t.Judge = v.visual.judge
	if t.Judge.Kind == "" {
		t.Judge = skyAsked(t.Questions)
	}
	if t.Judge.Kind == "" {
		msg := "judge: none yet; draw a horizon, vertical line, line weight, points A/B, box or palette so the judge knows what to check, " +
			"or for a text-only task ask for a sky colour (Is the sky orange? -> yes)"
		if note := v.visual.unjudged(); note != "" {
			msg += " (" + strings.ReplaceAll(note, "\n", " ") + ")"
		}
		return t, errors.New(msg)
	}
	return t, nil
}

// skyAsked is the sky judge a text-only task's questions ask for ("Is the
// sky orange?" -> yes), or none.
func skyAsked(qas []QA) judge.Target {
	for _, qa := range qas {
		if hex, ok := vqa.SkyTarget(qa.Question, qa.Answer); ok {
			return judge.Target{Kind: "sky", Colors: []string{hex}}
		}
	}
	return judge.Target{}
}

// refreshBackdrop draws the first prompt's first evaluation seed with the
// base generator under the drawing, when the prompt changed.
func (v *teachView) refreshBackdrop() {
	ps := v.form.Prompts()
	if len(ps) == 0 {
		return
	}
	if _, err := world.ParsePrompt(ps[0]); err != nil || ps[0] == v.backdrop.prompt {
		return
	}
	var seed int64
	if s := v.form.loaded.Train.EvalSeeds; len(s) > 0 {
		seed = s[0]
	}
	v.backdrop.prompt = ps[0]
	v.backdrop.id++
	id := v.backdrop.id
	var imgs []image.Image
	var err error
	v.host.background(func() { imgs, err = v.backend.Generate(context.Background(), ps[0], []int64{seed}, nil) }, func() {
		if id == v.backdrop.id && err == nil && len(imgs) == 1 {
			v.visual.pad.SetBackdrop(imgs[0])
		}
	})
}
