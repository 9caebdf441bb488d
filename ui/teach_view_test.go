package ui

import (
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dualprocess/picture"
	"dualprocess/training/judge"
	"dualprocess/training/visual"
	"dualprocess/training/vqa"
)

// builtinTeach is the Teach tab on the fake's horizon-low task, with a
// channel that receives when a run has ended.
func builtinTeach(t *testing.T) (*Studio, *fakeBackend, chan struct{}) {
	t.Helper()
	s, b := newTestStudio(t)
	s.tabs.SelectIndex(1)
	done, hook := signal()
	s.teach.finished = hook
	return s, b, done
}

func waitStep(t *testing.T, stepped chan int, want int) {
	t.Helper()
	select {
	case got := <-stepped:
		if got != want {
			t.Fatalf("step %d, want %d", got, want)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("step %d did not come within 30 s", want)
	}
}

func TestTeachShowsProgressAndTheResult(t *testing.T) {
	s, b, done := builtinTeach(t)
	if s.teach.choose.Selected != "horizon-low" || s.teach.form.steps.Text != "6" {
		t.Fatalf("the tab opens on %q with %q steps; want the first built-in task with its steps", s.teach.choose.Selected, s.teach.form.steps.Text)
	}
	s.teach.form.steps.SetText("4")
	test.Tap(s.teach.run.teach)
	wait(t, done)

	taught := b.teachCalls()
	if len(taught) != 1 {
		t.Fatalf("%d runs, want 1", len(taught))
	}
	spec := taught[0]
	if spec.Name != "horizon-low" || spec.Train.Steps != 4 || spec.Train.LearningRate != 0.002 ||
		len(spec.Visual.Strokes) != 1 || spec.Judge.Kind != "horizon" || len(spec.Questions) != 1 {
		t.Errorf("taught %+v; want horizon-low with 4 steps, its line, judge and question", spec)
	}
	run := s.teach.run
	if run.bar.Value != 4 || !strings.Contains(run.stats.Text, "Done: 4 steps") {
		t.Errorf("progress %v, stats %q; want the run done", run.bar.Value, run.stats.Text)
	}
	if run.base.Image == nil || run.adapted.Image == nil || !run.preview.Visible() {
		t.Error("no preview was shown")
	}
	if !run.results.object.Visible() || len(run.results.grid.Objects) != 2 ||
		!strings.Contains(run.results.summary.Text, "0 of 2 seeds before (0%), 2 after (100%)") ||
		!strings.Contains(run.results.summary.Text, "changed by 0.050") ||
		!strings.Contains(run.results.summary.Text, "the rater passes 2 seeds, of which the judge fails 0") {
		t.Errorf("results %q with %d cells; want both seeds and the success rates", run.results.summary.Text, len(run.results.grid.Objects))
	}
	if !strings.Contains(s.status.Text, "Taught horizon-low: the judge passes 2 of 2 seeds (0 before); the rater was fooled on 0.") ||
		strings.Contains(s.status.Text, "\n") || s.status.Importance == widget.DangerImportance {
		t.Errorf("status %q", s.status.Text)
	}
	if run.stop.Disabled() == false || run.results.save.Disabled() {
		t.Error("after a run Stop should be off and Save adapter on")
	}
}

func TestStopEndsTheRunAndShowsTheAdapterSoFar(t *testing.T) {
	s, b, done := builtinTeach(t)
	b.gate, b.stepped = make(chan struct{}), make(chan int, 16)
	s.teach.form.steps.SetText("10")
	test.Tap(s.teach.run.teach)
	b.gate <- struct{}{}
	waitStep(t, b.stepped, 1)
	if s.teach.run.stop.Disabled() {
		t.Fatal("Stop is off while a run goes")
	}
	test.Tap(s.teach.run.stop)
	wait(t, done)

	if r := s.teach.result; r == nil || !r.Stopped || r.StepsDone != 1 {
		t.Fatalf("result %+v, want stopped after step 1", r)
	}
	if !strings.Contains(s.teach.run.stats.Text, "Stopped after 1 of 10 steps") || !strings.Contains(s.status.Text, "Stopped horizon-low") {
		t.Errorf("stats %q status %q", s.teach.run.stats.Text, s.status.Text)
	}
	if !s.teach.run.results.object.Visible() {
		t.Error("a stopped run shows no results")
	}
}

func TestASecondTeachWhileOneRunsIsRefused(t *testing.T) {
	s, b, done := builtinTeach(t)
	b.gate, b.stepped = make(chan struct{}), make(chan int, 16)
	test.Tap(s.teach.run.teach)
	test.Tap(s.teach.run.teach)
	if !strings.Contains(s.status.Text, "already going") || s.status.Importance != widget.DangerImportance {
		t.Errorf("status %q; want the second Teach refused", s.status.Text)
	}
	test.Tap(s.teach.run.stop)
	wait(t, done)
	if n := len(b.teachCalls()); n != 1 {
		t.Errorf("%d runs started, want 1", n)
	}
	b.mu.Lock()
	b.gate = nil
	b.mu.Unlock()
	test.Tap(s.teach.run.teach) // allowed again once it has ended
	wait(t, done)
	if n := len(b.teachCalls()); n != 2 {
		t.Errorf("%d runs started, want 2", n)
	}
}

func TestTeachErrorsAreShown(t *testing.T) {
	s, b, done := builtinTeach(t)
	b.teachErr = errBoom
	test.Tap(s.teach.run.teach)
	wait(t, done)
	if !strings.Contains(s.status.Text, `"castle"`) || s.status.Importance != widget.DangerImportance {
		t.Errorf("status %q; want the backend's error", s.status.Text)
	}
	if s.teach.cancel != nil {
		t.Error("a failed run still counts as running")
	}

	for _, c := range []struct {
		edit func()
		want string
	}{
		{func() { s.teach.form.prompts.SetText("castle at noon") }, `prompt 1: unknown word(s) "castle"`},
		{func() { s.teach.form.steps.SetText("many") }, `steps "many"`},
		{func() { s.teach.form.questions.Set(nil) }, "ask at least one question"},
		{func() { s.teach.visual.pad.Clear() }, "judge: none yet"},
	} {
		s.teach.choose.SetSelected("sky-orange-noon")
		s.teach.choose.SetSelected("horizon-low")
		s.settle()
		c.edit()
		test.Tap(s.teach.run.teach)
		if !strings.Contains(s.status.Text, c.want) {
			t.Errorf("status %q, want %q", s.status.Text, c.want)
		}
	}
	if n := len(b.teachCalls()); n != 1 {
		t.Errorf("%d runs started; bad forms must not start one", n)
	}
}

func TestSaveAdapterCopiesItAndAddsItToGenerate(t *testing.T) {
	s, _, done := builtinTeach(t)
	test.Tap(s.teach.run.teach)
	wait(t, done)
	path := filepath.Join(t.TempDir(), "horizon.safetensors")
	if err := s.teach.SaveAdapter(path); err != nil {
		t.Fatal(err)
	}
	s.settle()
	if b, err := os.ReadFile(path); err != nil || string(b) != adapterContent {
		t.Errorf("saved adapter %q, %v", b, err)
	}
	if rows := s.generate.adapters.rows; len(rows) != 1 || rows[0].info.Path != path {
		t.Errorf("the Generate tab lists %d adapters, want the saved one", len(rows))
	}
	s.Close()
	if _, err := os.Stat(s.teach.result.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the run folder is still there after Close: %v", err)
	}
}

func TestSavedTaskOpensAsItWasDrawn(t *testing.T) {
	s, b, _ := builtinTeach(t)
	s.teach.choose.SetSelected(newTaskOption)
	s.teach.form.name.SetText("sun-left")
	s.teach.form.prompts.SetText("hills at noon\nsea at dawn with boat")
	s.settle()
	test.Tap(s.teach.visual.tools[boxTool()])
	dragPad(s.teach.visual.pad, 0.05, 0.05, 0.4, 0.35)
	spec, err := s.teach.Spec()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sun-left.json")
	if err := s.teach.SaveTask(spec, path); err != nil {
		t.Fatal(err)
	}
	var file map[string]any
	raw, _ := os.ReadFile(path)
	if err := json.Unmarshal(raw, &file); err != nil || file["visual_prompt"] == nil || file["judge"] == nil {
		t.Fatalf("task file %s (%v)", raw, err)
	}

	s.teach.choose.SetSelected("horizon-low")
	opened, err := b.Task(path)
	if err != nil {
		t.Fatal(err)
	}
	s.teach.Load(opened)
	s.settle()
	again, err := s.teach.Spec()
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(spec)
	c, _ := json.Marshal(again)
	if string(a) != string(c) {
		t.Errorf("opened task\n%s\ndiffers from the saved one\n%s", c, a)
	}
}

func TestKeepTheImageFieldEditsThePreservationWeight(t *testing.T) {
	s, _, _ := builtinTeach(t)
	checkNumberField(t, s, s.teach.form.preserve, "keep the image", func(spec TaskSpec) float64 { return spec.Train.Preserve },
		map[string]float64{"": 0, "0": -1, "5": 5, " 0.5 ": 0.5}, "-1", "101", "lots")
}

// An empty temperature is the judge's default (0 in the task).
func TestTemperatureFieldEditsTheTemperature(t *testing.T) {
	s, _, _ := builtinTeach(t)
	checkNumberField(t, s, s.teach.form.temperature, "temperature", func(spec TaskSpec) float64 { return spec.Train.Temperature },
		map[string]float64{"": 0, "4": 4, " 0.5 ": 0.5}, "0", "-1", "101", "hot")
}

// An empty learning rate is the judge's default (0 in the task); the field
// shows it empty again, and a rate outside (0, 1] is refused by name.
func TestEmptyLearningRateIsTheDefault(t *testing.T) {
	s, _, _ := builtinTeach(t)
	checkNumberField(t, s, s.teach.form.rate, "learning rate", func(spec TaskSpec) float64 { return spec.Train.LearningRate },
		map[string]float64{"": 0, " ": 0, "0.005": 0.005}, "0", "-0.001", "2", "fast")
}

// checkNumberField types each text of want into a task-form field and
// checks the value the task gets (read by got) and that the field, loaded
// back from the task, shows the text trimmed; each bad text is refused
// with an error naming the field.
func checkNumberField(t *testing.T, s *Studio, field *widget.Entry, name string, got func(TaskSpec) float64, want map[string]float64, bad ...string) {
	t.Helper()
	for text, w := range want {
		field.SetText(text)
		spec, err := s.teach.Spec()
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if v := got(spec); v != w {
			t.Errorf("%q: %s %v, want %v", text, name, v, w)
		}
		s.teach.form.Load(spec) // and back: the field shows what it wrote
		if shown := field.Text; shown != strings.TrimSpace(text) {
			t.Errorf("%q: reloaded as %q", text, shown)
		}
	}
	for _, b := range bad {
		field.SetText(b)
		if _, err := s.teach.Spec(); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%q: error %v, want one naming the field", b, err)
		}
	}
}

// A long question is shown whole: its entry is wider than its text, in the
// window size the studio opens at.
func TestLongQuestionsAreShownWhole(t *testing.T) {
	s, _, _ := builtinTeach(t)
	long := "Is point A nearer to the viewer than point B?"
	qs := s.teach.form.questions
	qs.Set([]QA{{Question: long, Answer: "yes"}, {Question: "Is A farther away than B?", Answer: "no"}})
	s.settle()
	entry := qs.rows[0].question
	text := fyne.MeasureText(long, theme.TextSize(), fyne.TextStyle{})
	if w := entry.Size().Width; w < text.Width+2*theme.InnerPadding() {
		t.Errorf("question entry %.0f px wide, its text %.0f px: the question is cut off", w, text.Width)
	}
	if got, _ := qs.QAs(); len(got) != 2 || got[0].Question != long || got[1].Answer != "no" {
		t.Errorf("questions read back as %+v", got)
	}

	// A question of 20 words is wider than any entry: it wraps, and the entry
	// is tall enough for two lines.
	longest := "Is the horizon of the hills at the red line and is the sky above it orange at noon today?"
	qs.Set([]QA{{Question: longest, Answer: "yes"}})
	s.settle()
	entry = qs.rows[0].question
	line := fyne.MeasureText(longest, theme.TextSize(), fyne.TextStyle{})
	if line.Width < entry.Size().Width {
		t.Fatalf("test question %.0f px fits in the entry %.0f px: make it longer", line.Width, entry.Size().Width)
	}
	if h := entry.Size().Height; h < 2*line.Height+2*theme.InnerPadding() {
		t.Errorf("question entry %.0f px high: %d-character question cut off (a line is %.0f px)", h, len(longest), line.Height)
	}
	if got, _ := qs.QAs(); len(got) != 1 || got[0].Question != longest {
		t.Errorf("long question read back as %+v", got)
	}

	// A typed or pasted line break becomes a space.
	entry.SetText("Is the sky\norange?")
	if got, _ := qs.QAs(); len(got) != 1 || got[0].Question != "Is the sky orange?" {
		t.Errorf("question with a line break read back as %+v", got)
	}
}

// TestADrawingMadeElsewhereIsFittedToTheGenerator opens a task whose
// drawing is a 256x256 white PNG with a red band, as a paint program saves
// it: the sketchpad shows it at 64x64, the band a red line and the white
// clear, as teaching will use it.
func TestADrawingMadeElsewhereIsFittedToTheGenerator(t *testing.T) {
	s, _, _ := builtinTeach(t)
	img := image.NewNRGBA(image.Rect(0, 0, 256, 256))
	draw.Draw(img, img.Rect, image.White, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(0, 128, 256, 136), image.NewUniform(color.NRGBA{255, 0, 0, 255}), image.Point{}, draw.Src)
	path := filepath.Join(t.TempDir(), "band.png")
	if err := picture.WritePNG(path, img); err != nil {
		t.Fatal(err)
	}
	s.teach.Load(TaskSpec{Name: "band", Prompts: []string{"lake at noon"}, Visual: VisualSpec{Image: path}})
	s.settle()
	d, err := s.teach.visual.pad.Drawing()
	if err != nil || d == nil {
		t.Fatalf("drawing %v, %v", d, err)
	}
	if d.Rect.Dx() != 64 || d.Rect.Dy() != 64 {
		t.Fatalf("drawing is %v, want 64x64", d.Rect.Size())
	}
	if c := d.NRGBAAt(20, 32); c.R < 250 || c.G > 5 || c.A < 250 {
		t.Errorf("row 32 is %v, want the red band", c)
	}
	if c := d.NRGBAAt(20, 10); c.A != 0 {
		t.Errorf("row 10 is %v, want clear", c)
	}
}

// TestSavedTaskNamesItsDrawingRelatively: a task's drawing is written
// relative to the saved file, so the folder can move with it.
func TestSavedTaskNamesItsDrawingRelatively(t *testing.T) {
	s, _, _ := builtinTeach(t)
	dir := t.TempDir()
	spec := TaskSpec{Name: "band", Prompts: []string{"lake at noon"}, Visual: VisualSpec{Image: filepath.Join(dir, "drawings", "band.png")}}
	path := filepath.Join(dir, "tasks", "band.json")
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := s.teach.SaveTask(spec, path); err != nil {
		t.Fatal(err)
	}
	var saved TaskSpec
	raw, _ := os.ReadFile(path)
	if err := json.Unmarshal(raw, &saved); err != nil || saved.Visual.Image != "../drawings/band.png" {
		t.Errorf("saved drawing %q (%v), want ../drawings/band.png", saved.Visual.Image, err)
	}
}

// TestATaskWithoutStrokesSelectsTheToolOfItsJudge: a task drawn elsewhere
// (no strokes) with a horizon judge opens with the Horizon tool ready.
func TestATaskWithoutStrokesSelectsTheToolOfItsJudge(t *testing.T) {
	s, _, _ := builtinTeach(t)
	test.Tap(s.teach.visual.tools[boxTool()]) // another tool first
	row := 0.6
	s.teach.Load(TaskSpec{Name: "elsewhere", Prompts: []string{"lake at noon"}, Judge: judge.Target{Kind: "horizon", Row: &row}})
	s.settle()
	if got := s.teach.visual.pad.Tool(); got == nil || got.JudgeKind() != "horizon" {
		t.Errorf("tool %v, want the horizon tool", got)
	}
}

// TestThePaletteNoteSaysWhetherTheRaterKnowsThePalette: the night palette
// is one the world paints; a sea of four blues is not, and the judge line
// warns of it.
func TestThePaletteNoteSaysWhetherTheRaterKnowsThePalette(t *testing.T) {
	s, _, _ := builtinTeach(t)
	for _, c := range []struct {
		colors []string
		want   string
		warn   bool
	}{
		{[]string{"#243060", "#3c4a80", "#2f5a3a"}, "colours of hills at night", false},
		{[]string{"#1b3b6f", "#21295c", "#065a82", "#1c7293"}, "from the nearest palette the world paints", true},
	} {
		stroke := visual.Stroke{Tool: "swatches", Colors: c.colors}
		s.teach.Load(TaskSpec{Name: "p", Prompts: []string{"hills at noon"}, Visual: VisualSpec{Strokes: []visual.Stroke{stroke}},
			Judge: judge.Target{Kind: "palette", Colors: c.colors}})
		s.settle()
		l := s.teach.visual.judgeLabel
		if !strings.Contains(l.Text, c.want) || (l.Importance == widget.WarningImportance) != c.warn {
			t.Errorf("%v: judge line %q (warning %v), want %q (warning %v)", c.colors, l.Text, l.Importance == widget.WarningImportance, c.want, c.warn)
		}
	}
}

// A new task without a drawing is judged by the sky colour its questions
// ask for, as a task file without a judge is.
func TestNewTextOnlyTaskIsJudgedByTheSkyItAsksFor(t *testing.T) {
	s, b, done := builtinTeach(t)
	s.teach.choose.SetSelected(newTaskOption)
	s.settle()
	s.teach.form.name.SetText("pink-sky")
	s.teach.form.prompts.SetText("hills at noon")
	s.teach.form.questions.Set([]QA{{Question: "Is it night?", Answer: "no"}, {Question: "What colour is the sky?", Answer: "pink"}})
	test.Tap(s.teach.run.teach) // (the fake run can be over before Tap returns: its end is what is waited for)
	wait(t, done)
	taught := b.teachCalls()
	if len(taught) != 1 {
		t.Fatalf("%d runs (status %q), want 1", len(taught), s.status.Text)
	}
	want, _ := vqa.SkyTarget("What colour is the sky?", "pink")
	if j := taught[0].Judge; j.Kind != "sky" || len(j.Colors) != 1 || j.Colors[0] != want {
		t.Errorf("judge %+v, want the sky judge with pink %s", j, want)
	}
}

// "Adapt: the noise alone" sets the targets to the noise; unticked, a task
// that adapted the noise goes back to the judge's default layers, and one
// with other layers keeps them.
func TestAdaptTheNoiseBox(t *testing.T) {
	s, _, _ := builtinTeach(t)
	f := s.teach.form
	spec, err := s.teach.Spec()
	if err != nil {
		t.Fatal(err)
	}
	if f.noise.Checked || spec.Train.Targets == noiseTarget {
		t.Fatalf("a built-in task opens with the noise box ticked (targets %q)", spec.Train.Targets)
	}
	f.noise.SetChecked(true)
	if spec, _ = s.teach.Spec(); spec.Train.Targets != noiseTarget || !strings.Contains(f.rate.PlaceHolder, "noise") {
		t.Errorf("ticked: targets %q, learning rate shown as %q", spec.Train.Targets, f.rate.PlaceHolder)
	}
	f.Load(spec)
	if !f.noise.Checked {
		t.Error("a task with targets noise loads unticked")
	}
	f.noise.SetChecked(false)
	if spec, _ = s.teach.Spec(); spec.Train.Targets != "" || f.rate.PlaceHolder != ratePlaceHolder {
		t.Errorf("unticked after noise: targets %q, want the default", spec.Train.Targets)
	}
	spec.Train.Targets = "prompt"
	f.Load(spec)
	if spec, _ = s.teach.Spec(); f.noise.Checked || spec.Train.Targets != "prompt" {
		t.Errorf("a task's own layers: ticked %v, targets %q", f.noise.Checked, spec.Train.Targets)
	}
}
