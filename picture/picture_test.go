package picture

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func solid(w, h int, c color.RGBA) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return img
}

func TestSquareCols(t *testing.T) {
	for n, want := range map[int]int{0: 1, 1: 1, 2: 2, 4: 2, 5: 3, 8: 3, 9: 3, 10: 4, 16: 4, 17: 5} {
		if got := SquareCols(n); got != want {
			t.Errorf("SquareCols(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestGridPlacesTilesWithWhiteGutters(t *testing.T) {
	red := color.RGBA{255, 0, 0, 255}
	blue := color.RGBA{0, 0, 255, 255}
	tiles := []image.Image{solid(4, 3, red), solid(4, 3, blue), solid(4, 3, red)}
	g := Grid(tiles, 2)
	if got, want := g.Bounds().Size(), image.Pt(2*4+Gutter, 2*3+Gutter); got != want {
		t.Fatalf("size %v, want %v", got, want)
	}
	white := color.RGBA{255, 255, 255, 255}
	for _, c := range []struct {
		x, y int
		want color.RGBA
	}{
		{0, 0, red}, {3, 2, red}, // first tile
		{4, 0, white}, {5, 2, white}, // vertical gutter
		{6, 0, blue}, {9, 2, blue}, // second tile
		{0, 3, white}, {9, 4, white}, // horizontal gutter
		{0, 5, red}, {3, 7, red}, // third tile, second row
		{6, 5, white}, {9, 7, white}, // empty cell
	} {
		if got := g.RGBAAt(c.x, c.y); got != c.want {
			t.Errorf("pixel (%d,%d) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
}

func TestGridSingleTileHasNoGutter(t *testing.T) {
	g := Grid([]image.Image{solid(5, 5, color.RGBA{1, 2, 3, 255})}, 4)
	if g.Bounds().Dx() != 5 || g.Bounds().Dy() != 5 {
		t.Fatalf("size %v, want 5x5", g.Bounds().Size())
	}
}

func TestWritePNGIsReadableAndLeavesNoTempFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.png")
	want := solid(3, 2, color.RGBA{10, 20, 30, 255})
	if err := WritePNG(path, want); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if r, g, b, _ := got.At(2, 1).RGBA(); r>>8 != 10 || g>>8 != 20 || b>>8 != 30 {
		t.Errorf("pixel = %d,%d,%d; want 10,20,30", r>>8, g>>8, b>>8)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("dir holds %d entries, want only out.png", len(entries))
	}
}

func TestWritePNGMissingDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "out.png")
	if err := WritePNG(path, solid(1, 1, color.RGBA{})); err == nil {
		t.Fatal("want an error for a missing directory")
	}
}

func TestEqual(t *testing.T) {
	red := solid(3, 3, color.RGBA{255, 0, 0, 255})
	moved := image.NewRGBA(image.Rect(5, 5, 8, 8))
	copy(moved.Pix, red.(*image.RGBA).Pix)
	dot := solid(3, 3, color.RGBA{255, 0, 0, 255}).(*image.RGBA)
	dot.SetRGBA(2, 2, color.RGBA{254, 0, 0, 255})
	for _, c := range []struct {
		name string
		b    image.Image
		want bool
	}{
		{"same pixels", solid(3, 3, color.RGBA{255, 0, 0, 255}), true},
		{"same pixels, other origin", moved, true},
		{"one pixel differs", dot, false},
		{"other size", solid(3, 4, color.RGBA{255, 0, 0, 255}), false},
		{"nil", nil, false},
	} {
		if got := Equal(red, c.b); got != c.want {
			t.Errorf("%s: Equal = %v, want %v", c.name, got, c.want)
		}
	}
}
