package picture

import (
	"image"
	"math"
)

// MeanAbsDiff is the mean absolute RGB difference of two images over the
// pixels both cover, per channel, 0..1 (0 when they share none).
func MeanAbsDiff(a, b *image.RGBA) float64 { return BoxAbsDiff(a, b, a.Bounds()) }

// BoxAbsDiff is MeanAbsDiff inside r.
func BoxAbsDiff(a, b *image.RGBA, r image.Rectangle) float64 {
	r = r.Intersect(a.Bounds()).Intersect(b.Bounds())
	if r.Empty() {
		return 0
	}
	var s float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		pa, pb := a.Pix[a.PixOffset(r.Min.X, y):], b.Pix[b.PixOffset(r.Min.X, y):]
		for i := range 4 * r.Dx() {
			if i%4 != 3 {
				s += math.Abs(float64(pa[i]) - float64(pb[i]))
			}
		}
	}
	return s / float64(3*r.Dx()*r.Dy()) / 255
}
