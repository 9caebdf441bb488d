package assets

import _ "embed"

// Depth holds the depth judge's weights (model.DepthNet), made by
//
//	dualprocess pretrain depth --out assets/depth.safetensors --steps 6000
//
//go:embed depth.safetensors
var Depth []byte
