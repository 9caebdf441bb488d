package raterfit

import (
	"slices"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestTrainableKeepsTheNamedLayersOnly(t *testing.T) {
	g := G.NewGraph()
	var params G.Nodes
	for _, name := range []string{"rater.match.q.w", "rater.match.k.b", "rater.fc.w", "rater.fc.scene.w", "rater.readout.w"} {
		params = append(params, G.NewVector(g, tensor.Float32, G.WithShape(2), G.WithName(name)))
	}
	names := func(ns G.Nodes) (out []string) {
		for _, n := range ns {
			out = append(out, n.Name())
		}
		return out
	}
	if got := names(trainable(params, []string{"match"})); !slices.Equal(got, []string{"rater.match.q.w", "rater.match.k.b"}) {
		t.Errorf("match: %v", got)
	}
	if got := names(trainable(params, []string{"fc", "readout"})); !slices.Equal(got, []string{"rater.fc.w", "rater.fc.scene.w", "rater.readout.w"}) {
		t.Errorf("fc, readout: %v", got)
	}
	if got := trainable(params, nil); len(got) != len(params) {
		t.Errorf("no names: %d of %d", len(got), len(params))
	}
	if got := trainable(params, []string{"stem"}); len(got) != 0 {
		t.Errorf("stem: %v", names(got))
	}
	c := DefaultConfig()
	c.Trainable = []string{"match", ""}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "trainable") {
		t.Errorf("an empty layer name: %v", err)
	}
}
