package visual

import (
	"fmt"
	"image"

	"github.com/disintegration/imaging"
)

// FitDrawing brings a drawing made elsewhere (any square size) to size x
// size. At that size it is returned as it is; otherwise it is resized
// (ResizeDrawing). Other shapes are refused: the generator's images are
// square, and a stretched drawing would put its lines where they were not
// drawn.
func FitDrawing(img image.Image, size int) (*image.NRGBA, error) {
	b := img.Bounds()
	switch {
	case b.Dx() == size && b.Dy() == size:
		return ToNRGBA(img), nil
	case b.Dx() != b.Dy():
		return nil, fmt.Errorf("drawing is %dx%d: it must be square (the generator draws %dx%d)", b.Dx(), b.Dy(), size, size)
	}
	return ResizeDrawing(img, size, size), nil
}

// ResizeDrawing resizes a drawing with a box filter, which keeps a line
// thinner than the new pixels as a fainter line rather than dropping it.
// An opaque drawing first has its white made transparent (the rule
// NewOverlay applies to opaque drawings), so a line's edges blend into the
// image under it rather than into the white around it.
func ResizeDrawing(img image.Image, w, h int) *image.NRGBA {
	d := ToNRGBA(img)
	if opaque(d) {
		d = imaging.Clone(d)
		for i := 0; i+3 < len(d.Pix); i += 4 {
			if nearWhite(d.Pix[i], d.Pix[i+1], d.Pix[i+2]) {
				d.Pix[i+3] = 0
			}
		}
	}
	return imaging.Resize(d, w, h, imaging.Box)
}
