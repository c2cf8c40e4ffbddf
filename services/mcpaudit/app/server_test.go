package app

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/mcpaudit/mcpaudit/ingest"
	"github.com/mcpaudit/mcpaudit/internal/auth"
	"github.com/mcpaudit/mcpaudit/internal/health"
	"github.com/mcpaudit/mcpaudit/internal/kafka"
	"github.com/mcpaudit/mcpaudit/internal/localch/localchtest"
	"github.com/mcpaudit/mcpaudit/query"
	"github.com/mcpaudit/mcpaudit/store"
)

func TestMain(m *testing.M) { localchtest.Main(m) }

// testServer is an apiServer running on free loopback ports until the test
// ends.
type testServer struct {
	*apiServer
	reg *prometheus.Registry
}

// testConfig returns the defaults with both listeners on free ports.
func testConfig() Config {
	cfg := DefaultConfig()
	cfg.GRPCAddr, cfg.HTTPAddr = "127.0.0.1:0", "127.0.0.1:0"
	return cfg
}

// startServer builds and runs an apiServer for cfg serving apis; it stops
// when the test ends.
func startServer(t *testing.T, cfg Config, apis ...api) *testServer {
	t.Helper()
	if err := cfg.Server.Validate(cfg.Query.QueryTimeout); err != nil {
		t.Fatalf("test config: %v", err)
	}
	reg := prometheus.NewRegistry()
	logger := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := newAPIServer(t.Context(), cfg, apis, reg, health.New(health.Options{Logger: logger}).Handler(), logger)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, 5*time.Second) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("api server: %v", err)
		}
	})
	return &testServer{apiServer: srv, reg: reg}
}

// newIngest returns a collector writing to an embedded Kafka-protocol
// broker, authenticating with authCfg.
func newIngest(t *testing.T, authCfg auth.Config) *ingest.Service {
	t.Helper()
	broker, err := kafka.StartEmbedded(filepath.Join(t.TempDir(), "kafka"), 1, kafka.TopicEvents)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(broker.Close)
	w := kafka.NewWriter(kafka.DefaultWriterConfig(broker.Brokers()), kafka.TopicEvents)
	t.Cleanup(func() { w.Close() })
	authn, err := auth.New(authCfg)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := ingest.New(ingest.DefaultConfig(), w, authn, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// newQuery returns a query service over a fresh, migrated database on the
// test binary's ClickHouse server.
func newQuery(t *testing.T) *query.Service {
	t.Helper()
	cfg := store.DefaultClickHouseConfig()
	cfg.Addr = []string{localchtest.Start(t)}
	cfg.Database = localchtest.Database(t)
	conn, err := store.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := store.Migrate(t.Context(), conn, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	authn, err := auth.New(auth.Config{})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := query.New(query.DefaultConfig(), conn, authn, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// response is what doHTTP read.
type response struct {
	status int
	header http.Header
	body   []byte
}

// doHTTP sends one request to the server's HTTP listener. contentType ""
// sends none.
func doHTTP(t *testing.T, srv *testServer, method, path, contentType string, body []byte, header ...string) response {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, "http://"+srv.HTTPAddr()+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return response{resp.StatusCode, resp.Header, b}
}

// gauge returns the value of a gauge series in reg, or -1 when absent.
func gauge(t *testing.T, reg *prometheus.Registry, name, label, value string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if hasLabel(m, label, value) {
				return m.GetGauge().GetValue()
			}
		}
	}
	return -1
}

func hasLabel(m *dto.Metric, name, value string) bool {
	for _, l := range m.GetLabel() {
		if l.GetName() == name && l.GetValue() == value {
			return true
		}
	}
	return false
}

// testLog sends log lines to the test log.
type testLog struct{ t *testing.T }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
