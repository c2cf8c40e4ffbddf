package app

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/mcpaudit/mcpaudit/internal/fieldpath"
)

// jsonMarshaler is the REST marshaler of the gateway. Responses are
// protojson with EmitDefaultValues: empty lists come back as [] and every
// non-optional scalar with its zero value ("", 0, false, the _UNSPECIFIED
// enum name), while unset messages and unset optional fields stay out.
// Requests are decoded strictly (decodeJSON).
type jsonMarshaler struct {
	runtime.JSONPb
}

var _ runtime.Marshaler = (*jsonMarshaler)(nil)

func newJSONMarshaler() *jsonMarshaler {
	return &jsonMarshaler{runtime.JSONPb{
		MarshalOptions:   protojson.MarshalOptions{EmitDefaultValues: true},
		UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
	}}
}

// Unmarshal decodes data strictly into v (see decodeJSON).
func (m *jsonMarshaler) Unmarshal(data []byte, v any) error { return m.decode(data, v) }

// NewDecoder returns a decoder reading the whole of r and decoding it
// strictly. When r is the request body as wrapped by restEdge, the error is
// also recorded there, so the error handler can answer with the field (the
// generated gateway code keeps only the error's text) or with 413 for a
// body over the limit.
func (m *jsonMarshaler) NewDecoder(r io.Reader) runtime.Decoder {
	return runtime.DecoderFunc(func(v any) error {
		b, err := io.ReadAll(r)
		if err == nil {
			err = m.decode(b, v)
		}
		if eb, ok := r.(*edgeBody); ok && err != nil && !errors.Is(err, io.EOF) {
			eb.err = err
		}
		return err
	})
}

// decode decodes one JSON document into v. A message v gets decodeJSON;
// anything else (a body field of a scalar type, which no mcpaudit API has)
// the lenient grpc-gateway decoding.
func (m *jsonMarshaler) decode(b []byte, v any) error {
	msg, ok := v.(proto.Message)
	if !ok {
		return m.JSONPb.Unmarshal(b, v)
	}
	return decodeJSON(b, msg)
}

// decodeJSON decodes b, which must be exactly one JSON object, into msg
// with protojson, refusing unknown fields at every level, duplicate fields,
// trailing data after the document and enum numbers the schema lacks. An
// empty or all-white-space b returns io.EOF (grpc-gateway's "no body": an
// empty request). Other errors are *fieldProblem naming the field path,
// found by walking the JSON alongside the message descriptor, since
// protojson's errors give only a line and column.
func decodeJSON(b []byte, msg proto.Message) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return io.EOF
	}
	md := msg.ProtoReflect().Descriptor()
	dec := json.NewDecoder(bytes.NewReader(b))
	var doc json.RawMessage
	if err := dec.Decode(&doc); err != nil {
		if p := locateJSON(b, md); p != nil {
			return p
		}
		return &fieldProblem{Path: "", Desc: fmt.Sprintf("not JSON: %v", err)}
	}
	if off := dec.InputOffset(); off < int64(len(b)) {
		return &fieldProblem{Path: "", Desc: fmt.Sprintf("trailing data after the JSON document at byte %d; send exactly one JSON object", off)}
	}
	if err := (protojson.UnmarshalOptions{}).Unmarshal(doc, msg); err != nil {
		if p := locateJSON(doc, md); p != nil {
			return p
		}
		return &fieldProblem{Path: "", Desc: fmt.Sprintf("not a valid %s: %v", md.FullName(), err)}
	}
	if p := fieldpath.CheckKnown("", msg.ProtoReflect(), true); p != nil {
		return p
	}
	return nil
}

// locateJSON walks the JSON document b as a message of type md and returns
// the first value protojson would refuse, or nil when it finds none.
func locateJSON(b []byte, md protoreflect.MessageDescriptor) *fieldProblem {
	w := &jsonWalker{b: b, dec: json.NewDecoder(bytes.NewReader(b))}
	w.dec.UseNumber()
	return w.message("", md, 0)
}

// jsonWalker is a recursive descent over the tokens of one JSON document.
// It is its own code because neither encoding/json nor protojson reports
// where in a message tree a value failed.
type jsonWalker struct {
	b   []byte
	dec *json.Decoder
}

// maxJSONDepth bounds the nesting the walker follows, as protojson's
// decoder does.
const maxJSONDepth = 10000

// token returns the next token and the raw bytes it was read from (with any
// separators before it, which are ASCII).
func (w *jsonWalker) token(path string) (json.Token, []byte, *fieldProblem) {
	start := w.dec.InputOffset()
	tok, err := w.dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, &fieldProblem{Path: path, Desc: "the JSON document ends early"}
		}
		return nil, nil, &fieldProblem{Path: path, Desc: fmt.Sprintf("malformed JSON at byte %d: %v", w.dec.InputOffset(), err)}
	}
	return tok, w.b[start:w.dec.InputOffset()], nil
}

// skip reads and discards one JSON value.
func (w *jsonWalker) skip(path string) *fieldProblem {
	var v json.RawMessage
	if err := w.dec.Decode(&v); err != nil {
		return &fieldProblem{Path: path, Desc: fmt.Sprintf("malformed JSON at byte %d: %v", w.dec.InputOffset(), err)}
	}
	return nil
}

// message walks one JSON value that should be a message of type md. null
// is allowed below the top level (protojson reads it as unset).
func (w *jsonWalker) message(path string, md protoreflect.MessageDescriptor, depth int) *fieldProblem {
	if depth > maxJSONDepth {
		return &fieldProblem{Path: path, Desc: fmt.Sprintf("nested deeper than %d", maxJSONDepth)}
	}
	switch md.FullName() {
	case "google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask":
		return w.wellKnownString(path, md)
	case "google.protobuf.Value", "google.protobuf.Struct", "google.protobuf.ListValue", "google.protobuf.Any":
		return w.skip(path) // any JSON; protojson's own error is the fallback
	}
	if vf := wrappedField(md); vf != nil {
		return w.scalar(path, vf)
	}
	tok, _, p := w.token(path)
	if p != nil {
		return p
	}
	if tok == nil && path != "" {
		return nil
	}
	if tok != json.Delim('{') {
		return &fieldProblem{Path: path, Desc: fmt.Sprintf("want a JSON object (%s)", md.FullName())}
	}
	seen := map[protoreflect.FieldNumber]bool{}
	oneofs := map[protoreflect.FullName]string{}
	for w.dec.More() {
		ktok, raw, p := w.token(path)
		if p != nil {
			return p
		}
		key, _ := ktok.(string)
		if !utf8.Valid(raw) {
			return &fieldProblem{Path: path, Desc: "a field name is not valid UTF-8"}
		}
		fd := md.Fields().ByJSONName(key)
		if fd == nil {
			fd = md.Fields().ByTextName(key)
		}
		if fd == nil {
			return &fieldProblem{Path: fieldpath.Join(path, key), Desc: fmt.Sprintf("unknown field: %s has %s", md.FullName(), fieldNames(md))}
		}
		fp := fieldpath.Join(path, string(fd.Name()))
		if seen[fd.Number()] {
			return &fieldProblem{Path: fp, Desc: "given more than once"}
		}
		seen[fd.Number()] = true
		if od := fd.ContainingOneof(); od != nil && !od.IsSynthetic() {
			if other, ok := oneofs[od.FullName()]; ok {
				return &fieldProblem{Path: fp, Desc: fmt.Sprintf("%s is set already: only one field of %s may be set", other, od.Name())}
			}
			oneofs[od.FullName()] = string(fd.Name())
		}
		if p := w.field(fp, fd, depth); p != nil {
			return p
		}
	}
	_, _, p = w.token(path) // '}'
	return p
}

// field walks the value of one member: a list, a map or a single value.
func (w *jsonWalker) field(path string, fd protoreflect.FieldDescriptor, depth int) *fieldProblem {
	switch {
	case fd.IsList():
		tok, _, p := w.token(path)
		if p != nil || tok == nil {
			return p
		}
		if tok != json.Delim('[') {
			return &fieldProblem{Path: path, Desc: "want a JSON array"}
		}
		for i := 0; w.dec.More(); i++ {
			if p := w.single(fieldpath.Index(path, i), fd, depth); p != nil {
				return p
			}
		}
		_, _, p = w.token(path)
		return p
	case fd.IsMap():
		tok, _, p := w.token(path)
		if p != nil || tok == nil {
			return p
		}
		if tok != json.Delim('{') {
			return &fieldProblem{Path: path, Desc: "want a JSON object"}
		}
		for w.dec.More() {
			ktok, raw, p := w.token(path)
			if p != nil {
				return p
			}
			key, _ := ktok.(string)
			kp := fieldpath.Key(path, key)
			if !utf8.Valid(raw) {
				return &fieldProblem{Path: path, Desc: "a map key is not valid UTF-8"}
			}
			if !validMapKey(fd.MapKey(), key) {
				return &fieldProblem{Path: kp, Desc: "map key: " + want(fd.MapKey(), false)}
			}
			if p := w.single(kp, fd.MapValue(), depth); p != nil {
				return p
			}
		}
		_, _, p = w.token(path)
		return p
	}
	return w.single(path, fd, depth)
}

// single walks one value of fd's type (a list element, a map value or a
// singular field).
func (w *jsonWalker) single(path string, fd protoreflect.FieldDescriptor, depth int) *fieldProblem {
	if fd.Kind() == protoreflect.MessageKind || fd.Kind() == protoreflect.GroupKind {
		return w.message(path, fd.Message(), depth+1)
	}
	return w.scalar(path, fd)
}

// scalar walks one scalar value, accepting what protojson accepts.
func (w *jsonWalker) scalar(path string, fd protoreflect.FieldDescriptor) *fieldProblem {
	tok, raw, p := w.token(path)
	if p != nil {
		return p
	}
	if _, ok := tok.(json.Delim); ok { // an object or array where a scalar belongs
		return &fieldProblem{Path: path, Desc: want(fd, false)}
	}
	if tok == nil {
		return nil // null: the default value
	}
	bad := &fieldProblem{Path: path, Desc: want(fd, false)}
	switch fd.Kind() {
	case protoreflect.BoolKind:
		if _, ok := tok.(bool); !ok {
			return bad
		}
	case protoreflect.StringKind:
		if _, ok := tok.(string); !ok {
			return bad
		}
		if !utf8.Valid(raw) {
			return &fieldProblem{Path: path, Desc: "invalid UTF-8 in a string"}
		}
	case protoreflect.BytesKind:
		s, ok := tok.(string)
		if !ok || !validBase64(s) {
			return bad
		}
	case protoreflect.EnumKind:
		switch v := tok.(type) {
		case string:
			if fd.Enum().Values().ByName(protoreflect.Name(v)) == nil {
				return bad
			}
		case json.Number:
			if _, ok := integer(string(v), 32, true); !ok {
				return bad
			}
		default:
			return bad
		}
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		var s string
		switch v := tok.(type) {
		case json.Number:
			s = string(v)
		case string:
			if v == "NaN" || v == "Infinity" || v == "-Infinity" {
				return nil
			}
			s = v
		default:
			return bad
		}
		bits := 64
		if fd.Kind() == protoreflect.FloatKind {
			bits = 32
		}
		if f, err := strconv.ParseFloat(s, bits); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return bad
		}
	default: // integers
		var s string
		switch v := tok.(type) {
		case json.Number:
			s = string(v)
		case string:
			s = v
		default:
			return bad
		}
		bits, signed := 64, true
		switch fd.Kind() {
		case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
			bits = 32
		case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
			bits, signed = 32, false
		case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
			signed = false
		}
		if _, ok := integer(s, bits, signed); !ok {
			return bad
		}
	}
	return nil
}

// wellKnownString walks a Timestamp, Duration or FieldMask, which JSON
// spells as a string. Whether the string is valid is protojson's to say (it
// is the decoder the gateway uses): the walker asks it rather than keep a
// grammar of its own that could disagree ("0.s" is a Duration protojson
// accepts, for one).
func (w *jsonWalker) wellKnownString(path string, md protoreflect.MessageDescriptor) *fieldProblem {
	tok, _, p := w.token(path)
	if p != nil || tok == nil {
		return p
	}
	s, ok := tok.(string)
	if ok {
		js, _ := json.Marshal(s) // a string always marshals
		ok = protojson.Unmarshal(js, dynamicpb.NewMessage(md)) == nil
	}
	if ok {
		return nil
	}
	switch md.FullName() {
	case "google.protobuf.Timestamp":
		return &fieldProblem{Path: path, Desc: wantTimestamp}
	case "google.protobuf.Duration":
		return &fieldProblem{Path: path, Desc: wantJSONSeconds}
	default:
		return &fieldProblem{Path: path, Desc: "want a string of comma-separated field paths"}
	}
}

// integer parses s as protojson reads integers: decimal digits, or a number
// with a fraction or exponent whose value is integral, within bits.
func integer(s string, bits int, signed bool) (float64, bool) {
	if signed {
		if _, err := strconv.ParseInt(s, 10, bits); err == nil {
			return 0, true
		}
	} else if _, err := strconv.ParseUint(s, 10, bits); err == nil {
		return 0, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) {
		return 0, false
	}
	lo, hi := -math.Pow(2, float64(bits-1)), math.Pow(2, float64(bits-1))
	if !signed {
		lo, hi = 0, math.Pow(2, float64(bits))
	}
	return f, f >= lo && f < hi
}

// validMapKey reports whether key spells a map key of fd's kind.
func validMapKey(fd protoreflect.FieldDescriptor, key string) bool {
	switch fd.Kind() {
	case protoreflect.StringKind:
		return true
	case protoreflect.BoolKind:
		return key == "true" || key == "false"
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		_, err := strconv.ParseInt(key, 10, 32)
		return err == nil
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		_, err := strconv.ParseUint(key, 10, 32)
		return err == nil
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		_, err := strconv.ParseUint(key, 10, 64)
		return err == nil
	default:
		_, err := strconv.ParseInt(key, 10, 64)
		return err == nil
	}
}

// validBase64 reports whether s is base64 as protojson accepts it: the
// standard or URL alphabet, padded or not.
func validBase64(s string) bool {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if _, err := enc.DecodeString(s); err == nil {
			return true
		}
	}
	return false
}
