package app

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"time"

	"dualprocess/training/teach"
	"dualprocess/training/world"
)

func init() {
	register(command{
		name: "bench",
		summary: "Time a built-in task's teaching (train + evaluate) with its default hyper-parameters, " +
			"and one generator forward pass; reports medians over runs.",
		args:  "[--task NAME] [--runs N] [--json]",
		setup: setupBench,
	})
}

// benchResult is what bench measures; times are medians in seconds.
type benchResult struct {
	Task          string  `json:"task"`
	Runs          int     `json:"runs"`
	Steps         int     `json:"steps"`
	TeachSeconds  float64 `json:"teach_seconds_median"` // training + evaluation
	TrainSeconds  float64 `json:"train_seconds_median"`
	StepsPerSec   float64 `json:"steps_per_sec_median"`
	ForwardMillis float64 `json:"generator_forward_ms_median"`
	GoalSeconds   float64 `json:"goal_seconds"`
	LimitSeconds  float64 `json:"limit_seconds"`
}

func setupBench(fs *flag.FlagSet) func(env, []string) error {
	taskName := fs.String("task", "horizon-low", "built-in task or task file")
	runs := fs.Int("runs", 3, "number of teaching runs")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	return func(e env, args []string) error {
		if err := noArgs(args); err != nil {
			return err
		}
		if *runs < 1 || *runs > 50 {
			return usagef("--runs %d: want 1 to 50", *runs)
		}
		task, err := loadTask(*taskName)
		if err != nil {
			return usagef("%w", err)
		}
		m, err := loadModels("", "")
		if err != nil {
			return err
		}
		res := benchResult{Task: task.Name, Runs: *runs, Steps: task.Train.Steps, GoalSeconds: 30, LimitSeconds: 60}
		// one forward pass of the kept sampler, 50 times
		s, err := m.gen.NewSampler(1)
		if err != nil {
			return err
		}
		defer s.Close()
		p := task.ParsedPrompts()[0]
		var fwd []float64
		for i := 0; i < 50; i++ {
			t := time.Now()
			if _, err := s.Generate([]world.Prompt{p}, [][]float64{world.Noise(int64(i))}); err != nil {
				return err
			}
			fwd = append(fwd, time.Since(t).Seconds()*1000)
		}
		res.ForwardMillis = median(fwd)
		var total, train, rate []float64
		for i := 0; i < *runs; i++ {
			if err := e.ctx.Err(); err != nil {
				return err
			}
			dir, err := os.MkdirTemp("", "dualprocess-bench")
			if err != nil {
				return err
			}
			t := time.Now()
			rep, err := teach.Run(e.ctx, task, m.gen, teach.NewFrozenRater(m.rater), dir, nil)
			os.RemoveAll(dir)
			if err != nil {
				return err
			}
			total = append(total, time.Since(t).Seconds())
			train, rate = append(train, rep.TrainSeconds), append(rate, rep.StepsPerSec)
			fmt.Fprintf(e.stderr, "run %d: %.1f s (training %.1f s, %.1f steps/s)\n", i+1, total[i], rep.TrainSeconds, rep.StepsPerSec)
		}
		res.TeachSeconds, res.TrainSeconds, res.StepsPerSec = median(total), median(train), median(rate)
		if *asJSON {
			return printJSON(e, res)
		}
		fmt.Fprintf(e.stdout, "task %s, %d steps, median of %d runs: %.1f s to teach and evaluate (goal %.0f s, limit %.0f s; %.2f of the limit)\n",
			res.Task, res.Steps, res.Runs, res.TeachSeconds, res.GoalSeconds, res.LimitSeconds, res.TeachSeconds/res.LimitSeconds)
		fmt.Fprintf(e.stdout, "training %.1f s at %.1f steps/s; generator forward pass %.1f ms\n", res.TrainSeconds, res.StepsPerSec, res.ForwardMillis)
		return nil
	}
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
