package world

import (
	"image"
	"math"
)

// supersampling factor per axis
const ss = 4

// canvas holds the supersampled colour, depth and label of every sample.
type canvas struct {
	col   []rgb
	depth []float64
	label []int16
}

// Render draws a scene at Size x Size with 4x4 supersampling and returns the
// image, its depth map and the truth.
func Render(s Scene) Rendering {
	n := Size * ss
	c := canvas{make([]rgb, n*n), make([]float64, n*n), make([]int16, n*n)}
	half := s.OutlineWidth / 2
	labels := []string{}
	for _, sh := range s.shapes {
		c.draw(sh, int16(len(labels)), half, s.Horizon)
		labels = append(labels, sh.label)
	}
	img, depth, major := c.downsample()
	sky := make([]bool, len(major))
	for k, l := range major {
		sky[k] = l == 0
	}
	return Rendering{Image: img, Depth: depth, Sky: sky, Truth: s.truth(img, major, labels)}
}

func (c *canvas) draw(sh shape, label int16, half, horizon float64) {
	n := Size * ss
	pad := 2*half + 1
	i0, i1 := clampIdx((sh.x0-pad)*ss, n), clampIdx((sh.x1+pad)*ss+1, n)
	j0, j1 := clampIdx((sh.y0-pad)*ss, n), clampIdx((sh.y1+pad)*ss+1, n)
	for j := j0; j < j1; j++ {
		y := (float64(j) + 0.5) / ss
		for i := i0; i < i1; i++ {
			x := (float64(i) + 0.5) / ss
			d := sh.sdf(x, y)
			if sh.outlineOutside {
				d -= half
			}
			k := j*n + i
			switch {
			case sh.outline && half > 0 && math.Abs(d) <= half:
				c.col[k], c.label[k] = outlineColor, -1
			case d < 0:
				c.col[k], c.label[k] = sh.fill, label
				if sh.skyGradient != nil {
					c.col[k] = sh.skyGradient(y)
				}
			default:
				continue
			}
			c.depth[k] = sh.depth
			if sh.groundDepth {
				c.depth[k] = groundDepth(y, horizon)
			}
		}
	}
}

func clampIdx(v float64, n int) int {
	return int(math.Max(0, math.Min(float64(n), math.Floor(v))))
}

// downsample averages each 4x4 block into a pixel and returns the image, the
// depth map and each pixel's label where at least 3/4 of its samples share
// it (-1 for outline, -2 for a mixed pixel).
func (c *canvas) downsample() (*image.RGBA, []float32, []int16) {
	n := Size * ss
	img := image.NewRGBA(image.Rect(0, 0, Size, Size))
	depth := make([]float32, Size*Size)
	major := make([]int16, Size*Size)
	var counts [256]int // by label+2: -2 mixed, -1 outline, 0.. shapes
	for py := 0; py < Size; py++ {
		for px := 0; px < Size; px++ {
			var sum rgb
			var d float64
			counts = [256]int{}
			for j := py * ss; j < py*ss+ss; j++ {
				for i := px * ss; i < px*ss+ss; i++ {
					k := j*n + i
					sum = sum.add(c.col[k])
					d += c.depth[k]
					counts[c.label[k]+2]++
				}
			}
			img.SetRGBA(px, py, sum.scale(1.0/(ss*ss)).rgba())
			depth[py*Size+px] = float32(d / (ss * ss))
			best, bestN := int16(-1), -1
			for l, cnt := range counts {
				if cnt > bestN {
					best, bestN = int16(l-2), cnt
				}
			}
			if bestN < ss*ss*3/4 {
				best = -2
			}
			major[py*Size+px] = best
		}
	}
	return img, depth, major
}

// RenderPrompt parses a prompt and renders it for a seed's noise.
func RenderPrompt(prompt string, seed int64) (Rendering, error) {
	p, err := ParsePrompt(prompt)
	if err != nil {
		return Rendering{}, err
	}
	return Render(Sample(p, Noise(seed))), nil
}
