package app

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"dualprocess/assets"
	"dualprocess/model"
)

// loadGenerator reads the generator weights at path, or the built-in ones
// (assets/generator.safetensors) when path is empty.
func loadGenerator(path string) (*model.Generator, error) {
	if path == "" {
		return model.DecodeGenerator(assets.Generator, "built-in generator weights")
	}
	return model.LoadGenerator(path)
}

// adapterFlags collects repeated --adapter FILE[@WEIGHT] flags.
type adapterFlags []adapterSpec

type adapterSpec struct {
	path   string
	weight float64
}

func (a *adapterFlags) String() string {
	var s []string
	for _, sp := range *a {
		s = append(s, fmt.Sprintf("%s@%g", sp.path, sp.weight))
	}
	return strings.Join(s, " ")
}

// Set parses FILE[@WEIGHT]; the weight defaults to 1.
func (a *adapterFlags) Set(v string) error {
	sp := adapterSpec{path: v, weight: 1}
	if i := strings.LastIndex(v, "@"); i >= 0 {
		w, err := strconv.ParseFloat(v[i+1:], 64)
		if err != nil || math.IsNaN(w) || math.IsInf(w, 0) {
			return fmt.Errorf("adapter %q: weight %q after @ is not a number", v, v[i+1:])
		}
		sp.path, sp.weight = v[:i], w
	}
	if sp.path == "" {
		return fmt.Errorf("adapter %q: missing file name", v)
	}
	*a = append(*a, sp)
	return nil
}

// load reads every adapter for gen.
func (a adapterFlags) load(gen *model.Generator) ([]model.Active, error) {
	var out []model.Active
	for _, sp := range a {
		ad, err := model.LoadAdapter(sp.path, gen)
		if err != nil {
			return nil, err
		}
		out = append(out, model.Active{Adapter: ad, Weight: sp.weight})
	}
	return out, nil
}
