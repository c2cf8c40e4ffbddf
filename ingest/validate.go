package ingest

import (
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// Limits the collector applies whatever its configuration.
const (
	// MaxSessionIDBytes caps session.id.
	MaxSessionIDBytes = 256
	// MaxMethodBytes caps method.
	MaxMethodBytes = 256
)

// FieldError is a validation failure: Field is the path of the offending
// field in the request (`events[3].session.id`), Reason says what is wrong.
// Export turns it into INVALID_ARGUMENT with a BadRequest field violation.
type FieldError struct {
	// Field is the path of the field in the ExportRequest.
	Field string
	// Reason is a short lowercase description of the problem.
	Reason string
}

// Error returns "field: reason".
func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

func fieldErr(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// validator checks one batch against a Config at a fixed instant.
type validator struct {
	cfg Config
	now time.Time
}

// validateBatch checks every event of the batch and returns the first
// problem as a *FieldError, or nil when the whole batch may be written.
func (v validator) validateBatch(events []*eventv1.Event) error {
	if len(events) == 0 {
		return fieldErr("events", "at least 1 event required")
	}
	if len(events) > v.cfg.MaxBatchEvents {
		return fieldErr("events", "%d events in batch, at most %d allowed", len(events), v.cfg.MaxBatchEvents)
	}
	for i, ev := range events {
		if err := v.validateEvent(fmt.Sprintf("events[%d]", i), ev); err != nil {
			return err
		}
	}
	return nil
}

// validateEvent checks one event; path is its position (`events[3]`).
func (v validator) validateEvent(path string, ev *eventv1.Event) error {
	if ev == nil {
		return fieldErr(path, "event required")
	}
	if n := proto.Size(ev); n > v.cfg.MaxEventBytes {
		return fieldErr(path, "event is %d bytes encoded, at most %d allowed", n, v.cfg.MaxEventBytes)
	}
	if err := checkKnown(path, ev.ProtoReflect()); err != nil {
		return err
	}
	if id := ev.GetEventId(); id != "" {
		if _, err := parseEventID(id); err != nil {
			return fieldErr(path+".event_id", "%v", err)
		}
	}
	if err := v.checkTime(path+".time", ev); err != nil {
		return err
	}
	switch sid := ev.GetSession().GetId(); {
	case sid == "":
		return fieldErr(path+".session.id", "required")
	case len(sid) > MaxSessionIDBytes:
		return fieldErr(path+".session.id", "%d bytes, at most %d allowed", len(sid), MaxSessionIDBytes)
	}
	if ev.GetDirection() == eventv1.Direction_DIRECTION_UNSPECIFIED {
		return fieldErr(path+".direction", "required (DIRECTION_CLIENT_TO_SERVER or DIRECTION_SERVER_TO_CLIENT)")
	}
	kind := ev.GetKind()
	if kind == eventv1.MessageKind_MESSAGE_KIND_UNSPECIFIED {
		return fieldErr(path+".kind", "required")
	}
	switch m := ev.GetMethod(); {
	case m == "" && (kind == eventv1.MessageKind_MESSAGE_KIND_REQUEST || kind == eventv1.MessageKind_MESSAGE_KIND_NOTIFICATION):
		return fieldErr(path+".method", "required for %s", kind)
	case len(m) > MaxMethodBytes:
		return fieldErr(path+".method", "%d bytes, at most %d allowed", len(m), MaxMethodBytes)
	}
	if d := ev.GetDuration(); d != nil {
		if err := d.CheckValid(); err != nil {
			return fieldErr(path+".duration", "invalid: %v", err)
		}
		if d.AsDuration() < 0 {
			return fieldErr(path+".duration", "negative")
		}
	}
	if ev.GetSizeBytes() < 0 {
		return fieldErr(path+".size_bytes", "negative")
	}
	if tr := ev.GetTrace(); tr != nil {
		if id := tr.GetTraceId(); id != "" && !isLowerHex(id, 32) {
			return fieldErr(path+".trace.trace_id", "want 32 lowercase hex characters")
		}
		if id := tr.GetSpanId(); id != "" && !isLowerHex(id, 16) {
			return fieldErr(path+".trace.span_id", "want 16 lowercase hex characters")
		}
	}
	if tc := ev.GetToolCall(); tc != nil {
		if n := len(tc.GetArgumentsJson()); n > v.cfg.MaxArgumentsBytes {
			return fieldErr(path+".tool_call.arguments_json", "%d bytes, at most %d allowed", n, v.cfg.MaxArgumentsBytes)
		}
		if n := len(tc.GetResult().GetText()); n > v.cfg.MaxResultTextBytes {
			return fieldErr(path+".tool_call.result.text", "%d bytes, at most %d allowed", n, v.cfg.MaxResultTextBytes)
		}
		if n := len(tc.GetResult().GetStructuredContentJson()); n > v.cfg.MaxResultTextBytes {
			return fieldErr(path+".tool_call.result.structured_content_json", "%d bytes, at most %d allowed", n, v.cfg.MaxResultTextBytes)
		}
	}
	return v.checkLabels(path+".labels", ev.GetLabels())
}

func (v validator) checkTime(path string, ev *eventv1.Event) error {
	ts := ev.GetTime()
	if ts == nil {
		return fieldErr(path, "required")
	}
	if err := ts.CheckValid(); err != nil {
		return fieldErr(path, "invalid timestamp: %v", err)
	}
	t := ts.AsTime()
	if t.After(v.now.Add(v.cfg.MaxFutureSkew)) {
		return fieldErr(path, "%s is more than %s in the future", t.Format(time.RFC3339Nano), v.cfg.MaxFutureSkew)
	}
	if t.Before(v.now.Add(-v.cfg.MaxEventAge)) {
		return fieldErr(path, "%s is older than %s", t.Format(time.RFC3339Nano), v.cfg.MaxEventAge)
	}
	return nil
}

func (v validator) checkLabels(path string, labels map[string]string) error {
	if len(labels) == 0 {
		return nil
	}
	if len(labels) > v.cfg.MaxLabels {
		return fieldErr(path, "%d labels, at most %d allowed", len(labels), v.cfg.MaxLabels)
	}
	// Sorted, so the reported label is the same on every retry.
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		switch {
		case k == "":
			return fieldErr(path, "empty label key")
		case len(k) > v.cfg.MaxLabelKeyBytes:
			return fieldErr(fmt.Sprintf("%s[%q]", path, truncate(k, 32)), "key is %d bytes, at most %d allowed", len(k), v.cfg.MaxLabelKeyBytes)
		case len(labels[k]) > v.cfg.MaxLabelValueBytes:
			return fieldErr(fmt.Sprintf("%s[%q]", path, k), "value is %d bytes, at most %d allowed", len(labels[k]), v.cfg.MaxLabelValueBytes)
		}
	}
	return nil
}

// parseEventID accepts a UUID of any version in canonical 36-character form
// (either case) and returns it in lowercase canonical form. The nil UUID is
// refused: it would collide across emitters.
func parseEventID(id string) (string, error) {
	if len(id) != 36 {
		return "", errors.New("want a UUID in canonical 8-4-4-4-12 form")
	}
	u, err := uuid.Parse(id)
	if err != nil {
		return "", errors.New("want a UUID in canonical 8-4-4-4-12 form")
	}
	if u == uuid.Nil {
		return "", errors.New("the nil UUID is not a valid event id")
	}
	return u.String(), nil
}

// checkKnown walks m and refuses fields this collector does not know
// (unknown field numbers, kept by protobuf as unknown bytes) and enum numbers
// outside the schema, rather than writing or dropping them silently.
func checkKnown(path string, m protoreflect.Message) error {
	if raw := m.GetUnknown(); len(raw) > 0 {
		return fieldErr(path, "unknown field (not in %s)", m.Descriptor().FullName())
	}
	var err error
	m.Range(func(fd protoreflect.FieldDescriptor, val protoreflect.Value) bool {
		p := path + "." + string(fd.Name())
		switch {
		case fd.IsList():
			l := val.List()
			for i := 0; i < l.Len() && err == nil; i++ {
				err = checkKnownValue(fmt.Sprintf("%s[%d]", p, i), fd, l.Get(i))
			}
		case fd.IsMap():
			val.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				err = checkKnownValue(fmt.Sprintf("%s[%q]", p, k.String()), fd.MapValue(), mv)
				return err == nil
			})
		default:
			err = checkKnownValue(p, fd, val)
		}
		return err == nil
	})
	return err
}

func checkKnownValue(path string, fd protoreflect.FieldDescriptor, val protoreflect.Value) error {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return checkKnown(path, val.Message())
	case protoreflect.EnumKind:
		if fd.Enum().Values().ByNumber(val.Enum()) == nil {
			return fieldErr(path, "unknown %s value %d", fd.Enum().Name(), val.Enum())
		}
	}
	return nil
}

func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// truncate cuts s to at most n bytes on a rune boundary, for messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "..."
}
