package visual

import (
	"image"
	"image/color"
)

// FindDrawing recovers a visual prompt that another tool has already drawn
// into an image: the pixels of instruction red (strong red, little green
// and blue, as Red and its anti-aliased or resized edges) become a solid
// drawing of their own colour, so the rater sees them as the drawing it
// was trained on and knows where it is. It returns nil, 0 when the image
// holds no such pixel, else the overlay and the number of pixels.
func FindDrawing(img image.Image) (*Overlay, int) {
	b := img.Bounds()
	d := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	n := 0
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			c := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
			if IsInstructionRed(c) {
				d.SetNRGBA(x, y, c)
				n++
			} else {
				d.SetNRGBA(x, y, color.NRGBA{255, 255, 255, 255})
			}
		}
	}
	if n == 0 {
		return nil, 0
	}
	o, err := NewOverlay(d, Solid)
	if err != nil { // cannot happen: Solid is a valid mode
		return nil, 0
	}
	return o, n
}

// IsInstructionRed tells whether a colour is the red of drawn instructions
// (or close to it): red at least 170, green and blue at most 80 and at
// least 140 below the red.
func IsInstructionRed(c color.NRGBA) bool {
	r, g, b := int(c.R), int(c.G), int(c.B)
	return c.A > 128 && r >= 170 && g <= 80 && b <= 80 && r-max(g, b) >= 140
}
