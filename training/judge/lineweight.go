package judge

import (
	"errors"
	"math"
)

// LineWeightTolerance is the line-weight judge's tolerance in pixels at 64 px.
const LineWeightTolerance = 0.75

// lineQuantile is the share of stroke pixels narrower than the width the
// judge reports. Not the median: where outlines merge over a narrow
// object (a city's towers at sunset are black silhouettes twice the pen
// wide) the stroke is wider than any outline, and in city scenes such
// pixels were the majority (the median read 5-6 px for a 3 px pen).
const lineQuantile = 0.3

// ErrNoOutlines is returned when an image has no dark outlines to measure.
var ErrNoOutlines = errors.New("no dark outlines found")

// LineWeight measures the typical width of the dark outlines in an image, in
// pixels at 64 px. Darkness is measured by value (the largest of R, G, B),
// so that saturated dark colours such as a night sky do not pass for ink.
// A stroke pixel is one darker than halfway between the
// ink (the image's darkest tone) and its brightest neighbourhood (45%). Across a
// stroke, each pixel's ink coverage (from its value between the ink and the
// background on its own side) adds up to the stroke's width, even when the
// stroke is anti-aliased or blurred. The width at a stroke pixel is the
// smallest such sum along four directions (a stroke is narrow across, long
// along); the result is the lineQuantile of the widths over stroke pixels.
func LineWeight(r *raster) (float64, error) {
	ink := percentile(r.value, 0.01)
	if ink > 0.2 {
		return 0, ErrNoOutlines
	}
	bg := r.localMax(max(2, int(math.Round(3/r.scale()))))
	dirs := [][2]int{{1, 0}, {0, 1}, {1, 1}, {1, -1}}
	maxW := 8 / r.scale() // wider than this is a dark area, not a line
	var widths []float64
	for y := 0; y < r.h; y++ {
		for x := 0; x < r.w; x++ {
			k := y*r.w + x
			if bg[k]-ink < 0.15 || r.value[k] > ink+0.45*(bg[k]-ink) {
				continue
			}
			w := math.Inf(1)
			for _, d := range dirs {
				w = math.Min(w, r.crossWidth(x, y, d, ink, (ink+bg[k])/2))
			}
			if w <= maxW {
				widths = append(widths, w)
			}
		}
	}
	if float64(len(widths)) < 0.01*float64(r.pixelsOf) {
		return 0, ErrNoOutlines
	}
	return percentile(widths, lineQuantile) * r.scale(), nil
}

// crossWidth measures the stroke through (x, y) along direction d: the
// solid part darker than mid, one anti-aliased edge pixel on each side, and
// the background two pixels beyond.
func (r *raster) crossWidth(x, y int, d [2]int, ink, mid float64) float64 {
	step := math.Hypot(float64(d[0]), float64(d[1]))
	var sum float64
	for _, sign := range []int{1, -1} {
		dx, dy := sign*d[0], sign*d[1]
		i, j := x, y
		n := 0
		for r.in(i+dx, j+dy) && r.value[(j+dy)*r.w+i+dx] <= mid {
			i, j = i+dx, j+dy
			n++
			if float64(n)*step > 12/r.scale() {
				return math.Inf(1) // too long to be across a line
			}
		}
		// i, j is the last solid pixel; the edge and background follow
		bgv := r.valueAt(i+2*dx, j+2*dy, r.valueAt(i+dx, j+dy, 1))
		cov := func(l float64) float64 { return math.Max(0, math.Min(1, (bgv-l)/(bgv-ink))) }
		for t := 0; t <= n; t++ {
			if t == 0 && sign == -1 {
				continue // the centre pixel was counted on the first side
			}
			sum += cov(r.value[(y+t*dy)*r.w+x+t*dx])
		}
		sum += cov(r.valueAt(i+dx, j+dy, bgv))
	}
	return sum * step
}

func (r *raster) in(x, y int) bool { return x >= 0 && y >= 0 && x < r.w && y < r.h }

// valueAt is the value at (x, y), or def outside the image.
func (r *raster) valueAt(x, y int, def float64) float64 {
	if !r.in(x, y) {
		return def
	}
	return r.value[y*r.w+x]
}

// localMax is each pixel's brightest value within a square of radius rad,
// computed separably.
func (r *raster) localMax(rad int) []float64 {
	tmp := make([]float64, len(r.value))
	out := make([]float64, len(r.value))
	for y := 0; y < r.h; y++ {
		for x := 0; x < r.w; x++ {
			m := 0.0
			for i := max(0, x-rad); i <= min(r.w-1, x+rad); i++ {
				m = math.Max(m, r.value[y*r.w+i])
			}
			tmp[y*r.w+x] = m
		}
	}
	for y := 0; y < r.h; y++ {
		for x := 0; x < r.w; x++ {
			m := 0.0
			for j := max(0, y-rad); j <= min(r.h-1, y+rad); j++ {
				m = math.Max(m, tmp[j*r.w+x])
			}
			out[y*r.w+x] = m
		}
	}
	return out
}
