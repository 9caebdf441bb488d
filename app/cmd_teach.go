package app

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"dualprocess/assets"
	"dualprocess/model"
	"dualprocess/training/judge"
	"dualprocess/training/teach"
)

func init() {
	register(command{
		name: "teach",
		summary: "Teach the generator a control: train a LoRA adapter with the rater's answers, then grade " +
			"before and after with the task's independent judge.",
		args:  "(--task FILE|NAME | --all [--tasks DIR]) --out DIR [--steps N] [--learning-rate LR] [--preserve W] [--shift PX] [--temperature T] [--darken W] [--eval-seeds FROM-TO] [--vanilla | --oracle] [--json] [--generator FILE] [--rater FILE[,FILE...]]",
		setup: setupTeach,
	})
}

// models are the networks teaching needs.
type models struct {
	gen   *model.Generator
	rater *model.Rater
	// more are further raters teaching asks together with rater (an ensemble).
	more []*model.Rater
}

func loadModels(genPath, raterPath string) (*models, error) {
	gen, err := loadGenerator(genPath)
	if err != nil {
		return nil, err
	}
	paths, err := raterPaths(raterPath)
	if err != nil {
		return nil, err
	}
	raters := make([]*model.Rater, len(paths))
	for i, p := range paths {
		if raters[i], err = loadRaterWeights(p); err != nil {
			return nil, err
		}
	}
	if err := loadJudgeNets(); err != nil {
		return nil, err
	}
	return &models{gen: gen, rater: raters[0], more: raters[1:]}, nil
}

// raterPaths splits a comma-separated list of rater files; "" is the
// built-in rater alone.
func raterPaths(list string) ([]string, error) {
	if list == "" {
		return []string{""}, nil
	}
	paths := strings.Split(list, ",")
	for i, p := range paths {
		if paths[i] = strings.TrimSpace(p); paths[i] == "" {
			return nil, fmt.Errorf("--rater %q: rater %d of the list has no file name", list, i+1)
		}
	}
	return paths, nil
}

// frozen is the rater teaching asks: the one rater, or all of them together.
func (m *models) frozen() teach.Rater {
	if len(m.more) == 0 {
		return teach.NewFrozenRater(m.rater)
	}
	e := teach.Ensemble{teach.NewFrozenRater(m.rater)}
	for _, r := range m.more {
		e = append(e, teach.NewFrozenRater(r))
	}
	return e
}

// loadRaterWeights reads the rater at path, or the built-in one.
func loadRaterWeights(path string) (*model.Rater, error) {
	if path == "" {
		return model.DecodeRater(assets.Rater, "built-in rater weights")
	}
	return model.LoadRater(path)
}

// loadJudgeNets sets the learned judges' models, depth and tree, from the
// built-in weights.
func loadJudgeNets() error {
	if judge.Depth == nil {
		d, err := model.DecodeDepthNet(assets.Depth, "built-in depth judge weights")
		if err != nil {
			return err
		}
		judge.Depth = d
	}
	if judge.Trees == nil {
		t, err := model.DecodeTreeNet(assets.Trees, "built-in tree judge weights")
		if err != nil {
			return err
		}
		judge.Trees = t
	}
	return nil
}

// noteJudge says which judge a task file that left it out is graded by,
// and where it was read from.
func noteJudge(w io.Writer, task *teach.Task) {
	if task.JudgeFrom != "" {
		b, _ := json.Marshal(task.Judge)
		fmt.Fprintf(w, "judge: %s, %s\n", b, task.JudgeFrom)
	}
}

// loadTask reads a task file, or a built-in task by name.
func loadTask(name string) (*teach.Task, error) {
	if _, err := os.Stat(name); err == nil {
		return teach.LoadTask(name)
	}
	b, err := fs.ReadFile(assets.Tasks, "tasks/"+strings.TrimSuffix(name, ".json")+".json")
	if err != nil {
		return nil, fmt.Errorf("task %q: no such file, and no built-in task of that name (built-in: %s)", name, strings.Join(builtinTasks(), ", "))
	}
	return teach.ParseTask(b)
}

func builtinTasks() []string {
	entries, _ := fs.ReadDir(assets.Tasks, "tasks")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".json"))
	}
	return names
}

func setupTeach(fs *flag.FlagSet) func(env, []string) error {
	taskName := fs.String("task", "", "task file, or the name of a built-in task: "+strings.Join(builtinTasks(), ", "))
	all := fs.Bool("all", false, "teach every built-in task, each into DIR/NAME, and print a table of the results")
	out := fs.String("out", "", "directory for the adapter, report.json, grid.png and loss.png (required)")
	steps := fs.Int("steps", 0, "optimisation steps (0: the task's)")
	lr := fs.Float64("learning-rate", 0, "learning rate (0: the task's)")
	preserve := fs.Float64("preserve", 0, "weight of the preservation term (0: the task's; negative: none)")
	shift := fs.Int("shift", 0, "largest random move in pixels of the images the rater sees (0: the task's; negative: none)")
	temperature := fs.Float64("temperature", 0, "divide the rater's logits by T in the loss (0: the task's)")
	darken := fs.Float64("darken", 0, "weight of the penalty on paint near-black where the base image is not (0: the task's; negative: none)")
	vanilla := fs.Bool("vanilla", false, "only rate the base generator's samples for the task (no training)")
	asJSON := fs.Bool("json", false, "print the report as JSON instead of progress and a summary")
	genPath := fs.String("generator", "", "generator weights (default: built in)")
	raterPath := fs.String("rater", "", "rater weights (default: built in); several, comma-separated, are asked together (their mean cross-entropy)")
	oracle := fs.Bool("oracle", false, "a capacity check, not teaching: a pixel objective on the judge's target stands in for the rater (sky and palette tasks)")
	evalSeeds := fs.String("eval-seeds", "", "evaluate on noise seeds FROM-TO instead of the task's (e.g. 100-115, to compare task designs on seeds their reports do not use)")
	tasksDir := fs.String("tasks", "", "with --all: teach every task file in this directory instead of the built-in tasks")
	return func(e env, args []string) error {
		if err := noArgs(args); err != nil {
			return err
		}
		if (*taskName == "") == !*all || *out == "" {
			return usagef("want --out and one of --task or --all")
		}
		if *steps < 0 || *lr < 0 {
			return usagef("--steps and --learning-rate must not be negative")
		}
		if *vanilla && *oracle {
			return usagef("--vanilla rates with the rater; --oracle replaces it: choose one")
		}
		if *tasksDir != "" && !*all {
			return usagef("--tasks goes with --all")
		}
		seeds, err := teach.ParseSeedRange(*evalSeeds)
		if err != nil {
			return usagef("--eval-seeds: %w", err)
		}
		if _, err := raterPaths(*raterPath); err != nil {
			return usagef("%w", err)
		}
		override := func(task *teach.Task) error {
			if *steps > 0 {
				task.Train.Steps = *steps
			}
			if *lr > 0 {
				task.Train.LearningRate = *lr
			}
			if *preserve != 0 {
				task.Train.Preserve = *preserve
			}
			if *shift != 0 {
				task.Train.Shift = *shift
			}
			if *temperature != 0 {
				task.Train.Temperature = *temperature
			}
			if *darken != 0 {
				task.Train.Darken = *darken
			}
			if seeds != nil {
				task.Train.EvalSeeds = seeds
			}
			return task.Validate()
		}
		if *all {
			tasks, err := tasksToTeach(*tasksDir, override)
			if err != nil {
				return usagef("%w", err)
			}
			m, err := loadModels(*genPath, *raterPath)
			if err != nil {
				return err
			}
			for _, task := range tasks { // before any task is taught
				if err := m.checkQuestions(task); err != nil {
					return usagef("task %s: %w", task.Name, err)
				}
			}
			return teachAll(e, m, *out, tasks, *oracle)
		}
		task, err := loadTask(*taskName)
		if err != nil {
			return usagef("%w", err)
		}
		if err := override(task); err != nil {
			return usagef("%w", err)
		}
		m, err := loadModels(*genPath, *raterPath)
		if err != nil {
			return err
		}
		if err := m.checkQuestions(task); err != nil {
			return usagef("%w", err)
		}
		rater, err := raterFor(task, m, *oracle)
		if err != nil {
			return usagef("%w", err)
		}
		noteJudge(e.stderr, task)
		var rep *teach.Report
		if *vanilla {
			rep, err = teach.RateBase(e.ctx, task, m.gen, rater, *out)
		} else {
			rep, err = runWithProgress(e.ctx, task, m.gen, rater, *out, e.stderr, !*asJSON)
		}
		if rep != nil && *asJSON {
			if jerr := printJSON(e, rep); jerr != nil {
				return jerr
			}
		} else if rep != nil {
			printSummary(e.stdout, rep, *out)
		}
		return err
	}
}

// raterFor is the frozen rater, or with oracle the task judge's pixel oracle.
func raterFor(task *teach.Task, m *models, oracle bool) (teach.Rater, error) {
	if oracle {
		return teach.NewPixelOracle(task.Judge)
	}
	return m.frozen(), nil
}

// checkQuestions refuses questions that a rater teaching asks would not
// understand, before any work starts.
func (m *models) checkQuestions(task *teach.Task) error {
	for _, r := range append([]*model.Rater{m.rater}, m.more...) {
		if err := checkQuestions(r, task); err != nil {
			return err
		}
	}
	return nil
}

// checkQuestions refuses questions with words the rater does not know,
// before any work starts.
func checkQuestions(r *model.Rater, task *teach.Task) error {
	for i, qa := range task.Questions {
		if _, err := r.Tokenizer().Encode(qa.Question); err != nil {
			return fmt.Errorf("questions[%d]: %w", i, err)
		}
		if _, err := r.AnswerIndex(strings.ToLower(qa.Answer)); err != nil {
			return fmt.Errorf("questions[%d].answer: %w", i, err)
		}
	}
	return nil
}

// runWithProgress teaches while drawing a progress bar on w (a terminal),
// or writing a progress line every tenth of the run (a file or pipe).
func runWithProgress(ctx context.Context, task *teach.Task, gen *model.Generator, rater teach.Rater, dir string, w io.Writer, bar bool) (*teach.Report, error) {
	tty := isTerminal(w)
	events := make(chan teach.Event, 64)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range events {
			if !bar {
				continue
			}
			switch ev.Kind {
			case "progress":
				const width = 30
				n := width * ev.Step / ev.Steps
				line := fmt.Sprintf("[%s%s] %d/%d  loss %.3f  p %.2f  %.1f steps/s  eta %s ", strings.Repeat("#", n),
					strings.Repeat(".", width-n), ev.Step, ev.Steps, ev.Loss, ev.Prob, ev.StepsPerSec, ev.ETA.Round(time.Second))
				if tty {
					fmt.Fprint(w, "\r"+line)
				} else if ev.Step%max(1, ev.Steps/10) == 0 || ev.Step == ev.Steps {
					fmt.Fprintln(w, line)
				}
			case "error":
				fmt.Fprintf(w, "\n%v\n", ev.Err)
			}
		}
		if bar && tty {
			fmt.Fprintln(w)
		}
	}()
	rep, err := teach.Run(ctx, task, gen, rater, dir, events)
	close(events)
	<-done
	return rep, err
}

func printSummary(w io.Writer, rep *teach.Report, dir string) {
	fmt.Fprintf(w, "task %s: %d steps in %.1f s (%.1f steps/s), evaluation %.1f s\n", rep.Task, len(rep.Curve),
		rep.TrainSeconds, rep.StepsPerSec, rep.EvalSeconds)
	if rep.Stopped {
		fmt.Fprintln(w, "stopped early")
	}
	b := rep.Before
	fmt.Fprintf(w, "before: judge %d/%d passed (%.0f%%), rater probability %.2f\n", b.JudgePassed, b.Of, 100*b.JudgeSuccess, b.RaterProb)
	if a := rep.After; a != nil {
		fmt.Fprintf(w, "after:  judge %d/%d passed (%.0f%%), rater probability %.2f; the rater passes %d, of which the judge fails %d\n",
			a.JudgePassed, a.Of, 100*a.JudgeSuccess, a.RaterProb, a.RaterPassed, a.RaterFooled)
	}
	fmt.Fprintf(w, "outputs in %s\n", filepath.Clean(dir))
}

// tasksToTeach loads every task file in dir (sorted by name), or the
// built-in tasks when dir is empty, each changed by override.
func tasksToTeach(dir string, override func(*teach.Task) error) ([]*teach.Task, error) {
	names := builtinTasks()
	if dir != "" {
		files, err := filepath.Glob(filepath.Join(dir, "*.json"))
		if err != nil || len(files) == 0 {
			return nil, fmt.Errorf("--tasks %s: no task files (*.json) there", dir)
		}
		names = files
	}
	var tasks []*teach.Task
	seen := map[string]string{}
	for _, name := range names {
		task, err := loadTask(name)
		if err != nil {
			return nil, err
		}
		if err := override(task); err != nil {
			return nil, fmt.Errorf("task %s: %w", name, err)
		}
		if other, ok := seen[task.Name]; ok {
			return nil, fmt.Errorf("tasks %s and %s are both named %q (each is taught into DIR/NAME)", other, name, task.Name)
		}
		seen[task.Name] = name
		tasks = append(tasks, task)
	}
	return tasks, nil
}

// teachAll teaches every task and prints a Markdown table of the
// judge's and the rater's success before and after. With oracle it runs
// the pixel oracle instead of the rater, on the tasks whose judge has one.
func teachAll(e env, m *models, dir string, tasks []*teach.Task, oracle bool) error {
	var rows []string
	for _, task := range tasks {
		name := task.Name
		rater, err := raterFor(task, m, oracle)
		if err != nil {
			fmt.Fprintf(e.stderr, "== %s: skipped: %v\n", name, err)
			continue
		}
		fmt.Fprintf(e.stderr, "== %s\n", name)
		noteJudge(e.stderr, task)
		rep, err := runWithProgress(e.ctx, task, m.gen, rater, filepath.Join(dir, name), e.stderr, true)
		if err != nil {
			return fmt.Errorf("task %s: %w", name, err)
		}
		b, a := rep.Before, rep.After
		rows = append(rows, fmt.Sprintf("| %s | %s | %d/%d (%.0f%%) | %d/%d (%.0f%%) | %.3g -> %.3g (%.3g %s) | %.2f | %.2f | %d of %d | %.3f | %.0f s |", name, task.Judge.Kind,
			b.JudgePassed, b.Of, 100*b.JudgeSuccess, a.JudgePassed, a.Of, 100*a.JudgeSuccess, b.MedianError, a.MedianError, a.Tolerance, a.Units,
			b.RaterProb, a.RaterProb, a.RaterFooled, a.RaterPassed, a.MeanChange, rep.TrainSeconds+rep.EvalSeconds))
	}
	fmt.Fprintln(e.stdout, "| task | judge | judge success before | judge success after | median judge error before -> after (tolerance) | rater p before | rater p after | rater fooled after | image change | time |")
	fmt.Fprintln(e.stdout, "|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Fprintln(e.stdout, r)
	}
	return nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
