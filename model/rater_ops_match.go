package model

// Matching the drawing against the image, cell by cell: "are these the
// colours of the image?" asks whether every swatch of the strip occurs in
// the image and every part of the image is near some swatch. A pool over
// the strip averages its swatches together; this compares each drawn cell
// with each image cell and keeps the best match both ways, as the palette
// judge does with colours.

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Match compares query features of the drawn cells with key features of
// the image cells, head by head: score(a, b) = q_h(a) . k_h(b) / sqrt(D)
// for a cell a where drawn >= 0.5 and a cell b where image >= 0.5.
// q and k are (N, H*D, S1, S2), drawn and image (N, 1, S1, S2) ->
// (N, 4H, 1, 1): per head the mean and the minimum over a of the best
// score over b (is every swatch somewhere in the image?), then the mean
// and minimum over b of the best over a (is every image cell near a
// swatch?). An image without drawn or image cells gives zeros.
func Match(q, k, drawn, image *G.Node, heads int) (*G.Node, error) {
	qs, ks, ds, is := q.Shape(), k.Shape(), drawn.Shape(), image.Shape()
	switch {
	case qs.Dims() != 4 || !qs.Eq(ks) || heads < 1 || qs[1]%heads != 0:
		return nil, fmt.Errorf("match: want equal 4D queries and keys split into %d heads, got %v and %v", heads, qs, ks)
	case !ds.Eq(is) || ds.Dims() != 4 || ds[0] != qs[0] || ds[1] != 1 || ds[2] != qs[2] || ds[3] != qs[3]:
		return nil, fmt.Errorf("match: masks %v and %v do not fit features %v", ds, is, qs)
	}
	return G.ApplyOp(matchOp{heads: heads}, q, k, drawn, image)
}

// MatchOutputs is the number of values Match gives per head.
const MatchOutputs = 4

type matchOp struct {
	opBase
	heads int
}

func (op matchOp) Arity() int            { return 4 }
func (op matchOp) Type() hm.Type         { return fnType(4, 4, 4, 4, 4) }
func (op matchOp) String() string        { return fmt.Sprintf("Match(%d)", op.heads) }
func (op matchOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op matchOp) Hashcode() uint32      { return hashOf(op) }
func (op matchOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{shapeOf(in[0])[0], MatchOutputs * op.heads, 1, 1}, nil
}
func (op matchOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return match[float32](d, op.heads, nil, -1) },
		func(d []*tensor.Dense) (G.Value, error) { return match[float64](d, op.heads, nil, -1) }, in)
}
func (op matchOp) DiffWRT(int) []bool { return []bool{true, true, false, false} }
func (op matchOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	gs := make(G.Nodes, 4)
	for wrt := range 2 {
		g, err := G.ApplyOp(matchGradOp{heads: op.heads, wrt: wrt}, in[0], in[1], in[2], in[3], grad)
		if err != nil {
			return nil, err
		}
		gs[wrt] = g
	}
	return gs, nil
}

// matchGradOp: inputs q, k, drawn, image, gy -> the gradient of q (wrt 0) or k (wrt 1).
type matchGradOp struct {
	opBase
	heads, wrt int
}

func (op matchGradOp) Arity() int            { return 5 }
func (op matchGradOp) Type() hm.Type         { return fnType(4, 4, 4, 4, 4, 4) }
func (op matchGradOp) String() string        { return fmt.Sprintf("MatchGrad(%d, %d)", op.heads, op.wrt) }
func (op matchGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op matchGradOp) Hashcode() uint32      { return hashOf(op) }
func (op matchGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return shapeOf(in[op.wrt]).Clone(), nil
}
func (op matchGradOp) Do(in ...G.Value) (G.Value, error) {
	return do(func(d []*tensor.Dense) (G.Value, error) { return match(d[:4], op.heads, data[float32](d[4]), op.wrt) },
		func(d []*tensor.Dense) (G.Value, error) { return match(d[:4], op.heads, data[float64](d[4]), op.wrt) }, in)
}

// match computes Match's values or, with gy, the gradient of the queries
// (wrt 0) or keys (wrt 1). Each output is a mean or a minimum of maxima,
// so its gradient flows to the pairs of cells that attain them.
func match[T float](in []*tensor.Dense, heads int, gy []T, wrt int) (G.Value, error) {
	s := in[0].Shape()
	n, hd, p := s[0], s[1], s[2]*s[3]
	dim := hd / heads
	q, k, drawn, image := data[T](in[0]), data[T](in[1]), data[T](in[2]), data[T](in[3])
	scale := T(1 / math.Sqrt(float64(dim)))
	var out *tensor.Dense
	var y []T
	if gy == nil {
		out, y = newDense[T](n, MatchOutputs*heads, 1, 1)
	} else {
		out, y = newDense[T](s...)
	}
	var as, bs []int
	var score []T
	for i := 0; i < n; i++ {
		as, bs = as[:0], bs[:0]
		for c := 0; c < p; c++ {
			if drawn[i*p+c] >= 0.5 {
				as = append(as, c)
			}
			if image[i*p+c] >= 0.5 {
				bs = append(bs, c)
			}
		}
		if len(as) == 0 || len(bs) == 0 {
			continue
		}
		score = append(score[:0], make([]T, len(as)*len(bs))...)
		for h := 0; h < heads; h++ {
			qh, kh := q[(i*hd+h*dim)*p:][:dim*p], k[(i*hd+h*dim)*p:][:dim*p]
			for x, a := range as {
				for z, b := range bs {
					var v T
					for d := 0; d < dim; d++ {
						v += qh[d*p+a] * kh[d*p+b]
					}
					score[x*len(bs)+z] = v * scale
				}
			}
			// per drawn cell its best image cell, and per image cell its best drawn cell
			bestB, bestA := make([]int, len(as)), make([]int, len(bs))
			for x := range as {
				for z := range bs {
					if score[x*len(bs)+z] > score[x*len(bs)+bestB[x]] {
						bestB[x] = z
					}
					if score[x*len(bs)+z] > score[bestA[z]*len(bs)+z] {
						bestA[z] = x
					}
				}
			}
			// the four outputs as weights over the (drawn, image) pairs that attain them
			type pair struct {
				x, z int
				w    T
			}
			var pairs [MatchOutputs][]pair
			minX, minZ := 0, 0
			for x := range as {
				pairs[0] = append(pairs[0], pair{x, bestB[x], 1 / T(len(as))})
				if score[x*len(bs)+bestB[x]] < score[minX*len(bs)+bestB[minX]] {
					minX = x
				}
			}
			pairs[1] = []pair{{minX, bestB[minX], 1}}
			for z := range bs {
				pairs[2] = append(pairs[2], pair{bestA[z], z, 1 / T(len(bs))})
				if score[bestA[z]*len(bs)+z] < score[bestA[minZ]*len(bs)+minZ] {
					minZ = z
				}
			}
			pairs[3] = []pair{{bestA[minZ], minZ, 1}}
			for o, ps := range pairs {
				slot := i*MatchOutputs*heads + h*MatchOutputs + o
				for _, pr := range ps {
					if gy == nil {
						y[slot] += pr.w * score[pr.x*len(bs)+pr.z]
						continue
					}
					g := gy[slot] * pr.w * scale
					a, b := as[pr.x], bs[pr.z]
					gh := y[(i*hd+h*dim)*p:][:dim*p]
					for d := 0; d < dim; d++ {
						if wrt == 0 {
							gh[d*p+a] += g * kh[d*p+b]
						} else {
							gh[d*p+b] += g * qh[d*p+a]
						}
					}
				}
			}
		}
	}
	return out, nil
}
