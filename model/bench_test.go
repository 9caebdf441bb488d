package model

import (
	"fmt"
	"testing"

	"dualprocess/training/world"

	G "gorgonia.org/gorgonia"
)

// Run: go test ./model -run '^$' -bench 'Forward1|Step8' -count 5 | tee bench.txt ; benchstat bench.txt
// (cpu-ms/op counts both cores; on a busy machine it is steadier than ns/op)

func benchBatch(n int) ([]world.Prompt, [][]float64) {
	ps, zs := make([]world.Prompt, n), make([][]float64, n)
	for i := range ps {
		ps[i] = testPrompts[i%len(testPrompts)]
		zs[i] = world.Noise(int64(i))
	}
	return ps, zs
}

// BenchmarkForward1 draws one image with a kept Sampler.
func BenchmarkForward1(b *testing.B) {
	gen := mustGen(b, DefaultConfig(), 1)
	s, err := gen.NewSampler(1)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ps, zs := benchBatch(1)
	defer reportCPU(b)()
	for b.Loop() {
		if _, err := s.Generate(ps, zs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerate1 is Generator.Generate: build, compile and run a batch-1
// graph with one adapter (what changing an adapter weight in the UI costs).
func BenchmarkGenerate1(b *testing.B) {
	gen := mustGen(b, DefaultConfig(), 1)
	a, err := gen.NewAdapter(16, 16, nil, 2)
	if err != nil {
		b.Fatal(err)
	}
	defer reportCPU(b)()
	for b.Loop() {
		if _, err := gen.Generate(testPrompts[0], 1, Active{Adapter: a, Weight: 2}); err != nil {
			b.Fatal(err)
		}
	}
}

// reportCPU adds the CPU time per op (both cores together) to the benchmark
// output: on a shared machine it varies less than the wall time.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
		}
	}
}

// benchStep times forward + backward + Adam on an MSE loss against fixed targets.
func benchStep(b *testing.B, cfg Config, batch int, adapter bool) {
	gen := mustGen(b, cfg, 1)
	opt := Options{Batch: batch, TrainBase: !adapter}
	if adapter {
		a, err := gen.NewAdapter(16, 16, nil, 2)
		if err != nil {
			b.Fatal(err)
		}
		opt.Adapters = []Active{{Adapter: a, Weight: 5, Train: true}}
	}
	g := G.NewGraph()
	net, err := gen.Build(g, opt)
	if err != nil {
		b.Fatal(err)
	}
	target, _ := ImagesTensor(renderless(batch))
	tn := G.NodeFromAny(g, target, G.WithName("target"))
	loss := G.Must(G.Mean(G.Must(G.Square(G.Must(G.Sub(net.Image, tn))))))
	m, err := NewTrainMachine(loss, net.Params)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	solver := NewAdam(1e-3)
	ps, zs := benchBatch(batch)
	defer reportCPU(b)()
	for b.Loop() {
		if err := net.SetInputs(ps, zs); err != nil {
			b.Fatal(err)
		}
		m.Reset()
		if err := m.RunAll(); err != nil {
			b.Fatal(err)
		}
		if _, err := solver.Step(net.Params); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrainStep8 is one pretraining step (all base weights) at batch 8.
func BenchmarkTrainStep8(b *testing.B) { benchStep(b, DefaultConfig(), 8, false) }

// BenchmarkAdapterStep8 is one adapter step (rank 16 on every layer, base frozen) at batch 8.
func BenchmarkAdapterStep8(b *testing.B) { benchStep(b, DefaultConfig(), 8, true) }

// BenchmarkVariants compares the upsampling choices and RGB kernels (pretraining step, batch 8).
func BenchmarkVariants(b *testing.B) {
	for _, up := range []string{"nearest", "subpixel"} {
		for _, k := range []int{3, 1} {
			cfg := DefaultConfig()
			cfg.Upsample, cfg.RGBKernel = up, k
			b.Run(fmt.Sprintf("%s-rgb%d", up, k), func(b *testing.B) { benchStep(b, cfg, 8, false) })
		}
	}
}
