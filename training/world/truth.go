package world

import "fmt"

// Truth is what the renderer knows about an image, in JSON-friendly form.
// Rows and columns are in pixels from the top-left corner; a pixel (x, y)
// covers [x, x+1) x [y, y+1).
type Truth struct {
	Prompt       string         `json:"prompt"`
	Width        int            `json:"width"`
	Height       int            `json:"height"`
	Horizon      float64        `json:"horizon_row"`
	HorizonFrac  float64        `json:"horizon_frac"`
	OutlineWidth float64        `json:"outline_width"` // 0 when flat
	Palette      []PaletteEntry `json:"palette"`
	Sun          *SunTruth      `json:"sun,omitempty"`
	Objects      []ObjectTruth  `json:"objects"`
}

// PaletteEntry is one main colour of the image with the share of pixels it fills.
type PaletteEntry struct {
	Name     string  `json:"name"`
	Hex      string  `json:"hex"`
	Coverage float64 `json:"coverage"`
}

// SunTruth is the sun or moon disc.
type SunTruth struct {
	Kind   string  `json:"kind"` // "sun" or "moon"
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	Radius float64 `json:"radius"`
}

// ObjectTruth is a placed object: box [x0, y0, x1, y1] in pixels and depth.
type ObjectTruth struct {
	Kind  string     `json:"kind"`
	Box   [4]float64 `json:"box"`
	Depth float64    `json:"depth"`
}

// Hex formats a colour as #rrggbb.
func Hex(r, g, b uint8) string { return fmt.Sprintf("#%02x%02x%02x", r, g, b) }
