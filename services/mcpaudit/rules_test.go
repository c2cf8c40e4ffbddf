package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRulesEvalCommand runs `mcpaudit rules eval` on a small corpus and on
// a floors file it does not meet.
func TestRulesEvalCommand(t *testing.T) {
	dir := "../../detect/eval/testdata/cases"
	var out, errOut strings.Builder
	if err := run(t.Context(), []string{"rules", "eval", "-v", dir}, &out, &errOut); err != nil {
		t.Fatalf("rules eval: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"tool_poisoning", "all attacks", "all benign", "false positive benign/plain: plain-1"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errOut.String(), "rules eval: 2/2 cases") {
		t.Errorf("no progress on stderr: %q", errOut.String())
	}
	floors := filepath.Join(t.TempDir(), "floors.json")
	if err := os.WriteFile(floors, []byte(`{"families":{"tool_poisoning":1,"ssrf":0.9},"benign_max_rate":0}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err := run(t.Context(), []string{"rules", "eval", "--floors", floors, dir}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "family ssrf has no cases") || !strings.Contains(err.Error(), "benign alert rate 100.0% > ceiling 0.0%") {
		t.Errorf("rules eval with unmet floors: %v", err)
	}
	if err := run(t.Context(), []string{"rules", "eval"}, &out, &errOut); !errors.Is(err, errUsage) {
		t.Errorf("rules eval without a directory: %v, want usage", err)
	}
}

// TestRulesTestCommand runs every built-in rule's fixtures.
func TestRulesTestCommand(t *testing.T) {
	var out, errOut strings.Builder
	err := run(t.Context(), []string{"rules", "test"}, &out, &errOut)
	if err != nil {
		t.Fatalf("rules test: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "ok   mcp-tool-poisoning") || !strings.Contains(out.String(), "0 failed") {
		t.Errorf("output:\n%s", out.String())
	}
}
