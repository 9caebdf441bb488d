package raterfit

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"dualprocess/model"
	"dualprocess/picture"
	"dualprocess/training/vqa"
	"dualprocess/training/world"

	G "gorgonia.org/gorgonia"
)

func sameScenes(a, b *pool) bool {
	for k := range a.scenes {
		if !bytes.Equal(a.scenes[k].Image.Pix, b.scenes[k].Image.Pix) {
			return false
		}
	}
	return true
}

// A pool filled for step t directly holds what stepping from the start holds.
func TestPoolAtAStepDoesNotDependOnHistory(t *testing.T) {
	stepped := newPool(3, 5, 2, nil, 0)
	if err := stepped.fill(-1); err != nil {
		t.Fatal(err)
	}
	for step := 0; step < 7; step++ {
		if err := stepped.advance(step); err != nil {
			t.Fatal(err)
		}
	}
	direct := newPool(3, 5, 2, nil, 0)
	if err := direct.fill(6); err != nil {
		t.Fatal(err)
	}
	if !sameScenes(stepped, direct) {
		t.Fatal("pool after 7 steps differs from the pool filled for step 6")
	}
	fresh := newPool(3, 5, 2, nil, 0)
	fresh.fill(-1)
	if sameScenes(fresh, direct) {
		t.Fatal("7 steps replaced no scene")
	}
}

func TestHeldOutScenesAreNotTrainingScenes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	train, _, _ := NewScene(rng, false, nil)
	rng = rand.New(rand.NewPCG(1, 1))
	held, _, _ := NewScene(rng, true, nil)
	if bytes.Equal(train.Image.Pix, held.Image.Pix) {
		t.Fatal("the same rng gave the same scene for training and held-out use")
	}
}

func TestAugmentStaysInRangeAndChangesTheImage(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	p := newPool(2, 4, 1, nil, 0)
	p.fill(-1)
	changed := 0
	for i := 0; i < 20; i++ {
		ex, ok, err := Make(rng, "horizon", func() Scene { return p.pick(rng) }, 0)
		if err != nil || !ok {
			t.Fatalf("make: %v %v", ok, err)
		}
		before := slices.Clone(ex.Image)
		Augment(rng, &ex)
		if slices.ContainsFunc(ex.Image, func(v float32) bool { return v < 0 || v > 1 }) {
			t.Fatal("augmented pixel outside 0..1")
		}
		if !slices.Equal(before, ex.Image) {
			changed++
		}
	}
	if changed < 5 || changed == 20 {
		t.Errorf("%d of 20 images changed; want some, not all (augmentations are random)", changed)
	}
}

// Colour jitter moves a channel's values one way; blur and noise leave its
// median change at about zero. Palette examples are never jittered
// (ColourMeasured), horizon examples often are.
func TestAugmentLeavesTheColoursOfColourQuestions(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	p := newPool(4, 8, 1, nil, 0)
	p.fill(-1)
	shifted := map[string]int{}
	for _, family := range []string{"palette", "horizon"} {
		for made := 0; made < 40; {
			ex, ok, err := Make(rng, family, func() Scene { return p.pick(rng) }, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				continue
			}
			made++
			before := slices.Clone(ex.Image)
			Augment(rng, &ex)
			const plane = model.RaterSize * model.RaterSize
			for c := range 3 {
				d := make([]float64, plane)
				for i := range d {
					d[i] = float64(ex.Image[c*plane+i] - before[c*plane+i])
				}
				slices.Sort(d)
				if math.Abs(d[plane/2]) > 0.004 {
					shifted[family]++
					break
				}
			}
		}
	}
	if shifted["palette"] > 0 || shifted["horizon"] < 8 {
		t.Errorf("images with a channel shifted, of 40: %v; want none of the palette's and some of the horizon's", shifted)
	}
}

// Adversarial copies move each pixel by at most eps, against the gradient's
// sign, and are not made of examples whose answer is a measured colour.
func TestAdversarialCopiesStayInTheEpsBall(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Model = model.RaterConfig{MaxWords: 24, Embed: 4, Hidden: 8, Stem: [2]int{4, 4}, Width: 8, Blocks: 1, Groups: 2, Head: 8, FC: 8, Readout: 4, Aux: len(AuxMaps), AuxScene: len(AuxScene), Slope: 0.1}
	run, err := NewRun(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	p := newPool(3, 8, 1, nil, 0)
	p.fill(-1)
	batch, err := makeBatch(rng, p, nil, nil, 4, 0, run.familyWeights())
	if err != nil {
		t.Fatal(err)
	}
	net, vm := trainNet(t, run.Rater, 4)
	if err := feed(net, batch); err != nil {
		t.Fatal(err)
	}
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	batch[1].Family, batch[2].Family, batch[3].Family = "horizon", "horizon", "palette" // ColourMeasured: no copy
	adv, err := adversarial(rng, net, batch, 3, 0.02)
	if err != nil {
		t.Fatal(err)
	}
	if len(adv) != 2 {
		t.Fatalf("%d adversarial examples of the last 3, one of them a palette's; want 2", len(adv))
	}
	for i, ex := range adv {
		src := batch[1+i]
		moved := 0
		for k := range ex.Image {
			d := math.Abs(float64(ex.Image[k] - src.Image[k]))
			if d > 0.02+1e-6 {
				t.Fatalf("pixel moved by %v > eps 0.02", d)
			}
			if d > 0 {
				moved++
			}
		}
		if moved < len(ex.Image)/4 || ex.Answer != src.Answer || ex.Question != src.Question {
			t.Errorf("adversarial copy %d: %d pixels moved; answer %q vs %q", i, moved, ex.Answer, src.Answer)
		}
	}
}

func TestCheckpointRoundTripAndResume(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Model = model.RaterConfig{MaxWords: 24, Embed: 4, Hidden: 8, Stem: [2]int{4, 4}, Width: 8, Blocks: 1, Groups: 2, Head: 8, FC: 8, Readout: 4, Aux: len(AuxMaps), AuxScene: len(AuxScene), Slope: 0.1}
	cfg.Steps, cfg.Batch, cfg.Pool, cfg.Refresh, cfg.LogEvery, cfg.EvalEvery, cfg.SaveEvery, cfg.EvalPer = 4, 4, 8, 1, 2, 4, 2, 2
	cfg.Anchor = 10 // the checkpoint keeps the weights the anchor holds to
	dir := t.TempDir()
	run, err := NewRun(cfg)
	if err != nil {
		t.Fatal(err)
	}
	start := map[string][]float32{}
	for name, p := range run.Rater.Params {
		start[name] = slices.Clone(p.Data().([]float32))
	}
	var log strings.Builder
	opt := Options{Out: filepath.Join(dir, "r.safetensors"), Checkpoint: filepath.Join(dir, "r.ckpt.safetensors"), Log: &log}
	if err := run.Train(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "step 4/4") || !strings.Contains(log.String(), "eval step 4") {
		t.Errorf("log lacks progress or evaluation lines:\n%s", log.String())
	}
	back, err := LoadRun(opt.Checkpoint)
	if err != nil {
		t.Fatal(err)
	}
	if back.Step != 4 || back.Adam == nil || back.Adam.T != 4 || len(back.History) != 2 || !reflect.DeepEqual(back.Config, cfg) {
		t.Fatalf("checkpoint: step %d, adam %v, %d history points, config %+v", back.Step, back.Adam != nil, len(back.History), back.Config)
	}
	if len(back.Adam.W0) != len(start) {
		t.Fatalf("checkpoint holds anchor weights of %d parameters, want %d", len(back.Adam.W0), len(start))
	}
	for name, w0 := range start { // the graph's nodes are named "rater." and the parameter's name
		if !slices.Equal(back.Adam.W0["rater."+name], w0) {
			t.Fatalf("%s: the checkpoint's anchor weights are not the run's starting ones: %v vs %v", name, back.Adam.W0["rater."+name], w0)
		}
	}
	w, err := model.LoadRater(opt.Out)
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range run.Rater.Params {
		if !slices.Equal(p.Data().([]float32), w.Params[name].Data().([]float32)) {
			t.Fatalf("%s differs between the final weights and the run", name)
		}
	}
	back.Config.Steps = 6
	log.Reset()
	if err := back.Train(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "steps 4..6") || !strings.Contains(log.String(), "step 6/6") {
		t.Errorf("resumed log:\n%s", log.String())
	}
}

func TestTrainingLowersTheLossOnOneFamily(t *testing.T) {
	r, err := model.NewRater(model.RaterConfig{MaxWords: 24, Embed: 4, Hidden: 16, Stem: [2]int{8, 8}, Width: 16, Blocks: 1,
		Groups: 4, Head: 16, FC: 16, Slope: 0.1}, vqa.Words(), vqa.Answers, 1)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	p := newPool(4, 64, 0, nil, 0)
	p.fill(-1)
	net, vm := trainNet(t, r, 16)
	adam := model.NewAdam(3e-3)
	var first, last float64
	for step := 0; step < 60; step++ {
		var batch []Example
		for len(batch) < 16 {
			if ex, ok, _ := Make(rng, "time", func() Scene { return p.pick(rng) }, 0); ok {
				batch = append(batch, ex)
			}
		}
		if err := feed(net, batch); err != nil {
			t.Fatal(err)
		}
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		loss := float64(net.Loss.Value().Data().(float32))
		if step < 5 {
			first += loss / 5
		}
		if step >= 55 {
			last += loss / 5
		}
		if _, err := adam.Step(net.Params); err != nil {
			t.Fatal(err)
		}
	}
	if !(last < 0.5*first) {
		t.Errorf("time-of-day loss went from %.3f to %.3f; want it halved", first, last)
	}
}

func trainNet(t *testing.T, r *model.Rater, batch int) (*model.RaterNet, G.VM) {
	t.Helper()
	g := G.NewGraph()
	net, err := r.Build(g, model.RaterOptions{Batch: batch, Train: true})
	if err != nil {
		t.Fatal(err)
	}
	vm, err := trainMachine(net, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { vm.Close() })
	return net, vm
}

func TestFamilyWeightsLeaveTextOnlyFamiliesToTheFurtherQuestions(t *testing.T) {
	for _, questions := range []int{1, 4} {
		run := &Run{Config: DefaultConfig()}
		run.Config.Questions = questions
		for i, w := range run.familyWeights() {
			f := vqa.Families()[i]
			skipped := f == "presence" || f == "time" || f == "side"
			if questions > 1 && skipped && w != 0 || (questions == 1 || !skipped) && w <= 0 {
				t.Errorf("%d questions per image: family %s has weight %v", questions, f, w)
			}
		}
	}
}

func TestDepthExamplesMarkTheirLabelledPoints(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	p := newPool(8, 64, 0, nil, 0)
	p.fill(-1)
	const plane = auxSide * auxSide
	for n := 0; n < 5; {
		ex, ok, err := Make(rng, "depth", func() Scene { return p.pick(rng) }, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			continue
		}
		n++
		if len(ex.Marks) != len(MarkLabels)*plane {
			t.Fatalf("%d mark values, want %d", len(ex.Marks), len(MarkLabels)*plane)
		}
		// each label's map sums to 1, and the two sit in different places:
		// the dots are at least 8 px apart
		var peaks []int
		for ch := range MarkLabels {
			m := ex.Marks[ch*plane : (ch+1)*plane]
			var sum float32
			for _, v := range m {
				sum += v
			}
			if math.Abs(float64(sum)-1) > 1e-5 {
				t.Errorf("mark %c sums to %v, want 1", MarkLabels[ch], sum)
			}
			peaks = append(peaks, slices.Index(m, slices.Max(m)))
		}
		if peaks[0] == peaks[1] {
			t.Errorf("A and B peak in the same cell %d", peaks[0])
		}
	}
	// the maps follow the letters: a depth item's marks by hand
	it := vqa.Mark{Label: 'B', X: 40.5, Y: 30.5, LX: 42, LY: 24}
	m := markTargets([]vqa.Mark{it})
	if a := m[:plane]; slices.Max(a) != 0 {
		t.Error("no A drawn, yet its map is not empty")
	}
	if b := m[plane:]; b[30/auxCell*auxSide+40/auxCell] < 0.2 {
		t.Errorf("B's map is %.2f in its dot's cell", b[30/auxCell*auxSide+40/auxCell])
	}
	ex, ok, err := Make(rng, "horizon", func() Scene { return p.pick(rng) }, 0)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if slices.Max(ex.Marks) != 0 {
		t.Fatal("a horizon example has marks")
	}
}

func TestFamiliesRestrictTheImagesOwnQuestions(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Families = []string{"depth", "treeline"}
	run := &Run{Config: cfg}
	for i, w := range run.familyWeights() {
		f := vqa.Families()[i]
		if on := f == "depth" || f == "treeline"; on != (w > 0) {
			t.Errorf("%s: weight %v", f, w)
		}
	}
	cfg.Families, cfg.Questions = []string{"presence", "depth"}, 2 // listed: drawn even with further questions
	run = &Run{Config: cfg}
	for i, w := range run.familyWeights() {
		f := vqa.Families()[i]
		if on := f == "presence" || f == "depth"; on != (w > 0) {
			t.Errorf("%s with 2 questions per image: weight %v", f, w)
		}
	}
	cfg.Families = []string{"depth", "nonsense"}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "nonsense") {
		t.Errorf("unknown family: %v", err)
	}
	cfg.Families = nil
	for _, a := range []float64{-1, 1 / cfg.LR} {
		cfg.Anchor = a
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "anchor") {
			t.Errorf("anchor %v: %v", a, err)
		}
	}
}

// A family that changes the image (a painted-out sun, a repainted sky)
// gets further questions only from the families whose answers still hold.
func TestFurtherQuestionsOnAChangedImageAreOnesItKeeps(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	changed := map[string]int{}
	for i := 0; i < 600 && (changed["sunbox"] < 8 || changed["sky"] < 8); i++ {
		f := []string{"sunbox", "sky"}[i%2]
		var s Scene
		ex, ok, err := Make(rng, f, func() Scene { s, _, _ = NewScene(rng, false, nil); return s }, 3)
		if err != nil {
			t.Fatal(err)
		}
		if !ok || slices.Equal(ex.Image, Planes(s.Image)) {
			continue
		}
		changed[f]++
		allowed := map[string][]string{"sunbox": {"time", "sky"}, "sky": {"presence", "side"}}[f]
		for _, qa := range ex.More {
			if !slices.Contains(allowed, qa.Family) {
				t.Errorf("%s example with a changed image asks a %s question: %q", f, qa.Family, qa.Question)
			}
		}
	}
	if changed["sunbox"] < 8 || changed["sky"] < 8 {
		t.Fatalf("changed images: %v; want at least 8 of each", changed)
	}
}

// Painting out the sun needs the render's exact disc: a generator's sample
// of the scene never gets that decoy.
func TestSunDecoysOnlyOnRenders(t *testing.T) {
	faithful := func(p world.Prompt, z []float64) (*image.RGBA, error) { // a "generator" that paints the render
		return world.Render(world.Sample(p, z)).Image, nil
	}
	for _, c := range []struct {
		paint Painter
		want  bool // decoys expected
	}{{nil, true}, {faithful, false}} {
		rng := rand.New(rand.NewPCG(21, 4))
		decoys, generated := 0, 0
		for i := 0; i < 300; i++ {
			var s Scene
			ex, ok, err := Make(rng, "sunbox", func() Scene { s, _, _ = NewScene(rng, false, c.paint); return s }, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				continue
			}
			if s.Generated {
				generated++
			}
			if !slices.Equal(ex.Image, Planes(s.Image)) {
				decoys++
			}
		}
		if c.want && decoys == 0 || !c.want && (decoys > 0 || generated == 0) {
			t.Errorf("painter %v: %d decoys in 300 examples (%d on generated scenes)", c.paint != nil, decoys, generated)
		}
	}
}

// A generator sample that puts the sun elsewhere does not take the
// render's truth, even when the rest of the image is faithful.
func TestGeneratorSamplesWithTheSunElsewhereAreRejected(t *testing.T) {
	var by float64 // how far the "generator" moves the sun down
	moved := func(p world.Prompt, z []float64) (*image.RGBA, error) {
		r := world.Render(world.Sample(p, z))
		if r.Truth.Sun == nil {
			return r.Image, nil
		}
		s := r.Truth.Sun
		side := int(s.Radius) + 4 // the sky beside the disc, on the side with room
		if s.X+float64(side) >= world.Size {
			side = -side
		}
		out := image.NewRGBA(r.Image.Rect)
		copy(out.Pix, r.Image.Pix)
		for y := 0; y < world.Size; y++ {
			for x := 0; x < world.Size; x++ {
				d := math.Hypot(float64(x)+0.5-s.X, float64(y)+0.5-s.Y)
				if d <= s.Radius+1 { // the disc painted out with the sky beside it...
					out.Set(x, y, r.Image.At(x+side, y))
				}
				if math.Hypot(float64(x)+0.5-s.X, float64(y)+0.5-s.Y-by) <= s.Radius { // ...and drawn lower
					out.Set(x, y, r.Image.At(int(s.X), int(s.Y)))
				}
			}
		}
		if picture.MeanAbsDiff(out, r.Image) > MaxGeneratedError {
			return nil, fmt.Errorf("the moved sun changed the image by %.3f overall: the test needs it local", picture.MeanAbsDiff(out, r.Image))
		}
		return out, nil
	}
	faithful := func(p world.Prompt, z []float64) (*image.RGBA, error) {
		return world.Render(world.Sample(p, z)).Image, nil
	}
	for _, by = range []float64{3, 8} { // within the shifts SunMatch tries, and beyond them
		rejectsMovedSuns(t, faithful, moved, by)
	}
}

func rejectsMovedSuns(t *testing.T, faithful, moved Painter, by float64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(31, 5))
	var kept, sunny int
	for i := 0; i < 60; i++ {
		seed := rng.Uint64()
		s, ok, err := NewScene(rand.New(rand.NewPCG(seed, 1)), true, faithful)
		if err != nil || !ok {
			t.Fatalf("a faithful sample was rejected: %v", err)
		}
		if s.Truth.Sun == nil || world.MustParsePrompt(s.Truth.Prompt).Time != "noon" {
			continue
		}
		sunny++
		_, ok, err = NewScene(rand.New(rand.NewPCG(seed, 1)), true, moved)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			kept++
		}
	}
	if sunny == 0 || kept > 0 {
		t.Errorf("%d of %d noon samples with the sun %v px off were kept", kept, sunny, by)
	}
}
