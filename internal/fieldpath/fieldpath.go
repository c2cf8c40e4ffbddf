// Package fieldpath names fields of protobuf messages the way the mcpaudit
// APIs report them, in errors (google.rpc.BadRequest field violations) and
// in Event.truncated_fields: proto field names joined by dots, list indexes
// and quoted map keys (`events[3].session.id`, `events[0].labels["env"]`).
// It also finds the fields and enum numbers a message carries that its
// schema does not define, which protobuf and protojson decode without error.
package fieldpath

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// MaxKeyBytes bounds the map key Key quotes into a path; a longer key is cut
// at a UTF-8 boundary and ends in "...", so a hostile key cannot make an
// error message or a metric label large.
const MaxKeyBytes = 64

// Join appends a field name to path ("" is the root message).
func Join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// Index appends a list index to path: `events[3]`.
func Index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// Key appends a map key, Go-quoted and cut to MaxKeyBytes, to path:
// `labels["env"]`.
func Key(path, key string) string {
	if len(key) > MaxKeyBytes {
		n := MaxKeyBytes
		for n > 0 && !utf8.RuneStart(key[n]) {
			n--
		}
		key = key[:n] + "..."
	}
	return path + "[" + strconv.Quote(key) + "]"
}

// Normalize drops list indexes and map keys from path
// (`tool_list.tools[2].description` becomes `tool_list.tools.description`),
// for metric labels, whose values must come from a bounded set: the
// schema's field names.
func Normalize(path string) string {
	if !strings.ContainsRune(path, '[') {
		return path
	}
	var b strings.Builder
	b.Grow(len(path))
	depth := 0
	inQuote := false
	for i := 0; i < len(path); i++ {
		c := path[i]
		switch {
		case inQuote:
			if c == '\\' {
				i++
			} else if c == '"' {
				inQuote = false
			}
		case c == '[':
			depth++
		case c == ']' && depth > 0:
			depth--
		case depth > 0:
			if c == '"' {
				inQuote = true
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Problem is a field of a request that is refused: Path names it (empty for
// the message as a whole; an unknown field number appears as its number,
// `events[0].99`), Desc says what is wrong and what would be right.
type Problem struct {
	// Path is the field's path (see the package documentation).
	Path string
	// Desc describes the problem, lowercase, without the path.
	Desc string
}

// Error returns "path: description", or "request: description" for the
// whole message.
func (p *Problem) Error() string {
	if p.Path == "" {
		return "request: " + p.Desc
	}
	return p.Path + ": " + p.Desc
}

// CheckKnown returns the first field below m (a message at path) that a
// newer or different schema put there: an unknown field number (kept by
// protobuf as unknown bytes, or a known number with the wrong wire type) or
// an enum number the enum does not define; nil when there is none. Both
// decode without error in protobuf and protojson, and would otherwise be
// stored or dropped silently. With skipElements, the messages in repeated
// and map fields are not looked into: they are left to a caller that judges
// elements one by one (the collector judges each event of a batch on its
// own), while the message itself and its singular fields are checked.
func CheckKnown(path string, m protoreflect.Message, skipElements bool) *Problem {
	md := m.Descriptor()
	if raw := m.GetUnknown(); len(raw) > 0 {
		num, typ, n := protowire.ConsumeTag(raw)
		if n < 0 {
			return &Problem{path, fmt.Sprintf("malformed unknown field data in %s", md.FullName())}
		}
		if fd := md.Fields().ByNumber(num); fd != nil {
			return &Problem{Join(path, string(fd.Name())), fmt.Sprintf("wire type %d does not fit a %s field", typ, KindName(fd))}
		}
		return &Problem{Join(path, strconv.Itoa(int(num))), fmt.Sprintf("unknown field number %d: %s has no such field", num, md.FullName())}
	}
	var p *Problem
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		fp := Join(path, string(fd.Name()))
		elements := fd.Message() == nil || !skipElements
		switch {
		case fd.IsList() && elements:
			l := v.List()
			for i := 0; i < l.Len() && p == nil; i++ {
				p = checkValue(Index(fp, i), fd, l.Get(i), skipElements)
			}
		case fd.IsMap():
			if fd.MapValue().Message() != nil && skipElements {
				break
			}
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				p = checkValue(Key(fp, k.String()), fd.MapValue(), mv, skipElements)
				return p == nil
			})
		case !fd.IsList():
			p = checkValue(fp, fd, v, skipElements)
		}
		return p == nil
	})
	return p
}

// HasUnknown reports whether m, or a message within it, holds unknown
// fields or enum numbers outside the schema. It builds no paths, so the
// common case (nothing unknown) allocates nothing; CheckKnown then names
// the field.
func HasUnknown(m protoreflect.Message) bool {
	if len(m.GetUnknown()) > 0 {
		return true
	}
	found := false
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList():
			l := v.List()
			for i := 0; i < l.Len() && !found; i++ {
				found = valueHasUnknown(fd, l.Get(i))
			}
		case fd.IsMap():
			v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
				found = valueHasUnknown(fd.MapValue(), mv)
				return !found
			})
		default:
			found = valueHasUnknown(fd, v)
		}
		return !found
	})
	return found
}

func valueHasUnknown(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return HasUnknown(v.Message())
	case protoreflect.EnumKind:
		return fd.Enum().Values().ByNumber(v.Enum()) == nil
	}
	return false
}

func checkValue(path string, fd protoreflect.FieldDescriptor, v protoreflect.Value, skipElements bool) *Problem {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return CheckKnown(path, v.Message(), skipElements)
	case protoreflect.EnumKind:
		if fd.Enum().Values().ByNumber(v.Enum()) == nil {
			return &Problem{path, fmt.Sprintf("%d is not a %s value; %s", v.Enum(), fd.Enum().Name(), EnumChoices(fd.Enum()))}
		}
	}
	return nil
}

// EnumChoices lists an enum's value names for an error message: "want one
// of A, B, C".
func EnumChoices(ed protoreflect.EnumDescriptor) string {
	vals := ed.Values()
	names := make([]string, vals.Len())
	for i := range vals.Len() {
		names[i] = string(vals.Get(i).Name())
	}
	return "want one of " + strings.Join(names, ", ")
}

// KindName names a field's type as a .proto file spells it: the full name
// of its enum or message type, else the scalar kind (`int32`, `string`).
func KindName(fd protoreflect.FieldDescriptor) string {
	switch fd.Kind() {
	case protoreflect.EnumKind:
		return string(fd.Enum().FullName())
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return string(fd.Message().FullName())
	}
	return fd.Kind().String()
}
