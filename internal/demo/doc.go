// Package demo produces demonstration traffic for mcpaudit: a deliberately
// malicious MCP server ([EvilServer]), scripted MCP client sessions
// ([Scenario]) that are either benign or attacks, and a driver ([RunAll])
// that plays every scenario through `mcpaudit tap`, waits for the expected
// alerts on the REST query API and prints a report.
//
// Everything stays on the local machine: the malicious server never reads the
// real disk and never makes network calls; its "secrets" are obviously fake.
//
// Benign scenarios use the reference MCP servers from npm
// (@modelcontextprotocol/server-filesystem, server-memory, server-everything),
// installed under the prefix [DefaultNPMPrefix] returns; [NPMServer] builds
// their command lines and fails with a clear error when one is missing.
//
// The end-to-end test of the pipeline imports this package: each scenario
// lists the detection rule ids that must fire (ExpectRules), may fire
// (AlsoRules), and [Result] carries the tool calls made so a test can check
// that each was stored exactly once.
package demo
