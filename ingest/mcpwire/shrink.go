package mcpwire

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// shrinkRounds bounds the work of Shrink: each round cuts the largest field
// (or halves the largest list) once.
const shrinkRounds = 256

// Shrink shortens ev until its protobuf encoding is at most maxBytes, so
// that an event made from a hostile frame (a tools/list with a 10 MiB
// description, a 5 MiB JSON-RPC id) stays deliverable. It cuts the largest
// string and bytes fields first: a JSON-text field (a name ending in _json)
// becomes the valid JSON object {"mcpaudit.truncated":true,"size_bytes":N,
// "prefix":"..."}, any other string is cut at a UTF-8 boundary and a bytes
// field is cut; when only many small fields remain it halves the largest
// repeated or map field. Each shortened field's path (`tool_call.
// arguments_json`, `tool_list.tools[2].description`, `tool_list.tools`) is
// added to ev.truncated_fields (Event documents the convention). Shrink
// reports whether ev now fits; it leaves an event that already fits alone.
func Shrink(ev *eventv1.Event, maxBytes int) bool {
	for range shrinkRounds {
		size := proto.Size(ev)
		if size <= maxBytes {
			return true
		}
		excess := size - maxBytes
		var leaf *shrinkLeaf
		var list *shrinkList
		walkShrink(ev.ProtoReflect(), "", &leaf, &list)
		switch {
		case leaf != nil && (list == nil || 8*leaf.size >= excess):
			// One big field: cut it. Many fields, each small next to the
			// excess, would take a round each; halving their list is faster.
			leaf.cut(max(leaf.size-excess-64, 0))
			addTruncated(ev, leaf.path)
		case list != nil:
			list.halve()
			addTruncated(ev, list.path)
		case leaf != nil:
			leaf.cut(max(leaf.size-excess-64, 0))
			addTruncated(ev, leaf.path)
		default:
			return false
		}
	}
	return proto.Size(ev) <= maxBytes
}

func addTruncated(ev *eventv1.Event, path string) {
	if !slices.Contains(ev.TruncatedFields, path) {
		ev.TruncatedFields = append(ev.TruncatedFields, path)
	}
}

// shrinkLeaf is a string or bytes value Shrink may cut.
type shrinkLeaf struct {
	path string
	size int
	cut  func(n int) // shorten to about n bytes
}

// shrinkList is a repeated or map field Shrink may halve.
type shrinkList struct {
	path  string
	size  int // bytes of its elements, roughly
	halve func()
}

// walkShrink finds the largest leaf and the largest list below m.
func walkShrink(m protoreflect.Message, prefix string, leaf **shrinkLeaf, list **shrinkList) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		path := prefix + string(fd.Name())
		if path == "truncated_fields" {
			return true // the record of what was cut is never cut
		}
		switch {
		case fd.IsList():
			l := v.List()
			total := 0
			for i := range l.Len() {
				p := fmt.Sprintf("%s[%d]", path, i)
				switch {
				case fd.Message() != nil:
					sub := l.Get(i).Message()
					total += proto.Size(sub.Interface())
					walkShrink(sub, p+".", leaf, list)
				case fd.Kind() == protoreflect.StringKind:
					s := l.Get(i).String()
					total += len(s)
					offerLeaf(leaf, p, len(s), func(n int) { l.Set(i, protoreflect.ValueOfString(truncateUTF8(s, n))) })
				default:
					total += 8
				}
			}
			if l.Len() > 1 && (*list == nil || total > (*list).size) {
				*list = &shrinkList{path: path, size: total, halve: func() { l.Truncate(l.Len() / 2) }}
			}
		case fd.IsMap():
			mp := v.Map()
			total := 0
			var keys []protoreflect.MapKey
			mp.Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				keys = append(keys, k)
				total += len(k.String())
				p := fmt.Sprintf("%s[%q]", path, k.String())
				switch {
				case fd.MapValue().Message() != nil:
					total += proto.Size(mv.Message().Interface())
					walkShrink(mv.Message(), p+".", leaf, list)
				case fd.MapValue().Kind() == protoreflect.StringKind:
					s := mv.String()
					total += len(s)
					offerLeaf(leaf, p, len(s), func(n int) { mp.Set(k, protoreflect.ValueOfString(truncateUTF8(s, n))) })
				}
				return true
			})
			if len(keys) > 1 && (*list == nil || total > (*list).size) {
				*list = &shrinkList{path: path, size: total, halve: func() {
					slices.SortFunc(keys, func(a, b protoreflect.MapKey) int { return strings.Compare(a.String(), b.String()) })
					for _, k := range keys[len(keys)/2:] {
						mp.Clear(k)
					}
				}}
			}
		case fd.Kind() == protoreflect.StringKind:
			s := v.String()
			isJSON := strings.HasSuffix(path, "_json")
			offerLeaf(leaf, path, len(s), func(n int) {
				if isJSON {
					m.Set(fd, protoreflect.ValueOfString(truncationMarker(s, n)))
					return
				}
				m.Set(fd, protoreflect.ValueOfString(truncateUTF8(s, n)))
			})
		case fd.Kind() == protoreflect.BytesKind:
			b := v.Bytes()
			offerLeaf(leaf, path, len(b), func(n int) { m.Set(fd, protoreflect.ValueOfBytes(b[:min(n, len(b))])) })
		case fd.Message() != nil:
			walkShrink(v.Message(), path+".", leaf, list)
		}
		return true
	})
}

func offerLeaf(leaf **shrinkLeaf, path string, size int, cut func(int)) {
	if *leaf == nil || size > (*leaf).size {
		*leaf = &shrinkLeaf{path: path, size: size, cut: cut}
	}
}

// truncationMarker is the JSON object that stands for the JSON text js cut
// to about n bytes. A marker already in place keeps the original size.
func truncationMarker(js string, n int) string {
	type marker struct {
		Truncated bool   `json:"mcpaudit.truncated"`
		Size      int    `json:"size_bytes"`
		Prefix    string `json:"prefix"`
	}
	size := len(js)
	var old marker
	if json.Unmarshal([]byte(js), &old) == nil && old.Truncated {
		size, js = old.Size, old.Prefix
	}
	// Escaping can double the prefix (or grow control bytes sixfold); cut
	// it so that the marker stays near n, and let Shrink come back if not.
	b, err := json.Marshal(marker{true, size, truncateUTF8(js, max(n-64, 0)/2)})
	if err != nil {
		return `{"mcpaudit.truncated":true}`
	}
	return string(b)
}
