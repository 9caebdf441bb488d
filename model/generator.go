// Package model holds the built-in image generator G(prompt, z) -> 64x64 RGB,
// its LoRA adapters and the gorgonia ops they run on.
//
// The generator is a small convolutional decoder (the stand-in for Flux-Schnell
// in the paper): the prompt's canonical words are embedded and sum-pooled,
// joined with the noise z, expanded by an MLP into an 8x8 feature map, and
// doubled three times (3x3 conv + depth to space) to a 64x64 image.
package model

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"dualprocess/model/safetensors"
	"dualprocess/training/world"

	"gorgonia.org/tensor"
)

// Config is the generator's architecture.
type Config struct {
	Embed    int     `json:"embed"`    // width of a prompt word embedding
	Hidden   int     `json:"hidden"`   // width of the MLP over [prompt, z]
	Base     int     `json:"base"`     // side of the first feature map
	Channels []int   `json:"channels"` // channels at Base, 2*Base, 4*Base, ... (last one at the output size)
	Slope    float64 `json:"slope"`    // leaky ReLU slope for negative inputs
	// Upsample is how each stage doubles the size: "nearest" (nearest 2x,
	// then 3x3 conv) or "subpixel" (3x3 conv to 4x the channels, then depth
	// to space: same FLOPs, a 4x smaller map to convolve).
	Upsample  string `json:"upsample"`
	RGBKernel int    `json:"rgb_kernel"` // kernel of the last conv to RGB (1 or 3)
}

// DefaultConfig is the built-in generator: 8x8x64 -> 16x16x64 -> 32x32x32 ->
// 64x64x16 -> RGB, doubling by sub-pixel convolution. Measured against
// "nearest" with a 3x3 RGB conv: the same loss per step, 2.2x faster steps.

func DefaultConfig() Config {
	return Config{Embed: 32, Hidden: 256, Base: 8, Channels: []int{64, 64, 32, 16}, Slope: 0.2, Upsample: "subpixel", RGBKernel: 1}
}

// Layer is one weight layer: a k x k "same" convolution, or a dense layer
// (K = 1 on a 1x1 map). Its weight is (Out, In, K, K), its bias (Out).
type Layer struct {
	Name       string
	In, Out, K int
	Dense      bool // weights stored as (Out, In) in files
	Size       int  // side of the feature map it runs on
	InitStd    float64
}

// Layers lists the generator's layers in the order data flows through them.
func (c Config) Layers() []Layer {
	v, ch := len(world.AllWords()), c.Channels
	he := func(fanIn int) float64 { return math.Sqrt(2 / (1 + c.Slope*c.Slope) / float64(fanIn)) }
	ls := []Layer{
		{Name: "prompt", In: v, Out: c.Embed, K: 1, Dense: true, Size: 1, InitStd: 0.5},
		{Name: "fc", In: c.Embed + world.ZDim, Out: c.Hidden, K: 1, Dense: true, Size: 1, InitStd: he(c.Embed + world.ZDim)},
		{Name: "seed", In: c.Hidden, Out: ch[0] * c.Base * c.Base, K: 1, Dense: true, Size: 1, InitStd: he(c.Hidden)},
		{Name: fmt.Sprintf("conv%d", c.Base), In: ch[0], Out: ch[0], K: 3, Size: c.Base, InitStd: he(9 * ch[0])},
	}
	size := c.Base
	for i := 1; i < len(ch); i++ {
		size *= 2
		l := Layer{Name: fmt.Sprintf("conv%d", size), In: ch[i-1], Out: ch[i], K: 3, Size: size, InitStd: he(9 * ch[i-1])}
		if c.Upsample == "subpixel" {
			l.Out, l.Size = 4*ch[i], size/2
		}
		ls = append(ls, l)
	}
	last, k := ch[len(ch)-1], c.RGBKernel
	return append(ls, Layer{Name: "rgb", In: last, Out: 3, K: k, Size: size, InitStd: 1 / math.Sqrt(float64(k*k*last))})
}

// OutputSize is the side of the generated image.
func (c Config) OutputSize() int { return c.Base << (len(c.Channels) - 1) }

// Validate checks that the config makes a world.Size image.
func (c Config) Validate() error {
	switch {
	case c.Embed < 1 || c.Hidden < 1 || c.Base < 1 || len(c.Channels) < 1:
		return fmt.Errorf("generator config %+v: sizes must be positive", c)
	case slices.Min(c.Channels) < 1:
		return fmt.Errorf("generator config: channels %v must be positive", c.Channels)
	case c.OutputSize() != world.Size:
		return fmt.Errorf("generator config makes %dx%d images, want %dx%d", c.OutputSize(), c.OutputSize(), world.Size, world.Size)
	case c.Slope <= 0 || c.Slope >= 1:
		return fmt.Errorf("generator config: leaky ReLU slope %v outside (0, 1)", c.Slope)
	case c.Upsample != "nearest" && c.Upsample != "subpixel":
		return fmt.Errorf("generator config: upsample %q, want nearest or subpixel", c.Upsample)
	case c.RGBKernel != 1 && c.RGBKernel != 3:
		return fmt.Errorf("generator config: rgb kernel %d, want 1 or 3", c.RGBKernel)
	}
	return nil
}

// Generator is the base model: a config, the prompt vocabulary and the
// weights ("<layer>.weight" (Out, In, K, K), "<layer>.bias" (Out)).
type Generator struct {
	Config Config
	Vocab  []string
	Params map[string]*tensor.Dense
}

// NewGenerator makes a generator with freshly initialised float32 weights.
func NewGenerator(cfg Config, seed uint64) (*Generator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(seed, 0x6a09e667f3bcc908))
	g := &Generator{Config: cfg, Vocab: world.AllWords(), Params: map[string]*tensor.Dense{}}
	for _, l := range cfg.Layers() {
		w := make([]float32, l.Out*l.In*l.K*l.K)
		for i := range w {
			w[i] = float32(r.NormFloat64() * l.InitStd)
		}
		g.Params[l.Name+".weight"] = tensor.New(tensor.WithShape(l.Out, l.In, l.K, l.K), tensor.WithBacking(w))
		g.Params[l.Name+".bias"] = tensor.New(tensor.WithShape(l.Out), tensor.WithBacking(make([]float32, l.Out)))
	}
	return g, nil
}

// Float64 returns a float64 copy of the generator. Graphs built from it run
// in float64, where central finite differences can check gradients (float32
// differences are too noisy). Adapters for it come from its NewAdapter.
func (g *Generator) Float64() *Generator {
	out := &Generator{Config: g.Config, Vocab: g.Vocab, Params: map[string]*tensor.Dense{}}
	for n, p := range g.Params {
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
	return out
}

// Layer returns the named layer.
func (g *Generator) Layer(name string) (Layer, bool) {
	for _, l := range g.Config.Layers() {
		if l.Name == name {
			return l, true
		}
	}
	return Layer{}, false
}

// LayerNames lists the layers in data-flow order (the possible adapter targets).
func (g *Generator) LayerNames() []string {
	var names []string
	for _, l := range g.Config.Layers() {
		names = append(names, l.Name)
	}
	return names
}

// NumParams counts the base weights.
func (g *Generator) NumParams() int {
	n := 0
	for _, p := range g.Params {
		n += p.Shape().TotalSize()
	}
	return n
}

// Checksum identifies the base weights: "sha256:" and the hash of the
// safetensors encoding of the weight tensors alone (sorted, no metadata).
// Adapters record it and refuse to load onto other weights.
func (g *Generator) Checksum() string {
	f, err := g.tensors()
	if err != nil {
		return "invalid:" + err.Error()
	}
	data, err := safetensors.Encode(f)
	if err != nil {
		return "invalid:" + err.Error()
	}
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// tensors converts the weights to file tensors (dense layers as (Out, In)).
func (g *Generator) tensors() (*safetensors.File, error) {
	f := &safetensors.File{Tensors: map[string]safetensors.Tensor{}}
	for _, l := range g.Config.Layers() {
		for _, kind := range []string{".weight", ".bias"} {
			name := l.Name + kind
			p, ok := g.Params[name]
			if !ok {
				return nil, fmt.Errorf("generator has no tensor %q", name)
			}
			shape := []int(p.Shape().Clone())
			if kind == ".weight" && l.Dense {
				shape = []int{l.Out, l.In}
			}
			t, err := toFileTensor(p, shape)
			if err != nil {
				return nil, fmt.Errorf("tensor %q: %w", name, err)
			}
			f.Tensors[name] = t
		}
	}
	return f, nil
}

func toFileTensor(p *tensor.Dense, shape []int) (safetensors.Tensor, error) {
	switch d := p.Data().(type) {
	case []float32:
		return safetensors.NewF32(d, shape...), nil
	case []float64:
		return safetensors.NewF64(d, shape...), nil
	}
	return safetensors.Tensor{}, fmt.Errorf("dtype %v not supported", p.Dtype())
}

const generatorFormat = "dualprocess-generator-v1"

// Save writes the weights, config and vocabulary to a .safetensors file (atomically).
func (g *Generator) Save(path string) error {
	f, err := g.tensors()
	if err != nil {
		return fmt.Errorf("save generator %s: %w", path, err)
	}
	cfg, _ := json.Marshal(g.Config)
	vocab, _ := json.Marshal(g.Vocab)
	f.Metadata = map[string]string{"format": generatorFormat, "config": string(cfg), "vocab": string(vocab)}
	if err := safetensors.Write(path, f); err != nil {
		return fmt.Errorf("save generator: %w", err)
	}
	return nil
}

// LoadGenerator reads weights saved by Save. It refuses files of another
// format or vocabulary, and any missing, extra or wrongly shaped tensor.
func LoadGenerator(path string) (*Generator, error) {
	f, err := safetensors.Read(path)
	if err != nil {
		return nil, fmt.Errorf("load generator: %w", err)
	}
	g, err := generatorFrom(f)
	if err != nil {
		return nil, fmt.Errorf("load generator %s: %w", path, err)
	}
	return g, nil
}

// DecodeGenerator reads weights in the format Save writes from memory (for
// example an embedded file); name appears in errors.
func DecodeGenerator(data []byte, name string) (*Generator, error) {
	f, err := safetensors.Decode(data, name)
	if err != nil {
		return nil, fmt.Errorf("load generator: %w", err)
	}
	g, err := generatorFrom(f)
	if err != nil {
		return nil, fmt.Errorf("load generator %s: %w", name, err)
	}
	return g, nil
}

func generatorFrom(f *safetensors.File) (*Generator, error) {
	if err := f.CheckFormat(generatorFormat); err != nil {
		return nil, err
	}
	var cfg Config
	if err := json.Unmarshal([]byte(f.Metadata["config"]), &cfg); err != nil {
		return nil, fmt.Errorf("metadata config: %w", err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var vocab []string
	if err := json.Unmarshal([]byte(f.Metadata["vocab"]), &vocab); err != nil {
		return nil, fmt.Errorf("metadata vocab: %w", err)
	}
	if !slices.Equal(vocab, world.AllWords()) {
		return nil, fmt.Errorf("weights were trained for the prompt vocabulary %v, this build has %v", vocab, world.AllWords())
	}
	g := &Generator{Config: cfg, Vocab: vocab, Params: map[string]*tensor.Dense{}}
	want := map[string]bool{}
	for _, l := range cfg.Layers() {
		for _, kind := range []string{".weight", ".bias"} {
			name := l.Name + kind
			want[name] = true
			shape := []int{l.Out}
			if kind == ".weight" {
				shape = []int{l.Out, l.In, l.K, l.K}
				if l.Dense {
					shape = []int{l.Out, l.In}
				}
			}
			t, ok := f.Tensors[name]
			if !ok {
				return nil, fmt.Errorf("missing tensor %q (shape %v)", name, shape)
			}
			if t.DType != safetensors.F32 {
				return nil, fmt.Errorf("tensor %q is %s, want F32", name, t.DType)
			}
			if !slices.Equal(t.Shape, shape) {
				return nil, fmt.Errorf("tensor %q has shape %v, want %v", name, t.Shape, shape)
			}
			g.Params[name] = tensor.New(tensor.WithShape(paramShape(l, kind)...), tensor.WithBacking(t.F32))
		}
	}
	for _, name := range f.Names() {
		if !want[name] {
			return nil, fmt.Errorf("unexpected tensor %q", name)
		}
	}
	return g, nil
}

func paramShape(l Layer, kind string) []int {
	if kind == ".bias" {
		return []int{l.Out}
	}
	return []int{l.Out, l.In, l.K, l.K}
}
