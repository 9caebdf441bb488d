package model

import (
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dualprocess/model/safetensors"
)

// The grid nets' weights round-trip, and weights of the other judge or of
// another shape are refused with the reason.
func TestGridNetWeightsKnowTheirKind(t *testing.T) {
	dir := t.TempDir()
	trees, depth := filepath.Join(dir, "trees.safetensors"), filepath.Join(dir, "depth.safetensors")
	tn := NewTreeNet(5)
	if err := tn.Save(trees); err != nil {
		t.Fatal(err)
	}
	if err := NewDepthNet(5).Save(depth); err != nil {
		t.Fatal(err)
	}
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	back, err := DecodeTreeNet(read(trees), "trees")
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range tn.Params {
		if !slices.Equal(p.Data().([]float32), back.Params[name].Data().([]float32)) {
			t.Errorf("tensor %s changed in the round trip", name)
		}
	}
	if _, err := DecodeTreeNet(read(depth), "depth.safetensors"); err == nil ||
		!strings.Contains(err.Error(), `load tree net depth.safetensors: metadata format "dualprocess-depth-v1", want "dualprocess-trees-v1"`) {
		t.Errorf("depth weights as a tree net: %v", err)
	}
	if _, err := DecodeDepthNet(read(trees), "trees.safetensors"); err == nil || !strings.Contains(err.Error(), `want "dualprocess-depth-v1"`) {
		t.Errorf("tree weights as a depth net: %v", err)
	}

	f, err := safetensors.Decode(read(trees), "trees")
	if err != nil {
		t.Fatal(err)
	}
	f.Tensors["out.weight"] = safetensors.NewF32(make([]float32, 2*48), 2, 48, 1, 1)
	b, err := safetensors.Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeTreeNet(b, "wide"); err == nil || !strings.Contains(err.Error(), `tensor "out.weight" is F32 [2 48 1 1], want F32 [1 48 1 1]`) {
		t.Errorf("an output layer of another shape: %v", err)
	}
	delete(f.Tensors, "out.weight")
	f.Tensors["extra"] = safetensors.NewF32([]float32{1}, 1)
	if b, err = safetensors.Encode(f); err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeTreeNet(b, "odd"); err == nil || !strings.Contains(err.Error(), `missing tensor "out.weight"`) {
		t.Errorf("a missing tensor: %v", err)
	}
}

// TreeCover is a share: every cell in 0..1, also for an untrained net.
func TestTreeCoverIsAShare(t *testing.T) {
	grid, err := NewTreeNet(1).TreeCover(image.NewRGBA(image.Rect(0, 0, 100, 80)))
	if err != nil {
		t.Fatal(err)
	}
	if len(grid) != DepthGrid*DepthGrid {
		t.Fatalf("%d cells, want %d", len(grid), DepthGrid*DepthGrid)
	}
	for i, v := range grid {
		if v <= 0 || v >= 1 {
			t.Fatalf("cell %d: %g, want a share in (0, 1)", i, v)
		}
	}
}
