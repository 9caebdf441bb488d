package model

import (
	"fmt"
	"image"
	"image/color"
	"slices"
	"sync"

	"dualprocess/training/world"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Active is an adapter applied at a weight. Weight 0 leaves the generator
// exactly as it is: the adapter is not put into the graph at all.
type Active struct {
	Adapter *Adapter
	Weight  float64
	Train   bool // its A and B become trainable parameters (needs Weight != 0)
}

// Options says how to build the generator into a graph.
type Options struct {
	Batch     int
	TrainBase bool     // pretraining: the base weights are the trainable parameters
	Adapters  []Active // applied in order
	Name      string   // prefix of the node names; needed to build twice into one graph (default "gen")
}

// Net is the generator built into a graph.
type Net struct {
	Words *G.Node // input (Batch, len(Vocab)): 1 where the prompt has the word
	Z     *G.Node // input (Batch, world.ZDim): the noise
	Image *G.Node // output (Batch, 3, 64, 64), RGB in [0, 1]
	// AdaptedZ is the noise as the noise adapters (NoiseTarget) left it, (Batch, world.ZDim, 1, 1).
	AdaptedZ *G.Node
	Params   G.Nodes // trainable nodes, bound to the Generator's or Adapters' tensors
	Gen      *Generator
}

// graphMu serialises graph construction: gorgonia's node constructors share
// global state that races when two goroutines build graphs.
var graphMu sync.Mutex

// Build adds the generator to g. Training updates the tensors bound to
// net.Params in place (the Generator's Params, or the adapters' A and B).
func (gen *Generator) Build(g *G.ExprGraph, opt Options) (net *Net, err error) {
	if opt.Batch < 1 {
		return nil, fmt.Errorf("build generator: batch %d", opt.Batch)
	}
	for _, a := range opt.Adapters {
		if err := gen.CheckAdapter(a.Adapter); err != nil {
			return nil, fmt.Errorf("build generator: %w", err)
		}
		if a.Train && a.Weight == 0 {
			return nil, fmt.Errorf("build generator: an adapter trained at weight 0 gets no gradient")
		}
	}
	dt, err := gen.dtype()
	if err != nil {
		return nil, err
	}
	graphMu.Lock()
	defer graphMu.Unlock()
	defer func() { // the builder panics with buildError on the first failure
		if r := recover(); r != nil {
			be, ok := r.(buildError)
			if !ok {
				panic(r)
			}
			net, err = nil, fmt.Errorf("build generator: %w", be.err)
		}
	}()
	if opt.Name == "" {
		opt.Name = "gen"
	}
	if len(g.ByName(opt.Name+".words")) > 0 {
		return nil, fmt.Errorf("build generator: graph already holds a generator named %q; set Options.Name", opt.Name)
	}
	b := &builder{g: g, gen: gen, opt: opt, dt: dt}
	net = &Net{Gen: gen}
	net.Words = G.NewMatrix(g, dt, G.WithShape(opt.Batch, len(gen.Vocab)), G.WithName(opt.Name+".words"))
	net.Z = G.NewMatrix(g, dt, G.WithShape(opt.Batch, world.ZDim), G.WithName(opt.Name+".z"))
	net.Image, net.AdaptedZ = b.forward(net.Words, net.Z)
	net.Params = b.params
	return net, nil
}

// forward is the generator, top to bottom: the image, and the noise as the
// noise adapters left it.
func (b *builder) forward(words, z *G.Node) (image, noise *G.Node) {
	c, n := b.gen.Config, b.opt.Batch
	p := b.layer("prompt", b.reshape(words, n, len(b.gen.Vocab), 1, 1)) // sum of the prompt's word embeddings
	noise = b.noise(b.reshape(z, n, world.ZDim, 1, 1))
	h := b.concat(p, noise) // [prompt vector, z]
	h = b.act(b.layer("fc", h))
	h = b.act(b.layer("seed", h))
	h = b.reshape(h, n, c.Channels[0], c.Base, c.Base) // 8x8 feature map
	h = b.act(b.layer(fmt.Sprintf("conv%d", c.Base), h))
	for size := 2 * c.Base; size <= c.OutputSize(); size *= 2 {
		if c.Upsample == "subpixel" {
			h = b.act(b.shuffle(b.layer(fmt.Sprintf("conv%d", size), h))) // 3x3 conv to 4C, depth to space
		} else {
			h = b.act(b.layer(fmt.Sprintf("conv%d", size), b.up(h))) // nearest 2x, 3x3 conv
		}
	}
	return b.sigmoid(b.layer("rgb", h)), noise
}

type buildError struct{ err error }

type builder struct {
	g      *G.ExprGraph
	gen    *Generator
	opt    Options
	dt     tensor.Dtype
	params G.Nodes
}

func (b *builder) check(n *G.Node, err error) *G.Node {
	if err != nil {
		panic(buildError{err})
	}
	return n
}

func (b *builder) reshape(x *G.Node, shape ...int) *G.Node {
	return b.check(G.Reshape(x, shape))
}
func (b *builder) concat(xs ...*G.Node) *G.Node { return b.check(G.Concat(1, xs...)) }
func (b *builder) act(x *G.Node) *G.Node        { return b.check(LeakyReLU(x, b.gen.Config.Slope)) }
func (b *builder) up(x *G.Node) *G.Node         { return b.check(Upsample2x(x)) }
func (b *builder) shuffle(x *G.Node) *G.Node    { return b.check(DepthToSpace2(x)) }
func (b *builder) sigmoid(x *G.Node) *G.Node    { return b.check(Sigmoid(x)) }

// constant is a scalar of the graph's dtype.
func (b *builder) constant(v float64) *G.Node {
	if b.dt == tensor.Float64 {
		return G.NewConstant(v)
	}
	return G.NewConstant(float32(v))
}

// bind makes an input node holding t (shared, not copied).
func (b *builder) bind(t *tensor.Dense, name string, trainable bool) *G.Node {
	n := G.NodeFromAny(b.g, t, G.WithName(b.opt.Name+"."+name))
	if trainable {
		b.params = append(b.params, n)
	}
	return n
}

// layer applies the named layer, plus each active adapter's low-rank branch:
// y = conv(x, W) + b + sum_k weight_k * scale_k * B_k(A_k(x)), A_k a KxK conv
// to rank channels, B_k a 1x1 conv back. (Cheaper than merging B·A into W
// when rank << Out: the frozen W then needs no gradient of its own.)
func (b *builder) layer(name string, x *G.Node) *G.Node {
	w := b.bind(b.gen.Params[name+".weight"], name+".weight", b.opt.TrainBase)
	bias := b.bind(b.gen.Params[name+".bias"], name+".bias", b.opt.TrainBase)
	return b.lora(name, x, b.check(Conv2d(x, w, bias)))
}

// noise applies the noise adapters (NoiseTarget) to z (N, ZDim, 1, 1):
// z + sum_k weight_k * scale_k * B_k(A_k([z; 1])). Without any it is z.
func (b *builder) noise(z *G.Node) *G.Node {
	for _, a := range b.opt.Adapters {
		if a.Weight != 0 && a.Adapter.A[NoiseTarget] != nil {
			ones := make([]float64, b.opt.Batch)
			for i := range ones {
				ones[i] = 1
			}
			one := G.NewConstant(fromFloat64(b.dt, ones, b.opt.Batch, 1, 1, 1), G.WithName(b.opt.Name+".noise.one"))
			return b.lora(NoiseTarget, b.concat(z, one), z)
		}
	}
	return z
}

// lora adds to y the active adapters' low-rank branches of the named
// target, read from x.
func (b *builder) lora(name string, x, y *G.Node) *G.Node {
	l, _ := b.gen.adapterLayer(name)
	for i, a := range b.opt.Adapters {
		A, B := a.Adapter.A[name], a.Adapter.B[name]
		if a.Weight == 0 || A == nil {
			continue // weight 0: the base layer, bit for bit
		}
		tag := fmt.Sprintf("%s.adapter%d", name, i)
		r := a.Adapter.Config.Rank
		// 4D views sharing the adapter's memory. (Not G.Reshape: gorgonia may
		// run the next element-wise op in place on a reshape of an input.)
		An := b.bind(view(A, r, l.In, l.K, l.K), tag+".lora_A", a.Train)
		Bn := b.bind(view(B, l.Out, r, 1, 1), tag+".lora_B", a.Train)
		h := b.check(Conv2d(x, An, nil))
		h = b.check(G.HadamardProd(h, b.constant(a.Weight*a.Adapter.Config.Scale()))) // weight * alpha/rank
		// The branch first: an in-place add writes into its left operand,
		// and y may be a reshape of the input noise (see noise).
		y = b.check(G.Add(b.check(Conv2d(h, Bn, nil)), y))
	}
	return y
}

// view is t with another shape, sharing its memory.
func view(t *tensor.Dense, shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(t.Data()))
}

// SetInputs binds a batch of prompts and noise vectors (len == Batch).
func (net *Net) SetInputs(prompts []world.Prompt, zs [][]float64) error {
	words, z, err := net.Gen.Inputs(prompts, zs)
	if err != nil {
		return err
	}
	if words.Shape()[0] != net.Words.Shape()[0] {
		return fmt.Errorf("generator inputs: %d prompts for a batch of %d", words.Shape()[0], net.Words.Shape()[0])
	}
	if err := G.Let(net.Words, words); err != nil {
		return err
	}
	return G.Let(net.Z, z)
}

// Inputs encodes prompts as multi-hot word vectors and noise as a matrix,
// in the generator's dtype.
func (gen *Generator) Inputs(prompts []world.Prompt, zs [][]float64) (words, z *tensor.Dense, err error) {
	if len(prompts) != len(zs) {
		return nil, nil, fmt.Errorf("generator inputs: %d prompts but %d noise vectors", len(prompts), len(zs))
	}
	dt, err := gen.dtype()
	if err != nil {
		return nil, nil, err
	}
	n, v := len(prompts), len(gen.Vocab)
	wv, zv := make([]float64, n*v), make([]float64, n*world.ZDim)
	for i, p := range prompts {
		for _, w := range p.Words() {
			j := slices.Index(gen.Vocab, w)
			if j < 0 {
				return nil, nil, fmt.Errorf("generator inputs: word %q is not in the vocabulary", w)
			}
			wv[i*v+j] = 1
		}
		if len(zs[i]) != world.ZDim {
			return nil, nil, fmt.Errorf("generator inputs: noise %d has length %d, want %d", i, len(zs[i]), world.ZDim)
		}
		copy(zv[i*world.ZDim:], zs[i])
	}
	return fromFloat64(dt, wv, n, v), fromFloat64(dt, zv, n, world.ZDim), nil
}

func fromFloat64(dt tensor.Dtype, v []float64, shape ...int) *tensor.Dense {
	if dt == tensor.Float64 {
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(v))
	}
	f := make([]float32, len(v))
	for i, x := range v {
		f[i] = float32(x)
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(f))
}

// Images converts the net's output after a run into RGBA images.
func (net *Net) Images() ([]*image.RGBA, error) {
	v := net.Image.Value()
	if v == nil {
		return nil, fmt.Errorf("generator has not run")
	}
	return TensorImages(v.(*tensor.Dense))
}

// TensorImages converts (N, 3, H, W) values in [0, 1] into RGBA images.
func TensorImages(t *tensor.Dense) ([]*image.RGBA, error) {
	s := t.Shape()
	if s.Dims() != 4 || s[1] != 3 {
		return nil, fmt.Errorf("images: want shape (N, 3, H, W), got %v", s)
	}
	n, h, w := s[0], s[2], s[3]
	at := func(i int) float64 { return 0 }
	switch d := t.Data().(type) {
	case []float32:
		at = func(i int) float64 { return float64(d[i]) }
	case []float64:
		at = func(i int) float64 { return d[i] }
	}
	q := func(v float64) uint8 { return uint8(min(max(v*255+0.5, 0), 255)) }
	imgs := make([]*image.RGBA, n)
	for k := range imgs {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				o := (k*3*h+y)*w + x
				img.SetRGBA(x, y, color.RGBA{q(at(o)), q(at(o + h*w)), q(at(o + 2*h*w)), 255})
			}
		}
		imgs[k] = img
	}
	return imgs, nil
}

// ImagesTensor converts images (e.g. world.Render targets) to a float32
// (N, 3, H, W) tensor in [0, 1], the layout of Net.Image.
func ImagesTensor(imgs []*image.RGBA) (*tensor.Dense, error) {
	if len(imgs) == 0 {
		return nil, fmt.Errorf("images tensor: no images")
	}
	b := imgs[0].Bounds()
	h, w := b.Dy(), b.Dx()
	out := make([]float32, len(imgs)*3*h*w)
	for k, img := range imgs {
		if img.Bounds().Dx() != w || img.Bounds().Dy() != h {
			return nil, fmt.Errorf("images tensor: image %d is %v, image 0 is %v", k, img.Bounds(), b)
		}
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				c := img.RGBAAt(b.Min.X+x, b.Min.Y+y)
				o := (k*3*h+y)*w + x
				out[o], out[o+h*w], out[o+2*h*w] = float32(c.R)/255, float32(c.G)/255, float32(c.B)/255
			}
		}
	}
	return tensor.New(tensor.WithShape(len(imgs), 3, h, w), tensor.WithBacking(out)), nil
}
