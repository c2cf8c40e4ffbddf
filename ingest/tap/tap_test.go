package tap

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/mcpaudit/mcpaudit/ingest/mcpwire"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	ingestv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/ingest/v1"
)

// helperEnv makes the test binary act as `mcpaudit tap` (for tests that need
// the tap as a process): MCPAUDIT_TAP_HELPER_COLLECTOR is the collector and
// the arguments after "--" the command.
const helperEnv = "MCPAUDIT_TAP_HELPER_COLLECTOR"

// serverEnv makes the test binary act as a tiny, fast stdio JSON-RPC server
// (see echoServerMain) when set to "echo".
const serverEnv = "MCPAUDIT_TAP_TEST_SERVER"

func TestMain(m *testing.M) {
	if addr := os.Getenv(helperEnv); addr != "" {
		os.Exit(helperMain(addr))
	}
	if os.Getenv(serverEnv) == "echo" {
		os.Exit(echoServerMain())
	}
	os.Exit(m.Run())
}

func helperMain(addr string) int {
	i := slicesIndex(os.Args, "--")
	if i < 0 {
		fmt.Fprintln(os.Stderr, "helper: missing --")
		return 2
	}
	cfg := DefaultConfig()
	cfg.Collector = addr
	cfg.Token = "secret"
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	svc, err := New(cfg, os.Args[i+1:], Stdio{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}, logger, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	err = svc.Run(context.Background())
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func slicesIndex(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// collector is a test IngestService that records what it accepts. Like the
// real collector it refuses events without the fields every event needs
// (session.id, time, direction, kind; method on requests and
// notifications), reporting them in partial_success, or with
// INVALID_ARGUMENT when it refused them all; the gRPC server itself refuses
// a request that does not decode (invalid UTF-8 in a string field).
type collector struct {
	ingestv1.UnimplementedIngestServiceServer
	mu       sync.Mutex
	events   []*eventv1.Event
	refused  []*eventv1.Event
	auth     []string
	fail     codes.Code // when not OK, every Export fails with it
	requests int
}

func (c *collector) Export(ctx context.Context, req *ingestv1.ExportRequest) (*ingestv1.ExportResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.requests++
	md, _ := metadata.FromIncomingContext(ctx)
	c.auth = append(c.auth, md.Get("authorization")...)
	if c.fail != codes.OK {
		return nil, status.Error(c.fail, "events[0].session.id: test failure")
	}
	resp := &ingestv1.ExportResponse{}
	var violations []*ingestv1.FieldViolation
	for i, ev := range req.GetEvents() {
		if field := missingField(ev); field != "" {
			c.refused = append(c.refused, ev)
			violations = append(violations, &ingestv1.FieldViolation{Field: fmt.Sprintf("events[%d].%s", i, field), Description: "required"})
			continue
		}
		c.events = append(c.events, ev)
		resp.AcceptedCount++
		resp.EventIds = append(resp.EventIds, ev.GetEventId())
	}
	if len(violations) == 0 {
		return resp, nil
	}
	msg := violations[0].GetField() + ": required"
	if resp.AcceptedCount == 0 {
		return nil, status.Error(codes.InvalidArgument, msg)
	}
	resp.PartialSuccess = &ingestv1.ExportPartialSuccess{RejectedEvents: int64(len(violations)), ErrorMessage: msg, FieldViolations: violations}
	return resp, nil
}

// missingField names the first field the real collector requires that ev
// lacks, "" when there is none.
func missingField(ev *eventv1.Event) string {
	switch {
	case ev.GetSession().GetId() == "":
		return "session.id"
	case ev.GetTime() == nil:
		return "time"
	case ev.GetDirection() == eventv1.Direction_DIRECTION_UNSPECIFIED:
		return "direction"
	case ev.GetKind() == eventv1.MessageKind_MESSAGE_KIND_UNSPECIFIED:
		return "kind"
	case ev.GetMethod() == "" && (ev.GetKind() == eventv1.MessageKind_MESSAGE_KIND_REQUEST || ev.GetKind() == eventv1.MessageKind_MESSAGE_KIND_NOTIFICATION):
		return "method"
	}
	return ""
}

func (c *collector) snapshot() []*eventv1.Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*eventv1.Event(nil), c.events...)
}

// startCollector serves c on addr ("127.0.0.1:0" for a free port) until the
// test ends and returns the address.
func startCollector(t *testing.T, c *collector, addr string) string {
	t.Helper()
	var lis net.Listener
	var err error
	for range 50 { // a just-released port may linger briefly
		if lis, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	srv := grpc.NewServer()
	ingestv1.RegisterIngestServiceServer(srv, c)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

// freeAddr returns a loopback address nobody listens on (for now).
func freeAddr(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close()
	return addr
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// tapRun is one in-process tap run: write to in, read out, wait on done.
type tapRun struct {
	svc  *Service
	in   *io.PipeWriter
	out  *bytes.Buffer
	done chan error
}

func startTap(t *testing.T, cfg Config, command ...string) *tapRun {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	r := &tapRun{in: inW, out: new(bytes.Buffer), done: make(chan error, 1)}
	svc, err := New(cfg, command, Stdio{Stdin: inR, Stdout: outW, Stderr: tWriter{t}}, testLogger(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	r.svc = svc
	copied := make(chan struct{})
	go func() { _, _ = io.Copy(r.out, outR); close(copied) }()
	go func() {
		err := svc.Run(t.Context())
		outW.Close()
		<-copied
		inR.Close()
		r.done <- err
	}()
	return r
}

func (r *tapRun) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.done:
		return err
	case <-time.After(60 * time.Second):
		t.Fatal("tap did not end within 60s")
		return nil
	}
}

// eventually polls cond every 20ms for at most 30s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 1500 {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestRelayIsByteIdentical(t *testing.T) {
	col := &collector{}
	cfg := DefaultConfig()
	cfg.Collector = startCollector(t, col, "127.0.0.1:0")
	long := `{"jsonrpc":"2.0","id":"big","method":"tools/call","params":{"name":"echo","arguments":{"s":"` + strings.Repeat("x", 3<<20) + `"}}}`
	input := strings.Join([]string{
		`  {  "jsonrpc" : "2.0" , "id" : 1 , "method" : "ping" }  `,
		"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"data\":\"\\u00e9\xc3\xa9 \xff\xfe\"}}\r",
		"",
		"\t",
		long,
		"not json at all",
		`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`, // final line without newline
	}, "\n")
	r := startTap(t, cfg, "cat")
	if _, err := io.WriteString(r.in, input); err != nil {
		t.Fatal(err)
	}
	r.in.Close()
	if err := r.wait(t); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if r.out.String() != input {
		t.Fatalf("relayed %d bytes, want the %d input bytes unchanged", r.out.Len(), len(input))
	}
	const frames = 5 // non-blank lines, seen once each way
	evs := col.snapshot()
	if len(evs) != 2*frames {
		t.Fatalf("collector got %d events, want %d", len(evs), 2*frames)
	}
	var big int
	for _, ev := range evs {
		if ev.GetJsonrpcId() == `"big"` {
			big++
			// Arguments past the cap become a valid JSON marker with their
			// size and a prefix, so the event stays within the collector's
			// limits; the relay itself was byte-identical (checked above).
			var args struct {
				Truncated bool   `json:"mcpaudit.truncated"`
				Size      int    `json:"size_bytes"`
				Prefix    string `json:"prefix"`
			}
			aj := ev.GetToolCall().GetArgumentsJson()
			if err := json.Unmarshal([]byte(aj), &args); err != nil || !args.Truncated || args.Size != len(`{"s":""}`)+3<<20 || !strings.HasPrefix(args.Prefix, `{"s":"xxx`) || len(aj) > mcpwire.DefaultMaxJSONBytes {
				t.Errorf("big frame: arguments %d bytes, decoded %+v (err %v)", len(aj), args.Size, err)
			}
			if ev.GetSizeBytes() != int64(len(long)) {
				t.Errorf("big frame: size_bytes %d, want %d", ev.GetSizeBytes(), len(long))
			}
		}
	}
	if big != 2 {
		t.Errorf("big frame seen %d times, want 2", big)
	}
	st := r.svc.Stats()
	if st.Observed != 2*frames || st.Sent != 2*frames || st.Dropped != 0 || st.Rejected != 0 || st.UnobservedBytes != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		name    string
		command []string
		want    int
	}{
		{"success", []string{"true"}, 0},
		{"failure", []string{"sh", "-c", "exit 3"}, 3},
		{"killed by signal", []string{"sh", "-c", "kill -TERM $$"}, 128 + 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Collector = startCollector(t, &collector{}, "127.0.0.1:0")
			r := startTap(t, cfg, tt.command...)
			err := r.wait(t)
			r.in.Close()
			code := 0
			var ee *ExitError
			if errors.As(err, &ee) {
				code = ee.Code
			} else if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if code != tt.want {
				t.Errorf("exit code %d, want %d", code, tt.want)
			}
		})
	}
	t.Run("missing program", func(t *testing.T) {
		cfg := DefaultConfig()
		r := startTap(t, cfg, filepath.Join(t.TempDir(), "nope"))
		if err := r.wait(t); err == nil || errors.As(err, new(*ExitError)) {
			t.Errorf("Run: %v, want a start error", err)
		}
	})
}

func pingLines(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"jsonrpc":"2.0","id":%d,"method":"ping"}`+"\n", i)
	}
	return b.String()
}

func TestCollectorDownThenUp(t *testing.T) {
	addr := freeAddr(t)
	cfg := DefaultConfig()
	cfg.Collector = addr
	cfg.MaxBackoff = 200 * time.Millisecond
	const n = 50
	r := startTap(t, cfg, "cat")
	if _, err := io.WriteString(r.in, pingLines(n)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "events observed", func() bool { return r.svc.Stats().Observed == 2*n })
	eventually(t, "a failed export", func() bool { return testutil.ToFloat64(r.svc.m.exportErrors.WithLabelValues("Unavailable")) > 0 })
	if st := r.svc.Stats(); st.Sent != 0 {
		t.Fatalf("sent %d events with no collector", st.Sent)
	}

	col := &collector{}
	startCollector(t, col, addr)
	eventually(t, "events at the collector", func() bool { return len(col.snapshot()) >= 2*n })
	r.in.Close()
	if err := r.wait(t); err != nil {
		t.Fatalf("Run: %v", err)
	}
	ids := map[string]bool{}
	for _, ev := range col.snapshot() {
		ids[ev.GetEventId()] = true
	}
	st := r.svc.Stats()
	if len(ids) != 2*n || st.Sent != 2*n || st.Dropped != 0 {
		t.Errorf("distinct events %d, stats %+v; want %d sent, none dropped", len(ids), st, 2*n)
	}
}

func TestBufferBoundDropsAreCounted(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Collector = freeAddr(t) // nobody listens
	cfg.BufferEvents = 5
	cfg.FlushTimeout = 200 * time.Millisecond
	cfg.BacklogWait = 100 * time.Millisecond
	const n = 20
	r := startTap(t, cfg, "cat")
	if _, err := io.WriteString(r.in, pingLines(n)); err != nil {
		t.Fatal(err)
	}
	r.in.Close()
	if err := r.wait(t); err != nil {
		t.Fatalf("Run: %v", err)
	}
	// Every event is dropped (the collector never came), and so are the two
	// observation-gap events (one per direction) recording the bound's drops.
	st := r.svc.Stats()
	if st.Observed != 2*n || st.Sent != 0 || st.Gaps != 2 || st.Dropped != 2*n+st.Gaps {
		t.Errorf("stats %+v, want %d observed, 2 gaps, all dropped", st, 2*n)
	}
	if got := r.out.String(); got != pingLines(n) {
		t.Errorf("relay changed the bytes")
	}
}

func TestRejectedBatches(t *testing.T) {
	col := &collector{fail: codes.InvalidArgument}
	cfg := DefaultConfig()
	cfg.Collector = startCollector(t, col, "127.0.0.1:0")
	cfg.Token = "tok"
	r := startTap(t, cfg, "cat")
	if _, err := io.WriteString(r.in, pingLines(3)); err != nil {
		t.Fatal(err)
	}
	r.in.Close()
	if err := r.wait(t); err != nil {
		t.Fatalf("Run: %v", err)
	}
	st := r.svc.Stats()
	if st.Rejected != 6 || st.Sent != 0 || st.Dropped != 0 {
		t.Errorf("stats %+v, want 6 rejected", st)
	}
	col.mu.Lock()
	defer col.mu.Unlock()
	if len(col.auth) == 0 || col.auth[0] != "Bearer tok" {
		t.Errorf("authorization metadata %q", col.auth)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"defaults", func(*Config) {}, ""},
		{"collector", func(c *Config) { c.Collector = "nohost" }, "collector"},
		{"batch size", func(c *Config) { c.BatchSize = 0 }, "batch_size"},
		{"buffer", func(c *Config) { c.BufferEvents = 0 }, "buffer_events"},
		{"wire", func(c *Config) { c.Wire.MaxPending = -1 }, "wire.max_pending"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.mutate(&cfg)
			err := cfg.Validate()
			if (err == nil) != (tt.want == "") || (err != nil && !strings.HasPrefix(err.Error(), tt.want)) {
				t.Errorf("Validate() = %v, want prefix %q", err, tt.want)
			}
		})
	}
}
