package app

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/grpc-ecosystem/grpc-gateway/v2/utilities"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/mcpaudit/mcpaudit/internal/apierr"
)

// paramParser is grpc-gateway's query parameter parser in mcpaudit
// (runtime.SetQueryParameterParser). It wraps runtime.DefaultQueryParser,
// which does the parsing, with parseParams' checks; the default parser
// alone ignores unknown parameters and reports bad values with Go's time
// layouts and strconv errors.
type paramParser struct{}

var _ runtime.QueryParameterParser = paramParser{}

// Parse sets the fields of msg named by values. Parameters the route binds
// from its path (filter) may not be repeated in the query string. Errors
// are INVALID_ARGUMENT statuses naming the parameter (parseParams).
func (paramParser) Parse(msg proto.Message, values url.Values, filter *utilities.DoubleArray) error {
	return parseParams(msg.ProtoReflect(), values, func(path []string) bool {
		return filter != nil && filter.HasCommonPrefix(path)
	})
}

// noFilter is the empty filter: parseParams checks path fields itself.
var noFilter = utilities.NewDoubleArray(nil)

// mapParamRe is grpc-gateway's spelling of a map entry parameter
// (`labels[key]=value`).
var mapParamRe = regexp.MustCompile(`^(.*)\[(.*)\]$`)

// parseParams sets the fields of m from query parameters, in key order. A
// key is a field of m by proto or JSON name, dotted through singular
// message fields; inPath reports the fields (as proto name paths) the URL
// path sets. The first problem is returned as an INVALID_ARGUMENT status
// whose message and google.rpc.BadRequest violation name the parameter as
// sent (made valid UTF-8): an unknown parameter (with the ones the call
// takes), one the path sets already, a single-valued one given twice, or a
// value not of the field's type (described in words, with an RFC 3339
// example for times and the value names for enums).
func parseParams(m protoreflect.Message, values url.Values, inPath func([]string) bool) error {
	md := m.Descriptor()
	for _, key := range sortedKeys(values) {
		vals := values[key]
		name := paramName(key)
		if !utf8.ValidString(key) {
			return apierr.InvalidArgument(name, "parameter name is not valid UTF-8")
		}
		path, fd, desc := resolveParam(md, key)
		if fd == nil {
			return apierr.InvalidArgument(name, desc+"; this call takes "+paramNames(md, inPath))
		}
		if inPath(path) {
			return apierr.InvalidArgument(name, "set by the URL path; leave it out of the query string")
		}
		if len(vals) == 0 {
			return apierr.InvalidArgument(name, "no value given")
		}
		if !fd.IsList() && !fd.IsMap() && len(vals) > 1 {
			return apierr.InvalidArgument(name, fmt.Sprintf("given %d times; want one value", len(vals)))
		}
		if od := fd.ContainingOneof(); od != nil && !od.IsSynthetic() {
			if set := oneofIn(m, path); set != nil && set.Number() != fd.Number() {
				return apierr.InvalidArgument(name, fmt.Sprintf("%s is set already: only one field of %s may be set", set.Name(), od.Name()))
			}
		}
		for _, v := range vals {
			if !utf8.ValidString(v) {
				return apierr.InvalidArgument(name, "value is not valid UTF-8")
			}
		}
		if err := (&runtime.DefaultQueryParser{}).Parse(m.Interface(), url.Values{key: vals}, noFilter); err != nil {
			target := fd
			if fd.IsMap() {
				target = fd.MapValue()
			}
			return apierr.InvalidArgument(name, want(target, true))
		}
	}
	return nil
}

// paramName spells a parameter key in errors: as sent, made valid UTF-8,
// and `""` for the empty key.
func paramName(key string) string {
	if key == "" {
		return `""`
	}
	return strings.ToValidUTF8(key, "\uFFFD")
}

// resolveParam finds the field a parameter key names: its proto name path
// and descriptor, or nil and why not.
func resolveParam(md protoreflect.MessageDescriptor, key string) ([]string, protoreflect.FieldDescriptor, string) {
	mapKey := false
	if sub := mapParamRe.FindStringSubmatch(key); sub != nil {
		key, mapKey = sub[1], true
	}
	var path []string
	parts := strings.Split(key, ".")
	for i, part := range parts {
		fd := md.Fields().ByName(protoreflect.Name(part))
		if fd == nil {
			fd = md.Fields().ByJSONName(part)
		}
		if fd == nil {
			return nil, nil, "unknown query parameter"
		}
		path = append(path, string(fd.Name()))
		last := i == len(parts)-1
		plainMessage := fd.Kind() == protoreflect.MessageKind && !leafMessage(fd.Message())
		switch {
		case last && mapKey && !fd.IsMap():
			return nil, nil, "unknown query parameter: [key] is only for map fields"
		case last && fd.IsMap():
			if !mapKey {
				return nil, nil, fmt.Sprintf("a map: give its entries as %s[KEY]=VALUE", part)
			}
			return path, fd, ""
		case last && plainMessage:
			return nil, nil, fmt.Sprintf("a message: name one of its fields (%s.%s)", part, firstField(fd.Message()))
		case last && fd.IsList() && fd.Kind() == protoreflect.MessageKind:
			return nil, nil, "a list of messages cannot be given as query parameters"
		case last:
			return path, fd, ""
		case fd.IsList() || fd.IsMap() || !plainMessage:
			return nil, nil, fmt.Sprintf("unknown query parameter: %s has no sub-fields", part)
		}
		md = fd.Message()
	}
	return nil, nil, "unknown query parameter"
}

// leafMessage reports whether a message type is given as one query value:
// the well-known types grpc-gateway parses from a string.
func leafMessage(md protoreflect.MessageDescriptor) bool {
	if wrappedField(md) != nil {
		return true
	}
	switch md.FullName() {
	case "google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask",
		"google.protobuf.Value", "google.protobuf.Struct":
		return true
	}
	return false
}

// oneofIn returns the member already set of the oneof holding the field at
// path, or nil.
func oneofIn(m protoreflect.Message, path []string) protoreflect.FieldDescriptor {
	for _, p := range path[:len(path)-1] {
		fd := m.Descriptor().Fields().ByName(protoreflect.Name(p))
		if !m.Has(fd) {
			return nil
		}
		m = m.Get(fd).Message()
	}
	fd := m.Descriptor().Fields().ByName(protoreflect.Name(path[len(path)-1]))
	return m.WhichOneof(fd.ContainingOneof())
}

// paramNames lists the top-level fields of md the query string may set.
func paramNames(md protoreflect.MessageDescriptor, inPath func([]string) bool) string {
	var names []string
	fields := md.Fields()
	for i := range fields.Len() {
		n := string(fields.Get(i).Name())
		if !inPath([]string{n}) {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return "no query parameters"
	}
	return strings.Join(names, ", ")
}

func firstField(md protoreflect.MessageDescriptor) string {
	if md.Fields().Len() == 0 {
		return "..."
	}
	return string(md.Fields().Get(0).Name())
}

// sortedKeys returns the keys of v in order, so the first problem reported
// does not depend on map iteration.
func sortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
