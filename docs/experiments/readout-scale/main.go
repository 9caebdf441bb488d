// Command readout-scale writes a rater with one of its path readouts
// multiplied by a factor (by default the shipped rater's colour path,
// answers.colour.weight): how much of a family's shortfall is a path
// being outvoted by the stem's paths (docs/rater/README.md, "The colour
// path read louder (session 25)"), and how loud a path may be before its
// gradients, rather than the stem's, lead a teaching run (stage 3w-b,
// "The line path read quietly (session 28)").
//
//	go run ./docs/experiments/readout-scale -by 2 -out /tmp/rk2.safetensors
//	go run ./docs/experiments/readout-scale -in 3w-a.safetensors -layer answers.line.weight -by 0.2 -out 3w-b.safetensors
package main

import (
	"flag"
	"fmt"
	"log"

	"dualprocess/assets"
	"dualprocess/model"
)

func main() {
	in := flag.String("in", "", "rater weights to read (default: the built-in ones)")
	layer := flag.String("layer", "answers.colour.weight", "the weight tensor to scale")
	by := flag.Float64("by", 2, "factor")
	out := flag.String("out", "", "where to write the rater (required)")
	flag.Parse()
	if *out == "" {
		log.Fatal("readout-scale: want -out FILE")
	}
	var r *model.Rater
	var err error
	if *in == "" {
		r, err = model.DecodeRater(assets.Rater, "assets/rater.safetensors")
	} else {
		r, err = model.LoadRater(*in)
	}
	if err != nil {
		log.Fatal(err)
	}
	w, ok := r.Params[*layer]
	if !ok {
		log.Fatalf("readout-scale: the rater has no %s", *layer)
	}
	d := w.Data().([]float32)
	for i := range d {
		d[i] *= float32(*by)
	}
	if err := r.Save(*out); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %s: %s %v times %g\n", *out, *layer, w.Shape(), *by)
}
