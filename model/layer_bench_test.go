package model

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"
)

func rand32(r *rand.Rand, shape ...int) *tensor.Dense {
	t, d := newDense[float32](shape...)
	for i := range d {
		d[i] = float32(r.NormFloat64())
	}
	return t
}

// BenchmarkConvLayers times the conv kernels of each generator layer at batch 8.
func BenchmarkConvLayers(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, l := range DefaultConfig().Layers() {
		x, w, bias := rand32(r, 8, l.In, l.Size, l.Size), rand32(r, l.Out, l.In, l.K, l.K), rand32(r, l.Out)
		gy := rand32(r, 8, l.Out, l.Size, l.Size)
		b.Run(fmt.Sprintf("%s/fwd", l.Name), func(b *testing.B) {
			for b.Loop() {
				convForward[float32]([]*tensor.Dense{x, w, bias})
			}
		})
		b.Run(fmt.Sprintf("%s/gradX", l.Name), func(b *testing.B) {
			for b.Loop() {
				convGradX[float32](x.Shape(), []*tensor.Dense{w, gy})
			}
		})
		b.Run(fmt.Sprintf("%s/gradW", l.Name), func(b *testing.B) {
			for b.Loop() {
				convGradW[float32](l.K, []*tensor.Dense{x, gy})
			}
		})
	}
}
