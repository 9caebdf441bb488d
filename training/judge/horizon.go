package judge

import (
	"errors"
	"math"
)

// HorizonTolerance is the horizon judge's tolerance in pixels at 64 px.
const HorizonTolerance = 3.0

// Horizon finds the row where the sky meets the ground or water: the
// topmost boundary that runs across most of the width. Each column measures
// the colour step (CIE Lab) across every row boundary, corrected for smooth
// gradients; a boundary's score is the median over columns, so it must run
// across half the width, and a sun, clouds, mountains, buildings
// or trees covering part of the width do not make one. The horizon is the
// topmost clear peak, so a boundary lower down (a beach) loses to it. Dark
// outlines are taken out first, so a line drawn along the horizon is
// measured at its centre. The result is in pixels from the top of the image
// (rows are [y, y+1)), placed between rows by a parabola.
func Horizon(r *raster) (float64, error) {
	r = r.withoutOutlines()
	k := max(2, r.h*3/64)           // window of rows on each side of a boundary
	steps := make([][]float64, r.w) // steps[x][b]: step at boundary b in column x
	for x := range steps {
		steps[x] = make([]float64, r.h+1)
		for b := 2 * k; b <= r.h-2*k; b++ {
			a2, a := r.colMean(x, b-2*k, b-k), r.colMean(x, b-k, b)
			b1, b2 := r.colMean(x, b, b+k), r.colMean(x, b+k, b+2*k)
			// the step across b, less the change within each side, so
			// that smooth gradients and steps further away score nothing
			steps[x][b] = math.Max(0, dist(a, b1)-0.5*(dist(a2, a)+dist(b1, b2)))
		}
	}
	score := make([]float64, r.h+1)
	col := make([]float64, r.w)
	best := 0.0
	for b := 1; b < r.h; b++ {
		for x := range col {
			col[x] = steps[x][b]
		}
		score[b] = percentile(col, horizonQuantile)
		best = math.Max(best, score[b])
	}
	if best < 6 {
		return 0, errors.New("no horizon: no boundary runs across the image")
	}
	for b := 1; b < r.h; b++ {
		if score[b] >= math.Max(6, horizonShare*best) && score[b] >= score[b-1] && score[b] > score[b+1] {
			return refine(score, b), nil
		}
	}
	return 0, errors.New("no horizon found")
}

// A boundary must score at least horizonShare of the best one to be the horizon.
const horizonQuantile, horizonShare = 0.5, 0.3

// refine places a peak between rows by a parabola through its neighbours.
func refine(score []float64, b int) float64 {
	l, c, rr := score[b-1], score[b], score[b+1]
	den := l - 2*c + rr
	if den >= 0 {
		return float64(b)
	}
	return float64(b) + math.Max(-0.5, math.Min(0.5, 0.5*(l-rr)/den))
}

// withoutOutlines returns a copy in which every short vertical run of dark
// ink (an outline crossing the column) takes the colour above it in its
// upper half and the colour below it in its lower half, so that a line drawn
// along a boundary leaves a clean step at the line's centre.
func (r *raster) withoutOutlines() *raster {
	ink := percentile(r.value, 0.01)
	if ink > 0.2 {
		return r
	}
	out := *r
	out.lab = append([][3]float64(nil), r.lab...)
	bg := r.localMax(max(2, int(math.Round(3/r.scale()))))
	isInk := func(x, y int) bool {
		k := y*r.w + x
		return bg[k]-ink >= 0.15 && r.value[k] <= ink+0.5*(bg[k]-ink)
	}
	maxRun := int(8 / r.scale())
	for x := 0; x < r.w; x++ {
		for y := 0; y < r.h; y++ {
			if !isInk(x, y) {
				continue
			}
			end := y
			for end+1 < r.h && isInk(x, end+1) {
				end++
			}
			// widen the run by the anti-aliased pixel on each side and
			// take the colours from just beyond
			y0, y1 := y-1, end+1
			if end-y < maxRun && y0 > 0 && y1+1 < r.h {
				above, below := r.lab[(y0-1)*r.w+x], r.lab[(y1+1)*r.w+x]
				for j := y0; j <= y1; j++ {
					if 2*j < y0+y1 {
						out.lab[j*r.w+x] = above
					} else if 2*j > y0+y1 {
						out.lab[j*r.w+x] = below
					} else { // the middle row of an odd run: half each
						for c := range 3 {
							out.lab[j*r.w+x][c] = (above[c] + below[c]) / 2
						}
					}
				}
			}
			y = end
		}
	}
	return &out
}

func dist(a, b [3]float64) float64 {
	return math.Sqrt((a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2]))
}

// colMean is the mean Lab colour of column x over rows [y0, y1).
func (r *raster) colMean(x, y0, y1 int) [3]float64 {
	var m [3]float64
	for y := y0; y < y1; y++ {
		c := r.lab[y*r.w+x]
		m[0], m[1], m[2] = m[0]+c[0], m[1]+c[1], m[2]+c[2]
	}
	n := float64(y1 - y0)
	return [3]float64{m[0] / n, m[1] / n, m[2] / n}
}
