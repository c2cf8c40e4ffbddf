package mcpwire

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

func TestShrink(t *testing.T) {
	const limit = 64 << 10
	big := strings.Repeat("é", 200<<10) // 400 KiB of two-byte runes
	tests := []struct {
		name      string
		frames    []string
		wantPaths []string
		check     func(t *testing.T, ev *eventv1.Event)
	}{
		{"huge tool description", []string{
			`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`,
			`{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"a","inputSchema":{"type":"object"}},{"name":"evil","description":"` + big + `","inputSchema":{"type":"object"}}]}}`,
		}, []string{"tool_list.tools[1].description"}, func(t *testing.T, ev *eventv1.Event) {
			td := ev.GetToolList().GetTools()[1]
			want(t, "name kept", td.GetName(), "evil")
			want(t, "hash of the whole definition kept", len(td.GetDefinitionHash()), 64)
			want(t, "description is a prefix", strings.HasPrefix(big, td.GetDescription()), true)
		}},
		{"huge schema JSON", []string{
			`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`,
			`{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"a","inputSchema":{"type":"object","description":"` + big + `"}}]}}`,
		}, []string{"tool_list.tools[0].input_schema_json"}, func(t *testing.T, ev *eventv1.Event) {
			var m struct {
				Truncated bool   `json:"mcpaudit.truncated"`
				Size      int    `json:"size_bytes"`
				Prefix    string `json:"prefix"`
			}
			js := ev.GetToolList().GetTools()[0].GetInputSchemaJson()
			if err := json.Unmarshal([]byte(js), &m); err != nil || !m.Truncated || m.Size <= len(big) || !strings.HasPrefix(m.Prefix, `{"type":"object","description":"éé`) {
				t.Errorf("schema marker %.200s (err %v)", js, err)
			}
		}},
		{"huge JSON-RPC id", []string{`{"jsonrpc":"2.0","id":"` + big + `","method":"ping"}`}, []string{"jsonrpc_id"}, func(t *testing.T, ev *eventv1.Event) {
			want(t, "method", ev.GetMethod(), "ping")
		}},
		{"many small tools", []string{
			`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`,
			`{"jsonrpc":"2.0","id":1,"result":{"tools":[` + manyTools(5000) + `]}}`,
		}, []string{"tool_list.tools"}, func(t *testing.T, ev *eventv1.Event) {
			n := len(ev.GetToolList().GetTools())
			if n == 0 || n >= 5000 || ev.GetToolList().GetTools()[0].GetName() != "t0" {
				t.Errorf("%d tools kept, first %q", n, ev.GetToolList().GetTools()[0].GetName())
			}
		}},
		{"already small", []string{`{"jsonrpc":"2.0","id":1,"method":"ping"}`}, nil, func(*testing.T, *eventv1.Event) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := NewObserver(testConfig())
			var ev *eventv1.Event
			for i, f := range tt.frames {
				dir := c2s
				if i%2 == 1 {
					dir = s2c
				}
				ev = o.Observe(dir, []byte(f), t0)[0]
			}
			before := proto.CloneOf(ev)
			if !Shrink(ev, limit, nil) {
				t.Fatalf("Shrink could not bring a %d-byte event under %d bytes", proto.Size(before), limit)
			}
			if n := proto.Size(ev); n > limit {
				t.Fatalf("event is %d bytes, limit %d", n, limit)
			}
			if !slices.Equal(ev.GetTruncatedFields(), tt.wantPaths) {
				t.Errorf("truncated_fields %q, want %q", ev.GetTruncatedFields(), tt.wantPaths)
			}
			if tt.wantPaths == nil && !proto.Equal(ev, before) {
				t.Error("an event within the limit was changed")
			}
			want(t, "event_id", ev.GetEventId(), before.GetEventId())
			want(t, "session.id", ev.GetSession().GetId(), before.GetSession().GetId())
			encodes(t, ev)
			for _, td := range ev.GetToolList().GetTools() {
				if !utf8.ValidString(td.GetDescription()) {
					t.Error("description cut inside a rune")
				}
			}
			tt.check(t, ev)
		})
	}
}

func manyTools(n int) string {
	var parts []string
	for i := range n {
		parts = append(parts, fmt.Sprintf(`{"name":"t%d","inputSchema":{"type":"object"}}`, i))
	}
	return strings.Join(parts, ",")
}
