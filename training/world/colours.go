package world

// Colours of the world at noon; times of day recolour them (see light).
var (
	skyColours = map[string][2]rgb{ // top, bottom
		"dawn":   {{0.55, 0.60, 0.85}, {0.95, 0.78, 0.70}},
		"noon":   {{0.30, 0.55, 0.90}, {0.62, 0.80, 0.96}},
		"sunset": {{0.45, 0.30, 0.58}, {0.95, 0.45, 0.30}},
		"night":  {{0.13, 0.17, 0.36}, {0.26, 0.30, 0.52}},
	}
	sunColours = map[string]rgb{
		"dawn":   {1.00, 0.93, 0.55},
		"noon":   {1.00, 0.96, 0.50},
		"sunset": {1.00, 0.88, 0.45},
		"night":  {0.94, 0.94, 0.86}, // the moon
	}
	cloudColours = map[string]rgb{
		"dawn":   {0.96, 0.86, 0.86},
		"noon":   {0.90, 0.92, 0.95},
		"sunset": {0.80, 0.58, 0.62},
		"night":  {0.36, 0.38, 0.48},
	}
	groundColours = map[string]rgb{
		"mountains": {0.40, 0.55, 0.30},
		"lake":      {0.35, 0.62, 0.30},
		"sea":       {0.15, 0.40, 0.70}, // open water up to the horizon
		"desert":    {0.88, 0.75, 0.45},
		"hills":     {0.45, 0.72, 0.32},
		"city":      {0.50, 0.50, 0.48},
	}
	skylineColours = map[string]rgb{ // mountains, dunes, hills, buildings
		"mountains": {0.47, 0.46, 0.58},
		"desert":    {0.78, 0.60, 0.34},
		"hills":     {0.28, 0.55, 0.26},
		"city":      {0.62, 0.56, 0.50},
	}
	waterColour  = rgb{0.22, 0.48, 0.80}
	sandColour   = rgb{0.90, 0.80, 0.55}
	crownColour  = rgb{0.18, 0.50, 0.22}
	trunkColour  = rgb{0.45, 0.30, 0.15}
	wallColour   = rgb{0.88, 0.78, 0.62}
	roofColour   = rgb{0.68, 0.24, 0.20}
	hullColour   = rgb{0.52, 0.30, 0.14}
	sailColour   = rgb{0.96, 0.96, 0.92}
	outlineColor = rgb{0.07, 0.07, 0.09}
)

// light recolours a noon colour for a time of day.
func light(c rgb, time string) rgb {
	switch time {
	case "dawn":
		return c.scale(0.92).add(rgb{0.05, 0.01, -0.01})
	case "sunset":
		return c.scale(0.78).add(rgb{0.08, -0.02, -0.04})
	case "night":
		return c.scale(0.6).add(rgb{0.0, 0.03, 0.08})
	}
	return c
}
