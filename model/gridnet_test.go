package model

import (
	"image"
	"math"
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
		!strings.Contains(err.Error(), `load tree net depth.safetensors: metadata format "dualprocess-depth-v2", want "dualprocess-trees-v1"`) {
		t.Errorf("depth weights as a tree net: %v", err)
	}
	if _, err := DecodeDepthNet(read(trees), "trees.safetensors"); err == nil || !strings.Contains(err.Error(), `want "dualprocess-depth-v2"`) {
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
	if NewTreeNet(1).Side() != TreeGrid || len(grid) != TreeGrid*TreeGrid {
		t.Fatalf("%d cells, want %d", len(grid), TreeGrid*TreeGrid)
	}
	for i, v := range grid {
		if v <= 0 || v >= 1 {
			t.Fatalf("cell %d: %g, want a share in (0, 1)", i, v)
		}
	}
}

// The depth net answers on its finer grid, and a point is read between the
// centres of the cells around it.
func TestDepthNetReadsItsFineGrid(t *testing.T) {
	d := NewDepthNet(2)
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	grid, err := d.LogDepth(img)
	if err != nil {
		t.Fatal(err)
	}
	if d.Side() != DepthGrid || len(grid) != DepthGrid*DepthGrid {
		t.Fatalf("side %d, %d cells; want %d and %d", d.Side(), len(grid), DepthGrid, DepthGrid*DepthGrid)
	}
	at, err := d.LogDepthAt(img, [][2]float64{{0.5 / DepthGrid, 0.5 / DepthGrid}, {2.0 / DepthGrid, 1.5 / DepthGrid}})
	if err != nil {
		t.Fatal(err)
	}
	mid := (float64(grid[DepthGrid+1]) + float64(grid[DepthGrid+2])) / 2 // row 1, between columns 1 and 2
	if at[0] != float64(grid[0]) || math.Abs(at[1]-mid) > 1e-6 {
		t.Errorf("read %v, want %g (cell 0) and %g (between cells)", at, grid[0], mid)
	}
}

// Depth weights of the coarse net that graded until session 24 are refused
// by name, not misread.
func TestOldDepthWeightsAreRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.safetensors")
	old := NewTreeNet(4) // the old depth net had the tree net's layers
	old.kind.format = "dualprocess-depth-v1"
	if err := old.Save(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeDepthNet(b, "old.safetensors"); err == nil ||
		!strings.Contains(err.Error(), `load depth net old.safetensors: metadata format "dualprocess-depth-v1", want "dualprocess-depth-v2"`) {
		t.Errorf("v1 depth weights: %v", err)
	}
	f, err := safetensors.Decode(b, "old")
	if err != nil {
		t.Fatal(err)
	}
	f.Metadata["format"] = "dualprocess-depth-v2" // relabelled: the shapes give it away
	if b, err = safetensors.Encode(f); err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeDepthNet(b, "relabelled"); err == nil || !strings.Contains(err.Error(), "load depth net relabelled: 10 tensors, want 14") {
		t.Errorf("v1 depth weights labelled v2: %v", err)
	}
}
