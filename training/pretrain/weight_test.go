package pretrain

import (
	"testing"

	"dualprocess/training/world"
)

func TestWeightMapMarksTheSunAndObjects(t *testing.T) {
	tr := world.Truth{Sun: &world.SunTruth{Kind: "sun", X: 10, Y: 12, Radius: 3},
		Objects: []world.ObjectTruth{{Kind: "tree", Box: [4]float64{40, 30, 44, 38}}}}
	w := weightMap(tr, 4)
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
	if wt := weightTensor([]world.Truth{tr, {}}, 4); wt.Shape()[0] != 2 || wt.Shape()[1] != 3 {
		t.Fatalf("weight tensor shape %v", wt.Shape())
	} else if d := wt.Data().([]float32); d[2*world.Size*world.Size+12*world.Size+10] != 5 || d[3*world.Size*world.Size+12*world.Size+10] != 1 {
		t.Fatal("weight tensor: blue plane of image 0 or red plane of image 1 is wrong")
	}
}
