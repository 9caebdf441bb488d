package model

import (
	"fmt"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Run (with nothing else busy): GOMAXPROCS=1 go test ./model -run '^$' -bench 'Rater' -count 5
// RaterImageGrad1 is what teaching pays per image and question: forward and
// backward to the image with frozen weights. RaterTrainStep is one
// pretraining step (all weights and the image gradient, Adam included).

func benchRater(b *testing.B) *Rater {
	b.Helper()
	r, err := NewRater(DefaultRaterConfig(), testRaterWords, testRaterAnswers, 1)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

func randomImages(batch int, seed uint64) *tensor.Dense {
	rng := rand.New(rand.NewPCG(seed, 1))
	t, d := newDense[float32](batch, 3, RaterSize, RaterSize)
	for i := range d {
		d[i] = rng.Float32()
	}
	return t
}

func setRaterBatch(b testing.TB, net *RaterNet, batch int) {
	b.Helper()
	qs, as := make([]string, batch), make([]string, batch)
	for i := range qs {
		qs[i], as[i] = testRaterQuestions[i%len(testRaterQuestions)], testRaterAnswers[i%2]
	}
	if err := net.SetQuestions(qs); err != nil {
		b.Fatal(err)
	}
	if err := net.SetAnswers(as); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkRaterForward1(b *testing.B) {
	r := benchRater(b)
	g := G.NewGraph()
	net, err := r.Build(g, RaterOptions{Batch: 1})
	if err != nil {
		b.Fatal(err)
	}
	setRaterBatch(b, net, 1)
	if err := net.SetImages(randomImages(1, 1)); err != nil {
		b.Fatal(err)
	}
	m := G.NewTapeMachine(g)
	defer m.Close()
	defer reportCPU(b)()
	for b.Loop() {
		m.Reset()
		if err := m.RunAll(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRaterImageGrad1(b *testing.B) {
	r := benchRater(b)
	g := G.NewGraph()
	net, err := r.Build(g, RaterOptions{Batch: 1})
	if err != nil {
		b.Fatal(err)
	}
	setRaterBatch(b, net, 1)
	if err := net.SetImages(randomImages(1, 1)); err != nil {
		b.Fatal(err)
	}
	m, err := NewTrainMachine(net.Loss, G.Nodes{net.Image})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	defer reportCPU(b)()
	for b.Loop() {
		m.Reset()
		if err := m.RunAll(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRaterTrainStep(b *testing.B) {
	for _, batch := range []int{8, 32} {
		b.Run(fmt.Sprintf("batch%d", batch), func(b *testing.B) {
			r := benchRater(b)
			g := G.NewGraph()
			net, err := r.Build(g, RaterOptions{Batch: batch, Train: true})
			if err != nil {
				b.Fatal(err)
			}
			setRaterBatch(b, net, batch)
			if err := net.SetImages(randomImages(batch, 1)); err != nil {
				b.Fatal(err)
			}
			m, err := NewTrainMachine(net.Loss, append(G.Nodes{net.Image}, net.Params...))
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close()
			opt := NewAdam(1e-3)
			defer reportCPU(b)()
			for b.Loop() {
				m.Reset()
				if err := m.RunAll(); err != nil {
					b.Fatal(err)
				}
				if _, err := opt.Step(net.Params); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/float64(batch), "ms/image")
		})
	}
}
