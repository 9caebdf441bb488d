package model_test

import (
	"fmt"
	"image"

	"dualprocess/model"
	"dualprocess/training/world"

	G "gorgonia.org/gorgonia"
)

// Pretraining: regress the generator's image onto the world's rendering of
// the same (prompt, z), all base weights trainable.
func ExampleGenerator_Build_pretrain() {
	gen, _ := model.NewGenerator(model.DefaultConfig(), 1)
	prompts := []world.Prompt{world.MustParsePrompt("sea at sunset with boat"), world.MustParsePrompt("city at night")}
	zs := [][]float64{world.Noise(1), world.Noise(2)}
	targets := make([]*image.RGBA, len(prompts))
	for i := range prompts {
		targets[i] = world.Render(world.Sample(prompts[i], zs[i])).Image
	}

	g := G.NewGraph()
	net, _ := gen.Build(g, model.Options{Batch: len(prompts), TrainBase: true})
	target := G.NewTensor(g, G.Float32, 4, G.WithShape(net.Image.Shape()...), G.WithName("target"))
	loss := G.Must(G.Mean(G.Must(G.Square(G.Must(G.Sub(net.Image, target))))))
	vm, _ := model.NewTrainMachine(loss, net.Params)
	defer vm.Close()
	opt := model.NewAdam(1e-3)

	var first, last float32
	for step := 0; step < 10; step++ {
		net.SetInputs(prompts, zs)
		t, _ := model.ImagesTensor(targets)
		G.Let(target, t)
		vm.Reset() // without it RunAll returns the previous values
		if err := vm.RunAll(); err != nil {
			panic(err)
		}
		last = loss.Value().Data().(float32)
		if step == 0 {
			first = last
		}
		opt.Step(net.Params) // updates gen.Params in place
	}
	fmt.Println("loss fell:", last < first)
	// Output: loss fell: true
}

// Teaching an adapter: only its A and B are trainable; the loss here stands
// in for the VLM's cross-entropy on the (overlaid) image.
func ExampleGenerator_Build_adapter() {
	gen, _ := model.NewGenerator(model.DefaultConfig(), 1)
	adapter, _ := gen.NewAdapter(16, 16, nil, 7) // rank 16, alpha 16, every layer
	adapter.Config.Task = []byte(`{"question":"Is the image dark?","answer":"Yes"}`)

	g := G.NewGraph()
	net, _ := gen.Build(g, model.Options{Batch: 1, Adapters: []model.Active{{Adapter: adapter, Weight: 5, Train: true}}})
	loss := G.Must(G.Mean(net.Image)) // "make it darker"
	vm, _ := model.NewTrainMachine(loss, net.Params)
	defer vm.Close()
	opt := model.NewAdam(1e-3)
	opt.ClipNorm = 1

	p := []world.Prompt{world.MustParsePrompt("hills at noon")}
	z := [][]float64{world.Noise(3)}
	var first, last float32
	for step := 0; step < 10; step++ {
		net.SetInputs(p, z)
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			panic(err)
		}
		last = loss.Value().Data().(float32)
		if step == 0 {
			first = last
		}
		opt.Step(net.Params)
	}
	before, _ := gen.Generate(p[0], 3)                                           // weight 0: the base model
	after, _ := gen.Generate(p[0], 3, model.Active{Adapter: adapter, Weight: 5}) // the adapted model
	fmt.Println("loss fell:", last < first, "| images differ:", string(before.Pix) != string(after.Pix))
	// Output: loss fell: true | images differ: true
}
