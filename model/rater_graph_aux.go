package model

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The rater's training-only outputs: the auxiliary maps, scene attributes
// and mark maps the stem learns to predict, their targets and losses.

// auxiliary adds the training-only auxiliary outputs, their targets and
// the sum of their mean squared errors.
func (b *raterBuilder) auxiliary(net *RaterNet) {
	c := b.r.Config
	add := func(loss *G.Node) { // into the sum of the auxiliary losses
		if net.AuxLoss == nil {
			net.AuxLoss = loss
			return
		}
		net.AuxLoss = b.check(G.Add(net.AuxLoss, loss))
	}
	target := func(name string, like *G.Node) *G.Node { // an input of like's shape, zero until set
		t := b.input(name, like.Shape()...)
		if err := G.Let(t, tensor.New(tensor.Of(b.dt), tensor.WithShape(like.Shape().Clone()...))); err != nil {
			panic(buildError{err})
		}
		return t
	}
	mse := func(pred, target *G.Node) *G.Node {
		return b.check(G.Mean(b.check(G.Square(b.check(G.Sub(pred, target))))))
	}
	if c.Aux > 0 {
		net.Aux = b.auxMaps()
		net.AuxTarget = target("aux_target", net.Aux)
		add(mse(net.Aux, net.AuxTarget))
	}
	if c.Aux > 0 && c.RegionAux {
		for i, r := range Regions { // the maps' means in each region, from the features pooled there
			add(mse(b.layer("aux."+r, b.regionPools[i]), b.check(MaskPool(net.AuxTarget, net.Regions[i]))))
		}
	}
	for m, logits := range b.markLogits { // cross-entropy of where the marks are
		t := target(fmt.Sprintf("mark_target%d", m), logits)
		net.MarkTargets = append(net.MarkTargets, t)
		add(b.check(G.Neg(b.check(G.Mean(b.check(AnswerLogProb(logits, t)))))))
	}
	if c.AuxScene > 0 {
		net.AuxScene = b.sceneAttributes()
		net.AuxSceneTarget = target("aux_scene_target", net.AuxScene)
		add(mse(net.AuxScene, net.AuxSceneTarget))
	}
}

// SetAuxTargets binds the auxiliary maps' targets, (Batch, Aux, 16, 16).
func (net *RaterNet) SetAuxTargets(t *tensor.Dense) error {
	if net.AuxTarget == nil {
		return fmt.Errorf("rater aux targets: the net has no auxiliary maps")
	}
	if !t.Shape().Eq(net.AuxTarget.Shape()) || t.Dtype() != net.AuxTarget.Dtype() {
		return fmt.Errorf("rater aux targets: got %v %v, want %v %v", t.Dtype(), t.Shape(), net.AuxTarget.Dtype(), net.AuxTarget.Shape())
	}
	return G.Let(net.AuxTarget, t)
}

// SetMarkTargets binds where the labelled points are, (Batch, MarkPools,
// 16, 16) in the rater's dtype: per image and mark a distribution over the
// cells, or zeros.
func (net *RaterNet) SetMarkTargets(t *tensor.Dense) error {
	k := len(net.MarkTargets)
	if k == 0 {
		return fmt.Errorf("rater mark targets: the net has no mark maps")
	}
	want := tensor.Shape{net.batch, k, regionCells, regionCells}
	if !t.Shape().Eq(want) || t.Dtype() != net.Image.Dtype() {
		return fmt.Errorf("rater mark targets: got %v %v, want %v %v", t.Dtype(), t.Shape(), net.Image.Dtype(), want)
	}
	const cells = regionCells * regionCells
	for m, node := range net.MarkTargets {
		v := make([]float64, net.batch*cells)
		for i := 0; i < net.batch; i++ {
			for j := 0; j < cells; j++ {
				v[i*cells+j] = toFloat64(t, (i*k+m)*cells+j)
			}
		}
		if err := G.Let(node, fromFloat64(t.Dtype(), v, net.batch, cells)); err != nil {
			return err
		}
	}
	return nil
}

func toFloat64(t *tensor.Dense, i int) float64 {
	switch d := t.Data().(type) {
	case []float32:
		return float64(d[i])
	case []float64:
		return d[i]
	}
	return 0
}

// SetAuxSceneTargets binds the scene attributes' targets, (Batch, AuxScene, 1, 1).
func (net *RaterNet) SetAuxSceneTargets(t *tensor.Dense) error {
	if net.AuxSceneTarget == nil {
		return fmt.Errorf("rater aux targets: the net has no auxiliary outputs")
	}
	if !t.Shape().Eq(net.AuxSceneTarget.Shape()) || t.Dtype() != net.AuxSceneTarget.Dtype() {
		return fmt.Errorf("rater aux scene targets: got %v %v, want %v %v", t.Dtype(), t.Shape(), net.AuxSceneTarget.Dtype(), net.AuxSceneTarget.Shape())
	}
	return G.Let(net.AuxSceneTarget, t)
}
