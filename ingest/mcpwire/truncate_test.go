package mcpwire

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTruncateJSON(t *testing.T) {
	big := `{"path":"/etc/passwd","content":"` + strings.Repeat("é<>&\"\\\n\x01\u2028x", 500) + `"}`
	tests := []struct {
		name string
		js   string
		max  int
	}{
		{name: "ascii", js: `{"a":"` + strings.Repeat("x", 5000) + `"}`, max: 1000},
		{name: "escapes and multibyte", js: big, max: 777},
		{name: "tiny limit", js: big, max: 70},
		{name: "below the empty marker", js: big, max: 10},
		{name: "already a marker", js: TruncatedJSON{SizeBytes: 123456, Prefix: strings.Repeat("ab\"", 300)}.String(), max: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TruncateJSON(tt.js, tt.max)
			empty := len(TruncatedJSON{SizeBytes: int64(len(tt.js))}.String())
			if len(got) > max(tt.max, empty) {
				t.Fatalf("len %d > max %d: %s", len(got), tt.max, got)
			}
			if !json.Valid([]byte(got)) {
				t.Fatalf("not JSON: %s", got)
			}
			m, ok := ParseTruncatedJSON(got)
			if !ok {
				t.Fatalf("not a marker: %s", got)
			}
			wantSize, source := int64(len(tt.js)), tt.js
			if prev, ok := ParseTruncatedJSON(tt.js); ok {
				wantSize, source = prev.SizeBytes, prev.Prefix
			}
			if m.SizeBytes != wantSize || !strings.HasPrefix(source, m.Prefix) || !utf8.ValidString(m.Prefix) {
				t.Fatalf("marker %+v of %d bytes", m, len(tt.js))
			}
			// The prefix is as long as fits: one more rune would not.
			if rest := source[len(m.Prefix):]; rest != "" && tt.max > empty {
				_, n := utf8.DecodeRuneInString(rest)
				longer := TruncatedJSON{SizeBytes: m.SizeBytes, Prefix: source[:len(m.Prefix)+n]}.String()
				if len(longer) <= tt.max {
					t.Fatalf("prefix of %d bytes could have been longer (%d <= %d)", len(m.Prefix), len(longer), tt.max)
				}
			}
		})
	}
	if got := TruncateJSON(`{"a":1}`, 7); got != `{"a":1}` {
		t.Errorf("value within the limit changed: %s", got)
	}
}

func TestParseTruncatedJSON(t *testing.T) {
	for _, js := range []string{
		`{"mcpaudit.truncated":true,"size_bytes":5}`,
		`{"mcpaudit.truncated":true,"size_bytes":5,"prefix":"x","more":1}`,
		`{"mcpaudit.truncated":true,"size_bytes":-1,"prefix":"x"}`,
		`{"mcpaudit.truncated":true,"size_bytes":5,"prefix":"x"} {}`,
		`{"a":1}`,
	} {
		if _, ok := ParseTruncatedJSON(js); ok {
			t.Errorf("ParseTruncatedJSON(%s) = ok", js)
		}
	}
}

func TestTruncateText(t *testing.T) {
	tests := []struct {
		s    string
		max  int
		want string
	}{
		{"héllo", 2, "h"},
		{"héllo", 3, "hé"},
		{"héllo", 99, "héllo"},
		{"héllo", 0, ""},
		{"héllo", -5, ""},
		{"😀😀", 7, "😀"},
		{"\x80\x80\x80\x80\x80\x80", 5, "\x80\x80"},
	}
	for _, tt := range tests {
		if got := TruncateText(tt.s, tt.max); got != tt.want {
			t.Errorf("TruncateText(%q, %d) = %q, want %q", tt.s, tt.max, got, tt.want)
		}
	}
}

// FuzzTruncateJSON checks, for any text and limit: the result is the input
// when it fits, else valid JSON, a marker recording the original size, with
// a prefix of the input, and within the limit whenever the limit leaves room
// for a marker.
func FuzzTruncateJSON(f *testing.F) {
	f.Add(`{"a":"b"}`, 5)
	f.Add(`{"path":"\u2028<\u0001>"}`, 64)
	f.Add(TruncatedJSON{SizeBytes: 99, Prefix: "abc"}.String(), 62)
	f.Fuzz(func(t *testing.T, js string, maxBytes int) {
		maxBytes %= 1 << 16
		got := TruncateJSON(js, maxBytes)
		if len(js) <= maxBytes {
			if got != js {
				t.Fatalf("value within the limit changed")
			}
			return
		}
		m, ok := ParseTruncatedJSON(got)
		if !ok || !json.Valid([]byte(got)) {
			t.Fatalf("result is not a marker: %q", got)
		}
		wantSize, source := int64(len(js)), js
		if prev, ok := ParseTruncatedJSON(js); ok {
			wantSize, source = prev.SizeBytes, prev.Prefix
		}
		if m.SizeBytes != wantSize {
			t.Fatalf("size_bytes %d, want %d", m.SizeBytes, wantSize)
		}
		if utf8.ValidString(source) && !strings.HasPrefix(source, m.Prefix) {
			t.Fatalf("prefix %q is not a prefix of the input", m.Prefix)
		}
		if empty := len(TruncatedJSON{SizeBytes: wantSize}.String()); len(got) > max(maxBytes, empty) {
			t.Fatalf("len %d > limit %d", len(got), maxBytes)
		}
	})
}
