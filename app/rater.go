package app

import (
	"image"
	"image/draw"

	"dualprocess/assets"
	"dualprocess/model"

	"github.com/disintegration/imaging"
)

// loadRater reads the rater weights at path, or the built-in ones
// (assets/rater.safetensors) when path is empty.
func loadRater(path string) (*model.Rater, error) {
	if path == "" {
		return model.DecodeRater(assets.Rater, "built-in rater weights")
	}
	return model.LoadRater(path)
}

// raterImage returns img at the rater's 64x64 size (resized with Lanczos
// when it has another size) and whether it was resized.
func raterImage(img image.Image) (*image.RGBA, bool) {
	b := img.Bounds()
	resized := b.Dx() != model.RaterSize || b.Dy() != model.RaterSize
	if resized {
		img = imaging.Resize(img, model.RaterSize, model.RaterSize, imaging.Lanczos)
		b = img.Bounds()
	}
	out := image.NewRGBA(image.Rect(0, 0, model.RaterSize, model.RaterSize))
	draw.Draw(out, out.Rect, img, b.Min, draw.Src)
	return out, resized
}
