package mcpwire

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// TruncatedKey is the member that marks a shortened JSON value. A JSON field
// of an Event (tool_call.arguments_json, ..._schema_json,
// structured_content_json) too large for its size limit holds the object
// {"mcpaudit.truncated":true,"size_bytes":N,"prefix":"..."} instead, and its
// path is listed in Event.truncated_fields. The tap and the collector make it
// with TruncateJSON, so there is one format.
const TruncatedKey = "mcpaudit.truncated"

// truncatedHead starts every marker TruncateJSON writes.
const truncatedHead = `{"` + TruncatedKey + `":true,"size_bytes":`

// TruncatedJSON is the content of the marker object that replaces a JSON
// value too large for its field.
type TruncatedJSON struct {
	// SizeBytes is the size of the original JSON text, in bytes.
	SizeBytes int64
	// Prefix is the beginning of the original JSON text, cut at a UTF-8
	// boundary (so usually not valid JSON itself).
	Prefix string
}

// String returns the marker object as compact JSON:
// {"mcpaudit.truncated":true,"size_bytes":N,"prefix":"..."}, with the prefix
// escaped as encoding/json does without HTML escaping (invalid UTF-8 becomes
// U+FFFD).
func (t TruncatedJSON) String() string {
	var b bytes.Buffer
	b.Grow(len(truncatedHead) + 24 + len(t.Prefix))
	b.WriteString(truncatedHead)
	b.WriteString(strconv.FormatInt(t.SizeBytes, 10))
	b.WriteString(`,"prefix":`)
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(t.Prefix) // a string always encodes
	b.Truncate(b.Len() - 1)  // Encode's newline
	b.WriteByte('}')
	return b.String()
}

// ParseTruncatedJSON reports whether js is a marker object as TruncateJSON
// writes it (exactly the three members, mcpaudit.truncated true) and returns
// its content.
func ParseTruncatedJSON(js string) (TruncatedJSON, bool) {
	if !strings.HasPrefix(js, truncatedHead) {
		return TruncatedJSON{}, false
	}
	var v struct {
		Truncated *bool   `json:"mcpaudit.truncated"`
		Size      *int64  `json:"size_bytes"`
		Prefix    *string `json:"prefix"`
	}
	dec := json.NewDecoder(strings.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil || dec.More() || v.Truncated == nil || !*v.Truncated || v.Size == nil || v.Prefix == nil || *v.Size < 0 {
		return TruncatedJSON{}, false
	}
	return TruncatedJSON{SizeBytes: *v.Size, Prefix: *v.Prefix}, true
}

// TruncateJSON returns js unchanged when it is at most maxBytes long, else
// the marker object (see TruncatedJSON) with size_bytes len(js) and the
// longest prefix of js that keeps the whole marker within maxBytes. When js
// is itself a marker, the recorded size is kept and its prefix shortened, so
// truncating twice still reports the original size. The result is valid
// JSON whatever js holds; it is longer than maxBytes only when maxBytes is
// below the size of a marker with an empty prefix (about 60 bytes).
func TruncateJSON(js string, maxBytes int) string {
	if len(js) <= maxBytes {
		return js
	}
	t := TruncatedJSON{SizeBytes: int64(len(js))}
	text := js
	if prev, ok := ParseTruncatedJSON(js); ok {
		t.SizeBytes, text = prev.SizeBytes, prev.Prefix
	}
	room := maxBytes - len(TruncatedJSON{SizeBytes: t.SizeBytes}.String())
	n := escapedPrefixLen(text, room)
	for {
		t.Prefix = text[:n]
		out := t.String()
		if len(out) <= maxBytes || n == 0 {
			return out
		}
		// Only if escapedPrefixLen's accounting and encoding/json ever
		// disagree: shorten until it fits (at most ~log2(n) rounds).
		n = truncateLen(text, n/2)
	}
}

// escapedPrefixLen returns the length of the longest prefix of s, cut at a
// rune boundary, whose JSON string escaping (as TruncatedJSON.String writes
// it, without the quotes) takes at most room bytes.
func escapedPrefixLen(s string, room int) int {
	used := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		var w int
		switch {
		case r == '"' || r == '\\' || r == '\b' || r == '\f' || r == '\n' || r == '\r' || r == '\t':
			w = 2
		case r < 0x20 || r == '\u2028' || r == '\u2029' || (r == utf8.RuneError && size == 1):
			w = 6
		default:
			w = size
		}
		if used+w > room {
			return i
		}
		used += w
		i += size
	}
	return len(s)
}

// TruncateText returns s cut to at most maxBytes bytes without splitting a
// UTF-8 sequence (text fields stay valid UTF-8 when s is); maxBytes <= 0
// gives "".
func TruncateText(s string, maxBytes int) string {
	return s[:truncateLen(s, maxBytes)]
}

// truncateLen returns the largest n <= maxBytes (and >= 0) such that s[:n]
// does not end inside a UTF-8 sequence. It steps back at most
// utf8.UTFMax-1 bytes, so invalid input cannot make it scan far.
func truncateLen(s string, maxBytes int) int {
	if maxBytes >= len(s) {
		return len(s)
	}
	n := max(maxBytes, 0)
	for back := 0; back < utf8.UTFMax-1 && n > 0 && !utf8.RuneStart(s[n]); back++ {
		n--
	}
	return n
}
