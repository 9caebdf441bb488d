package assets

import _ "embed"

// Rater holds the rater's weights (model.Rater, the built-in VLM), made by
// the commands in docs/rater/README.md.
//
//go:embed rater.safetensors
var Rater []byte
