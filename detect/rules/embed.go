// Package rules embeds mcpaudit's built-in detection rule pack: the *.yaml
// files in this directory. Load it with detect.LoadBuiltin; the file format
// is described in README.md and in the detect package documentation.
package rules

import "embed"

// FS holds the built-in rule files (*.yaml at its root).
//
//go:embed *.yaml
var FS embed.FS
