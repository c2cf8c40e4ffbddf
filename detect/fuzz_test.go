package detect

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpaudit/mcpaudit/detect/rules"
)

// FuzzParseRules feeds arbitrary bytes to the rule loader's entry point
// (ParseRules: YAML decoding, key checks, expression compilation).
//
// Property: it never panics or hangs; it returns either rules and no error,
// or no rules and an error whose every part is a *RuleError naming the file
// and the key at fault (Field), except a document that is not a rule at all
// (ErrDocument), which names the document instead; every returned rule is
// complete (a valid id, a title, a known kind, compiled conditions).
//
// Seeds: the built-in pack (detect/rules) and the rule files under
// testdata/.
func FuzzParseRules(f *testing.F) {
	_ = fs.WalkDir(rules.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".yaml") {
			if b, err := fs.ReadFile(rules.FS, p); err == nil {
				f.Add(b)
			}
		}
		return nil
	})
	_ = filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := ParseRules("fuzz.yaml", data)
		if err != nil {
			if rs != nil {
				t.Fatalf("rules %v returned with error %v", rs, err)
			}
			for _, e := range leafErrors(err) {
				var re *RuleError
				if !errors.As(e, &re) {
					t.Fatalf("error %v (%T) is not a *RuleError", e, e)
				}
				if re.File != "fuzz.yaml" {
					t.Fatalf("error %v does not name the file", e)
				}
				if re.Field == "" && !errors.Is(re, ErrDocument) {
					t.Fatalf("error %v names no key", e)
				}
				if re.Field == "" && re.Doc == 0 {
					t.Fatalf("document error %v names no document", e)
				}
			}
			return
		}
		for _, r := range rs {
			if !ruleIDRe.MatchString(r.ID) || strings.TrimSpace(r.Title) == "" {
				t.Fatalf("rule %+v accepted without a valid id and title", r)
			}
			switch r.Kind {
			case KindMatch, KindThreshold:
				if r.cond == nil {
					t.Fatalf("rule %s accepted without a compiled condition", r.ID)
				}
			case KindSequence:
				if len(r.Steps) < 2 || r.MaxSpan <= 0 {
					t.Fatalf("sequence rule %s accepted with %d steps, maxspan %v", r.ID, len(r.Steps), r.MaxSpan)
				}
				for _, s := range r.Steps {
					if s.prog == nil {
						t.Fatalf("sequence rule %s accepted with an uncompiled step", r.ID)
					}
				}
			default:
				t.Fatalf("rule %s accepted with kind %q", r.ID, r.Kind)
			}
		}
	})
}

// leafErrors flattens errors.Join trees.
func leafErrors(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, leafErrors(e)...)
		}
		return out
	}
	return []error{err}
}
