package model

// Binding a built rater's inputs: images, visual prompts, questions and
// answers; and reading its answers.

import (
	"fmt"
	"math"
	"slices"

	"dualprocess/training/visual"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// SetImages binds the images to rate, (Batch, 3, 64, 64) in [0, 1] in the
// rater's dtype; only for nets whose Build made the image input.
func (net *RaterNet) SetImages(t *tensor.Dense) error {
	if !net.ownsImage {
		return fmt.Errorf("rater images: the image node comes from elsewhere in the graph")
	}
	if !t.Shape().Eq(net.Image.Shape()) || t.Dtype() != net.Image.Dtype() {
		return fmt.Errorf("rater images: got %v %v, want %v %v", t.Dtype(), t.Shape(), net.Image.Dtype(), net.Image.Shape())
	}
	return G.Let(net.Image, t)
}

// SetOverlays binds one visual prompt per image; nil means none.
func (net *RaterNet) SetOverlays(ovs []*visual.Overlay) error {
	if len(ovs) != net.batch {
		return fmt.Errorf("rater overlays: %d for a batch of %d", len(ovs), net.batch)
	}
	const plane = 3 * RaterSize * RaterSize
	scale, offset := make([]float64, net.batch*plane), make([]float64, net.batch*plane)
	for i, o := range ovs {
		s, off := scale[i*plane:(i+1)*plane], offset[i*plane:(i+1)*plane]
		if o == nil {
			for k := range s {
				s[k] = 1
			}
			continue
		}
		if o.W != RaterSize || o.H != RaterSize || len(o.Scale) != plane || len(o.Offset) != plane {
			return fmt.Errorf("rater overlays: overlay %d is %dx%d, want %dx%d", i, o.W, o.H, RaterSize, RaterSize)
		}
		for k := range s {
			s[k], off[k] = float64(o.Scale[k]), float64(o.Offset[k])
		}
	}
	dt := net.Image.Dtype()
	mask, regions, drawn := drawingMasks(scale, offset, net.batch)
	type input struct {
		n *G.Node
		v []float64
	}
	ins := []input{{net.Scale, scale}, {net.Offset, offset}, {net.Mask, mask}}
	for i, r := range net.Regions {
		ins = append(ins, input{r, regions[i]})
	}
	if net.Drawn != nil {
		undrawn := make([]float64, len(drawn))
		for k, at := range regions[0] { // the drawing grown by a cell
			if at < 0.5 {
				undrawn[k] = 1
			}
		}
		ins = append(ins, input{net.Drawn, drawn}, input{net.Undrawn, undrawn})
	}
	if net.Plain != nil {
		swatches, plain := colourSides(scale, offset, mask, net.batch)
		ins = append(ins, input{net.Plain, plain})
		if net.Swatches != nil {
			ins = append(ins, input{net.Swatches, swatches})
		}
	}
	for _, in := range ins {
		if err := G.Let(in.n, fromFloat64(dt, in.v, in.n.Shape()...)); err != nil {
			return err
		}
	}
	return nil
}

// drawingMasks tells where an overlay draws something other than white:
// 2*max|scale+offset-1| over the channels, clamped to 1 (0 where nothing
// is drawn, in both modes), and at 16x16 each 4x4 cell's maximum (drawn)
// and the masks of the Regions around the drawing.
func drawingMasks(scale, offset []float64, n int) (mask []float64, regions [][]float64, drawn []float64) {
	const side, cells, cell = RaterSize, regionCells, RaterSize / regionCells
	const plane = side * side
	mask, regions = make([]float64, n*plane), make([][]float64, len(Regions))
	drawn = make([]float64, n*cells*cells)
	for i := 0; i < n; i++ {
		coarse := drawn[i*cells*cells : (i+1)*cells*cells]
		for k := 0; k < plane; k++ {
			var m float64
			for c := 0; c < 3; c++ {
				o := (i*3+c)*plane + k
				m = max(m, math.Abs(scale[o]+offset[o]-1))
			}
			m = min(1, 2*m)
			mask[i*plane+k] = m
			cy, cx := k/side/cell, k%side/cell
			coarse[cy*cells+cx] = max(coarse[cy*cells+cx], m)
		}
		regions = regionMasks(coarse, regions)
	}
	return mask, regions, drawn
}

// SetQuestions tokenizes and binds the questions, Questions per image.
func (net *RaterNet) SetQuestions(qs []string) error {
	if len(qs) != net.batch*net.questions {
		return fmt.Errorf("rater questions: %d for %d images and %d questions each", len(qs), net.batch, net.questions)
	}
	ids := make([][]int, len(qs))
	for i, q := range qs {
		var err error
		if ids[i], err = net.Rater.tok.Encode(q); err != nil {
			return err
		}
	}
	return net.SetWordIDs(ids)
}

// SetWordIDs binds already tokenized questions (Tokenizer.Encode).
func (net *RaterNet) SetWordIDs(ids [][]int) error {
	l, v := net.Rater.Config.MaxWords, len(net.Rater.Words)+1
	if len(ids) != net.batch*net.questions {
		return fmt.Errorf("rater questions: %d for %d images and %d questions each", len(ids), net.batch, net.questions)
	}
	oneHot := make([]float64, len(ids)*l*v)
	for i, q := range ids {
		if len(q) != l {
			return fmt.Errorf("rater questions: question %d has %d word ids, want %d", i, len(q), l)
		}
		for j, id := range q {
			if id < 0 || id >= v {
				return fmt.Errorf("rater questions: word id %d out of range", id)
			}
			oneHot[(i*l+j)*v+id] = 1
		}
	}
	dt := net.Image.Dtype()
	if net.SkyAsked != nil {
		sky := slices.Index(net.Rater.Words, SkyWord) + 1
		asked := make([]float64, len(ids))
		for i, q := range ids {
			if slices.Contains(q, sky) {
				asked[i] = 1
			}
		}
		if err := G.Let(net.SkyAsked, fromFloat64(dt, asked, net.SkyAsked.Shape()...)); err != nil {
			return err
		}
	}
	return G.Let(net.Words, fromFloat64(dt, oneHot, net.Words.Shape()...))
}

// SetAnswers binds the desired (or true) answer of each question.
func (net *RaterNet) SetAnswers(as []string) error {
	if len(as) != net.batch*net.questions {
		return fmt.Errorf("rater answers: %d for %d images and %d questions each", len(as), net.batch, net.questions)
	}
	na := len(net.Rater.Answers)
	t := make([]float64, len(as)*na)
	for i, a := range as {
		k, err := net.Rater.AnswerIndex(a)
		if err != nil {
			return err
		}
		t[i*na+k] = 1
	}
	return G.Let(net.Target, fromFloat64(net.Image.Dtype(), t, len(as), na))
}

// Probs returns each question's probability for every answer (softmax of
// the logits after a run), in the order of Rater.Answers.
func (net *RaterNet) Probs() ([][]float64, error) {
	v := net.Logits.Value()
	if v == nil {
		return nil, fmt.Errorf("rater has not run")
	}
	na := len(net.Rater.Answers)
	out := make([][]float64, net.batch*net.questions)
	lp := make([]float64, na)
	for i := range out {
		switch d := v.Data().(type) {
		case []float32:
			logSoftmax(d[i*na:(i+1)*na], lp)
		case []float64:
			logSoftmax(d[i*na:(i+1)*na], lp)
		}
		out[i] = make([]float64, na)
		for a, l := range lp {
			out[i][a] = math.Exp(l)
		}
	}
	return out, nil
}
