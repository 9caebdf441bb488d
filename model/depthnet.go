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

// DepthNet is the depth judge: a small convolutional network that estimates
// log-depth on a 16x16 grid from a 64x64 image plus a row-coordinate
// channel. It is trained on the world's depth maps with its own data and
// seed, has another architecture than the rater, and only ever grades.
type DepthNet struct {
	Params map[string]*tensor.Dense

	mu      sync.Mutex
	sampler *depthSampler
}

// DepthGrid is the side of the depth net's output grid.
const DepthGrid = 16

type depthLayer struct {
	name      string
	in, out   int
	k         int
	downAfter bool // space to depth after this layer
}

// depthLayers in the order data flows: 64x64 -> 32x32 -> 16x16.
var depthLayers = []depthLayer{
	{"d1", 4, 16, 3, true},
	{"d2", 64, 32, 3, true},
	{"d3", 128, 48, 3, false},
	{"d4", 48, 48, 3, false},
	{"out", 48, 1, 1, false},
}

const depthFormat = "dualprocess-depth-v1"

// NewDepthNet makes a depth net with He-initialised weights.
func NewDepthNet(seed uint64) *DepthNet {
	r := rand.New(rand.NewPCG(seed, 0x3c6ef372fe94f82b))
	d := &DepthNet{Params: map[string]*tensor.Dense{}}
	for _, l := range depthLayers {
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

// Build adds the net to g for a batch and returns its input (N, 4, 64, 64),
// its output (N, 1, 16, 16) and the weight nodes.
func (d *DepthNet) Build(g *G.ExprGraph, batch int) (in, out *G.Node, params G.Nodes, err error) {
	graphMu.Lock()
	defer graphMu.Unlock()
	in = G.NewTensor(g, tensor.Float32, 4, G.WithShape(batch, 4, 64, 64), G.WithName("depth.in"))
	h := in
	for i, l := range depthLayers {
		w := G.NodeFromAny(g, d.Params[l.name+".weight"], G.WithName("depth."+l.name+".weight"))
		b := G.NodeFromAny(g, d.Params[l.name+".bias"], G.WithName("depth."+l.name+".bias"))
		params = append(params, w, b)
		if h, err = Conv2d(h, w, b); err != nil {
			return nil, nil, nil, err
		}
		if i < len(depthLayers)-1 {
			if h, err = LeakyReLU(h, 0.1); err != nil {
				return nil, nil, nil, err
			}
		}
		if l.downAfter {
			if h, err = SpaceToDepth2(h); err != nil {
				return nil, nil, nil, err
			}
		}
	}
	return in, h, params, nil
}

// DepthInput turns images into the net's input: RGB in 0..1 plus a channel
// holding the row coordinate (-1 top .. 1 bottom). Images of another size
// are resized to 64x64.
func DepthInput(imgs []image.Image) *tensor.Dense {
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

// depthSampler keeps a compiled batch-1 graph for estimates.
type depthSampler struct {
	in, out *G.Node
	vm      G.VM
}

// LogDepth estimates the log-depth grid (16x16, row-major) of an image.
func (d *DepthNet) LogDepth(img image.Image) ([]float32, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.sampler == nil {
		g := G.NewGraph()
		in, out, _, err := d.Build(g, 1)
		if err != nil {
			return nil, fmt.Errorf("depth net: %w", err)
		}
		graphMu.Lock()
		d.sampler = &depthSampler{in: in, out: out, vm: G.NewTapeMachine(g)}
		graphMu.Unlock()
	}
	s := d.sampler
	if err := G.Let(s.in, DepthInput([]image.Image{img})); err != nil {
		return nil, fmt.Errorf("depth net: %w", err)
	}
	s.vm.Reset()
	if err := s.vm.RunAll(); err != nil {
		return nil, fmt.Errorf("depth net: %w", err)
	}
	return slices.Clone(s.out.Value().Data().([]float32)), nil
}

// LogDepthAt estimates the log-depth of an image at points (x, y given as
// fractions of the image size); larger is farther.
func (d *DepthNet) LogDepthAt(img image.Image, pts [][2]float64) ([]float64, error) {
	grid, err := d.LogDepth(img)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(pts))
	for i, p := range pts {
		out[i] = gridAt(grid, p[0], p[1])
	}
	return out, nil
}

// gridAt reads a log-depth grid at (x, y), fractions of the image size,
// interpolating bilinearly between cell centres.
func gridAt(grid []float32, x, y float64) float64 {
	const n = DepthGrid
	fx, fy := x*n-0.5, y*n-0.5
	x0, y0 := math.Floor(fx), math.Floor(fy)
	tx, ty := fx-x0, fy-y0
	at := func(i, j float64) float64 {
		i, j = math.Max(0, math.Min(n-1, i)), math.Max(0, math.Min(n-1, j))
		return float64(grid[int(j)*n+int(i)])
	}
	return (1-ty)*((1-tx)*at(x0, y0)+tx*at(x0+1, y0)) + ty*((1-tx)*at(x0, y0+1)+tx*at(x0+1, y0+1))
}

// Save writes the weights atomically.
func (d *DepthNet) Save(path string) error {
	f := &safetensors.File{Metadata: map[string]string{"format": depthFormat}, Tensors: map[string]safetensors.Tensor{}}
	for name, p := range d.Params {
		f.Tensors[name] = safetensors.NewF32(p.Data().([]float32), p.Shape()...)
	}
	return safetensors.Write(path, f)
}

// DecodeDepthNet reads weights written by Save from memory; name is for messages.
func DecodeDepthNet(data []byte, name string) (*DepthNet, error) {
	f, err := safetensors.Decode(data, name)
	if err != nil {
		return nil, fmt.Errorf("load depth net: %w", err)
	}
	if f.Metadata["format"] != depthFormat {
		return nil, fmt.Errorf("load depth net %s: metadata format %q, want %q", name, f.Metadata["format"], depthFormat)
	}
	d := NewDepthNet(0)
	if len(f.Tensors) != len(d.Params) {
		return nil, fmt.Errorf("load depth net %s: %d tensors, want %d", name, len(f.Tensors), len(d.Params))
	}
	for pname, p := range d.Params {
		t, ok := f.Tensors[pname]
		if !ok {
			return nil, fmt.Errorf("load depth net %s: missing tensor %q", name, pname)
		}
		if t.DType != safetensors.F32 || !slices.Equal(t.Shape, []int(p.Shape())) {
			return nil, fmt.Errorf("load depth net %s: tensor %q is %s %v, want F32 %v", name, pname, t.DType, t.Shape, p.Shape())
		}
		copy(p.Data().([]float32), t.F32)
	}
	return d, nil
}
