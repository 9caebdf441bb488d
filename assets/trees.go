package assets

import _ "embed"

// Trees holds the tree judge's weights (model.TreeNet), made by
//
//	dualprocess pretrain trees --out assets/trees.safetensors
//
//go:embed trees.safetensors
var Trees []byte
