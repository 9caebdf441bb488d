// Package raterfit trains and evaluates the rater (model.Rater) on
// visual-question examples made on the fly from the procedural world
// (training/vqa), from renders and from generator samples.
package raterfit

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"slices"

	"dualprocess/model"
	"dualprocess/picture"
	"dualprocess/training/visual"
	"dualprocess/training/vqa"
	"dualprocess/training/world"

	"github.com/disintegration/imaging"
	"gorgonia.org/tensor"
)

// Example is a question about an image: the image before the visual
// prompt (channel-first (3, 64, 64), 0..1), the prompt's overlay (nil for
// text-only questions), the question and its true answer; in training
// also more text-only questions about the same image.
type Example struct {
	Family    string
	Image     []float32
	Overlay   *visual.Overlay
	Question  string
	Answer    string
	More      []QA      // further questions about the image (training)
	Generated bool      // the image is a generator sample
	Aux       []float32 // AuxMaps of the scene, (len(AuxMaps), 16, 16)
	AuxScene  []float32 // AuxScene attributes of the scene
	Marks     []float32 // where the drawing's labelled points are (markTargets)
	Decoy     string    // the hard case the family drew (vqa.Item.Decoy); "" for a plain example
}

// heldOutBit splits the noise seeds: training scenes use seeds without it,
// evaluation scenes seeds with it, so no evaluation scene is ever trained on.
const heldOutBit = int64(1) << 62

// RandomPrompt draws a prompt from the whole grammar.
func RandomPrompt(rng *rand.Rand) world.Prompt {
	return world.Prompt{
		Kind: world.Kinds[rng.IntN(len(world.Kinds))], Time: world.Times[rng.IntN(len(world.Times))],
		Trees: rng.IntN(2) == 0, House: rng.IntN(3) == 0, Boat: rng.IntN(3) == 0,
		Clouds: rng.IntN(2) == 0, Outlined: rng.IntN(2) == 0,
	}
}

// Scene is a rendered scene; with a generator, Image is the generator's
// sample of the same (prompt, noise) when that sample is faithful.
type Scene struct {
	world.Rendering
	Generated bool
}

// Painter draws a generator sample for a prompt and noise vector.
type Painter func(p world.Prompt, z []float64) (*image.RGBA, error)

// SamplerPainter paints with a generator sampler of batch 1.
func SamplerPainter(s *model.Sampler) Painter {
	return func(p world.Prompt, z []float64) (*image.RGBA, error) {
		imgs, err := s.Generate([]world.Prompt{p}, [][]float64{z})
		if err != nil {
			return nil, err
		}
		return imgs[0], nil
	}
}

// MaxGeneratedError is the largest mean absolute pixel difference (0..1)
// between a generator sample and the render of the same scene for the
// render's truth to be used as the sample's truth.
const MaxGeneratedError = 0.05

// The generator's sun must be where the render's is for the render's
// truth to hold (answers about a box round the sun have margins of 2-3 px):
// a sample may move it at most MaxSunShift pixels, and must keep at least
// MinSunKept of the disc's contrast with the sky around it.
const (
	MaxSunShift = 1.5
	MinSunKept  = 0.5
)

// SunMatch measures how well img keeps the render's sun or moon: the shift
// (up to 4 px each way) that best aligns the render's pixels within 2 px of
// the disc with img's, and the share of the disc's contrast that alignment
// explains (1 - its error / the error of a sunless patch). Both images are
// blurred first (sigma 1.5 px), so a faithful but blurred disc matches
// unshifted and in full. Without a sun it returns 0, 1.
func SunMatch(img *image.RGBA, r world.Rendering) (shift, kept float64) {
	sun := r.Truth.Sun
	if sun == nil {
		return 0, 1
	}
	a, b := imaging.Blur(img, 1.5), imaging.Blur(r.Image, 1.5)
	var patch, ring []image.Point
	for y := 0; y < world.Size; y++ {
		for x := 0; x < world.Size; x++ {
			switch d := math.Hypot(float64(x)+0.5-sun.X, float64(y)+0.5-sun.Y); {
			case d <= sun.Radius+2:
				patch = append(patch, image.Point{x, y})
			case d <= sun.Radius+4:
				ring = append(ring, image.Point{x, y})
			}
		}
	}
	var sky [3]float64 // the mean colour round the disc: what a sample without it would show
	for _, p := range ring {
		i := b.PixOffset(p.X, p.Y)
		for c := range sky {
			sky[c] += float64(b.Pix[i+c]) / float64(len(ring))
		}
	}
	var none float64
	for _, p := range patch {
		i := b.PixOffset(p.X, p.Y)
		for c := range sky {
			none += math.Abs(float64(b.Pix[i+c])-sky[c]) / float64(len(patch))
		}
	}
	best := math.Inf(1)
	for dy := -4; dy <= 4; dy++ {
		for dx := -4; dx <= 4; dx++ {
			var sum float64
			var n int
			for _, p := range patch {
				q := p.Add(image.Point{dx, dy})
				if !q.In(a.Rect) {
					continue
				}
				i, j := a.PixOffset(q.X, q.Y), b.PixOffset(p.X, p.Y)
				for c := 0; c < 3; c++ {
					sum += math.Abs(float64(a.Pix[i+c]) - float64(b.Pix[j+c]))
				}
				n++
			}
			if n < len(patch)/2 {
				continue
			}
			e, d := sum/float64(n), math.Hypot(float64(dx), float64(dy))
			if e < best-1e-9 || math.Abs(e-best) <= 1e-9 && d < shift {
				best, shift = e, d
			}
		}
	}
	return shift, 1 - best/math.Max(none, 1e-9)
}

// NewScene renders a random scene (held out or for training). With a
// painter it replaces the image by the generator's sample; ok is false when
// that sample strays too far from the render to share its truth: overall
// (MaxGeneratedError), at the sun (SunMatch) or at its objects (MinObjectDrawn).
func NewScene(rng *rand.Rand, heldOut bool, paint Painter) (s Scene, ok bool, err error) {
	seed := rng.Int64() &^ heldOutBit
	if heldOut {
		seed |= heldOutBit
	}
	p, z := RandomPrompt(rng), world.Noise(seed)
	s = Scene{Rendering: world.Render(world.Sample(p, z))}
	if paint == nil {
		return s, true, nil
	}
	img, err := paint(p, z)
	if err != nil {
		return s, false, fmt.Errorf("generator sample: %w", err)
	}
	if picture.MeanAbsDiff(img, s.Image) > MaxGeneratedError || !sunKept(img, s.Rendering) || !objectsKept(img, s.Rendering, p, z) {
		return s, false, nil
	}
	s.Image, s.Generated = img, true
	return s, true, nil
}

func sunKept(img *image.RGBA, r world.Rendering) bool {
	shift, kept := SunMatch(img, r)
	return shift <= MaxSunShift && kept >= MinSunKept
}

// Make draws an example of family from scenes (vqa.Generate's scene
// source) with more text-only questions about its image; ok is false when
// no scene supported one.
func Make(rng *rand.Rand, family string, scene func() Scene, more int) (Example, bool, error) {
	var last Scene
	it, ok := vqa.Generate(rng, family, func() world.Rendering { last = scene(); return last.Rendering })
	if !ok || it.RenderOnly && last.Generated {
		return Example{}, false, nil
	}
	img := it.ImageOf(last.Rendering)
	ex := Example{Family: family, Image: Planes(img), Question: it.Question, Answer: it.Answer,
		Generated: last.Generated, Aux: auxTargets(last.Rendering), AuxScene: auxSceneTargets(last.Rendering), Decoy: it.Decoy}
	ex.Marks = markTargets(it.Marks)
	if it.Drawing != nil {
		o, err := visual.NewOverlay(it.Drawing, it.Mode)
		if err != nil {
			return Example{}, false, fmt.Errorf("%s overlay: %w", family, err)
		}
		ex.Overlay = o
	}
	keeps := textFamilies // the image is the rendering's: every answer holds
	if it.Image != nil && it.Image != last.Image {
		keeps = []string{"presence", "side"} // a repainted sky
		if it.Keeps != nil {
			keeps = it.Keeps
		}
	}
	if more > 0 && !addQuestions(rng, &ex, last, keeps, more) {
		return Example{}, false, nil
	}
	return ex, true, nil
}

// QA is a question and its true answer.
type QA struct {
	Family   string `json:"family"`
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// textFamilies ask about the image without drawing on it, so their
// questions can be added to any example of the same scene.
var textFamilies = []string{"presence", "presence", "time", "side", "sky"}

// addQuestions appends n text-only questions about the example's scene
// from the families whose answers hold for its image (keeps; the family's
// own change may have repainted the sky or painted out the sun). A sky
// question counts only when it keeps the image (no repainted sky).
func addQuestions(rng *rand.Rand, ex *Example, s Scene, keeps []string, n int) bool {
	for try := 0; len(ex.More) < n; try++ {
		if try == 20*n {
			return false
		}
		f := textFamilies[rng.IntN(len(textFamilies))]
		if !slices.Contains(keeps, f) {
			continue
		}
		it, ok := vqa.Sample(rng, s.Rendering, f)
		if !ok || it.Image != nil && it.Image != s.Image {
			continue
		}
		ex.More = append(ex.More, QA{f, it.Question, it.Answer})
	}
	return true
}

// Planes converts an image to channel-first float planes in 0..1.
func Planes(img image.Image) []float32 {
	t, err := model.ImagesTensor([]*image.RGBA{picture.ToRGBA(img)})
	if err != nil { // one image: cannot fail
		panic(err)
	}
	return t.Data().([]float32)
}

// ColourMeasured are the families whose answer is a colour the judge
// measures (how near the pixels come to a palette's swatches, the sky's
// median colour): Augment does not jitter their colours, since a shift of
// 2% moves a colour by 2-3 delta E, across the judge's line for the
// examples made near it, and the answer would no longer be the judge's.
var ColourMeasured = []string{"palette", "sky"}

// Augment perturbs an example's image in place: a slight blur now and then,
// a colour jitter (not for ColourMeasured families) and Gaussian noise, so
// the rater does not depend on the renderer's exact pixels.
func Augment(rng *rand.Rand, ex *Example) {
	x := ex.Image
	if rng.Float64() < 0.2 { // blur by 0.3..0.7 px
		img := imageOf(x)
		copy(x, Planes(imaging.Blur(img, 0.3+0.4*rng.Float64())))
	}
	const plane = model.RaterSize * model.RaterSize
	if rng.Float64() < 0.5 && !slices.Contains(ColourMeasured, ex.Family) {
		for c := 0; c < 3; c++ {
			gain, shift := float32(1+0.08*(rng.Float64()-0.5)), float32(0.04*(rng.Float64()-0.5))
			for i := c * plane; i < (c+1)*plane; i++ {
				x[i] = x[i]*gain + shift
			}
		}
	}
	if rng.Float64() < 0.5 {
		sigma := 0.05 * rng.Float64()
		for i := range x {
			x[i] += float32(rng.NormFloat64() * sigma)
		}
	}
	clamp01(x)
}

// AddNoise adds Gaussian noise of sigma to an image (evaluation under noise).
func AddNoise(rng *rand.Rand, x []float32, sigma float64) {
	for i := range x {
		x[i] += float32(rng.NormFloat64() * sigma)
	}
	clamp01(x)
}

func clamp01(x []float32) {
	for i, v := range x {
		x[i] = min(1, max(0, v))
	}
}

// imageOf converts channel-first planes back to an image.
func imageOf(x []float32) *image.RGBA {
	t := tensor.New(tensor.WithShape(1, 3, model.RaterSize, model.RaterSize), tensor.WithBacking(x))
	imgs, err := model.TensorImages(t)
	if err != nil { // fixed shape: cannot fail
		panic(err)
	}
	return imgs[0]
}
