package model

import (
	"image"
	"math"
)

// TreeNet is the tree judge: a GridNet whose grid holds, for each 4x4 cell,
// the logit of the share of the cell inside a tree's box. It is trained on
// the renderer's tree boxes with its own data and seed (training/treefit).
type TreeNet struct{ *GridNet }

var treeKind = gridKind{name: "trees", what: "tree net", format: "dualprocess-trees-v1", layers: coarseLayers}

// NewTreeNet makes a tree net with He-initialised weights.
func NewTreeNet(seed uint64) *TreeNet { return &TreeNet{newGridNet(seed, treeKind)} }

// TreeCover estimates the share (0..1) of each cell of the 16x16 grid
// (row-major) that trees cover.
func (t *TreeNet) TreeCover(img image.Image) ([]float32, error) {
	grid, err := t.Grid(img)
	if err != nil {
		return nil, err
	}
	for i, v := range grid {
		grid[i] = float32(1 / (1 + math.Exp(-float64(v))))
	}
	return grid, nil
}

// DecodeTreeNet reads weights written by Save from memory; name is for messages.
func DecodeTreeNet(data []byte, name string) (*TreeNet, error) {
	g, err := decodeGridNet(data, name, treeKind)
	if err != nil {
		return nil, err
	}
	return &TreeNet{g}, nil
}
