package model

import (
	"fmt"
	"math"
	"slices"

	"dualprocess/training/visual"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// RaterSize is the side of the images the rater reads.
const RaterSize = 64

// RaterOptions says how to build the rater into a graph.
type RaterOptions struct {
	Batch int
	// Image is the (Batch, 3, 64, 64) image node to rate, RGB in [0, 1]:
	// e.g. the generator's Net.Image, so a loss on the answer backpropagates
	// into the generator. Nil: Build makes an input node (set it with SetImages).
	Image *G.Node
	// Train makes the rater's weights trainable parameters (pretraining).
	// Otherwise they are bound as frozen inputs: no gradient is computed
	// for them and only the image (and what made it) gets gradients.
	Train bool
	// Questions is the number of questions asked about each image in one
	// pass (default 1): question i*Questions+k is about image i. The image
	// features are computed once and only the question-dependent readout
	// repeats, so training learns from several answers per image. Needs a
	// rater without FiLM.
	Questions int
	Name      string // prefix of the node names; needed to build twice into one graph (default "rater")
}

// RaterNet is the rater built into a graph. Before each run set the
// overlays, questions and answers (and the images if Build made the input).
type RaterNet struct {
	Image  *G.Node // (Batch, 3, 64, 64): the image under the visual prompt
	Scale  *G.Node // input (Batch, 3, 64, 64): overlay scale (visual.Overlay.Scale)
	Offset *G.Node // input (Batch, 3, 64, 64): overlay offset (visual.Overlay.Offset)
	// Where the visual prompt is drawn (set with the overlays): an extra
	// input channel at 64x64, and at 16x16 (each 4x4 cell's maximum, grown
	// by a cell) the weights of a pool that reads the features there.
	Mask    *G.Node
	Regions []*G.Node // (Batch, 1, 16, 16) each: the weights of the pools over model.Regions
	// With Config.Match, (Batch, 1, 16, 16) each: the drawn cells (each
	// 4x4 cell's maximum of Mask) and the image cells (1 where nothing is
	// drawn in or beside the cell), the two sides Match compares.
	Drawn, Undrawn *G.Node
	// With Config.ColourFit, (Batch, 1, 64, 64) each: the swatches drawn
	// (each opaque colour of the drawing that fills MinSwatchPixels or more
	// numbered from 1) and the pixels to compare with them (1 where
	// nothing is drawn in or beside the pixel).
	Swatches, Plain *G.Node
	// The question side has Batch*Questions rows (Questions per image).
	Words  *G.Node // input (Batch*Questions*MaxWords, len(Words)+1, 1, 1): one-hot word ids
	Target *G.Node // input (Batch*Questions, len(Answers)): one-hot desired answers
	Logits *G.Node // output (Batch*Questions, len(Answers))
	LogP   *G.Node // output (Batch*Questions): log p(desired answer | image, question)
	Loss   *G.Node // output scalar: mean of -LogP, the cross-entropy
	// Training only (RaterOptions.Train and Config.Aux > 0): the stem's
	// predicted maps (Batch, Aux, 16, 16) and scene attributes (Batch,
	// AuxScene, 1, 1), their targets (inputs) and the sum of their mean squared errors.
	Aux, AuxTarget, AuxScene, AuxSceneTarget, AuxLoss *G.Node
	// Training only, with MarkPools: where each labelled point truly is,
	// (Batch, 256) each, a distribution over the 16x16 cells (all zero for
	// an image without that mark); its cross-entropy joins AuxLoss.
	MarkTargets []*G.Node
	MarkLogits  []*G.Node // with MarkPools: where each labelled point is, (Batch, 256) logits
	Params      G.Nodes   // trainable nodes (Train only), bound to the Rater's tensors
	Rater       *Rater

	batch     int // images
	questions int // per image
	ownsImage bool
}

// Build adds the rater to g.
func (r *Rater) Build(g *G.ExprGraph, opt RaterOptions) (net *RaterNet, err error) {
	if opt.Batch < 1 {
		return nil, fmt.Errorf("build rater: batch %d", opt.Batch)
	}
	dt := r.dtype()
	want := tensor.Shape{opt.Batch, 3, RaterSize, RaterSize}
	if opt.Image != nil && (!opt.Image.Shape().Eq(want) || opt.Image.Dtype() != dt) {
		return nil, fmt.Errorf("build rater: image node is %v %v, want %v %v", opt.Image.Dtype(), opt.Image.Shape(), dt, want)
	}
	if opt.Name == "" {
		opt.Name = "rater"
	}
	if opt.Questions == 0 {
		opt.Questions = 1
	}
	if opt.Questions < 1 || opt.Questions > 1 && r.Config.FiLM {
		return nil, fmt.Errorf("build rater: %d questions per image (a FiLM rater reads one)", opt.Questions)
	}
	graphMu.Lock()
	defer graphMu.Unlock()
	defer func() {
		if rec := recover(); rec != nil {
			be, ok := rec.(buildError)
			if !ok {
				panic(rec)
			}
			net, err = nil, fmt.Errorf("build rater: %w", be.err)
		}
	}()
	if len(g.ByName(opt.Name+".words")) > 0 {
		return nil, fmt.Errorf("build rater: graph already holds a rater named %q; set RaterOptions.Name", opt.Name)
	}
	b := &raterBuilder{g: g, r: r, opt: opt, dt: dt}
	net = &RaterNet{Rater: r, batch: opt.Batch, questions: opt.Questions, Image: opt.Image}
	nq := opt.Batch * opt.Questions
	if net.Image == nil {
		net.Image, net.ownsImage = b.input("image", want...), true
	}
	net.Scale, net.Offset = b.input("scale", want...), b.input("offset", want...)
	net.Mask = b.input("mask", opt.Batch, 1, RaterSize, RaterSize)
	for _, r := range Regions {
		net.Regions = append(net.Regions, b.input("region."+r, opt.Batch, 1, regionCells, regionCells))
	}
	if r.Config.Match > 0 {
		net.Drawn = b.input("drawn", opt.Batch, 1, regionCells, regionCells)
		net.Undrawn = b.input("undrawn", opt.Batch, 1, regionCells, regionCells)
	}
	if r.Config.ColourFit {
		net.Swatches = b.input("swatches", opt.Batch, 1, RaterSize, RaterSize)
		net.Plain = b.input("plain", opt.Batch, 1, RaterSize, RaterSize)
	}
	net.Words = b.input("words", nq*r.Config.MaxWords, len(r.Words)+1, 1, 1)
	net.Target = b.input("target", nq, len(r.Answers))
	net.Logits = b.forward(net)
	net.MarkLogits = b.markLogits
	if opt.Train {
		b.auxiliary(net)
	}
	net.LogP = b.check(AnswerLogProb(net.Logits, net.Target))
	net.Loss = b.check(G.Neg(b.check(G.Mean(net.LogP))))
	net.Params = b.params
	// No visual prompt and no desired answer (LogP 0) until set.
	if err := net.SetOverlays(make([]*visual.Overlay, net.batch)); err != nil {
		return nil, err
	}
	if err := G.Let(net.Target, fromFloat64(dt, make([]float64, nq*len(r.Answers)), nq, len(r.Answers))); err != nil {
		return nil, err
	}
	return net, nil
}

// forward is the rater, top to bottom.
func (b *raterBuilder) forward(net *RaterNet) *G.Node {
	c, n, nq := b.r.Config, b.opt.Batch, b.opt.Batch*b.opt.Questions
	q := b.layer("words", net.Words) // one embedding per word slot
	q = b.reshape(q, nq, c.MaxWords*c.Embed, 1, 1)
	q = b.act(b.layer("question", q))

	seen := b.check(Overlay(net.Image, net.Scale, net.Offset))
	x := b.withCoords(b.check(AppendChannels(seen, net.Mask)))
	x = b.s2d(b.act(b.layer("stem64", x)))
	x = b.act(b.layer("stem32", x))
	x = b.s2d(b.act(b.layer("stem32b", x)))
	h := b.act(b.layer("stem16", x))
	b.stem = h
	for i := 0; i < c.Blocks; i++ {
		h = b.act(b.layer(fmt.Sprintf("block%d.in", i), b.withCoords(h)))
		res := b.layer(fmt.Sprintf("block%d.conv", i), h)
		if c.Groups > 0 {
			res = b.check(GroupNorm(res, c.Groups))
		}
		if c.FiLM {
			res = b.check(FiLM(res, b.layer(fmt.Sprintf("film%d", i), q)))
		}
		h = b.check(G.Add(h, b.act(res)))
	}
	h = b.act(b.layer("head", b.withCoords(h)))
	f := b.layer("fc", b.reshape(b.check(GlobalPool(h)), n, 2*c.Head, 1, 1))
	if c.Grid > 0 {
		f = b.check(G.Add(f, b.layer("fc.grid", b.check(GridPool(h, c.Grid)))))
	}
	for i, r := range Regions { // what is at the drawing, beside it and inside it
		pooled := b.check(MaskPool(h, net.Regions[i]))
		b.regionPools = append(b.regionPools, pooled)
		f = b.check(G.Add(f, b.layer("fc."+r, pooled)))
	}
	if c.Match > 0 { // each drawn cell against each image cell, as the stem sees them
		q, k := b.layer("match.query", b.stem), b.layer("match.key", b.stem)
		f = b.check(G.Add(f, b.layer("fc.match", b.check(Match(q, k, net.Drawn, net.Undrawn, c.Match)))))
	}
	if c.SceneRead { // what the stem tells of the whole scene (AuxScene)
		f = b.check(G.Add(f, b.layer("fc.scene", b.sceneAttributes())))
	}
	var hc *G.Node // the head's features and coordinates, read by the mark pools and the attention
	if c.MarkPools > 0 || c.Attend > 0 {
		hc = b.withCoords(h)
	}
	if c.MarkPools > 0 { // what is at the points the drawing labels, as the stem sees them
		marks := b.layer("marks", b.stem)
		one := b.input("one", n, 1, 1, 1)
		if err := G.Let(one, fromFloat64(b.dt, slices.Repeat([]float64{1}, n), n, 1, 1, 1)); err != nil {
			panic(buildError{err})
		}
		for m := 0; m < c.MarkPools; m++ {
			logits := b.check(PickChannel(marks, m))
			b.markLogits = append(b.markLogits, b.reshape(logits, n, regionCells*regionCells))
			read := b.check(Attend(logits, hc, one, 1)) // the mean under softmax(logits)
			f = b.check(G.Add(f, b.layer(fmt.Sprintf("fc.mark%d", m), read)))
		}
	}
	if b.opt.Questions > 1 {
		f = b.check(RepeatRows(f, b.opt.Questions)) // the image's features for each of its questions
	}
	if c.Attend > 0 { // each question reads where it looks
		keys := b.layer("attend.key", h)
		read := b.check(Attend(keys, hc, b.layer("attend.query", q), c.Attend))
		f = b.check(G.Add(f, b.layer("fc.attend", read)))
	}
	f = b.act(b.check(G.Add(f, b.layer("fc.question", q))))
	if c.Readout > 0 {
		read := b.act(b.layer("readout", q))
		if c.ReadoutSkip {
			read = b.check(G.Add(read, b.layer("readout.skip", q)))
		}
		f = b.check(Outer(f, read))
	}
	logits := b.layer("answers", f)
	if c.SceneAnswer { // the scene attributes, read by the question
		s := b.sceneAttributes()
		if b.opt.Questions > 1 {
			s = b.check(RepeatRows(s, b.opt.Questions))
		}
		logits = b.check(G.Add(logits, b.layer("answers.scene", b.check(Outer(s, q)))))
	}
	if c.ColourFit { // the swatches against the image's pixels, read by the question
		lab := b.check(LabOf(seen))
		m := b.check(ColourFit(b.check(Median3(lab)), lab, net.Swatches, net.Plain, c.ColourLogShare))
		if b.opt.Questions > 1 {
			m = b.check(RepeatRows(m, b.opt.Questions))
		}
		if c.ColourGate {
			logits = b.gated(logits, m, q)
		}
		logits = b.check(G.Add(logits, b.layer("answers.colour", b.check(Outer(m, q)))))
	}
	return b.reshape(logits, nq, len(b.r.Answers))
}

// ColourGateShift places the colour gate's zero: a gate layer at zero
// keeps sigmoid(ColourGateShift), 98%, of the other paths' logits.
const ColourGateShift = 4

// gated scales logits (N, A, 1, 1) by 1 - a*sigmoid(answers.gate(q) -
// ColourGateShift), with a the colour path's last value m (N, 5, 1, 1):
// 1 where it reads swatches and 0 elsewhere, so every other question is
// answered exactly as without the gate.
func (b *raterBuilder) gated(logits, m, q *G.Node) *G.Node {
	n := logits.Shape()[0]
	rows := func(name string, v float64) *G.Node {
		x := b.input(name, n, 1, 1, 1)
		if err := G.Let(x, fromFloat64(b.dt, slices.Repeat([]float64{v}, n), n, 1, 1, 1)); err != nil {
			panic(buildError{err})
		}
		return x
	}
	active := b.check(PickChannel(m, ColourFitOutputs-1))
	shut := b.check(Sigmoid(b.check(G.Add(b.layer("answers.gate", q), rows("gate.shift", -ColourGateShift)))))
	keep := b.check(G.Sub(rows("gate.one", 1), b.check(Outer(active, shut))))
	return b.check(Outer(keep, logits))
}

type raterBuilder struct {
	g      *G.ExprGraph
	r      *Rater
	opt    RaterOptions
	dt     tensor.Dtype
	params G.Nodes
	stem   *G.Node // the stem's output, for the auxiliary maps
	// where the labelled points are (MarkPools), as logits over the cells
	markLogits []*G.Node
	// the head's features pooled in each of the Regions, for RegionAux
	regionPools []*G.Node
	scene       *G.Node // sceneAttributes, once built
}

// sceneAttributes is the stem's estimate of the AuxScene attributes,
// (Batch, AuxScene, 1, 1), built once. It is the layer's own output, not a
// reshaped view: the tape machine ran the auxiliary loss's subtraction in
// place on such a view, and the classifier's fc.scene then read the
// error instead of the attributes in the backward pass (its weight
// gradient failed the float64 check).
func (b *raterBuilder) sceneAttributes() *G.Node {
	if b.scene == nil {
		c, n := b.r.Config, b.opt.Batch
		pooled := b.reshape(b.check(GlobalPool(b.stem)), n, 2*c.Width, 1, 1)
		b.scene = b.layer("aux.scene", pooled)
	}
	return b.scene
}

func (b *raterBuilder) check(n *G.Node, err error) *G.Node {
	if err != nil {
		panic(buildError{err})
	}
	return n
}

func (b *raterBuilder) reshape(x *G.Node, shape ...int) *G.Node { return b.check(G.Reshape(x, shape)) }
func (b *raterBuilder) act(x *G.Node) *G.Node                   { return b.check(LeakyReLU(x, b.r.Config.Slope)) }
func (b *raterBuilder) s2d(x *G.Node) *G.Node                   { return b.check(SpaceToDepth2(x)) }

func (b *raterBuilder) input(name string, shape ...int) *G.Node {
	return G.NewTensor(b.g, b.dt, len(shape), G.WithShape(shape...), G.WithName(b.opt.Name+"."+name))
}

func (b *raterBuilder) withCoords(x *G.Node) *G.Node { return b.check(WithCoords(x)) }

// layer applies the named conv or dense layer (x is 4D; dense layers run on 1x1 maps).
func (b *raterBuilder) layer(name string, x *G.Node) *G.Node {
	bind := func(kind string) *G.Node {
		n := G.NodeFromAny(b.g, b.r.Params[name+kind], G.WithName(b.opt.Name+"."+name+kind))
		if b.opt.Train {
			b.params = append(b.params, n)
		}
		return n
	}
	return b.check(Conv2d(x, bind(".weight"), bind(".bias")))
}

// SetImages binds the images to rate, (Batch, 3, 64, 64) in [0, 1] in the
// rater's dtype; only for nets whose Build made the image input.
func (net *RaterNet) SetImages(t *tensor.Dense) error {
	if !net.ownsImage {
		return fmt.Errorf("rater images: the image node comes from elsewhere in the graph")
	}
	if !t.Shape().Eq(net.Image.Shape()) || t.Dtype() != net.Image.Dtype() {
		return fmt.Errorf("rater images: got %v %v, want %v %v", t.Dtype(), t.Shape(), net.Image.Dtype(), net.Image.Shape())
	}
	return G.Let(net.Image, t)
}

// SetOverlays binds one visual prompt per image; nil means none.
func (net *RaterNet) SetOverlays(ovs []*visual.Overlay) error {
	if len(ovs) != net.batch {
		return fmt.Errorf("rater overlays: %d for a batch of %d", len(ovs), net.batch)
	}
	const plane = 3 * RaterSize * RaterSize
	scale, offset := make([]float64, net.batch*plane), make([]float64, net.batch*plane)
	for i, o := range ovs {
		s, off := scale[i*plane:(i+1)*plane], offset[i*plane:(i+1)*plane]
		if o == nil {
			for k := range s {
				s[k] = 1
			}
			continue
		}
		if o.W != RaterSize || o.H != RaterSize || len(o.Scale) != plane || len(o.Offset) != plane {
			return fmt.Errorf("rater overlays: overlay %d is %dx%d, want %dx%d", i, o.W, o.H, RaterSize, RaterSize)
		}
		for k := range s {
			s[k], off[k] = float64(o.Scale[k]), float64(o.Offset[k])
		}
	}
	dt := net.Image.Dtype()
	mask, regions, drawn := drawingMasks(scale, offset, net.batch)
	type input struct {
		n *G.Node
		v []float64
	}
	ins := []input{{net.Scale, scale}, {net.Offset, offset}, {net.Mask, mask}}
	for i, r := range net.Regions {
		ins = append(ins, input{r, regions[i]})
	}
	if net.Drawn != nil {
		undrawn := make([]float64, len(drawn))
		for k, at := range regions[0] { // the drawing grown by a cell
			if at < 0.5 {
				undrawn[k] = 1
			}
		}
		ins = append(ins, input{net.Drawn, drawn}, input{net.Undrawn, undrawn})
	}
	if net.Swatches != nil {
		swatches, plain := colourSides(scale, offset, mask, net.batch)
		ins = append(ins, input{net.Swatches, swatches}, input{net.Plain, plain})
	}
	for _, in := range ins {
		if err := G.Let(in.n, fromFloat64(dt, in.v, in.n.Shape()...)); err != nil {
			return err
		}
	}
	return nil
}

// drawingMasks tells where an overlay draws something other than white:
// 2*max|scale+offset-1| over the channels, clamped to 1 (0 where nothing
// is drawn, in both modes), and at 16x16 each 4x4 cell's maximum (drawn)
// and the masks of the Regions around the drawing.
func drawingMasks(scale, offset []float64, n int) (mask []float64, regions [][]float64, drawn []float64) {
	const side, cells, cell = RaterSize, regionCells, RaterSize / regionCells
	const plane = side * side
	mask, regions = make([]float64, n*plane), make([][]float64, len(Regions))
	drawn = make([]float64, n*cells*cells)
	for i := 0; i < n; i++ {
		coarse := drawn[i*cells*cells : (i+1)*cells*cells]
		for k := 0; k < plane; k++ {
			var m float64
			for c := 0; c < 3; c++ {
				o := (i*3+c)*plane + k
				m = max(m, math.Abs(scale[o]+offset[o]-1))
			}
			m = min(1, 2*m)
			mask[i*plane+k] = m
			cy, cx := k/side/cell, k%side/cell
			coarse[cy*cells+cx] = max(coarse[cy*cells+cx], m)
		}
		regions = regionMasks(coarse, regions)
	}
	return mask, regions, drawn
}

// SetQuestions tokenizes and binds the questions, Questions per image.
func (net *RaterNet) SetQuestions(qs []string) error {
	if len(qs) != net.batch*net.questions {
		return fmt.Errorf("rater questions: %d for %d images and %d questions each", len(qs), net.batch, net.questions)
	}
	ids := make([][]int, len(qs))
	for i, q := range qs {
		var err error
		if ids[i], err = net.Rater.tok.Encode(q); err != nil {
			return err
		}
	}
	return net.SetWordIDs(ids)
}

// SetWordIDs binds already tokenized questions (Tokenizer.Encode).
func (net *RaterNet) SetWordIDs(ids [][]int) error {
	l, v := net.Rater.Config.MaxWords, len(net.Rater.Words)+1
	if len(ids) != net.batch*net.questions {
		return fmt.Errorf("rater questions: %d for %d images and %d questions each", len(ids), net.batch, net.questions)
	}
	oneHot := make([]float64, len(ids)*l*v)
	for i, q := range ids {
		if len(q) != l {
			return fmt.Errorf("rater questions: question %d has %d word ids, want %d", i, len(q), l)
		}
		for j, id := range q {
			if id < 0 || id >= v {
				return fmt.Errorf("rater questions: word id %d out of range", id)
			}
			oneHot[(i*l+j)*v+id] = 1
		}
	}
	return G.Let(net.Words, fromFloat64(net.Image.Dtype(), oneHot, net.Words.Shape()...))
}

// SetAnswers binds the desired (or true) answer of each question.
func (net *RaterNet) SetAnswers(as []string) error {
	if len(as) != net.batch*net.questions {
		return fmt.Errorf("rater answers: %d for %d images and %d questions each", len(as), net.batch, net.questions)
	}
	na := len(net.Rater.Answers)
	t := make([]float64, len(as)*na)
	for i, a := range as {
		k, err := net.Rater.AnswerIndex(a)
		if err != nil {
			return err
		}
		t[i*na+k] = 1
	}
	return G.Let(net.Target, fromFloat64(net.Image.Dtype(), t, len(as), na))
}

// Probs returns each question's probability for every answer (softmax of
// the logits after a run), in the order of Rater.Answers.
func (net *RaterNet) Probs() ([][]float64, error) {
	v := net.Logits.Value()
	if v == nil {
		return nil, fmt.Errorf("rater has not run")
	}
	na := len(net.Rater.Answers)
	out := make([][]float64, net.batch*net.questions)
	lp := make([]float64, na)
	for i := range out {
		switch d := v.Data().(type) {
		case []float32:
			logSoftmax(d[i*na:(i+1)*na], lp)
		case []float64:
			logSoftmax(d[i*na:(i+1)*na], lp)
		}
		out[i] = make([]float64, na)
		for a, l := range lp {
			out[i][a] = math.Exp(l)
		}
	}
	return out, nil
}
