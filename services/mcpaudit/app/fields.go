package app

import (
	"fmt"
	"math"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/mcpaudit/mcpaudit/internal/apierr"
	"github.com/mcpaudit/mcpaudit/internal/fieldpath"
)

// fieldProblem is a request field the API edge refuses, found before the
// request reaches a service (see fieldpath.Problem).
type fieldProblem = fieldpath.Problem

// problemStatus returns the INVALID_ARGUMENT status callers get for p, with
// a google.rpc.BadRequest violation naming its path.
func problemStatus(p *fieldProblem) error {
	if p.Path == "" {
		return apierr.InvalidArgument("", "request: "+p.Desc)
	}
	return apierr.InvalidArgument(p.Path, p.Desc)
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
		return fieldpath.EnumChoices(fd.Enum())
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
	return "not a valid " + fieldpath.KindName(fd)
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
