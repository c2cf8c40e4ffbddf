package mcpwire

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// DefinitionHash returns the lowercase hex SHA-256 (64 characters) of the
// canonical JSON of tool, an MCP Tool object (or any JSON value). It is the
// ToolDefinition.definition_hash that rug-pull and drift rules compare.
//
// The canonical form follows RFC 8785 (JCS): no insignificant white space,
// object members sorted recursively by the UTF-16 code units of their names,
// strings re-escaped the JCS way (only `"`, `\` and control characters;
// \b \t \n \f \r short forms, \u00xx otherwise). It differs from JCS in one
// point on purpose: numbers are kept exactly as written instead of being
// re-serialized as IEEE-754 doubles, so that integers beyond 2^53 and
// decimals never lose precision and hashing never fails on a valid document.
// (github.com/gowebpki/jcs exists on the module proxy but re-formats numbers
// and rejects those outside the double range, hence this small
// canonicalizer.) Duplicate member names keep the last value, as JavaScript's
// JSON.parse does, so the hash covers what an MCP client actually sees.
// Invalid UTF-8 in strings is replaced by U+FFFD.
//
// It returns an error if tool is not a single valid JSON value.
func DefinitionHash(tool json.RawMessage) (string, error) {
	c, err := Canonicalize(tool)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(c)
	return hex.EncodeToString(sum[:]), nil
}

// Canonicalize returns the canonical JSON text of the JSON value in data, as
// described at DefinitionHash. It returns an error if data is not exactly one
// valid JSON value.
func Canonicalize(data []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, fmt.Errorf("canonical json: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("canonical json: trailing data after value")
	}
	var b bytes.Buffer
	b.Grow(len(data))
	writeCanonical(&b, v)
	return b.Bytes(), nil
}

// member is one decoded object member; objects keep the last of duplicates.
type member struct {
	name  string
	value any
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			var members []member
			index := map[string]int{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				name, ok := kt.(string)
				if !ok {
					return nil, errors.New("object member name is not a string")
				}
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				if i, dup := index[name]; dup {
					members[i].value = v
					continue
				}
				index[name] = len(members)
				members = append(members, member{name, v})
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			slices.SortFunc(members, func(a, b member) int { return compareUTF16(a.name, b.name) })
			return members, nil
		case '[':
			arr := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return arr, nil
		}
		return nil, fmt.Errorf("unexpected delimiter %q", t)
	default:
		return tok, nil // string, json.Number, bool, nil
	}
}

// compareUTF16 orders strings by their UTF-16 code units (RFC 8785 §3.2.3).
func compareUTF16(a, b string) int {
	if a == b {
		return 0
	}
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	return slices.Compare(ua, ub)
}

func writeCanonical(b *bytes.Buffer, v any) {
	switch t := v.(type) {
	case []member:
		b.WriteByte('{')
		for i, m := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, m.name)
			b.WriteByte(':')
			writeCanonical(b, m.value)
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCanonical(b, e)
		}
		b.WriteByte(']')
	case string:
		writeString(b, t)
	case json.Number:
		b.WriteString(string(t))
	case bool:
		if t {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case nil:
		b.WriteString("null")
	}
}

// writeString writes s as a JSON string escaped the RFC 8785 way.
func writeString(b *bytes.Buffer, s string) {
	const hexDigits = "0123456789abcdef"
	b.WriteByte('"')
	for _, r := range strings.ToValidUTF8(s, string(utf8.RuneError)) {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte(hexDigits[r>>4])
				b.WriteByte(hexDigits[r&0xf])
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}
