package argument

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// benchArgs returns a typical small tools/call argument object and one
// with a 10 KB source-code value, from a seeded generator.
func benchArgs() (small, large map[string]any) {
	small = map[string]any{
		"path":      "/home/dev/project/src/components/Button.tsx",
		"encoding":  "utf-8",
		"recursive": false,
		"options":   map[string]any{"limit": 50.0, "query": "useState hook", "tags": []any{"react", "ui"}},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"const", "let", "return", "if", "else", "for", "func", "value", "items", "map", "err", "nil",
		"ctx", "&&", "||", "|", ";", "x", "=>", "{", "}", "(", ")", "\"text\"", "42", "./lib/util", "// comment", "\n\t"}
	var b strings.Builder
	for b.Len() < 10<<10 {
		b.WriteString(words[rng.IntN(len(words))])
		b.WriteByte(' ')
	}
	large = map[string]any{"path": "src/generated/big.ts", "content": b.String()}
	return small, large
}

// BenchmarkAnalyze measures one Analyze call (all analysers) per
// operation: a typical small argument object, and a write with a 10 KB
// value. Command: go test -run '^$' -bench BenchmarkAnalyze ./detect/argument
func BenchmarkAnalyze(b *testing.B) {
	small, large := benchArgs()
	ctx := Context{ToolName: "write_file", Roots: []string{"file:///home/dev/project"}}
	for _, bc := range []struct {
		name string
		args map[string]any
		ctx  Context
	}{
		{"small", small, ctx},
		{"10KB", large, ctx},
		{"10KB_exec", map[string]any{"command": large["content"]}, Context{ToolName: "run_command"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Analyze(bc.args, bc.ctx)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
		})
	}
}
