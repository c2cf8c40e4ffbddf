package ingest

import (
	"bytes"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	ingestv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/ingest/v1"
)

// passwdCall is a tools/call reading /etc/passwd, as the issue's
// reproduction sent fifty of.
func passwdCall(sid string, i int) *eventv1.Event {
	ev := nowEvent(sid)
	ev.JsonrpcId = fmt.Sprint(i)
	ev.ToolCall.ArgumentsJson = `{"path":"/etc/passwd"}`
	return ev
}

// TestExportPartialSuccess is issue 5's first reproduction: one frame that
// is not JSON-RPC (an event without kind, as the old tap sent it) followed
// by fifty tools/call reads of /etc/passwd. The collector used to refuse the
// whole batch (`events[0].kind: required`); now the fifty are written and
// the bad one is reported, OTLP style. Invalid frames and observation gaps
// are accepted as their own kinds.
func TestExportPartialSuccess(t *testing.T) {
	b := startBroker(t)
	st := startStack(t, DefaultConfig(), newWriter(t, b.Brokers(), 0), newAuthenticator(t, false))

	garbage := nowEvent("issue-1")
	garbage.Kind, garbage.Method, garbage.ToolCall = 0, "", nil
	events := []*eventv1.Event{garbage}
	for i := range 50 {
		events = append(events, passwdCall("issue-1", i))
	}
	resp, err := st.client.Export(t.Context(), &ingestv1.ExportRequest{Events: events})
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	ps := resp.GetPartialSuccess()
	if resp.GetAcceptedCount() != 50 || len(resp.GetEventIds()) != 51 || resp.GetEventIds()[0] != "" || slices.Contains(resp.GetEventIds()[1:], "") {
		t.Fatalf("accepted %d, ids %q", resp.GetAcceptedCount(), resp.GetEventIds())
	}
	if ps.GetRejectedEvents() != 1 || len(ps.GetFieldViolations()) != 1 || ps.GetFieldViolations()[0].GetField() != "events[0].kind" ||
		ps.GetErrorMessage() != "1 of 51 events rejected; first: events[0].kind: required" {
		t.Fatalf("partial_success = %v", ps)
	}

	// The new kinds: an invalid frame and an observation gap, next to a
	// gap whose span is reversed (rejected, naming the field).
	now := time.Now()
	invalid := nowEvent("issue-1")
	invalid.Kind, invalid.Method, invalid.ToolCall = eventv1.MessageKind_MESSAGE_KIND_INVALID, "", nil
	invalid.InvalidFrame = &eventv1.InvalidFrame{Code: -32700, Reason: "invalid character 'x' looking for beginning of value", Prefix: []byte("xyzzy")}
	gap := nowEvent("issue-1")
	gap.Kind, gap.Method, gap.ToolCall, gap.Direction = eventv1.MessageKind_MESSAGE_KIND_OBSERVATION_GAP, "", nil, 0
	gap.ObservationGap = &eventv1.ObservationGap{Reason: eventv1.GapReason_GAP_REASON_OBSERVER_QUEUE_FULL, Bytes: 119_500_000, Frames: 3,
		StartTime: timestamppb.New(now.Add(-time.Second)), EndTime: timestamppb.New(now)}
	reversed := nowEvent("issue-1")
	reversed.Kind, reversed.Method, reversed.ToolCall = eventv1.MessageKind_MESSAGE_KIND_OBSERVATION_GAP, "", nil
	reversed.ObservationGap = &eventv1.ObservationGap{Reason: eventv1.GapReason_GAP_REASON_BUFFER_FULL, Events: 7,
		StartTime: timestamppb.New(now), EndTime: timestamppb.New(now.Add(-time.Second))}
	resp2, err := st.client.Export(t.Context(), &ingestv1.ExportRequest{Events: []*eventv1.Event{invalid, reversed, gap}})
	if err != nil {
		t.Fatalf("Export of the new kinds: %v", err)
	}
	if ids := resp2.GetEventIds(); resp2.GetAcceptedCount() != 2 || ids[0] == "" || ids[1] != "" || ids[2] == "" ||
		resp2.GetPartialSuccess().GetFieldViolations()[0].GetField() != "events[1].observation_gap.end_time" {
		t.Fatalf("new kinds: %v", resp2)
	}

	msgs := readEvents(t, b.Brokers(), 52)
	kinds := map[eventv1.MessageKind]int{}
	for _, m := range msgs {
		ev := decode(t, m)
		kinds[ev.GetKind()]++
		if ev.GetKind() == eventv1.MessageKind_MESSAGE_KIND_OBSERVATION_GAP && ev.GetObservationGap().GetBytes() != 119_500_000 {
			t.Errorf("stored gap = %v", ev.GetObservationGap())
		}
	}
	want := map[eventv1.MessageKind]int{eventv1.MessageKind_MESSAGE_KIND_REQUEST: 50, eventv1.MessageKind_MESSAGE_KIND_INVALID: 1, eventv1.MessageKind_MESSAGE_KIND_OBSERVATION_GAP: 1}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Errorf("stored kinds %v, want %v", kinds, want)
	}

	ev := func(result, reason string) float64 {
		return testutil.ToFloat64(st.svc.m.events.WithLabelValues(result, reason))
	}
	if ev(resultAccepted, reasonComplete) != 52 || ev(resultRejected, reasonInvalidEvent) != 2 {
		t.Errorf("events metric: accepted %v, rejected %v", ev(resultAccepted, reasonComplete), ev(resultRejected, reasonInvalidEvent))
	}
	if got := testutil.ToFloat64(st.svc.m.violations.WithLabelValues("kind")); got != 1 {
		t.Errorf("kind violations = %v", got)
	}
	if got := testutil.ToFloat64(st.svc.m.batches.WithLabelValues("OK")); got != 2 {
		t.Errorf("OK batches = %v", got)
	}
}

// TestExportAllRejected checks that a batch in which every event is invalid
// is refused as a whole, with a BadRequest listing one violation per event
// (at most 100) and a message naming the first; and that partial_success
// lists at most 100 violations while counting all.
func TestExportAllRejected(t *testing.T) {
	b := startBroker(t)
	st := startStack(t, DefaultConfig(), newWriter(t, b.Brokers(), 0), newAuthenticator(t, false))

	var events []*eventv1.Event
	for i := range 150 {
		ev := nowEvent(fmt.Sprint("s", i))
		ev.Session.Id = ""
		events = append(events, ev)
	}
	_, err := st.client.Export(t.Context(), &ingestv1.ExportRequest{Events: events})
	s := status.Convert(err)
	if s.Code() != codes.InvalidArgument || s.Message() != "150 of 150 events rejected; first: events[0].session.id: required" {
		t.Fatalf("Export = %v", err)
	}
	var br *errdetails.BadRequest
	for _, d := range s.Details() {
		if x, ok := d.(*errdetails.BadRequest); ok {
			br = x
		}
	}
	if br == nil || len(br.GetFieldViolations()) != maxViolations || br.GetFieldViolations()[99].GetField() != "events[99].session.id" {
		t.Fatalf("BadRequest = %v", br)
	}

	// One good event among them: written, the 150 reported.
	events = append(events, passwdCall("good", 1))
	resp, err := st.client.Export(t.Context(), &ingestv1.ExportRequest{Events: events})
	if err != nil {
		t.Fatal(err)
	}
	ps := resp.GetPartialSuccess()
	if resp.GetAcceptedCount() != 1 || ps.GetRejectedEvents() != 150 || len(ps.GetFieldViolations()) != maxViolations || resp.GetEventIds()[150] == "" {
		t.Fatalf("accepted %d, rejected %d, %d violations", resp.GetAcceptedCount(), ps.GetRejectedEvents(), len(ps.GetFieldViolations()))
	}
	if got := decode(t, readEvents(t, b.Brokers(), 1)[0]); got.GetEventId() != resp.GetEventIds()[150] {
		t.Errorf("stored %s, want %s", got.GetEventId(), resp.GetEventIds()[150])
	}

	// Request-level problems stay INVALID_ARGUMENT on the field `events`.
	tooMany := make([]*eventv1.Event, 1001)
	for i := range tooMany {
		tooMany[i] = &eventv1.Event{}
	}
	for _, req := range []*ingestv1.ExportRequest{{}, {Events: tooMany}} {
		_, err := st.client.Export(t.Context(), req)
		if s := status.Convert(err); s.Code() != codes.InvalidArgument || !strings.HasPrefix(s.Message(), "events: ") {
			t.Errorf("Export of %d events = %v", len(req.Events), err)
		}
	}
	if got := testutil.ToFloat64(st.svc.m.events.WithLabelValues(resultRejected, reasonInvalidRequest)); got != 1001 {
		t.Errorf("invalid_request events = %v, want 1001", got)
	}
}

// TestRejectionLogIsSampled checks that rejections are logged with a
// static message once per interval, however many batches carry them, and
// that the next record says how many were held back.
func TestRejectionLogIsSampled(t *testing.T) {
	b := startBroker(t)
	var logs bytes.Buffer
	svc, err := New(DefaultConfig(), newWriter(t, b.Brokers(), 0), newAuthenticator(t, false), slog.New(slog.NewJSONHandler(&logs, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	svc.rejectLog.interval = time.Hour // so that the machine's speed does not matter
	for i := range 20 {
		bad := passwdCall("s", i)
		bad.Time = nil
		if _, err := svc.Export(t.Context(), &ingestv1.ExportRequest{Events: []*eventv1.Event{bad, passwdCall("s", i)}}); err != nil {
			t.Fatal(err)
		}
	}
	if n := strings.Count(logs.String(), `"msg":"ingest events rejected"`); n != 1 {
		t.Fatalf("%d rejection records for 20 batches within the interval:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), `"field":"events[0].time"`) {
		t.Errorf("record does not name the field: %s", logs.String())
	}

	l := logSampler{interval: time.Second}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, step := range []struct {
		at       time.Duration
		ok       bool
		withheld int64
	}{{0, true, 0}, {10 * time.Millisecond, false, 0}, {999 * time.Millisecond, false, 0}, {time.Second, true, 2}, {1500 * time.Millisecond, false, 0}, {3 * time.Second, true, 1}} {
		if ok, held := l.allow(t0.Add(step.at)); ok != step.ok || held != step.withheld {
			t.Errorf("allow(+%s) = %v, %d; want %v, %d", step.at, ok, held, step.ok, step.withheld)
		}
	}
}
