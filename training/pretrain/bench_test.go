package pretrain

import (
	"context"
	"image"
	"testing"

	"dualprocess/model"
	"dualprocess/training/world"

	G "gorgonia.org/gorgonia"
)

// BenchmarkStep is one pretraining step of the default batch: inputs,
// forward, L1 + edge loss, backward, AdamW.
func BenchmarkStep(b *testing.B) {
	cfg := DefaultConfig()
	gen, _ := model.NewGenerator(model.DefaultConfig(), 1)
	exs := make([]Example, cfg.Batch)
	for i := range exs {
		exs[i] = trainExample(1, i)
	}
	render(context.Background(), exs)
	g := G.NewGraph()
	net, err := gen.Build(g, model.Options{Batch: cfg.Batch, TrainBase: true})
	if err != nil {
		b.Fatal(err)
	}
	target := G.NewTensor(g, G.Float32, 4, G.WithShape(net.Image.Shape()...), G.WithName("target"))
	loss, err := lossNode(net.Image, target, nil, cfg.EdgeWeight, 0)
	if err != nil {
		b.Fatal(err)
	}
	vm, err := model.NewTrainMachine(loss, net.Params)
	if err != nil {
		b.Fatal(err)
	}
	defer vm.Close()
	opt := model.NewAdam(1e-4)
	ps, zs, imgs := make([]world.Prompt, cfg.Batch), make([][]float64, cfg.Batch), make([]*image.RGBA, cfg.Batch)
	for k, ex := range exs {
		ps[k], zs[k], imgs[k] = ex.Prompt, world.Noise(ex.Seed), ex.Target
	}
	for b.Loop() {
		net.SetInputs(ps, zs)
		t, _ := model.ImagesTensor(imgs)
		G.Let(target, t)
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			b.Fatal(err)
		}
		opt.Step(net.Params)
	}
}
