package assets

import "embed"

// Tasks holds the built-in teaching tasks (tasks/*.json, the format of
// package training/teach).
//
//go:embed tasks/*.json
var Tasks embed.FS
