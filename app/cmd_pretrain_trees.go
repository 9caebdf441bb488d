package app

import (
	"fmt"
	"io"

	"dualprocess/model"
	"dualprocess/training/treefit"
)

func init() {
	j := judgeNet[*model.TreeNet]{what: "tree judge", def: treefit.DefaultConfig(),
		fresh: model.NewTreeNet, decode: model.DecodeTreeNet, train: treefit.Train,
		check: func(net *model.TreeNet, log io.Writer) error {
			for _, noisy := range []bool{false, true} {
				agree, err := treefit.Agreement(net, treefit.HeldOutSeed, 500, noisy)
				if err != nil {
					return err
				}
				fmt.Fprintf(log, "tree judge agrees with the truth on %.1f%% of 500 held-out lines (noise 0.03 + blur 0.5: %v)\n", 100*agree, noisy)
			}
			return nil
		}}
	registerPretrain(pretrainTarget{
		name:    "trees",
		summary: "Train the tree judge (an independent grader of whether a tree stands at a vertical line) on the renderer's tree boxes.",
		args:    "--out FILE [--steps N] [--seed S] [--resume FILE]",
		setup:   j.setup,
	})
}
