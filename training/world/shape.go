package world

import "math"

// A shape is one filled region of a scene, described by a signed distance
// function (negative inside) so that fills and outlines of any width are
// exact and anti-aliased by supersampling.
type shape struct {
	label          string  // what it is: "sky", "ground", "tree", ...
	fill           rgb     // sRGB components 0..1
	depth          float64 // 0 near .. 1 far
	groundDepth    bool    // depth follows the ground plane instead of depth
	outline        bool    // draw the scene's outline around it (outlined style)
	outlineOutside bool    // the outline lies outside the fill instead of centred on its edge
	x0, y0, x1, y1 float64 // bounding box of the fill, pixels
	sdf            func(x, y float64) float64
	skyGradient    func(y float64) rgb // colour by row instead of fill (the sky)
}

func halfPlaneBelow(h float64) func(x, y float64) float64 {
	return func(x, y float64) float64 { return h - y }
}

func circle(cx, cy, r float64) func(x, y float64) float64 {
	return func(x, y float64) float64 { return math.Hypot(x-cx, y-cy) - r }
}

// ellipse is an approximate signed distance to an axis-aligned ellipse,
// exact on the axes and good enough for thin outlines of round shapes.
func ellipse(cx, cy, rx, ry float64) func(x, y float64) float64 {
	return func(x, y float64) float64 {
		dx, dy := (x-cx)/rx, (y-cy)/ry
		k := math.Hypot(dx, dy)
		if k == 0 {
			return -math.Min(rx, ry)
		}
		// distance along the gradient direction
		g := math.Hypot(dx/rx, dy/ry)
		return k * (k - 1) / g
	}
}

func box(x0, y0, x1, y1 float64) func(x, y float64) float64 {
	cx, cy := (x0+x1)/2, (y0+y1)/2
	hx, hy := (x1-x0)/2, (y1-y0)/2
	return func(x, y float64) float64 {
		dx, dy := math.Abs(x-cx)-hx, math.Abs(y-cy)-hy
		out := math.Hypot(math.Max(dx, 0), math.Max(dy, 0))
		return out + math.Min(math.Max(dx, dy), 0)
	}
}

// polygon is the signed distance to a convex polygon whose vertices are
// listed clockwise on screen (y grows downwards).
func polygon(pts ...[2]float64) func(x, y float64) float64 {
	return func(x, y float64) float64 {
		inside := true
		best := math.Inf(1)
		maxEdge := math.Inf(-1)
		for i := range pts {
			a, b := pts[i], pts[(i+1)%len(pts)]
			ex, ey := b[0]-a[0], b[1]-a[1]
			l := math.Hypot(ex, ey)
			// outward normal for clockwise order on a y-down screen
			nx, ny := ey/l, -ex/l
			side := (x-a[0])*nx + (y-a[1])*ny
			if side > 0 {
				inside = false
			}
			maxEdge = math.Max(maxEdge, side)
			t := math.Max(0, math.Min(1, ((x-a[0])*ex+(y-a[1])*ey)/(l*l)))
			best = math.Min(best, math.Hypot(x-a[0]-t*ex, y-a[1]-t*ey))
		}
		if inside {
			return maxEdge
		}
		return best
	}
}

// union joins shapes: the distance to the nearest of them.
func union(fs ...func(x, y float64) float64) func(x, y float64) float64 {
	return func(x, y float64) float64 {
		d := math.Inf(1)
		for _, f := range fs {
			d = math.Min(d, f(x, y))
		}
		return d
	}
}
