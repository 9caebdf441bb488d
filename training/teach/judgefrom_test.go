package teach

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dualprocess/picture"
	"dualprocess/training/judge"
	"dualprocess/training/world"
)

// Every task file we have, with its judge left out (or only its kind
// given, when no question names a judge), loads with the judge it gives:
// the kind from its questions, the target from its strokes or its picture
// (docs/drawn-elsewhere's were made with ImageMagick), and the file's
// tolerance kept.
func TestJudgeLeftOutIsReadFromQuestionsAndDrawing(t *testing.T) {
	files, _ := filepath.Glob("../../assets/tasks/*.json")
	for _, dir := range []string{"untuned-tasks", "drawn-elsewhere"} {
		more, _ := filepath.Glob("../../docs/" + dir + "/*.json")
		files = append(files, more...)
	}
	if len(files) < 20 {
		t.Fatalf("%d task files, want the built-in, untuned and drawn-elsewhere ones", len(files))
	}
	fromQuestions := 0
	for _, f := range files {
		want, err := LoadTask(f)
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]any
		b, _ := os.ReadFile(f)
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Fatal(err)
		}
		if _, given := raw["judge"]; !given { // written without one (docs/untuned-tasks/sky-*)
			if want.JudgeFrom == "" {
				t.Errorf("%s: a judge left out does not say where it was read from", f)
			}
			fromQuestions++
			continue
		} else if want.JudgeFrom != "" {
			t.Errorf("%s: a judge given in full says it was read %s", f, want.JudgeFrom)
		}
		tol := want.Judge.Tolerance
		kept := map[string]any{}
		if tol != 0 {
			kept["tolerance"] = tol
		}
		raw["judge"] = kept
		got, err := loadEdited(t, f, raw)
		if err != nil { // no question names a judge: the kind must be given
			kept["kind"] = want.Judge.Kind
			if got, err = loadEdited(t, f, raw); err != nil {
				t.Errorf("%s with the judge's kind only: %v", f, err)
				continue
			}
		} else {
			fromQuestions++
		}
		if !sameJudge(got.Judge, want.Judge) || got.JudgeFrom == "" {
			g, _ := json.Marshal(got.Judge)
			w, _ := json.Marshal(want.Judge)
			t.Errorf("%s: judge read as %s (%s), want %s", filepath.Base(f), g, got.JudgeFrom, w)
		}
	}
	if fromQuestions < len(files)/2 {
		t.Errorf("the questions named the judge of %d task files of %d", fromQuestions, len(files))
	}
}

// loadEdited writes a task beside the file it came from (its drawing's
// path is relative to it) and loads it.
func loadEdited(t *testing.T, f string, raw map[string]any) (*Task, error) {
	t.Helper()
	b, _ := json.Marshal(raw)
	path := filepath.Join(filepath.Dir(f), ".edited-"+filepath.Base(f))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(path)
	return LoadTask(path)
}

// sameJudge compares judges: positions within a quarter pixel at 64 px,
// widths within 0.05 px, sky colours within a third of the judge's
// tolerance, the rest exactly.
func sameJudge(a, b judge.Target) bool {
	near := func(x, y *float64, tol float64) bool {
		return (x == nil) == (y == nil) && (x == nil || math.Abs(*x-*y) <= tol)
	}
	const px = 0.25 / 64
	box := (a.Box == nil) == (b.Box == nil)
	for i := 0; box && a.Box != nil && i < 4; i++ {
		box = near(&a.Box[i], &b.Box[i], px)
	}
	colours := slices.Equal(a.Colors, b.Colors)
	if a.Kind == "sky" && len(a.Colors) == 1 && len(b.Colors) == 1 {
		ca, _ := picture.ParseColor(a.Colors[0])
		cb, _ := picture.ParseColor(b.Colors[0])
		colours = world.DeltaE(world.Lab(ca), world.Lab(cb)) < judge.SkyTolerance/3
	}
	return a.Kind == b.Kind && near(a.Row, b.Row, px) && near(a.X, b.X, px) && near(a.Width, b.Width, 0.05) && box &&
		colours && slices.Equal(a.Points, b.Points) && a.Tolerance == b.Tolerance && a.Point == nil && b.Point == nil
}

// A task whose questions name no judge and which gives none is refused
// with what would name one; a target given but wrong is never replaced.
func TestJudgeNeitherGivenNorAskedIsRefused(t *testing.T) {
	src := replaceField(toyTask, "judge", `"judge": {}`)
	if _, err := ParseTask([]byte(src)); err == nil || !strings.Contains(err.Error(), "judge: none given, and no question asks what a judge checks") ||
		strings.Contains(err.Error(), "does not know") {
		t.Errorf("no judge, every word known: %v", err)
	}
	// a word the rater does not know is the likely reason no judge was read
	src = replaceField(replaceField(toyTask, "judge", `"judge": {}`), "questions",
		`"questions": [{"question": "Is it night?", "answer": "yes"}, {"question": "Is the horizon at the crimson line?", "answer": "yes"}]`)
	if _, err := ParseTask([]byte(src)); err == nil || !strings.Contains(err.Error(), `questions[1] has words the built-in rater does not know: "crimson"`) {
		t.Errorf("no judge, an unknown word: %v", err)
	}
	src = replaceField(toyTask, "judge", `"judge": {"kind": "horizon", "row": 1.5}`)
	if _, err := ParseTask([]byte(src)); err == nil || !strings.Contains(err.Error(), "row between 0 and 1") {
		t.Errorf("a bad row: %v", err)
	}
	src = replaceField(replaceField(toyTask, "judge", `"judge": {"kind": "depth"}`), "questions",
		`"questions": [{"question": "Is A farther away than B?", "answer": "yes"}]`)
	src = strings.Replace(src, `[{"tool": "hline", "y": 0.7}]`, `[{"tool": "point", "x": 0.2, "y": 0.8, "label": "A"}, {"tool": "point", "x": 0.6, "y": 0.7, "label": "B"}]`, 1)
	task, err := ParseTask([]byte(src))
	if err != nil || !slices.Equal(task.Judge.Points, [][2]float64{{0.6, 0.7}, {0.2, 0.8}}) {
		t.Errorf("A farther away than B -> yes: judge %+v, %v; want B's point first", task.Judge, err)
	}
}
