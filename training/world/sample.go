package world

import "math"

// Uses of the noise vector: each scene parameter reads fixed components,
// mapped to (0,1) by the normal CDF, so the scene varies smoothly with z.
const (
	zHorizon = iota
	zSunX
	zSunY
	zSunR
	zSkyJitter
	zGroundJitter
	zOutline
	zSkylineA
	zSkylineB
	zTreesX
	zTreesY
	zHouseX
	zHouseY
	zBoat
	zCloudA
	zCloudB
)

// builder accumulates the shapes of a scene in drawing order.
type builder struct {
	s    *Scene
	z    []float64
	sky  [2]rgb
	minY float64 // highest point (smallest row) of anything standing in the sky

	water   shape   // the lake or pond, if any
	sandTop float64 // the first row of the beach (sea)
}

func (b *builder) u(i int) float64 { return uniform(b.z[i]) }

// mixU is a second uniform from two components, for parameters that need more
// variety than one component gives.
func (b *builder) mixU(i, j int, a float64) float64 {
	return uniform((b.z[i]*a + b.z[j]*(1-a)) / math.Hypot(a, 1-a))
}

func (b *builder) add(sh shape, standsInSky bool) {
	b.s.shapes = append(b.s.shapes, sh)
	if standsInSky {
		b.minY = math.Min(b.minY, sh.y0)
	}
}

func (b *builder) addObject(kind string, x0, y0, x1, y1, depth float64) {
	b.s.Objects = append(b.s.Objects, Object{kind, x0, y0, x1, y1, depth})
}

// groundDepth is the depth of flat ground at a row below the horizon (an
// outline drawn across the horizon reaches above it: it gets the farthest
// ground depth).
func groundDepth(y, horizon float64) float64 {
	return 1.2 / math.Max(y-horizon+1, 1.2/0.85)
}

// Sample builds the scene for a prompt and a noise vector z (length ZDim).
// It is deterministic: the same (p, z) always gives the same scene.
func Sample(p Prompt, z []float64) Scene {
	if len(z) != ZDim {
		panic("world.Sample: z must have length ZDim")
	}
	s := &Scene{Prompt: p}
	b := &builder{s: s, z: z, minY: Size}
	s.Horizon = Size * (0.2 + 0.6*b.u(zHorizon))
	if p.Outlined {
		s.OutlineWidth = 1.25 + 2.75*b.u(zOutline)
	}
	b.sky = skyColours[p.Time]
	jit := 0.88 + 0.24*b.u(zSkyJitter)
	b.sky[0], b.sky[1] = b.sky[0].scale(jit), b.sky[1].scale(jit)
	b.addSky()
	land := b.addGround()
	b.addSkyline()
	if p.Clouds {
		b.addClouds()
	}
	if p.Trees {
		b.addTrees(land)
	}
	if p.House {
		b.addHouse(land)
	}
	if p.Boat {
		b.addBoat()
	}
	b.addSun()
	return *s
}
