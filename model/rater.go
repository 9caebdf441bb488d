package model

// The rater is the built-in vision-language model (the stand-in for the
// VLMs of the paper): given a 64x64 image with a visual prompt overlaid and
// a question, it gives a probability for every answer of its vocabulary,
// and it is differentiable in the image. It began as FiLM (Perez et al.
// 2018: a question encoder produces a per-channel scale and shift for each
// residual conv block of an image network, still an option); the shipped
// rater fuses the question late, so an image is encoded once for several
// questions.
//
//	question -> word embeddings, concatenated by position -> MLP -> (gamma, beta) per block
//	image -> overlay -> [RGB, drawing mask, x, y] -> 3x3 conv @64 -> space to depth
//	      -> 3x3 conv, 3x3 conv @32 -> space to depth -> 3x3 conv @16
//	      -> blocks: h = lrelu(1x1 conv [h, x, y]); h += lrelu(FiLM(norm(3x3 conv h)))
//	      -> 1x1 conv [h, x, y] -> global max and mean pool, maxima of 4x4 blocks,
//	         and means over regions placed by the drawing (at, above, below,
//	         left and right of it, inside it; rater_regions.go)
//	         and [h, x, y] under the softmax of the stem's maps of the points
//	         labelled A and B (MarkPools)
//	         and the best matches between drawn and image cells of the
//	         stem's features, both ways (Match: palette strips)
//	      -> + attention: each question's query against keys from h reads [h, x, y]
//	      -> MLP (+ question)
//	      -> bilinear in (features, question readout vector) -> answer logits

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"dualprocess/model/safetensors"
	"dualprocess/training/world"

	"gorgonia.org/tensor"
)

// RaterConfig is the rater's architecture.
type RaterConfig struct {
	MaxWords int    `json:"max_words"` // question length in words (padded)
	Embed    int    `json:"embed"`     // width of a word embedding
	Hidden   int    `json:"hidden"`    // width of the question encoding
	Stem     [2]int `json:"stem"`      // conv widths at 64x64 and 32x32
	Width    int    `json:"width"`     // channels of the FiLM blocks at 16x16
	Blocks   int    `json:"blocks"`    // number of residual blocks
	Groups   int    `json:"groups"`    // group norm groups in each block (0: none)
	FiLM     bool   `json:"film"`      // the question modulates the blocks (then one question per image and pass)
	Head     int    `json:"head"`      // channels of the 1x1 conv before the max pool
	FC       int    `json:"fc"`        // hidden width of the classifier
	Grid     int    `json:"grid"`      // side of the block whose maxima the classifier reads by position (0: none)
	Readout  int    `json:"readout"`   // width of the question's readout vector (bilinear answer layer; 0: linear)
	Aux      int    `json:"aux"`       // maps predicted from the stem's features in training (0: none)
	AuxScene int    `json:"aux_scene"` // scene attributes predicted from the stem's features in training (0: none)
	// RegionAux: in training, the features pooled in each of the Regions
	// around the drawing also predict the Aux maps' means there (what lies
	// above the line, inside the box), so the pools carry it from the start.
	RegionAux bool `json:"region_aux"`
	// Attend: heads of question-conditioned attention over the head's
	// features (0: none), each with keys and queries of AttendDim values;
	// each question reads the features (and coordinates) where it looks.
	Attend int `json:"attend,omitempty"`
	// MarkPools: maps of where the drawing's labelled points are (A, B),
	// predicted from the stem as logits over the 16x16 cells (trained
	// against the true marks); the head's features and coordinates are
	// pooled under each map's softmax, so a question about A reads A.
	MarkPools int `json:"mark_pools,omitempty"`
	// SceneRead: the scene attributes the stem learns to tell (AuxScene)
	// are features of the classifier too, so a question about an object
	// reads a detector trained on every image rather than waiting to grow
	// one from its own examples ("Is there a house?" stayed at chance).
	SceneRead bool `json:"scene_read,omitempty"`
	// ReadoutSkip: a linear path beside the readout's activation, so a
	// question whose readout units all went negative (leaky, near zero:
	// its answers no longer depended on the image, as "Is there a house?"
	// did) still gets its full gradient and can recover.
	ReadoutSkip bool `json:"readout_skip,omitempty"`
	// SceneAnswer: the answers also read the scene attributes directly,
	// by a bilinear form in (attributes, question encoding), so "Is there a
	// house?" can look up the stem's house detector. The other paths read
	// the attributes only through the question's readout vector; where
	// that had collapsed, no gradient reached them and the answer stayed
	// at its prior (p(yes) 0.31-0.36 on every image).
	SceneAnswer bool `json:"scene_answer,omitempty"`
	// Match: heads of a cell-by-cell comparison of the drawing with the
	// image (0: none), each with queries and keys of MatchDim values from
	// the stem: how well each drawn cell's best match in the image
	// scores, and each image cell's best match in the drawing (Match). A
	// palette question asks exactly that of every swatch and every colour
	// of the image, which a pool over the strip blurs together.
	Match    int `json:"match,omitempty"`
	MatchDim int `json:"match_dim,omitempty"`
	// ColourFit: a path that compares the image's pixels with the swatches
	// drawn, in L*a*b* (ColourFit: how far the pixels are from their
	// nearest swatch, how much of the image each swatch covers, how near
	// each swatch comes to some pixel, and 1). The answers read its five
	// values by a bilinear form with the question (answers.colour, grown
	// at zero), so questions that have no use for colours can leave it out.
	ColourFit bool `json:"colour_fit,omitempty"`
	// ColourGate: where the colour path reads swatches, a gate read from
	// the question hands it the answer: the other paths' logits are scaled
	// by 1 - sigmoid(answers.gate(question) - ColourGateShift). Grown at
	// zero, it starts nearly open (98% of the other paths' say kept); a
	// palette question can learn to shut it, so that the stem's confident
	// no no longer outvotes the path built for the question.
	ColourGate bool `json:"colour_gate,omitempty"`
	// ColourLogShare: the colour path gives the least share of the image
	// a swatch covers as its log (ColourFit), so that a linear readout
	// can tell a swatch that covers nothing from one that covers the
	// judge's 1%: palette adapters that painted all in one swatch's colour
	// fooled a rater that read the share as it is.
	ColourLogShare bool `json:"colour_log_share,omitempty"`
	// SkyFit: a path that reads the sky's median colour (where the stem's
	// first auxiliary map says the sky is) against each named sky colour
	// (SkyFit), so "Is the sky orange?" is answered by most of the sky,
	// as the sky judge's median answers it, and not by a patch. Only
	// questions with the word "sky" read it (SkyWord), by a bilinear form
	// with the question (answers.sky, grown at zero). Empty: no sky path.
	SkyFit    []SkyGradient `json:"sky_fit,omitempty"`
	AttendDim int           `json:"attend_dim,omitempty"`
	Slope     float64       `json:"slope"` // leaky ReLU slope for negative inputs
}

// DefaultRaterConfig is the shipped rater's architecture.
func DefaultRaterConfig() RaterConfig {
	return RaterConfig{MaxWords: 24, Embed: 16, Hidden: 128, Stem: [2]int{16, 32}, Width: 64, Blocks: 4, Groups: 8, Head: 128, FC: 128, Grid: 4, Readout: 16, Aux: 7, AuxScene: 17, RegionAux: true, Attend: 2, AttendDim: 16, MarkPools: 2, SceneRead: true, ReadoutSkip: true, SceneAnswer: true, Match: 8, MatchDim: 8, Slope: 0.1}
}

// Validate checks that all sizes are usable.
func (c RaterConfig) Validate() error {
	switch {
	case c.MaxWords < 1 || c.Embed < 1 || c.Hidden < 1 || c.Stem[0] < 1 || c.Stem[1] < 1 ||
		c.Width < 1 || c.Blocks < 1 || c.Head < 1 || c.FC < 1 || c.Grid < 0 || c.Grid > 0 && 16%c.Grid != 0 || c.Readout < 0 || c.Aux < 0 || c.AuxScene < 0 ||
		c.Attend < 0 || c.Attend > 0 && c.AttendDim < 1 || c.MarkPools < 0 || c.Match < 0 || c.Match > 0 && c.MatchDim < 1:
		return fmt.Errorf("rater config %+v: sizes must be positive", c)
	case c.Groups < 0 || c.Groups > 0 && c.Width%c.Groups != 0:
		return fmt.Errorf("rater config: %d channels do not split into %d groups", c.Width, c.Groups)
	case c.ReadoutSkip && c.Readout == 0:
		return fmt.Errorf("rater config: readout skip needs a readout")
	case (c.SceneRead || c.SceneAnswer) && c.AuxScene == 0:
		return fmt.Errorf("rater config: scene read and scene answer need the scene attributes (aux_scene)")
	case (c.ColourGate || c.ColourLogShare) && !c.ColourFit:
		return fmt.Errorf("rater config: the colour gate and log share need the colour path (colour_fit)")
	case len(c.SkyFit) > 0 && c.Aux == 0:
		return fmt.Errorf("rater config: the sky path reads the stem's sky map (aux)")
	case c.Slope <= 0 || c.Slope >= 1:
		return fmt.Errorf("rater config: leaky ReLU slope %v outside (0, 1)", c.Slope)
	}
	return nil
}

// Layers lists the rater's layers in the order data flows through them,
// for a vocabulary of words words and answers answers.
func (c RaterConfig) Layers(words, answers int) []Layer {
	he := func(fanIn int) float64 { return math.Sqrt(2 / (1 + c.Slope*c.Slope) / float64(fanIn)) }
	dense := func(name string, in, out int, std float64) Layer {
		return Layer{Name: name, In: in, Out: out, K: 1, Dense: true, Size: 1, InitStd: std}
	}
	conv := func(name string, in, out, k, size int, std float64) Layer {
		return Layer{Name: name, In: in, Out: out, K: k, Size: size, InitStd: std}
	}
	s0, s1, w := c.Stem[0], c.Stem[1], c.Width
	ls := []Layer{
		dense("words", words+1, c.Embed, 1), // id 0 is padding
		dense("question", c.MaxWords*c.Embed, c.Hidden, he(c.MaxWords*c.Embed)),
		conv("stem64", 6, s0, 3, 64, he(9*6)), // RGB, the drawing's mask, x, y
		conv("stem32", 4*s0, s1, 3, 32, he(9*4*s0)),
		conv("stem32b", s1, s1, 3, 32, he(9*s1)),
		conv("stem16", 4*s1, w, 3, 16, he(9*4*s1)),
	}
	if c.Aux > 0 { // training only: dense targets that teach the stem what the scene holds
		ls = append(ls, conv("aux", w, c.Aux, 1, 16, 1/math.Sqrt(float64(w))))
	}
	if c.AuxScene > 0 {
		ls = append(ls, dense("aux.scene", 2*w, c.AuxScene, 1/math.Sqrt(float64(2*w))))
	}
	for b := 0; b < c.Blocks; b++ {
		ls = append(ls,
			conv(fmt.Sprintf("block%d.in", b), w+2, w, 1, 16, he(w+2)),
			conv(fmt.Sprintf("block%d.conv", b), w, w, 3, 16, 0.5*he(9*w))) // residual branch starts small
		if c.FiLM {
			ls = append(ls, dense(fmt.Sprintf("film%d", b), c.Hidden, 2*w, 0.2/math.Sqrt(float64(c.Hidden))))
		}
	}
	ls = append(ls,
		conv("head", w+2, c.Head, 1, 16, he(w+2)),
		dense("fc", 2*c.Head, c.FC, he(2*c.Head)),          // max and mean of each head channel
		dense("fc.question", c.Hidden, c.FC, he(c.Hidden)), // the classifier hears the question too
	)
	if c.SceneRead { // starts at zero: weights grown without it answer as before
		ls = append(ls, dense("fc.scene", c.AuxScene, c.FC, 0))
	}
	for _, r := range Regions { // and sees what is at the drawing, beside it and inside it
		ls = append(ls, dense("fc."+r, c.Head, c.FC, he(c.Head)))
		if c.RegionAux && c.Aux > 0 {
			ls = append(ls, dense("aux."+r, c.Head, c.Aux, 1/math.Sqrt(float64(c.Head))))
		}
	}
	if c.Grid > 0 {
		cells := (16 / c.Grid) * (16 / c.Grid)
		ls = append(ls, dense("fc.grid", c.Head*cells, c.FC, he(c.Head*cells)))
	}
	if c.MarkPools > 0 {
		ls = append(ls, conv("marks", w, c.MarkPools, 1, 16, 1/math.Sqrt(float64(w))))
	}
	for m := 0; m < c.MarkPools; m++ {
		ls = append(ls, dense(fmt.Sprintf("fc.mark%d", m), c.Head+2, c.FC, he(c.Head+2)))
	}
	if c.Attend > 0 { // where each question looks, and what it reads there
		hd := c.Attend * c.AttendDim
		ls = append(ls,
			conv("attend.key", c.Head, hd, 1, 16, 1/math.Sqrt(float64(c.Head))),
			dense("attend.query", c.Hidden, hd, 1/math.Sqrt(float64(c.Hidden))),
			dense("fc.attend", c.Attend*(c.Head+2), c.FC, he(c.Attend*(c.Head+2))))
	}
	if c.Match > 0 { // fc.match starts at zero, like fc.scene
		hd := c.Match * c.MatchDim
		ls = append(ls,
			conv("match.query", w, hd, 1, 16, 1/math.Sqrt(float64(w))),
			conv("match.key", w, hd, 1, 16, 1/math.Sqrt(float64(w))),
			dense("fc.match", MatchOutputs*c.Match, c.FC, 0))
	}
	if c.Readout == 0 {
		return append(ls, dense("answers", c.FC, answers, 1/math.Sqrt(float64(c.FC))))
	}
	ls = append(ls, dense("readout", c.Hidden, c.Readout, he(c.Hidden)))
	if c.ReadoutSkip { // starts at zero, like fc.scene
		ls = append(ls, dense("readout.skip", c.Hidden, c.Readout, 0))
	}
	ls = append(ls, dense("answers", c.FC*c.Readout, answers, 1/math.Sqrt(float64(c.FC*c.Readout))))
	if c.SceneAnswer { // starts at zero, like fc.scene
		ls = append(ls, dense("answers.scene", c.AuxScene*c.Hidden, answers, 0))
	}
	if c.ColourFit { // starts at zero: a rater grown with it answers as before
		ls = append(ls, dense("answers.colour", ColourFitOutputs*c.Hidden, answers, 0))
	}
	if c.ColourGate { // starts at zero: nearly open
		ls = append(ls, dense("answers.gate", c.Hidden, 1, 0))
	}
	if len(c.SkyFit) > 0 { // starts at zero, like answers.colour
		ls = append(ls, dense("answers.sky", SkyFitOutputs(len(c.SkyFit))*c.Hidden, answers, 0))
	}
	return ls
}

// Rater is the VLM: its config, question vocabulary, answer vocabulary and
// weights ("<layer>.weight" (Out, In, K, K), "<layer>.bias" (Out)).
type Rater struct {
	Config  RaterConfig
	Words   []string // question vocabulary (vqa.Words() when trained)
	Answers []string // answer vocabulary (vqa.Answers when trained)
	Params  map[string]*tensor.Dense
	tok     *Tokenizer
}

// NewRater makes a rater with freshly initialised float32 weights.
func NewRater(cfg RaterConfig, words, answers []string, seed uint64) (*Rater, error) {
	r, err := newRater(cfg, words, answers)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x3c6ef372fe94f82b))
	for _, l := range r.layers() {
		w := make([]float32, l.Out*l.In*l.K*l.K)
		for i := range w {
			w[i] = float32(rng.NormFloat64() * l.InitStd)
		}
		r.Params[l.Name+".weight"] = tensor.New(tensor.WithShape(l.Out, l.In, l.K, l.K), tensor.WithBacking(w))
		r.Params[l.Name+".bias"] = tensor.New(tensor.WithShape(l.Out), tensor.WithBacking(make([]float32, l.Out)))
	}
	return r, nil
}

func newRater(cfg RaterConfig, words, answers []string) (*Rater, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	tok, err := NewTokenizer(words, cfg.MaxWords)
	if err != nil {
		return nil, fmt.Errorf("rater: %w", err)
	}
	if len(answers) < 2 {
		return nil, fmt.Errorf("rater: %d answers, want at least 2", len(answers))
	}
	for i, a := range answers {
		if a == "" || slices.Contains(answers[:i], a) {
			return nil, fmt.Errorf("rater: answer %q empty or listed twice", a)
		}
	}
	return &Rater{Config: cfg, Words: slices.Clone(words), Answers: slices.Clone(answers),
		Params: map[string]*tensor.Dense{}, tok: tok}, nil
}

func (r *Rater) layers() []Layer { return r.Config.Layers(len(r.Words), len(r.Answers)) }

// Tokenizer is the rater's question tokenizer.
func (r *Rater) Tokenizer() *Tokenizer { return r.tok }

// AnswerIndex is the position of answer a (case-insensitive) in Answers.
func (r *Rater) AnswerIndex(a string) (int, error) {
	for i, b := range r.Answers {
		if equalFold(a, b) {
			return i, nil
		}
	}
	return -1, fmt.Errorf("unknown answer %q; the rater answers %v", a, r.Answers)
}

// Predicted is the answer with the highest probability (first on ties).
func (r *Rater) Predicted(probs []float64) string {
	best := 0
	for a, p := range probs {
		if p > probs[best] {
			best = a
		}
	}
	return r.Answers[best]
}

func equalFold(a, b string) bool {
	ta, tb := world.Tokenize(a), world.Tokenize(b)
	return len(ta) > 0 && slices.Equal(ta, tb)
}

// NumParams counts the weights.
func (r *Rater) NumParams() int {
	n := 0
	for _, p := range r.Params {
		n += p.Shape().TotalSize()
	}
	return n
}

// Float64 returns a float64 copy of the rater for gradient checks.
func (r *Rater) Float64() *Rater {
	out := *r
	out.Params = map[string]*tensor.Dense{}
	for n, p := range r.Params {
		v := make([]float64, p.Shape().TotalSize())
		switch d := p.Data().(type) {
		case []float32:
			for i, x := range d {
				v[i] = float64(x)
			}
		case []float64:
			copy(v, d)
		}
		out.Params[n] = tensor.New(tensor.WithShape(p.Shape().Clone()...), tensor.WithBacking(v))
	}
	return &out
}

// Clone returns a deep copy (training snapshots, evaluation while training).
func (r *Rater) Clone() *Rater {
	out := *r
	out.Params = map[string]*tensor.Dense{}
	for n, p := range r.Params {
		out.Params[n] = p.Clone().(*tensor.Dense)
	}
	return &out
}

func (r *Rater) dtype() tensor.Dtype {
	for _, p := range r.Params {
		return p.Dtype()
	}
	return tensor.Float32
}

const raterFormat = "dualprocess-rater-v1"

// Tensors converts the weights to file tensors (dense layers as (Out, In)).
func (r *Rater) Tensors() (*safetensors.File, error) {
	f := &safetensors.File{Tensors: map[string]safetensors.Tensor{}}
	for _, l := range r.layers() {
		for _, kind := range []string{".weight", ".bias"} {
			name := l.Name + kind
			p, ok := r.Params[name]
			if !ok {
				return nil, fmt.Errorf("rater has no tensor %q", name)
			}
			t, err := toFileTensor(p, raterFileShape(l, kind))
			if err != nil {
				return nil, fmt.Errorf("tensor %q: %w", name, err)
			}
			f.Tensors[name] = t
		}
	}
	cfg, _ := json.Marshal(r.Config)
	words, _ := json.Marshal(r.Words)
	answers, _ := json.Marshal(r.Answers)
	f.Metadata = map[string]string{"format": raterFormat, "config": string(cfg), "words": string(words), "answers": string(answers)}
	return f, nil
}

// raterFileShape is a weight's shape in files: dense weights (Out, In).
func raterFileShape(l Layer, kind string) []int {
	switch {
	case kind == ".bias":
		return []int{l.Out}
	case l.Dense:
		return []int{l.Out, l.In}
	}
	return []int{l.Out, l.In, l.K, l.K}
}

// Save writes the rater to a .safetensors file, atomically.
func (r *Rater) Save(path string) error {
	f, err := r.Tensors()
	if err != nil {
		return fmt.Errorf("save rater %s: %w", path, err)
	}
	if err := safetensors.Write(path, f); err != nil {
		return fmt.Errorf("save rater: %w", err)
	}
	return nil
}

// LoadRater reads a rater saved by Save.
func LoadRater(path string) (*Rater, error) {
	f, err := safetensors.Read(path)
	if err != nil {
		return nil, fmt.Errorf("load rater: %w", err)
	}
	r, err := RaterFrom(f)
	if err != nil {
		return nil, fmt.Errorf("load rater %s: %w", path, err)
	}
	return r, nil
}

// DecodeRater reads a rater from the bytes of a .safetensors file (e.g. the
// embedded assets.Rater); name is used in errors.
func DecodeRater(data []byte, name string) (*Rater, error) {
	f, err := safetensors.Decode(data, name)
	if err != nil {
		return nil, fmt.Errorf("load rater: %w", err)
	}
	r, err := RaterFrom(f)
	if err != nil {
		return nil, fmt.Errorf("load rater %s: %w", name, err)
	}
	return r, nil
}

// RaterFrom builds a rater from file tensors. It refuses another format,
// a bad config or vocabulary, and any missing, extra or wrongly shaped tensor.
func RaterFrom(f *safetensors.File) (*Rater, error) {
	if err := f.CheckFormat(raterFormat); err != nil {
		return nil, err
	}
	var cfg RaterConfig
	var words, answers []string
	for _, m := range []struct {
		key string
		v   any
	}{{"config", &cfg}, {"words", &words}, {"answers", &answers}} {
		if err := json.Unmarshal([]byte(f.Metadata[m.key]), m.v); err != nil {
			return nil, fmt.Errorf("metadata %s: %w", m.key, err)
		}
	}
	r, err := newRater(cfg, words, answers)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, l := range r.layers() {
		for _, kind := range []string{".weight", ".bias"} {
			name, shape := l.Name+kind, raterFileShape(l, kind)
			want[name] = true
			t, ok := f.Tensors[name]
			switch {
			case !ok:
				return nil, fmt.Errorf("missing tensor %q (shape %v)", name, shape)
			case t.DType != safetensors.F32:
				return nil, fmt.Errorf("tensor %q is %s, want F32", name, t.DType)
			case !slices.Equal(t.Shape, shape):
				return nil, fmt.Errorf("tensor %q has shape %v, want %v", name, t.Shape, shape)
			}
			for _, v := range t.F32 {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					return nil, fmt.Errorf("tensor %q holds %v", name, v)
				}
			}
			r.Params[name] = tensor.New(tensor.WithShape(paramShape(l, kind)...), tensor.WithBacking(t.F32))
		}
	}
	for _, name := range f.Names() {
		if !want[name] {
			return nil, fmt.Errorf("unexpected tensor %q", name)
		}
	}
	return r, nil
}
