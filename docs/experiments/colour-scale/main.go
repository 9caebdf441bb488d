// Command colour-scale writes the shipped rater with its colour path's
// readout (answers.colour.weight) multiplied by a factor: how much of the
// palette family's shortfall is the path being outvoted by the stem's paths
// (docs/rater/README.md, "The colour path read louder (session 25)").
//
//	go run ./docs/experiments/colour-scale -by 2 -out /tmp/rk2.safetensors
//	dualprocess eval-vlm --n 300 --generator none --noise 0 --weights /tmp/rk2.safetensors
package main

import (
	"flag"
	"fmt"
	"log"

	"dualprocess/assets"
	"dualprocess/model"
)

func main() {
	by := flag.Float64("by", 2, "factor for answers.colour.weight")
	out := flag.String("out", "", "where to write the rater (required)")
	flag.Parse()
	if *out == "" {
		log.Fatal("colour-scale: want -out FILE")
	}
	r, err := model.DecodeRater(assets.Rater, "assets/rater.safetensors")
	if err != nil {
		log.Fatal(err)
	}
	w, ok := r.Params["answers.colour.weight"]
	if !ok {
		log.Fatal("colour-scale: the shipped rater has no colour path")
	}
	d := w.Data().([]float32)
	for i := range d {
		d[i] *= float32(*by)
	}
	if err := r.Save(*out); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %s: answers.colour.weight %v times %g\n", *out, w.Shape(), *by)
}
