package app

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"dualprocess/assets"
	"dualprocess/model"
	"dualprocess/training/teach"
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
	weight float64 // NaN: the weight the adapter was taught at
}

func (a *adapterFlags) String() string {
	var s []string
	for _, sp := range *a {
		if math.IsNaN(sp.weight) {
			s = append(s, sp.path)
		} else {
			s = append(s, fmt.Sprintf("%s@%g", sp.path, sp.weight))
		}
	}
	return strings.Join(s, " ")
}

// Set parses FILE[@WEIGHT]; without a weight the adapter is applied at the
// weight it was taught at (see taughtWeight).
func (a *adapterFlags) Set(v string) error {
	sp := adapterSpec{path: v, weight: math.NaN()}
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
		w := sp.weight
		if math.IsNaN(w) {
			w = taughtWeight(ad)
		}
		out = append(out, model.Active{Adapter: ad, Weight: w})
	}
	return out, nil
}

// taughtWeight is the train weight an adapter's task records: the weight its
// "after" images were made and judged at, and the one the window applies it
// at. An adapter that records none is applied at 1.
func taughtWeight(a *model.Adapter) float64 {
	var task teach.Task
	if len(a.Config.Task) > 0 && json.Unmarshal(a.Config.Task, &task) == nil && task.Train.TrainWeight > 0 {
		return task.Train.TrainWeight
	}
	return 1
}
