package judge

import (
	"errors"
	"image/color"
	"math"
	"sort"

	"dualprocess/training/world"
)

// SkyTolerance is the sky judge's default tolerance: the CIE76 distance of
// the sky's median colour from the target colour.
const SkyTolerance = 25.0

// SkyColour is the median colour (per Lab channel) of the sky: the rows
// above the horizon, less a margin of 2 px at 64 px above it, and less the
// sun's disc.
func SkyColour(r *raster) (color.RGBA, [3]float64, error) {
	h, err := Horizon(r)
	if err != nil {
		return color.RGBA{}, [3]float64{}, errors.New("no sky: " + err.Error())
	}
	sun, sunErr := Sun(r)
	bottom := int(h - 2/r.scale())
	var ch [3][]float64
	for y := 0; y < bottom; y++ {
		for x := 0; x < r.w; x++ {
			if sunErr == nil && math.Hypot(float64(x)+0.5-sun.X, float64(y)+0.5-sun.Y) < sun.R+2/r.scale() {
				continue
			}
			for c := 0; c < 3; c++ {
				ch[c] = append(ch[c], r.lab[y*r.w+x][c])
			}
		}
	}
	if len(ch[0]) < 8 {
		return color.RGBA{}, [3]float64{}, errors.New("no sky: too few pixels above the horizon")
	}
	var lab [3]float64
	var rgb [3]float64
	for c := range ch {
		sort.Float64s(ch[c])
		lab[c] = ch[c][len(ch[c])/2]
	}
	// the median RGB, for showing the colour
	var rs [3][]float64
	for y := 0; y < bottom; y++ {
		for x := 0; x < r.w; x++ {
			for c := 0; c < 3; c++ {
				rs[c] = append(rs[c], r.rgb[y*r.w+x][c])
			}
		}
	}
	for c := range rs {
		rgb[c] = median(rs[c])
	}
	to8 := func(v float64) uint8 { return uint8(math.Round(math.Max(0, math.Min(1, v)) * 255)) }
	return color.RGBA{to8(rgb[0]), to8(rgb[1]), to8(rgb[2]), 255}, lab, nil
}

// skyDistance is the distance of the sky's median Lab colour from the nearest target colour.
func skyDistance(lab [3]float64, targets []color.RGBA) float64 {
	best := math.Inf(1)
	for _, t := range targets {
		best = math.Min(best, world.DeltaE(lab, world.Lab(t)))
	}
	return best
}
