package model

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/disintegration/imaging"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"dualprocess/model/safetensors"
)

// GridNet is the architecture of the learned judges: a small convolutional
// network that maps a 64x64 image plus a row-coordinate channel to one
// value per cell of a square grid: TreeNet (tree cover) on a 16x16 grid of
// 4x4-pixel cells, DepthNet (log-depth) on a 32x32 grid of 2x2-pixel cells.
// Each judge has its own weights, data and seed, an architecture other than
// the rater's, and only ever grades.
type GridNet struct {
	Params map[string]*tensor.Dense

	kind    gridKind
	mu      sync.Mutex
	sampler *gridSampler
}

// gridKind tells the judges apart: the format is written to the
// safetensors metadata and checked on loading, and the layers give the
// side of the output grid.
type gridKind struct {
	name   string // for graph nodes: "depth", "trees"
	what   string // for messages: "depth net"
	format string // "dualprocess-depth-v2"
	layers []gridLayer
}

// TreeGrid and DepthGrid are the sides of the judges' output grids.
const (
	TreeGrid  = 16
	DepthGrid = 32
)

type gridLayer struct {
	name      string
	in, out   int
	k         int
	skip      bool // keep this layer's output for the way up
	downAfter bool // space to depth after this layer
	upAfter   bool // depth to space after this layer, then the kept output joins
}

// coarseLayers, the tree net's, in the order data flows: 64x64 -> 32x32 -> 16x16.
var coarseLayers = []gridLayer{
	{name: "d1", in: 4, out: 16, k: 3, downAfter: true},
	{name: "d2", in: 64, out: 32, k: 3, downAfter: true},
	{name: "d3", in: 128, out: 48, k: 3},
	{name: "d4", in: 48, out: 48, k: 3},
	{name: "out", in: 48, out: 1, k: 1},
}

// fineLayers, the depth net's: the coarse net's way down to 16x16, where a
// cell sees the horizon, and a way back up to 32x32 joined by the 32x32
// features, so that a small object keeps its own depth.
var fineLayers = []gridLayer{
	{name: "d1", in: 4, out: 16, k: 3, downAfter: true},
	{name: "d2", in: 64, out: 32, k: 3, skip: true, downAfter: true},
	{name: "d3", in: 128, out: 48, k: 3},
	{name: "d4", in: 48, out: 48, k: 3},
	{name: "u1", in: 48, out: 128, k: 1, upAfter: true},
	{name: "f1", in: 64, out: 32, k: 3},
	{name: "out", in: 32, out: 1, k: 1},
}

// newGridNet makes a net with He-initialised weights.
func newGridNet(seed uint64, kind gridKind) *GridNet {
	r := rand.New(rand.NewPCG(seed, 0x3c6ef372fe94f82b))
	d := &GridNet{Params: map[string]*tensor.Dense{}, kind: kind}
	for _, l := range kind.layers {
		w := make([]float32, l.out*l.in*l.k*l.k)
		std := math.Sqrt(2 / float64(l.in*l.k*l.k))
		for i := range w {
			w[i] = float32(r.NormFloat64() * std)
		}
		d.Params[l.name+".weight"] = tensor.New(tensor.WithShape(l.out, l.in, l.k, l.k), tensor.WithBacking(w))
		d.Params[l.name+".bias"] = tensor.New(tensor.WithShape(l.out), tensor.WithBacking(make([]float32, l.out)))
	}
	return d
}

// Side is the side of the net's output grid: 64 halved by every space to
// depth and doubled by every depth to space.
func (d *GridNet) Side() int {
	side := 64
	for _, l := range d.kind.layers {
		if l.downAfter {
			side /= 2
		}
		if l.upAfter {
			side *= 2
		}
	}
	return side
}

// Build adds the net to g for a batch and returns its input (N, 4, 64, 64),
// its output (N, 1, side, side) and the weight nodes.
func (d *GridNet) Build(g *G.ExprGraph, batch int) (in, out *G.Node, params G.Nodes, err error) {
	graphMu.Lock()
	defer graphMu.Unlock()
	p := d.kind.name
	in = G.NewTensor(g, tensor.Float32, 4, G.WithShape(batch, 4, 64, 64), G.WithName(p+".in"))
	h, kept := in, (*G.Node)(nil)
	for i, l := range d.kind.layers {
		w := G.NodeFromAny(g, d.Params[l.name+".weight"], G.WithName(p+"."+l.name+".weight"))
		b := G.NodeFromAny(g, d.Params[l.name+".bias"], G.WithName(p+"."+l.name+".bias"))
		params = append(params, w, b)
		if h, err = Conv2d(h, w, b); err != nil {
			return nil, nil, nil, err
		}
		if i < len(d.kind.layers)-1 {
			if h, err = LeakyReLU(h, 0.1); err != nil {
				return nil, nil, nil, err
			}
		}
		if l.skip {
			kept = h
		}
		if l.downAfter {
			if h, err = SpaceToDepth2(h); err != nil {
				return nil, nil, nil, err
			}
		}
		if l.upAfter {
			if h, err = DepthToSpace2(h); err != nil {
				return nil, nil, nil, err
			}
			if h, err = G.Concat(1, kept, h); err != nil {
				return nil, nil, nil, err
			}
		}
	}
	return in, h, params, nil
}

// GridInput turns images into a grid net's input: RGB in 0..1 plus a
// channel holding the row coordinate (-1 top .. 1 bottom). Images of
// another size are resized to 64x64.
func GridInput(imgs []image.Image) *tensor.Dense {
	const n = 64
	data := make([]float32, len(imgs)*4*n*n)
	for i, img := range imgs {
		if b := img.Bounds(); b.Dx() != n || b.Dy() != n {
			img = imaging.Resize(img, n, n, imaging.Linear)
		}
		rgba := imaging.Clone(img)
		base := i * 4 * n * n
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				k := rgba.PixOffset(x, y)
				for c := 0; c < 3; c++ {
					data[base+c*n*n+y*n+x] = float32(rgba.Pix[k+c]) / 255
				}
				data[base+3*n*n+y*n+x] = float32(2*(float64(y)+0.5)/n - 1)
			}
		}
	}
	return tensor.New(tensor.WithShape(len(imgs), 4, n, n), tensor.WithBacking(data))
}

// gridSampler keeps a compiled batch-1 graph for estimates.
type gridSampler struct {
	in, out *G.Node
	vm      G.VM
}

// Grid runs the net on an image: its output grid, row-major.
func (d *GridNet) Grid(img image.Image) ([]float32, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.sampler == nil {
		g := G.NewGraph()
		in, out, _, err := d.Build(g, 1)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.kind.what, err)
		}
		graphMu.Lock()
		d.sampler = &gridSampler{in: in, out: out, vm: G.NewTapeMachine(g)}
		graphMu.Unlock()
	}
	s := d.sampler
	if err := G.Let(s.in, GridInput([]image.Image{img})); err != nil {
		return nil, fmt.Errorf("%s: %w", d.kind.what, err)
	}
	s.vm.Reset()
	if err := s.vm.RunAll(); err != nil {
		return nil, fmt.Errorf("%s: %w", d.kind.what, err)
	}
	return slices.Clone(s.out.Value().Data().([]float32)), nil
}

// gridAt reads a grid of side n at (x, y), fractions of the image size,
// interpolating bilinearly between cell centres.
func gridAt(grid []float32, n int, x, y float64) float64 {
	fx, fy := x*float64(n)-0.5, y*float64(n)-0.5
	x0, y0 := math.Floor(fx), math.Floor(fy)
	tx, ty := fx-x0, fy-y0
	at := func(i, j float64) float64 {
		i, j = math.Max(0, math.Min(float64(n-1), i)), math.Max(0, math.Min(float64(n-1), j))
		return float64(grid[int(j)*n+int(i)])
	}
	return (1-ty)*((1-tx)*at(x0, y0)+tx*at(x0+1, y0)) + ty*((1-tx)*at(x0, y0+1)+tx*at(x0+1, y0+1))
}

// Save writes the weights atomically, with the net's format.
func (d *GridNet) Save(path string) error {
	f := &safetensors.File{Metadata: map[string]string{"format": d.kind.format}, Tensors: map[string]safetensors.Tensor{}}
	for name, p := range d.Params {
		f.Tensors[name] = safetensors.NewF32(p.Data().([]float32), p.Shape()...)
	}
	return safetensors.Write(path, f)
}

// decodeGridNet reads weights written by Save from memory, refusing those
// of another kind or shape; name is for messages.
func decodeGridNet(data []byte, name string, kind gridKind) (*GridNet, error) {
	f, err := safetensors.Decode(data, name)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", kind.what, err)
	}
	if err := f.CheckFormat(kind.format); err != nil {
		return nil, fmt.Errorf("load %s %s: %w", kind.what, name, err)
	}
	d := newGridNet(0, kind)
	if len(f.Tensors) != len(d.Params) {
		return nil, fmt.Errorf("load %s %s: %d tensors, want %d", kind.what, name, len(f.Tensors), len(d.Params))
	}
	for pname, p := range d.Params {
		t, ok := f.Tensors[pname]
		if !ok {
			return nil, fmt.Errorf("load %s %s: missing tensor %q", kind.what, name, pname)
		}
		if t.DType != safetensors.F32 || !slices.Equal(t.Shape, []int(p.Shape())) {
			return nil, fmt.Errorf("load %s %s: tensor %q is %s %v, want F32 %v", kind.what, name, pname, t.DType, t.Shape, []int(p.Shape()))
		}
		copy(p.Data().([]float32), t.F32)
	}
	return d, nil
}
