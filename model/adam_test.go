package model

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestAdamMatchesFormula runs two steps on f(w) = sum(c*w) and checks
// against AdamW written out by hand.
func TestAdamMatchesFormula(t *testing.T) {
	g := G.NewGraph()
	w := G.NodeFromAny(g, tensor.New(tensor.WithShape(3), tensor.WithBacking([]float64{1, -2, 3})), G.WithName("w"))
	c := G.NodeFromAny(g, tensor.New(tensor.WithShape(3), tensor.WithBacking([]float64{0.5, -1, 2})), G.WithName("c"))
	loss := G.Must(G.Sum(G.Must(G.HadamardProd(w, c))))
	m, err := NewTrainMachine(loss, G.Nodes{w})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	opt := NewAdam(0.1)
	opt.WeightDecay = 0.01
	want := []float64{1, -2, 3}
	mom, vel := make([]float64, 3), make([]float64, 3)
	grad := []float64{0.5, -1, 2}
	for step := 1; step <= 2; step++ {
		m.Reset()
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		norm, err := opt.Step(G.Nodes{w})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(norm-math.Sqrt(0.25+1+4)) > 1e-12 {
			t.Errorf("step %d: gradient norm %v", step, norm)
		}
		for i := range want {
			mom[i] = 0.9*mom[i] + 0.1*grad[i]
			vel[i] = 0.999*vel[i] + 0.001*grad[i]*grad[i]
			mh, vh := mom[i]/(1-math.Pow(0.9, float64(step))), vel[i]/(1-math.Pow(0.999, float64(step)))
			want[i] = want[i]*(1-0.1*0.01) - 0.1*mh/(math.Sqrt(vh)+1e-8)
		}
		got := w.Value().Data().([]float64)
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Fatalf("step %d: w = %v, want %v", step, got, want)
			}
		}
		gv, _ := w.Grad()
		for _, v := range gv.Data().([]float64) {
			if v != 0 {
				t.Fatal("gradient not zeroed after the step")
			}
		}
	}
}

func TestAdamClipsGroupNorm(t *testing.T) {
	g := G.NewGraph()
	a := G.NodeFromAny(g, tensor.New(tensor.WithShape(2), tensor.WithBacking([]float32{0, 0})), G.WithName("a"))
	b := G.NodeFromAny(g, tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{0})), G.WithName("b"))
	ca := G.NodeFromAny(g, tensor.New(tensor.WithShape(2), tensor.WithBacking([]float32{30, 0})), G.WithName("ca"))
	cb := G.NodeFromAny(g, tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{40})), G.WithName("cb"))
	loss := G.Must(G.Add(G.Must(G.Sum(G.Must(G.HadamardProd(a, ca)))), G.Must(G.Sum(G.Must(G.HadamardProd(b, cb))))))
	m, err := NewTrainMachine(loss, G.Nodes{a, b})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	opt := NewAdam(1e-3)
	opt.ClipNorm = 1
	opt.Beta1, opt.Beta2 = 0, 0 // plain sign-like step makes the clipped gradient visible in m
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	norm, err := opt.Step(G.Nodes{a, b})
	if err != nil || math.Abs(norm-50) > 1e-4 {
		t.Fatalf("norm %v, err %v; want 50", norm, err)
	}
	ma := opt.state[a].m.([]float32)
	mb := opt.state[b].m.([]float32)
	if math.Abs(float64(ma[0])-0.6) > 1e-5 || math.Abs(float64(mb[0])-0.8) > 1e-5 {
		t.Errorf("clipped gradients %v %v, want 0.6 and 0.8 (norm 1)", ma, mb)
	}
}

// With an anchor, a weight pushed the same way every step settles where the
// pull back to its first value (a share LR*Anchor of the distance) matches
// Adam's step (LR): (1-LR*Anchor)/Anchor from the start; without one it
// travels LR a step.
func TestAdamAnchorHoldsWeightsNearTheirStart(t *testing.T) {
	drift := func(anchor float64) []float64 {
		w, m := linearLoss(t, []float64{1, -2}, []float64{0.5, -3})
		defer m.Close()
		opt := NewAdam(0.01)
		opt.Anchor = anchor
		for range 2000 {
			m.Reset()
			if err := m.RunAll(); err != nil {
				t.Fatal(err)
			}
			if _, err := opt.Step(G.Nodes{w}); err != nil {
				t.Fatal(err)
			}
		}
		v := w.Value().Data().([]float64)
		return []float64{v[0] - 1, v[1] + 2}
	}
	free, held := drift(0), drift(10)
	for i, want := range []float64{-1, 1} { // against the gradient's sign
		if math.Abs(free[i]-20*want) > 0.5 {
			t.Errorf("weight %d without an anchor moved %v, want about %v", i, free[i], 20*want)
		}
		if math.Abs(held[i]-0.09*want) > 0.001 {
			t.Errorf("weight %d with anchor 10 moved %v, want %v", i, held[i], 0.09*want)
		}
	}
}

// A run saved with State and resumed with SetState holds to the weights it
// started from, not to those at the resume: it ends where an unbroken run
// ends. State without anchor weights cannot resume an anchored run.
func TestAdamAnchorSurvivesAResume(t *testing.T) {
	run := func(breakAt int) []float32 {
		w, m := linearLoss(t, []float32{1, -2}, []float32{0.5, -3})
		defer m.Close()
		opt := NewAdam(0.05)
		opt.Anchor = 4
		for step := range 40 {
			if step == breakAt {
				st, err := opt.State(G.Nodes{w})
				if err != nil {
					t.Fatal(err)
				}
				opt = NewAdam(0.05)
				opt.Anchor = 4
				if err := opt.SetState(G.Nodes{w}, st); err != nil {
					t.Fatal(err)
				}
				st.W0 = nil
				if err := NewAdam(0.05).SetState(G.Nodes{w}, st); err != nil {
					t.Fatalf("a state without anchor weights for an optimiser without an anchor: %v", err)
				}
				bad := NewAdam(0.05)
				bad.Anchor = 4
				if err := bad.SetState(G.Nodes{w}, st); err == nil {
					t.Error("an anchored optimiser took a state without anchor weights")
				}
			}
			m.Reset()
			if err := m.RunAll(); err != nil {
				t.Fatal(err)
			}
			if _, err := opt.Step(G.Nodes{w}); err != nil {
				t.Fatal(err)
			}
		}
		return append([]float32(nil), w.Value().Data().([]float32)...)
	}
	whole, resumed := run(-1), run(20)
	if whole[0] != resumed[0] || whole[1] != resumed[1] {
		t.Errorf("resumed run ends at %v, the unbroken one at %v", resumed, whole)
	}
	if whole[0] > 0.9 || whole[0] < 0.7 { // at rest 1 - 1/Anchor; unanchored, 40 steps of 0.05 take it to -1
		t.Errorf("anchored weight 0 at %v, want 0.7-0.9, near its start 1", whole[0])
	}
}

// linearLoss is a machine for the loss sum(c*w) and its weight node w,
// which starts at w0: its gradient is c whatever w is.
func linearLoss[T float32 | float64](t *testing.T, w0, c []T) (*G.Node, G.VM) {
	g := G.NewGraph()
	w := G.NodeFromAny(g, tensor.New(tensor.WithShape(len(w0)), tensor.WithBacking(w0)), G.WithName("w"))
	cn := G.NodeFromAny(g, tensor.New(tensor.WithShape(len(c)), tensor.WithBacking(c)), G.WithName("c"))
	loss := G.Must(G.Sum(G.Must(G.HadamardProd(w, cn))))
	m, err := NewTrainMachine(loss, G.Nodes{w})
	if err != nil {
		t.Fatal(err)
	}
	return w, m
}
