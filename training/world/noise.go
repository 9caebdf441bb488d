package world

import (
	"math"
	"math/rand/v2"
)

// ZDim is the length of the noise vector z shared by the scene sampler and
// the generator.
const ZDim = 16

// Noise returns the standard-normal noise vector for a seed. The same seed
// gives the same vector on every run and machine.
func Noise(seed int64) []float64 {
	r := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	z := make([]float64, ZDim)
	for i := range z {
		z[i] = r.NormFloat64()
	}
	return z
}

// uniform maps a standard-normal value to (0,1) through the normal CDF, so a
// smooth change of z gives a smooth change of the scene.
func uniform(x float64) float64 { return 0.5 * (1 + math.Erf(x/math.Sqrt2)) }
