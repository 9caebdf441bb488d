package model

// The rater reads its image features in regions placed relative to the
// visual prompt: at the drawing, in the bands just above, below, left and
// right of it, and inside the area it encloses. With them, "is the horizon
// above the red line" is a comparison of what lies above the line with
// what lies below it, which a few dense weights can learn, rather than a
// relation a conv net must discover from global pools.

// Regions names the regions, in the order of RaterNet.Regions.
var Regions = []string{"at", "above", "below", "left", "right", "inside"}

const regionCells = 16 // side of the feature map the regions pool

// regionMasks turns a drawing's cell mask (regionCells^2, 0..1, each cell
// the drawing's maximum there) into the Regions' masks, appended to out.
func regionMasks(coarse []float64, out [][]float64) [][]float64 {
	const n = regionCells
	at := func(y, x int) float64 {
		if y < 0 || y >= n || x < 0 || x >= n {
			return 0
		}
		return coarse[y*n+x]
	}
	masks := make([][]float64, len(Regions))
	for r := range masks {
		masks[r] = make([]float64, n*n)
	}
	inside := enclosed(coarse)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			var grown float64
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					grown = max(grown, at(y+dy, x+dx))
				}
			}
			k := y*n + x
			self := at(y, x)
			band := func(dy, dx int) float64 { // a band two cells wide beside the drawing, off the drawing itself
				return max(at(y+dy, x+dx), at(y+2*dy, x+2*dx)) * (1 - self)
			}
			masks[0][k] = grown
			masks[1][k] = band(1, 0) // cell y is above a drawn cell at y+1 or y+2
			masks[2][k] = band(-1, 0)
			masks[3][k] = band(0, 1)
			masks[4][k] = band(0, -1)
			if inside[k] {
				masks[5][k] = 1
			}
		}
	}
	for r := range masks {
		out[r] = append(out[r], masks[r]...)
	}
	return out
}

// enclosed marks the cells the drawing closes in: those a walk from the
// border through undrawn cells (mask < 0.5) cannot reach, not drawn themselves.
func enclosed(coarse []float64) []bool {
	const n = regionCells
	reached := make([]bool, n*n)
	var stack []int
	visit := func(y, x int) {
		if y < 0 || y >= n || x < 0 || x >= n {
			return
		}
		k := y*n + x
		if reached[k] || coarse[k] >= 0.5 {
			return
		}
		reached[k] = true
		stack = append(stack, k)
	}
	for i := 0; i < n; i++ {
		visit(0, i)
		visit(n-1, i)
		visit(i, 0)
		visit(i, n-1)
	}
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		y, x := k/n, k%n
		visit(y-1, x)
		visit(y+1, x)
		visit(y, x-1)
		visit(y, x+1)
	}
	in := make([]bool, n*n)
	for k := range in {
		in[k] = !reached[k] && coarse[k] < 0.5
	}
	return in
}
