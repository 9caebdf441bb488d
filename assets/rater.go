package assets

import _ "embed"

// Rater holds the rater's weights (model.Rater, the built-in VLM), made by
// the command in the README's "Rater" section.
//
//go:embed rater.safetensors
var Rater []byte
