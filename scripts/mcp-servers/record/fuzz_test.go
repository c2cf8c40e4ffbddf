package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// FuzzArgsFor checks that ArgsFor, which reads inputSchema values sent by
// untrusted servers, never panics, terminates on recursive $ref and
// allOf/anyOf nesting, and always returns a value that marshals to a JSON
// object. Seeds: testdata/schemas.json.
func FuzzArgsFor(f *testing.F) {
	raw, err := os.ReadFile("testdata/schemas.json")
	if err != nil {
		f.Fatal(err)
	}
	var seeds []json.RawMessage
	if err := json.Unmarshal(raw, &seeds); err != nil {
		f.Fatal(err)
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var schema map[string]any
		if json.Unmarshal(in, &schema) != nil {
			return
		}
		got := ArgsFor(schema, "/sandbox")
		b, err := json.Marshal(got)
		if err != nil {
			t.Fatalf("ArgsFor(%s) does not marshal: %v", in, err)
		}
		if len(b) == 0 || b[0] != '{' {
			t.Fatalf("ArgsFor(%s) = %s, want a JSON object", in, b)
		}
	})
}

// FuzzParsePackages checks that ParsePackages never panics and that every
// server it accepts has a package name, an exact version (no range
// characters) and KEY=VALUE env entries. Seeds: ../packages.txt.
func FuzzParsePackages(f *testing.F) {
	raw, err := os.ReadFile("../packages.txt")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(raw))
	f.Add("pkg@1.0.0\t-\t--x {work}\tA=b\n")
	f.Fuzz(func(t *testing.T, in string) {
		servers, err := ParsePackages(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, s := range servers {
			if s.Package == "" || !exactVersion.MatchString(s.Version) || strings.ContainsAny(s.Version, "^~<>=* ") {
				t.Fatalf("accepted %+v", s)
			}
			for _, kv := range s.Env {
				if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
					t.Fatalf("accepted env %q", kv)
				}
			}
		}
	})
}
