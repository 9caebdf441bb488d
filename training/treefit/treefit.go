// Package treefit trains the tree judge (model.TreeNet) on the renderer's
// tree boxes and measures how often the judge answers whether a tree stands
// at a vertical line like the renderer's truth.
package treefit

import (
	"context"
	"io"

	G "gorgonia.org/gorgonia"

	"dualprocess/model"
	"dualprocess/training/gridfit"
	"dualprocess/training/world"
)

// Config is the training run.
type Config = gridfit.Config

// DefaultConfig trains for a few minutes on two cores, on scenes of its
// own (the depth judge's are from 50_000_000, its acceptance pairs from
// 60_000_000).
func DefaultConfig() Config {
	return Config{Steps: 1500, Batch: 16, LR: 2e-3, Scenes: 3000, DataSeed: 70_000_000, Seed: 13, Every: 250}
}

// task is the tree net's: sigmoid cross-entropy between its logits and
// each cell's tree cover, on images of which half are blurred and noisy.
var task = gridfit.Task{Name: "tree net", Target: Cover, Loss: sigmoidCrossEntropy, LossName: "CE", Augment: gridfit.Soften}

// Train fits net (continuing from its weights) and saves it to out every
// cfg.Every steps and at the end.
func Train(ctx context.Context, net *model.TreeNet, cfg Config, out string, log io.Writer) error {
	return gridfit.Train(ctx, net.GridNet, task, cfg, out, log)
}

// Cover is the share of each 4x4 cell of a rendering (16x16, row-major)
// whose pixel centres lie inside a tree's box.
func Cover(r world.Rendering) []float32 {
	const n, k = model.TreeGrid, world.Size / model.TreeGrid
	out := make([]float32, n*n)
	for y := 0; y < world.Size; y++ {
		for x := 0; x < world.Size; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			for _, o := range r.Truth.Objects {
				if o.Kind == "tree" && px >= o.Box[0] && px < o.Box[2] && py >= o.Box[1] && py < o.Box[3] {
					out[(y/k)*n+x/k] += 1.0 / (k * k)
					break
				}
			}
		}
	}
	return out
}

// sigmoidCrossEntropy is the mean of softplus(z) - t*z over logits z and
// soft targets t in 0..1: the cross-entropy of sigmoid(z) against t, up to
// a constant.
func sigmoidCrossEntropy(z, t *G.Node) (*G.Node, error) {
	sp, err := G.Softplus(z)
	if err != nil {
		return nil, err
	}
	tz, err := G.HadamardProd(t, z)
	if err != nil {
		return nil, err
	}
	d, err := G.Sub(sp, tz)
	if err != nil {
		return nil, err
	}
	return G.Mean(d)
}
