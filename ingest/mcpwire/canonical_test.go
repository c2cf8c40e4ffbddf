package mcpwire

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
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

func TestCapJSON(t *testing.T) {
	small := `{"path":"a"}`
	if got := capJSON(small, 100); got != small {
		t.Fatalf("capJSON under the cap = %q", got)
	}
	big := `{"s":"` + strings.Repeat("é", 5000) + `"}`
	got := capJSON(big, 4096)
	if len(got) > 4096 {
		t.Fatalf("capped JSON is %d bytes, cap 4096", len(got))
	}
	var v struct {
		Truncated bool   `json:"mcpaudit.truncated"`
		Size      int    `json:"size_bytes"`
		Prefix    string `json:"prefix"`
	}
	if err := json.Unmarshal([]byte(got), &v); err != nil || !v.Truncated || v.Size != len(big) || !strings.HasPrefix(big, v.Prefix) || !utf8.ValidString(v.Prefix) {
		t.Fatalf("capJSON = %s (err %v)", got, err)
	}
}
