package judge

import (
	"errors"
	"image"
	"math"
	"strings"
	"testing"
)

// fakeTrees reports a fixed cover grid.
type fakeTrees struct {
	grid []float32
	err  error
}

func (f fakeTrees) TreeCover(image.Image) ([]float32, error) { return f.grid, f.err }

// treeAt is a 16x16 grid with cover v in one cell.
func treeAt(col, row int, v float32) []float32 {
	g := make([]float32, treeGrid*treeGrid)
	g[row*treeGrid+col] = v
	return g
}

func TestColumnCoverReadsBetweenCellCentresAndTakesTheMostCoveredRow(t *testing.T) {
	g := treeAt(5, 9, 0.8) // cell 5 spans x 20..24 px, centre 22 px
	g[3*treeGrid+5] = 0.3  // a lower cover higher up the same column
	for _, c := range []struct{ px, want float64 }{
		{22, 0.8}, {20, 0.4}, {24, 0.4}, {18, 0}, {26, 0}, {21, 0.6},
	} {
		if got := ColumnCover(g, c.px/64); math.Abs(got-c.want) > 1e-6 {
			t.Errorf("cover at %g px: %.3f, want %.3f", c.px, got, c.want)
		}
	}
	edge := treeAt(0, 0, 0.5)
	if got := ColumnCover(edge, 0); got != 0.5 {
		t.Errorf("cover at the left edge %.3f, want the first cell's 0.5", got)
	}
}

func TestTreeVerdict(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	m := fakeTrees{grid: treeAt(5, 9, 0.8)}
	at := func(px float64) *float64 { x := px / 64; return &x }
	res, err := CheckTree(m, img, Target{Kind: "tree", X: at(22)})
	if err != nil || !res.Verdict.Pass || res.TreeCover != float64(float32(0.8)) || res.Kind != "tree" {
		t.Errorf("line through the tree: %+v %+v, %v; want a pass with cover 0.8", res, res.Verdict, err)
	}
	res, _ = CheckTree(m, img, Target{Kind: "tree", X: at(40)})
	if res.Verdict.Pass || res.TreeCover != 0 {
		t.Errorf("line through an empty column: %+v, want a fail", res.Verdict)
	}
	res, _ = CheckTree(m, img, Target{Kind: "tree", X: at(22), Tolerance: 0.9})
	if res.Verdict.Pass || res.Verdict.Tolerance != 0.9 {
		t.Errorf("cover 0.8 with tolerance 0.9: %+v, want a fail", res.Verdict)
	}
	if _, err := CheckTree(fakeTrees{grid: make([]float32, 64)}, img, Target{Kind: "tree", X: at(22)}); err == nil || !strings.Contains(err.Error(), "64 cells") {
		t.Errorf("a model with an 8x8 grid: %v, want an error", err)
	}
	if _, err := CheckTree(fakeTrees{err: errors.New("broken")}, img, Target{Kind: "tree", X: at(22)}); err == nil || !strings.Contains(err.Error(), "tree judge: broken") {
		t.Errorf("a failing model: %v", err)
	}
}

func TestTreeJudgeWithoutWeightsSaysSo(t *testing.T) {
	old := Trees
	Trees = nil
	defer func() { Trees = old }()
	x := 0.5
	if _, err := Check(image.NewRGBA(image.Rect(0, 0, 64, 64)), Target{Kind: "tree", X: &x}); err == nil || !strings.Contains(err.Error(), "not loaded") {
		t.Errorf("tree judge without weights: %v", err)
	}
	if _, err := Measure(image.NewRGBA(image.Rect(0, 0, 64, 64)), "tree"); err == nil || !strings.Contains(err.Error(), "column x") {
		t.Errorf("Measure tree: %v, want it to ask for the column", err)
	}
}
