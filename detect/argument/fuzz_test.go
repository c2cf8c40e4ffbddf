package argument

import (
	"encoding/json"
	"os"
	"testing"
)

// FuzzAnalyze feeds arbitrary JSON argument objects (and arbitrary strings
// as a single argument value) to Analyze under varying contexts. Property:
// Analyze never panics; every finding's span is at most signal.MaxSpan
// bytes of valid UTF-8 with no secret in clear; fields are argument paths;
// scores are in [0, 1] and levels match them (checkFindings).
// Seeds: the arguments of every case in testdata/cases.json.
func FuzzAnalyze(f *testing.F) {
	raw, err := os.ReadFile("testdata/cases.json")
	if err != nil {
		f.Fatal(err)
	}
	var cs []struct {
		Tool string          `json:"tool"`
		Args json.RawMessage `json:"args"`
	}
	if err := json.Unmarshal(raw, &cs); err != nil {
		f.Fatal(err)
	}
	for _, c := range cs {
		f.Add(string(c.Args), c.Tool, false)
	}
	f.Add(`{"a":"`+fakeGH+`"}`, "send", true)
	f.Fuzz(func(t *testing.T, in, tool string, exec bool) {
		var args map[string]any
		if json.Unmarshal([]byte(in), &args) != nil {
			// Not an object: analyse the text as one argument value.
			args = map[string]any{"value": in, in: []any{in}}
		}
		r := Analyze(args, Context{ToolName: tool, ExecLike: exec, Roots: []string{"/data/app", in}})
		checkFindings(t, r)
	})
}
