package picture

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	_ "image/gif"  // decoders for ReadImage
	_ "image/jpeg" // decoders for ReadImage
	_ "image/png"  // decoders for ReadImage
	"os"

	"github.com/disintegration/imaging"
	_ "golang.org/x/image/bmp"  // decoders for ReadImage
	_ "golang.org/x/image/tiff" // decoders for ReadImage
	_ "golang.org/x/image/webp" // decoders for ReadImage
)

// Formats names the image formats ReadImage decodes, for messages and help.
const Formats = "PNG, JPEG, GIF, WebP, BMP or TIFF"

// ReadImage decodes an image file in one of the Formats. A JPEG or TIFF
// from a camera or phone is turned upright as its EXIF orientation says,
// so it is rated and judged the way every viewer shows it.
func ReadImage(path string) (image.Image, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read image: %w", err)
	}
	_, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("read image %s: not a %s image (%v)", path, Formats, err)
	}
	img, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		return nil, fmt.Errorf("read image %s: broken %s file (%v)", path, format, err)
	}
	if b := img.Bounds(); b.Dx() < 8 || b.Dy() < 8 {
		return nil, fmt.Errorf("read image %s: %s of %dx%d pixels is too small (8x8 at least)", path, format, b.Dx(), b.Dy())
	}
	return img, nil
}

// ReadPicture reads an image to rate or judge (not a drawing, whose
// transparency means "nothing drawn"): ReadImage, with whatever is
// transparent laid on white, as image viewers and browsers show it.
// Without that, a transparent background would read as black.
func ReadPicture(path string) (image.Image, error) {
	img, err := ReadImage(path)
	if err != nil {
		return nil, err
	}
	if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
		return img, nil
	}
	b := img.Bounds()
	white := imaging.New(b.Dx(), b.Dy(), color.White)
	return imaging.Overlay(white, img, image.Point{}, 1), nil
}
