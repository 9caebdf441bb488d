package model

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// AdamState is the optimiser's position, so that a training run can be
// saved and resumed exactly: the step count and each float32 parameter's
// first and second moments, by node name, and with an anchor (Adam.Anchor)
// the weights it pulls back to (W0; nil without one).
type AdamState struct {
	T    int
	M, V map[string][]float32
	W0   map[string][]float32
}

// State copies the moments of params (float32 parameters only). A parameter
// that has not been stepped yet has zero moments.
func (a *Adam) State(params G.Nodes) (AdamState, error) {
	s := AdamState{T: a.t, M: map[string][]float32{}, V: map[string][]float32{}}
	for _, n := range params {
		size := n.Shape().TotalSize()
		m, v := make([]float32, size), make([]float32, size)
		if st := a.state[n]; st != nil {
			sm, ok1 := st.m.([]float32)
			sv, ok2 := st.v.([]float32)
			if !ok1 || !ok2 {
				return AdamState{}, fmt.Errorf("adam state: %s is not float32", n.Name())
			}
			copy(m, sm)
			copy(v, sv)
			if w0, ok := st.w0.([]float32); ok {
				if s.W0 == nil {
					s.W0 = map[string][]float32{}
				}
				s.W0[n.Name()] = append([]float32(nil), w0...)
			}
		}
		s.M[n.Name()], s.V[n.Name()] = m, v
	}
	return s, nil
}

// SetState restores moments saved by State onto params (matched by name and size).
func (a *Adam) SetState(params G.Nodes, s AdamState) error {
	if s.T < 0 {
		return fmt.Errorf("adam state: step %d", s.T)
	}
	state := map[*G.Node]*adamState{}
	for _, n := range params {
		if w, ok := n.Value().(*tensor.Dense); !ok || w.Dtype() != tensor.Float32 {
			return fmt.Errorf("adam state: %s is not a float32 tensor", n.Name())
		}
		m, v := s.M[n.Name()], s.V[n.Name()]
		size := n.Shape().TotalSize()
		if len(m) != size || len(v) != size {
			return fmt.Errorf("adam state: %s has moments of %d and %d values, want %d", n.Name(), len(m), len(v), size)
		}
		st := &adamState{m: append([]float32(nil), m...), v: append([]float32(nil), v...)}
		if w0, ok := s.W0[n.Name()]; ok {
			if len(w0) != size {
				return fmt.Errorf("adam state: %s has %d anchor values, want %d", n.Name(), len(w0), size)
			}
			st.w0 = append([]float32(nil), w0...)
		} else if a.Anchor > 0 {
			return fmt.Errorf("adam state: %s has no anchor weights, and the anchor is %v", n.Name(), a.Anchor)
		}
		state[n] = st
	}
	a.t, a.state = s.T, state
	return nil
}
