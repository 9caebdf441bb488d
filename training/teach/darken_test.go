package teach

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dualprocess/model"
)

// The darkening penalty counts a pixel only by how far its luma falls below
// both DarkFloor and the base image's luma: a black blob where the base was
// bright costs, an outline the base drew as dark does not, and a green tree
// does not; its gradient lightens just the blob.
func TestDarkeningPenalisesOnlyNewBlack(t *testing.T) {
	const w = 100
	// three pixels, channel-major (1, 3, 1, 3): blob, outline, green tree
	adapted := []float64{0, 0.06, 0.1, 0, 0.06, 0.4, 0, 0.06, 0.1}
	base := []float32{0.8, 0.05, 0.6, 0.8, 0.05, 0.7, 0.8, 0.05, 0.9}
	g := G.NewGraph()
	img := G.NewTensor(g, tensor.Float64, 4, G.WithShape(1, 3, 1, 3), G.WithName("img"),
		G.WithValue(tensor.New(tensor.WithShape(1, 3, 1, 3), tensor.WithBacking(adapted))))
	s := &session{task: &Task{Train: Train{Darken: w}}, net: &model.Net{Image: img}, total: G.NewConstant(0.0)}
	if err := s.addDarkening(); err != nil {
		t.Fatal(err)
	}
	if err := s.bindDarkFloor(base); err != nil {
		t.Fatal(err)
	}
	grads, err := G.Grad(s.total, img)
	if err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	if got, want := s.total.Value().Data().(float64), w*DarkFloor/3; math.Abs(got-want) > 1e-12 {
		t.Errorf("penalty %g, want %g (the blob's %g below the floor, over 3 pixels)", got, want, DarkFloor)
	}
	grad := grads[0].Value().Data().([]float64)
	for c, lw := range lumaWeights {
		for p := range 3 {
			want := 0.0
			if p == 0 {
				want = -w * lw / 3
			}
			if got := grad[c*3+p]; math.Abs(got-want) > 1e-12 {
				t.Errorf("gradient at channel %d, pixel %d: %g, want %g", c, p, got, want)
			}
		}
	}
}
