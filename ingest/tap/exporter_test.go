package tap

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	ingestv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/ingest/v1"
)

func TestTakeBatchBoundsBytes(t *testing.T) {
	ev := func(n int) *eventv1.Event {
		return &eventv1.Event{Method: "tools/call", ToolCall: &eventv1.ToolCall{ArgumentsJson: strings.Repeat("x", n)}}
	}
	one := proto.Size(ev(1000))
	tests := []struct {
		name     string
		buf      []*eventv1.Event
		batch    int // BatchSize and MaxBatchEvents
		maxBytes int
		want     int
	}{
		{"count bound", []*eventv1.Event{ev(10), ev(10), ev(10)}, 2, 1 << 20, 2},
		{"byte bound", []*eventv1.Event{ev(1000), ev(1000), ev(1000)}, 10, 2*one + 1, 2},
		{"oversized event goes alone", []*eventv1.Event{ev(5000), ev(10)}, 10, one, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := newMetrics(nil)
			e := newExporter(nil, Config{BatchSize: tt.batch, MaxBatchEvents: tt.batch, MaxBatchBytes: tt.maxBytes, MaxEventBytes: 1 << 20}, testLogger(t), m)
			e.buf = tt.buf
			if got := len(e.takeBatch()); got != tt.want {
				t.Fatalf("batch of %d events, want %d", got, tt.want)
			}
		})
	}
	t.Run("a backlog grows batches to max_batch_events", func(t *testing.T) {
		m, _ := newMetrics(nil)
		e := newExporter(nil, Config{BatchSize: 2, MaxBatchEvents: 5, MaxBatchBytes: 1 << 20, MaxEventBytes: 1 << 20}, testLogger(t), m)
		for range 8 {
			e.buf = append(e.buf, ev(10))
		}
		if got := len(e.takeBatch()); got != 5 {
			t.Fatalf("batch of %d events from a backlog of 8, want 5", got)
		}
	})
}

func TestTakeBatchShortensLargeEvents(t *testing.T) {
	m, _ := newMetrics(nil)
	e := newExporter(nil, Config{BatchSize: 10, MaxBatchEvents: 10, MaxBatchBytes: 3 << 20, MaxEventBytes: 64 << 10}, testLogger(t), m)
	big := &eventv1.Event{EventId: "big", Kind: eventv1.MessageKind_MESSAGE_KIND_RESPONSE, Method: "tools/list",
		ToolList: &eventv1.ToolList{Tools: []*eventv1.ToolDefinition{{Name: "evil", Description: strings.Repeat("d", 5<<20)}}}}
	e.buf = []*eventv1.Event{big, {EventId: "next"}}
	batch := e.takeBatch()
	if len(batch) != 2 || proto.Size(batch[0]) > 64<<10 || batch[0].GetToolList().GetTools()[0].GetName() != "evil" ||
		strings.Join(batch[0].GetTruncatedFields(), ",") != "tool_list.tools[0].description" || testutil.ToFloat64(m.shortened) != 1 {
		t.Errorf("batch of %d, first %d bytes with truncated_fields %q", len(batch), proto.Size(batch[0]), batch[0].GetTruncatedFields())
	}
}

// fakeIngest is an IngestService whose answers the test decides: handle is
// called for each Export with the call's number (from 1).
type fakeIngest struct {
	ingestv1.UnimplementedIngestServiceServer
	handle func(call int, req *ingestv1.ExportRequest) (*ingestv1.ExportResponse, error)

	mu       sync.Mutex
	calls    []time.Time
	received []*eventv1.Event // events of the calls that returned OK
}

func (f *fakeIngest) Export(_ context.Context, req *ingestv1.ExportRequest) (*ingestv1.ExportResponse, error) {
	f.mu.Lock()
	f.calls = append(f.calls, time.Now())
	n := len(f.calls)
	f.mu.Unlock()
	resp, err := f.handle(n, req)
	if err == nil {
		f.mu.Lock()
		f.received = append(f.received, req.GetEvents()...)
		f.mu.Unlock()
	}
	return resp, err
}

func (f *fakeIngest) snapshot() ([]time.Time, []*eventv1.Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.calls...), append([]*eventv1.Event(nil), f.received...)
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// exporterRun is an exporter sending to a fakeIngest served by a real gRPC
// server on 127.0.0.1.
type exporterRun struct {
	e    *exporter
	srv  *fakeIngest
	logs *syncBuffer
	done chan struct{}
}

func startExporter(t *testing.T, cfg Config, srv *fakeIngest) *exporterRun {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := grpc.NewServer()
	ingestv1.RegisterIngestServiceServer(gs, srv)
	go func() { _ = gs.Serve(lis) }()
	t.Cleanup(gs.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	m, err := newMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &exporterRun{srv: srv, logs: &syncBuffer{}, done: make(chan struct{})}
	cfg.Collector = lis.Addr().String()
	r.e = newExporter(ingestv1.NewIngestServiceClient(conn), cfg, slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug})), m)
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	go func() { defer close(r.done); r.e.run(ctx) }()
	return r
}

// closeAndWait closes the exporter and waits up to 30s for run to return.
func (r *exporterRun) closeAndWait(t *testing.T) {
	t.Helper()
	r.e.close()
	select {
	case <-r.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("exporter did not finish within 30s; logs:\n%s", r.logs.String())
	}
}

func exporterConfig() Config {
	cfg := DefaultConfig()
	cfg.FlushInterval = 10 * time.Millisecond
	cfg.MaxBackoff = 50 * time.Millisecond
	cfg.BacklogWait = 300 * time.Millisecond
	return cfg
}

var tx = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// testEvents returns n valid request events, alternating directions, one
// millisecond apart from tx+start.
func testEvents(prefix string, start, n int) []*eventv1.Event {
	var out []*eventv1.Event
	for i := start; i < start+n; i++ {
		dir := eventv1.Direction_DIRECTION_CLIENT_TO_SERVER
		if i%2 == 1 {
			dir = eventv1.Direction_DIRECTION_SERVER_TO_CLIENT
		}
		out = append(out, &eventv1.Event{
			EventId:   fmt.Sprintf("%s-%d", prefix, i),
			Time:      timestamppb.New(tx.Add(time.Duration(i) * time.Millisecond)),
			Source:    &eventv1.Source{Name: SourceName},
			Session:   &eventv1.Session{Id: "s1"},
			Direction: dir,
			Kind:      eventv1.MessageKind_MESSAGE_KIND_REQUEST,
			Method:    "tools/call",
		})
	}
	return out
}

func TestExporterPartialSuccess(t *testing.T) {
	srv := &fakeIngest{handle: func(_ int, req *ingestv1.ExportRequest) (*ingestv1.ExportResponse, error) {
		// Refuse events 1 and 3 of each batch, as the collector's partial
		// success does.
		n := int64(len(req.GetEvents()))
		return &ingestv1.ExportResponse{
			AcceptedCount: n - 2,
			PartialSuccess: &ingestv1.ExportPartialSuccess{
				RejectedEvents: 2,
				ErrorMessage:   "events[1].kind: required",
				FieldViolations: []*ingestv1.FieldViolation{
					{Field: "events[1].kind", Description: "required"},
					{Field: "events[3].session.id", Description: "required"},
				},
			},
		}, nil
	}}
	cfg := exporterConfig()
	cfg.BatchSize = 10
	r := startExporter(t, cfg, srv)
	r.e.add(testEvents("p", 0, 10))
	r.closeAndWait(t)
	calls, _ := srv.snapshot()
	st := r.e.m
	if len(calls) != 1 || st.sentCount.Load() != 8 || st.rejectedCount.Load() != 2 || st.droppedCount.Load() != 0 {
		t.Errorf("%d calls, sent %d, rejected %d, dropped %d; want 1 call, 8 sent, 2 rejected", len(calls), st.sentCount.Load(), st.rejectedCount.Load(), st.droppedCount.Load())
	}
	logs := r.logs.String()
	for _, want := range []string{"collector refused events", "events[1].kind: required (event_id p-1)", "events[3].session.id: required (event_id p-3)"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
}

func TestExporterPermanentErrors(t *testing.T) {
	tests := []struct {
		code       codes.Code
		violations bool
	}{
		{codes.InvalidArgument, true},
		{codes.Unauthenticated, false},
		{codes.PermissionDenied, false},
		{codes.Unimplemented, false},
	}
	for _, tt := range tests {
		t.Run(tt.code.String(), func(t *testing.T) {
			srv := &fakeIngest{handle: func(int, *ingestv1.ExportRequest) (*ingestv1.ExportResponse, error) {
				st := status.New(tt.code, "refused")
				if tt.violations {
					st, _ = st.WithDetails(&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
						{Field: "events[0].direction", Description: "required"},
						{Field: "events[2].kind", Description: "required"},
					}})
				}
				return nil, st.Err()
			}}
			cfg := exporterConfig()
			cfg.BatchSize = 5
			r := startExporter(t, cfg, srv)
			r.e.add(testEvents("x", 0, 5))
			r.closeAndWait(t)
			calls, _ := srv.snapshot()
			if len(calls) != 1 || r.e.m.rejectedCount.Load() != 5 || r.e.m.sentCount.Load() != 0 {
				t.Errorf("%d calls, rejected %d; want 1 call (no retry), 5 rejected", len(calls), r.e.m.rejectedCount.Load())
			}
			if tt.violations && !strings.Contains(r.logs.String(), "events[2].kind: required (event_id x-2)") {
				t.Errorf("the BadRequest field violations are not logged:\n%s", r.logs.String())
			}
		})
	}
}

func TestExporterRetriesTransientErrors(t *testing.T) {
	const advised = 300 * time.Millisecond
	tests := []struct {
		code      codes.Code
		retryInfo bool
	}{
		{codes.Unavailable, true},
		{codes.ResourceExhausted, true},
		{codes.Unavailable, false},
		{codes.DeadlineExceeded, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s retry info %v", tt.code, tt.retryInfo), func(t *testing.T) {
			srv := &fakeIngest{handle: func(call int, req *ingestv1.ExportRequest) (*ingestv1.ExportResponse, error) {
				if call <= 2 {
					st := status.New(tt.code, "busy")
					if tt.retryInfo {
						st, _ = st.WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(advised)})
					}
					return nil, st.Err()
				}
				return &ingestv1.ExportResponse{AcceptedCount: int64(len(req.GetEvents()))}, nil
			}}
			r := startExporter(t, exporterConfig(), srv)
			r.e.add(testEvents("r", 0, 3))
			r.closeAndWait(t)
			calls, got := srv.snapshot()
			if len(calls) != 3 || len(got) != 3 || r.e.m.sentCount.Load() != 3 || r.e.m.rejectedCount.Load() != 0 {
				t.Fatalf("%d calls, %d events received, sent %d; want 3 calls and the 3 events sent", len(calls), len(got), r.e.m.sentCount.Load())
			}
			if got := testutil.ToFloat64(r.e.m.exportErrors.WithLabelValues(tt.code.String())); got != 2 {
				t.Errorf("export errors %v, want 2", got)
			}
			if tt.retryInfo {
				for i := 1; i < len(calls); i++ {
					if d := calls[i].Sub(calls[i-1]); d < advised {
						t.Errorf("retry %d after %v, before the advised %v", i, d, advised)
					}
				}
			}
		})
	}
}

func TestExporterUnencodableEvent(t *testing.T) {
	srv := &fakeIngest{handle: func(_ int, req *ingestv1.ExportRequest) (*ingestv1.ExportResponse, error) {
		return &ingestv1.ExportResponse{AcceptedCount: int64(len(req.GetEvents()))}, nil
	}}
	cfg := exporterConfig()
	cfg.BatchSize = 7
	cfg.FlushTimeout = 2 * time.Second
	r := startExporter(t, cfg, srv)
	evs := testEvents("u", 0, 20)
	// Invalid UTF-8 that reached the exporter (not through the Observer,
	// which fixes it first): gRPC cannot marshal the batch.
	evs[3].ToolCall = &eventv1.ToolCall{Name: "read_file", ArgumentsJson: `{"path":"/etc/` + "\xff" + `shadow"}`}
	evs[3].Labels = map[string]string{"k\xfe": "v"}
	r.e.add(evs)
	r.closeAndWait(t)
	_, got := srv.snapshot()
	if len(got) != 20 || r.e.m.sentCount.Load() != 20 || r.e.m.droppedCount.Load() != 0 {
		t.Fatalf("received %d events, sent %d, dropped %d; want all 20 sent", len(got), r.e.m.sentCount.Load(), r.e.m.droppedCount.Load())
	}
	for i, ev := range got {
		if ev.GetEventId() != fmt.Sprintf("u-%d", i) {
			t.Fatalf("event %d is %s: order changed", i, ev.GetEventId())
		}
	}
	if bad := got[3]; !bad.GetInvalidUtf8() || bad.GetToolCall().GetArgumentsJson() != `{"path":"/etc/`+"\uFFFD"+`shadow"}` || bad.GetLabels()["k\uFFFD"] != "v" {
		t.Errorf("sanitized event: %v", bad)
	}
}

// poisonClient is an exportClient whose encoder refuses events with method
// "poison", as a real encoder refuses what it cannot marshal; repair is
// given the same encoder.
type poisonClient struct{ next exportClient }

func (p poisonClient) Export(ctx context.Context, in *ingestv1.ExportRequest, opts ...grpc.CallOption) (*ingestv1.ExportResponse, error) {
	if _, err := poisonMarshal(in); err != nil {
		return nil, status.Error(codes.Internal, "grpc: error while marshaling: "+err.Error())
	}
	return p.next.Export(ctx, in, opts...)
}

func poisonMarshal(m proto.Message) ([]byte, error) {
	var poisoned bool
	switch v := m.(type) {
	case *ingestv1.ExportRequest:
		for _, ev := range v.GetEvents() {
			poisoned = poisoned || ev.GetMethod() == "poison"
		}
	case *eventv1.Event:
		poisoned = v.GetMethod() == "poison"
	}
	if poisoned {
		return nil, fmt.Errorf("cannot encode")
	}
	return proto.Marshal(m)
}

func TestExporterDropsOnlyTheEventThatCannotBeEncoded(t *testing.T) {
	srv := &fakeIngest{handle: func(_ int, req *ingestv1.ExportRequest) (*ingestv1.ExportResponse, error) {
		return &ingestv1.ExportResponse{AcceptedCount: int64(len(req.GetEvents()))}, nil
	}}
	cfg := exporterConfig()
	cfg.BatchSize = 4
	r := startExporter(t, cfg, srv)
	r.e.client = poisonClient{next: r.e.client}
	r.e.marshal = poisonMarshal
	evs := testEvents("d", 0, 10)
	evs[2].Method = "poison"
	r.e.add(evs)
	r.closeAndWait(t)
	_, got := srv.snapshot()
	if len(got) != 9 || r.e.m.sentCount.Load() != 9 || r.e.m.droppedCount.Load() != 1 ||
		testutil.ToFloat64(r.e.m.droppedVec.WithLabelValues(reasonUnencodable)) != 1 {
		t.Fatalf("received %d, sent %d, dropped %d; want 9 sent and the poison event dropped alone", len(got), r.e.m.sentCount.Load(), r.e.m.droppedCount.Load())
	}
	if !strings.Contains(r.logs.String(), "event cannot be encoded") || !strings.Contains(r.logs.String(), "event_id=d-2") {
		t.Errorf("the dropped event is not logged:\n%s", r.logs.String())
	}
}

func TestExporterBufferFullGap(t *testing.T) {
	var mu sync.Mutex
	away := true
	srv := &fakeIngest{handle: func(_ int, req *ingestv1.ExportRequest) (*ingestv1.ExportResponse, error) {
		mu.Lock()
		defer mu.Unlock()
		if away {
			return nil, status.Error(codes.Unavailable, "collector away")
		}
		return &ingestv1.ExportResponse{AcceptedCount: int64(len(req.GetEvents()))}, nil
	}}
	cfg := exporterConfig()
	cfg.BufferEvents = 10
	cfg.BatchSize = 4
	r := startExporter(t, cfg, srv)
	all := testEvents("b", 0, 50)
	r.e.add(all[:30]) // 10 kept, 20 dropped: 10 each way
	eventually(t, "a failed export", func() bool { calls, _ := srv.snapshot(); return len(calls) > 0 })
	r.e.add(all[30:40]) // still full: 10 more dropped
	mu.Lock()
	away = false
	mu.Unlock()
	eventually(t, "the buffer drained", func() bool {
		r.e.mu.Lock()
		defer r.e.mu.Unlock()
		return len(r.e.buf) == 0 && r.e.gaps == [3]*bufferGap{}
	})
	r.e.add(all[40:]) // room again: these follow the gap events
	r.closeAndWait(t)

	_, got := srv.snapshot()
	var ids []string
	gapAt := map[eventv1.Direction]*eventv1.ObservationGap{}
	for _, ev := range got {
		if g := ev.GetObservationGap(); g != nil {
			ids = append(ids, "gap")
			gapAt[ev.GetDirection()] = g
			if ev.GetKind() != eventv1.MessageKind_MESSAGE_KIND_OBSERVATION_GAP || ev.GetSession().GetId() != "s1" || ev.GetEventId() == "" || ev.GetTime() == nil {
				t.Errorf("gap event lacks its fields: %v", ev)
			}
			continue
		}
		ids = append(ids, ev.GetEventId())
	}
	want := "b-0 b-1 b-2 b-3 b-4 b-5 b-6 b-7 b-8 b-9 gap gap b-40 b-41 b-42 b-43 b-44 b-45 b-46 b-47 b-48 b-49"
	if strings.Join(ids, " ") != want {
		t.Fatalf("received %s\nwant     %s", strings.Join(ids, " "), want)
	}
	for dir, first := range map[eventv1.Direction]int{eventv1.Direction_DIRECTION_CLIENT_TO_SERVER: 10, eventv1.Direction_DIRECTION_SERVER_TO_CLIENT: 11} {
		g := gapAt[dir]
		if g.GetReason() != eventv1.GapReason_GAP_REASON_BUFFER_FULL || g.GetEvents() != 15 || g.GetBytes() != 0 ||
			!g.GetStartTime().AsTime().Equal(tx.Add(time.Duration(first)*time.Millisecond)) ||
			!g.GetEndTime().AsTime().Equal(tx.Add(time.Duration(first+28)*time.Millisecond)) {
			t.Errorf("%v gap %v; want 15 events from %d ms to %d ms", dir, g, first, first+28)
		}
	}
	m := r.e.m
	if m.sentCount.Load() != 22 || m.droppedCount.Load() != 30 || m.gapCount.Load() != 2 {
		t.Errorf("sent %d, dropped %d, gaps %d; want 22 sent (2 gaps), 30 dropped", m.sentCount.Load(), m.droppedCount.Load(), m.gapCount.Load())
	}
	// The first add waited backlog_wait and timed out; the second, with the
	// buffer still full, dropped at once instead of waiting again.
	if n := testutil.ToFloat64(r.e.backlog.timeouts); n != 1 {
		t.Errorf("%v backlog waits timed out, want 1", n)
	}
}

// TestExporterBacklogWaitHoldsBurst checks that a burst larger than the
// buffer, sent to a collector slower than the burst, is held back by the
// backlog wait rather than dropped; without the wait the same burst loses
// events (and records them as gaps).
func TestExporterBacklogWaitHoldsBurst(t *testing.T) {
	burst := func(t *testing.T, wait time.Duration) *exporterRun {
		srv := &fakeIngest{handle: func(_ int, req *ingestv1.ExportRequest) (*ingestv1.ExportResponse, error) {
			time.Sleep(5 * time.Millisecond) // a collector slower than the burst
			return &ingestv1.ExportResponse{AcceptedCount: int64(len(req.GetEvents()))}, nil
		}}
		cfg := exporterConfig()
		cfg.BufferEvents = 10
		cfg.BatchSize, cfg.MaxBatchEvents = 4, 4
		cfg.BacklogWait = wait
		r := startExporter(t, cfg, srv)
		for _, ev := range testEvents("burst", 0, 200) {
			r.e.add([]*eventv1.Event{ev})
		}
		r.closeAndWait(t)
		return r
	}
	t.Run("with backlog wait", func(t *testing.T) {
		r := burst(t, 10*time.Second)
		m := r.e.m
		if m.sentCount.Load() != 200 || m.droppedCount.Load() != 0 || m.gapCount.Load() != 0 {
			t.Fatalf("sent %d, dropped %d, gaps %d; want all 200 sent", m.sentCount.Load(), m.droppedCount.Load(), m.gapCount.Load())
		}
		if testutil.ToFloat64(r.e.backlog.waited) == 0 {
			t.Error("the burst never waited for room")
		}
	})
	t.Run("without", func(t *testing.T) {
		r := burst(t, 0)
		m := r.e.m
		if m.droppedCount.Load() == 0 || m.gapCount.Load() == 0 || m.sentCount.Load()+m.droppedCount.Load() != 200+m.gapCount.Load() {
			t.Fatalf("sent %d, dropped %d, gaps %d; want drops recorded as gaps", m.sentCount.Load(), m.droppedCount.Load(), m.gapCount.Load())
		}
	})
}
