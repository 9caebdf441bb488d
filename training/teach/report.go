package teach

import (
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"dualprocess/model/safetensors"
	"dualprocess/picture"
	"dualprocess/training/judge"
	"dualprocess/training/visual"
)

// Report is everything a run measured; report.json holds it.
type Report struct {
	Task string `json:"task"`
	// Judge is the independent check the seeds were graded by, and
	// JudgeFrom where it was read from when the task file left it out.
	Judge        judge.Target `json:"judge"`
	JudgeFrom    string       `json:"judge_from,omitempty"`
	Steps        int          `json:"steps"`   // asked for
	Stopped      bool         `json:"stopped"` // ended early by the user
	Error        string       `json:"error,omitempty"`
	Curve        []Point      `json:"curve"` // one point per step done
	Eval         []SeedResult `json:"eval"`
	Before       Summary      `json:"before"`
	After        *Summary     `json:"after,omitempty"`
	TrainSeconds float64      `json:"train_seconds"`
	EvalSeconds  float64      `json:"eval_seconds"`
	StepsPerSec  float64      `json:"steps_per_sec"`
}

// newReport is the report of a run of task, before it measures anything.
func newReport(task *Task) *Report {
	return &Report{Task: task.Name, Judge: task.Judge, JudgeFrom: task.JudgeFrom}
}

// Point is one optimisation step.
type Point struct {
	Step     int     `json:"step"`
	Loss     float64 `json:"loss"`
	Prob     float64 `json:"rater_prob"` // exp(-loss)
	GradNorm float64 `json:"grad_norm"`  // before clipping
}

// Files written into a run's directory.
const (
	ReportFile  = "report.json"
	AdapterFile = "adapter.safetensors"
	GridFile    = "grid.png"
	CurveFile   = "loss.png"
)

// writeReport writes report.json atomically.
func writeReport(dir string, rep *Report) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return safetensors.WriteFileAtomic(filepath.Join(dir, ReportFile), append(b, '\n'))
}

// writeGrid lays out one row per evaluation seed: before, after, and after
// with the visual prompt overlaid (before twice when there is no after).
func writeGrid(path string, imgs *Images, ov *visual.Overlay) error {
	var tiles []image.Image
	for i, b := range imgs.Before {
		a := b
		if i < len(imgs.After) {
			a = imgs.After[i]
		}
		withPrompt := image.Image(a)
		if ov != nil {
			o, err := ov.Apply(a)
			if err != nil {
				return err
			}
			withPrompt = o
		}
		tiles = append(tiles, b, a, withPrompt)
	}
	return picture.WritePNG(path, picture.Grid(tiles, 3))
}

// writeCurve plots loss and rater probability against the step.
func writeCurve(path string, curve []Point) error {
	p := plot.New()
	p.Title.Text = "teaching"
	p.X.Label.Text = "step"
	p.Y.Label.Text = "loss (cross-entropy) / rater probability"
	loss, prob := make(plotter.XYs, len(curve)), make(plotter.XYs, len(curve))
	for i, c := range curve {
		loss[i] = plotter.XY{X: float64(c.Step), Y: c.Loss}
		prob[i] = plotter.XY{X: float64(c.Step), Y: c.Prob}
	}
	for _, s := range []struct {
		name string
		xy   plotter.XYs
		c    color.RGBA
	}{{"loss", loss, color.RGBA{200, 40, 40, 255}}, {"rater probability", prob, color.RGBA{40, 90, 200, 255}}} {
		l, err := plotter.NewLine(s.xy)
		if err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		l.Color = s.c
		p.Add(l)
		p.Legend.Add(s.name, l)
	}
	p.Legend.Top = true
	tmp := path + ".tmp.png"
	if err := p.Save(6*vg.Inch, 4*vg.Inch, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("plot: %w", err)
	}
	return os.Rename(tmp, path)
}
