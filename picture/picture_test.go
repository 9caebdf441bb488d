package picture

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
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

func TestReadImageDecodesTheCommonFormats(t *testing.T) {
	dir := t.TempDir()
	red := color.RGBA{255, 0, 0, 255}
	img := solid(16, 8, red)
	for name, enc := range map[string]func(*os.File) error{
		"a.bmp":  func(f *os.File) error { return bmp.Encode(f, img) },
		"a.tiff": func(f *os.File) error { return tiff.Encode(f, img, nil) },
		"a.png":  func(f *os.File) error { return png.Encode(f, img) },
	} {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := enc(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
		got, err := ReadImage(path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Bounds().Dx() != 16 || got.Bounds().Dy() != 8 {
			t.Errorf("%s: size %v, want 16x8", name, got.Bounds().Size())
		}
	}
	// a lossless WebP made by ImageMagick: 16x8, red left half, blue right half
	got, err := ReadImage("testdata/left-red.webp")
	if err != nil {
		t.Fatal(err)
	}
	if r, _, b, _ := got.At(2, 4).RGBA(); r < 0xf000 || b > 0x1000 {
		t.Errorf("webp left half %v, want red", got.At(2, 4))
	}
	if r, _, b, _ := got.At(13, 4).RGBA(); r > 0x1000 || b < 0xf000 {
		t.Errorf("webp right half %v, want blue", got.At(13, 4))
	}
}

// TestReadImageTurnsACameraJPEGUpright writes a 16x8 JPEG, red on the left
// and blue on the right, whose EXIF orientation (6) says it must be turned
// 90 degrees clockwise to be seen: read, it is 8x16 with red on top.
func TestReadImageTurnsACameraJPEGUpright(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 16, 8))
	for y := 0; y < 8; y++ {
		for x := 0; x < 16; x++ {
			img.Set(x, y, map[bool]color.RGBA{true: {255, 0, 0, 255}, false: {0, 0, 255, 255}}[x < 8])
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	// APP1 Exif segment: big-endian TIFF header, one IFD entry, Orientation (0x0112) SHORT 6
	tiffBlock := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0}
	payload := append([]byte("Exif\x00\x00"), tiffBlock...)
	app1 := append([]byte{0xff, 0xe1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}, payload...)
	data := append(append(append([]byte{}, buf.Bytes()[:2]...), app1...), buf.Bytes()[2:]...)
	path := filepath.Join(t.TempDir(), "camera.jpg")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadImage(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Bounds().Dx() != 8 || got.Bounds().Dy() != 16 {
		t.Fatalf("size %v, want 8x16 (turned upright)", got.Bounds().Size())
	}
	if r, _, b, _ := got.At(4, 2).RGBA(); r < 0xc000 || b > 0x4000 {
		t.Errorf("top %v, want red", got.At(4, 2))
	}
	if r, _, b, _ := got.At(4, 13).RGBA(); r > 0x4000 || b < 0xc000 {
		t.Errorf("bottom %v, want blue", got.At(4, 13))
	}
}

func TestReadImageRefusesWhatItCannotRead(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.png")
	os.WriteFile(junk, []byte("not an image"), 0o644)
	tiny := filepath.Join(dir, "tiny.png")
	f, _ := os.Create(tiny)
	png.Encode(f, solid(2, 2, color.RGBA{1, 2, 3, 255}))
	f.Close()
	for path, want := range map[string]string{
		junk:                         "not a PNG, JPEG, GIF, WebP, BMP or TIFF image",
		tiny:                         "png of 2x2 pixels is too small",
		filepath.Join(dir, "no.png"): "no such file",
	} {
		if _, err := ReadImage(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one saying %q", filepath.Base(path), err, want)
		}
	}
}

// TestReadPictureLaysTransparencyOnWhite: a picture saved with a
// transparent background (top), an opaque red part (bottom left) and a
// half-transparent blue one (bottom right) reads as white, red and light
// blue, as viewers show it; ReadImage keeps the transparency for drawings.
func TestReadPictureLaysTransparencyOnWhite(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 16, 16))
	for y := 8; y < 16; y++ {
		for x := 0; x < 16; x++ {
			img.SetNRGBA(x, y, map[bool]color.NRGBA{true: {255, 0, 0, 255}, false: {0, 0, 255, 128}}[x < 8])
		}
	}
	path := filepath.Join(t.TempDir(), "cutout.png")
	if err := WritePNG(path, img); err != nil {
		t.Fatal(err)
	}
	got, err := ReadPicture(path)
	if err != nil {
		t.Fatal(err)
	}
	near := func(c color.Color, want color.NRGBA) bool {
		n := color.NRGBAModel.Convert(c).(color.NRGBA)
		d := func(a, b uint8) bool { return a-b < 3 || b-a < 3 }
		return d(n.R, want.R) && d(n.G, want.G) && d(n.B, want.B) && n.A == 255
	}
	for _, c := range []struct {
		x, y int
		want color.NRGBA
	}{{4, 2, color.NRGBA{255, 255, 255, 255}}, {2, 12, color.NRGBA{255, 0, 0, 255}}, {12, 12, color.NRGBA{127, 127, 255, 255}}} {
		if !near(got.At(c.x, c.y), c.want) {
			t.Errorf("(%d,%d) = %v, want %v", c.x, c.y, got.At(c.x, c.y), c.want)
		}
	}
	drawing, _ := ReadImage(path)
	if _, _, _, a := drawing.At(4, 2).RGBA(); a != 0 {
		t.Errorf("ReadImage made the transparent part opaque (alpha %d)", a)
	}
}
