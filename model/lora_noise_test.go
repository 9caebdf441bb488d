package model

import (
	"path/filepath"
	"slices"
	"testing"

	"dualprocess/training/world"
)

// A noise adapter whose A reads only the constant 1 moves every noise
// vector by weight * B: the generator then draws exactly what it draws for
// the moved noise without the adapter. One that reads z can fix a
// component: here component 0 is set to 1.5 whatever it was.
func TestNoiseAdapterMovesTheNoise(t *testing.T) {
	gen := mustGen(t, DefaultConfig(), 1)
	a, err := gen.NewAdapter(1, 1, []string{NoiseTarget}, 2)
	if err != nil {
		t.Fatal(err)
	}
	A, B := a.A[NoiseTarget].Data().([]float32), a.B[NoiseTarget].Data().([]float32)
	clear(A)
	A[world.ZDim] = 1 // the constant column
	shift := make([]float64, world.ZDim)
	for i := range B {
		B[i] = 0.1 * float32(i%5-2)
		shift[i] = 0.5 * float64(B[i]) // at weight 0.5
	}
	moved := testNoise()
	for _, z := range moved {
		for i := range z {
			z[i] += shift[i]
		}
	}
	got, want := runWith[float32](t, gen, testNoise(), Active{Adapter: a, Weight: 0.5}), runWith[float32](t, gen, moved)
	if !closeAll(got, want, 1e-5) {
		t.Error("a constant noise adapter did not draw the moved noise")
	}
	if slices.Equal(got, runWith[float32](t, gen, testNoise())) {
		t.Error("the noise adapter changed nothing")
	}

	// rank 2: z0 -> z0 - z0 + 1.5 (one factor reads z0, one the constant)
	fix, _ := gen.NewAdapter(2, 2, []string{NoiseTarget}, 3)
	A, B = fix.A[NoiseTarget].Data().([]float32), fix.B[NoiseTarget].Data().([]float32)
	clear(A)
	clear(B)
	A[0], A[world.ZDim+1+world.ZDim] = 1, 1 // row 0 reads z0, row 1 the constant
	B[0], B[1] = -1, 1.5                    // B (ZDim, 2): component 0 gets -z0 + 1.5
	fixed := testNoise()
	for _, z := range fixed {
		z[0] = 1.5
	}
	if !closeAll(runWith[float32](t, gen, testNoise(), Active{Adapter: fix, Weight: 1}), runWith[float32](t, gen, fixed), 1e-5) {
		t.Error("a rank-2 noise adapter did not fix component 0")
	}
}

func closeAll(a, b []float32, tol float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if d := a[i] - b[i]; d > tol || d < -tol {
			return false
		}
	}
	return true
}

// The noise target trains (float64 gradient check), saves and loads like a
// layer, and "all" still means the weight layers.
func TestNoiseAdapterGradientAndFile(t *testing.T) {
	gen64 := mustGen(t, tinyConfig(), 1).Float64()
	a, err := gen64.NewAdapter(2, 2, []string{NoiseTarget, "fc"}, 3)
	if err != nil {
		t.Fatal(err)
	}
	randomize(a, 7, 0.3)
	netGradient(t, gen64, Options{Batch: 2, Adapters: []Active{{Adapter: a, Weight: 1.5, Train: true}}}, 4)

	gen := mustGen(t, DefaultConfig(), 1)
	b, _ := gen.NewAdapter(2, 2, []string{NoiseTarget, "conv16"}, 4)
	randomize(b, 5, 0.1)
	path := filepath.Join(t.TempDir(), "noise.safetensors")
	if err := b.Save(path, gen); err != nil {
		t.Fatal(err)
	}
	c, err := LoadAdapter(path, gen)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(runWith[float32](t, gen, testNoise(), Active{Adapter: b, Weight: 1}), runWith[float32](t, gen, testNoise(), Active{Adapter: c, Weight: 1})) {
		t.Error("the loaded noise adapter draws differently")
	}
	all, _ := gen.NewAdapter(2, 2, nil, 1)
	if slices.Contains(all.Config.TargetModules, NoiseTarget) || !slices.Contains(gen.AdapterTargets(), NoiseTarget) {
		t.Errorf("all layers %v; targets %v", all.Config.TargetModules, gen.AdapterTargets())
	}
}
