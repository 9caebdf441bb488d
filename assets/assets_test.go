package assets

import (
	"bytes"
	"image/png"
	"testing"
)

func TestIconIsA256PixelSquarePNG(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(Icon))
	if err != nil {
		t.Fatalf("decode icon: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 256 || b.Dy() != 256 {
		t.Fatalf("icon is %dx%d, want 256x256", b.Dx(), b.Dy())
	}
	// Transparent corners, opaque middle of the frame.
	if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
		t.Errorf("corner alpha %d, want transparent", a)
	}
	if _, _, _, a := img.At(20, 96).RGBA(); a != 0xffff {
		t.Errorf("frame alpha %d, want opaque", a)
	}
}
