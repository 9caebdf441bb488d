// Package judge measures images, mostly with plain image analysis, no
// neural network: where the horizon is, how close the colours are to a
// palette, how wide the dark outlines are, where the sun is. Relative depth
// and where trees stand have no formula: the depth and tree judges are
// small networks trained on the renderer's truth, with their own data, that
// the program sets (Depth, Trees). The judges are the independent truth
// about whether a taught control was learned; they are never a training
// signal.
package judge

import (
	"image"
	"image/color"
	"sort"

	"dualprocess/training/world"
)

// raster is an image as float RGB (0..1) with its luma and CIE Lab values.
type raster struct {
	w, h     int
	rgb      [][3]float64
	luma     []float64
	value    []float64 // max(R, G, B): ink is dark in every channel
	lab      [][3]float64
	pixelsOf int // number of pixels
}

func newRaster(img image.Image) *raster {
	b := img.Bounds()
	r := &raster{w: b.Dx(), h: b.Dy()}
	n := r.w * r.h
	r.pixelsOf = n
	r.rgb, r.luma, r.lab = make([][3]float64, n), make([]float64, n), make([][3]float64, n)
	r.value = make([]float64, n)
	for y := 0; y < r.h; y++ {
		for x := 0; x < r.w; x++ {
			c := color.RGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.RGBA)
			k := y*r.w + x
			r.rgb[k] = [3]float64{float64(c.R) / 255, float64(c.G) / 255, float64(c.B) / 255}
			r.luma[k] = 0.299*r.rgb[k][0] + 0.587*r.rgb[k][1] + 0.114*r.rgb[k][2]
			r.value[k] = max(r.rgb[k][0], r.rgb[k][1], r.rgb[k][2])
			r.lab[k] = world.Lab(color.RGBA{c.R, c.G, c.B, 255})
		}
	}
	return r
}

// scale converts a length in this image's pixels to pixels at the world's 64 px.
func (r *raster) scale() float64 { return float64(world.Size) / float64(r.h) }

func median(v []float64) float64 { return percentile(v, 0.5) }

// percentile returns the p-quantile (0..1) of v without changing v.
func percentile(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	i := int(p * float64(len(s)-1))
	return s[i]
}
