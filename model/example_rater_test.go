package model_test

import (
	"fmt"
	"math"

	"dualprocess/model"
	"dualprocess/training/visual"
	"dualprocess/training/vqa"
	"dualprocess/training/world"

	G "gorgonia.org/gorgonia"
)

// Teaching: the rater is built on the generator's image node with a visual
// prompt; its weights are frozen (not Train), so only the adapter gets
// gradients of the cross-entropy -log p(desired answer).
func ExampleRater_Build_teach() {
	gen, _ := model.NewGenerator(model.DefaultConfig(), 1)
	rater, _ := model.NewRater(model.DefaultRaterConfig(), vqa.Words(), vqa.Answers, 1) // or model.DecodeRater(assets.Rater, ...)
	adapter, _ := gen.NewAdapter(4, 4, nil, 7)

	g := G.NewGraph()
	net, _ := gen.Build(g, model.Options{Batch: 1, Adapters: []model.Active{{Adapter: adapter, Weight: 5, Train: true}}})
	vlm, _ := rater.Build(g, model.RaterOptions{Batch: 1, Image: net.Image}) // frozen weights
	line := visual.NewCanvas(64)
	visual.HLine(line, visual.Red, 40, 1.5)
	overlay, _ := visual.NewOverlay(line, visual.Solid)
	vlm.SetOverlays([]*visual.Overlay{overlay})
	vlm.SetQuestions([]string{"Is the horizon at the red line? " + vqa.YesNoSuffix})
	vlm.SetAnswers([]string{"yes"})

	vm, _ := model.NewTrainMachine(vlm.Loss, net.Params) // Loss = mean of -LogP
	defer vm.Close()
	net.SetInputs([]world.Prompt{world.MustParsePrompt("lake at noon")}, [][]float64{world.Noise(3)})
	if err := vm.RunAll(); err != nil {
		panic(err)
	}
	p := math.Exp(float64(vlm.LogP.Value().Data().([]float32)[0]))
	fmt.Println("probability in (0, 1):", p > 0 && p < 1, "| only the adapter trains:", len(net.Params) == 2*len(adapter.Config.TargetModules) && len(vlm.Params) == 0)
	// Output: probability in (0, 1): true | only the adapter trains: true
}
