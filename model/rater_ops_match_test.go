package model

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// matchMasks are two images' masks on 3x4 cells: the bottom row drawn, the
// top two rows image; the second image has no drawing.
func matchMasks() (drawn, image *tensor.Dense) {
	drawn, d := newDense[float64](2, 1, 3, 4)
	image, m := newDense[float64](2, 1, 3, 4)
	for c := 0; c < 12; c++ {
		if c >= 8 {
			d[c] = 0.8
		} else {
			m[c], m[12+c] = 1, 1
		}
	}
	return drawn, image
}

func TestMatchGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	drawn, image := matchMasks()
	gradCheck(t, []*tensor.Dense{randDense(r, 2, 4, 3, 4), randDense(r, 2, 4, 3, 4)}, func(in G.Nodes) (*G.Node, error) {
		g := in[0].Graph()
		return Match(in[0], in[1], G.NodeFromAny(g, drawn, G.WithName("drawn")), G.NodeFromAny(g, image, G.WithName("image")), 2)
	})
}

// Match's values follow their definition: for each head the mean and the
// minimum over drawn cells of the best score over image cells, then the
// same the other way round; zeros for an image with nothing drawn.
func TestMatchMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 9))
	q, k := randDense(r, 2, 6, 3, 4), randDense(r, 2, 6, 3, 4)
	drawn, image := matchMasks()
	g := G.NewGraph()
	node := func(t *tensor.Dense, name string) *G.Node { return G.NodeFromAny(g, t, G.WithName(name)) }
	out, err := Match(node(q, "q"), node(k, "k"), node(drawn, "drawn"), node(image, "image"), 3)
	if err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	got := out.Value().Data().([]float64)
	qd, kd := q.Data().([]float64), k.Data().([]float64)
	const heads, dim, p = 3, 2, 12
	for h := 0; h < heads; h++ {
		score := func(a, b int) float64 {
			var v float64
			for d := 0; d < dim; d++ {
				v += qd[(h*dim+d)*p+a] * kd[(h*dim+d)*p+b]
			}
			return v / math.Sqrt(dim)
		}
		var want [4]float64
		want[1], want[3] = math.Inf(1), math.Inf(1)
		for a := 8; a < 12; a++ {
			best := math.Inf(-1)
			for b := 0; b < 8; b++ {
				best = math.Max(best, score(a, b))
			}
			want[0] += best / 4
			want[1] = math.Min(want[1], best)
		}
		for b := 0; b < 8; b++ {
			best := math.Inf(-1)
			for a := 8; a < 12; a++ {
				best = math.Max(best, score(a, b))
			}
			want[2] += best / 8
			want[3] = math.Min(want[3], best)
		}
		for o, w := range want {
			if v := got[h*MatchOutputs+o]; math.Abs(v-w) > 1e-12 {
				t.Errorf("head %d output %d: got %v, want %v", h, o, v, w)
			}
		}
	}
	for o, v := range got[heads*MatchOutputs:] {
		if v != 0 {
			t.Errorf("image without a drawing: output %d is %v, want 0", o, v)
		}
	}
}
