package picture

import (
	"fmt"
	"image"
	_ "image/gif"  // decoders for ReadImage
	_ "image/jpeg" // decoders for ReadImage
	_ "image/png"  // decoders for ReadImage
	"os"
)

// ReadImage decodes a PNG, JPEG or GIF file.
func ReadImage(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read image: %w", err)
	}
	defer f.Close()
	img, format, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("read image %s: not a PNG, JPEG or GIF image (%v)", path, err)
	}
	if b := img.Bounds(); b.Dx() < 8 || b.Dy() < 8 {
		return nil, fmt.Errorf("read image %s: %s of %dx%d pixels is too small (8x8 at least)", path, format, b.Dx(), b.Dy())
	}
	return img, nil
}
