package app

import (
	"fmt"
	"io"

	"dualprocess/model"
	"dualprocess/training/depthfit"
	"dualprocess/training/judge"
)

func init() {
	j := judgeNet[*model.DepthNet]{what: "depth judge", def: depthfit.DefaultConfig(),
		fresh: model.NewDepthNet, decode: model.DecodeDepthNet, train: depthfit.Train,
		check: func(net *model.DepthNet, log io.Writer) error {
			for _, level := range []bool{false, true} {
				agree, err := depthfit.Agreement(net, depthfit.HeldOutSeed, 500, level, judge.Clean)
				if err != nil {
					return err
				}
				fmt.Fprintf(log, "depth judge orders %.1f%% of 500 held-out point pairs like the depth map (level pairs only: %v)\n", 100*agree, level)
			}
			return nil
		}}
	registerPretrain(pretrainTarget{
		name:    "depth",
		summary: "Train the depth judge (an independent grader of relative depth) on the world's depth maps.",
		args:    "--out FILE [--steps N] [--seed S] [--resume FILE]",
		setup:   j.setup,
	})
}
