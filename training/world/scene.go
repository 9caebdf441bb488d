package world

import "image"

// Size is the side of a rendered image in pixels.
const Size = 64

// Sun is the sun (or the moon at night) as a disc in pixel coordinates.
type Sun struct {
	Moon    bool
	X, Y, R float64
}

// Object is one placed object with its bounding box (pixels) and depth
// (0 near .. 1 far, the depth map's units).
type Object struct {
	Kind           string
	X0, Y0, X1, Y1 float64
	Depth          float64
}

// Scene is everything needed to render one image. Sample builds it.
type Scene struct {
	Prompt       Prompt
	Horizon      float64 // row of the sky/ground boundary, pixels from the top
	OutlineWidth float64 // outline stroke width in pixels; 0 when flat
	Sun          Sun
	Objects      []Object
	shapes       []shape
}

// Rendering is a rendered scene: image, depth map and the truth about it.
type Rendering struct {
	Image *image.RGBA
	Depth []float32 // Size*Size, row-major, 0 near .. 1 far (sky)
	Sky   []bool    // Size*Size, row-major: the pixel shows plain sky (no sun, cloud or outline)
	Truth Truth
}
