package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	kafkago "github.com/segmentio/kafka-go"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/mcpaudit/mcpaudit/internal/apierr"
	"github.com/mcpaudit/mcpaudit/internal/auth"
	"github.com/mcpaudit/mcpaudit/internal/kafka"
	"github.com/mcpaudit/mcpaudit/internal/secrets"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	ingestv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/ingest/v1"
)

const testToken = "s3cret-acme-token"

// startBroker starts the embedded Kafka-protocol broker with the events
// topic and returns its addresses.
func startBroker(t testing.TB) *kafka.Embedded {
	t.Helper()
	b, err := kafka.StartEmbedded("", 3, kafka.TopicEvents)
	if err != nil {
		t.Fatalf("embedded kafka broker: %v", err)
	}
	t.Cleanup(b.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := kafka.EnsureTopics(ctx, b.Brokers(), 3, 1, kafka.TopicEvents); err != nil {
		t.Fatalf("ensure topics: %v", err)
	}
	return b
}

// stack is a collector served over gRPC and REST on loopback ports.
type stack struct {
	svc    *Service
	client ingestv1.IngestServiceClient
	url    string // REST base URL
	reg    *prometheus.Registry
}

func newAuthenticator(t testing.TB, withToken bool) *auth.Authenticator {
	t.Helper()
	var cfg auth.Config
	if withToken {
		cfg.Tokens = []auth.Token{{SHA256: auth.HashToken(testToken), Tenant: "acme", Name: "acme-tap"}}
	}
	a, err := auth.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func startStack(t testing.TB, cfg Config, w MessageWriter, authn *auth.Authenticator) *stack {
	t.Helper()
	reg := prometheus.NewRegistry()
	svc, err := New(cfg, w, authn, slog.New(slog.DiscardHandler), reg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	gs := grpc.NewServer()
	svc.RegisterGRPC(gs)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = gs.Serve(lis) }()
	t.Cleanup(gs.Stop)

	// As the binary builds it: problem JSON errors, unknown JSON fields refused.
	mux := runtime.NewServeMux(
		runtime.WithErrorHandler(apierr.HTTPErrorHandler),
		runtime.WithMarshalerOption(runtime.MIMEWildcard, &runtime.JSONPb{
			UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
		}),
	)
	if err := svc.RegisterGateway(context.Background(), mux); err != nil {
		t.Fatal(err)
	}
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hs.Serve(hl) }()
	t.Cleanup(func() { _ = hs.Close() })

	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return &stack{svc: svc, client: ingestv1.NewIngestServiceClient(conn), url: "http://" + hl.Addr().String(), reg: reg}
}

func newWriter(t testing.TB, brokers []string, writeTimeout time.Duration) *kafkago.Writer {
	t.Helper()
	wc := kafka.DefaultWriterConfig(brokers)
	if writeTimeout > 0 {
		wc.WriteTimeout = writeTimeout
	}
	w := kafka.NewWriter(wc, kafka.TopicEvents)
	t.Cleanup(func() { _ = w.Close() })
	return w
}

// readEvents reads the events topic from the start with a fresh consumer
// group until it has n messages (or 30s passed) and returns them.
func readEvents(t *testing.T, brokers []string, n int) []kafkago.Message {
	t.Helper()
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, GroupID: fmt.Sprintf("test-%s-%d", t.Name(), time.Now().UnixNano())}, kafka.TopicEvents, slog.New(slog.DiscardHandler))
	defer r.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var out []kafkago.Message
	for len(out) < n {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			t.Fatalf("read events topic: got %d of %d messages: %v", len(out), n, err)
		}
		out = append(out, m)
	}
	return out
}

func header(m kafkago.Message, key string) string {
	for _, h := range m.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

func decode(t *testing.T, m kafkago.Message) *eventv1.Event {
	t.Helper()
	ev := &eventv1.Event{}
	if err := proto.Unmarshal(m.Value, ev); err != nil {
		t.Fatalf("decode message at offset %d: %v", m.Offset, err)
	}
	return ev
}

// nowEvent is a valid event of session sid at the current time.
func nowEvent(sid string) *eventv1.Event {
	ev := validEvent()
	ev.Time = timestamppb.Now()
	ev.Session.Id = sid
	return ev
}

func withToken(ctx context.Context, tok string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+tok)
}

// TestExportGRPCAndREST sends one batch over gRPC and one over REST, reads
// the topic back and checks keys, ids, tenant, headers, redaction and raw
// capture, then checks that a bad REST batch wrote nothing.
func TestExportGRPCAndREST(t *testing.T) {
	b := startBroker(t)
	st := startStack(t, DefaultConfig(), newWriter(t, b.Brokers(), 0), newAuthenticator(t, true))
	ctx := withToken(t.Context(), testToken)

	// gRPC: three events over two sessions, one with an emitter id, one
	// pretending to be another tenant and carrying secrets and raw bytes.
	emitterID := "6ba7b810-9dad-41d1-80b4-00c04fd430c8"
	grpcEvents := []*eventv1.Event{nowEvent("s-a"), nowEvent("s-b"), nowEvent("s-a")}
	grpcEvents[0].EventId = strings.ToUpper(emitterID)
	grpcEvents[1].TenantId = "evil"
	grpcEvents[1].ToolCall.ArgumentsJson = `{"aws":"` + fakeAWS + `","password":"hunter2"}`
	grpcEvents[1].Raw = []byte(`{"jsonrpc":"2.0"}`)
	resp, err := st.client.Export(ctx, &ingestv1.ExportRequest{Events: grpcEvents})
	if err != nil {
		t.Fatalf("gRPC Export: %v", err)
	}
	if resp.GetAcceptedCount() != 3 || len(resp.GetEventIds()) != 3 {
		t.Fatalf("gRPC response = %v, want 3 accepted ids", resp)
	}
	if resp.GetEventIds()[0] != emitterID {
		t.Errorf("emitter id = %q, want it kept (lowercased) as %q", resp.GetEventIds()[0], emitterID)
	}

	// REST: the testdata batch; the first event claims another tenant.
	template, err := os.ReadFile("testdata/export_request.json")
	if err != nil {
		t.Fatal(err)
	}
	body := bytes.ReplaceAll(template, []byte("{{TIME}}"), []byte(time.Now().UTC().Format(time.RFC3339Nano)))
	code, hdr, respBody := post(t, st.url+"/v1/events:export", testToken, body)
	if code != http.StatusOK {
		t.Fatalf("REST export: status %d, body %s", code, respBody)
	}
	if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("REST Content-Type = %q", ct)
	}
	var restResp struct {
		AcceptedCount string   `json:"acceptedCount"`
		EventIDs      []string `json:"eventIds"`
	}
	if err := json.Unmarshal(respBody, &restResp); err != nil {
		t.Fatalf("REST response %s: %v", respBody, err)
	}
	if restResp.AcceptedCount != "2" || len(restResp.EventIDs) != 2 || restResp.EventIDs[1] != "01890a5d-ac96-774b-bcce-b302099a8057" {
		t.Fatalf("REST response = %s", respBody)
	}

	// A REST batch with one bad event: the second has no session. The first
	// is written; the second is reported in partial_success naming the
	// field, and not written.
	partial := bytes.Replace(body, []byte(`"session": {"id": "rest-session-1"}`), []byte(`"session": {"id": ""}`), 1)
	partial = bytes.ReplaceAll(partial, []byte("rest-session-1"), []byte("rest-partial"))
	partial = bytes.Replace(partial, []byte(`"eventId": "01890a5d-ac96-774b-bcce-b302099a8057"`), []byte(`"eventId": "01890a5d-ac96-774b-bcce-b302099a80ff"`), 1)
	code, _, respBody = post(t, st.url+"/v1/events:export", testToken, partial)
	if code != http.StatusOK {
		t.Fatalf("partial REST export: status %d, body %s", code, respBody)
	}
	var partialResp struct {
		AcceptedCount  string   `json:"acceptedCount"`
		EventIDs       []string `json:"eventIds"`
		PartialSuccess struct {
			RejectedEvents  string `json:"rejectedEvents"`
			ErrorMessage    string `json:"errorMessage"`
			FieldViolations []struct {
				Field       string `json:"field"`
				Description string `json:"description"`
			} `json:"fieldViolations"`
		} `json:"partialSuccess"`
	}
	if err := json.Unmarshal(respBody, &partialResp); err != nil {
		t.Fatalf("partial REST response %s: %v", respBody, err)
	}
	ps := partialResp.PartialSuccess
	if partialResp.AcceptedCount != "1" || len(partialResp.EventIDs) != 2 || partialResp.EventIDs[0] == "" || partialResp.EventIDs[1] != "" ||
		ps.RejectedEvents != "1" || len(ps.FieldViolations) != 1 || ps.FieldViolations[0].Field != "events[1].session.id" ||
		ps.FieldViolations[0].Description != "required" || !strings.Contains(ps.ErrorMessage, "events[1].session.id") {
		t.Fatalf("partial REST response = %s", respBody)
	}

	// A REST batch whose events are all bad is refused as a whole with
	// problem JSON listing every violation.
	allBad := bytes.ReplaceAll(template, []byte("{{TIME}}"), []byte("1970-01-01T00:00:00Z"))
	allBad = bytes.ReplaceAll(allBad, []byte("rest-session-1"), []byte("must-not-appear"))
	code, hdr, respBody = post(t, st.url+"/v1/events:export", testToken, allBad)
	if code != http.StatusBadRequest {
		t.Fatalf("all-bad REST export: status %d, body %s", code, respBody)
	}
	if ct := hdr.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("bad REST Content-Type = %q", ct)
	}
	var prob apierr.Problem
	if err := json.Unmarshal(respBody, &prob); err != nil {
		t.Fatalf("problem %s: %v", respBody, err)
	}
	if prob.Code != "INVALID_ARGUMENT" || len(prob.Errors) != 2 || prob.Errors[0].Field != "events[0].time" || prob.Errors[1].Field != "events[1].time" ||
		!strings.Contains(prob.Detail, "2 of 2 events rejected") || !strings.Contains(prob.Detail, "events[0].time") {
		t.Errorf("problem = %+v", prob)
	}

	// Unknown JSON fields are refused, not dropped.
	unknown := bytes.Replace(body, []byte(`"jsonrpcId": "7",`), []byte(`"jsonrpcId": "7", "mystery": 1,`), 1)
	if code, _, respBody := post(t, st.url+"/v1/events:export", testToken, unknown); code != http.StatusBadRequest {
		t.Errorf("unknown field: status %d, body %s", code, respBody)
	}

	// A sentinel batch after the bad ones: once it is read, everything
	// written before it has been read too.
	sentinel, err := st.client.Export(ctx, &ingestv1.ExportRequest{Events: []*eventv1.Event{nowEvent("sentinel")}})
	if err != nil {
		t.Fatalf("sentinel Export: %v", err)
	}

	msgs := readEvents(t, b.Brokers(), 7)
	byID := map[string]kafkago.Message{}
	for _, m := range msgs {
		ev := decode(t, m)
		if sid := ev.GetSession().GetId(); sid == "must-not-appear" || sid == "" || ev.GetEventId() == "01890a5d-ac96-774b-bcce-b302099a80ff" {
			t.Fatalf("rejected event was written: %v", ev)
		}
		if ev.GetTenantId() != "acme" {
			t.Errorf("event %s tenant = %q, want acme", ev.GetEventId(), ev.GetTenantId())
		}
		if got, want := m.Key, kafka.Key("acme", ev.GetSession().GetId()); !bytes.Equal(got, want) {
			t.Errorf("event %s key = %q, want %q", ev.GetEventId(), got, want)
		}
		if h := header(m, kafka.HeaderEventID); h != ev.GetEventId() {
			t.Errorf("header %s = %q, want %q", kafka.HeaderEventID, h, ev.GetEventId())
		}
		if ev.GetReceivedTime() == nil {
			t.Errorf("event %s has no received_time", ev.GetEventId())
		}
		if len(ev.GetRaw()) != 0 {
			t.Errorf("event %s kept raw with capture_raw off", ev.GetEventId())
		}
		byID[ev.GetEventId()] = m
	}
	allIDs := slices.Concat(resp.GetEventIds(), restResp.EventIDs, partialResp.EventIDs[:1], sentinel.GetEventIds())
	for _, id := range allIDs {
		if _, ok := byID[id]; !ok {
			t.Errorf("event id %s from a response is not on the topic", id)
		}
	}
	// Ids the collector assigned are UUIDv7.
	if v := resp.GetEventIds()[1][14]; v != '7' {
		t.Errorf("assigned id %s is not version 7", resp.GetEventIds()[1])
	}
	redacted := decode(t, byID[resp.GetEventIds()[1]]).GetToolCall().GetArgumentsJson()
	if want := `{"aws":"[REDACTED:aws_access_key]","password":"[REDACTED:json_secret]"}`; plainMarkers(redacted) != want {
		t.Errorf("arguments = %s, want %s (markers with fingerprints)", redacted, want)
	}
	restArgs := decode(t, byID[restResp.EventIDs[0]]).GetToolCall().GetArgumentsJson()
	if plainMarkers(restArgs) != `{"title":"hi","password":"[REDACTED:json_secret]"}` {
		t.Errorf("REST arguments = %s", restArgs)
	}
	// The same password sent through gRPC and REST gets the same
	// fingerprint: detection can follow it without the value.
	if a, b := markerRe.FindString(redacted[strings.Index(redacted, "password"):]), markerRe.FindString(restArgs); a == "" || a != b {
		t.Errorf("markers of the same secret differ: %q, %q", a, b)
	}

	// Metrics. The unknown-field request failed in the gateway's JSON
	// decoding, before Export, so it does not count.
	if got := testutil.ToFloat64(st.svc.m.events.WithLabelValues(resultAccepted, reasonComplete)); got != 7 {
		t.Errorf("accepted events metric = %v, want 7", got)
	}
	if got := testutil.ToFloat64(st.svc.m.events.WithLabelValues(resultRejected, reasonInvalidEvent)); got != 3 {
		t.Errorf("rejected invalid events metric = %v, want 3", got)
	}
	if got := testutil.ToFloat64(st.svc.m.violations.WithLabelValues("session.id")); got != 1 {
		t.Errorf("session.id violations = %v, want 1", got)
	}
	if got := testutil.ToFloat64(st.svc.m.violations.WithLabelValues("time")); got != 2 {
		t.Errorf("time violations = %v, want 2", got)
	}
	if got := testutil.ToFloat64(st.svc.m.batches.WithLabelValues("InvalidArgument")); got != 1 {
		t.Errorf("InvalidArgument batches = %v, want 1", got)
	}
	// One password each in the gRPC batch, the REST batch and the partial one.
	if got := testutil.ToFloat64(st.svc.m.redactions.WithLabelValues(secrets.KindJSONSecret)); got != 3 {
		t.Errorf("json_secret redactions = %v, want 3", got)
	}
	if n, err := testutil.GatherAndCount(st.reg, "mcpaudit_ingest_export_duration_seconds"); err != nil || n != 1 {
		t.Errorf("duration histogram: %d series, %v", n, err)
	}
}

func post(t *testing.T, url, token string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

func TestExportAuth(t *testing.T) {
	b := startBroker(t)
	st := startStack(t, DefaultConfig(), newWriter(t, b.Brokers(), 0), newAuthenticator(t, true))
	req := &ingestv1.ExportRequest{Events: []*eventv1.Event{nowEvent("s")}}

	tests := []struct {
		name  string
		token string // "" sends no authorization
	}{
		{name: "missing", token: ""},
		{name: "wrong", token: "not-the-token"},
	}
	for _, tt := range tests {
		t.Run("grpc "+tt.name, func(t *testing.T) {
			ctx := t.Context()
			if tt.token != "" {
				ctx = withToken(ctx, tt.token)
			}
			_, err := st.client.Export(ctx, req)
			if status.Code(err) != codes.Unauthenticated {
				t.Fatalf("Export = %v, want UNAUTHENTICATED", err)
			}
		})
		t.Run("rest "+tt.name, func(t *testing.T) {
			body := fmt.Appendf(nil, `{"events":[{"time":%q,"session":{"id":"s"},"direction":"DIRECTION_CLIENT_TO_SERVER","kind":"MESSAGE_KIND_NOTIFICATION","method":"notifications/initialized"}]}`, time.Now().UTC().Format(time.RFC3339Nano))
			code, hdr, respBody := post(t, st.url+"/v1/events:export", tt.token, body)
			if code != http.StatusUnauthorized || hdr.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("status %d (%s), body %s; want 401 problem+json", code, hdr.Get("Content-Type"), respBody)
			}
		})
	}
	t.Run("grpc valid", func(t *testing.T) {
		if _, err := st.client.Export(withToken(t.Context(), testToken), req); err != nil {
			t.Fatalf("Export with token: %v", err)
		}
	})
}

// TestExportBrokerDown closes the broker under a running collector: Export
// must fail with UNAVAILABLE and retry advice, bounded by the write timeout,
// not hang.
func TestExportBrokerDown(t *testing.T) {
	b := startBroker(t)
	cfg := DefaultConfig()
	cfg.WriteTimeout = 2 * time.Second
	st := startStack(t, cfg, newWriter(t, b.Brokers(), 500*time.Millisecond), newAuthenticator(t, false))
	req := &ingestv1.ExportRequest{Events: []*eventv1.Event{nowEvent("s")}}
	if _, err := st.client.Export(t.Context(), req); err != nil {
		t.Fatalf("Export with broker up: %v", err)
	}

	b.Close()
	// The caller allows far longer than the collector's write timeout: the
	// collector, not the caller's deadline, must end the call.
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	_, err := st.client.Export(ctx, &ingestv1.ExportRequest{Events: []*eventv1.Event{nowEvent("s")}})
	st2 := status.Convert(err)
	if st2.Code() != codes.Unavailable {
		t.Fatalf("Export with broker down = %v, want UNAVAILABLE", err)
	}
	if !hasRetryInfo(st2) {
		t.Errorf("UNAVAILABLE without RetryInfo: %v", st2.Details())
	}
	if got := testutil.ToFloat64(st.svc.m.batches.WithLabelValues("Unavailable")); got != 1 {
		t.Errorf("Unavailable batches = %v, want 1", got)
	}
}

func hasRetryInfo(st *status.Status) bool {
	for _, d := range st.Details() {
		if _, ok := d.(*errdetails.RetryInfo); ok {
			return true
		}
	}
	return false
}

// gateWriter is a MessageWriter that blocks every write until released, to
// hold Export calls in flight.
type gateWriter struct {
	entered chan struct{}
	release chan struct{}
}

var _ MessageWriter = (*gateWriter)(nil)

func (g *gateWriter) WriteMessages(ctx context.Context, _ ...kafkago.Message) error {
	g.entered <- struct{}{}
	select {
	case <-g.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// TestExportAdmissionAndDrain holds one Export in flight with
// max_inflight_batches=1: a second call gets RESOURCE_EXHAUSTED; after Run's
// context ends new calls get UNAVAILABLE and Run returns once the first call
// finished.
func TestExportAdmissionAndDrain(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxInflightBatches = 1
	gw := &gateWriter{entered: make(chan struct{}, 1), release: make(chan struct{})}
	svc, err := New(cfg, gw, newAuthenticator(t, false), slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	req := func() *ingestv1.ExportRequest {
		return &ingestv1.ExportRequest{Events: []*eventv1.Event{nowEvent("s")}}
	}

	firstDone := make(chan error, 1)
	go func() {
		_, err := svc.Export(t.Context(), req())
		firstDone <- err
	}()
	<-gw.entered

	_, err = svc.Export(t.Context(), req())
	if st := status.Convert(err); st.Code() != codes.ResourceExhausted || !hasRetryInfo(st) {
		t.Fatalf("second Export = %v, want RESOURCE_EXHAUSTED with RetryInfo", err)
	}

	runCtx, stop := context.WithCancel(t.Context())
	runDone := make(chan error, 1)
	go func() { runDone <- svc.Run(runCtx) }()
	stop()
	// Run sets closing before it waits; poll (bounded) until it refuses.
	var refused error
	for range 1000 {
		_, refused = svc.Export(t.Context(), req())
		if status.Code(refused) == codes.Unavailable {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if status.Code(refused) != codes.Unavailable {
		t.Fatalf("Export during shutdown = %v, want UNAVAILABLE", refused)
	}
	select {
	case err := <-runDone:
		t.Fatalf("Run returned %v before the in-flight call finished", err)
	default:
	}
	close(gw.release)
	if err := <-firstDone; err != nil {
		t.Fatalf("first Export: %v", err)
	}
	if err := <-runDone; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// TestExportCaptureRaw keeps raw when capture_raw is on, redacted.
func TestExportCaptureRaw(t *testing.T) {
	b := startBroker(t)
	cfg := DefaultConfig()
	cfg.CaptureRaw = true
	st := startStack(t, cfg, newWriter(t, b.Brokers(), 0), newAuthenticator(t, false))
	ev := nowEvent("raw")
	ev.Raw = []byte(`{"jsonrpc":"2.0","method":"tools/call","params":{"arguments":{"token":"` + fakeSlack + `"}}}`)
	if _, err := st.client.Export(t.Context(), &ingestv1.ExportRequest{Events: []*eventv1.Event{ev}}); err != nil {
		t.Fatal(err)
	}
	got := decode(t, readEvents(t, b.Brokers(), 1)[0])
	if want := `{"jsonrpc":"2.0","method":"tools/call","params":{"arguments":{"token":"[REDACTED:slack_token]"}}}`; plainMarkers(string(got.GetRaw())) != want {
		t.Fatalf("raw = %s, want %s", got.GetRaw(), want)
	}
	if got.GetTenantId() != auth.DefaultTenant {
		t.Errorf("anonymous tenant = %q, want %q", got.GetTenantId(), auth.DefaultTenant)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxBatchEvents = 0
	_, err := New(cfg, &gateWriter{}, newAuthenticator(t, false), nil, nil)
	if err == nil || !strings.Contains(err.Error(), "ingest.max_batch_events") {
		t.Fatalf("New = %v, want config error", err)
	}
	reg := prometheus.NewRegistry()
	if _, err := New(DefaultConfig(), &gateWriter{}, newAuthenticator(t, false), nil, reg); err != nil {
		t.Fatal(err)
	}
	if _, err := New(DefaultConfig(), &gateWriter{}, newAuthenticator(t, false), nil, reg); err == nil {
		t.Fatal("second New on one registry: want a registration error")
	}
}

// Fake secrets, assembled so that no literal token sits in the source.
var (
	fakeAWS   = "AKIA" + "R4TW2QZ7NXM3LP8V"
	fakeSlack = "xox" + "b-123456789012-abcdefABCDEF"
)

// markerRe matches a redaction marker with its fingerprint.
var markerRe = regexp.MustCompile(`\[REDACTED:[a-z0-9_]+:[0-9a-f]{12}\]`)

// plainMarkers drops the fingerprints from redaction markers, so tests can
// compare text whatever the collector's fingerprint key.
func plainMarkers(s string) string {
	return regexp.MustCompile(`(\[REDACTED:[a-z0-9_]+):[0-9a-f]{12}\]`).ReplaceAllString(s, "$1]")
}
