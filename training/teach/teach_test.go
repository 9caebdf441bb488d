package teach

import (
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/draw"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"

	"dualprocess/model"
	"dualprocess/picture"
	"dualprocess/training/judge"
	"dualprocess/training/visual"
	"dualprocess/training/vqa"
)

// redRater is a tiny differentiable stand-in for the rater, for testing the
// loop's mechanics: p(yes) = sigmoid(20 * (mean red - 0.6)).
type redRater struct{}

func (redRater) LogProb(images *G.Node, _ *visual.Overlay, _, answer string) (*G.Node, error) {
	red, err := G.Slice(images, nil, G.S(0))
	if err != nil {
		return nil, err
	}
	m, err := G.Mean(red, 1, 2)
	if err != nil {
		return nil, err
	}
	s, err := G.Mul(G.Must(G.Sub(m, G.NewConstant(float32(0.6)))), G.NewConstant(float32(20)))
	if err != nil {
		return nil, err
	}
	if answer == "yes" {
		s = G.Must(G.Neg(s))
	}
	return G.Neg(G.Must(G.Softplus(s))) // log sigmoid(±s)
}

func (redRater) Prob(img image.Image, _ *visual.Overlay, _, answer string) (float64, error) {
	var sum float64
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, _, _, _ := img.At(x, y).RGBA()
			sum += float64(r) / 0xffff
		}
	}
	p := 1 / (1 + math.Exp(-20*(sum/float64(b.Dx()*b.Dy())-0.6)))
	if answer == "no" {
		p = 1 - p
	}
	return p, nil
}

const toyTask = `{
  "name": "redder",
  "prompts": ["desert at sunset", "city at noon"],
  "questions": [{"question": "Is the image red?", "answer": "Yes"}],
  "visual_prompt": {"strokes": [{"tool": "hline", "y": 0.7}]},
  "judge": {"kind": "horizon", "row": 0.7},
  "train": {"steps": 25, "batch": 2, "learning_rate": 0.01, "rank": 4, "eval_seeds": [1, 2, 3], "preview_every": 10}
}`

func toyGenerator(t *testing.T) *model.Generator {
	t.Helper()
	gen, err := model.NewGenerator(model.DefaultConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	return gen
}

func mustTask(t *testing.T, s string) *Task {
	t.Helper()
	task, err := ParseTask([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return task
}

func TestRunLowersTheLossAndWritesEverything(t *testing.T) {
	dir := t.TempDir()
	events := make(chan Event, 1000)
	rep, err := Run(context.Background(), mustTask(t, toyTask), toyGenerator(t), redRater{}, dir, events)
	if err != nil {
		t.Fatal(err)
	}
	close(events)
	c := rep.Curve
	if len(c) != 25 {
		t.Fatalf("%d steps recorded, want 25", len(c))
	}
	first, last := (c[0].Loss+c[1].Loss+c[2].Loss)/3, (c[22].Loss+c[23].Loss+c[24].Loss)/3
	if last >= first*0.8 {
		t.Errorf("loss %.3f -> %.3f: did not fall", first, last)
	}
	if rep.After == nil || rep.After.RaterProb <= rep.Before.RaterProb {
		t.Errorf("rater probability before %.3f after %+v: want a rise", rep.Before.RaterProb, rep.After)
	}
	for _, f := range []string{ReportFile, AdapterFile, GridFile, CurveFile} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	var saved Report
	b, _ := os.ReadFile(filepath.Join(dir, ReportFile))
	if err := json.Unmarshal(b, &saved); err != nil || len(saved.Eval) != 3 || saved.Eval[0].After == nil {
		t.Errorf("report.json: %v, %d eval seeds", err, len(saved.Eval))
	}
	kinds := map[string]int{}
	for e := range events {
		kinds[e.Kind]++
	}
	if kinds["progress"] != 25 || kinds["preview"] != 3 || kinds["done"] != 1 {
		t.Errorf("events %v, want 25 progress, 3 previews, 1 done", kinds)
	}
	gen := toyGenerator(t)
	if _, err := model.LoadAdapter(filepath.Join(dir, AdapterFile), gen); err != nil {
		t.Errorf("the saved adapter does not load: %v", err)
	}
	// The toy task is judged by the horizon and sets no shift or layers:
	// the adapter records the defaults it was taught with.
	cfg, err := model.ReadAdapterConfig(filepath.Join(dir, AdapterFile))
	if err != nil {
		t.Fatal(err)
	}
	var taught Task
	if err := json.Unmarshal(cfg.Task, &taught); err != nil || taught.Train.Shift != HorizonShift || taught.Train.Targets != Defaults.Targets {
		t.Errorf("adapter's task: shift %d, targets %q (%v), want the defaults %d, %q",
			taught.Train.Shift, taught.Train.Targets, err, HorizonShift, Defaults.Targets)
	}
}

func TestCancelledRunStillWritesItsResults(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	events := make(chan Event, 1000)
	go func() {
		for e := range events {
			if e.Kind == "progress" && e.Step == 5 {
				cancel()
			}
		}
	}()
	rep, err := Run(ctx, mustTask(t, toyTask), toyGenerator(t), redRater{}, dir, events)
	close(events)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Stopped || len(rep.Curve) < 5 || len(rep.Curve) >= 25 {
		t.Fatalf("stopped=%v after %d steps, want stopped early", rep.Stopped, len(rep.Curve))
	}
	for _, f := range []string{ReportFile, AdapterFile, GridFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s not written after stop: %v", f, err)
		}
	}
}

func TestNaNLossStopsTheRunAndKeepsTheLastGoodAdapter(t *testing.T) {
	task := mustTask(t, toyTask)
	s, err := newSession(task, toyGenerator(t), redRater{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.poison = 6
	rep, adapter, err := s.run(context.Background())
	if !errors.Is(err, ErrNotFinite) || !strings.Contains(rep.Error, "step 6") {
		t.Fatalf("err %v, report error %q: want a not-finite error at step 6", err, rep.Error)
	}
	if len(rep.Curve) != 5 {
		t.Fatalf("%d good steps recorded, want 5", len(rep.Curve))
	}
	for name, b := range adapter.B {
		for _, v := range b.Data().([]float32) {
			if math.IsNaN(float64(v)) {
				t.Fatalf("adapter %s holds NaN", name)
			}
		}
	}
}

func TestSummaryMeanChangeAveragesTheSeedsChange(t *testing.T) {
	seeds := []SeedResult{{After: &Rating{}, Change: 0.1}, {After: &Rating{}, Change: 0.3}}
	if s := summarize(seeds, true); math.Abs(s.MeanChange-0.2) > 1e-12 {
		t.Fatalf("mean change %v, want 0.2", s.MeanChange)
	}
	if s := summarize(seeds, false); s.MeanChange != 0 {
		t.Fatalf("before: mean change %v, want 0", s.MeanChange)
	}
}

// The preservation term keeps the adapted image near the base image: the
// toy rater wants red everywhere, and a heavy preserve weight lets the
// adapter change the image far less than none does.
func TestPreserveKeepsTheAdaptedImageNearTheBase(t *testing.T) {
	change := func(preserve string) float64 {
		task := mustTask(t, strings.Replace(toyTask, `"steps": 25`, `"steps": 25, "preserve": `+preserve, 1))
		rep, err := Run(context.Background(), task, toyGenerator(t), redRater{}, t.TempDir(), nil)
		if err != nil {
			t.Fatal(err)
		}
		return rep.After.MeanChange
	}
	free, kept := change("-1"), change("50")
	t.Logf("mean change: %.4f without the term, %.4f with weight 50", free, kept)
	if !(kept < free/2) {
		t.Errorf("mean change %.4f with preserve 50, %.4f without: want less than half", kept, free)
	}
}

func TestSummaryMedianJudgeError(t *testing.T) {
	rating := func(err float64) *Rating {
		return &Rating{Judge: judge.Result{Found: err >= 0, Verdict: &judge.Verdict{Pass: err >= 0 && err <= 25, Error: err, Tolerance: 25, Units: "delta E"}}}
	}
	// the last seed's judge found no sky: it has no distance
	seeds := []SeedResult{{After: rating(40)}, {After: rating(10)}, {After: rating(30)}, {After: rating(50)}, {After: rating(-1)}}
	s := summarize(seeds, true)
	if s.MedianError != 35 || s.Tolerance != 25 || s.Units != "delta E" || s.JudgePassed != 1 {
		t.Errorf("summary %+v: want median 35 of 25 delta E, 1 passed", s)
	}
	if s := summarize(seeds[:3], true); s.MedianError != 30 {
		t.Errorf("median of three %v, want 30", s.MedianError)
	}
}

// The settings a task leaves unset that depend on its judge: a horizon task
// moves its rated images by HorizonShift, the others do not move them; a
// line-weight task adapts LineWeightTargets at LineWeightRate, a horizon
// task the scene-layout layers at HorizonRate, the others those layers at
// the default rate; a sky task keeps the
// image with SkyPreserve, a palette task with PalettePreserve, the others
// with the default weight; a palette task is taught at PaletteTemperature,
// a horizon task at HorizonTemperature, a depth task at DepthTemperature
// and DepthRate with near-black paint penalised by DepthDarken (unless it
// keeps no base image to compare with), the others at 1 without that
// penalty (-1). A task's own
// values win. The defaults are not written into the task, so a task whose judge
// changes does not keep them.
func TestDefaultsByJudge(t *testing.T) {
	layout, lw := Defaults.Targets, LineWeightTargets
	for _, c := range []struct {
		judge, train string
		shift        int
		rate         float64
		targets      string
	}{
		{`"judge": {"kind": "horizon", "row": 0.7}`, `"train": {}`, HorizonShift, HorizonRate, layout},
		{`"judge": {"kind": "horizon", "row": 0.7}`, `"train": {"shift": 5, "targets": "all"}`, 5, HorizonRate, "all"},
		{`"judge": {"kind": "horizon", "row": 0.7}`, `"train": {"shift": -1, "learning_rate": 0.004}`, -1, 0.004, layout},
		{`"judge": {"kind": "horizon", "row": 0.7}`, `"train": {"targets": "noise"}`, HorizonShift, NoiseRate, "noise"},
		{`"judge": {"kind": "lineweight", "width": 1.5}`, `"train": {"targets": "noise", "learning_rate": 0.01}`, -1, 0.01, "noise"},
		{`"judge": {"kind": "lineweight", "width": 1.5}`, `"train": {}`, -1, LineWeightRate, lw},
		{`"judge": {"kind": "lineweight", "width": 1.5}`, `"train": {"shift": 2, "learning_rate": 0.001}`, 2, 0.001, lw},
		{`"judge": {"kind": "lineweight", "width": 1.5}`, `"train": {"targets": "fc,seed"}`, -1, LineWeightRate, "fc,seed"},
		{`"judge": {"kind": "palette", "colors": ["#102030"]}`, `"train": {}`, -1, Defaults.LearningRate, layout},
		{`"judge": {"kind": "sky", "colors": ["#f09040"]}`, `"train": {}`, -1, Defaults.LearningRate, layout},
		{`"judge": {"kind": "sky", "colors": ["#f09040"]}`, `"train": {"preserve": 3}`, -1, Defaults.LearningRate, layout},
		{`"judge": {"kind": "palette", "colors": ["#102030"]}`, `"train": {"temperature": 2}`, -1, Defaults.LearningRate, layout},
		{`"judge": {"kind": "palette", "colors": ["#102030"]}`, `"train": {"preserve": 3}`, -1, Defaults.LearningRate, layout},
		{`"judge": {"kind": "depth", "points": [[0.3, 0.5], [0.7, 0.5]]}`, `"train": {}`, -1, DepthRate, layout},
		{`"judge": {"kind": "depth", "points": [[0.3, 0.5], [0.7, 0.5]]}`, `"train": {"preserve": -1}`, -1, DepthRate, layout},
		{`"judge": {"kind": "depth", "points": [[0.3, 0.5], [0.7, 0.5]]}`, `"train": {"darken": 7, "temperature": 2}`, -1, DepthRate, layout},
	} {
		task, err := ParseTask([]byte(replaceField(replaceField(toyTask, "train", c.train), "judge", c.judge)))
		if err != nil {
			t.Fatal(err)
		}
		got := task.Taught().Train
		if got.Shift != c.shift || got.LearningRate != c.rate || got.Targets != c.targets {
			t.Errorf("%s, %s: taught with shift %d, rate %g, targets %q; want %d, %g, %q",
				c.judge, c.train, got.Shift, got.LearningRate, got.Targets, c.shift, c.rate, c.targets)
		}
		preserve := Defaults.Preserve
		switch {
		case strings.Contains(c.train, `"preserve": -1`):
			preserve = -1
		case strings.Contains(c.train, "preserve"):
			preserve = 3
		case strings.Contains(c.judge, "sky"):
			preserve = SkyPreserve
		case strings.Contains(c.judge, "palette"):
			preserve = PalettePreserve
		}
		if got.Preserve != preserve {
			t.Errorf("%s, %s: taught with preservation weight %g, want %g", c.judge, c.train, got.Preserve, preserve)
		}
		temperature := 1.0
		switch {
		case strings.Contains(c.train, "temperature"):
			temperature = 2
		case strings.Contains(c.judge, "palette"):
			temperature = PaletteTemperature
		case strings.Contains(c.judge, "horizon"):
			temperature = HorizonTemperature
		case strings.Contains(c.judge, "depth"):
			temperature = DepthTemperature
		}
		if got.Temperature != temperature {
			t.Errorf("%s, %s: taught at temperature %g, want %g", c.judge, c.train, got.Temperature, temperature)
		}
		darken := -1.0
		switch {
		case strings.Contains(c.train, "darken"):
			darken = 7
		case strings.Contains(c.judge, "depth") && preserve > 0:
			darken = DepthDarken
		}
		if got.Darken != darken {
			t.Errorf("%s, %s: taught with darkening weight %g, want %g", c.judge, c.train, got.Darken, darken)
		}
		if c.train == `"train": {}` && (task.Train.Shift != 0 || task.Train.LearningRate != 0 || task.Train.Targets != "" || task.Train.Preserve != 0 || task.Train.Temperature != 0 || task.Train.Darken != 0) {
			t.Errorf("%s: a default was written into the task (%+v)", c.judge, task.Train)
		}
	}
}

// A line-weight task's adapter has the prompt embedding and the dense layer
// that reads the noise, and no more.
func TestLineWeightTaskAdaptsThePromptEmbeddingAndTheNoise(t *testing.T) {
	task, err := ParseTask([]byte(replaceField(replaceField(toyTask, "train", `"train": {"batch": 2}`),
		"judge", `"judge": {"kind": "lineweight", "width": 1.5}`)))
	if err != nil {
		t.Fatal(err)
	}
	s, err := newSession(task, toyGenerator(t), redRater{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.vm.Close()
	if layers := slices.Sorted(maps.Keys(s.adapter.A)); !slices.Equal(layers, []string{"fc", "prompt"}) {
		t.Errorf("adapted layers %v, want [fc prompt]", layers)
	}
}

// The rater sees a line-weight task's reference line and a palette task's
// strip where it learned to read them, at the width and colours drawn; the
// grid's overlay keeps them where they were drawn, and the rater of other
// tasks sees their drawing as it is.
func TestRaterSeesReferencesWhereItLearnedThem(t *testing.T) {
	task, err := ParseTask([]byte(replaceField(replaceField(toyTask, "judge", `"judge": {"kind": "lineweight", "width": 3}`),
		"visual_prompt", `"visual_prompt": {"strokes": [{"tool": "segment", "x": 0.6, "x1": 0.9, "y": 0.9, "width": 3}]}`)))
	if err != nil {
		t.Fatal(err)
	}
	drawn, err1 := task.Overlay()
	rated, err2 := task.RaterOverlay()
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	// cover is how many pixels' worth of column x the drawing covers: the
	// width of a horizontal line crossing it (the overlay's Scale is 1
	// where the image shows through, 0 under a solid drawing).
	cover := func(o *visual.Overlay, x int) (c float64) {
		for y := range o.H {
			c += 1 - float64(o.Scale[y*o.W+x])
		}
		return c
	}
	near := func(c, want float64) bool { return math.Abs(c-want) < 0.2 }
	refX := int((vqa.RefX0 + vqa.RefX1) / 2)
	if !near(cover(drawn, 48), 3) || !near(cover(drawn, refX), 0) {
		t.Fatalf("drawn: %.2f px at x 48, %.2f at x %d; want the 3 px line at the bottom right only", cover(drawn, 48), cover(drawn, refX), refX)
	}
	if !near(cover(rated, refX), 3) || !near(cover(rated, 48), 0) {
		t.Errorf("rated: %.2f px at x %d, %.2f at x 48; want the 3 px line at the reference place only", cover(rated, refX), refX, cover(rated, 48))
	}
	if y := int(vqa.RefY); rated.Scale[y*rated.W+refX] > 0.1 {
		t.Errorf("rated: row %d not drawn at x %d", y, refX)
	}
	palette, err := ParseTask([]byte(replaceField(replaceField(toyTask, "judge", `"judge": {"kind": "palette", "colors": ["#102030", "#405060"]}`),
		"visual_prompt", `"visual_prompt": {"strokes": [{"tool": "swatches", "y": 0.5, "colors": ["#102030", "#405060"]}]}`)))
	if err != nil {
		t.Fatal(err)
	}
	drawn, _ = palette.Overlay()
	rated, _ = palette.RaterOverlay()
	if !near(cover(drawn, 10), 32) || !near(cover(rated, 10), float64(vqa.PaletteRows)) || rated.Scale[63*rated.W+10] > 0.1 {
		t.Errorf("palette strip: %.2f rows drawn, %.2f rated; want 32 and the bottom %d", cover(drawn, 10), cover(rated, 10), vqa.PaletteRows)
	}
	// A line drawn in a picture made elsewhere: 256 px, white, a 12 px
	// (3 px at 64) red bar at the bottom right.
	dir := t.TempDir()
	pic := image.NewNRGBA(image.Rect(0, 0, 256, 256))
	draw.Draw(pic, pic.Rect, image.White, image.Point{}, draw.Src)
	draw.Draw(pic, image.Rect(150, 220, 240, 232), image.NewUniform(visual.Red), image.Point{}, draw.Src)
	if err := picture.WritePNG(filepath.Join(dir, "line.png"), pic); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "t.json")
	os.WriteFile(path, []byte(replaceField(replaceField(toyTask, "judge", `"judge": {"kind": "lineweight", "width": 3}`),
		"visual_prompt", `"visual_prompt": {"image": "line.png"}`)), 0o644)
	painted, err := LoadTask(path)
	if err != nil {
		t.Fatal(err)
	}
	if rated, err = painted.RaterOverlay(); err != nil {
		t.Fatal(err)
	}
	if !near(cover(rated, refX), 3) || !near(cover(rated, 48), 0) {
		t.Errorf("a painted line: %.2f px at x %d, %.2f at x 48; want the 3 px line at the reference place only", cover(rated, refX), refX, cover(rated, 48))
	}
	horizon, _ := ParseTask([]byte(toyTask))
	a, _ := horizon.Overlay()
	b, _ := horizon.RaterOverlay()
	if !slices.Equal(a.Scale, b.Scale) || !slices.Equal(a.Offset, b.Offset) {
		t.Error("a horizon task's rater does not see its drawing as drawn")
	}
}

// The rater is fooled on a seed it passes (p >= 0.5) and the judge fails.
func TestSummaryCountsTheSeedsThatFoolTheRater(t *testing.T) {
	rating := func(p float64, pass bool) *Rating {
		return &Rating{RaterProb: p, Judge: judge.Result{Found: true, Verdict: &judge.Verdict{Pass: pass}}}
	}
	seeds := []SeedResult{
		{After: rating(0.9, false)}, {After: rating(0.5, false)}, // fooled
		{After: rating(0.95, true)},                             // agreed
		{After: rating(0.2, false)}, {After: rating(0.3, true)}, // not passed by the rater
	}
	if s := summarize(seeds, true); s.RaterPassed != 3 || s.RaterFooled != 2 || s.JudgePassed != 2 {
		t.Errorf("summary %+v: want the rater passing 3, fooled on 2, the judge passing 2", s)
	}
}
