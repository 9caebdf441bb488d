package judge

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"

	"dualprocess/picture"
	"dualprocess/training/world"
)

// Kinds lists the judges by name.
var Kinds = []string{"horizon", "palette", "lineweight", "sun", "sky", "depth", "tree"}

// DepthModel estimates log-depth (larger is farther) at points of an image,
// given as fractions of its size. Relative depth has no formula: the depth
// judge is a trained network (model.DepthNet), set here by the program.
type DepthModel interface {
	LogDepthAt(img image.Image, pts [][2]float64) ([]float64, error)
}

// Depth is the depth judge's model; nil until the program loads one.
var Depth DepthModel

// Target is what a judge checks an image against. Positions are fractions
// of the image size (0..1), widths pixels at 64 px. Tolerance 0 means the
// judge's default; for the tree judge it is the least tree cover that passes.
type Target struct {
	Kind      string       `json:"kind"`
	Row       *float64     `json:"row,omitempty"`    // horizon: row as a fraction of the height
	Width     *float64     `json:"width,omitempty"`  // lineweight: outline width, px at 64 px
	Colors    []string     `json:"colors,omitempty"` // palette, sky: #rrggbb colours
	Point     *[2]float64  `json:"point,omitempty"`  // sun: centre (x, y)
	Box       *[4]float64  `json:"box,omitempty"`    // sun: centre inside (x0, y0, x1, y1)
	Points    [][2]float64 `json:"points,omitempty"` // depth: A then B; passes when A is closer than B
	X         *float64     `json:"x,omitempty"`      // tree: the line's column as a fraction of the width
	Tolerance float64      `json:"tolerance,omitempty"`
}

// Result is a judge's measurement of one image and, with a target, its verdict.
type Result struct {
	Kind      string         `json:"kind"`
	Found     bool           `json:"found"`
	Note      string         `json:"note,omitempty"`          // why nothing was found
	Horizon   float64        `json:"horizon_row,omitempty"`   // fraction of the height
	Width     float64        `json:"outline_width,omitempty"` // px at 64 px
	Palette   *PaletteResult `json:"palette,omitempty"`
	Sun       *SunResult     `json:"sun,omitempty"`
	Sky       string         `json:"sky_colour,omitempty"` // #rrggbb median colour of the sky
	Depths    []float64      `json:"log_depths,omitempty"` // depth: estimated log-depth at each point
	TreeCover float64        `json:"tree_cover,omitempty"` // tree: cover (0..1) at the line, in its most covered row of cells
	Verdict   *Verdict       `json:"verdict,omitempty"`
}

// SunResult is the sun's centre and radius as fractions of the image size.
type SunResult struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	R float64 `json:"radius"`
}

// Verdict says whether a measurement meets a target.
type Verdict struct {
	Pass      bool    `json:"pass"`
	Target    string  `json:"target"`
	Error     float64 `json:"error"`     // distance from the target in the judge's units
	Tolerance float64 `json:"tolerance"` // largest error that passes
	Units     string  `json:"units"`
}

// Measure runs one judge on an image. Palette needs colours, so it is only
// available through Check.
func Measure(img image.Image, kind string) (Result, error) {
	r := newRaster(img)
	res := Result{Kind: kind}
	var err error
	switch kind {
	case "horizon":
		var row float64
		if row, err = Horizon(r); err == nil {
			res.Horizon = row / float64(r.h)
		}
	case "lineweight":
		res.Width, err = LineWeight(r)
	case "sun":
		var d SunDisc
		if d, err = Sun(r); err == nil {
			res.Sun = &SunResult{d.X / float64(r.w), d.Y / float64(r.h), d.R / float64(r.h)}
		}
	case "sky":
		var c color.RGBA
		if c, _, err = SkyColour(r); err == nil {
			res.Sky = world.Hex(c.R, c.G, c.B)
		}
	case "palette":
		return res, fmt.Errorf("the palette judge needs target colours")
	case "depth":
		return res, fmt.Errorf("the depth judge needs target points A and B")
	case "tree":
		return res, fmt.Errorf("the tree judge needs a target column x")
	default:
		return res, fmt.Errorf("unknown judge %q (known: %s)", kind, strings.Join(Kinds, ", "))
	}
	res.Found = err == nil
	if err != nil {
		res.Note = err.Error()
	}
	return res, nil
}

// Check measures an image and judges it against a target.
func Check(img image.Image, t Target) (Result, error) {
	if err := t.Validate(); err != nil {
		return Result{}, err
	}
	if t.Kind == "palette" {
		pal, _ := parseColors(t.Colors)
		p := Palette(newRaster(img), pal)
		tol := or(t.Tolerance, PaletteTolerance)
		minCov := math.Inf(1)
		for _, c := range p.Coverage {
			minCov = math.Min(minCov, c)
		}
		v := &Verdict{Pass: p.MeanDeltaE <= tol && minCov >= PaletteMinCoverage,
			Target: strings.Join(t.Colors, ","), Error: p.MeanDeltaE, Tolerance: tol, Units: "mean delta E"}
		return Result{Kind: "palette", Found: true, Palette: &p, Verdict: v}, nil
	}
	if t.Kind == "sky" {
		return checkSky(img, t)
	}
	if t.Kind == "depth" {
		return checkDepth(img, t)
	}
	if t.Kind == "tree" {
		return checkTree(img, t)
	}
	res, err := Measure(img, t.Kind)
	if err != nil {
		return res, err
	}
	v := &Verdict{}
	switch t.Kind {
	case "horizon":
		v.Target, v.Units = fmt.Sprintf("row %.3f", *t.Row), "px at 64"
		v.Tolerance = or(t.Tolerance, HorizonTolerance)
		v.Error = math.Abs(res.Horizon-*t.Row) * world.Size
	case "lineweight":
		v.Target, v.Units = fmt.Sprintf("width %.2f", *t.Width), "px at 64"
		v.Tolerance = or(t.Tolerance, LineWeightTolerance)
		v.Error = math.Abs(res.Width - *t.Width) // no outlines measures 0
	case "sun":
		v.Units = "px at 64"
		v.Tolerance = or(t.Tolerance, SunTolerance)
		v.Error = math.Inf(1)
		if res.Found && t.Point != nil {
			v.Target = fmt.Sprintf("centre %.3f,%.3f", t.Point[0], t.Point[1])
			v.Error = math.Hypot(res.Sun.X-t.Point[0], res.Sun.Y-t.Point[1]) * world.Size
		}
		if res.Found && t.Box != nil {
			v.Target = fmt.Sprintf("centre inside box %.3f,%.3f,%.3f,%.3f", t.Box[0], t.Box[1], t.Box[2], t.Box[3])
			dx := math.Max(0, math.Max(t.Box[0]-res.Sun.X, res.Sun.X-t.Box[2]))
			dy := math.Max(0, math.Max(t.Box[1]-res.Sun.Y, res.Sun.Y-t.Box[3]))
			v.Error, v.Tolerance = math.Hypot(dx, dy)*world.Size, or(t.Tolerance, 0)
		}
	}
	if !res.Found && t.Kind != "lineweight" {
		v.Error = math.Inf(1)
	}
	v.Pass = v.Error <= v.Tolerance
	if math.IsInf(v.Error, 1) {
		v.Error = -1 // JSON has no infinity; -1 means nothing was found
	}
	res.Verdict = v
	return res, nil
}

// Validate reports a target that names no known judge or lacks its value.
func (t Target) Validate() error {
	switch t.Kind {
	case "horizon":
		if t.Row == nil || *t.Row < 0 || *t.Row > 1 {
			return fmt.Errorf("horizon target needs row between 0 and 1 (fraction of the height)")
		}
	case "lineweight":
		if t.Width == nil || *t.Width < 0 || *t.Width > 16 {
			return fmt.Errorf("lineweight target needs width in pixels at 64 px (0 for no outlines, up to 16)")
		}
	case "palette", "sky":
		if _, err := parseColors(t.Colors); err != nil {
			return fmt.Errorf("%s target: %w", t.Kind, err)
		}
	case "sun":
		if (t.Point == nil) == (t.Box == nil) {
			return fmt.Errorf("sun target needs either point [x, y] or box [x0, y0, x1, y1], as fractions")
		}
		if t.Box != nil && (t.Box[0] >= t.Box[2] || t.Box[1] >= t.Box[3]) {
			return fmt.Errorf("sun target box %v is empty: want x0 < x1 and y0 < y1", *t.Box)
		}
	case "depth":
		if len(t.Points) != 2 {
			return fmt.Errorf("depth target needs points [[xA, yA], [xB, yB]] as fractions (A should be closer)")
		}
		for _, p := range t.Points {
			if p[0] < 0 || p[0] > 1 || p[1] < 0 || p[1] > 1 {
				return fmt.Errorf("depth target point %v outside 0..1", p)
			}
		}
	case "tree":
		if t.X == nil || *t.X < 0 || *t.X > 1 {
			return fmt.Errorf("tree target needs x between 0 and 1 (the line's column as a fraction of the width)")
		}
		if t.Tolerance > 1 {
			return fmt.Errorf("tree target: tolerance %g is the least tree cover that passes, at most 1", t.Tolerance)
		}
	default:
		return fmt.Errorf("unknown judge %q (known: %s)", t.Kind, strings.Join(Kinds, ", "))
	}
	if t.Tolerance < 0 {
		return fmt.Errorf("%s target: tolerance must not be negative", t.Kind)
	}
	return nil
}

func parseColors(cs []string) ([]color.RGBA, error) {
	if len(cs) == 0 {
		return nil, fmt.Errorf("no colours: give colours like #e07040")
	}
	out := make([]color.RGBA, len(cs))
	for i, s := range cs {
		c, err := picture.ParseColor(s)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

func or(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

func checkSky(img image.Image, t Target) (Result, error) {
	cols, _ := parseColors(t.Colors)
	res := Result{Kind: "sky"}
	v := &Verdict{Target: "sky colour " + strings.Join(t.Colors, " or "), Tolerance: or(t.Tolerance, SkyTolerance),
		Units: "delta E", Error: -1}
	c, lab, err := SkyColour(newRaster(img))
	if err != nil {
		res.Note = err.Error()
	} else {
		res.Found, res.Sky = true, world.Hex(c.R, c.G, c.B)
		v.Error = skyDistance(lab, cols)
		v.Pass = v.Error <= v.Tolerance
	}
	res.Verdict = v
	return res, nil
}

// DepthTolerance is the depth judge's default margin in log-depth: A passes
// when the model puts it at most 1/1.5 as far as B. That is the margin the
// judge is checked at (eval-judges: pairs at least 1.5 times apart); nearer
// pairs are within its error, and with no margin two points on flat ground
// at one row passed or failed by rounding.
const DepthTolerance = 0.4

// checkDepth passes when the depth model puts point A nearer than point B
// by at least the tolerance (in log-depth; default DepthTolerance).
func checkDepth(img image.Image, t Target) (Result, error) {
	if Depth == nil {
		return Result{}, fmt.Errorf("the depth judge's weights are not loaded")
	}
	d, err := Depth.LogDepthAt(img, t.Points)
	if err != nil {
		return Result{}, fmt.Errorf("depth judge: %w", err)
	}
	v := &Verdict{Target: fmt.Sprintf("A %v closer than B %v", t.Points[0], t.Points[1]),
		Error: d[0] - d[1], Tolerance: -or(t.Tolerance, DepthTolerance), Units: "log-depth of A minus B"}
	v.Pass = v.Error < v.Tolerance
	return Result{Kind: "depth", Found: true, Depths: d, Verdict: v}, nil
}
