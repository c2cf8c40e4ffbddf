package ingest

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/mcpaudit/mcpaudit/ingest/mcpwire"
	"github.com/mcpaudit/mcpaudit/internal/kafka"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	ingestv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/ingest/v1"
)

var updateSeeds = flag.Bool("update", false, "rewrite testdata/export_session.json and .binpb from ingest/mcpwire/testdata/session.jsonl")

// seedNow is the collector's clock for the fuzz seeds: their events were
// observed a minute before it.
var seedNow = time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)

// Seed files, all holding an ExportRequest.
const (
	seedSessionJSON   = "testdata/export_session.json"
	seedSessionBinary = "testdata/export_session.binpb"
	seedRequestJSON   = "testdata/export_request.json" // {{TIME}} stands for the event time
)

// sessionRequest turns the real tap session in mcpwire's testdata into an
// ExportRequest, as the tap sends it: one event per JSON-RPC message through
// mcpwire.Observer, frames that are not JSON-RPC as MESSAGE_KIND_INVALID
// events with their prefix, and an observation gap.
func sessionRequest(t testing.TB) *ingestv1.ExportRequest {
	t.Helper()
	f, err := os.Open("mcpwire/testdata/session.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg := mcpwire.DefaultConfig()
	cfg.Source = &eventv1.Source{Kind: eventv1.SourceKind_SOURCE_KIND_TAP, Name: "mcpaudit-tap", Version: "test", Host: "h", Instance: "i"}
	cfg.SessionID = "0197b7c4-0000-7000-8000-000000000001"
	cfg.Transport = eventv1.Transport_TRANSPORT_STDIO
	cfg.ServerIdentity = "npx -y @modelcontextprotocol/server-filesystem /tmp"
	cfg.PrincipalSubject = "alice"
	cfg.CaptureRaw = true
	o := mcpwire.NewObserver(cfg)
	at := seedNow.Add(-time.Minute)
	req := &ingestv1.ExportRequest{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		dir := eventv1.Direction_DIRECTION_CLIENT_TO_SERVER
		if bytes.HasPrefix(line, []byte("< ")) {
			dir = eventv1.Direction_DIRECTION_SERVER_TO_CLIENT
		}
		at = at.Add(time.Millisecond)
		req.Events = append(req.Events, o.Observe(dir, line[2:], at)...)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	gap := proto.Clone(req.Events[len(req.Events)-1]).(*eventv1.Event)
	gap.EventId, gap.Kind, gap.Method, gap.JsonrpcId, gap.Raw, gap.InvalidFrame, gap.ToolCall, gap.Direction = "", eventv1.MessageKind_MESSAGE_KIND_OBSERVATION_GAP, "", "", nil, nil, nil, 0
	gap.ObservationGap = &eventv1.ObservationGap{Reason: eventv1.GapReason_GAP_REASON_OBSERVER_QUEUE_FULL, Bytes: 119_500_000, Frames: 52_000,
		StartTime: timestamppb.New(at.Add(-time.Second)), EndTime: timestamppb.New(at)}
	req.Events = append(req.Events, gap)
	return req
}

// TestSessionSeeds keeps the fuzz seeds made from the real tap session
// current (go test ./ingest -run TestSessionSeeds -update rewrites them) and
// checks that the collector accepts every event of that session, as JSON and
// as protobuf.
func TestSessionSeeds(t *testing.T) {
	if *updateSeeds {
		req := sessionRequest(t)
		js, err := protojson.MarshalOptions{Multiline: true}.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		bin, err := proto.MarshalOptions{Deterministic: true}.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(seedSessionJSON, js, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(seedSessionBinary, bin, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		file   string
		decode func([]byte, *ingestv1.ExportRequest) error
	}{
		{seedSessionJSON, func(b []byte, r *ingestv1.ExportRequest) error { return protojson.Unmarshal(b, r) }},
		{seedSessionBinary, func(b []byte, r *ingestv1.ExportRequest) error { return proto.Unmarshal(b, r) }},
	} {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			data, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			req := &ingestv1.ExportRequest{}
			if err := tt.decode(data, req); err != nil {
				t.Fatal(err)
			}
			h := newFuzzHarness(t)
			resp, err := h.svc.Export(t.Context(), req)
			if err != nil || resp.GetPartialSuccess() != nil || resp.GetAcceptedCount() != int64(len(req.GetEvents())) || len(req.GetEvents()) < 25 {
				t.Fatalf("Export of %d session events = %v, %v", len(req.GetEvents()), resp, err)
			}
			kinds := map[eventv1.MessageKind]bool{}
			for _, m := range h.w.take() {
				ev := &eventv1.Event{}
				if err := proto.Unmarshal(m.Value, ev); err != nil {
					t.Fatal(err)
				}
				kinds[ev.GetKind()] = true
			}
			for k := range eventv1.MessageKind_name {
				if k != 0 && !kinds[eventv1.MessageKind(k)] {
					t.Errorf("no %s event in the seed", eventv1.MessageKind(k))
				}
			}
		})
	}
}

// memWriter is an in-memory MessageWriter for the fuzz targets, whose
// property concerns decoding, validation and shortening, not Kafka.
type memWriter struct {
	mu   sync.Mutex
	msgs []kafkago.Message
}

func (w *memWriter) WriteMessages(_ context.Context, msgs ...kafkago.Message) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, msgs...)
	return nil
}

func (w *memWriter) take() []kafkago.Message {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.msgs
	w.msgs = nil
	return out
}

type fuzzHarness struct {
	svc *Service
	w   *memWriter
}

// newFuzzHarness returns a collector with small limits, so that shortening
// is exercised by small inputs, and raw capture on.
func newFuzzHarness(t testing.TB) *fuzzHarness {
	cfg := DefaultConfig()
	cfg.MaxMessageBytes = MinMessageBytes
	cfg.MaxEventBytes = MinMessageBytes
	cfg.MaxArgumentsBytes = 4 << 10
	cfg.MaxResultTextBytes = 4 << 10
	cfg.MaxLabels = 4
	cfg.MaxLabelKeyBytes = 16
	cfg.MaxLabelValueBytes = 32
	cfg.CaptureRaw = true
	w := &memWriter{}
	svc, err := New(cfg, w, newAuthenticator(t, false), slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	svc.now = func() time.Time { return seedNow }
	return &fuzzHarness{svc: svc, w: w}
}

// check runs Export on a decoded request and checks the property both fuzz
// targets state: no panic; the counts add up (accepted + rejected = events,
// one id per event, "" exactly for rejected ones); every violation names a
// field under `events`; every written event decodes, encodes again, is no
// larger than max_event_bytes and its Kafka message no larger than
// max_message_bytes.
func (h *fuzzHarness) check(t *testing.T, req *ingestv1.ExportRequest) {
	n := len(req.GetEvents())
	resp, err := h.svc.Export(t.Context(), req)
	msgs := h.w.take()
	if err != nil {
		s := status.Convert(err)
		if s.Code() != codes.InvalidArgument {
			t.Fatalf("Export = %v, want success or INVALID_ARGUMENT", err)
		}
		if len(msgs) != 0 {
			t.Fatalf("INVALID_ARGUMENT after writing %d messages", len(msgs))
		}
		var vs []*errdetails.BadRequest_FieldViolation
		for _, d := range s.Details() {
			if br, ok := d.(*errdetails.BadRequest); ok {
				vs = append(vs, br.GetFieldViolations()...)
			}
		}
		if len(vs) == 0 {
			t.Fatalf("INVALID_ARGUMENT without field violations: %v", err)
		}
		for _, v := range vs {
			checkViolationField(t, v.GetField())
		}
		if vs[0].GetField() != "events" && len(vs) != min(n, maxViolations) {
			t.Fatalf("%d violations for %d rejected events", len(vs), n)
		}
		return
	}
	ps := resp.GetPartialSuccess()
	if resp.GetAcceptedCount()+ps.GetRejectedEvents() != int64(n) || len(resp.GetEventIds()) != n || int(resp.GetAcceptedCount()) != len(msgs) {
		t.Fatalf("accepted %d + rejected %d != %d events (%d ids, %d messages)", resp.GetAcceptedCount(), ps.GetRejectedEvents(), n, len(resp.GetEventIds()), len(msgs))
	}
	if ps != nil && (ps.GetRejectedEvents() == 0 || len(ps.GetFieldViolations()) != min(int(ps.GetRejectedEvents()), maxViolations) || ps.GetErrorMessage() == "") {
		t.Fatalf("partial_success = %v", ps)
	}
	empty := 0
	for _, id := range resp.GetEventIds() {
		if id == "" {
			empty++
		}
	}
	if empty != int(ps.GetRejectedEvents()) {
		t.Fatalf("%d empty ids for %d rejected events", empty, ps.GetRejectedEvents())
	}
	for _, v := range ps.GetFieldViolations() {
		checkViolationField(t, v.GetField())
	}
	for _, m := range msgs {
		if size := kafka.MessageSize(m); size > h.svc.cfg.messageBytes()-messageSizeMargin {
			t.Fatalf("message of %d bytes, limit %d", size, h.svc.cfg.messageBytes()-messageSizeMargin)
		}
		if len(m.Value) > h.svc.cfg.MaxEventBytes {
			t.Fatalf("event of %d bytes, max_event_bytes %d", len(m.Value), h.svc.cfg.MaxEventBytes)
		}
		ev := &eventv1.Event{}
		if err := proto.Unmarshal(m.Value, ev); err != nil {
			t.Fatalf("written event does not decode: %v", err)
		}
		if _, err := proto.Marshal(ev); err != nil {
			t.Fatalf("written event does not encode again: %v", err)
		}
		if ev.GetEventId() == "" || string(m.Value) == "" || header(m, kafka.HeaderEventID) != ev.GetEventId() {
			t.Fatalf("written event id %q, header %q", ev.GetEventId(), header(m, kafka.HeaderEventID))
		}
	}
}

func checkViolationField(t *testing.T, field string) {
	t.Helper()
	if field != "events" && !strings.HasPrefix(field, "events[") {
		t.Fatalf("violation field %q is not under events", field)
	}
}

// addSeeds adds the session seed, each of its events alone, the REST
// example request and a request with oversized fields to f, encoded by enc.
func addSeeds(f *testing.F, enc func(*ingestv1.ExportRequest) []byte) {
	session := &ingestv1.ExportRequest{}
	data, err := os.ReadFile(seedSessionBinary)
	if err != nil {
		f.Fatal(err)
	}
	if err := proto.Unmarshal(data, session); err != nil {
		f.Fatal(err)
	}
	f.Add(enc(session))
	for _, ev := range session.GetEvents() {
		f.Add(enc(&ingestv1.ExportRequest{Events: []*eventv1.Event{ev}}))
	}
	tmpl, err := os.ReadFile(seedRequestJSON)
	if err != nil {
		f.Fatal(err)
	}
	rest := &ingestv1.ExportRequest{}
	if err := protojson.Unmarshal(bytes.ReplaceAll(tmpl, []byte("{{TIME}}"), []byte(seedNow.Add(-time.Second).Format(time.RFC3339Nano))), rest); err != nil {
		f.Fatal(err)
	}
	f.Add(enc(rest))
	var big *eventv1.Event
	for _, ev := range session.GetEvents() {
		if ev.GetToolCall() != nil && big == nil {
			big = proto.Clone(ev).(*eventv1.Event)
		}
	}
	big.ToolCall.ArgumentsJson = `{"path":"` + strings.Repeat("/etc/passwd", 1000) + `"}`
	big.Raw = bytes.Repeat([]byte("x"), 70<<10)
	big.Labels = map[string]string{"a": "1", "b": "2", "c": "3", "d": "4", "e": strings.Repeat("v", 40), strings.Repeat("k", 20): "x"}
	f.Add(enc(&ingestv1.ExportRequest{Events: []*eventv1.Event{big, {}}}))
}

// FuzzExportProto feeds arbitrary bytes, decoded as a protobuf
// ExportRequest as gRPC does, through Export's validation and preparation
// (see fuzzHarness.check for the property).
func FuzzExportProto(f *testing.F) {
	addSeeds(f, func(r *ingestv1.ExportRequest) []byte {
		b, err := proto.Marshal(r)
		if err != nil {
			f.Fatal(err)
		}
		return b
	})
	h := newFuzzHarness(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		req := &ingestv1.ExportRequest{}
		if proto.Unmarshal(data, req) != nil {
			return
		}
		h.check(t, req)
	})
}

// FuzzExportJSON feeds arbitrary bytes, decoded as a REST body the way the
// gateway decodes it (protojson, unknown fields refused), through Export's
// validation and preparation (see fuzzHarness.check for the property).
func FuzzExportJSON(f *testing.F) {
	addSeeds(f, func(r *ingestv1.ExportRequest) []byte {
		b, err := protojson.Marshal(r)
		if err != nil {
			f.Fatal(err)
		}
		return b
	})
	for _, file := range []string{seedSessionJSON, seedRequestJSON} {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"events":[{"time":"2026-03-14T11:59:00Z","session":{"id":"s"},"direction":"DIRECTION_CLIENT_TO_SERVER","kind":"MESSAGE_KIND_INVALID","invalidFrame":{"code":-32700,"prefix":"eHl6"}}]}`))
	f.Add([]byte(`{"events":[{"time":"2026-03-14T11:59:00Z","session":{"id":"s"},"kind":"MESSAGE_KIND_OBSERVATION_GAP","observationGap":{"reason":"GAP_REASON_BUFFER_FULL","events":"3","startTime":"2026-03-14T11:58:00Z","endTime":"2026-03-14T11:59:00Z"}}]}`))
	h := newFuzzHarness(f)
	opts := protojson.UnmarshalOptions{DiscardUnknown: false}
	f.Fuzz(func(t *testing.T, data []byte) {
		req := &ingestv1.ExportRequest{}
		if opts.Unmarshal(data, req) != nil {
			return
		}
		h.check(t, req)
	})
}
