package ingest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

var testNow = time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)

// validEvent returns a tools/call request that passes validation at testNow.
func validEvent() *eventv1.Event {
	return &eventv1.Event{
		Time:      timestamppb.New(testNow.Add(-time.Second)),
		Source:    &eventv1.Source{Kind: eventv1.SourceKind_SOURCE_KIND_TAP, Name: "mcpaudit-tap"},
		Session:   &eventv1.Session{Id: "sess-1", Transport: eventv1.Transport_TRANSPORT_STDIO, ProtocolVersion: "2025-06-18"},
		Direction: eventv1.Direction_DIRECTION_CLIENT_TO_SERVER,
		Kind:      eventv1.MessageKind_MESSAGE_KIND_REQUEST,
		JsonrpcId: "1",
		Method:    "tools/call",
		ToolCall:  &eventv1.ToolCall{Name: "read_file", ArgumentsJson: `{"path":"/tmp/x"}`},
		Labels:    map[string]string{"env": "test"},
	}
}

func TestValidateEvent(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxArgumentsBytes = 64
	cfg.MaxResultTextBytes = 64
	cfg.MaxLabels = 2
	cfg.MaxLabelKeyBytes = 8
	cfg.MaxLabelValueBytes = 8
	cfg.MaxEventBytes = 4096

	tests := []struct {
		name      string
		mutate    func(*eventv1.Event)
		wantField string // empty: valid
		wantIn    string // substring of the reason
	}{
		{name: "valid request", mutate: func(*eventv1.Event) {}},
		{name: "valid response without method", mutate: func(e *eventv1.Event) {
			e.Kind, e.Method = eventv1.MessageKind_MESSAGE_KIND_RESPONSE, ""
		}},
		{name: "valid error without method", mutate: func(e *eventv1.Event) {
			e.Kind, e.Method = eventv1.MessageKind_MESSAGE_KIND_ERROR, ""
			e.Error = &eventv1.JsonRpcError{Code: -32601, Message: "method not found"}
		}},
		{name: "valid emitter uuid v4 upper case", mutate: func(e *eventv1.Event) { e.EventId = "6BA7B810-9DAD-41D1-80B4-00C04FD430C8" }},
		{name: "valid uuid v7", mutate: func(e *eventv1.Event) { e.EventId = "01890a5d-ac96-774b-bcce-b302099a8057" }},
		{name: "time at max skew", mutate: func(e *eventv1.Event) { e.Time = timestamppb.New(testNow.Add(5 * time.Minute)) }},
		{name: "time at max age", mutate: func(e *eventv1.Event) { e.Time = timestamppb.New(testNow.Add(-7 * 24 * time.Hour)) }},
		{name: "trace ids", mutate: func(e *eventv1.Event) {
			e.Trace = &eventv1.TraceContext{TraceId: "4bf92f3577b34da6a3ce929d0e0e4736", SpanId: "00f067aa0ba902b7"}
		}},

		{name: "time missing", mutate: func(e *eventv1.Event) { e.Time = nil }, wantField: "events[0].time", wantIn: "required"},
		{name: "time invalid", mutate: func(e *eventv1.Event) { e.Time = &timestamppb.Timestamp{Seconds: 1, Nanos: -1} }, wantField: "events[0].time", wantIn: "invalid"},
		{name: "time in future", mutate: func(e *eventv1.Event) { e.Time = timestamppb.New(testNow.Add(6 * time.Minute)) }, wantField: "events[0].time", wantIn: "future"},
		{name: "time too old", mutate: func(e *eventv1.Event) { e.Time = timestamppb.New(testNow.Add(-8 * 24 * time.Hour)) }, wantField: "events[0].time", wantIn: "older"},
		{name: "session missing", mutate: func(e *eventv1.Event) { e.Session = nil }, wantField: "events[0].session.id", wantIn: "required"},
		{name: "session id empty", mutate: func(e *eventv1.Event) { e.Session.Id = "" }, wantField: "events[0].session.id", wantIn: "required"},
		{name: "session id too long", mutate: func(e *eventv1.Event) { e.Session.Id = strings.Repeat("s", 257) }, wantField: "events[0].session.id", wantIn: "257 bytes"},
		{name: "direction unspecified", mutate: func(e *eventv1.Event) { e.Direction = 0 }, wantField: "events[0].direction", wantIn: "required"},
		{name: "direction unknown number", mutate: func(e *eventv1.Event) { e.Direction = 9 }, wantField: "events[0].direction", wantIn: "unknown Direction value 9"},
		{name: "kind unspecified", mutate: func(e *eventv1.Event) { e.Kind = 0 }, wantField: "events[0].kind", wantIn: "required"},
		{name: "source kind unknown number", mutate: func(e *eventv1.Event) { e.Source.Kind = 42 }, wantField: "events[0].source.kind", wantIn: "unknown SourceKind"},
		{name: "method missing on request", mutate: func(e *eventv1.Event) { e.Method = "" }, wantField: "events[0].method", wantIn: "MESSAGE_KIND_REQUEST"},
		{name: "method missing on notification", mutate: func(e *eventv1.Event) {
			e.Kind, e.Method = eventv1.MessageKind_MESSAGE_KIND_NOTIFICATION, ""
		}, wantField: "events[0].method", wantIn: "required"},
		{name: "method too long", mutate: func(e *eventv1.Event) { e.Method = strings.Repeat("m", 257) }, wantField: "events[0].method"},
		{name: "event id not uuid", mutate: func(e *eventv1.Event) { e.EventId = "not-a-uuid" }, wantField: "events[0].event_id", wantIn: "UUID"},
		{name: "event id without hyphens", mutate: func(e *eventv1.Event) { e.EventId = "6ba7b8109dad11d180b400c04fd430c8" }, wantField: "events[0].event_id"},
		{name: "event id urn form", mutate: func(e *eventv1.Event) { e.EventId = "urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8" }, wantField: "events[0].event_id"},
		{name: "event id nil uuid", mutate: func(e *eventv1.Event) { e.EventId = "00000000-0000-0000-0000-000000000000" }, wantField: "events[0].event_id", wantIn: "nil UUID"},
		{name: "negative duration", mutate: func(e *eventv1.Event) { e.Duration = durationpb.New(-time.Second) }, wantField: "events[0].duration", wantIn: "negative"},
		{name: "negative size", mutate: func(e *eventv1.Event) { e.SizeBytes = -1 }, wantField: "events[0].size_bytes"},
		{name: "bad trace id", mutate: func(e *eventv1.Event) { e.Trace = &eventv1.TraceContext{TraceId: "XYZ"} }, wantField: "events[0].trace.trace_id"},
		{name: "bad span id", mutate: func(e *eventv1.Event) { e.Trace = &eventv1.TraceContext{SpanId: "00F067AA0BA902B7"} }, wantField: "events[0].trace.span_id"},
		{name: "arguments too large", mutate: func(e *eventv1.Event) {
			e.ToolCall.ArgumentsJson = `{"a":"` + strings.Repeat("x", 64) + `"}`
		}, wantField: "events[0].tool_call.arguments_json", wantIn: "at most 64"},
		{name: "result text too large", mutate: func(e *eventv1.Event) {
			e.ToolCall.Result = &eventv1.ToolResult{Text: strings.Repeat("x", 65)}
		}, wantField: "events[0].tool_call.result.text"},
		{name: "structured content too large", mutate: func(e *eventv1.Event) {
			e.ToolCall.Result = &eventv1.ToolResult{StructuredContentJson: strings.Repeat("x", 65)}
		}, wantField: "events[0].tool_call.result.structured_content_json"},
		{name: "too many labels", mutate: func(e *eventv1.Event) { e.Labels = map[string]string{"a": "1", "b": "2", "c": "3"} }, wantField: "events[0].labels", wantIn: "3 labels"},
		{name: "empty label key", mutate: func(e *eventv1.Event) { e.Labels = map[string]string{"": "1"} }, wantField: "events[0].labels", wantIn: "empty"},
		{name: "label key too long", mutate: func(e *eventv1.Event) { e.Labels = map[string]string{"abcdefghi": "1"} }, wantField: `events[0].labels["abcdefghi"]`, wantIn: "key"},
		{name: "label value too long", mutate: func(e *eventv1.Event) { e.Labels = map[string]string{"k": "123456789"} }, wantField: `events[0].labels["k"]`, wantIn: "value"},
		{name: "event too large", mutate: func(e *eventv1.Event) { e.Raw = make([]byte, 5000) }, wantField: "events[0]", wantIn: "at most 4096"},
		{name: "unknown field", mutate: func(e *eventv1.Event) {
			e.ProtoReflect().SetUnknown(protowire.AppendTag(nil, 99, protowire.VarintType))
			e.ProtoReflect().SetUnknown(protowire.AppendVarint(e.ProtoReflect().GetUnknown(), 1))
		}, wantField: "events[0]", wantIn: "unknown field"},
		{name: "unknown nested field", mutate: func(e *eventv1.Event) {
			e.Session.ProtoReflect().SetUnknown(protowire.AppendVarint(protowire.AppendTag(nil, 77, protowire.VarintType), 5))
		}, wantField: "events[0].session", wantIn: "unknown field"},
		{name: "unknown enum in tool list", mutate: func(e *eventv1.Event) {
			e.Session.Transport = 17
		}, wantField: "events[0].session.transport", wantIn: "unknown Transport"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := validEvent()
			tt.mutate(ev)
			err := validator{cfg: cfg, now: testNow}.validateBatch([]*eventv1.Event{ev})
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("want *FieldError on %s, got %v", tt.wantField, err)
			}
			if fe.Field != tt.wantField {
				t.Errorf("field = %q, want %q (reason %q)", fe.Field, tt.wantField, fe.Reason)
			}
			if !strings.Contains(fe.Reason, tt.wantIn) {
				t.Errorf("reason = %q, want it to contain %q", fe.Reason, tt.wantIn)
			}
		})
	}
}

func TestValidateBatch(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxBatchEvents = 3
	batch := func(n int) []*eventv1.Event {
		out := make([]*eventv1.Event, n)
		for i := range out {
			out[i] = validEvent()
		}
		return out
	}
	tests := []struct {
		name      string
		events    []*eventv1.Event
		wantField string
	}{
		{name: "one", events: batch(1)},
		{name: "max", events: batch(3)},
		{name: "empty", events: nil, wantField: "events"},
		{name: "over max", events: batch(4), wantField: "events"},
		{name: "nil event", events: append(batch(1), nil), wantField: "events[1]"},
		{name: "second bad names its index", events: func() []*eventv1.Event {
			b := batch(3)
			b[2].Session.Id = ""
			return b
		}(), wantField: "events[2].session.id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validator{cfg: cfg, now: testNow}.validateBatch(tt.events)
			var fe *FieldError
			switch {
			case tt.wantField == "" && err != nil:
				t.Fatalf("want valid, got %v", err)
			case tt.wantField != "" && !errors.As(err, &fe):
				t.Fatalf("want *FieldError, got %v", err)
			case tt.wantField != "" && fe.Field != tt.wantField:
				t.Fatalf("field = %q, want %q", fe.Field, tt.wantField)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		wantIn string
	}{
		{name: "default", mutate: func(*Config) {}},
		{name: "batch", mutate: func(c *Config) { c.MaxBatchEvents = 0 }, wantIn: "ingest.max_batch_events"},
		{name: "inflight", mutate: func(c *Config) { c.MaxInflightBatches = -1 }, wantIn: "ingest.max_inflight_batches"},
		{name: "skew", mutate: func(c *Config) { c.MaxFutureSkew = 0 }, wantIn: "ingest.max_future_skew"},
		{name: "write timeout", mutate: func(c *Config) { c.WriteTimeout = 0 }, wantIn: "ingest.write_timeout"},
		{name: "event bytes", mutate: func(c *Config) { c.MaxEventBytes = 0 }, wantIn: "ingest.max_event_bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.mutate(&c)
			err := c.Validate()
			if tt.wantIn == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantIn) {
				t.Fatalf("Validate() = %v, want it to name %s", err, tt.wantIn)
			}
		})
	}
}

// TestValidEventIsSmall keeps the fixture far under the size cap, so size
// tests above measure what they mean to.
func TestValidEventIsSmall(t *testing.T) {
	if n := proto.Size(validEvent()); n > 1024 {
		t.Fatalf("fixture is %d bytes", n)
	}
}
