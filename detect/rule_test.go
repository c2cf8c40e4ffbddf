package detect

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestParseRulesErrors(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		wants []string // substrings of the error
	}{
		{"unknown field in condition", `
id: r1
title: T
severity: high
kind: match
condition: tool_nme == "x"
`, []string{"test.yaml: rule r1: condition: compile:", "tool_nme"}},
		{"unknown helper", `
id: r1
title: T
severity: high
kind: match
condition: sensitivPath(tool_name)
`, []string{"rule r1: condition", "sensitivPath"}},
		{"helper type mismatch", `
id: r1
title: T
severity: high
kind: match
condition: sensitivePath(size_bytes)
`, []string{"rule r1: condition"}},
		{"condition not bool", `
id: r1
title: T
severity: high
kind: match
condition: tool_name
`, []string{"rule r1: condition", "bool"}},
		{"step typo", `
id: r1
title: T
severity: high
kind: sequence
maxspan: 5m
steps:
  - condition: method == "tools/call"
  - condition: metod == "x"
`, []string{"rule r1: steps[1].condition"}},
		{"bad id and severity", `
id: Bad_ID
title: T
severity: urgent
kind: match
condition: "true"
`, []string{"id: \"Bad_ID\"", "severity: \"urgent\""}},
		{"unknown key", `
id: r1
title: T
severity: low
kind: match
condition: "true"
conditon: "true"
`, []string{"test.yaml: document 1", "conditon"}},
		{"sequence without maxspan", `
id: r1
title: T
severity: low
kind: sequence
steps: [{condition: "true"}, {condition: "true"}]
`, []string{"rule r1: maxspan: required"}},
		{"sequence with one step", `
id: r1
title: T
severity: low
kind: sequence
maxspan: 1m
steps: [{condition: "true"}]
`, []string{"rule r1: steps: a sequence needs at least 2 steps"}},
		{"threshold bad window and count", `
id: r1
title: T
severity: low
kind: threshold
window: soon
condition: "true"
`, []string{"rule r1: window: \"soon\"", "rule r1: count: must be at least 1"}},
		{"match with window", `
id: r1
title: T
severity: low
kind: match
window: 1m
condition: "true"
`, []string{"rule r1: window: not allowed for kind match"}},
		{"bad kind", `
id: r1
title: T
severity: low
kind: anomaly
`, []string{"rule r1: kind: \"anomaly\""}},
		{"uppercase tag", `
id: r1
title: T
severity: low
kind: match
condition: "true"
tags: [SAFE.T1001]
`, []string{"rule r1: tags[0]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRules("test.yaml", []byte(tt.src))
			if err == nil {
				t.Fatal("ParseRules succeeded, want an error")
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			var re *RuleError
			if !errors.As(err, &re) {
				t.Errorf("error %v is not a *RuleError", err)
			}
		})
	}
}

func TestParseRulesMultiDocument(t *testing.T) {
	rs := mustParse(t, `
# comment-only preamble
---
id: a-rule
title: A
severity: informational
kind: match
condition: method == "ping"
---
id: b-rule
title: B
severity: critical
status: test
kind: threshold
by: tenant_id + "/" + tool_name
window: 1m
count: 3
distinct: arguments_json
condition: method == "tools/call"
---
`)
	if len(rs) != 2 {
		t.Fatalf("got %d rules, want 2", len(rs))
	}
	if rs[0].Status != "experimental" || rs[0].Suppress != 0 {
		t.Errorf("defaults: status %q suppress %v, want experimental and 0", rs[0].Status, rs[0].Suppress)
	}
	if rs[1].Window != time.Minute || rs[1].Suppress != time.Minute || rs[1].Count != 3 {
		t.Errorf("threshold fields: window %v suppress %v count %d", rs[1].Window, rs[1].Suppress, rs[1].Count)
	}
}

func TestLoadRulesFS(t *testing.T) {
	fsys := fstest.MapFS{
		"pack/a.yaml":     {Data: []byte("id: a\ntitle: A\nseverity: low\nkind: match\ncondition: \"true\"\n")},
		"pack/sub/b.yml":  {Data: []byte("id: b\ntitle: B\nseverity: low\nkind: match\ncondition: \"true\"\n")},
		"pack/README.md":  {Data: []byte("not a rule")},
		"pack/dup/a.yaml": {Data: []byte("id: a\ntitle: A again\nseverity: low\nkind: match\ncondition: \"true\"\n")},
	}
	_, err := LoadRules(fsys, "pack")
	if !errors.Is(err, ErrDuplicateRule) {
		t.Fatalf("LoadRules error = %v, want ErrDuplicateRule", err)
	}
	for _, f := range []string{"pack/a.yaml", "pack/dup/a.yaml"} {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("duplicate error %q does not name %s", err, f)
		}
	}
	delete(fsys, "pack/dup/a.yaml")
	rs, err := LoadRules(fsys, "pack")
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[1].Source != "pack/sub/b.yml" {
		t.Errorf("loaded %d rules, second from %q", len(rs), rs[len(rs)-1].Source)
	}
}

func TestLoadDirs(t *testing.T) {
	t.Run("typo names file rule and field", func(t *testing.T) {
		_, err := LoadDirs("testdata/rules-bad")
		if err == nil {
			t.Fatal("LoadDirs succeeded, want an error")
		}
		want := filepath.Join("testdata/rules-bad", "typo.yaml") + ": rule typo-rule: condition"
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	})
	t.Run("duplicates across directories", func(t *testing.T) {
		_, err := LoadDirs("testdata/rules-dup/a", "testdata/rules-dup/b/two.yml")
		if !errors.Is(err, ErrDuplicateRule) {
			t.Fatalf("error = %v, want ErrDuplicateRule", err)
		}
		if !strings.Contains(err.Error(), "rules-dup/a/one.yaml") || !strings.Contains(err.Error(), "rules-dup/b/two.yml") {
			t.Errorf("error %q does not name both files", err)
		}
	})
	t.Run("missing directory", func(t *testing.T) {
		if _, err := LoadDirs("testdata/no-such-dir"); err == nil {
			t.Fatal("LoadDirs on a missing directory succeeded")
		}
	})
}

func TestLoadBuiltinAndDescribe(t *testing.T) {
	rs, err := LoadBuiltin()
	if err != nil {
		t.Fatalf("LoadBuiltin: %v", err)
	}
	// Every rule of the pack is tagged: with a SAFE-MCP technique, or for
	// the rules about evading the monitor itself, with ATT&CK T1562.
	infos := Describe(rs)
	if len(infos) < 20 {
		t.Fatalf("Describe returned %d rules, want the whole pack", len(infos))
	}
	for i, info := range infos {
		if i > 0 && infos[i-1].ID >= info.ID {
			t.Errorf("Describe not sorted by id at %d", i)
		}
		if !slices.ContainsFunc(info.Tags, func(t string) bool { return strings.HasPrefix(t, "safe.t") || t == "attack.t1562" }) {
			t.Errorf("%s tags %v: no SAFE-MCP technique", info.ID, info.Tags)
		}
		if !strings.HasPrefix(info.Source, "builtin/") || info.Severity == "unspecified" || info.Kind == "" {
			t.Errorf("%s info %+v", info.ID, info)
		}
	}
	want := infos
	cfg := DefaultConfig()
	cfg.RuleDirs = []string{"testdata/rules-dup/a"}
	all, err := cfg.LoadRules()
	if err != nil || len(all) != len(want)+1 {
		t.Errorf("Config.LoadRules = %d rules, %v; want %d", len(all), err, len(want)+1)
	}
}
