package teach

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// At temperature t the loop's log-probability of an answer is that of
// softmax(logits / t); at 1 it is the rater's own.
func TestTemperedLogProbsDivideTheLogits(t *testing.T) {
	f := NewFrozenRater(tinyRater(t))
	rng := rand.New(rand.NewPCG(3, 3))
	pix := make([]float64, 2*3*64*64)
	for i := range pix {
		pix[i] = rng.Float64()
	}
	qas := []QA{{Question: "Is it night?", Answer: "yes"}, {Question: "What colour is the sky?", Answer: "pink"}}
	// run builds the rater's answers on the images into a graph of its own
	run := func(build func(images *G.Node) ([]*G.Node, error)) [][]float64 {
		g := G.NewGraph()
		images := G.NodeFromAny(g, tensor.New(tensor.WithShape(2, 3, 64, 64), tensor.WithBacking(pix)), G.WithName("images"))
		nodes, err := build(images)
		if err != nil {
			t.Fatal(err)
		}
		m := G.NewTapeMachine(g)
		defer m.Close()
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		var out [][]float64
		for _, n := range nodes {
			out = append(out, append([]float64(nil), n.Value().Data().([]float64)...))
		}
		return out
	}
	plain := run(func(images *G.Node) ([]*G.Node, error) {
		net, err := f.askAll(images, nil, qas)
		if err != nil {
			return nil, err
		}
		return []*G.Node{net.Logits, net.Target, net.LogP}, nil
	})
	logits, target, own := plain[0], plain[1], plain[2]
	at := func(temp float64) []float64 {
		return run(func(images *G.Node) ([]*G.Node, error) {
			lp, err := f.TemperedLogProbs(images, nil, qas, temp)
			return []*G.Node{lp}, err
		})[0]
	}
	got1, got3 := at(1), at(3)
	k := len(logits) / len(own)
	for i := range own {
		z, want := logits[i*k:(i+1)*k], 0.0
		var sum float64
		for a := range z {
			sum += math.Exp(z[a] / 3)
			if target[i*k+a] == 1 {
				want = z[a] / 3
			}
		}
		want -= math.Log(sum)
		if math.Abs(got3[i]-want) > 1e-9 || math.Abs(got1[i]-own[i]) > 1e-12 {
			t.Fatalf("row %d: at t=3 %.9g, want %.9g; at t=1 %.9g, the rater's own %.9g", i, got3[i], want, got1[i], own[i])
		}
		if math.Abs(got3[i]-own[i]) < 1e-6 {
			t.Fatalf("row %d: tempering changed nothing (%.9g)", i, own[i])
		}
	}
}

// A point task (one question, noise on the images) at temperature 3 once
// failed on its first step: the machine handed a pooled (4, 32, 1, 1) value
// to the images' noise Add, because the temperature was a graph constant.
func TestTemperatureThreeOnAPointTask(t *testing.T) {
	gen, rater := shipped(t)
	task, err := LoadTask("../../docs/untuned-tasks/depth-right.json")
	if err != nil {
		t.Fatal(err)
	}
	task.Train.Temperature, task.Train.Steps, task.Train.EvalSeeds = 3, 2, []int64{100}
	rep, _, err := Teach(context.Background(), task, gen, rater, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Curve) != 2 {
		t.Fatalf("%d steps reported, want 2", len(rep.Curve))
	}
}
