package app

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/mcpaudit/mcpaudit/internal/apierr"
)

// fieldProblem is a request field the API edge refuses, found before the
// request reaches a service.
type fieldProblem struct {
	// Path is the field's path in the request with proto field names, list
	// indexes and map keys (`events[0].session.transport`,
	// `events[2].labels["env"]`); an unknown field number appears as its
	// number (`events[0].99`). Empty means the request as a whole.
	Path string
	// Desc says what is wrong and what would be right.
	Desc string
}

// Error returns "path: description".
func (p *fieldProblem) Error() string {
	if p.Path == "" {
		return "request: " + p.Desc
	}
	return p.Path + ": " + p.Desc
}

// status returns the INVALID_ARGUMENT status callers get, with a
// google.rpc.BadRequest violation naming Path.
func (p *fieldProblem) status() error {
	if p.Path == "" {
		return apierr.InvalidArgument("", "request: "+p.Desc)
	}
	return apierr.InvalidArgument(p.Path, p.Desc)
}

// joinPath appends a field name to a path.
func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// indexPath appends a list index to a path.
func indexPath(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// keyPath appends a map key to a path.
func keyPath(path, key string) string { return path + "[" + strconv.Quote(key) + "]" }

// checkKnown returns the first field of m a newer or different schema put
// there: unknown field numbers (kept by protobuf as unknown bytes, or a
// known number with the wrong wire type) and enum numbers the enum does not
// define. Both decode without error in protobuf and protojson, and would
// otherwise be stored or dropped silently.
func checkKnown(path string, m protoreflect.Message) *fieldProblem {
	md := m.Descriptor()
	if raw := m.GetUnknown(); len(raw) > 0 {
		num, typ, n := protowire.ConsumeTag(raw)
		if n < 0 {
			return &fieldProblem{path, fmt.Sprintf("malformed unknown field data in %s", md.FullName())}
		}
		if fd := md.Fields().ByNumber(num); fd != nil {
			return &fieldProblem{joinPath(path, string(fd.Name())), fmt.Sprintf("wire type %d does not fit a %s field", typ, kindName(fd))}
		}
		return &fieldProblem{joinPath(path, strconv.Itoa(int(num))), fmt.Sprintf("unknown field number %d: %s has no such field", num, md.FullName())}
	}
	var p *fieldProblem
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		fp := joinPath(path, string(fd.Name()))
		switch {
		case fd.IsList():
			l := v.List()
			for i := 0; i < l.Len() && p == nil; i++ {
				p = checkKnownValue(indexPath(fp, i), fd, l.Get(i))
			}
		case fd.IsMap():
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				p = checkKnownValue(keyPath(fp, k.String()), fd.MapValue(), mv)
				return p == nil
			})
		default:
			p = checkKnownValue(fp, fd, v)
		}
		return p == nil
	})
	return p
}

func checkKnownValue(path string, fd protoreflect.FieldDescriptor, v protoreflect.Value) *fieldProblem {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return checkKnown(path, v.Message())
	case protoreflect.EnumKind:
		if fd.Enum().Values().ByNumber(v.Enum()) == nil {
			return &fieldProblem{path, fmt.Sprintf("%d is not a %s value; %s", v.Enum(), fd.Enum().Name(), enumChoices(fd.Enum()))}
		}
	}
	return nil
}

// enumChoices lists an enum's value names: "want one of A, B, C".
func enumChoices(ed protoreflect.EnumDescriptor) string {
	vals := ed.Values()
	names := make([]string, vals.Len())
	for i := range vals.Len() {
		names[i] = string(vals.Get(i).Name())
	}
	return "want one of " + strings.Join(names, ", ")
}

// Examples used in the descriptions of well-known types.
const (
	exampleTime     = "2026-12-01T15:04:05Z"
	wantTimestamp   = "want an RFC 3339 time such as " + exampleTime
	wantJSONSeconds = `want a duration in seconds such as "1.5s"`
)

// want describes the value a field takes, for errors: the type in plain
// words with its range, an RFC 3339 example for times, the names of an
// enum. param selects the query-parameter spelling of durations (Go
// durations, as grpc-gateway parses them) over the JSON one.
func want(fd protoreflect.FieldDescriptor, param bool) string {
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return "want true or false"
	case protoreflect.EnumKind:
		return enumChoices(fd.Enum())
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return fmt.Sprintf("want an integer from %d to %d", math.MinInt32, math.MaxInt32)
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return fmt.Sprintf("want an integer from %d to %d", math.MinInt64, math.MaxInt64)
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return fmt.Sprintf("want an integer from 0 to %d", uint32(math.MaxUint32))
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return fmt.Sprintf("want an integer from 0 to %d", uint64(math.MaxUint64))
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		return "want a number"
	case protoreflect.StringKind:
		if param {
			return "want UTF-8 text"
		}
		return "want a JSON string of valid UTF-8"
	case protoreflect.BytesKind:
		return "want base64 text"
	case protoreflect.MessageKind, protoreflect.GroupKind:
		switch fd.Message().FullName() {
		case "google.protobuf.Timestamp":
			return wantTimestamp
		case "google.protobuf.Duration":
			if param {
				return "want a duration such as 1.5s or 90m"
			}
			return wantJSONSeconds
		}
		if w := wrappedField(fd.Message()); w != nil {
			return want(w, param)
		}
		return "want a JSON object"
	}
	return "not a valid " + kindName(fd)
}

// kindName names a field's type as the .proto file spells it.
func kindName(fd protoreflect.FieldDescriptor) string {
	switch fd.Kind() {
	case protoreflect.EnumKind:
		return string(fd.Enum().FullName())
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return string(fd.Message().FullName())
	}
	return fd.Kind().String()
}

// wrappedField returns the value field of a google.protobuf wrapper type
// (Int32Value, StringValue, ...), or nil for any other message.
func wrappedField(md protoreflect.MessageDescriptor) protoreflect.FieldDescriptor {
	if md.ParentFile() == nil || md.ParentFile().Path() != "google/protobuf/wrappers.proto" {
		return nil
	}
	return md.Fields().ByName("value")
}

// fieldNames lists a message's fields by proto name, for errors.
func fieldNames(md protoreflect.MessageDescriptor) string {
	fields := md.Fields()
	names := make([]string, fields.Len())
	for i := range fields.Len() {
		names[i] = string(fields.Get(i).Name())
	}
	return strings.Join(names, ", ")
}
