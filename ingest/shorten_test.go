package ingest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"

	"github.com/mcpaudit/mcpaudit/ingest/mcpwire"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

func newShortener(ev *eventv1.Event) *shortener {
	m, _ := newMetrics(nil)
	return &shortener{ev: ev, m: m}
}

// marker parses a JSON field that must hold the truncation marker.
func marker(t *testing.T, field, js string, wantSize int) mcpwire.TruncatedJSON {
	t.Helper()
	m, ok := mcpwire.ParseTruncatedJSON(js)
	if !ok {
		t.Fatalf("%s is not the truncation marker: %.200s", field, js)
	}
	if m.SizeBytes != int64(wantSize) {
		t.Errorf("%s size_bytes = %d, want %d", field, m.SizeBytes, wantSize)
	}
	return m
}

// TestCapFields checks that every field over its configured cap is
// shortened, with the marker for JSON, at a rune boundary for text, and
// listed in truncated_fields; fields within their caps stay as sent.
func TestCapFields(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxArgumentsBytes = 1000
	cfg.MaxResultTextBytes = 1000
	cfg.MaxLabels = 2
	cfg.MaxLabelKeyBytes = 8
	cfg.MaxLabelValueBytes = 8

	args := `{"path":"` + strings.Repeat("é", 800) + `"}`
	ev := validEvent()
	ev.Session.Id = strings.Repeat("s", 300)
	ev.Method = strings.Repeat("m", 300)
	ev.ToolCall.ArgumentsJson = args
	ev.ToolCall.Result = &eventv1.ToolResult{Text: strings.Repeat("ü", 600), StructuredContentJson: `{"ok":true}`}
	ev.ToolList = &eventv1.ToolList{Tools: []*eventv1.ToolDefinition{
		{Name: "small", InputSchemaJson: `{"type":"object"}`},
		{Name: "big", InputSchemaJson: `{"type":"object","description":"` + strings.Repeat("x", 2000) + `"}`, OutputSchemaJson: strings.Repeat("[", 1500)},
	}}
	ev.Elicitation = &eventv1.Elicitation{RequestedSchemaJson: `{"a":"` + strings.Repeat("y", 1200) + `"}`}
	ev.Labels = map[string]string{"a": "1", "b": "0123456789", "ccccccccccc": "3"}
	ev.TruncatedFields = []string{"raw"}

	sh := newShortener(ev)
	sh.capFields(cfg)

	if !sh.changed {
		t.Error("changed not set")
	}
	if len(ev.Session.Id) != MaxSessionIDBytes || len(ev.Method) != MaxMethodBytes {
		t.Errorf("session.id %d bytes, method %d bytes", len(ev.Session.Id), len(ev.Method))
	}
	m := marker(t, "arguments_json", ev.ToolCall.ArgumentsJson, len(args))
	if len(ev.ToolCall.ArgumentsJson) > 1000 || !strings.HasPrefix(args, m.Prefix) || len(m.Prefix) < 800 {
		t.Errorf("arguments marker %d bytes, prefix %d bytes", len(ev.ToolCall.ArgumentsJson), len(m.Prefix))
	}
	if txt := ev.ToolCall.Result.Text; len(txt) > 1000 || len(txt) < 998 || !utf8.ValidString(txt) {
		t.Errorf("result text %d bytes, valid UTF-8 %v", len(txt), utf8.ValidString(txt))
	}
	if ev.ToolCall.Result.StructuredContentJson != `{"ok":true}` || ev.ToolList.Tools[0].InputSchemaJson != `{"type":"object"}` {
		t.Error("a field within its cap changed")
	}
	marker(t, "tools[1].input_schema_json", ev.ToolList.Tools[1].InputSchemaJson, 2000+len(`{"type":"object","description":""}`))
	marker(t, "tools[1].output_schema_json", ev.ToolList.Tools[1].OutputSchemaJson, 1500)
	marker(t, "requested_schema_json", ev.Elicitation.RequestedSchemaJson, 1200+len(`{"a":""}`))
	// Two labels in key order; b's value cut.
	if want := map[string]string{"a": "1", "b": "01234567"}; fmt.Sprint(ev.Labels) != fmt.Sprint(want) {
		t.Errorf("labels = %v, want %v", ev.Labels, want)
	}
	want := []string{"raw", "session.id", "method", "tool_call.arguments_json", "tool_call.result.text",
		"tool_list.tools[1].input_schema_json", "tool_list.tools[1].output_schema_json", "elicitation.requested_schema_json", `labels["b"]`, "labels"}
	if !slices.Equal(ev.TruncatedFields, want) {
		t.Errorf("truncated_fields = %q\nwant %q", ev.TruncatedFields, want)
	}

	// Within every cap nothing changes.
	ev = validEvent()
	before := proto.Clone(ev)
	sh = newShortener(ev)
	sh.capFields(DefaultConfig())
	if sh.changed || !proto.Equal(ev, before) {
		t.Errorf("event within its caps changed: %v", ev)
	}
}

// TestCapTruncatedFields bounds the truncated_fields list an emitter sends.
func TestCapTruncatedFields(t *testing.T) {
	ev := validEvent()
	for i := range 500 {
		ev.TruncatedFields = append(ev.TruncatedFields, fmt.Sprintf("tool_list.tools[%d].description", i), strings.Repeat("x", 1000))
	}
	newShortener(ev).capFields(DefaultConfig())
	tf := ev.TruncatedFields
	if len(tf) != mcpwire.MaxTruncatedFields || tf[len(tf)-1] != "truncated_fields" || tf[0] != "tool_list.tools[0].description" || len(tf[1]) != mcpwire.MaxTruncatedFieldBytes {
		t.Fatalf("truncated_fields: %d entries, first %q, second %d bytes, last %q", len(tf), tf[0], len(tf[1]), tf[len(tf)-1])
	}
}

// TestFitOrder checks which fields an event over its budget loses first:
// raw, then result text and structured content, then tool definitions, then
// arguments; identity and routing fields never.
func TestFitOrder(t *testing.T) {
	const kb = 1 << 10
	big := func() *eventv1.Event {
		ev := validEvent()
		ev.Raw = make([]byte, 300*kb)
		ev.ToolCall.ArgumentsJson = `{"a":"` + strings.Repeat("a", 200*kb) + `"}`
		ev.ToolCall.Result = &eventv1.ToolResult{Text: strings.Repeat("t", 200*kb), StructuredContentJson: `{"s":"` + strings.Repeat("s", 100*kb) + `"}`}
		return ev
	}
	size := proto.Size(big())
	tests := []struct {
		name      string
		budget    int
		want      []string // truncated_fields, in order
		argsWhole bool
	}{
		{name: "fits", budget: size, argsWhole: true},
		{name: "raw alone", budget: size - 100*kb, want: []string{"raw"}, argsWhole: true},
		{name: "raw then result text", budget: size - 400*kb, want: []string{"raw", "tool_call.result.text"}, argsWhole: true},
		{name: "everything but arguments", budget: size - 590*kb, want: []string{"raw", "tool_call.result.text", "tool_call.result.structured_content_json"}, argsWhole: true},
		{name: "arguments last", budget: 100 * kb, want: []string{"raw", "tool_call.result.text", "tool_call.result.structured_content_json", "tool_call.arguments_json"}},
		{name: "below the kept prefixes", budget: 3 * kb, want: []string{"raw", "tool_call.result.text", "tool_call.result.structured_content_json", "tool_call.arguments_json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := big()
			sh := newShortener(ev)
			got, ok := sh.fit(tt.budget)
			if !ok || got > tt.budget || got != proto.Size(ev) {
				t.Fatalf("fit(%d) = %d, %v; event is %d bytes", tt.budget, got, ok, proto.Size(ev))
			}
			if !slices.Equal(ev.TruncatedFields, tt.want) {
				t.Fatalf("truncated_fields = %q, want %q", ev.TruncatedFields, tt.want)
			}
			if tt.argsWhole != !strings.Contains(ev.ToolCall.ArgumentsJson, mcpwire.TruncatedKey) {
				t.Errorf("arguments whole = %v, want %v", !tt.argsWhole, tt.argsWhole)
			}
			if ev.Session.Id != "sess-1" || ev.Method != "tools/call" || ev.ToolCall.Name != "read_file" {
				t.Errorf("identity fields changed: %v", ev)
			}
			// Every shortened field keeps its start (1 KiB when the budget
			// allows it).
			if len(tt.want) > 0 && tt.budget > 10*kb && len(ev.Raw) < 1<<10 {
				t.Errorf("raw cut to %d bytes, below the kept %d", len(ev.Raw), 1<<10)
			}
		})
	}
}

// TestFitDropsElements checks the last resort: an event made of many small
// fields (100,000 tool definitions) loses its trailing list elements, and
// says so.
func TestFitDropsElements(t *testing.T) {
	ev := validEvent()
	ev.ToolCall = nil
	ev.Kind, ev.Direction = eventv1.MessageKind_MESSAGE_KIND_RESPONSE, eventv1.Direction_DIRECTION_SERVER_TO_CLIENT
	ev.ToolList = &eventv1.ToolList{}
	for i := range 100_000 {
		ev.ToolList.Tools = append(ev.ToolList.Tools, &eventv1.ToolDefinition{Name: fmt.Sprintf("t%d", i), Description: "d"})
	}
	for i := range 5000 {
		ev.Labels[fmt.Sprintf("l%05d", i)] = "v"
	}
	const budget = 256 << 10
	sh := newShortener(ev)
	size, ok := sh.fit(budget)
	if !ok || size > budget {
		t.Fatalf("fit = %d, %v", size, ok)
	}
	n := len(ev.ToolList.Tools)
	if n < 10_000 || n == 100_000 || ev.ToolList.Tools[0].Name != "t0" || ev.ToolList.Tools[n-1].Name != fmt.Sprintf("t%d", n-1) {
		t.Fatalf("kept %d tools (%q..%q), want the first ones", n, ev.ToolList.Tools[0].Name, ev.ToolList.Tools[n-1].Name)
	}
	if len(ev.Labels) != 5001 {
		t.Errorf("%d labels kept, want all 5001 (the tool list is the larger)", len(ev.Labels))
	}
	if !slices.Contains(ev.TruncatedFields, "tool_list.tools") || len(ev.TruncatedFields) > 2*mcpwire.MaxTruncatedFields {
		t.Errorf("truncated_fields = %d entries %q", len(ev.TruncatedFields), ev.TruncatedFields[:min(5, len(ev.TruncatedFields))])
	}
}
