package tap

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/peer"

	"github.com/mcpaudit/mcpaudit/internal/tlsconf/tlsconftest"
	ingestv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/ingest/v1"
)

// testPKI is a CA with a server certificate for the collector, the
// tap's client certificate and a client certificate of another CA.
type testPKI struct {
	*tlsconftest.PKI
	server   tlsconftest.Pair // for hosts
	client   tlsconftest.Pair // common name tap-client
	intruder tlsconftest.Pair // signed by another CA
}

func newTestPKI(t *testing.T, hosts ...string) *testPKI {
	t.Helper()
	p := &testPKI{PKI: tlsconftest.New(t)}
	p.server = p.Server(t, hosts...)
	p.client = p.Client(t, "tap-client")
	p.intruder = tlsconftest.New(t).Client(t, "intruder")
	return p
}

// mtlsCollector is a collector behind a gRPC server that requires a client
// certificate from the test CA; it records the client's common names.
type mtlsCollector struct {
	collector
	cnMu sync.Mutex
	cns  []string
}

func (c *mtlsCollector) Export(ctx context.Context, req *ingestv1.ExportRequest) (*ingestv1.ExportResponse, error) {
	if p, ok := peer.FromContext(ctx); ok {
		if ti, ok := p.AuthInfo.(credentials.TLSInfo); ok && len(ti.State.PeerCertificates) > 0 {
			c.cnMu.Lock()
			c.cns = append(c.cns, ti.State.PeerCertificates[0].Subject.CommonName)
			c.cnMu.Unlock()
		}
	}
	return c.collector.Export(ctx, req)
}

func startMTLSCollector(t *testing.T, p *testPKI, c *mtlsCollector) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(grpc.Creds(credentials.NewTLS(&tls.Config{
		MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{p.server.Certificate},
		ClientCAs: p.Pool, ClientAuth: tls.RequireAndVerifyClientCert,
	})))
	ingestv1.RegisterIngestServiceServer(srv, c)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

func TestTLSToCollector(t *testing.T) {
	withIP := newTestPKI(t, "collector.test", "127.0.0.1")
	dnsOnly := newTestPKI(t, "collector.test")
	tests := []struct {
		name      string
		pki       *testPKI
		mutate    func(c *Config, p *testPKI)
		delivered bool
	}{
		{"mutual TLS on loopback", withIP, func(c *Config, p *testPKI) {
			c.TLSCA, c.TLSCert, c.TLSKey = p.CAFile, p.client.CertFile, p.client.KeyFile
		}, true},
		{"server name override", dnsOnly, func(c *Config, p *testPKI) {
			c.TLSCA, c.TLSCert, c.TLSKey, c.TLSServerName = p.CAFile, p.client.CertFile, p.client.KeyFile, "collector.test"
		}, true},
		{"name mismatch", dnsOnly, func(c *Config, p *testPKI) {
			c.TLSCA, c.TLSCert, c.TLSKey = p.CAFile, p.client.CertFile, p.client.KeyFile
		}, false},
		{"no client certificate", withIP, func(c *Config, p *testPKI) { c.TLSCA = p.CAFile }, false},
		{"client certificate of another CA", withIP, func(c *Config, p *testPKI) {
			c.TLSCA, c.TLSCert, c.TLSKey = p.CAFile, p.intruder.CertFile, p.intruder.KeyFile
		}, false},
		{"plaintext to a TLS collector", withIP, func(*Config, *testPKI) {}, false},
		{"system roots do not know the test CA", withIP, func(c *Config, p *testPKI) { c.TLSCert, c.TLSKey = p.client.CertFile, p.client.KeyFile }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			col := &mtlsCollector{}
			cfg := DefaultConfig()
			cfg.Collector = startMTLSCollector(t, tt.pki, col)
			cfg.FlushTimeout = time.Second
			cfg.MaxBackoff = 100 * time.Millisecond
			tt.mutate(&cfg, tt.pki)
			r := startTap(t, cfg, "cat")
			if _, err := io.WriteString(r.in, pingLines(3)); err != nil {
				t.Fatal(err)
			}
			r.in.Close()
			if err := r.wait(t); err != nil {
				t.Fatalf("Run: %v", err)
			}
			st := r.svc.Stats()
			got := len(col.snapshot())
			if tt.delivered {
				col.cnMu.Lock()
				defer col.cnMu.Unlock()
				if got != 6 || st.Sent != 6 || len(col.cns) == 0 || col.cns[0] != "tap-client" {
					t.Errorf("delivered %d events, stats %+v, client names %q; want 6 from tap-client", got, st, col.cns)
				}
				return
			}
			if got != 0 || st.Sent != 0 || st.Dropped != 6 {
				t.Errorf("delivered %d events, stats %+v; want none delivered, 6 dropped at the flush timeout", got, st)
			}
		})
	}
}

func TestTLSConfigErrors(t *testing.T) {
	p := newTestPKI(t, "127.0.0.1")
	notPEM := tlsconftest.NotPEM(t)
	tests := []struct {
		name   string
		mutate func(c *Config)
		want   string
	}{
		{"key without cert", func(c *Config) { c.TLSKey = p.client.KeyFile }, "tls_cert: required when tls_key is set"},
		{"cert without key", func(c *Config) { c.TLSCert = p.client.CertFile }, "tls_key: required when tls_cert is set"},
		{"insecure with TLS files", func(c *Config) { c.Insecure, c.TLSCA = true, p.CAFile }, "insecure: "},
		{"missing CA file", func(c *Config) { c.TLSCA = filepath.Join(t.TempDir(), "nope.pem") }, "tls_ca: "},
		{"CA file without certificate", func(c *Config) { c.TLSCA = notPEM }, "tls_ca: " + notPEM + ": no PEM CERTIFICATE block"},
		{"missing cert file", func(c *Config) { c.TLSCert, c.TLSKey = filepath.Join(t.TempDir(), "nope.pem"), p.client.KeyFile }, "tls_cert: "},
		{"key that does not match", func(c *Config) { c.TLSCert, c.TLSKey = p.client.CertFile, p.intruder.KeyFile }, "tls_key: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.mutate(&cfg)
			_, err := New(cfg, []string{"cat"}, Stdio{}, testLogger(t), nil)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("New: %v, want an error starting %q", err, tt.want)
			}
		})
	}
}
