package model

import "testing"

// cellMask draws cells (y, x) for which on(y, x) holds.
func cellMask(on func(y, x int) bool) []float64 {
	m := make([]float64, regionCells*regionCells)
	for y := 0; y < regionCells; y++ {
		for x := 0; x < regionCells; x++ {
			if on(y, x) {
				m[y*regionCells+x] = 1
			}
		}
	}
	return m
}

func TestRegionMasksOfALine(t *testing.T) {
	line := cellMask(func(y, x int) bool { return y == 8 })
	rs := regionMasks(line, make([][]float64, len(Regions)))
	at := func(r string, y, x int) float64 {
		for i, name := range Regions {
			if name == r {
				return rs[i][y*regionCells+x]
			}
		}
		t.Fatalf("no region %q", r)
		return 0
	}
	for _, c := range []struct {
		region string
		y      int
		want   float64
	}{
		{"at", 7, 1}, {"at", 8, 1}, {"at", 9, 1}, {"at", 5, 0},
		{"above", 7, 1}, {"above", 6, 1}, {"above", 5, 0}, {"above", 8, 0}, {"above", 9, 0},
		{"below", 9, 1}, {"below", 10, 1}, {"below", 11, 0}, {"below", 7, 0},
		{"left", 8, 0}, {"right", 8, 0}, {"inside", 3, 0}, {"inside", 12, 0},
	} {
		if got := at(c.region, c.y, 5); got != c.want {
			t.Errorf("%s at row %d: %v, want %v", c.region, c.y, got, c.want)
		}
	}
}

func TestRegionMasksInsideABox(t *testing.T) {
	box := cellMask(func(y, x int) bool {
		return (y == 3 || y == 10) && x >= 4 && x <= 12 || (x == 4 || x == 12) && y >= 3 && y <= 10
	})
	rs := regionMasks(box, make([][]float64, len(Regions)))
	inside := rs[len(Regions)-1]
	var n int
	for y := 0; y < regionCells; y++ {
		for x := 0; x < regionCells; x++ {
			want := y > 3 && y < 10 && x > 4 && x < 12
			if got := inside[y*regionCells+x] == 1; got != want {
				t.Errorf("inside(%d, %d) = %v, want %v", y, x, got, want)
			}
			if want {
				n++
			}
		}
	}
	if n != 6*7 {
		t.Fatalf("test box encloses %d cells", n)
	}
	open := cellMask(func(y, x int) bool { return y == 3 && x >= 4 && x <= 12 || x == 4 && y >= 3 && y <= 10 })
	for k, v := range regionMasks(open, make([][]float64, len(Regions)))[len(Regions)-1] {
		if v != 0 {
			t.Fatalf("an open corner encloses cell %d", k)
		}
	}
}
