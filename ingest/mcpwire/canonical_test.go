package mcpwire

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

func TestCanonicalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"sorted keys and no white space", `{ "b": 1, "a": [ true, false, null ] }`, `{"a":[true,false,null],"b":1}`},
		{"nested objects sorted", `{"z":{"y":1,"x":{"d":0,"c":0}},"a":""}`, `{"a":"","z":{"x":{"c":0,"d":0},"y":1}}`},
		{"numbers kept as written", `{"n":[1.0,1e2,-0,12345678901234567890]}`, `{"n":[1.0,1e2,-0,12345678901234567890]}`},
		{"JCS string escapes", `"\u0041\/\u00e9\u001f\n\u2028\ud83d\ude00"`, "\"A/é\\u001f\\n\u2028😀\""},
		{"no HTML escaping", `"<a>&"`, `"<a>&"`},
		{"UTF-16 key order", `{"\ud83d\ude00":1,"\ufb01":2}`, "{\"😀\":1,\"ﬁ\":2}"},
		{"duplicate keys keep the last", `{"a":1,"a":2}`, `{"a":2}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Canonicalize([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
	for _, bad := range []string{``, `{`, `{} {}`, `{"a":}`} {
		t.Run("invalid "+bad, func(t *testing.T) {
			if _, err := Canonicalize([]byte(bad)); err == nil {
				t.Errorf("Canonicalize(%q): want error", bad)
			}
		})
	}
}

func TestDefinitionHash(t *testing.T) {
	a := `{"name":"read_file","inputSchema":{"type":"object","properties":{"path":{"type":"string"}}},"annotations":{"readOnlyHint":true}}`
	b := "{\n  \"annotations\": {\"readOnlyHint\": true},\n  \"inputSchema\": {\"properties\": {\"path\": {\"type\": \"string\"}}, \"type\": \"object\"},\n  \"name\": \"read_file\"\n}"
	c := `{"name":"read_file","inputSchema":{"type":"object","properties":{"path":{"type":"string"}}},"annotations":{"readOnlyHint":false}}`
	ha, err := DefinitionHash([]byte(a))
	if err != nil {
		t.Fatal(err)
	}
	hb, _ := DefinitionHash([]byte(b))
	hc, _ := DefinitionHash([]byte(c))
	canon := `{"annotations":{"readOnlyHint":true},"inputSchema":{"properties":{"path":{"type":"string"}},"type":"object"},"name":"read_file"}`
	sum := sha256.Sum256([]byte(canon))
	tests := []struct {
		name      string
		got, want string
		equal     bool
	}{
		{"is SHA-256 of the canonical text", ha, hex.EncodeToString(sum[:]), true},
		{"ignores key order and white space", ha, hb, true},
		{"changes when a hint flips", ha, hc, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if (tt.got == tt.want) != tt.equal {
				t.Errorf("%s vs %s: equal = %v, want %v", tt.got, tt.want, !tt.equal, tt.equal)
			}
		})
	}
}

// TestCapJSON checks the capture cap on tool arguments: over
// max_json_bytes they become the truncation marker, listed in
// truncated_fields on the request and on its response.
func TestCapJSON(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxJSONBytes = 4096
	o := NewObserver(cfg)
	small := o.Observe(c2s, []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","arguments":{"path":"a"}}}`), time.Now())[0]
	if got := small.GetToolCall().GetArgumentsJson(); got != `{"path":"a"}` || len(small.GetTruncatedFields()) > 0 {
		t.Fatalf("arguments under the cap = %q, truncated_fields %q", got, small.GetTruncatedFields())
	}
	big := `{"s":"` + strings.Repeat("é", 5000) + `"}`
	req := o.Observe(c2s, []byte(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"t","arguments":`+big+`}}`), time.Now())[0]
	resp := o.Observe(s2c, []byte(`{"jsonrpc":"2.0","id":2,"result":{"content":[]}}`), time.Now())[0]
	for _, ev := range []*eventv1.Event{req, resp} {
		got := ev.GetToolCall().GetArgumentsJson()
		m, ok := ParseTruncatedJSON(got)
		if len(got) > 4096 || !ok || m.SizeBytes != int64(len(big)) || !strings.HasPrefix(big, m.Prefix) || !utf8.ValidString(m.Prefix) {
			t.Fatalf("%s arguments = %.200s (%d bytes)", ev.GetKind(), got, len(got))
		}
		if !slices.Equal(ev.GetTruncatedFields(), []string{"tool_call.arguments_json"}) {
			t.Errorf("%s truncated_fields = %q", ev.GetKind(), ev.GetTruncatedFields())
		}
	}
}
