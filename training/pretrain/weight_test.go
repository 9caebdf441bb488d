package pretrain

import (
	"image"
	"image/color"
	"testing"

	"dualprocess/training/world"
)

func TestWeightMapMarksTheSunAndObjects(t *testing.T) {
	tr := world.Truth{Sun: &world.SunTruth{Kind: "sun", X: 10, Y: 12, Radius: 3},
		Objects: []world.ObjectTruth{{Kind: "tree", Box: [4]float64{40, 30, 44, 38}}}}
	w := weightMap(tr, nil, 4)
	at := func(x, y int) float32 { return w[y*world.Size+x] }
	for _, c := range []struct {
		x, y int
		want float32
	}{
		{10, 12, 5}, {7, 9, 5}, {6, 8, 5}, {13, 15, 5}, {14, 12, 1}, // the box of the disc (pixels 7..12), grown by a pixel
		{42, 34, 5}, {39, 29, 5}, {44, 38, 5}, {45, 34, 1}, {42, 40, 1},
		{30, 50, 1}, {0, 0, 1},
	} {
		if got := at(c.x, c.y); got != c.want {
			t.Errorf("weight at (%d, %d) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
	if wt := weightTensor([]world.Truth{tr, {}}, []*image.RGBA{nil, nil}, 4); wt.Shape()[0] != 2 || wt.Shape()[1] != 3 {
		t.Fatalf("weight tensor shape %v", wt.Shape())
	} else if d := wt.Data().([]float32); d[2*world.Size*world.Size+12*world.Size+10] != 5 || d[3*world.Size*world.Size+12*world.Size+10] != 1 {
		t.Fatal("weight tensor: blue plane of image 0 or red plane of image 1 is wrong")
	}
}

func TestWeightMapMarksRareColours(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, world.Size, world.Size))
	sky, cloud := color.RGBA{100, 150, 250, 255}, color.RGBA{240, 240, 240, 255}
	for y := range world.Size {
		for x := range world.Size {
			img.SetRGBA(x, y, sky)
		}
	}
	img.SetRGBA(5, 5, cloud)
	img.SetRGBA(6, 5, color.RGBA{238, 242, 240, 255}) // within 3 of the cloud colour
	img.SetRGBA(7, 5, color.RGBA{230, 240, 240, 255}) // not
	tr := world.Truth{Palette: []world.PaletteEntry{{Name: "sky", Hex: "#6496fa", Coverage: 0.97}, {Name: "cloud", Hex: "#f0f0f0", Coverage: 0.03}}}
	w := weightMap(tr, img, 2)
	for _, c := range []struct {
		x    int
		want float32
	}{{5, 3}, {6, 3}, {7, 1}, {8, 1}} {
		if got := w[5*world.Size+c.x]; got != c.want {
			t.Errorf("weight at (%d, 5) = %v, want %v", c.x, got, c.want)
		}
	}
}
