package teach

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"dualprocess/model"
)

// Run teaches the task and writes the run's outputs into dir: the adapter,
// report.json, the before/after grid and the loss curve. A run stopped by
// ctx, or ended by a non-finite loss, still evaluates and writes what it
// has (the adapter with its last good weights); the error says why it ended.
func Run(ctx context.Context, task *Task, gen *model.Generator, rater Rater, dir string, events chan<- Event) (*Report, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("teach: %w", err)
	}
	task = task.Taught()
	rep, adapter, trainErr := Teach(ctx, task, gen, rater, events)
	if rep == nil {
		return nil, trainErr
	}
	imgs, err := Evaluate(context.WithoutCancel(ctx), task, gen, rater, adapter, rep)
	if err != nil {
		return rep, errors.Join(trainErr, err)
	}
	if err := save(dir, task, gen, adapter, rep, imgs); err != nil {
		return rep, errors.Join(trainErr, err)
	}
	if events != nil {
		events <- Event{Kind: "done", Step: len(rep.Curve), Steps: task.Train.Steps, Report: rep}
	}
	return rep, trainErr
}

// RateBase scores the base generator's samples for the task without
// training (the paper's vanilla mode) and writes report.json and the grid.
func RateBase(ctx context.Context, task *Task, gen *model.Generator, rater Rater, dir string) (*Report, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("rate: %w", err)
	}
	rep := newReport(task)
	imgs, err := Evaluate(ctx, task, gen, rater, nil, rep)
	if err != nil {
		return nil, err
	}
	if err := writeReport(dir, rep); err != nil {
		return rep, err
	}
	ov, _ := task.Overlay()
	return rep, writeGrid(filepath.Join(dir, GridFile), imgs, ov)
}

func save(dir string, task *Task, gen *model.Generator, adapter *model.Adapter, rep *Report, imgs *Images) error {
	// The adapter records the task as taught (Run resolved the judge's
	// defaults), so that it reruns the same under other defaults.
	taskJSON, err := json.Marshal(task)
	if err != nil {
		return err
	}
	metrics, err := json.Marshal(map[string]any{"before": rep.Before, "after": rep.After, "steps": len(rep.Curve)})
	if err != nil {
		return err
	}
	adapter.Config.Task, adapter.Config.Metrics = taskJSON, metrics
	if err := adapter.Save(filepath.Join(dir, AdapterFile), gen); err != nil {
		return err
	}
	if err := writeReport(dir, rep); err != nil {
		return err
	}
	ov, err := task.Overlay()
	if err != nil {
		return err
	}
	if err := writeGrid(filepath.Join(dir, GridFile), imgs, ov); err != nil {
		return err
	}
	if len(rep.Curve) == 0 {
		return nil
	}
	return writeCurve(filepath.Join(dir, CurveFile), rep.Curve)
}
