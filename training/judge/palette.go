package judge

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"dualprocess/picture"
	"dualprocess/training/world"
)

// Palette judge defaults: an image matches a palette when its pixels are on
// average within PaletteTolerance (CIE76 delta E) of their nearest palette
// colour and every palette colour covers at least PaletteMinCoverage of the
// image (pixels within PaletteNear of it).
const (
	PaletteTolerance   = 10.0
	PaletteNear        = 15.0
	PaletteMinCoverage = 0.01
)

// PaletteResult measures an image against a palette.
type PaletteResult struct {
	MeanDeltaE float64   `json:"mean_delta_e"` // mean distance to the nearest palette colour
	Coverage   []float64 `json:"coverage"`     // share of pixels nearest to and near each colour
}

// Palette measures how far an image's colours are from a palette. The mean
// distance is taken on the median-filtered (3x3) image, so that pixel noise
// does not count as colour; coverage on the image itself, so that thin
// lines keep their colour.
func Palette(r *raster, palette []color.RGBA) PaletteResult {
	smooth := r.medianFiltered()
	labs := make([][3]float64, len(palette))
	for i, c := range palette {
		labs[i] = world.Lab(c)
	}
	res := PaletteResult{Coverage: make([]float64, len(palette))}
	if len(palette) == 0 {
		res.MeanDeltaE = math.Inf(1)
		return res
	}
	for k := range r.lab {
		best, _ := nearest(smooth.lab[k], labs)
		res.MeanDeltaE += best
		if d, i := nearest(r.lab[k], labs); d <= PaletteNear {
			res.Coverage[i]++
		}
	}
	res.MeanDeltaE /= float64(r.pixelsOf)
	for i := range res.Coverage {
		res.Coverage[i] /= float64(r.pixelsOf)
	}
	return res
}

// nearest returns the distance to and index of the nearest of labs.
func nearest(c [3]float64, labs [][3]float64) (float64, int) {
	best, bi := math.Inf(1), 0
	for i, l := range labs {
		if d := world.DeltaE(c, l); d < best {
			best, bi = d, i
		}
	}
	return best, bi
}

// ParsePalette reads colours separated by commas or spaces.
func ParsePalette(s string) ([]color.RGBA, error) {
	var p []color.RGBA
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		c, err := picture.ParseColor(f)
		if err != nil {
			return nil, err
		}
		p = append(p, c)
	}
	if len(p) == 0 {
		return nil, fmt.Errorf("empty palette: give colours like #e07040,#402060")
	}
	return p, nil
}

// medianFiltered returns a copy whose Lab colours are the per-channel median
// of each pixel's 3x3 neighbourhood.
func (r *raster) medianFiltered() *raster {
	out := *r
	out.lab = make([][3]float64, len(r.lab))
	var win [9]float64
	for y := 0; y < r.h; y++ {
		for x := 0; x < r.w; x++ {
			for c := 0; c < 3; c++ {
				n := 0
				for j := max(0, y-1); j <= min(r.h-1, y+1); j++ {
					for i := max(0, x-1); i <= min(r.w-1, x+1); i++ {
						win[n] = r.lab[j*r.w+i][c]
						n++
					}
				}
				out.lab[y*r.w+x][c] = median(win[:n])
			}
		}
	}
	return &out
}
