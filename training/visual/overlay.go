// Package visual holds visual prompts: drawings made on a transparent
// canvas the size of a generated image (a red horizon line, a palette
// strip, a reference line, points A and B, a box), and the overlay that
// composites a drawing over an image before the rater sees it.
package visual

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"strings"
)

// Mode is how a drawing is laid over an image.
type Mode string

const (
	// Solid: the drawing replaces the image wherever it is drawn (by its
	// alpha, so anti-aliased edges blend).
	Solid Mode = "solid"
	// Transparent: the drawing, flattened on white, is blended at 50% over
	// the whole image.
	Transparent Mode = "transparent"
)

// ParseMode reads "solid" or "transparent", in any case.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case Solid, Transparent:
		return m, nil
	}
	return "", fmt.Errorf("overlay mode %q: want solid or transparent", s)
}

// Overlay is a drawing composited over images: out = Scale*image + Offset
// per channel, a fixed affine map, so the composite stays differentiable in
// the image (its gradient is Scale).
type Overlay struct {
	W, H   int
	Scale  []float32 // channel-first (3, H, W), values 0..1
	Offset []float32 // channel-first (3, H, W), in 0..1 colour units
}

// NewOverlay prepares a drawing for compositing. A drawing without any
// transparency (an opaque PNG from another tool) treats white as
// transparent, as the paper does.
func NewOverlay(drawing image.Image, mode Mode) (*Overlay, error) {
	mode, err := ParseMode(string(mode))
	if err != nil {
		return nil, err
	}
	d := ToNRGBA(drawing)
	w, h := d.Rect.Dx(), d.Rect.Dy()
	o := &Overlay{W: w, H: h, Scale: make([]float32, 3*w*h), Offset: make([]float32, 3*w*h)}
	whiteIsClear := opaque(d)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := d.NRGBAAt(x, y)
			a := float32(c.A) / 255
			if whiteIsClear && nearWhite(c.R, c.G, c.B) {
				a = 0
			}
			rgb := [3]float32{float32(c.R) / 255, float32(c.G) / 255, float32(c.B) / 255}
			for ch := 0; ch < 3; ch++ {
				k := ch*w*h + y*w + x
				switch mode {
				case Solid:
					o.Scale[k], o.Offset[k] = 1-a, a*rgb[ch]
				case Transparent: // flatten on white, then 50% over the image
					o.Scale[k], o.Offset[k] = 0.5, 0.5*(a*rgb[ch]+1-a)
				}
			}
		}
	}
	return o, nil
}

// Apply composites the overlay over an image of the same size.
func (o *Overlay) Apply(img image.Image) (*image.RGBA, error) {
	b := img.Bounds()
	if b.Dx() != o.W || b.Dy() != o.H {
		return nil, fmt.Errorf("overlay is %dx%d, image %dx%d", o.W, o.H, b.Dx(), b.Dy())
	}
	out := image.NewRGBA(image.Rect(0, 0, o.W, o.H))
	for y := 0; y < o.H; y++ {
		for x := 0; x < o.W; x++ {
			c := color.RGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.RGBA)
			in := [3]uint8{c.R, c.G, c.B}
			var v [3]uint8
			for ch := 0; ch < 3; ch++ {
				k := ch*o.W*o.H + y*o.W + x
				f := o.Scale[k]*float32(in[ch])/255 + o.Offset[k]
				v[ch] = uint8(min(255, max(0, f*255+0.5)))
			}
			out.SetRGBA(x, y, color.RGBA{v[0], v[1], v[2], 255})
		}
	}
	return out, nil
}

// Empty reports whether the overlay leaves every image unchanged.
func (o *Overlay) Empty() bool {
	for k := range o.Scale {
		if o.Scale[k] != 1 || o.Offset[k] != 0 {
			return false
		}
	}
	return true
}

// ToNRGBA converts an image to NRGBA with its origin at (0, 0).
func ToNRGBA(img image.Image) *image.NRGBA {
	if n, ok := img.(*image.NRGBA); ok && n.Rect.Min == (image.Point{}) {
		return n
	}
	b := img.Bounds()
	n := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(n, n.Rect, img, b.Min, draw.Src)
	return n
}

// nearWhite is the white an opaque drawing leaves clear.
func nearWhite(r, g, b uint8) bool { return r >= 250 && g >= 250 && b >= 250 }

func opaque(img *image.NRGBA) bool {
	for i := 3; i < len(img.Pix); i += 4 {
		if img.Pix[i] != 255 {
			return false
		}
	}
	return true
}
