package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dualprocess/model"
	"dualprocess/training/teach"
)

func TestTeachWritesAllOutputs(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := run(t, "teach", "--task", "horizon-low", "--steps", "4", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range []string{teach.ReportFile, teach.AdapterFile, teach.GridFile, teach.CurveFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s missing: %v", f, err)
		}
	}
	if !strings.Contains(out, "task horizon-low: 4 steps") || !strings.Contains(out, "after:  judge") {
		t.Errorf("summary %q", out)
	}
	if !strings.Contains(stderr, "4/4") {
		t.Errorf("no progress bar in %q", stderr)
	}
	// the adapter works with sample
	png := filepath.Join(dir, "s.png")
	if code, _, stderr := run(t, "sample", "--prompt", "hills", "--adapter", filepath.Join(dir, teach.AdapterFile)+"@1", "--out", png); code != 0 {
		t.Errorf("sample with the taught adapter: exit %d: %s", code, stderr)
	}
}

func TestTeachVanillaRatesWithoutTraining(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := run(t, "teach", "--task", "sun-box", "--vanilla", "--json", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep teach.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Curve) != 0 || rep.After != nil || len(rep.Eval) != 16 || rep.Eval[0].Before.Judge.Kind != "sun" {
		t.Errorf("vanilla report: %d steps, after %v, %d seeds", len(rep.Curve), rep.After, len(rep.Eval))
	}
	if _, err := os.Stat(filepath.Join(dir, teach.AdapterFile)); err == nil {
		t.Error("vanilla mode wrote an adapter")
	}
}

// A task file that leaves the judge out is graded by the one its question
// and drawing name; teach says which, and report.json records it.
func TestTeachSaysWhichJudgeItReadFromTheTask(t *testing.T) {
	dir := t.TempDir()
	task := filepath.Join(dir, "t.json")
	os.WriteFile(task, []byte(`{"name": "t", "prompts": ["hills at noon"],
		"questions": [{"question": "Is the sun in the red box?", "answer": "yes"}],
		"visual_prompt": {"strokes": [{"tool": "box", "x": 0.1, "y": 0.1, "x1": 0.4, "y1": 0.3}]}}`), 0o644)
	code, out, stderr := run(t, "teach", "--task", task, "--vanilla", "--eval-seeds", "0-1", "--json", "--out", filepath.Join(dir, "run"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := `judge: {"kind":"sun","box":[0.1,0.1,0.4,0.3]}, from the question "Is the sun in the red box?" and the drawing`; !strings.Contains(stderr, want) {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	var rep teach.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Judge.Kind != "sun" || rep.Judge.Box == nil || !strings.Contains(rep.JudgeFrom, "the drawing") {
		t.Errorf("report judge %+v from %q", rep.Judge, rep.JudgeFrom)
	}
}

// The oracle pulls the sky towards the judge's colour: a short run
// lowers its objective (the report's "rater" probability is the oracle's).
func TestTeachOracleRunsOnASkyTask(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := run(t, "teach", "--task", "sky-orange-noon", "--oracle", "--steps", "30", "--json", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep teach.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.After == nil || rep.After.RaterProb <= rep.Before.RaterProb {
		t.Errorf("oracle probability before %v, after %+v: want a rise", rep.Before.RaterProb, rep.After)
	}
}

func TestTeachBadInput(t *testing.T) {
	dir := t.TempDir()
	task := filepath.Join(dir, "zebra.json")
	os.WriteFile(task, []byte(`{"name": "z", "prompts": ["hills"], "questions": [{"question": "Is the zebra happy?", "answer": "yes"}],
		"judge": {"kind": "horizon", "row": 0.5}}`), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--task", "horizon-low"}, "want --out"},
		{[]string{"--task", "no-such-task", "--out", dir}, "no built-in task of that name"},
		{[]string{"--task", task, "--out", dir}, `"zebra"`},
		{[]string{"--task", "horizon-low", "--all", "--out", dir}, "one of --task or --all"},
		{[]string{"--task", "horizon-low", "--steps", "-2", "--out", dir}, "must not be negative"},
		{[]string{"--task", "horizon-low", "--learning-rate", "-0.1", "--out", dir}, "must not be negative"},
		{[]string{"--task", "horizon-low", "--learning-rate", "2", "--out", dir}, "train.learning_rate"},
		{[]string{"--task", "horizon-low", "--preserve", "1000", "--out", dir}, "train.preserve"},
		{[]string{"--task", "horizon-low", "--shift", "20", "--out", dir}, "train.shift"},
		{[]string{"--task", "horizon-low", "--temperature", "-1", "--out", dir}, "train.temperature"},
		{[]string{"--task", "horizon-low", "--rater", ",", "--out", dir}, "rater"},
		{[]string{"--task", "horizon-low", "--oracle", "--out", dir}, "the horizon judge has no pixel target"},
		{[]string{"--task", "sky-orange-noon", "--oracle", "--vanilla", "--out", dir}, "choose one"},
		{[]string{"--task", "horizon-low", "--eval-seeds", "9-3", "--out", dir}, "want FROM-TO"},
		{[]string{"--task", "horizon-low", "--eval-seeds", "ten", "--out", dir}, "want FROM-TO"},
		{[]string{"--task", "horizon-low", "--eval-seeds", "1000000-1000001", "--out", dir}, "also a training seed"},
		{[]string{"--task", "horizon-low", "--tasks", dir, "--out", dir}, "--tasks goes with --all"},
		{[]string{"--all", "--tasks", filepath.Join(dir, "none"), "--out", dir}, "no task files"},
		{[]string{"--all", "--tasks", dir, "--out", filepath.Join(dir, "out")}, `task z: questions[0]: unknown word(s) "zebra"`},
	} {
		code, _, stderr := run(t, append([]string{"teach"}, c.args...)...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
}

// teach --all --tasks DIR teaches the directory's task files, on the
// evaluation seeds --eval-seeds gives, and tabulates them.
func TestTeachAllTaskDirectoryOnOtherSeeds(t *testing.T) {
	tasks, out := t.TempDir(), t.TempDir()
	b, err := os.ReadFile("../assets/tasks/sun-box.json")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(tasks, "mine.json"), []byte(strings.Replace(string(b), `"sun-box"`, `"my-box"`, 1)), 0o644)
	code, stdout, stderr := run(t, "teach", "--all", "--tasks", tasks, "--steps", "2", "--eval-seeds", "40-42", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "| my-box | sun | ") || strings.Contains(stdout, "horizon") {
		t.Errorf("table %q: want the directory's task only", stdout)
	}
	var rep teach.Report
	b, err = os.ReadFile(filepath.Join(out, "my-box", teach.ReportFile))
	if err != nil || json.Unmarshal(b, &rep) != nil {
		t.Fatalf("report: %v", err)
	}
	if len(rep.Eval) != 3 || rep.Eval[0].Seed != 40 || rep.Eval[2].Seed != 42 {
		t.Errorf("evaluated %d seeds from %v, want 40..42", len(rep.Eval), rep.Eval)
	}
}

// --learning-rate, --preserve, --shift and --temperature override the task's, and several raters
// are asked together: the adapter records the hyper-parameters it was
// taught with.
func TestTeachOverridesHyperParametersWithAnEnsemble(t *testing.T) {
	out := t.TempDir()
	raters := "../assets/rater.safetensors,../assets/rater.safetensors"
	code, _, stderr := run(t, "teach", "--task", "sun-box", "--steps", "2", "--learning-rate", "0.0005",
		"--preserve", "-1", "--shift", "2", "--temperature", "3", "--eval-seeds", "40-41", "--rater", raters, "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	cfg, err := model.ReadAdapterConfig(filepath.Join(out, teach.AdapterFile))
	if err != nil {
		t.Fatal(err)
	}
	var task teach.Task
	if err := json.Unmarshal(cfg.Task, &task); err != nil {
		t.Fatal(err)
	}
	if task.Train.LearningRate != 0.0005 || task.Train.Preserve != -1 || task.Train.Steps != 2 || task.Train.Shift != 2 ||
		task.Train.Temperature != 3 {
		t.Errorf("taught with %+v; want learning rate 0.0005, no preservation, shift 2, temperature 3, 2 steps", task.Train)
	}
}
