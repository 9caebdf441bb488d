package world

// Render draws a scene at Size x Size with 4x4 supersampling and returns the
// image, its depth map and the truth.
func Render(s Scene) Rendering {
	panic("TODO")
}

// Sample builds the scene for a prompt and a noise vector z (length ZDim).
// It is deterministic: the same (p, z) always gives the same scene.
func Sample(p Prompt, z []float64) Scene {
	panic("TODO")
}

// RenderPrompt parses a prompt and renders it for a seed's noise.
func RenderPrompt(prompt string, seed int64) (Rendering, error) {
	p, err := ParsePrompt(prompt)
	if err != nil {
		return Rendering{}, err
	}
	return Render(Sample(p, Noise(seed))), nil
}

type shape struct{}
