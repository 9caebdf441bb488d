package world

import "math"

// band is a range of rows [top, bottom] where objects may stand.
type band struct{ top, bottom float64 }

func (bd band) at(t float64) float64 { return bd.top + (bd.bottom-bd.top)*t }

func (b *builder) addSky() {
	sky := b.sky
	h := b.s.Horizon
	b.add(shape{label: "sky", depth: 1, x0: 0, y0: 0, x1: Size, y1: Size,
		sdf:         func(x, y float64) float64 { return -1e9 },
		skyGradient: func(y float64) rgb { return mix(sky[0], sky[1], math.Min(1, y/h)) },
	}, false)
}

// addGround lays the ground (or sea) below the horizon and returns the band
// of rows where objects can stand on land.
func (b *builder) addGround() band {
	p, h := b.s.Prompt, b.s.Horizon
	jit := 0.9 + 0.2*b.u(zGroundJitter)
	g := light(groundColours[p.Kind], p.Time).scale(jit)
	g = b.keepContrast(g)
	b.add(shape{label: "ground", fill: g, depth: 0.85, outline: true,
		x0: 0, y0: h, x1: Size, y1: Size, sdf: halfPlaneBelow(h), groundDepth: true}, false)
	land := band{h + 1.5, Size - 1.5}
	switch {
	case p.Kind == "sea":
		top := Size - 0.22*(Size-h)
		b.sandTop = top
		b.add(shape{label: "sand", fill: light(sandColour, p.Time), outline: true,
			x0: 0, y0: top, x1: Size, y1: Size, sdf: halfPlaneBelow(top), groundDepth: true}, false)
		land = band{top + 1, Size - 1.5}
	case p.Kind == "lake" || p.Boat:
		cy, ry := h+0.64*(Size-h), 0.26*(Size-h)
		cx := 32 + 8*(b.mixU(zBoat, zHouseX, 0.3)-0.5)
		rx := 20 + 6*b.mixU(zSkylineA, zBoat, 0.5)
		b.water = shape{label: "water", fill: light(waterColour, p.Time), outline: true,
			x0: cx - rx, y0: cy - ry, x1: cx + rx, y1: cy + ry, sdf: ellipse(cx, cy, rx, ry), groundDepth: true}
		b.add(b.water, false)
		land = band{h + 1.5, cy - ry - 1}
	}
	return land
}

// keepContrast makes a ground colour lighter or darker, by the smallest
// factor that works, until it differs clearly from the sky at the horizon,
// so the horizon is always visible. It never darkens a colour towards the
// near-black of outlines.
func (b *builder) keepContrast(g rgb) rgb {
	for _, k := range []float64{1, 0.9, 1.1, 0.8, 1.2, 0.7, 1.3, 0.6, 1.45, 1.6, 1.8} {
		c := g.scale(k)
		if deltaE(c, b.sky[1]) >= 25 && max(c[0], c[1], c[2]) >= 0.3 && max(c[0], c[1], c[2]) <= 1 {
			return c
		}
	}
	return g
}

func lum(c rgb) float64 { return 0.299*c[0] + 0.587*c[1] + 0.114*c[2] }

// addSkyline adds what stands on the horizon: mountains, hills, dunes or buildings.
func (b *builder) addSkyline() {
	p, h := b.s.Prompt, b.s.Horizon
	c, ok := skylineColours[p.Kind]
	if !ok {
		return
	}
	c = light(c, p.Time)
	maxH := math.Min(16, h-10) // leave room for the sun above
	if maxH < 3 {
		return
	}
	a, bb := b.u(zSkylineA), b.u(zSkylineB)
	ab := b.mixU(zSkylineA, zSkylineB, 0.5)
	switch p.Kind {
	case "mountains":
		for _, pk := range [][2]float64{{6 + 18*a, 0.55 + 0.45*bb}, {34 + 20*ab, 0.4 + 0.5*a}} {
			x, ht := pk[0], maxH*pk[1]
			w := math.Min(0.7*ht, 6.5)
			b.add(shape{label: "mountain", fill: c, depth: 0.9, outline: true,
				x0: x - w, y0: h - ht, x1: x + w, y1: h + 1,
				sdf: polygon([2]float64{x - w, h + 1}, [2]float64{x, h - ht}, [2]float64{x + w, h + 1})}, true)
		}
	case "hills", "desert":
		label := map[string]string{"hills": "hill", "desert": "dune"}[p.Kind]
		for _, hl := range [][3]float64{{8 + 16*a, 5 + 2.5*bb, 0.5 + 0.5*ab}, {40 + 16*ab, 4.5 + 3*a, 0.4 + 0.6*bb}} {
			x, rx, ht := hl[0], hl[1], maxH*0.6*hl[2]
			e := ellipse(x, h, rx, ht)
			b.add(shape{label: label, fill: c, depth: 0.9, outline: true,
				x0: x - rx, y0: h - ht, x1: x + rx, y1: h,
				sdf: func(x, y float64) float64 { return math.Max(e(x, y), y-h) }}, true)
		}
	case "city":
		alt := light(rgb{0.42, 0.45, 0.56}, p.Time)
		for i := 0; i < 4; i++ {
			t := float64(i)
			// each building reads its own direction in the (A, B) plane,
			// so neighbours differ in height
			th := t * 1.45
			u := uniform(b.z[zSkylineA]*math.Cos(th) + b.z[zSkylineB]*math.Sin(th))
			x := 4 + 15*t + 5*b.mixU(zSkylineA, zSkylineB, 0.2+0.2*t)
			w := 3 + 2*b.mixU(zSkylineB, zSkylineA, 0.3+0.1*t)
			ht := maxH * (0.3 + 0.7*u)
			fill, label := c, "building"
			if i%2 == 1 {
				fill, label = alt, "blue building"
			}
			b.add(shape{label: label, fill: fill, depth: 0.88, outline: true,
				x0: x, y0: h - ht, x1: x + w, y1: h + 1, sdf: box(x, h-ht, x+w, h+1)}, true)
		}
	}
}

func (b *builder) addClouds() {
	p, h := b.s.Prompt, b.s.Horizon
	c := cloudColours[p.Time]
	for i, u := range []float64{b.u(zCloudA), b.u(zCloudB)} {
		cx := 6 + 22*u + 30*float64(i)
		cy := 3 + 0.3*(h-8)*b.mixU(zCloudA, zCloudB, 0.3+0.4*float64(i))
		r := 2.2 + 1.2*b.mixU(zCloudB, zCloudA, 0.6)
		f := union(circle(cx-r, cy+0.3*r, r), circle(cx, cy-0.2*r, 1.25*r), circle(cx+r*1.1, cy+0.3*r, 0.9*r))
		b.add(shape{label: "cloud", fill: c, depth: 1, outline: true,
			x0: cx - 2*r, y0: cy - 1.45*r, x1: cx + 2*r, y1: cy + 1.3*r, sdf: f}, false)
	}
}

// scaleAt is how near a row is, 0 at the horizon .. 1 at the bottom edge.
func (b *builder) scaleAt(y float64) float64 {
	return math.Max(0, math.Min(1, (y-b.s.Horizon)/(Size-b.s.Horizon)))
}

func (b *builder) addTrees(land band) {
	h := b.s.Horizon
	for k := 0; k < 3; k++ {
		x := 6 + 14*b.u(zTreesX) + 20*float64(k)
		base := land.at(uniform(0.9*b.z[zTreesY] + []float64{-0.9, 0.2, 1.1}[k]))
		ht := math.Min(5+9*b.scaleAt(base), base-10)
		if ht < 3 {
			continue
		}
		tw, cr := math.Max(1, 0.14*ht), 0.32*ht
		cy := base - ht + cr
		b.add(shape{label: "trunk", fill: light(trunkColour, b.s.Prompt.Time), depth: groundDepth(base, h),
			outline: true, x0: x - tw/2, y0: cy, x1: x + tw/2, y1: base, sdf: box(x-tw/2, cy, x+tw/2, base)}, true)
		b.add(shape{label: "tree", fill: light(crownColour, b.s.Prompt.Time), depth: groundDepth(base, h),
			outline: true, x0: x - cr, y0: base - ht, x1: x + cr, y1: cy + cr, sdf: circle(x, cy, cr)}, true)
		b.addObject("tree", x-cr, base-ht, x+cr, base, groundDepth(base, h))
	}
}

func (b *builder) addHouse(land band) {
	h, t := b.s.Horizon, b.s.Prompt.Time
	x := 8 + 44*b.u(zHouseX)
	base := land.at(b.u(zHouseY))
	w := 6 + 8*b.scaleAt(base)
	wallH, roofH := 0.6*w, 0.45*w
	if base-wallH-roofH < 10 {
		k := (base - 10) / (wallH + roofH)
		w, wallH, roofH = w*k, wallH*k, roofH*k
	}
	d := groundDepth(base, h)
	b.add(shape{label: "wall", fill: light(wallColour, t), depth: d, outline: true,
		x0: x - w/2, y0: base - wallH, x1: x + w/2, y1: base, sdf: box(x-w/2, base-wallH, x+w/2, base)}, true)
	top := base - wallH - roofH
	b.add(shape{label: "roof", fill: light(roofColour, t), depth: d, outline: true,
		x0: x - 0.6*w, y0: top, x1: x + 0.6*w, y1: base - wallH,
		sdf: polygon([2]float64{x - 0.6*w, base - wallH}, [2]float64{x, top}, [2]float64{x + 0.6*w, base - wallH})}, true)
	b.addObject("house", x-0.6*w, top, x+0.6*w, base, d)
}

func (b *builder) addBoat() {
	h, t := b.s.Horizon, b.s.Prompt.Time
	water := b.water
	var x, base float64
	if b.s.Prompt.Kind == "sea" {
		sand := b.sandTop
		x = 8 + 48*b.u(zBoat)
		base = h + 2 + (sand-h-3)*b.mixU(zBoat, zHouseY, 0.4)
	} else {
		cx, cy := (water.x0+water.x1)/2, (water.y0+water.y1)/2
		x = cx + 0.5*(water.x1-water.x0)/2*(2*b.u(zBoat)-1)
		base = cy + 0.3*(water.y1-cy)*(2*b.mixU(zBoat, zHouseY, 0.4)-1)
	}
	w := 5 + 7*b.scaleAt(base)
	hullH, sailH := 0.3*w, 0.9*w
	if base-hullH-sailH < 10 {
		k := (base - 10) / (hullH + sailH)
		w, hullH, sailH = w*k, hullH*k, sailH*k
	}
	d := groundDepth(base, h)
	b.add(shape{label: "hull", fill: light(hullColour, t), depth: d, outline: true,
		x0: x - w/2, y0: base - hullH, x1: x + w/2, y1: base,
		sdf: polygon([2]float64{x - w/2, base - hullH}, [2]float64{x + w/2, base - hullH},
			[2]float64{x + 0.32*w, base}, [2]float64{x - 0.32*w, base})}, true)
	top := base - hullH - sailH
	b.add(shape{label: "sail", fill: light(sailColour, t), depth: d, outline: true,
		x0: x - 0.05*w, y0: top, x1: x + 0.4*w, y1: base - hullH,
		sdf: polygon([2]float64{x, top}, [2]float64{x + 0.4*w, base - hullH - 0.5}, [2]float64{x, base - hullH - 0.5})}, true)
	b.addObject("boat", x-w/2, top, x+w/2, base, d)
}

// addSun places the sun (or the moon at night) in the free sky above
// everything that stands on the horizon, so its disc is always whole.
func (b *builder) addSun() {
	p := b.s.Prompt
	top := math.Min(b.minY, b.s.Horizon) - 1
	r := math.Min(2.5+2.5*b.u(zSunR), (top-2)/2)
	y := r + 1 + (top-2*r-1)*b.u(zSunY)
	x := r + 1 + (Size-2*r-2)*b.u(zSunX)
	b.s.Sun = Sun{Moon: p.Time == "night", X: x, Y: y, R: r}
	label := "sun"
	if p.Time == "night" {
		label = "moon"
	}
	b.add(shape{label: label, fill: sunColours[p.Time], depth: 1, outline: true, outlineOutside: true,
		x0: x - r, y0: y - r, x1: x + r, y1: y + r, sdf: circle(x, y, r)}, false)
}
