package model

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Adam is AdamW with the gradient norm of the whole parameter group clipped,
// as the method prescribes, done in one pass over the raw slices (gorgonia's
// AdamSolver clips element-wise and costs ~20 ms a step on the generator).
// It reads the gradients a machine built with NewTrainMachine accumulated in
// the parameters' dual values, updates the values in place and zeroes the
// gradients.
type Adam struct {
	LR          float64 // learning rate
	Beta1       float64
	Beta2       float64
	Eps         float64
	WeightDecay float64 // decoupled (AdamW); 0 is plain Adam
	ClipNorm    float64 // clip the group's global gradient norm to this; 0 disables
	// Anchor decays each weight towards its value at the first step (L2-SP,
	// decoupled like WeightDecay): fine-tuning keeps near where it started.
	Anchor float64

	t     int
	state map[*G.Node]*adamState
}

type adamState struct{ m, v, w0 any } // []float32 or []float64, like the parameter; w0 nil without an anchor

// NewAdam returns AdamW with the usual betas, eps 1e-8, no weight decay and no clipping.
func NewAdam(lr float64) *Adam {
	return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

// Step applies one update to params and returns the gradient norm before clipping.
func (a *Adam) Step(params G.Nodes) (gradNorm float64, err error) {
	if a.state == nil {
		a.state = map[*G.Node]*adamState{}
	}
	type pair struct {
		w, g *tensor.Dense
		s    *adamState
	}
	pairs := make([]pair, len(params))
	var sq float64
	for i, n := range params {
		gv, err := n.Grad()
		if err != nil {
			return 0, fmt.Errorf("adam: %s has no gradient: %w", n.Name(), err)
		}
		w, wok := n.Value().(*tensor.Dense)
		g, gok := gv.(*tensor.Dense)
		if !wok || !gok || w.Dtype() != g.Dtype() || w.Shape().TotalSize() != g.Shape().TotalSize() {
			return 0, fmt.Errorf("adam: %s: value and gradient are not matching tensors", n.Name())
		}
		s := a.state[n]
		if s == nil {
			switch w.Dtype() {
			case tensor.Float32:
				s = &adamState{m: make([]float32, w.Shape().TotalSize()), v: make([]float32, w.Shape().TotalSize())}
			case tensor.Float64:
				s = &adamState{m: make([]float64, w.Shape().TotalSize()), v: make([]float64, w.Shape().TotalSize())}
			default:
				return 0, fmt.Errorf("adam: %s: dtype %v", n.Name(), w.Dtype())
			}
			if a.Anchor > 0 {
				s.w0 = cloneSlice(w.Data())
			}
			a.state[n] = s
		}
		switch g := g.Data().(type) {
		case []float32:
			sq += sumSquares(g)
		case []float64:
			sq += sumSquares(g)
		}
		pairs[i] = pair{w, g, s}
	}
	gradNorm = math.Sqrt(sq)
	scale := 1.0
	if a.ClipNorm > 0 && gradNorm > a.ClipNorm {
		scale = a.ClipNorm / (gradNorm + 1e-6)
	}
	a.t++
	c1 := 1 - math.Pow(a.Beta1, float64(a.t))
	c2 := 1 - math.Pow(a.Beta2, float64(a.t))
	// Update in chunks spread over the cores.
	const chunk = 1 << 15
	type span struct {
		p      pair
		lo, hi int
	}
	var spans []span
	for _, p := range pairs {
		n := p.w.Shape().TotalSize()
		for lo := 0; lo < n; lo += chunk {
			spans = append(spans, span{p, lo, min(lo+chunk, n)})
		}
	}
	parallel(len(spans), func(_, i int) {
		sp := spans[i]
		switch w := sp.p.w.Data().(type) {
		case []float32:
			adamUpdate(a, w[sp.lo:sp.hi], sp.p.g.Data().([]float32)[sp.lo:sp.hi],
				sp.p.s.m.([]float32)[sp.lo:sp.hi], sp.p.s.v.([]float32)[sp.lo:sp.hi], anchorOf[float32](sp.p.s, sp.lo, sp.hi), scale, c1, c2)
		case []float64:
			adamUpdate(a, w[sp.lo:sp.hi], sp.p.g.Data().([]float64)[sp.lo:sp.hi],
				sp.p.s.m.([]float64)[sp.lo:sp.hi], sp.p.s.v.([]float64)[sp.lo:sp.hi], anchorOf[float64](sp.p.s, sp.lo, sp.hi), scale, c1, c2)
		}
	})
	return gradNorm, nil
}

func sumSquares[T float](g []T) float64 {
	var s float64
	for _, v := range g {
		s += float64(v) * float64(v)
	}
	return s
}

// anchorOf is the span lo:hi of a parameter's anchor, or nil.
func anchorOf[T float](s *adamState, lo, hi int) []T {
	if s.w0 == nil {
		return nil
	}
	return s.w0.([]T)[lo:hi]
}

func cloneSlice(d any) any {
	switch d := d.(type) {
	case []float32:
		return append([]float32(nil), d...)
	case []float64:
		return append([]float64(nil), d...)
	}
	return nil
}

func adamUpdate[T float](a *Adam, w, g, m, v, w0 []T, scale, c1, c2 float64) {
	b1, b2 := T(a.Beta1), T(a.Beta2)
	sc := T(scale)
	lr1 := T(a.LR / c1)         // step size with the first-moment correction folded in
	ic2 := T(1 / math.Sqrt(c2)) // sqrt of the second-moment correction
	eps, decay := T(a.Eps), T(1-a.LR*a.WeightDecay)
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	for i := range w {
		gi := g[i] * sc
		m[i] = b1*m[i] + (1-b1)*gi
		v[i] = b2*v[i] + (1-b2)*gi*gi
		w[i] = w[i]*decay - lr1*m[i]/(T(math.Sqrt(float64(v[i])))*ic2+eps)
		g[i] = 0
	}
	if w0 != nil {
		k := T(a.LR * a.Anchor)
		for i := range w {
			w[i] -= k * (w[i] - w0[i])
		}
	}
}
