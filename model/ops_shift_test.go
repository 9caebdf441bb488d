package model

import (
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// shiftOffsets are offsets within, at and past the edges of a 5x6 image.
var shiftOffsets = []float64{2, -1, 0, 0, -3, 7}

func TestShiftMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 9))
	x := randDense(r, 3, 2, 5, 6)
	off := tensor.New(tensor.WithShape(3, 2), tensor.WithBacking(shiftOffsets))
	got, err := shift[float64](false)([]*tensor.Dense{x, off})
	if err != nil {
		t.Fatal(err)
	}
	y := got.(*tensor.Dense)
	clamp := func(v, n int) int { return min(max(v, 0), n-1) }
	for i := range 3 {
		dy, dx := int(shiftOffsets[2*i]), int(shiftOffsets[2*i+1])
		for c := range 2 {
			for row := range 5 {
				for col := range 6 {
					a, _ := y.At(i, c, row, col)
					b, _ := x.At(i, c, clamp(row-dy, 5), clamp(col-dx, 6))
					if a != b {
						t.Fatalf("image %d shifted by (%d, %d): out[%d,%d] = %v, want %v", i, dy, dx, row, col, a, b)
					}
				}
			}
		}
	}
	// No offset is the identity.
	if v, _ := y.At(1, 1, 3, 4); v != x.Get((1*2+1)*30+3*6+4) {
		t.Errorf("image 1 (offset 0) changed: %v", v)
	}
}

func TestShiftGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 1))
	gradCheck(t, []*tensor.Dense{randDense(r, 3, 2, 5, 6)}, func(in G.Nodes) (*G.Node, error) {
		off := G.NodeFromAny(in[0].Graph(), tensor.New(tensor.WithShape(3, 2), tensor.WithBacking(shiftOffsets)), G.WithName("offsets"))
		return Shift(in[0], off)
	})
}

func TestShiftRefusesWrongShapes(t *testing.T) {
	g := G.NewGraph()
	x := G.NewTensor(g, tensor.Float64, 4, G.WithShape(2, 3, 4, 4), G.WithName("x"))
	off := G.NewMatrix(g, tensor.Float64, G.WithShape(3, 2), G.WithName("off"))
	if _, err := Shift(x, off); err == nil {
		t.Error("offsets for 3 images accepted for 2 images")
	}
}
