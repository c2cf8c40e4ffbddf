package ingest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/mcpaudit/mcpaudit/ingest/mcpwire"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// Bounds of Event.truncated_fields, which emitters fill too: at most
// maxTruncatedFields paths of at most maxTruncatedFieldBytes each are kept.
// Past the count, the collector lists shortened fields by their path without
// indexes (`tool_list.tools.description`), of which the schema has few.
const (
	maxTruncatedFields     = 64
	maxTruncatedFieldBytes = 128
)

// keepBytes is how much of each field the first shrinking pass keeps, so
// that every shortened field still shows its beginning; a second pass goes
// below it only when the event cannot fit otherwise.
const keepBytes = 1 << 10

// Shrink tiers: fields of a lower tier are shortened first, the largest
// first within a tier. The raw message repeats what the other fields hold;
// results and tool definitions are what the server said; arguments are what
// the agent asked for, the most telling part of a tool call. Fields not
// listed are tier 4.
var shrinkTier = map[string]int{
	"raw":                   0,
	"tool_call.result.text": 1,
	"tool_call.result.structured_content_json": 1,
	"invalid_frame.prefix":                     1,
	"tool_list.tools.description":              2,
	"tool_list.tools.title":                    2,
	"tool_list.tools.input_schema_json":        2,
	"tool_list.tools.output_schema_json":       2,
	"tool_call.arguments_json":                 3,
}

// unshrinkable fields identify and route the event; their lengths are
// capped by capFields.
var unshrinkable = map[string]bool{
	"event_id":         true,
	"tenant_id":        true,
	"session.id":       true,
	"method":           true,
	"truncated_fields": true,
}

// shortener shortens the fields of one event and records each in
// Event.truncated_fields and in the truncated-fields metric.
type shortener struct {
	ev      *eventv1.Event
	m       *metrics
	changed bool // the collector shortened something
}

// mark records that the field at path (normalized: norm) was shortened.
func (s *shortener) mark(path, norm string) {
	s.changed = true
	s.m.truncated.WithLabelValues(norm).Inc()
	tf := s.ev.TruncatedFields
	if len(tf) >= maxTruncatedFields || len(path) > maxTruncatedFieldBytes {
		path = norm
	}
	if !slices.Contains(tf, path) {
		s.ev.TruncatedFields = append(tf, path)
	}
}

// capFields applies the configured per-field caps: JSON fields become the
// truncation marker (mcpwire.TruncateJSON), text is cut at a UTF-8 boundary,
// labels beyond the caps are shortened or dropped. Nothing is refused.
func (s *shortener) capFields(cfg Config) {
	ev := s.ev
	capText := func(p *string, limit int, path string) {
		if len(*p) > limit {
			*p = mcpwire.TruncateText(*p, limit)
			s.mark(path, path)
		}
	}
	capJSON := func(p *string, limit int, path, norm string) {
		if len(*p) > limit {
			*p = mcpwire.TruncateJSON(*p, limit)
			s.mark(path, norm)
		}
	}
	if sess := ev.GetSession(); sess != nil {
		capText(&sess.Id, MaxSessionIDBytes, "session.id")
	}
	capText(&ev.Method, MaxMethodBytes, "method")
	if tc := ev.GetToolCall(); tc != nil {
		capJSON(&tc.ArgumentsJson, cfg.MaxArgumentsBytes, "tool_call.arguments_json", "tool_call.arguments_json")
		if res := tc.GetResult(); res != nil {
			capText(&res.Text, cfg.MaxResultTextBytes, "tool_call.result.text")
			capJSON(&res.StructuredContentJson, cfg.MaxResultTextBytes, "tool_call.result.structured_content_json", "tool_call.result.structured_content_json")
		}
	}
	for i, t := range ev.GetToolList().GetTools() {
		if t == nil {
			continue
		}
		if len(t.InputSchemaJson) > cfg.MaxArgumentsBytes {
			capJSON(&t.InputSchemaJson, cfg.MaxArgumentsBytes, fmt.Sprintf("tool_list.tools[%d].input_schema_json", i), "tool_list.tools.input_schema_json")
		}
		if len(t.OutputSchemaJson) > cfg.MaxArgumentsBytes {
			capJSON(&t.OutputSchemaJson, cfg.MaxArgumentsBytes, fmt.Sprintf("tool_list.tools[%d].output_schema_json", i), "tool_list.tools.output_schema_json")
		}
	}
	if el := ev.GetElicitation(); el != nil {
		capJSON(&el.RequestedSchemaJson, cfg.MaxArgumentsBytes, "elicitation.requested_schema_json", "elicitation.requested_schema_json")
	}
	s.capLabels(cfg)
	s.capTruncatedFields()
}

// capLabels keeps at most Config.MaxLabels labels (the first in key order),
// cuts keys and values to their caps and records `labels` (or
// `labels["key"]` for a value) as truncated.
func (s *shortener) capLabels(cfg Config) {
	labels := s.ev.GetLabels()
	over := len(labels) > cfg.MaxLabels
	if !over {
		for k, v := range labels {
			if len(k) > cfg.MaxLabelKeyBytes || len(v) > cfg.MaxLabelValueBytes {
				over = true
				break
			}
		}
	}
	if !over {
		return
	}
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make(map[string]string, min(len(keys), cfg.MaxLabels))
	dropped := false
	for _, k := range keys {
		v := labels[k]
		nk := mcpwire.TruncateText(k, cfg.MaxLabelKeyBytes)
		if _, dup := out[nk]; dup || len(out) == cfg.MaxLabels {
			dropped = true
			continue
		}
		if nk != k {
			dropped = true
		}
		if len(v) > cfg.MaxLabelValueBytes {
			v = mcpwire.TruncateText(v, cfg.MaxLabelValueBytes)
			if nk == k {
				s.mark(fmt.Sprintf("labels[%q]", k), "labels")
			}
		}
		out[nk] = v
	}
	s.ev.Labels = out
	if dropped {
		s.mark("labels", "labels")
	}
}

// capTruncatedFields bounds the list an emitter sent: paths are cut to
// maxTruncatedFieldBytes, duplicates dropped, and past maxTruncatedFields-1
// entries the rest is replaced by `truncated_fields`.
func (s *shortener) capTruncatedFields() {
	tf := s.ev.GetTruncatedFields()
	if len(tf) == 0 {
		return
	}
	ok := len(tf) < maxTruncatedFields
	for _, p := range tf {
		ok = ok && len(p) <= maxTruncatedFieldBytes
	}
	if ok {
		return
	}
	out := make([]string, 0, maxTruncatedFields)
	for _, p := range tf {
		p = mcpwire.TruncateText(p, maxTruncatedFieldBytes)
		if slices.Contains(out, p) {
			continue
		}
		if len(out) == maxTruncatedFields-1 {
			out = append(out, "truncated_fields")
			break
		}
		out = append(out, p)
	}
	s.ev.TruncatedFields = out
	s.changed = true
	s.m.truncated.WithLabelValues("truncated_fields").Inc()
}

// leaf is one string or bytes field of the event that may be shortened.
type leaf struct {
	path, norm string
	tier       int
	json       bool // JSON text (the field name ends in _json): shortened to the marker
	val        func() protoreflect.Value
	set        func(protoreflect.Value)
}

func (l *leaf) len() int {
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
func (l *leaf) shrinkTo(n int) bool {
	switch x := l.val().Interface().(type) {
	case string:
		var y string
		if l.json {
			y = mcpwire.TruncateJSON(x, n)
		} else {
			y = mcpwire.TruncateText(x, n)
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
// path, normalized norm) to out: scalar fields, map values, and the fields
// of messages in lists. Repeated strings and map keys are left to
// dropElements.
func collectLeaves(m protoreflect.Message, path, norm string, out []leaf) []leaf {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		name := string(fd.Name())
		p, n := joinPath(path, name), joinPath(norm, name)
		if unshrinkable[n] {
			return true
		}
		switch {
		case fd.IsMap():
			if fd.MapValue().Kind() != protoreflect.StringKind {
				return true
			}
			mp := v.Map()
			mp.Range(func(k protoreflect.MapKey, _ protoreflect.Value) bool {
				out = append(out, leaf{
					path: fmt.Sprintf("%s[%q]", p, k.String()), norm: n, tier: tierOf(n),
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
				out = collectLeaves(l.Get(i).Message(), fmt.Sprintf("%s[%d]", p, i), n, out)
			}
		case fd.Kind() == protoreflect.MessageKind:
			out = collectLeaves(v.Message(), p, n, out)
		case fd.Kind() == protoreflect.StringKind || fd.Kind() == protoreflect.BytesKind:
			out = append(out, leaf{
				path: p, norm: n, tier: tierOf(n), json: strings.HasSuffix(name, "_json"),
				val: func() protoreflect.Value { return m.Get(fd) },
				set: func(nv protoreflect.Value) { m.Set(fd, nv) },
			})
		}
		return true
	})
	return out
}

func tierOf(norm string) int {
	if t, ok := shrinkTier[norm]; ok {
		return t
	}
	return 4
}

// Tiers of the fields that carry payload (raw message, results, tool
// definitions, arguments); the others (names, versions, error messages,
// labels) describe the event and go last.
const (
	payloadTier = 3
	lastTier    = 4
)

// fit shortens the event until its encoded size is at most budget bytes and
// reports whether it fits, with the final encoded size. Fields go in
// shrinkTier order, the largest first within a tier, in passes: every field
// down to keepBytes; then payload fields to as little as needed, down to
// nothing; then trailing list elements and map entries (dropElements);
// then any field to as little as needed.
func (s *shortener) fit(budget int) (int, bool) {
	size := proto.Size(s.ev)
	if size <= budget {
		return size, true
	}
	leaves, lens, order := s.leaves()
	if size, ok := s.shrink(leaves, lens, order, size, budget, keepBytes, lastTier); ok {
		return size, true
	}
	if size, ok := s.shrink(leaves, lens, order, size, budget, 0, payloadTier); ok {
		return size, true
	}
	if size, ok := s.dropElements(budget); ok {
		return size, true
	}
	leaves, lens, order = s.leaves()
	return s.shrink(leaves, lens, order, proto.Size(s.ev), budget, 0, lastTier)
}

// leaves collects the event's shortenable fields with their lengths and the
// order to shorten them in: by tier, then the largest first.
func (s *shortener) leaves() ([]leaf, []int, []int) {
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

// shrink is one pass of fit over the leaves of tiers up to maxTier: each is
// cut by what the event is over budget, but not below floor bytes. size is
// the event's encoded size on entry; shrink returns it on exit and whether
// it is within budget.
func (s *shortener) shrink(leaves []leaf, lens, order []int, size, budget, floor, maxTier int) (int, bool) {
	for _, i := range order {
		if size <= budget {
			// size is an estimate within a pass: confirm.
			if size = proto.Size(s.ev); size <= budget {
				return size, true
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
		s.mark(l.path, l.norm)
		size += now - cur + len(l.path) + 2
	}
	size = proto.Size(s.ev)
	return size, size <= budget
}

// list is a repeated or map field that dropElements may shorten.
type list struct {
	norm string
	n    func() int
	drop func(keep int) // keep the first keep elements
	size func(i int) int
}

// collectLists appends the list and map fields of m and of its singular
// message fields (not of messages inside lists) to out.
func collectLists(m protoreflect.Message, norm string, out []list) []list {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		n := joinPath(norm, string(fd.Name()))
		switch {
		case unshrinkable[n]:
		case fd.IsList():
			l := v.List()
			out = append(out, list{
				norm: n,
				n:    l.Len,
				drop: func(keep int) { l.Truncate(keep) },
				size: func(i int) int { return elementSize(fd, protoreflect.MapKey{}, l.Get(i)) },
			})
		case fd.IsMap():
			mp := v.Map()
			keys := make([]protoreflect.MapKey, 0, mp.Len())
			mp.Range(func(k protoreflect.MapKey, _ protoreflect.Value) bool {
				keys = append(keys, k)
				return true
			})
			slices.SortFunc(keys, func(a, b protoreflect.MapKey) int { return strings.Compare(a.String(), b.String()) })
			out = append(out, list{
				norm: n,
				n:    func() int { return len(keys) },
				drop: func(keep int) {
					for _, k := range keys[keep:] {
						mp.Clear(k)
					}
					keys = keys[:keep]
				},
				size: func(i int) int { return elementSize(fd, keys[i], mp.Get(keys[i])) },
			})
		case fd.Kind() == protoreflect.MessageKind:
			out = collectLists(v.Message(), n, out)
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
// truncated. It reports the final size and whether the event fits.
func (s *shortener) dropElements(budget int) (int, bool) {
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
		for keep > 0 && size+len(l.norm)+2 > budget {
			keep--
			size -= l.size(keep)
		}
		if keep == l.n() {
			continue
		}
		l.drop(keep)
		s.mark(l.norm, l.norm)
		if size = proto.Size(s.ev); size <= budget {
			return size, true
		}
	}
	size = proto.Size(s.ev)
	return size, size <= budget
}
