// Package assets holds files built into the binary.
package assets

import _ "embed"

// Icon is the application icon, a 256x256 PNG drawn by icon_gen.go.
//
//go:embed icon.png
var Icon []byte

// Generator is the built-in generator's weights (model.Generator.Save
// format), made by `dualprocess pretrain generator` as the README says.
//
//go:embed generator.safetensors
var Generator []byte
