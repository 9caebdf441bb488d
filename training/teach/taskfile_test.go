package teach

import (
	"encoding/json"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dualprocess/picture"
	"dualprocess/training/visual"
)

func TestInvalidTasksGivePointedErrors(t *testing.T) {
	for _, c := range []struct{ edit, want string }{
		{`"prompts": ["volcano at dawn"]`, `prompts[0]: unknown word(s) "volcano"`},
		{`"prompts": []`, "prompts: empty"},
		{`"questions": []`, "questions: 0 pairs"},
		{`"questions": [{"question": "", "answer": "yes"}]`, "questions[0].question: empty"},
		{`"questions": [{"question": "Is it?", "answer": "maybe"}]`, `questions[0].answer: "maybe" is not an answer`},
		{`"judge": {"kind": "tree"}`, "judge: tree target needs x between 0 and 1 (the line's column as a fraction of the width); the drawing has no red vertical line to read it from"},
		{`"judge": {"kind": "vibes"}`, `judge: unknown judge "vibes"`},
		{`"train": {"steps": -3}`, "train.steps: -3"},
		{`"train": {"preserve": 200}`, "train.preserve: 200"},
		{`"train": {"shift": 9}`, "train.shift: 9"},
		{`"train": {"temperature": -2}`, "train.temperature: -2"},
		{`"train": {"eval_seeds": [1000001]}`, "train.eval_seeds[0]: seed 1000001 is also a training seed"},
		{`"visual_prompt": {"mode": "glow"}`, "visual_prompt.mode"},
		{`"bogus": 1`, `unknown field "bogus" in the task (known: description, judge, name`},
		{`"train": {"learning_rat": 0.01}`, `unknown field "learning_rat" in train: did you mean "learning_rate"?`},
		{`"visual_prompt": {"strokes": [{"tool": "hline", "y": 0.5, "with": 2}]}`, `unknown field "with" in visual_prompt.strokes[0]: did you mean "width"?`},
		{`"train": {"steps": "200"}`, "train.steps: a string where a whole number is wanted (at line "},
		{`"prompts": 5`, "prompts: a number where a list [...] is wanted"},
		{`"prompts": [5]`, "prompts: a number where a string is wanted"},
		{`"train": {"eval_seeds": "15-1"}`, `train.eval_seeds: "15-1": want FROM-TO`},
		{`"train": {"eval_seeds": {"from": 1}}`, "train.eval_seeds: an object where a list [...] is wanted"},
		{`"prompts": ["lake at noon" "hills at noon"]`, "line 3, column "},
	} {
		key := c.edit[1 : strings.Index(c.edit[1:], `"`)+1]
		src := replaceField(toyTask, key, c.edit)
		_, err := ParseTask([]byte(src))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.edit, err, c.want)
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "t.json")
	os.WriteFile(path, []byte(strings.Replace(toyTask, `"strokes"`, `"image": "missing.png", "strokes"`, 1)), 0o644)
	if _, err := LoadTask(path); err == nil || !strings.Contains(err.Error(), "visual_prompt.image") {
		t.Errorf("missing drawing: %v", err)
	}
	wide := image.NewNRGBA(image.Rect(0, 0, 100, 60))
	picture.WritePNG(filepath.Join(dir, "wide.png"), wide)
	os.WriteFile(path, []byte(strings.Replace(toyTask, `"strokes"`, `"image": "wide.png", "strokes"`, 1)), 0o644)
	if _, err := LoadTask(path); err == nil || !strings.Contains(err.Error(), "visual_prompt.image: drawing is 100x60: it must be square") {
		t.Errorf("non-square drawing: %v", err)
	}
	os.WriteFile(path, []byte(strings.Replace(toyTask, `"tool": "hline"`, `"tool": "laser"`, 1)), 0o644)
	if _, err := LoadTask(path); err == nil || !strings.Contains(err.Error(), "visual_prompt.strokes") {
		t.Errorf("bad stroke: %v", err)
	}
}

// TestTaskFilesFromOtherToolsLoad: a byte-order mark (Windows editors
// write one) is skipped, an answer written " Yes. " is Yes, and a drawing made at 256x256 by a paint program,
// white with a red band, becomes the 64x64 drawing: the band a red line,
// the white clear.
func TestTaskFilesFromOtherToolsLoad(t *testing.T) {
	dir := t.TempDir()
	img := image.NewNRGBA(image.Rect(0, 0, 256, 256))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for y := 176; y < 184; y++ { // rows 44-45 at 64
		for x := 0; x < 256; x++ {
			img.Set(x, y, color.NRGBA{255, 0, 0, 255})
		}
	}
	if err := picture.WritePNG(filepath.Join(dir, "band.png"), img); err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(toyTask, `"strokes": [{"tool": "hline", "y": 0.7}]`, `"image": "band.png"`, 1)
	path := filepath.Join(dir, "t.json")
	os.WriteFile(path, []byte("\uFEFF"+src), 0o644)
	task, err := LoadTask(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := task.Drawing()
	if err != nil || d.Rect.Dx() != 64 {
		t.Fatalf("drawing %v, %v", d.Rect, err)
	}
	if c := d.NRGBAAt(30, 44); c.R < 250 || c.G > 5 || c.A < 250 {
		t.Errorf("row 44 is %v, want the red band", c)
	}
	if c := d.NRGBAAt(30, 20); c.A != 0 {
		t.Errorf("row 20 is %v, want clear", c)
	}
	// A drawing named the Windows way, in a folder beside the task.
	os.Mkdir(filepath.Join(dir, "drawings"), 0o755)
	os.Rename(filepath.Join(dir, "band.png"), filepath.Join(dir, "drawings", "band.png"))
	os.WriteFile(path, []byte(strings.Replace(src, `"band.png"`, `"drawings\\band.png"`, 1)), 0o644)
	if _, err := LoadTask(path); err != nil {
		t.Errorf("drawings\\band.png: %v", err)
	}
	shouted := strings.NewReplacer(`"kind": "horizon"`, `"kind": "Horizon"`, `"tool": "hline"`, `"tool": "HLine"`,
		`"strokes"`, `"mode": "Transparent", "strokes"`).Replace(toyTask)
	if task, err := ParseTask([]byte(shouted)); err != nil {
		t.Errorf("kinds in capitals: %v", err)
	} else if _, err := task.Overlay(); err != nil || task.Judge.Kind != "horizon" || task.Visual.Mode != visual.Transparent {
		t.Errorf("kinds in capitals: %v, judge %q, mode %q", err, task.Judge.Kind, task.Visual.Mode)
	}
	polite, err := ParseTask([]byte(strings.Replace(toyTask, `"answer": "Yes"`, `"answer": " Yes. "`, 1)))
	if err != nil || polite.Questions[0].Answer != "Yes" {
		t.Errorf("answer written \" Yes. \": %v, %+v", err, polite)
	}
	if _, err := ParseTask([]byte(src + "\n}")); err == nil || !strings.Contains(err.Error(), "after the task") {
		t.Errorf("trailing text: %v", err)
	}
	const schema = "https://example.com/dualprocess-task.schema.json" // as editors put first
	if task, err := ParseTask([]byte(strings.Replace(toyTask, "{", `{"$schema": "`+schema+`",`, 1))); err != nil || task.Schema != schema {
		t.Errorf("a task with $schema: %v, schema %q", err, task.Schema)
	}
}

// replaceField swaps the line of toyTask that sets key for edit (or adds it).
func replaceField(src, key, edit string) string {
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), `"`+key+`"`) {
			lines[i] = "  " + edit + ","
			if strings.HasPrefix(strings.TrimSpace(lines[i+1]), "}") {
				lines[i] = "  " + edit
			}
			return strings.Join(lines, "\n")
		}
	}
	return strings.Replace(src, "{\n", "{\n  "+edit+",\n", 1)
}

// A task file may give a single prompt as "prompt" or as a string for
// "prompts", and its evaluation seeds as a range, as the command line does.
func TestTaskFileShorthands(t *testing.T) {
	src := strings.Replace(toyTask, `"prompts": ["desert at sunset", "city at noon"]`, `"prompt": "lake at dawn", "prompts": "hills at noon"`, 1)
	src = replaceField(src, "train", `"train": {"eval_seeds": "100-103"}`)
	task, err := ParseTask([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(task.Prompts, textList{"lake at dawn", "hills at noon"}) || task.Prompt != "" {
		t.Errorf("prompts %q (prompt %q), want the single prompt first", task.Prompts, task.Prompt)
	}
	if !slices.Equal(task.Train.EvalSeeds, seedList{100, 101, 102, 103}) {
		t.Errorf("eval seeds %v, want 100-103", task.Train.EvalSeeds)
	}
	b, _ := json.Marshal(task)
	if strings.Contains(string(b), `"prompt":`) || !strings.Contains(string(b), `"prompts":["lake at dawn","hills at noon"]`) {
		t.Errorf("saved as %s, want the prompts as a list", b)
	}
}

// A task file without a name is named after the file.
func TestTaskFileWithoutANameIsNamedAfterIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "red-horizon.json")
	os.WriteFile(path, []byte(replaceField(toyTask, "name", `"name": ""`)), 0o644)
	task, err := LoadTask(path)
	if err != nil || task.Name != "red-horizon" {
		t.Errorf("task %v, %v; want it named red-horizon", task, err)
	}
	if _, err := ParseTask([]byte(replaceField(toyTask, "name", `"name": ""`))); err == nil || !strings.Contains(err.Error(), "name: empty") {
		t.Errorf("a task without a file or a name: %v", err)
	}
}
