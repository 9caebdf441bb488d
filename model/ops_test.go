package model

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func randDense(r *rand.Rand, shape ...int) *tensor.Dense {
	t, d := newDense[float64](shape...)
	for i := range d {
		d[i] = r.NormFloat64()
		if math.Abs(d[i]) < 0.05 { // keep clear of the leaky ReLU kink
			d[i] += 0.1
		}
	}
	return t
}

// gradCheck builds f over float64 inputs, takes loss = sum(f(inputs) * R) for
// a fixed random R, and compares the symbolic gradient of every input with
// central finite differences of the same graph.
func gradCheck(t *testing.T, inputs []*tensor.Dense, f func(in G.Nodes) (*G.Node, error)) {
	t.Helper()
	g := G.NewGraph()
	nodes := make(G.Nodes, len(inputs))
	for i, in := range inputs {
		nodes[i] = G.NodeFromAny(g, in, G.WithName(string(rune('a'+i))))
	}
	out, err := f(nodes)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 7))
	R := G.NodeFromAny(g, randDense(r, out.Shape()...), G.WithName("R"))
	prod, _ := G.HadamardProd(out, R)
	loss, _ := G.Sum(prod)
	if _, err := G.Grad(loss, nodes...); err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(g, G.BindDualValues(nodes...))
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	analytic := make([][]float64, len(nodes))
	for i, n := range nodes {
		gv, err := n.Grad()
		if err != nil {
			t.Fatal(err)
		}
		analytic[i] = append([]float64(nil), gv.Data().([]float64)...)
	}
	lossAt := func() float64 {
		m.Reset()
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		return loss.Value().Data().(float64)
	}
	const eps = 1e-6
	for i, in := range inputs {
		d := in.Data().([]float64)
		worst := 0.0
		for j := range d {
			old := d[j]
			d[j] = old + eps
			lp := lossAt()
			d[j] = old - eps
			lm := lossAt()
			d[j] = old
			num := (lp - lm) / (2 * eps)
			rel := math.Abs(num-analytic[i][j]) / math.Max(1e-6, math.Abs(num)+math.Abs(analytic[i][j]))
			worst = math.Max(worst, rel)
			if rel > 1e-6 {
				t.Errorf("input %d[%d]: analytic %.10g, numeric %.10g", i, j, analytic[i][j], num)
				return
			}
		}
		t.Logf("input %d %v: worst relative error %.2g", i, in.Shape(), worst)
	}
}

func TestConvGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, k := range []int{1, 3, 5} {
		x, w, b := randDense(r, 2, 3, 5, 4), randDense(r, 4, 3, k, k), randDense(r, 4)
		gradCheck(t, []*tensor.Dense{x, w, b}, func(in G.Nodes) (*G.Node, error) {
			return Conv2d(in[0], in[1], in[2])
		})
	}
}

func TestConvNoBiasGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 5))
	for _, shape := range [][]int{{2, 3, 4, 5}, {3, 3, 1, 1}} {
		k := 3
		if shape[2] == 1 {
			k = 1
		}
		x, w := randDense(r, shape...), randDense(r, 2, 3, k, k)
		gradCheck(t, []*tensor.Dense{x, w}, func(in G.Nodes) (*G.Node, error) {
			return Conv2d(in[0], in[1], nil)
		})
	}
}

func TestDenseConvGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 3))
	x, w, b := randDense(r, 3, 5, 1, 1), randDense(r, 4, 5, 1, 1), randDense(r, 4)
	gradCheck(t, []*tensor.Dense{x, w, b}, func(in G.Nodes) (*G.Node, error) {
		return Conv2d(in[0], in[1], in[2])
	})
}

func TestSmallMapConvGrad(t *testing.T) { // kernel wider than the map
	r := rand.New(rand.NewPCG(1, 4))
	x, w, b := randDense(r, 2, 2, 2, 1), randDense(r, 3, 2, 5, 5), randDense(r, 3)
	gradCheck(t, []*tensor.Dense{x, w, b}, func(in G.Nodes) (*G.Node, error) {
		return Conv2d(in[0], in[1], in[2])
	})
}

func TestUpsampleGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	gradCheck(t, []*tensor.Dense{randDense(r, 2, 3, 3, 4)}, func(in G.Nodes) (*G.Node, error) {
		return Upsample2x(in[0])
	})
}

func TestDepthToSpaceGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	gradCheck(t, []*tensor.Dense{randDense(r, 2, 8, 3, 4)}, func(in G.Nodes) (*G.Node, error) {
		return DepthToSpace2(in[0])
	})
}

func TestDepthToSpaceMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 14))
	x := randDense(r, 2, 8, 3, 4)
	got, _ := d2s[float64]([]*tensor.Dense{x})
	y := got.(*tensor.Dense)
	if !y.Shape().Eq(tensor.Shape{2, 2, 6, 8}) {
		t.Fatalf("shape %v", y.Shape())
	}
	for i := 0; i < 2; i++ {
		for c := 0; c < 2; c++ {
			for yy := 0; yy < 6; yy++ {
				for xx := 0; xx < 8; xx++ {
					a, _ := y.At(i, c, yy, xx)
					b, _ := x.At(i, 4*c+2*(yy%2)+xx%2, yy/2, xx/2)
					if a != b {
						t.Fatalf("out[%d,%d,%d,%d] = %v, want %v", i, c, yy, xx, a, b)
					}
				}
			}
		}
	}
	back, _ := s2d[float64]([]*tensor.Dense{y})
	if !slices.Equal(back.Data().([]float64), x.Data().([]float64)) {
		t.Error("space to depth does not invert depth to space")
	}
}

func TestSigmoid(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 7))
	x := randDense(r, 2, 3, 4)
	gradCheck(t, []*tensor.Dense{x}, func(in G.Nodes) (*G.Node, error) { return Sigmoid(in[0]) })
	y, _ := sigmoid[float64]([]*tensor.Dense{x})
	for i, v := range x.Data().([]float64) {
		if want := 1 / (1 + math.Exp(-v)); math.Abs(y.Data().([]float64)[i]-want) > 1e-15 {
			t.Fatalf("sigmoid(%v) = %v, want %v", v, y.Data().([]float64)[i], want)
		}
	}
}

func TestLeakyReLUGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	gradCheck(t, []*tensor.Dense{randDense(r, 2, 3, 4, 4)}, func(in G.Nodes) (*G.Node, error) {
		return LeakyReLU(in[0], 0.2)
	})
}

func TestOpsChainGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	in := []*tensor.Dense{randDense(r, 2, 2, 3, 3), randDense(r, 3, 2, 3, 3), randDense(r, 3), randDense(r, 2, 3, 3, 3), randDense(r, 2)}
	gradCheck(t, in, func(n G.Nodes) (*G.Node, error) {
		h, err := Conv2d(n[0], n[1], n[2])
		if err != nil {
			return nil, err
		}
		h, _ = LeakyReLU(h, 0.2)
		h, _ = Upsample2x(h)
		return Conv2d(h, n[3], n[4])
	})
}

// naiveConv is the textbook definition the fast path must match.
func naiveConv(x, w, b *tensor.Dense) []float64 {
	xs, ws := x.Shape(), w.Shape()
	n, cin, h, wd, cout, k := xs[0], xs[1], xs[2], xs[3], ws[0], ws[2]
	xd, wdata, bd := x.Data().([]float64), w.Data().([]float64), b.Data().([]float64)
	out := make([]float64, n*cout*h*wd)
	p := k / 2
	for i := 0; i < n; i++ {
		for co := 0; co < cout; co++ {
			for y := 0; y < h; y++ {
				for xx := 0; xx < wd; xx++ {
					s := bd[co]
					for ci := 0; ci < cin; ci++ {
						for ky := 0; ky < k; ky++ {
							for kx := 0; kx < k; kx++ {
								sy, sx := y+ky-p, xx+kx-p
								if sy < 0 || sy >= h || sx < 0 || sx >= wd {
									continue
								}
								s += xd[((i*cin+ci)*h+sy)*wd+sx] * wdata[((co*cin+ci)*k+ky)*k+kx]
							}
						}
					}
					out[((i*cout+co)*h+y)*wd+xx] = s
				}
			}
		}
	}
	return out
}

func TestConvMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 11))
	for _, k := range []int{1, 3, 5} {
		for _, hw := range [][2]int{{6, 7}, {1, 1}} {
			x, w, b := randDense(r, 3, 2, hw[0], hw[1]), randDense(r, 5, 2, k, k), randDense(r, 5)
			got, err := convForward[float64]([]*tensor.Dense{x, w, b})
			if err != nil {
				t.Fatal(err)
			}
			want := naiveConv(x, w, b)
			for i, v := range got.Data().([]float64) {
				if math.Abs(v-want[i]) > 1e-12 {
					t.Fatalf("k=%d %v: out[%d] = %v, want %v", k, hw, i, v, want[i])
				}
			}
		}
	}
}

func TestUpsampleMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 13))
	x := randDense(r, 2, 3, 4, 5)
	got, _ := upForward[float64]([]*tensor.Dense{x})
	y := got.(*tensor.Dense)
	for i := 0; i < 2; i++ {
		for c := 0; c < 3; c++ {
			for yy := 0; yy < 8; yy++ {
				for xx := 0; xx < 10; xx++ {
					a, _ := y.At(i, c, yy, xx)
					b, _ := x.At(i, c, yy/2, xx/2)
					if a != b {
						t.Fatalf("out[%d,%d,%d,%d] = %v, want %v", i, c, yy, xx, a, b)
					}
				}
			}
		}
	}
}
