package mcpwire

import (
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/reflect/protoreflect"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// replacementChar replaces each maximal run of invalid UTF-8 bytes, as
// strings.ToValidUTF8 does (U+FFFD, the Unicode replacement character).
const replacementChar = "\uFFFD"

// SanitizeUTF8 replaces the invalid UTF-8 in every string field of ev, at
// any depth (nested messages, repeated fields, map keys and values), by
// U+FFFD, and reports whether it changed anything. Protobuf refuses to
// marshal a proto3 string that is not valid UTF-8 ("string field contains
// invalid UTF-8"), so an event that went through SanitizeUTF8 always
// encodes. Bytes fields (raw, invalid_frame.prefix) are left as they are:
// they keep the original bytes. It does not set ev.invalid_utf8; the
// Observer does, for the frames that held invalid UTF-8.
//
// SanitizeUTF8 walks the message with protoreflect, which costs far more
// than a utf8.Valid over the frame: call it only when the input was not
// valid UTF-8. A nil ev is left alone.
func SanitizeUTF8(ev *eventv1.Event) bool {
	if ev == nil {
		return false
	}
	return sanitizeMessage(ev.ProtoReflect())
}

// sanitizeMessage fixes the string fields of m and of the messages below it.
func sanitizeMessage(m protoreflect.Message) bool {
	if !m.IsValid() {
		return false
	}
	type fix struct {
		fd protoreflect.FieldDescriptor
		v  protoreflect.Value
	}
	var fixes []fix // applied after Range: m must not change while it is ranged
	changed := false
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList():
			changed = sanitizeList(fd, v.List()) || changed
		case fd.IsMap():
			changed = sanitizeMap(fd, v.Map()) || changed
		case fd.Kind() == protoreflect.StringKind:
			if s, ok := validString(v.String()); ok {
				fixes = append(fixes, fix{fd, protoreflect.ValueOfString(s)})
			}
		case fd.Message() != nil:
			changed = sanitizeMessage(v.Message()) || changed
		}
		return true
	})
	for _, f := range fixes {
		m.Set(f.fd, f.v)
	}
	return changed || len(fixes) > 0
}

func sanitizeList(fd protoreflect.FieldDescriptor, l protoreflect.List) bool {
	changed := false
	for i := range l.Len() {
		switch {
		case fd.Kind() == protoreflect.StringKind:
			if s, ok := validString(l.Get(i).String()); ok {
				l.Set(i, protoreflect.ValueOfString(s))
				changed = true
			}
		case fd.Message() != nil:
			changed = sanitizeMessage(l.Get(i).Message()) || changed
		}
	}
	return changed
}

func sanitizeMap(fd protoreflect.FieldDescriptor, mp protoreflect.Map) bool {
	type entry struct {
		old protoreflect.MapKey
		key string
		val protoreflect.Value
	}
	var rekey []entry
	var revalue []entry
	changed := false
	stringKeys := fd.MapKey().Kind() == protoreflect.StringKind
	valKind := fd.MapValue().Kind()
	mp.Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
		switch {
		case valKind == protoreflect.StringKind:
			if s, ok := validString(v.String()); ok {
				v = protoreflect.ValueOfString(s)
				revalue = append(revalue, entry{old: k, val: v})
			}
		case fd.MapValue().Message() != nil:
			changed = sanitizeMessage(v.Message()) || changed
		}
		if stringKeys {
			if s, ok := validString(k.String()); ok {
				rekey = append(rekey, entry{old: k, key: s, val: v})
			}
		}
		return true
	})
	for _, e := range revalue {
		mp.Set(e.old, e.val)
	}
	for _, e := range rekey {
		mp.Clear(e.old)
	}
	for _, e := range rekey {
		// Two keys may become equal once fixed; keep both entries apart
		// rather than lose one.
		key := e.key
		for mp.Has(protoreflect.ValueOfString(key).MapKey()) {
			key += replacementChar
		}
		mp.Set(protoreflect.ValueOfString(key).MapKey(), e.val)
	}
	return changed || len(revalue) > 0 || len(rekey) > 0
}

// validString returns s with invalid UTF-8 replaced and true, or s and
// false when s was valid.
func validString(s string) (string, bool) {
	if utf8.ValidString(s) {
		return s, false
	}
	return strings.ToValidUTF8(s, replacementChar), true
}
