package query

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/mcpaudit/mcpaudit/internal/apierr"
	"github.com/mcpaudit/mcpaudit/internal/auth"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	queryv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/query/v1"
)

// Tenants and their bearer tokens in the fixture.
const (
	tenantA = "acme"
	tenantB = "globex"
	tokenA  = "acme-token"
	tokenB  = "globex-token"
)

// fixture is the data set every read test shares (tests only read it).
type fixture struct {
	base time.Time // time of the first event of acme/s1

	s1 []string // acme/s1 event ids in expected order
	s2 []string // acme/s2 event ids
	// alerts are acme's alert ids newest first.
	alerts []string
	// emptyPayload is the acme/s1 event stored without a payload.
	emptyPayload *eventv1.Event

	conn driver.Conn
}

var (
	fixOnce sync.Once
	fix     *fixture
)

// loadFixture stores the shared data set once per test binary.
//
//   - acme/s1: 41 events one second apart from base (events 10 and 11 share a
//     time); 0 initialize request, 1 its response, then tools/call requests
//     (even) and responses (odd). Events 5 and 20 are stored twice; event 30
//     is stored with an empty payload.
//   - acme/s2: 3 ping requests an hour after base.
//   - acme/old: one event 30 hours before base (outside default ranges).
//   - globex/s1: 4 events, and alert "globex-alert".
//   - acme alerts a00..a11, one minute apart from base; a03 is replayed an
//     hour later (a second row with a later time).
func loadFixture(t *testing.T) *fixture {
	t.Helper()
	fixOnce.Do(func() {
		f := &fixture{base: time.Now().UTC().Add(-3 * time.Hour).Truncate(time.Millisecond), conn: openDB(t)}
		var s1 []*eventv1.Event
		for i := range 41 {
			ts := f.base.Add(time.Duration(i) * time.Second)
			if i == 11 {
				ts = f.base.Add(10 * time.Second)
			}
			e := testEvent(tenantA, "s1", i, ts)
			switch {
			case i == 0:
				e.Method, e.Kind = "initialize", eventv1.MessageKind_MESSAGE_KIND_REQUEST
			case i == 1:
				e.Method, e.Kind, e.Direction = "initialize", eventv1.MessageKind_MESSAGE_KIND_RESPONSE, eventv1.Direction_DIRECTION_SERVER_TO_CLIENT
			case i%2 == 0:
				e.Method, e.Kind = "tools/call", eventv1.MessageKind_MESSAGE_KIND_REQUEST
				e.ToolCall = &eventv1.ToolCall{Name: "read_file", ArgumentsJson: fmt.Sprintf(`{"path":"/tmp/%d"}`, i)}
			default:
				e.Method, e.Kind, e.Direction = "tools/call", eventv1.MessageKind_MESSAGE_KIND_RESPONSE, eventv1.Direction_DIRECTION_SERVER_TO_CLIENT
				e.ToolCall = &eventv1.ToolCall{Name: "read_file", Result: &eventv1.ToolResult{Text: "ok"}}
			}
			s1 = append(s1, e)
			f.s1 = append(f.s1, e.EventId)
		}
		f.emptyPayload = s1[30]
		insertEvents(t, f.conn, false, append(append([]*eventv1.Event{}, s1[:30]...), s1[31:]...)...)
		insertEvents(t, f.conn, false, s1[5], s1[20]) // replays
		insertEvents(t, f.conn, true, s1[30])

		var other []*eventv1.Event
		for i := range 3 {
			e := testEvent(tenantA, "s2", i, f.base.Add(time.Hour+time.Duration(i)*time.Second))
			e.Method, e.Kind = "ping", eventv1.MessageKind_MESSAGE_KIND_REQUEST
			e.Session.Transport = eventv1.Transport_TRANSPORT_STREAMABLE_HTTP
			other = append(other, e)
			f.s2 = append(f.s2, e.EventId)
		}
		other = append(other, testEvent(tenantA, "old", 0, f.base.Add(-30*time.Hour)))
		for i := range 4 {
			other = append(other, testEvent(tenantB, "s1", i, f.base.Add(time.Duration(i)*time.Second)))
		}
		insertEvents(t, f.conn, false, other...)

		var alerts []*eventv1.Alert
		for i := range 12 {
			a := &eventv1.Alert{
				AlertId:   fmt.Sprintf("a%02d", i),
				TenantId:  tenantA,
				RuleId:    []string{"r1", "r2"}[i%2],
				RuleKind:  "match",
				Title:     fmt.Sprintf("alert %d", i),
				Severity:  eventv1.Severity(i%5 + 1),
				Tags:      []string{[]string{"safe.t1001", "attack.t1005", "attack.t1005"}[i%3]},
				SessionId: []string{"s1", "s2"}[i/6],
				Time:      timestamppb.New(f.base.Add(time.Duration(i) * time.Minute)),
			}
			alerts = append(alerts, a)
		}
		// a00 names s1 events out of order, one unknown id and globex's event.
		alerts[0].EventIds = []string{f.s1[4], f.s1[2], "no-such-event", f.s1[3], eventID(tenantB, "s1", 0)}
		alerts[0].FirstEventTime = timestamppb.New(f.base.Add(2 * time.Second))
		alerts[0].LastEventTime = timestamppb.New(f.base.Add(4 * time.Second))
		alerts = append(alerts, &eventv1.Alert{AlertId: "globex-alert", TenantId: tenantB, RuleId: "r1", Severity: eventv1.Severity_SEVERITY_HIGH, Time: timestamppb.New(f.base)})
		insertAlerts(t, f.conn, alerts...)
		replay := proto.Clone(alerts[3]).(*eventv1.Alert)
		replay.Time = timestamppb.New(f.base.Add(time.Hour))
		insertAlerts(t, f.conn, replay)
		for i := 11; i >= 0; i-- {
			f.alerts = append(f.alerts, fmt.Sprintf("a%02d", i))
		}
		fix = f
	})
	if fix == nil {
		t.Fatal("fixture failed to load (see the first failing test)")
	}
	return fix
}

// testEvent returns a plausible event of a session.
func testEvent(tenant, session string, i int, ts time.Time) *eventv1.Event {
	return &eventv1.Event{
		EventId:      eventID(tenant, session, i),
		TenantId:     tenant,
		Time:         timestamppb.New(ts),
		ReceivedTime: timestamppb.New(ts.Add(time.Millisecond)),
		Source:       &eventv1.Source{Kind: eventv1.SourceKind_SOURCE_KIND_TAP, Name: "mcpaudit-tap", Host: "host1"},
		Session:      &eventv1.Session{Id: session, Transport: eventv1.Transport_TRANSPORT_STDIO, ProtocolVersion: "2025-06-18"},
		Client:       &eventv1.Implementation{Name: "claude-code", Version: "1.0"},
		Server:       &eventv1.Implementation{Name: "fs-server", Version: "0.1", Identity: "npx fs-server"},
		Principal:    &eventv1.Principal{Subject: "alice"},
		Direction:    eventv1.Direction_DIRECTION_CLIENT_TO_SERVER,
		Kind:         eventv1.MessageKind_MESSAGE_KIND_NOTIFICATION,
		Method:       "notifications/message",
		JsonrpcId:    fmt.Sprint(i),
		SizeBytes:    int64(100 + i),
		Labels:       map[string]string{"i": fmt.Sprint(i)},
	}
}

// harness serves a Service over gRPC and REST on 127.0.0.1.
type harness struct {
	svc    *Service
	client queryv1.QueryServiceClient
	http   string // base URL of the REST gateway
}

func newHarness(t *testing.T, conn driver.Conn) *harness {
	t.Helper()
	authn, err := auth.New(auth.Config{Tokens: []auth.Token{
		{SHA256: auth.HashToken(tokenA), Tenant: tenantA, Name: "a"},
		{SHA256: auth.HashToken(tokenB), Tenant: tenantB, Name: "b"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(DefaultConfig(), conn, authn, slog.New(slog.NewTextHandler(testWriter{t}, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	svc.RegisterGRPC(srv)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	cc, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })

	mux := runtime.NewServeMux(runtime.WithErrorHandler(apierr.HTTPErrorHandler))
	if err := svc.RegisterGateway(t.Context(), mux); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(mux)
	hs.Listener.Close()
	hs.Listener, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs.Start()
	t.Cleanup(hs.Close)
	return &harness{svc: svc, client: queryv1.NewQueryServiceClient(cc), http: hs.URL}
}

// as returns ctx carrying token as the caller's credential.
func as(ctx context.Context, token string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
}

// get calls the REST gateway and returns the status code and body.
func (h *harness) get(t *testing.T, token, path string, q url.Values) (int, []byte) {
	t.Helper()
	u := h.http + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// getProto calls the REST gateway expecting 200 and decodes the body into m.
func (h *harness) getProto(t *testing.T, token, path string, q url.Values, m proto.Message) {
	t.Helper()
	code, body := h.get(t, token, path, q)
	if code != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", path, code, body)
	}
	if err := protojson.Unmarshal(body, m); err != nil {
		t.Fatalf("GET %s: decode: %v", path, err)
	}
}

// testWriter sends log lines to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(p))
	return len(p), nil
}
