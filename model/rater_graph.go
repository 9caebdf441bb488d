package model

import (
	"fmt"
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
	// nothing is drawn in or beside the pixel; with Config.SkyFit too).
	Swatches, Plain *G.Node
	// With Config.SkyFit, input (Batch*Questions, 1, 1, 1): 1 for the
	// questions with the word SkyWord, the only ones that read the sky path.
	SkyAsked *G.Node
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
	}
	if r.Config.ColourFit || len(r.Config.SkyFit) > 0 {
		net.Plain = b.input("plain", opt.Batch, 1, RaterSize, RaterSize)
	}
	net.Words = b.input("words", nq*r.Config.MaxWords, len(r.Words)+1, 1, 1)
	if len(r.Config.SkyFit) > 0 {
		if !slices.Contains(r.Words, SkyWord) {
			return nil, fmt.Errorf("build rater: the sky path is read by questions with the word %q, which the vocabulary lacks", SkyWord)
		}
		net.SkyAsked = b.input("sky_asked", nq, 1, 1, 1)
		if err := G.Let(net.SkyAsked, fromFloat64(dt, make([]float64, nq), nq, 1, 1, 1)); err != nil {
			return nil, err
		}
	}
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
	var lab *G.Node
	if c.ColourFit || len(c.SkyFit) > 0 {
		lab = b.check(LabOf(seen))
	}
	if len(c.SkyFit) > 0 { // the sky's pixels against the named sky colours, read by questions about the sky
		m := b.check(SkyFit(lab, b.check(PickChannel(b.auxMaps(), 0)), net.Plain, c.SkyFit))
		if b.opt.Questions > 1 {
			m = b.check(RepeatRows(m, b.opt.Questions))
		}
		m = b.check(Outer(net.SkyAsked, m))
		logits = b.check(G.Add(logits, b.layer("answers.sky", b.check(Outer(m, q)))))
	}
	if c.ColourFit { // the swatches against the image's pixels, read by the question
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

// SkyWord is the word that makes a question read the sky path
// (Config.SkyFit): every other question is answered exactly as by a rater
// without it, whatever the path learns.
const SkyWord = "sky"

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
	aux         *G.Node // auxMaps, once built
}

// auxMaps is the stem's estimate of the Aux maps, (Batch, Aux, 16, 16),
// built once (the sky path reads the first, training compares them all
// with their targets).
func (b *raterBuilder) auxMaps() *G.Node {
	if b.aux == nil {
		b.aux = b.layer("aux", b.stem)
	}
	return b.aux
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
