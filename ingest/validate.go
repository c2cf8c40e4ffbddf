package ingest

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/mcpaudit/mcpaudit/internal/fieldpath"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// Limits the collector applies whatever its configuration. Longer values are
// shortened (and listed in Event.truncated_fields), not refused.
const (
	// MaxSessionIDBytes caps session.id.
	MaxSessionIDBytes = 256
	// MaxMethodBytes caps method.
	MaxMethodBytes = 256
)

// JSON-RPC 2.0 error codes an invalid frame may carry
// (https://www.jsonrpc.org/specification#error_object).
const (
	codeParseError     = -32700
	codeInvalidRequest = -32600
)

// FieldError is a validation failure: Field is the path of the offending
// field in the request (`events[3].session.id`), Reason says what is wrong.
// Export reports it as a field violation: in ExportResponse.partial_success
// when other events of the batch were written, in the google.rpc.BadRequest
// detail of INVALID_ARGUMENT when none was.
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

// eventPath returns the path of event i in the request (`events[3]`).
func eventPath(i int) string { return fmt.Sprintf("events[%d]", i) }

// under prefixes fe's path, relative to an event, with the event's path.
func (fe *FieldError) under(event string) *FieldError {
	if fe.Field == "" {
		fe.Field = event
	} else {
		fe.Field = event + "." + fe.Field
	}
	return fe
}

// validator checks requests against a Config at a fixed instant.
type validator struct {
	cfg Config
	now time.Time
}

// checkRequest checks what concerns the request as a whole: 1 to
// Config.MaxBatchEvents events. A problem here refuses the whole request.
func (v validator) checkRequest(events []*eventv1.Event) *FieldError {
	if len(events) == 0 {
		return fieldErr("events", "at least 1 event required")
	}
	if len(events) > v.cfg.MaxBatchEvents {
		return fieldErr("events", "%d events in batch, at most %d allowed", len(events), v.cfg.MaxBatchEvents)
	}
	return nil
}

// checkEvent checks one event on its own and returns its first problem, with
// a path relative to the event (`session.id`; "" for the event itself), or
// nil when the event may be written. Sizes are not checked: prepare shortens
// what is too large.
func (v validator) checkEvent(ev *eventv1.Event) *FieldError {
	if ev == nil {
		return fieldErr("", "event required")
	}
	if fieldpath.HasUnknown(ev.ProtoReflect()) {
		if p := fieldpath.CheckKnown("", ev.ProtoReflect(), false); p != nil {
			return &FieldError{Field: p.Path, Reason: p.Desc}
		}
	}
	if id := ev.GetEventId(); id != "" {
		if _, err := parseEventID(id); err != nil {
			return fieldErr("event_id", "%v", err)
		}
	}
	if fe := v.checkTime("time", ev.GetTime()); fe != nil {
		return fe
	}
	if ev.GetSession().GetId() == "" {
		return fieldErr("session.id", "required")
	}
	kind := ev.GetKind()
	if kind == eventv1.MessageKind_MESSAGE_KIND_UNSPECIFIED {
		return fieldErr("kind", "required")
	}
	// An observation gap may cover both directions (a full buffer of
	// undelivered events); every message travelled one way.
	if ev.GetDirection() == eventv1.Direction_DIRECTION_UNSPECIFIED && kind != eventv1.MessageKind_MESSAGE_KIND_OBSERVATION_GAP {
		return fieldErr("direction", "required (DIRECTION_CLIENT_TO_SERVER or DIRECTION_SERVER_TO_CLIENT)")
	}
	if ev.GetMethod() == "" && (kind == eventv1.MessageKind_MESSAGE_KIND_REQUEST || kind == eventv1.MessageKind_MESSAGE_KIND_NOTIFICATION) {
		return fieldErr("method", "required for %s", kind)
	}
	if fe := checkInvalidFrame(kind, ev.GetInvalidFrame()); fe != nil {
		return fe
	}
	if fe := checkObservationGap(kind, ev.GetObservationGap()); fe != nil {
		return fe
	}
	if d := ev.GetDuration(); d != nil {
		if err := d.CheckValid(); err != nil {
			return fieldErr("duration", "invalid: %v", err)
		}
		if d.AsDuration() < 0 {
			return fieldErr("duration", "negative")
		}
	}
	if ev.GetSizeBytes() < 0 {
		return fieldErr("size_bytes", "negative")
	}
	if ev.GetToolCall().GetResult().GetSizeBytes() < 0 {
		return fieldErr("tool_call.result.size_bytes", "negative")
	}
	if ev.GetResource().GetSizeBytes() < 0 {
		return fieldErr("resource.size_bytes", "negative")
	}
	if tr := ev.GetTrace(); tr != nil {
		if id := tr.GetTraceId(); id != "" && !isLowerHex(id, 32) {
			return fieldErr("trace.trace_id", "want 32 lowercase hex characters")
		}
		if id := tr.GetSpanId(); id != "" && !isLowerHex(id, 16) {
			return fieldErr("trace.span_id", "want 16 lowercase hex characters")
		}
	}
	if _, ok := ev.GetLabels()[""]; ok {
		return fieldErr("labels", "empty label key")
	}
	return nil
}

// checkInvalidFrame checks that invalid_frame is set exactly on
// MESSAGE_KIND_INVALID events, with one of the two JSON-RPC codes a frame
// that is not a JSON-RPC message deserves.
func checkInvalidFrame(kind eventv1.MessageKind, f *eventv1.InvalidFrame) *FieldError {
	if kind != eventv1.MessageKind_MESSAGE_KIND_INVALID {
		if f != nil {
			return fieldErr("invalid_frame", "only allowed with MESSAGE_KIND_INVALID, kind is %s", kind)
		}
		return nil
	}
	if f == nil {
		return fieldErr("invalid_frame", "required for MESSAGE_KIND_INVALID")
	}
	if c := f.GetCode(); c != codeParseError && c != codeInvalidRequest {
		return fieldErr("invalid_frame.code", "%d, want %d (parse error) or %d (invalid request)", c, codeParseError, codeInvalidRequest)
	}
	return nil
}

// checkObservationGap checks that observation_gap is set exactly on
// MESSAGE_KIND_OBSERVATION_GAP events, with a reason, non-negative counts and
// a span whose start is not after its end.
func checkObservationGap(kind eventv1.MessageKind, g *eventv1.ObservationGap) *FieldError {
	if kind != eventv1.MessageKind_MESSAGE_KIND_OBSERVATION_GAP {
		if g != nil {
			return fieldErr("observation_gap", "only allowed with MESSAGE_KIND_OBSERVATION_GAP, kind is %s", kind)
		}
		return nil
	}
	if g == nil {
		return fieldErr("observation_gap", "required for MESSAGE_KIND_OBSERVATION_GAP")
	}
	if g.GetReason() == eventv1.GapReason_GAP_REASON_UNSPECIFIED {
		return fieldErr("observation_gap.reason", "required")
	}
	for _, c := range []struct {
		name string
		n    int64
	}{{"bytes", g.GetBytes()}, {"events", g.GetEvents()}, {"frames", g.GetFrames()}} {
		if c.n < 0 {
			return fieldErr("observation_gap."+c.name, "negative")
		}
	}
	for _, ts := range []struct {
		name string
		t    *timestamppb.Timestamp
	}{{"start_time", g.GetStartTime()}, {"end_time", g.GetEndTime()}} {
		if ts.t == nil {
			return fieldErr("observation_gap."+ts.name, "required")
		}
		if err := ts.t.CheckValid(); err != nil {
			return fieldErr("observation_gap."+ts.name, "invalid timestamp: %v", err)
		}
	}
	if start, end := g.GetStartTime().AsTime(), g.GetEndTime().AsTime(); start.After(end) {
		return fieldErr("observation_gap.end_time", "%s is before start_time %s", end.Format(time.RFC3339Nano), start.Format(time.RFC3339Nano))
	}
	return nil
}

func (v validator) checkTime(path string, ts *timestamppb.Timestamp) *FieldError {
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
