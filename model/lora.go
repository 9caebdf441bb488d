package model

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"dualprocess/model/safetensors"
	"dualprocess/training/world"

	"gorgonia.org/tensor"
)

// A LoRA adapter adds a low-rank update to some of the generator's layers:
//
//	y = W x + b + sum_k weight_k * scale_k * B_k A_k x,   scale = alpha / rank
//
// with A (rank, In*K*K) and B (Out, rank). For a convolution A is a KxK conv
// to rank channels and B a 1x1 conv back to Out channels; the graph uses the
// equivalent merged weight W + weight*scale*B·A, so a layer costs one
// convolution however many adapters it has. B starts at zero, so a new
// adapter leaves the output unchanged; A is gaussian.

// AdapterConfig is the adapter's "__metadata__" (in the spirit of PEFT's adapter_config.json).
type AdapterConfig struct {
	PeftType      string          `json:"peft_type"` // always "LORA"
	Rank          int             `json:"r"`
	Alpha         float64         `json:"lora_alpha"`
	TargetModules []string        `json:"target_modules"`
	BaseModel     string          `json:"base_model_checksum"` // Generator.Checksum() of the base weights
	Task          json.RawMessage `json:"task,omitempty"`      // free JSON: what the adapter was taught
	Metrics       json.RawMessage `json:"metrics,omitempty"`   // free JSON: e.g. VLM probability before/after
}

// Scale is alpha / rank.
func (c AdapterConfig) Scale() float64 { return c.Alpha / float64(c.Rank) }

// Adapter is a set of LoRA factors for a generator, keyed by layer name.
type Adapter struct {
	Config AdapterConfig
	A, B   map[string]*tensor.Dense // A (rank, In*K*K), B (Out, rank)
}

// NoiseTarget is the adapter target that adapts the generator's input noise
// rather than a weight layer. It is an identity map from [z, 1] to z with no
// base weights, so its low-rank update
//
//	z' = z + weight * scale * B A [z; 1]
//
// can move, mix and fix the noise components by which the world places its
// horizon, sun and objects: an edit the generator draws as one of its own
// scenes. The LoRA factors are A (rank, ZDim+1) and B (ZDim, rank).
const NoiseTarget = "noise"

// adapterLayer is the layer an adapter target adapts: a weight layer, or
// the noise's identity map.
func (g *Generator) adapterLayer(name string) (Layer, bool) {
	if name == NoiseTarget {
		return Layer{Name: NoiseTarget, In: world.ZDim + 1, Out: world.ZDim, K: 1, Dense: true, Size: 1}, true
	}
	return g.Layer(name)
}

// AdapterTargets lists what an adapter can adapt: the noise, then the
// layers in data-flow order.
func (g *Generator) AdapterTargets() []string {
	return append([]string{NoiseTarget}, g.LayerNames()...)
}

// NewAdapter makes an adapter for g's targets (all weight layers when empty):
// B = 0, A ~ N(0, 1/fanIn) so A x has about the scale of x.
func (g *Generator) NewAdapter(rank int, alpha float64, targets []string, seed uint64) (*Adapter, error) {
	if rank < 1 {
		return nil, fmt.Errorf("new adapter: rank %d must be positive", rank)
	}
	if len(targets) == 0 {
		targets = g.LayerNames()
	}
	dt, err := g.dtype()
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(seed, 0xbb67ae8584caa73b))
	a := &Adapter{
		Config: AdapterConfig{PeftType: "LORA", Rank: rank, Alpha: alpha, TargetModules: slices.Clone(targets), BaseModel: g.Checksum()},
		A:      map[string]*tensor.Dense{}, B: map[string]*tensor.Dense{},
	}
	for _, name := range targets {
		l, ok := g.adapterLayer(name)
		if !ok {
			return nil, fmt.Errorf("new adapter: unknown layer %q (targets: %s)", name, strings.Join(g.AdapterTargets(), ", "))
		}
		if _, dup := a.A[name]; dup {
			return nil, fmt.Errorf("new adapter: layer %q listed twice", name)
		}
		fanIn := l.In * l.K * l.K
		std := 1 / math.Sqrt(float64(fanIn))
		A := tensor.New(tensor.Of(dt), tensor.WithShape(rank, fanIn))
		switch d := A.Data().(type) {
		case []float32:
			for i := range d {
				d[i] = float32(r.NormFloat64() * std)
			}
		case []float64:
			for i := range d {
				d[i] = r.NormFloat64() * std
			}
		}
		a.A[name] = A
		a.B[name] = tensor.New(tensor.Of(dt), tensor.WithShape(l.Out, rank))
	}
	return a, nil
}

func (g *Generator) dtype() (tensor.Dtype, error) {
	for _, p := range g.Params {
		return p.Dtype(), nil
	}
	return tensor.Float32, fmt.Errorf("generator has no weights")
}

// NumParams counts the adapter's trainable numbers.
func (a *Adapter) NumParams() int {
	n := 0
	for _, name := range a.Config.TargetModules {
		n += a.A[name].Shape().TotalSize() + a.B[name].Shape().TotalSize()
	}
	return n
}

// fileShapes gives the PEFT-style shapes of a layer's factors in a file:
// conv A (rank, In, K, K) and B (Out, rank, 1, 1); dense A (rank, In) and B (Out, rank).
func fileShapes(l Layer, rank int) (a, b []int) {
	if l.Dense {
		return []int{rank, l.In}, []int{l.Out, rank}
	}
	return []int{rank, l.In, l.K, l.K}, []int{l.Out, rank, 1, 1}
}

const adapterFormat = "dualprocess-lora-v1"

// Save writes the adapter for g (whose layers give the file shapes) atomically.
func (a *Adapter) Save(path string, g *Generator) error {
	if err := g.CheckAdapter(a); err != nil {
		return fmt.Errorf("save adapter %s: %w", path, err)
	}
	cfg, err := json.Marshal(a.Config)
	if err != nil {
		return fmt.Errorf("save adapter %s: %w", path, err)
	}
	f := &safetensors.File{
		Metadata: map[string]string{"format": adapterFormat, "adapter_config": string(cfg)},
		Tensors:  map[string]safetensors.Tensor{},
	}
	for _, name := range a.Config.TargetModules {
		l, _ := g.adapterLayer(name)
		sa, sb := fileShapes(l, a.Config.Rank)
		ta, err := toFileTensor(a.A[name], sa)
		if err != nil {
			return fmt.Errorf("save adapter %s: %w", path, err)
		}
		tb, err := toFileTensor(a.B[name], sb)
		if err != nil {
			return fmt.Errorf("save adapter %s: %w", path, err)
		}
		f.Tensors[name+".lora_A"], f.Tensors[name+".lora_B"] = ta, tb
	}
	if err := safetensors.Write(path, f); err != nil {
		return fmt.Errorf("save adapter: %w", err)
	}
	return nil
}

// ReadAdapterConfig reads only an adapter file's config (for listing adapters).
func ReadAdapterConfig(path string) (AdapterConfig, error) {
	f, err := safetensors.Read(path)
	if err != nil {
		return AdapterConfig{}, fmt.Errorf("read adapter: %w", err)
	}
	cfg, err := adapterConfig(f)
	if err != nil {
		return AdapterConfig{}, fmt.Errorf("read adapter %s: %w", path, err)
	}
	return cfg, nil
}

func adapterConfig(f *safetensors.File) (AdapterConfig, error) {
	var cfg AdapterConfig
	if err := f.CheckFormat(adapterFormat); err != nil {
		return cfg, err
	}
	dec := json.NewDecoder(strings.NewReader(f.Metadata["adapter_config"]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return cfg, fmt.Errorf("metadata adapter_config: %w", err)
	}
	if cfg.PeftType != "LORA" || cfg.Rank < 1 || len(cfg.TargetModules) == 0 {
		return cfg, fmt.Errorf("adapter_config: want peft_type LORA, rank >= 1 and target modules, got %q, %d, %v", cfg.PeftType, cfg.Rank, cfg.TargetModules)
	}
	if math.IsNaN(cfg.Alpha) || math.IsInf(cfg.Alpha, 0) {
		return cfg, fmt.Errorf("adapter_config: lora_alpha %v", cfg.Alpha)
	}
	return cfg, nil
}

// LoadAdapter reads an adapter file and checks that it fits g: the same
// base weights (checksum), known layers, and the right tensor shapes.
func LoadAdapter(path string, g *Generator) (*Adapter, error) {
	f, err := safetensors.Read(path)
	if err != nil {
		return nil, fmt.Errorf("load adapter: %w", err)
	}
	a, err := adapterFrom(f, g)
	if err != nil {
		return nil, fmt.Errorf("load adapter %s: %w", path, err)
	}
	return a, nil
}

func adapterFrom(f *safetensors.File, g *Generator) (*Adapter, error) {
	cfg, err := adapterConfig(f)
	if err != nil {
		return nil, err
	}
	if cfg.BaseModel != g.Checksum() {
		return nil, fmt.Errorf("adapter was trained for base weights %s, but the generator's weights are %s", cfg.BaseModel, g.Checksum())
	}
	a := &Adapter{Config: cfg, A: map[string]*tensor.Dense{}, B: map[string]*tensor.Dense{}}
	want := map[string]bool{}
	for _, name := range cfg.TargetModules {
		l, ok := g.adapterLayer(name)
		if !ok {
			return nil, fmt.Errorf("unknown layer %q (the generator has %s)", name, strings.Join(g.AdapterTargets(), ", "))
		}
		if want[name+".lora_A"] {
			return nil, fmt.Errorf("layer %q listed twice in target_modules", name)
		}
		sa, sb := fileShapes(l, cfg.Rank)
		for _, part := range []struct {
			suffix string
			shape  []int
			into   map[string]*tensor.Dense
			as     []int
		}{
			{".lora_A", sa, a.A, []int{cfg.Rank, l.In * l.K * l.K}},
			{".lora_B", sb, a.B, []int{l.Out, cfg.Rank}},
		} {
			tn := name + part.suffix
			want[tn] = true
			t, ok := f.Tensors[tn]
			if !ok {
				return nil, fmt.Errorf("missing tensor %q", tn)
			}
			if t.DType != safetensors.F32 {
				return nil, fmt.Errorf("tensor %q is %s, want F32", tn, t.DType)
			}
			if !slices.Equal(t.Shape, part.shape) {
				return nil, fmt.Errorf("tensor %q has shape %v, want %v for rank %d on layer %s", tn, t.Shape, part.shape, cfg.Rank, name)
			}
			part.into[name] = tensor.New(tensor.WithShape(part.as...), tensor.WithBacking(t.F32))
		}
	}
	for _, tn := range f.Names() {
		if !want[tn] {
			if l, _, ok := strings.Cut(tn, "."); ok && !slices.Contains(g.AdapterTargets(), l) {
				return nil, fmt.Errorf("tensor %q is for unknown layer %q (the generator has %s)", tn, l, strings.Join(g.AdapterTargets(), ", "))
			}
			return nil, fmt.Errorf("unexpected tensor %q (not in target_modules %v)", tn, cfg.TargetModules)
		}
	}
	return a, nil
}

// CheckAdapter tells whether a fits g: base checksum, layer names and shapes.
func (g *Generator) CheckAdapter(a *Adapter) error {
	if a.Config.BaseModel != g.Checksum() {
		return fmt.Errorf("adapter was trained for base weights %s, but the generator's weights are %s", a.Config.BaseModel, g.Checksum())
	}
	if a.Config.Rank < 1 {
		return fmt.Errorf("adapter rank %d", a.Config.Rank)
	}
	if len(a.A) != len(a.Config.TargetModules) || len(a.B) != len(a.Config.TargetModules) {
		return fmt.Errorf("adapter has factors for %d/%d layers, but targets %d", len(a.A), len(a.B), len(a.Config.TargetModules))
	}
	for _, name := range a.Config.TargetModules {
		l, ok := g.adapterLayer(name)
		if !ok {
			return fmt.Errorf("unknown layer %q (the generator has %s)", name, strings.Join(g.AdapterTargets(), ", "))
		}
		A, B := a.A[name], a.B[name]
		if A == nil || B == nil {
			return fmt.Errorf("adapter has no factors for layer %q", name)
		}
		if !slices.Equal(A.Shape(), tensor.Shape{a.Config.Rank, l.In * l.K * l.K}) || !slices.Equal(B.Shape(), tensor.Shape{l.Out, a.Config.Rank}) {
			return fmt.Errorf("layer %q: factors A %v, B %v do not fit rank %d, weight (%d, %d, %d, %d)",
				name, A.Shape(), B.Shape(), a.Config.Rank, l.Out, l.In, l.K, l.K)
		}
	}
	return nil
}
