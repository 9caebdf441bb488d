// Package picture holds the small image helpers shared by the command line,
// the UI and training: reading image files, parsing colours, tile grids and
// atomic PNG files.
package picture

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"path/filepath"
)

// Gutter is the width in pixels of the white lines between grid tiles.
const Gutter = 2

// ToRGBA returns img as an *image.RGBA with its origin at (0, 0): img itself
// when it already is one, otherwise a copy.
func ToRGBA(img image.Image) *image.RGBA {
	if r, ok := img.(*image.RGBA); ok && r.Rect.Min == (image.Point{}) {
		return r
	}
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Rect, img, b.Min, draw.Src)
	return out
}

// SquareCols is the number of columns of the near-square grid for n tiles.
func SquareCols(n int) int {
	if n < 1 {
		return 1
	}
	return int(math.Ceil(math.Sqrt(float64(n))))
}

// Grid lays tiles out row by row in cols columns with white gutters between
// them. Every cell has the size of the largest tile; smaller tiles sit in
// the top-left corner of their cell. Empty cells stay white.
func Grid(tiles []image.Image, cols int) *image.RGBA {
	if len(tiles) == 0 {
		return image.NewRGBA(image.Rect(0, 0, 0, 0))
	}
	cols = max(1, min(cols, len(tiles)))
	rows := (len(tiles) + cols - 1) / cols
	var cw, ch int
	for _, t := range tiles {
		cw = max(cw, t.Bounds().Dx())
		ch = max(ch, t.Bounds().Dy())
	}
	out := image.NewRGBA(image.Rect(0, 0, cols*cw+(cols-1)*Gutter, rows*ch+(rows-1)*Gutter))
	draw.Draw(out, out.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	for i, t := range tiles {
		at := image.Pt(i%cols*(cw+Gutter), i/cols*(ch+Gutter))
		draw.Draw(out, t.Bounds().Sub(t.Bounds().Min).Add(at), t, t.Bounds().Min, draw.Src)
	}
	return out
}

// WritePNG writes img to path atomically: it encodes into a temporary file
// in the same directory and renames it over path, so readers never see a
// half-written file.
func WritePNG(path string, img image.Image) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			err = fmt.Errorf("write %s: %w", path, err)
		}
	}()
	if err = png.Encode(tmp, img); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Equal reports whether a and b have the same size and the same colours at
// every pixel (compared as 16-bit premultiplied RGBA).
func Equal(a, b image.Image) bool {
	if a == nil || b == nil || a.Bounds().Size() != b.Bounds().Size() {
		return false
	}
	ao, bo := a.Bounds().Min, b.Bounds().Min
	for y := range a.Bounds().Dy() {
		for x := range a.Bounds().Dx() {
			r1, g1, b1, a1 := a.At(ao.X+x, ao.Y+y).RGBA()
			r2, g2, b2, a2 := b.At(bo.X+x, bo.Y+y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				return false
			}
		}
	}
	return true
}
