package world

import (
	"image"

	"dualprocess/picture"
)

// BoxErrors sums, for one kind of object, an image's mean absolute error
// against the render inside each of the kind's boxes, and where the kind
// can be left out of the prompt (Prompt.Without), the same for the render
// without it: what an image that leaves the objects out would score.
type BoxErrors struct {
	N      int     // boxes
	Sum    float64 // the image's error, summed over the boxes
	Out    int     // boxes whose kind can be left out
	SumOut float64 // the image's error over those boxes
	Absent float64 // the left-out render's error over those boxes
}

// Drawn is how much of the way from leaving the objects out to drawing
// them as the renderer does the image goes: 1 - SumOut / Absent; false
// when no box could be left out or leaving them out changes nothing.
func (e BoxErrors) Drawn() (float64, bool) {
	if e.Out == 0 || e.Absent == 0 {
		return 0, false
	}
	return 1 - e.SumOut/e.Absent, true
}

// Add sums e and f.
func (e BoxErrors) Add(f BoxErrors) BoxErrors {
	return BoxErrors{e.N + f.N, e.Sum + f.Sum, e.Out + f.Out, e.SumOut + f.SumOut, e.Absent + f.Absent}
}

// ObjectErrors compares img with r, the render of prompt p and noise z,
// inside the boxes of the sun (as "sun") and of each kind of object.
func ObjectErrors(img *image.RGBA, r Rendering, p Prompt, z []float64) map[string]BoxErrors {
	out := map[string]BoxErrors{}
	absent := map[string]*image.RGBA{}
	for kind, box := range r.Truth.Boxes() {
		e := out[kind]
		d := picture.BoxAbsDiff(img, r.Image, box)
		e.N++
		e.Sum += d
		if q, ok := p.Without(kind); ok {
			if absent[kind] == nil {
				absent[kind] = Render(Sample(q, z)).Image
			}
			e.Out++
			e.SumOut += d
			e.Absent += picture.BoxAbsDiff(absent[kind], r.Image, box)
		}
		out[kind] = e
	}
	return out
}
