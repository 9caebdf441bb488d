package model

import "image"

// DepthNet is the depth judge: a GridNet that estimates log-depth on its
// 32x32 grid. It is trained on the world's depth maps with its own data and
// seed (training/depthfit).
type DepthNet struct{ *GridNet }

// v1 was the coarse net on a 16x16 grid (until session 24).
var depthKind = gridKind{name: "depth", what: "depth net", format: "dualprocess-depth-v2", layers: fineLayers}

// NewDepthNet makes a depth net with He-initialised weights.
func NewDepthNet(seed uint64) *DepthNet { return &DepthNet{newGridNet(seed, depthKind)} }

// LogDepth estimates the log-depth grid (DepthGrid x DepthGrid, row-major) of an image.
func (d *DepthNet) LogDepth(img image.Image) ([]float32, error) { return d.Grid(img) }

// LogDepthAt estimates the log-depth of an image at points (x, y given as
// fractions of the image size); larger is farther.
func (d *DepthNet) LogDepthAt(img image.Image, pts [][2]float64) ([]float64, error) {
	grid, err := d.LogDepth(img)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(pts))
	for i, p := range pts {
		out[i] = gridAt(grid, d.Side(), p[0], p[1])
	}
	return out, nil
}

// DecodeDepthNet reads weights written by Save from memory; name is for messages.
func DecodeDepthNet(data []byte, name string) (*DepthNet, error) {
	g, err := decodeGridNet(data, name, depthKind)
	if err != nil {
		return nil, err
	}
	return &DepthNet{g}, nil
}
