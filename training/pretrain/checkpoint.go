package pretrain

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"dualprocess/model"
	"dualprocess/model/safetensors"
)

// Checkpoint is everything a run needs to continue exactly where it stopped:
// the config, the weights, the optimiser's moments and the step (the
// training data is a pure function of the seed and the step).
type Checkpoint struct {
	Config Config
	Gen    *model.Generator
	Step   int
	Adam   *model.AdamState // nil before the first save
	Losses []LossPoint      // the logged loss curve
}

// LossPoint is one logged mean loss.
type LossPoint struct {
	Step int     `json:"step"`
	Loss float64 `json:"loss"`
}

// New starts a run: freshly initialised weights from cfg.Seed.
func New(cfg Config) (*Checkpoint, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	gen, err := model.NewGenerator(model.DefaultConfig(), cfg.Seed)
	if err != nil {
		return nil, err
	}
	return &Checkpoint{Config: cfg, Gen: gen}, nil
}

// FromWeights starts a fine-tuning run from trained weights: gen's weights,
// a fresh optimiser, step 0. cfg.Init records where the weights came from.
func FromWeights(cfg Config, gen *model.Generator) (*Checkpoint, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Checkpoint{Config: cfg, Gen: gen}, nil
}

const checkpointFormat = "dualprocess-pretrain-checkpoint-v1"

// Save writes the checkpoint as one safetensors file, atomically: tensors
// "gen/<weight>", "adam.m/<param>", "adam.v/<param>", the rest as metadata.
func (c *Checkpoint) Save(path string) error {
	f := &safetensors.File{Tensors: map[string]safetensors.Tensor{}}
	for name, p := range c.Gen.Params {
		d, ok := p.Data().([]float32)
		if !ok {
			return fmt.Errorf("save checkpoint %s: weight %s is not float32", path, name)
		}
		f.Tensors["gen/"+name] = safetensors.NewF32(d, p.Shape()...)
	}
	adamT := 0
	if c.Adam != nil {
		adamT = c.Adam.T
		for name, m := range c.Adam.M {
			f.Tensors["adam.m/"+name] = safetensors.NewF32(m, len(m))
			f.Tensors["adam.v/"+name] = safetensors.NewF32(c.Adam.V[name], len(m))
		}
	}
	cfg, _ := json.Marshal(c.Config)
	gcfg, _ := json.Marshal(c.Gen.Config)
	losses, _ := json.Marshal(c.Losses)
	f.Metadata = map[string]string{"format": checkpointFormat, "config": string(cfg), "generator": string(gcfg),
		"step": strconv.Itoa(c.Step), "adam_t": strconv.Itoa(adamT), "losses": string(losses)}
	if err := safetensors.Write(path, f); err != nil {
		return fmt.Errorf("save checkpoint: %w", err)
	}
	return nil
}

// LoadCheckpoint reads a checkpoint written by Save.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	f, err := safetensors.Read(path)
	if err != nil {
		return nil, fmt.Errorf("load checkpoint: %w", err)
	}
	c, err := checkpointFrom(f)
	if err != nil {
		return nil, fmt.Errorf("load checkpoint %s: %w", path, err)
	}
	return c, nil
}

func checkpointFrom(f *safetensors.File) (*Checkpoint, error) {
	if err := f.CheckFormat(checkpointFormat); err != nil {
		return nil, err
	}
	c := &Checkpoint{}
	var gcfg model.Config
	var adamT int
	var err error
	if err = json.Unmarshal([]byte(f.Metadata["config"]), &c.Config); err != nil {
		return nil, fmt.Errorf("metadata config: %w", err)
	}
	if err = json.Unmarshal([]byte(f.Metadata["generator"]), &gcfg); err != nil {
		return nil, fmt.Errorf("metadata generator: %w", err)
	}
	if err = json.Unmarshal([]byte(f.Metadata["losses"]), &c.Losses); err != nil {
		return nil, fmt.Errorf("metadata losses: %w", err)
	}
	if c.Step, err = strconv.Atoi(f.Metadata["step"]); err != nil || c.Step < 0 {
		return nil, fmt.Errorf("metadata step %q", f.Metadata["step"])
	}
	if adamT, err = strconv.Atoi(f.Metadata["adam_t"]); err != nil || adamT < 0 {
		return nil, fmt.Errorf("metadata adam_t %q", f.Metadata["adam_t"])
	}
	if err := c.Config.Validate(); err != nil {
		return nil, err
	}
	if c.Gen, err = model.NewGenerator(gcfg, 0); err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for name, p := range c.Gen.Params {
		t, ok := f.Tensors["gen/"+name]
		if !ok {
			return nil, fmt.Errorf("missing tensor %q", "gen/"+name)
		}
		if t.DType != safetensors.F32 || !slices.Equal(t.Shape, []int(p.Shape())) {
			return nil, fmt.Errorf("tensor %q is %s %v, want F32 %v", "gen/"+name, t.DType, t.Shape, p.Shape())
		}
		copy(p.Data().([]float32), t.F32)
		used["gen/"+name] = true
	}
	if adamT > 0 {
		c.Adam = &model.AdamState{T: adamT, M: map[string][]float32{}, V: map[string][]float32{}}
	}
	for _, name := range f.Names() {
		if used[name] {
			continue
		}
		t := f.Tensors[name]
		param, isM := strings.CutPrefix(name, "adam.m/")
		if !isM {
			var isV bool
			if param, isV = strings.CutPrefix(name, "adam.v/"); !isV {
				return nil, fmt.Errorf("unexpected tensor %q", name)
			}
		}
		if c.Adam == nil || t.DType != safetensors.F32 {
			return nil, fmt.Errorf("unexpected tensor %q", name)
		}
		if isM {
			c.Adam.M[param] = t.F32
		} else {
			c.Adam.V[param] = t.F32
		}
	}
	return c, nil
}
