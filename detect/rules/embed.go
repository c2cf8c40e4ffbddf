// Package rules embeds mcpaudit's built-in detection rule pack: the *.yaml
// files in this directory, and their fixtures under tests/ (corpus cases:
// tests/<rule-id>/match/*.json must make the rule fire, nomatch/*.json must
// not; `mcpaudit rules test` runs them). Load the pack with
// detect.LoadBuiltin; the file format is described in README.md and in the
// detect package documentation.
package rules

import "embed"

// FS holds the built-in rule files (*.yaml at its root).
//
//go:embed *.yaml
var FS embed.FS

// Tests holds the fixtures of the built-in rules, under "tests".
//
//go:embed tests
var Tests embed.FS
