package detect

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// BenchmarkEngineProcess measures Engine.Process over a realistic mixed
// stream (benign filesystem-server sessions with their real tools/list,
// credential-read-then-egress, bursts and traversal attempts) with the
// built-in pack. Run: go test ./detect -run '^$' -bench EngineProcess -benchmem
func BenchmarkEngineProcess(b *testing.B) {
	rules := builtin(b)
	stream := mixedStream(b, 1000)
	b.ReportAllocs()
	b.ResetTimer()
	e := NewEngine(rules, nil)
	n := 0
	for b.Loop() {
		e.Process(stream[n%len(stream)])
		n++
		if n%len(stream) == 0 {
			e = NewEngine(rules, nil)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkPackLargeText measures the whole built-in pack on events that
// carry 10 KB of model-visible text: a tools/list response with one 10 KB
// description (next to the real filesystem server's tools), a tools/call
// result of 10 KB and a tools/call request with a 10 KB argument. The
// analysers run once per event whatever the number of rules that read
// them. Run: go test ./detect -run '^$' -bench PackLargeText -benchmem
func BenchmarkPackLargeText(b *testing.B) {
	rules := builtin(b)
	ensureFSTools(b)
	para := "Returns the rows of a table that match a filter. Use list_tables first to get the table name; " +
		"filters are ANDed, values are compared as strings unless the column is numeric. Results are paged: " +
		"pass the cursor from the previous page to continue. IMPORTANT: always quote identifiers with double quotes. "
	long := strings.Repeat(para, 10_000/len(para)+1)[:10_000]
	desc := &eventv1.ToolDefinition{Name: "query_rows", Description: long, InputSchemaJson: `{"type":"object","properties":{"table":{"type":"string"},"filter":{"type":"object"}}}`}
	list := toolsList("l1", "s1", 0, append(slices.Clone(fsTools), desc)...)
	result := call("r1", "s1", time.Second, "query_rows", `{"table":"orders"}`)
	result.Direction, result.Kind = eventv1.Direction_DIRECTION_SERVER_TO_CLIENT, eventv1.MessageKind_MESSAGE_KIND_RESPONSE
	result.ToolCall.Result = &eventv1.ToolResult{Text: long}
	argJSON, _ := json.Marshal(map[string]any{"path": "/tmp/fsroot/report.md", "content": long})
	request := call("q1", "s1", 2*time.Second, "write_file", string(argJSON))
	for _, bc := range []struct {
		name string
		ev   *eventv1.Event
	}{{"tools_list_10KB_description", list}, {"result_10KB", result}, {"arguments_10KB", request}} {
		b.Run(bc.name, func(b *testing.B) {
			e := NewEngine(rules, nil)
			e.Process(list)
			b.ReportAllocs()
			b.SetBytes(int64(len(long)))
			for b.Loop() {
				e.Process(bc.ev)
			}
		})
	}
}
