package mcpwire

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/mcpaudit/mcpaudit/internal/fieldpath"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// Bounds of Event.truncated_fields, which emitters and the collector both
// fill: at most MaxTruncatedFields paths of at most MaxTruncatedFieldBytes
// each. Past the count, or for a longer path, a field is listed by its path
// without indexes (`tool_list.tools.description`), of which the schema has
// few.
const (
	MaxTruncatedFields     = 64
	MaxTruncatedFieldBytes = 128
)

// keepBytes is how much of each field the first shrinking pass keeps, so
// that every shortened field still shows its beginning; a later pass goes
// below it only when the event cannot fit otherwise.
const keepBytes = 1 << 10

// Shrink tiers: fields of a lower tier are shortened first, the largest
// first within a tier. The raw message repeats what the other fields hold;
// results and tool definitions are what the server said; arguments are what
// the agent asked for, the most telling part of a tool call. Fields not
// listed are describeTier; the routing fields are cut only as the last
// resort.
var shrinkTier = map[string]int{
	"raw":                   0,
	"tool_call.result.text": 1,
	"tool_call.result.structured_content_json": 1,
	"invalid_frame.prefix":                     1,
	"resource.text":                            1,
	"prompt.text":                              1,
	"sampling.text":                            1,
	"instructions":                             2,
	"tool_list.tools.meta_json":                2,
	"tool_list.tools.description":              2,
	"tool_list.tools.title":                    2,
	"tool_list.tools.input_schema_json":        2,
	"tool_list.tools.output_schema_json":       2,
	"tool_call.arguments_json":                 payloadTier,
	"session.id":                               routingTier,
	"method":                                   routingTier,
}

// Tiers past the named ones: fields that carry payload (raw message,
// results, tool definitions, arguments) are at most payloadTier; the others
// (names, versions, error messages, labels) are describeTier; the session
// id and method, which route and group the event, are routingTier.
const (
	payloadTier  = 3
	describeTier = 4
	routingTier  = 5
)

// unshrinkable fields identify the event, or record what was cut.
var unshrinkable = map[string]bool{
	"event_id":         true,
	"tenant_id":        true,
	"truncated_fields": true,
}

// Shrink shortens ev until its protobuf encoding is at most maxBytes, so
// that an event made from a hostile frame (a tools/list with a 10 MiB
// description, a 5 MiB JSON-RPC id) still fits a gRPC message and a Kafka
// record. It reports whether ev fits now; an event that fits already is left
// alone. Shortening goes field by field in tiers — raw first, then results,
// tool definitions, arguments, descriptive fields, and the session id and
// method last — the largest first within a tier, in passes: every field
// down to 1 KiB; then payload fields to as little as needed; then trailing
// elements of lists and maps; then any field. A JSON-text field (name
// ending in _json) becomes the marker TruncateJSON writes, other text is cut
// at a UTF-8 boundary, bytes are cut. Each shortened field's path
// (`tool_call.arguments_json`, `tool_list.tools[2].description`,
// `tool_list.tools` for dropped elements) is added to ev.truncated_fields
// (MarkTruncated), and onCut, when not nil, is called with the path without
// indexes, for metrics. event_id, tenant_id and truncated_fields are never
// cut.
func Shrink(ev *eventv1.Event, maxBytes int, onCut func(field string)) bool {
	if proto.Size(ev) <= maxBytes {
		return true
	}
	s := shrinker{ev: ev, onCut: onCut}
	leaves, lens, order := s.leaves()
	if s.shrink(leaves, lens, order, maxBytes, keepBytes, routingTier) {
		return true
	}
	if s.shrink(leaves, lens, order, maxBytes, 0, payloadTier) {
		return true
	}
	if s.dropElements(maxBytes) {
		return true
	}
	leaves, lens, order = s.leaves()
	return s.shrink(leaves, lens, order, maxBytes, 0, routingTier)
}

// MarkTruncated records in ev.truncated_fields that the field at path was
// shortened; field is the path without indexes, used instead when the list
// is full (MaxTruncatedFields) or path is longer than
// MaxTruncatedFieldBytes. A path already listed is not repeated.
func MarkTruncated(ev *eventv1.Event, path, field string) {
	tf := ev.TruncatedFields
	if len(tf) >= MaxTruncatedFields || len(path) > MaxTruncatedFieldBytes {
		path = field
	}
	if !slices.Contains(tf, path) {
		ev.TruncatedFields = append(tf, path)
	}
}

// shrinker shortens the fields of one event.
type shrinker struct {
	ev    *eventv1.Event
	onCut func(field string)
}

func (s *shrinker) mark(path, field string) {
	MarkTruncated(s.ev, path, field)
	if s.onCut != nil {
		s.onCut(field)
	}
}

// shrinkLeaf is one string or bytes field of the event that may be shortened.
type shrinkLeaf struct {
	path, field string // field: path without indexes
	tier        int
	json        bool // JSON text (the field name ends in _json): shortened to the marker
	val         func() protoreflect.Value
	set         func(protoreflect.Value)
}

func (l *shrinkLeaf) len() int {
	switch x := l.val().Interface().(type) {
	case string:
		return len(x)
	case []byte:
		return len(x)
	}
	return 0
}

// shrinkTo shortens the field to at most n bytes (a JSON field to the
// truncation marker, of at most max(n, the empty marker's size) bytes) and
// reports whether it became shorter; a field the marker would not shorten
// is left as it is.
func (l *shrinkLeaf) shrinkTo(n int) bool {
	switch x := l.val().Interface().(type) {
	case string:
		var y string
		if l.json {
			y = TruncateJSON(x, n)
		} else {
			y = TruncateText(x, n)
		}
		if len(y) >= len(x) {
			return false
		}
		l.set(protoreflect.ValueOfString(y))
		return true
	case []byte:
		n = max(n, 0)
		if n >= len(x) {
			return false
		}
		l.set(protoreflect.ValueOfBytes(x[:n:n]))
		return true
	}
	return false
}

// collectLeaves appends the shortenable string and bytes fields of m (at
// path; field is the path without indexes) to out: scalar fields, map
// values, and the fields of messages in lists. Repeated strings and map keys
// are left to dropElements.
func collectLeaves(m protoreflect.Message, path, field string, out []shrinkLeaf) []shrinkLeaf {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		name := string(fd.Name())
		p, f := fieldpath.Join(path, name), fieldpath.Join(field, name)
		if unshrinkable[f] {
			return true
		}
		switch {
		case fd.IsMap():
			if fd.MapValue().Kind() != protoreflect.StringKind {
				return true
			}
			mp := v.Map()
			mp.Range(func(k protoreflect.MapKey, _ protoreflect.Value) bool {
				out = append(out, shrinkLeaf{
					path: fmt.Sprintf("%s[%q]", p, k.String()), field: f, tier: tierOf(f),
					val: func() protoreflect.Value { return mp.Get(k) },
					set: func(nv protoreflect.Value) { mp.Set(k, nv) },
				})
				return true
			})
		case fd.IsList():
			if fd.Kind() != protoreflect.MessageKind {
				return true
			}
			l := v.List()
			for i := range l.Len() {
				out = collectLeaves(l.Get(i).Message(), fmt.Sprintf("%s[%d]", p, i), f, out)
			}
		case fd.Kind() == protoreflect.MessageKind:
			out = collectLeaves(v.Message(), p, f, out)
		case fd.Kind() == protoreflect.StringKind || fd.Kind() == protoreflect.BytesKind:
			out = append(out, shrinkLeaf{
				path: p, field: f, tier: tierOf(f), json: strings.HasSuffix(name, "_json"),
				val: func() protoreflect.Value { return m.Get(fd) },
				set: func(nv protoreflect.Value) { m.Set(fd, nv) },
			})
		}
		return true
	})
	return out
}

func tierOf(field string) int {
	if t, ok := shrinkTier[field]; ok {
		return t
	}
	return describeTier
}

// leaves collects the event's shortenable fields with their lengths and the
// order to shorten them in: by tier, then the largest first.
func (s *shrinker) leaves() ([]shrinkLeaf, []int, []int) {
	leaves := collectLeaves(s.ev.ProtoReflect(), "", "", nil)
	lens := make([]int, len(leaves))
	order := make([]int, len(leaves))
	for i := range leaves {
		lens[i] = leaves[i].len()
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(leaves[a].tier, leaves[b].tier), cmp.Compare(lens[b], lens[a]))
	})
	return leaves, lens, order
}

// shrink is one pass of Shrink over the leaves of tiers up to maxTier: each
// is cut by what the event is over budget, but not below floor bytes. It
// reports whether the event is within budget afterwards.
func (s *shrinker) shrink(leaves []shrinkLeaf, lens, order []int, budget, floor, maxTier int) bool {
	size := proto.Size(s.ev)
	for _, i := range order {
		if size <= budget {
			// size is an estimate within a pass: confirm.
			if size = proto.Size(s.ev); size <= budget {
				return true
			}
		}
		l, cur := &leaves[i], lens[i]
		if l.tier > maxTier {
			break // order is by tier
		}
		if cur <= floor {
			continue
		}
		// The path joins truncated_fields: count it, with room for length
		// prefixes that shrink or grow by a byte or two.
		if !l.shrinkTo(max(floor, cur-(size-budget)-len(l.path)-8)) {
			continue
		}
		now := l.len()
		lens[i] = now
		s.mark(l.path, l.field)
		size += now - cur + len(l.path) + 2
	}
	return proto.Size(s.ev) <= budget
}

// shrinkList is a repeated or map field that dropElements may shorten.
type shrinkList struct {
	field string
	n     func() int
	drop  func(keep int) // keep the first keep elements
	size  func(i int) int
}

// collectLists appends the list and map fields of m and of its singular
// message fields (not of messages inside lists) to out.
func collectLists(m protoreflect.Message, field string, out []shrinkList) []shrinkList {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		f := fieldpath.Join(field, string(fd.Name()))
		switch {
		case unshrinkable[f]:
		case fd.IsList():
			l := v.List()
			out = append(out, shrinkList{
				field: f,
				n:     l.Len,
				drop:  func(keep int) { l.Truncate(keep) },
				size:  func(i int) int { return elementSize(fd, protoreflect.MapKey{}, l.Get(i)) },
			})
		case fd.IsMap():
			mp := v.Map()
			keys := make([]protoreflect.MapKey, 0, mp.Len())
			mp.Range(func(k protoreflect.MapKey, _ protoreflect.Value) bool {
				keys = append(keys, k)
				return true
			})
			slices.SortFunc(keys, func(a, b protoreflect.MapKey) int { return strings.Compare(a.String(), b.String()) })
			out = append(out, shrinkList{
				field: f,
				n:     func() int { return len(keys) },
				drop: func(keep int) {
					for _, k := range keys[keep:] {
						mp.Clear(k)
					}
					keys = keys[:keep]
				},
				size: func(i int) int { return elementSize(fd, keys[i], mp.Get(keys[i])) },
			})
		case fd.Kind() == protoreflect.MessageKind:
			out = collectLists(v.Message(), f, out)
		}
		return true
	})
	return out
}

// elementSize is the encoded size of one element of a repeated field fd, or
// of one entry of a map field fd (key k, value v), tag and length included.
func elementSize(fd protoreflect.FieldDescriptor, k protoreflect.MapKey, v protoreflect.Value) int {
	if fd.IsMap() {
		entry := protowire.SizeTag(1) + protowire.SizeBytes(len(k.String())) + protowire.SizeTag(2) + scalarSize(fd.MapValue(), v)
		return protowire.SizeTag(fd.Number()) + protowire.SizeBytes(entry)
	}
	return protowire.SizeTag(fd.Number()) + scalarSize(fd, v)
}

// scalarSize is the encoded size of v, without its tag, for the kinds that
// lists and maps of the event hold.
func scalarSize(fd protoreflect.FieldDescriptor, v protoreflect.Value) int {
	switch fd.Kind() {
	case protoreflect.MessageKind:
		return protowire.SizeBytes(proto.Size(v.Message().Interface()))
	case protoreflect.StringKind:
		return protowire.SizeBytes(len(v.String()))
	case protoreflect.BytesKind:
		return protowire.SizeBytes(len(v.Bytes()))
	case protoreflect.EnumKind:
		return protowire.SizeVarint(uint64(v.Enum()))
	}
	return protowire.SizeVarint(v.Uint())
}

// dropElements drops trailing elements of lists and maps, the largest list
// first, until the event fits budget, and records each such list as
// truncated. It reports whether the event fits.
func (s *shrinker) dropElements(budget int) bool {
	lists := collectLists(s.ev.ProtoReflect(), "", nil)
	totals := make([]int, len(lists))
	for i, l := range lists {
		for j := range l.n() {
			totals[i] += l.size(j)
		}
	}
	order := make([]int, len(lists))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(totals[b], totals[a]) })
	size := proto.Size(s.ev)
	for _, i := range order {
		if size <= budget {
			break
		}
		l := lists[i]
		keep := l.n()
		// The list's path joins truncated_fields.
		for keep > 0 && size+len(l.field)+2 > budget {
			keep--
			size -= l.size(keep)
		}
		if keep == l.n() {
			continue
		}
		l.drop(keep)
		s.mark(l.field, l.field)
		if size = proto.Size(s.ev); size <= budget {
			return true
		}
	}
	return proto.Size(s.ev) <= budget
}
