package ingest

import (
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
	gap := func(e *eventv1.Event) {
		e.Kind, e.Method, e.ToolCall, e.JsonrpcId = eventv1.MessageKind_MESSAGE_KIND_OBSERVATION_GAP, "", nil, ""
		e.ObservationGap = &eventv1.ObservationGap{
			Reason: eventv1.GapReason_GAP_REASON_OBSERVER_QUEUE_FULL, Bytes: 119_500_000, Frames: 4000,
			StartTime: timestamppb.New(testNow.Add(-time.Minute)), EndTime: timestamppb.New(testNow.Add(-time.Second)),
		}
	}
	invalid := func(e *eventv1.Event) {
		e.Kind, e.Method, e.ToolCall, e.JsonrpcId = eventv1.MessageKind_MESSAGE_KIND_INVALID, "", nil, ""
		e.InvalidFrame = &eventv1.InvalidFrame{Code: -32700, Reason: "invalid character 'x' looking for beginning of value", Prefix: []byte("xyz\xff")}
	}

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

		// Sizes are never refused (shorten_test.go covers what becomes of them).
		{name: "oversized fields are not refused", mutate: func(e *eventv1.Event) {
			e.Session.Id = strings.Repeat("s", 5000)
			e.Method = strings.Repeat("m", 5000)
			e.ToolCall.ArgumentsJson = `{"a":"` + strings.Repeat("x", 300<<10) + `"}`
			e.Raw = make([]byte, 2<<20)
			e.Labels = map[string]string{strings.Repeat("k", 200): strings.Repeat("v", 5000), "a": "1"}
		}},
		{name: "valid invalid frame without method", mutate: invalid},
		{name: "valid invalid request frame", mutate: func(e *eventv1.Event) { invalid(e); e.InvalidFrame.Code = -32600 }},
		{name: "valid observation gap", mutate: gap},
		{name: "valid observation gap over both directions", mutate: func(e *eventv1.Event) { gap(e); e.Direction = 0 }},
		{name: "valid observation gap of one instant", mutate: func(e *eventv1.Event) { gap(e); e.ObservationGap.EndTime = e.ObservationGap.StartTime }},

		{name: "invalid frame missing", mutate: func(e *eventv1.Event) { invalid(e); e.InvalidFrame = nil }, wantField: "events[0].invalid_frame", wantIn: "required for MESSAGE_KIND_INVALID"},
		{name: "invalid frame code", mutate: func(e *eventv1.Event) { invalid(e); e.InvalidFrame.Code = 0 }, wantField: "events[0].invalid_frame.code", wantIn: "-32700"},
		{name: "invalid frame on a request", mutate: func(e *eventv1.Event) { e.InvalidFrame = &eventv1.InvalidFrame{Code: -32700} }, wantField: "events[0].invalid_frame", wantIn: "only allowed"},
		{name: "invalid frame needs a direction", mutate: func(e *eventv1.Event) { invalid(e); e.Direction = 0 }, wantField: "events[0].direction"},
		{name: "gap missing", mutate: func(e *eventv1.Event) { gap(e); e.ObservationGap = nil }, wantField: "events[0].observation_gap", wantIn: "required"},
		{name: "gap on a response", mutate: func(e *eventv1.Event) {
			e.Kind = eventv1.MessageKind_MESSAGE_KIND_RESPONSE
			e.ObservationGap = &eventv1.ObservationGap{}
		}, wantField: "events[0].observation_gap", wantIn: "only allowed"},
		{name: "gap reason", mutate: func(e *eventv1.Event) { gap(e); e.ObservationGap.Reason = 0 }, wantField: "events[0].observation_gap.reason", wantIn: "required"},
		{name: "gap reason unknown", mutate: func(e *eventv1.Event) { gap(e); e.ObservationGap.Reason = 9 }, wantField: "events[0].observation_gap.reason", wantIn: "9 is not a GapReason value"},
		{name: "gap negative bytes", mutate: func(e *eventv1.Event) { gap(e); e.ObservationGap.Bytes = -1 }, wantField: "events[0].observation_gap.bytes", wantIn: "negative"},
		{name: "gap negative events", mutate: func(e *eventv1.Event) { gap(e); e.ObservationGap.Events = -1 }, wantField: "events[0].observation_gap.events"},
		{name: "gap negative frames", mutate: func(e *eventv1.Event) { gap(e); e.ObservationGap.Frames = -1 }, wantField: "events[0].observation_gap.frames"},
		{name: "gap start missing", mutate: func(e *eventv1.Event) { gap(e); e.ObservationGap.StartTime = nil }, wantField: "events[0].observation_gap.start_time", wantIn: "required"},
		{name: "gap end invalid", mutate: func(e *eventv1.Event) { gap(e); e.ObservationGap.EndTime = &timestamppb.Timestamp{Nanos: -5} }, wantField: "events[0].observation_gap.end_time", wantIn: "invalid"},
		{name: "gap span reversed", mutate: func(e *eventv1.Event) {
			gap(e)
			e.ObservationGap.StartTime, e.ObservationGap.EndTime = e.ObservationGap.EndTime, e.ObservationGap.StartTime
		}, wantField: "events[0].observation_gap.end_time", wantIn: "before start_time"},
		{name: "negative result size", mutate: func(e *eventv1.Event) { e.ToolCall.Result = &eventv1.ToolResult{SizeBytes: -1} }, wantField: "events[0].tool_call.result.size_bytes"},
		{name: "negative resource size", mutate: func(e *eventv1.Event) { e.Resource = &eventv1.Resource{SizeBytes: -1} }, wantField: "events[0].resource.size_bytes"},
		{name: "nil event", mutate: nil, wantField: "events[0]", wantIn: "event required"},

		{name: "time missing", mutate: func(e *eventv1.Event) { e.Time = nil }, wantField: "events[0].time", wantIn: "required"},
		{name: "time invalid", mutate: func(e *eventv1.Event) { e.Time = &timestamppb.Timestamp{Seconds: 1, Nanos: -1} }, wantField: "events[0].time", wantIn: "invalid"},
		{name: "time in future", mutate: func(e *eventv1.Event) { e.Time = timestamppb.New(testNow.Add(6 * time.Minute)) }, wantField: "events[0].time", wantIn: "future"},
		{name: "time too old", mutate: func(e *eventv1.Event) { e.Time = timestamppb.New(testNow.Add(-8 * 24 * time.Hour)) }, wantField: "events[0].time", wantIn: "older"},
		{name: "session missing", mutate: func(e *eventv1.Event) { e.Session = nil }, wantField: "events[0].session.id", wantIn: "required"},
		{name: "session id empty", mutate: func(e *eventv1.Event) { e.Session.Id = "" }, wantField: "events[0].session.id", wantIn: "required"},
		{name: "direction unspecified", mutate: func(e *eventv1.Event) { e.Direction = 0 }, wantField: "events[0].direction", wantIn: "required"},
		{name: "direction unknown number", mutate: func(e *eventv1.Event) { e.Direction = 9 }, wantField: "events[0].direction", wantIn: "9 is not a Direction value; want one of DIRECTION_UNSPECIFIED"},
		{name: "kind unspecified", mutate: func(e *eventv1.Event) { e.Kind = 0 }, wantField: "events[0].kind", wantIn: "required"},
		{name: "source kind unknown number", mutate: func(e *eventv1.Event) { e.Source.Kind = 42 }, wantField: "events[0].source.kind", wantIn: "is not a SourceKind value"},
		{name: "method missing on request", mutate: func(e *eventv1.Event) { e.Method = "" }, wantField: "events[0].method", wantIn: "MESSAGE_KIND_REQUEST"},
		{name: "method missing on notification", mutate: func(e *eventv1.Event) {
			e.Kind, e.Method = eventv1.MessageKind_MESSAGE_KIND_NOTIFICATION, ""
		}, wantField: "events[0].method", wantIn: "required"},
		{name: "event id not uuid", mutate: func(e *eventv1.Event) { e.EventId = "not-a-uuid" }, wantField: "events[0].event_id", wantIn: "UUID"},
		{name: "event id without hyphens", mutate: func(e *eventv1.Event) { e.EventId = "6ba7b8109dad11d180b400c04fd430c8" }, wantField: "events[0].event_id"},
		{name: "event id urn form", mutate: func(e *eventv1.Event) { e.EventId = "urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8" }, wantField: "events[0].event_id"},
		{name: "event id nil uuid", mutate: func(e *eventv1.Event) { e.EventId = "00000000-0000-0000-0000-000000000000" }, wantField: "events[0].event_id", wantIn: "nil UUID"},
		{name: "negative duration", mutate: func(e *eventv1.Event) { e.Duration = durationpb.New(-time.Second) }, wantField: "events[0].duration", wantIn: "negative"},
		{name: "negative size", mutate: func(e *eventv1.Event) { e.SizeBytes = -1 }, wantField: "events[0].size_bytes"},
		{name: "bad trace id", mutate: func(e *eventv1.Event) { e.Trace = &eventv1.TraceContext{TraceId: "XYZ"} }, wantField: "events[0].trace.trace_id"},
		{name: "bad span id", mutate: func(e *eventv1.Event) { e.Trace = &eventv1.TraceContext{SpanId: "00F067AA0BA902B7"} }, wantField: "events[0].trace.span_id"},
		{name: "empty label key", mutate: func(e *eventv1.Event) { e.Labels = map[string]string{"": "1"} }, wantField: "events[0].labels", wantIn: "empty"},
		{name: "unknown field", mutate: func(e *eventv1.Event) {
			e.ProtoReflect().SetUnknown(protowire.AppendTag(nil, 99, protowire.VarintType))
			e.ProtoReflect().SetUnknown(protowire.AppendVarint(e.ProtoReflect().GetUnknown(), 1))
		}, wantField: "events[0].99", wantIn: "unknown field number 99"},
		{name: "unknown nested field", mutate: func(e *eventv1.Event) {
			e.Session.ProtoReflect().SetUnknown(protowire.AppendVarint(protowire.AppendTag(nil, 77, protowire.VarintType), 5))
		}, wantField: "events[0].session.77", wantIn: "unknown field number 77"},
		{name: "unknown enum in tool list", mutate: func(e *eventv1.Event) {
			e.Session.Transport = 17
		}, wantField: "events[0].session.transport", wantIn: "17 is not a Transport value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := validEvent()
			if tt.mutate == nil {
				ev = nil
			} else {
				tt.mutate(ev)
			}
			fe := validator{cfg: cfg, now: testNow}.checkEvent(ev)
			if tt.wantField == "" {
				if fe != nil {
					t.Fatalf("want valid, got %v", fe)
				}
				return
			}
			if fe == nil {
				t.Fatalf("want a violation of %s, got none", tt.wantField)
			}
			fe = fe.under("events[0]")
			if fe.Field != tt.wantField {
				t.Errorf("field = %q, want %q (reason %q)", fe.Field, tt.wantField, fe.Reason)
			}
			if !strings.Contains(fe.Reason, tt.wantIn) {
				t.Errorf("reason = %q, want it to contain %q", fe.Reason, tt.wantIn)
			}
		})
	}
}

func TestCheckRequest(t *testing.T) {
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
		name   string
		events []*eventv1.Event
		wantIn string // "" for valid
	}{
		{name: "one", events: batch(1)},
		{name: "max", events: batch(3)},
		{name: "nil events are judged one by one", events: append(batch(1), nil)},
		{name: "empty", events: nil, wantIn: "at least 1 event"},
		{name: "over max", events: batch(4), wantIn: "4 events in batch, at most 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fe := validator{cfg: cfg, now: testNow}.checkRequest(tt.events)
			switch {
			case tt.wantIn == "" && fe != nil:
				t.Fatalf("want valid, got %v", fe)
			case tt.wantIn != "" && fe == nil:
				t.Fatal("want a violation, got none")
			case tt.wantIn != "" && (fe.Field != "events" || !strings.Contains(fe.Reason, tt.wantIn)):
				t.Fatalf("violation %v, want events: ...%s...", fe, tt.wantIn)
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
		{name: "event bytes too small", mutate: func(c *Config) { c.MaxEventBytes = 4096 }, wantIn: "ingest.max_event_bytes: at least 65536"},
		{name: "message bytes default", mutate: func(c *Config) { c.MaxMessageBytes = 0 }},
		{name: "message bytes set", mutate: func(c *Config) { c.MaxMessageBytes = 300_000 }},
		{name: "message bytes too small", mutate: func(c *Config) { c.MaxMessageBytes = 1000 }, wantIn: "ingest.max_message_bytes"},
		{name: "message bytes negative", mutate: func(c *Config) { c.MaxMessageBytes = -1 }, wantIn: "ingest.max_message_bytes"},
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
