package judge

import (
	"errors"
	"math"
)

// SunTolerance is the sun judge's tolerance for the disc centre in pixels at 64 px.
const SunTolerance = 2.0

// ErrNoSun is returned when no sun or moon disc is found.
var ErrNoSun = errors.New("no sun or moon found")

// SunDisc is a found sun or moon: centre and radius in the image's pixels.
type SunDisc struct {
	X, Y, R float64
}

// Sun finds the sun or moon: the brightest, yellowest compact blob. Each
// pixel scores luma + 0.5*(red - blue), smoothed over 3x3; the blob is the
// connected region around the best score that stays near it, and its centre
// is the score-weighted centroid.
func Sun(r *raster) (SunDisc, error) {
	s := r.sunScore()
	peak, pk := -1.0, 0
	for k, v := range s {
		if v > peak {
			peak, pk = v, k
		}
	}
	if peak < 0.75 {
		return SunDisc{}, ErrNoSun
	}
	px, py := pk%r.w, pk/r.w
	win := int(math.Ceil(12 / r.scale()))
	var around []float64
	for y := max(0, py-win); y <= min(r.h-1, py+win); y++ {
		for x := max(0, px-win); x <= min(r.w-1, px+win); x++ {
			around = append(around, s[y*r.w+x])
		}
	}
	t := peak - math.Max(0.05, 0.35*(peak-median(around)))
	// flood fill from the peak within the window
	seen := map[int]bool{pk: true}
	stack := []int{pk}
	var sx, sy, sw float64
	area := 0
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x, y := k%r.w, k/r.w
		w := s[k] - t + 0.02
		sx, sy, sw = sx+w*(float64(x)+0.5), sy+w*(float64(y)+0.5), sw+w
		area++
		for _, d := range [][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
			i, j := x+d[0], y+d[1]
			n := j*r.w + i
			if i < 0 || j < 0 || i >= r.w || j >= r.h || abs(i-px) > win || abs(j-py) > win || seen[n] || s[n] < t {
				continue
			}
			seen[n] = true
			stack = append(stack, n)
		}
	}
	if float64(area) > math.Pi*64/(r.scale()*r.scale()) {
		return SunDisc{}, ErrNoSun // a bright area, not a disc
	}
	return SunDisc{X: sx / sw, Y: sy / sw, R: math.Sqrt(float64(area) / math.Pi)}, nil
}

func (r *raster) sunScore() []float64 {
	raw := make([]float64, len(r.luma))
	for k, c := range r.rgb {
		raw[k] = r.luma[k] + 0.5*(c[0]-c[2])
	}
	out := make([]float64, len(raw))
	for y := 0; y < r.h; y++ {
		for x := 0; x < r.w; x++ {
			var s float64
			n := 0
			for j := max(0, y-1); j <= min(r.h-1, y+1); j++ {
				for i := max(0, x-1); i <= min(r.w-1, x+1); i++ {
					s += raw[j*r.w+i]
					n++
				}
			}
			out[y*r.w+x] = s / float64(n)
		}
	}
	return out
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
