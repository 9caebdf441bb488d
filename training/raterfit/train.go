package raterfit

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"dualprocess/model"
	"dualprocess/training/visual"
	"dualprocess/training/vqa"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Config is a training run's settings.
type Config struct {
	Steps       int     `json:"steps"`
	Batch       int     `json:"batch"`
	LR          float64 `json:"lr"`               // peak AdamW learning rate
	Warmup      int     `json:"warmup"`           // steps of linear warm-up, then cosine decay to LR/20
	WeightDecay float64 `json:"weight_decay"`     // AdamW decoupled decay
	Anchor      float64 `json:"anchor,omitempty"` // decoupled decay towards the starting weights (L2-SP; for stages from --init)
	ClipNorm    float64 `json:"clip_norm"`        // gradient norm clip (all weights together)
	Seed        uint64  `json:"seed"`
	Pool        int     `json:"pool"`        // training scenes kept
	Refresh     int     `json:"refresh"`     // scenes replaced per step
	Adversarial float64 `json:"adversarial"` // share of a batch that is adversarial copies of the previous batch
	AdvFrom     float64 `json:"adv_from"`    // share of the run before adversarial examples start
	Focus       float64 `json:"focus"`       // share of examples drawn by recent error rate rather than uniformly over families
	Questions   int     `json:"questions"`   // questions per image: one of the family drawn, the rest text-only ones
	// Families, when set, are the only families drawn for an image's own
	// question (a stage that works on what lags); the text-only questions
	// added to each image keep the others in training.
	Families []string `json:"families,omitempty"`
	// Trainable, when not empty, names the layers a stage trains (by the
	// start of their weights' names: "match" is every match.* tensor); the
	// others stay as they are. Stage 3l-a trains only the Match path.
	Trainable []string `json:"trainable,omitempty"`
	MaxEps    float64  `json:"max_eps"`         // largest L-inf radius of an adversarial perturbation (0..1 units)
	GenShare  float64  `json:"gen_share"`       // share of scenes painted by the generator, when one is given
	Mined     float64  `json:"mined,omitempty"` // share of a batch drawn from the mined images (Options.Mined)
	AuxWeight float64  `json:"aux_weight"`      // weight of the auxiliary maps' squared error in the loss
	LogEvery  int      `json:"log_every"`
	EvalEvery int      `json:"eval_every"`
	SaveEvery int      `json:"save_every"`
	EvalPer   int      `json:"eval_per"` // held-out examples per family for the periodic evaluation

	Model model.RaterConfig `json:"model"`
}

// DefaultConfig is the shipped rater's training run.
func DefaultConfig() Config {
	return Config{Steps: 4000, Batch: 32, LR: 1e-3, Warmup: 200, WeightDecay: 1e-4, ClipNorm: 5, Seed: 1,
		Pool: 2048, Refresh: 8, Adversarial: 0.2, AdvFrom: 0.4, Focus: 0.6, Questions: 4, MaxEps: 0.03, GenShare: 0.3, AuxWeight: 1,
		LogEvery: 50, EvalEvery: 500, SaveEvery: 250, EvalPer: 40, Model: model.DefaultRaterConfig()}
}

// Validate checks the settings.
func (c Config) Validate() error {
	switch {
	case c.Questions < 1 || c.Questions > 1 && c.Model.FiLM:
		return fmt.Errorf("training config: %d questions per image (1 with FiLM)", c.Questions)
	case c.Steps < 1 || c.Batch < 2 || c.Pool < 1 || c.Refresh < 0 || c.Warmup < 0:
		return fmt.Errorf("training config: steps %d, batch %d, pool %d, refresh %d, warmup %d", c.Steps, c.Batch, c.Pool, c.Refresh, c.Warmup)
	case !(c.LR > 0) || c.WeightDecay < 0 || c.ClipNorm < 0:
		return fmt.Errorf("training config: lr %v, weight decay %v, clip %v", c.LR, c.WeightDecay, c.ClipNorm)
	case c.Anchor < 0 || c.LR*c.Anchor >= 1:
		return fmt.Errorf("training config: anchor %v must be at least 0 and below 1/lr (%v)", c.Anchor, 1/c.LR)
	case slices.Contains(c.Trainable, ""):
		return fmt.Errorf("training config: trainable %q names an empty layer", c.Trainable)
	case slices.ContainsFunc(c.Families, func(f string) bool { return !slices.Contains(vqa.Families(), f) }):
		return fmt.Errorf("training config: families %v: known ones are %v", c.Families, vqa.Families())
	case c.AdvFrom < 0 || c.AdvFrom > 1 || c.Focus < 0 || c.Focus > 1:
		return fmt.Errorf("training config: adversarial start %v and focus %v must be in 0..1", c.AdvFrom, c.Focus)
	case c.AuxWeight < 0 || c.Model.Aux > 0 && c.Model.Aux != len(AuxMaps) || c.Model.AuxScene > 0 && c.Model.AuxScene != len(AuxScene):
		return fmt.Errorf("training config: aux weight %v, %d aux maps (want %d), %d scene attributes (want %d)",
			c.AuxWeight, c.Model.Aux, len(AuxMaps), c.Model.AuxScene, len(AuxScene))
	case c.Adversarial < 0 || c.Adversarial > 0.5 || c.MaxEps < 0 || c.MaxEps > 0.1 || c.GenShare < 0 || c.GenShare > 1:
		return fmt.Errorf("training config: adversarial share %v (0..0.5), eps %v (0..0.1), generator share %v (0..1)", c.Adversarial, c.MaxEps, c.GenShare)
	case c.Mined < 0 || c.Mined > 0.5:
		return fmt.Errorf("training config: mined share %v (0..0.5)", c.Mined)
	case c.LogEvery < 1 || c.EvalEvery < 1 || c.SaveEvery < 1 || c.EvalPer < 1:
		return fmt.Errorf("training config: log, eval and save intervals and eval size must be positive")
	}
	return c.Model.Validate()
}

// lr is the learning rate at step t.
func (c Config) lr(t int) float64 {
	if t < c.Warmup {
		return c.LR * float64(t+1) / float64(c.Warmup)
	}
	f := float64(t-c.Warmup) / float64(max(1, c.Steps-c.Warmup))
	return c.LR * (0.05 + 0.95*0.5*(1+math.Cos(math.Pi*min(1, f))))
}

// Options are what a run writes to and reads from besides its checkpoint.
type Options struct {
	Out        string    // final weights (model.Rater.Save)
	Checkpoint string    // periodic checkpoint; "" disables
	Log        io.Writer // progress lines
	Paint      Painter   // generator samples; nil trains on renders only
	Mined      []Mined   // images from teaching runs (Config.Mined of each batch)
}

// Train runs (or continues) the run to its last step, then writes the weights.
func (run *Run) Train(ctx context.Context, opt Options) error {
	cfg := run.Config
	g := G.NewGraph()
	net, err := run.Rater.Build(g, model.RaterOptions{Batch: cfg.Batch, Questions: cfg.Questions, Train: true})
	if err != nil {
		return err
	}
	vm, err := trainMachine(net, cfg.AuxWeight)
	if err != nil {
		return err
	}
	defer vm.Close()
	adam := model.NewAdam(cfg.LR)
	adam.WeightDecay, adam.ClipNorm, adam.Anchor = cfg.WeightDecay, cfg.ClipNorm, cfg.Anchor
	if run.Adam != nil {
		if err := adam.SetState(net.Params, *run.Adam); err != nil {
			return fmt.Errorf("resume: %w", err)
		}
	}
	logf := func(format string, a ...any) { fmt.Fprintf(opt.Log, format+"\n", a...) }
	trained := trainable(net.Params, cfg.Trainable)
	if len(trained) == 0 {
		return fmt.Errorf("training config: trainable %q matches no layer", cfg.Trainable)
	}
	if len(trained) < len(net.Params) {
		logf("training %d of the %d weight tensors: %s", len(trained), len(net.Params), strings.Join(cfg.Trainable, ", "))
	}
	nMined := int(cfg.Mined*float64(cfg.Batch) + 0.5)
	if nMined > 0 && len(opt.Mined) == 0 {
		return fmt.Errorf("the settings ask for mined images (%v of each batch) and none are given", cfg.Mined)
	}
	genShare := cfg.GenShare
	if opt.Paint == nil {
		genShare = 0
	}
	start := time.Now()
	p := newPool(cfg.Seed, cfg.Pool, cfg.Refresh, opt.Paint, genShare)
	if err := p.fill(run.Step - 1); err != nil {
		return err
	}
	evalSet, _, err := HeldOut(ctx, cfg.Seed, cfg.EvalPer, nil)
	if err != nil {
		return err
	}
	scorer, err := run.Rater.NewScorer(64) // shares the weights being trained
	if err != nil {
		return err
	}
	defer scorer.Close()
	logf("rater: %d weights, %s; pool of %d scenes ready in %s; steps %d..%d",
		run.Rater.NumParams(), model.BLAS, cfg.Pool, time.Since(start).Round(time.Second), run.Step, cfg.Steps)

	var pending []Example // adversarial copies of the previous batch
	win := newTally()
	stepStart, stepsTimed := time.Now(), 0
	for ; run.Step < cfg.Steps; run.Step++ {
		if err := ctx.Err(); err != nil {
			return run.save(opt, adam, net, "stopped")
		}
		t := run.Step
		if err := p.advance(t); err != nil {
			return err
		}
		rng := rand.New(rand.NewPCG(cfg.Seed, uint64(t)))
		batch, err := makeBatch(rng, p, pending, sample(rng, opt.Mined, nMined), cfg.Batch, cfg.Questions-1, run.familyWeights())
		if err != nil {
			return err
		}
		if err := feed(net, batch); err != nil {
			return err
		}
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			return fmt.Errorf("step %d: %w", t, err)
		}
		ce := float64(net.Loss.Value().Data().(float32))
		if math.IsNaN(ce) || math.IsInf(ce, 0) {
			return fmt.Errorf("step %d: loss is %v; the last checkpoint is step %d", t, ce, t-t%cfg.SaveEvery)
		}
		probs, err := net.Probs()
		if err != nil {
			return err
		}
		win.addBatch(run.Rater, batch, probs, ce)
		run.trackErrors(batch[len(pending):], probs[len(pending)*cfg.Questions:], cfg.Questions)
		if net.AuxLoss != nil {
			win.aux += float64(net.AuxLoss.Value().Data().(float32))
		}
		pending, err = adversarial(rng, net, batch, cfg.adversarial(t), cfg.MaxEps)
		if err != nil {
			return err
		}
		adam.LR = cfg.lr(t)
		if _, err := adam.Step(trained); err != nil {
			return err
		}
		stepsTimed++
		if (t+1)%cfg.LogEvery == 0 {
			per := time.Since(stepStart) / time.Duration(stepsTimed)
			eta := per * time.Duration(cfg.Steps-t-1)
			logf("step %d/%d  loss %.4f  acc %.3f  aux %.4f  lr %.2g  %.2fs/step  ETA %s  errors %s", t+1, cfg.Steps, win.meanLoss(), win.acc(),
				win.aux/float64(max(1, win.steps)), adam.LR, per.Seconds(), eta.Round(time.Second), run.errorSummary())
			run.History = append(run.History, Point{Step: t + 1, Loss: win.meanLoss(), Acc: win.acc()})
			win = newTally()
		}
		if (t+1)%cfg.EvalEvery == 0 || t+1 == cfg.Steps {
			acc, err := Score(ctx, scorer, evalSet, 0, cfg.Seed)
			if err != nil {
				return err
			}
			logf("eval step %d: %s", t+1, acc)
			if n := len(run.History); n > 0 {
				run.History[n-1].Eval = acc.Overall()
			}
			if p.paint != nil {
				logf("generator scenes: %d used, %d too far from their render", p.painted, p.rejected)
			}
		}
		if (t+1)%cfg.SaveEvery == 0 && opt.Checkpoint != "" {
			if err := run.save(opt, adam, net, ""); err != nil {
				return err
			}
		}
	}
	run.Step = cfg.Steps
	if err := run.save(opt, adam, net, ""); err != nil {
		return err
	}
	if err := run.Rater.Save(opt.Out); err != nil {
		return err
	}
	logf("wrote %s after %d steps", opt.Out, run.Step)
	return nil
}

// trainMachine differentiates the cross-entropy plus auxWeight times the
// auxiliary error with respect to the weights and the image.
func trainMachine(net *model.RaterNet, auxWeight float64) (G.VM, error) {
	loss := net.Loss
	if net.AuxLoss != nil {
		aux, err := G.Mul(net.AuxLoss, G.NewConstant(float32(auxWeight)))
		if err != nil {
			return nil, err
		}
		if loss, err = G.Add(net.Loss, aux); err != nil {
			return nil, err
		}
	}
	return model.NewTrainMachine(loss, append(G.Nodes{net.Image}, net.Params...))
}

func (run *Run) save(opt Options, adam *model.Adam, net *model.RaterNet, why string) error {
	if opt.Checkpoint == "" {
		if why != "" {
			return fmt.Errorf("%s at step %d without a checkpoint file", why, run.Step)
		}
		return nil
	}
	st, err := adam.State(net.Params)
	if err != nil {
		return err
	}
	run.Adam = &st
	if err := run.Save(opt.Checkpoint); err != nil {
		return err
	}
	if why != "" {
		return fmt.Errorf("%s at step %d; resume with the checkpoint %s", why, run.Step, opt.Checkpoint)
	}
	return nil
}

// adversarial is the number of adversarial examples made at step t: none
// in the first AdvFrom share of the run (they only help once the rater
// answers well), then Adversarial of the batch.
func (c Config) adversarial(t int) int {
	if float64(t) < c.AdvFrom*float64(c.Steps) {
		return 0
	}
	return int(c.Adversarial * float64(c.Batch))
}

// sample is n of ms drawn at random (with replacement; none when ms is empty).
func sample[T any](rng *rand.Rand, ms []T, n int) []T {
	if len(ms) == 0 {
		return nil
	}
	out := make([]T, n)
	for i := range out {
		out[i] = ms[rng.IntN(len(ms))]
	}
	return out
}

// makeBatch is the pending adversarial examples, then the mined ones, then fresh ones of
// families drawn by weight, each with its answer balanced by vqa, augmented.
func makeBatch(rng *rand.Rand, p *pool, pending []Example, mined []Mined, size, more int, weights []float64) ([]Example, error) {
	batch := slices.Clone(pending[:min(len(pending), size)])
	for _, m := range mined[:min(len(mined), size-len(batch))] {
		ex, err := minedExample(rng, m, more)
		if err != nil {
			return nil, err
		}
		Augment(rng, &ex)
		batch = append(batch, ex)
	}
	families := vqa.Families()
	for len(batch) < size {
		f := families[pickWeighted(rng, weights)]
		ex, ok, err := Make(rng, f, func() Scene { return p.pick(rng) }, more)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		Augment(rng, &ex)
		batch = append(batch, ex)
	}
	return batch, nil
}

// feed binds a batch to the net.
func feed(net *model.RaterNet, batch []Example) error {
	const plane = 3 * model.RaterSize * model.RaterSize
	if err := feedAux(net, batch); err != nil {
		return err
	}
	pix := make([]float32, len(batch)*plane)
	ovs := make([]*visual.Overlay, len(batch))
	var qs, as []string
	for i, ex := range batch {
		copy(pix[i*plane:], ex.Image)
		ovs[i] = ex.Overlay
		for _, qa := range ex.questions() {
			qs, as = append(qs, qa.Question), append(as, qa.Answer)
		}
	}
	if err := net.SetImages(tensor.New(tensor.WithShape(len(batch), 3, model.RaterSize, model.RaterSize), tensor.WithBacking(pix))); err != nil {
		return err
	}
	if err := net.SetOverlays(ovs); err != nil {
		return err
	}
	if err := net.SetQuestions(qs); err != nil {
		return err
	}
	return net.SetAnswers(as)
}

// adversarial returns FGSM copies of the last n examples of the batch
// (fresh ones; the pending ones come first): each pixel moved by eps in the
// direction that raises the loss, eps up to maxEps, with the true answer.
// Examples of ColourMeasured families get none: such a move shifts every
// colour by 3-8 delta E, which can carry the image across the judge's line,
// and a copy that kept its answer would teach the rater a line of its own
// (stage 3p-d, trained with them: nearly all its palette errors are a "no"
// near the line read as yes; docs/rater/README.md). It reads and then zeroes the
// image gradient of the run.
func adversarial(rng *rand.Rand, net *model.RaterNet, batch []Example, n int, maxEps float64) ([]Example, error) {
	gv, err := net.Image.Grad()
	if err != nil {
		return nil, fmt.Errorf("image gradient: %w", err)
	}
	grad := gv.Data().([]float32)
	defer clear(grad) // gradients accumulate across runs
	const plane = 3 * model.RaterSize * model.RaterSize
	out := make([]Example, 0, n)
	for i := len(batch) - n; i < len(batch); i++ {
		ex := batch[i]
		if slices.Contains(ColourMeasured, ex.Family) {
			continue
		}
		eps := float32(maxEps * (0.25 + 0.75*rng.Float64()))
		x := slices.Clone(ex.Image)
		for k, gk := range grad[i*plane : (i+1)*plane] {
			switch {
			case gk > 0:
				x[k] += eps
			case gk < 0:
				x[k] -= eps
			}
		}
		clamp01(x)
		ex.Image = x
		out = append(out, ex)
	}
	return out, nil
}

// tally counts loss and accuracy over a window of steps.
type tally struct {
	loss, aux      float64
	steps          int
	correct, total int
}

func newTally() *tally { return &tally{} }

func (w *tally) addBatch(r *model.Rater, batch []Example, probs [][]float64, loss float64) {
	w.loss += loss
	w.steps++
	k := 0
	for _, ex := range batch {
		for _, qa := range ex.questions() {
			if strings.EqualFold(r.Predicted(probs[k]), qa.Answer) {
				w.correct++
			}
			w.total++
			k++
		}
	}
}

func (w *tally) meanLoss() float64 { return w.loss / float64(max(1, w.steps)) }
func (w *tally) acc() float64      { return float64(w.correct) / float64(max(1, w.total)) }

func shapeOf(n *G.Node) tensor.Shape {
	if n == nil {
		return nil
	}
	return n.Shape().Clone()
}

// feedAux binds the auxiliary targets of a batch (when the net has them).
func feedAux(net *model.RaterNet, batch []Example) error {
	var marks tensor.Shape // (batch, marks, 16, 16)
	if k := len(net.MarkTargets); k > 0 {
		s := net.MarkTargets[0].Shape()
		marks = tensor.Shape{s[0], k, 16, s[1] / 16}
	}
	for _, t := range []struct {
		shape tensor.Shape
		get   func(Example) []float32
		set   func(*tensor.Dense) error
	}{
		{shapeOf(net.AuxTarget), func(ex Example) []float32 { return ex.Aux }, net.SetAuxTargets},
		{shapeOf(net.AuxSceneTarget), func(ex Example) []float32 { return ex.AuxScene }, net.SetAuxSceneTargets},
		{marks, func(ex Example) []float32 { return ex.Marks }, net.SetMarkTargets},
	} {
		if t.shape == nil {
			continue
		}
		size := t.shape.TotalSize() / len(batch)
		vals := make([]float32, 0, len(batch)*size)
		for _, ex := range batch {
			if len(t.get(ex)) != size {
				return fmt.Errorf("rater aux targets: %d values, want %d", len(t.get(ex)), size)
			}
			vals = append(vals, t.get(ex)...)
		}
		if err := t.set(tensor.New(tensor.WithShape(t.shape...), tensor.WithBacking(vals))); err != nil {
			return err
		}
	}
	return nil
}

// questions lists the example's questions, its own first.
func (ex Example) questions() []QA {
	return append([]QA{{ex.Family, ex.Question, ex.Answer}}, ex.More...)
}

// trainable is the parameters a stage trains: all of them without names,
// else those whose layer name (after the graph's prefix, "rater.") starts
// with one of names.
func trainable(params G.Nodes, names []string) G.Nodes {
	if len(names) == 0 {
		return params
	}
	var out G.Nodes
	for _, n := range params {
		_, layer, _ := strings.Cut(n.Name(), ".")
		if slices.ContainsFunc(names, func(p string) bool { return strings.HasPrefix(layer, p) }) {
			out = append(out, n)
		}
	}
	return out
}
