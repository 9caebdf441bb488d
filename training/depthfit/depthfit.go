// Package depthfit trains the depth judge (model.DepthNet) on the world's
// depth maps and measures how often it orders two points' depths right.
package depthfit

import (
	"context"
	"io"
	"math"

	"dualprocess/model"
	"dualprocess/training/gridfit"
	"dualprocess/training/world"
)

// Config is the training run.
type Config = gridfit.Config

// DefaultConfig trains for a few minutes on two cores.
func DefaultConfig() Config {
	return Config{Steps: 1500, Batch: 16, LR: 2e-3, Scenes: 3000, DataSeed: 50_000_000, Seed: 11, Every: 250}
}

// task is the depth net's: L1 on the log mean depth of each 2x2 block, on
// images of which half are blurred and noisy and a third smudged.
var task = gridfit.Task{Name: "depth net", Target: func(r world.Rendering) []float32 { return blockLogDepth(r.Depth) },
	Loss: gridfit.L1, LossName: "L1", Augment: augment}

// Train fits net (continuing from its weights) and saves it to out every
// cfg.Every steps and at the end.
func Train(ctx context.Context, net *model.DepthNet, cfg Config, out string, log io.Writer) error {
	return gridfit.Train(ctx, net.GridNet, task, cfg, out, log)
}

func blockLogDepth(depth []float32) []float32 {
	const n, k = model.DepthGrid, world.Size / model.DepthGrid
	out := make([]float32, n*n)
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			var s float64
			for y := j * k; y < (j+1)*k; y++ {
				for x := i * k; x < (i+1)*k; x++ {
					s += float64(depth[y*world.Size+x])
				}
			}
			out[j*n+i] = float32(math.Log(s / (k * k)))
		}
	}
	return out
}
