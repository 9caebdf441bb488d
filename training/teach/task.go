// Package teach is dual-process distillation: it trains a LoRA adapter on
// the generator so that a frozen rater answers the task's questions about
// generated images (with the visual prompt overlaid) as desired, and then
// checks with an independent judge whether the control was really learned.
package teach

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"dualprocess/model"
	"dualprocess/picture"
	"dualprocess/training/judge"
	"dualprocess/training/visual"
	"dualprocess/training/vqa"
	"dualprocess/training/world"
)

// Task is a teaching task as stored in a task file (JSON).
type Task struct {
	// Schema is a JSON Schema reference, as editors and generators of
	// JSON files put first ("$schema"): kept when the task is saved, not
	// read.
	Schema      string       `json:"$schema,omitempty"`
	Name        string       `json:"name"`
	Description string       `json:"description,omitempty"`
	Prompts     textList     `json:"prompts"`          // the generator's prompts, used in turn; a file may give one as a string
	Prompt      string       `json:"prompt,omitempty"` // a file's single prompt, put first in Prompts when read
	Questions   []QA         `json:"questions"`        // 1..8 question/answer pairs
	Visual      VisualPrompt `json:"visual_prompt"`
	Judge       judge.Target `json:"judge"` // the independent check of success
	Train       Train        `json:"train"`
	// JudgeFrom says where a judge the task file left out, in kind or
	// target, was read from (completeJudge); "" for a judge given in full.
	JudgeFrom string `json:"-"`
	judgeHint string // why a judge left out could not be read (completeJudge)
}

// QA is a question and its desired answer.
type QA struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// VisualPrompt is the drawing overlaid on generated images before the rater
// sees them: a PNG (path relative to the task file) and/or strokes drawn
// over it. Neither means a text-only task.
type VisualPrompt struct {
	Image   string          `json:"image,omitempty"`
	Strokes []visual.Stroke `json:"strokes,omitempty"`
	Mode    visual.Mode     `json:"mode,omitempty"` // solid (default) or transparent
}

// Train holds the hyper-parameters; zero values take the defaults.
type Train struct {
	Steps        int      `json:"steps,omitempty"`
	LearningRate float64  `json:"learning_rate,omitempty"` // 0: the judge's default (Taught)
	Rank         int      `json:"rank,omitempty"`
	TrainWeight  float64  `json:"train_weight,omitempty"` // adapter scale while training and "after"
	Batch        int      `json:"batch,omitempty"`
	ClipNorm     float64  `json:"clip_norm,omitempty"`
	TrainSeed    int64    `json:"train_seed,omitempty"` // step s uses seeds TrainSeed+s*Batch ...
	EvalSeeds    seedList `json:"eval_seeds,omitempty"` // disjoint from the training seeds; a file may give "FROM-TO"
	Targets      string   `json:"targets,omitempty"`    // adapted layers: "all" or comma-separated names; "": the judge's default
	PreviewEvery int      `json:"preview_every,omitempty"`
	// Noise is the standard deviation of Gaussian noise added to each
	// generated image before the rater sees it, fresh every step, so the
	// adapter cannot win with fragile pixel patterns (0: the default; <0: none).
	Noise float64 `json:"noise,omitempty"`
	// Shift is the largest random translation, in pixels, of each generated
	// image under the visual prompt before the rater sees it, fresh every
	// step (0: the default, HorizonShift for a horizon task and none for
	// the others; <0: none).
	Shift int `json:"shift,omitempty"`
	// Preserve weighs a penalty on the mean absolute difference between
	// the adapted image and the base image of the same noise (0: the
	// default; <0: none): the adapter should edit the scene, not replace
	// it with a pattern that satisfies the rater.
	Preserve float64 `json:"preserve,omitempty"`
	// Temperature divides the rater's logits in the loss, softmax(logits /
	// T) (0: the default, PaletteTemperature for a palette task,
	// HorizonTemperature for a horizon task and 1 for the others): above 1
	// the loss keeps pushing after the rater is sure.
	Temperature float64 `json:"temperature,omitempty"`
	// Darken weighs a penalty on pixels the adapter makes near-black where
	// the base image is not (luma under DarkFloor; 0: the default,
	// DepthDarken for a depth task and none for the others; <0: none). It
	// needs the base images, which a negative Preserve turns off.
	Darken float64 `json:"darken,omitempty"`
}

// Defaults for our small models (the paper's, for Flux and Idefics2, are
// rank 16, learning rate 5e-5, 100 steps, train weight 5); with 200 steps
// and the preservation term sun-box goes from 25% to 88% judge success
// with images changed by 0.024 (README). The adapter sits
// on the layers that lay out the scene (prompt embedding, the dense layers
// and the 8x8 convolution): adapted 16x16 to 64x64 layers learn fine pixel
// patterns that fool the rater instead of changing the scene. The shift,
// learning rate and adapted layers left unset by a task depend on its
// judge (Taught); these are the defaults of the other judges.
var Defaults = Train{Steps: 200, LearningRate: 1e-3, Rank: 8, TrainWeight: 1, Batch: 4,
	ClipNorm: 1, TrainSeed: 1_000_000, Targets: "prompt,fc,seed,conv8", PreviewEvery: 10, Noise: 0.03, Preserve: 2,
	EvalSeeds: []int64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}}

// HorizonShift is the default shift of a task whose judge measures the
// horizon: on the built-in horizon tasks and on four more lines (rows 0.4 to
// 0.65, solid and transparent), 3 px taught the horizon to the line on more
// seeds than none (docs/teaching.md, Task settings); the other tasks gain nothing.
const HorizonShift = 3

// The adapter of a task whose judge measures line weight sits on the prompt
// embedding and the first dense layer (the one that reads the noise), at a
// higher learning rate. The world draws an outline's width from the noise
// alone, so that is where line weight can change: on the prompt embedding
// alone the widths kept following the noise, thicker or thinner than asked
// from seed to seed; with all the scene-layout layers the adapters drew a
// thick dark halo round the sun near the red line and left the other
// outlines thin, which fooled the rater. Over line-thick and five line tasks
// never tuned (docs/teaching.md, The adapted layers) more seeds passed this
// way; line-thin passes more with the prompt embedding alone and says so
// in its task file.
const (
	LineWeightTargets = "prompt,fc"
	LineWeightRate    = 5e-3
)

// NoiseRate is the default learning rate of an adapter of the noise alone
// (targets "noise"): its factors must move the noise by whole units, and at
// the layers' rates they hardly moved it (horizon-low: 5 of 16 seeds at
// 3e-3, 16 at 1e-2 and at 3e-2, seeds 0-15; over four training seeds and six
// tasks 3e-2 and 2e-2 passed 323 and 321 of 384; README, Adapting the noise).
const NoiseRate = 0.03

// SkyPreserve is the preservation weight of a task whose judge measures
// the sky's colour. A new sky colour changes the whole sky, and the default
// weight held it back until the adapters smeared the new colour into the
// ground: sky-orange-noon passed 45 of 64 seeds over four training seeds
// at 2 and 62 at 1, and the two sky tasks written afterwards, never tuned,
// 63 and 62 at 2 and 64 and 63 at 1 (README, Task settings).
const SkyPreserve = 1

// PalettePreserve is the preservation weight of a task whose judge
// measures a palette: a palette recolours the whole image, and at the
// palette temperature the default weight held the colours back short of
// the judge's line. Over four training seeds, palette-night passed 47 of
// 64 seeds at 2, 55 at 1 and 58 at 0.5, and the untuned palette-sea 27, 46
// and 53 and palette-autumn 62, 64 and 64; palette-dusk (0.5 in its task
// file) 64 at 1 and 0.5 (README, Task settings).
const PalettePreserve = 0.5

// PaletteTemperature is the default temperature of a task whose judge
// measures a palette. The rater reads palettes by its colour path, whose
// answer grows surer the nearer the image's pixels come to the swatches
// (in L*a*b*, as the judge measures them); at temperature 1 the adapters
// stop where the rater is sure, and a temperature lets the loss go on
// towards a clear match. Since session 26 the colour gate hands the
// palette question to that path alone, and too high a temperature then
// pushes every pixel to one swatch, leaving the others uncovered: over
// four training seeds the six palette tasks of docs/teaching.md passed
// 372 of 384 seeds at 3, 369 at 2 (palette-sea 44 of 64 at 4, 0-3 before
// the log share); the rater before the gate passed 372 at 10.
const PaletteTemperature = 3

// HorizonTemperature is the default temperature of a task whose judge
// measures the horizon. The rater was taught "at the line" within 1.5 px
// and "off" from 4.5 px, and at temperature 1 it said yes at p 0.93-0.98
// to horizons 4-6 px from the line, past the judge's 3 px; at 3 the loss
// goes on until the horizon is on the line. Over four training seeds,
// the two built-in and four untuned horizon tasks (horizon-high on two
// sets of evaluation seeds) passed 413 seeds of 448 at 3 against 388 at 1 (horizon-60 46 -> 59), with the images changed
// less (docs/teaching.md).
const HorizonTemperature = 3

// HorizonRate is the default learning rate of a task whose judge measures
// the horizon, three times the default: at temperature 3, over four
// training seeds, horizon-high passed 60, 59 and 63 of 64 seeds on three
// sets of evaluation seeds (58, 55 and 60 at 1e-3; 59, 58 and 63 at 2e-3),
// the four untuned horizon tasks 248 of 256 (236; 241) and horizon-low 64
// (64), with the images changed no more (docs/teaching.md).
const HorizonRate = 3e-3

// A task whose judge measures relative depth learns at temperature 2 and
// twice the default rate, with near-black paint penalised. The rater and
// the depth judge both take a dark blob for something near; at temperature
// 1 the adapters stood a tree at A but stopped, the rater sure, before it
// was the judge's 1.5 times nearer, and a higher temperature alone painted
// black tree-shaped blobs. With the penalty they paint green trees: over
// four training seeds on seeds 100-115, depth-tree 46 -> 64 of 64 seeds,
// depth-house 33 -> 54 and the untuned depth-tree-40 31 -> 64, and on
// seeds 0-15 the untuned depth-right 37 -> 47 (docs/teaching.md, A
// penalty on near-black paint).
const (
	DepthTemperature = 2
	DepthRate        = 2e-3
	DepthDarken      = 200
)

// Taught is a copy of the task with the settings that depend on its judge
// and were left unset filled in: the shift (-1: none), the learning rate,
// the preservation weight, the temperature, the darkening penalty (-1:
// none) and the adapted layers. They are resolved when the task is taught, not
// when the file is read, so that a task whose judge changes (in the
// window) does not keep the old judge's defaults.
func (t *Task) Taught() *Task {
	c := *t
	tr := &c.Train
	lineWeight := t.Judge.Kind == "lineweight"
	switch {
	case tr.Shift != 0:
	case t.Judge.Kind == "horizon":
		tr.Shift = HorizonShift
	default:
		tr.Shift = -1
	}
	switch {
	case tr.LearningRate != 0:
	case tr.Targets == model.NoiseTarget:
		tr.LearningRate = NoiseRate
	case lineWeight:
		tr.LearningRate = LineWeightRate
	case t.Judge.Kind == "horizon":
		tr.LearningRate = HorizonRate
	case t.Judge.Kind == "depth":
		tr.LearningRate = DepthRate
	default:
		tr.LearningRate = Defaults.LearningRate
	}
	switch {
	case tr.Temperature != 0:
	case t.Judge.Kind == "palette":
		tr.Temperature = PaletteTemperature
	case t.Judge.Kind == "horizon":
		tr.Temperature = HorizonTemperature
	case t.Judge.Kind == "depth":
		tr.Temperature = DepthTemperature
	default:
		tr.Temperature = 1
	}
	switch {
	case tr.Preserve != 0:
	case t.Judge.Kind == "sky":
		tr.Preserve = SkyPreserve
	case t.Judge.Kind == "palette":
		tr.Preserve = PalettePreserve
	default:
		tr.Preserve = Defaults.Preserve
	}
	switch {
	case tr.Darken != 0:
	case t.Judge.Kind == "depth" && tr.Preserve > 0:
		tr.Darken = DepthDarken
	default:
		tr.Darken = -1
	}
	switch {
	case tr.Targets != "":
	case lineWeight:
		tr.Targets = LineWeightTargets
	default:
		tr.Targets = Defaults.Targets
	}
	return &c
}

// MaxQuestions is the most question/answer pairs a task may have.
const MaxQuestions = 8

// LoadTask reads and checks a task file. Errors name the offending field.
func LoadTask(path string) (*Task, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("task: %w", err)
	}
	t, err := parseTask(b, path)
	if err != nil {
		return nil, fmt.Errorf("task %s: %w", path, err)
	}
	return t, nil
}

// besideTask is a path named in the task file at taskPath: relative to the
// file's folder unless absolute.
func besideTask(taskPath, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(taskPath), p)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// ParseTask decodes a task (decodeTask: unknown fields are errors, a
// leading byte-order mark is skipped), fills in what it leaves out and
// checks it. A drawing's path is taken as it is written.
func ParseTask(b []byte) (*Task, error) { return parseTask(b, "") }

// parseTask is ParseTask for the task file at path ("": none), whose
// drawing's path is relative to the file's folder.
func parseTask(b []byte, path string) (*Task, error) {
	t, err := decodeTask(b)
	if err != nil {
		return nil, err
	}
	t.fillDefaults()
	if strings.TrimSpace(t.Name) == "" && path != "" { // a file's own name names a task that has none
		t.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if img := t.Visual.Image; img != "" && path != "" {
		// A task file written on Windows may name its drawing drawings\line.png.
		if !fileExists(besideTask(path, img)) && strings.Contains(img, `\`) {
			img = filepath.FromSlash(strings.ReplaceAll(img, `\`, "/"))
		}
		t.Visual.Image = besideTask(path, img)
	}
	if err := t.completeJudge(); err != nil {
		return nil, err
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if path != "" {
		if _, err := t.Drawing(); err != nil {
			return nil, err
		}
	}
	return &t, nil
}

func (t *Task) fillDefaults() {
	if p := strings.TrimSpace(t.Prompt); p != "" && !slices.Contains(t.Prompts, p) {
		t.Prompts = append(textList{p}, t.Prompts...)
	}
	t.Prompt = ""
	for i, q := range t.Questions { // "Yes." or " yes " as another tool may write it: yes
		t.Questions[i].Answer = strings.TrimRight(strings.TrimSpace(q.Answer), ".!")
	}
	// Names of kinds in any case, as another tool may write them: "Palette", "HLine".
	t.Judge.Kind = strings.ToLower(strings.TrimSpace(t.Judge.Kind))
	t.Visual.Mode = visual.Mode(strings.ToLower(strings.TrimSpace(string(t.Visual.Mode))))
	for i, s := range t.Visual.Strokes {
		t.Visual.Strokes[i].Tool = strings.ToLower(strings.TrimSpace(s.Tool))
		t.Visual.Strokes[i].Label = strings.ToUpper(strings.TrimSpace(s.Label))
	}
	d, tr := Defaults, &t.Train
	orDefault(&tr.Steps, d.Steps)
	orDefault(&tr.Rank, d.Rank)
	orDefault(&tr.TrainWeight, d.TrainWeight)
	orDefault(&tr.Batch, d.Batch)
	orDefault(&tr.ClipNorm, d.ClipNorm)
	orDefault(&tr.TrainSeed, d.TrainSeed)
	orDefault(&tr.PreviewEvery, d.PreviewEvery)
	orDefault(&tr.Noise, d.Noise)
	if len(tr.EvalSeeds) == 0 {
		tr.EvalSeeds = d.EvalSeeds
	}
	orDefault(&t.Visual.Mode, visual.Solid)
}

// orDefault sets a zero field to its default.
func orDefault[T comparable](field *T, def T) {
	var zero T
	if *field == zero {
		*field = def
	}
}

// Validate checks every field and names the first bad one.
func (t *Task) Validate() error {
	var errs []error
	bad := func(field, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, a...)))
	}
	if strings.TrimSpace(t.Name) == "" {
		bad("name", "empty; give the task a name")
	}
	if len(t.Prompts) == 0 {
		bad("prompts", "empty; give at least one prompt such as \"mountains at noon\"")
	}
	for i, p := range t.Prompts {
		if _, err := world.ParsePrompt(p); err != nil {
			bad(fmt.Sprintf("prompts[%d]", i), "%v", err)
		}
	}
	if len(t.Questions) == 0 || len(t.Questions) > MaxQuestions {
		bad("questions", "%d pairs; want 1 to %d", len(t.Questions), MaxQuestions)
	}
	for i, q := range t.Questions {
		if strings.TrimSpace(q.Question) == "" {
			bad(fmt.Sprintf("questions[%d].question", i), "empty")
		}
		if !validAnswer(q.Answer) {
			bad(fmt.Sprintf("questions[%d].answer", i), "%q is not an answer the rater gives (%s)",
				q.Answer, strings.Join(vqa.Answers, ", "))
		}
	}
	if _, err := visual.ParseMode(string(t.Visual.Mode)); err != nil {
		bad("visual_prompt.mode", "%v", err)
	}
	if t.Judge.Kind == "" {
		bad("judge", "none given, and no question asks what a judge checks (the horizon at the red line, "+
			"the palette's colours, outlines as thick as the red line, A closer than B, the sun in the red box, "+
			"a tree at the red line, a sky colour); give one, e.g. {\"kind\": \"sky\", \"colors\": [\"#f09040\"]} (kinds: %s)%s",
			strings.Join(judge.Kinds, ", "), unknownWordsHint(t.Questions))
	} else if err := t.Judge.Validate(); err != nil {
		if t.judgeHint != "" {
			err = fmt.Errorf("%w; %s", err, t.judgeHint)
		}
		bad("judge", "%v", err)
	}
	tr := t.Train
	switch {
	case tr.Steps < 1 || tr.Steps > 100000:
		bad("train.steps", "%d; want 1 to 100000", tr.Steps)
	case tr.LearningRate < 0 || tr.LearningRate > 1:
		bad("train.learning_rate", "%g; want 0 < lr <= 1 (0 or none: the default)", tr.LearningRate)
	case tr.Rank < 1 || tr.Rank > 256:
		bad("train.rank", "%d; want 1 to 256", tr.Rank)
	case tr.TrainWeight <= 0 || tr.TrainWeight > 100:
		bad("train.train_weight", "%g; want 0 < weight <= 100", tr.TrainWeight)
	case tr.Batch < 1 || tr.Batch > 64:
		bad("train.batch", "%d; want 1 to 64", tr.Batch)
	case tr.ClipNorm < 0:
		bad("train.clip_norm", "%g; must not be negative", tr.ClipNorm)
	case tr.PreviewEvery < 1:
		bad("train.preview_every", "%d; want at least 1", tr.PreviewEvery)
	case tr.Noise > 0.5:
		bad("train.noise", "%g; want at most 0.5 (negative: none)", tr.Noise)
	case tr.Shift > 8:
		bad("train.shift", "%d; want at most 8 px (negative: none)", tr.Shift)
	case tr.Preserve > 100:
		bad("train.preserve", "%g; want at most 100 (negative: none)", tr.Preserve)
	case tr.Temperature < 0 || tr.Temperature > 100:
		bad("train.temperature", "%g; want 0 < T <= 100 (0 or none: the default)", tr.Temperature)
	case tr.Darken > 10000:
		bad("train.darken", "%g; want at most 10000 (0 or none: the default; negative: none)", tr.Darken)
	case tr.Darken > 0 && tr.Preserve < 0:
		bad("train.darken", "needs the base images, which train.preserve < 0 turns off")
	}
	lo, hi := tr.TrainSeed, tr.TrainSeed+int64(tr.Steps*tr.Batch)
	for i, s := range tr.EvalSeeds {
		if s >= lo && s < hi {
			bad(fmt.Sprintf("train.eval_seeds[%d]", i), "seed %d is also a training seed (%d..%d)", s, lo, hi-1)
			break
		}
	}
	return errors.Join(errs...)
}

func validAnswer(a string) bool {
	for _, v := range vqa.Answers {
		if strings.EqualFold(a, v) {
			return true
		}
	}
	return false
}

// ParsedPrompts returns the task's prompts parsed.
func (t *Task) ParsedPrompts() []world.Prompt {
	ps := make([]world.Prompt, len(t.Prompts))
	for i, s := range t.Prompts {
		ps[i], _ = world.ParsePrompt(s) // checked by Validate
	}
	return ps
}

// Drawing is the visual prompt at the world's size, or nil for a text-only task.
func (t *Task) Drawing() (*image.NRGBA, error) {
	if t.Visual.Image == "" && len(t.Visual.Strokes) == 0 {
		return nil, nil
	}
	d := visual.NewCanvas(world.Size)
	if t.Visual.Image != "" {
		img, err := picture.ReadImage(t.Visual.Image)
		if err != nil {
			return nil, fmt.Errorf("visual_prompt.image: %w", err)
		}
		if d, err = visual.FitDrawing(img, world.Size); err != nil {
			return nil, fmt.Errorf("visual_prompt.image: %w", err)
		}
	}
	strokes, err := visual.DrawStrokes(t.Visual.Strokes, world.Size)
	if err != nil {
		return nil, fmt.Errorf("visual_prompt.strokes: %w", err)
	}
	draw.Draw(d, d.Rect, strokes, image.Point{}, draw.Over)
	return d, nil
}

// Overlay is the visual prompt ready to composite, or nil for text-only tasks.
func (t *Task) Overlay() (*visual.Overlay, error) {
	d, err := t.Drawing()
	if d == nil || err != nil {
		return nil, err
	}
	return visual.NewOverlay(d, t.Visual.Mode)
}

// RaterOverlay is the overlay the rater sees, in teaching and in
// evaluation: the visual prompt as the rater learned to read the drawings
// of the task's judge (vqa.AsLearned). A line-weight task's red line and a
// palette task's swatches mean only a width and colours to their judges,
// and the rater has seen them at one place only, so they are shown to it
// there, whether drawn by strokes or in a picture made elsewhere. Reports
// and grids show the drawing as it was made.
func (t *Task) RaterOverlay() (*visual.Overlay, error) {
	d, err := t.Drawing()
	if d == nil || err != nil {
		return nil, err
	}
	return visual.NewOverlay(vqa.AsLearned(t.Judge.Kind, d), t.Visual.Mode)
}

// unknownWordsHint names the words of the questions that the built-in
// rater does not know: a question with one is never read as asking what a
// judge checks ("Is the horizon at the crimson line?").
func unknownWordsHint(qs []QA) string {
	known := map[string]bool{}
	for _, w := range vqa.Words() {
		known[w] = true
	}
	var hints []string
	for i, q := range qs {
		var unknown []string
		for _, w := range world.Tokenize(q.Question) {
			if !known[w] && !slices.Contains(unknown, strconv.Quote(w)) {
				unknown = append(unknown, strconv.Quote(w))
			}
		}
		if len(unknown) > 0 {
			hints = append(hints, fmt.Sprintf("questions[%d] has words the built-in rater does not know: %s", i, strings.Join(unknown, ", ")))
		}
	}
	if len(hints) == 0 {
		return ""
	}
	return "; " + strings.Join(hints, "; ")
}
