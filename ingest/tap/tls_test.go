package tap

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/peer"

	ingestv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/ingest/v1"
)

// testPKI is a CA with a server certificate (for the DNS name
// collector.test and, when withIP, 127.0.0.1) and a client certificate,
// written as PEM files.
type testPKI struct {
	dir                       string
	caFile, certFile, keyFile string // CA, client certificate and key
	serverCert                tls.Certificate
	caPool                    *x509.CertPool
	otherCert, otherKey       string // a client identity from another CA
}

func newTestPKI(t *testing.T, withIP bool) *testPKI {
	t.Helper()
	p := &testPKI{dir: t.TempDir()}
	caKey, caCert, caDER := newCA(t, "mcpaudit test CA")
	p.caPool = x509.NewCertPool()
	p.caPool.AddCert(caCert)
	p.caFile = p.writePEM(t, "ca.pem", "CERTIFICATE", caDER)

	srv := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "collector"},
		DNSNames: []string{"collector.test"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if withIP {
		srv.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
	}
	srvKey, srvDER := sign(t, srv, caCert, caKey)
	p.serverCert = tls.Certificate{Certificate: [][]byte{srvDER}, PrivateKey: srvKey}

	p.certFile, p.keyFile = p.client(t, "tap-client", caCert, caKey, "client")
	otherKey, otherCA, _ := newCA(t, "another CA")
	p.otherCert, p.otherKey = p.client(t, "intruder", otherCA, otherKey, "other")
	return p
}

func newCA(t *testing.T, name string) (*ecdsa.PrivateKey, *x509.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert, der
}

func sign(t *testing.T, tmpl, ca *x509.Certificate, caKey *ecdsa.PrivateKey) (*ecdsa.PrivateKey, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return key, der
}

func (p *testPKI) client(t *testing.T, cn string, ca *x509.Certificate, caKey *ecdsa.PrivateKey, name string) (string, string) {
	t.Helper()
	key, der := sign(t, &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, ca, caKey)
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return p.writePEM(t, name+".pem", "CERTIFICATE", der), p.writePEM(t, name+"-key.pem", "EC PRIVATE KEY", keyDER)
}

func (p *testPKI) writePEM(t *testing.T, name, typ string, der []byte) string {
	t.Helper()
	file := filepath.Join(p.dir, name)
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
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
		MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{p.serverCert},
		ClientCAs: p.caPool, ClientAuth: tls.RequireAndVerifyClientCert,
	})))
	ingestv1.RegisterIngestServiceServer(srv, c)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

func TestTLSToCollector(t *testing.T) {
	withIP := newTestPKI(t, true)
	dnsOnly := newTestPKI(t, false)
	tests := []struct {
		name      string
		pki       *testPKI
		mutate    func(c *Config, p *testPKI)
		delivered bool
	}{
		{"mutual TLS on loopback", withIP, func(c *Config, p *testPKI) { c.TLSCA, c.TLSCert, c.TLSKey = p.caFile, p.certFile, p.keyFile }, true},
		{"server name override", dnsOnly, func(c *Config, p *testPKI) {
			c.TLSCA, c.TLSCert, c.TLSKey, c.TLSServerName = p.caFile, p.certFile, p.keyFile, "collector.test"
		}, true},
		{"name mismatch", dnsOnly, func(c *Config, p *testPKI) { c.TLSCA, c.TLSCert, c.TLSKey = p.caFile, p.certFile, p.keyFile }, false},
		{"no client certificate", withIP, func(c *Config, p *testPKI) { c.TLSCA = p.caFile }, false},
		{"client certificate of another CA", withIP, func(c *Config, p *testPKI) { c.TLSCA, c.TLSCert, c.TLSKey = p.caFile, p.otherCert, p.otherKey }, false},
		{"plaintext to a TLS collector", withIP, func(*Config, *testPKI) {}, false},
		{"system roots do not know the test CA", withIP, func(c *Config, p *testPKI) { c.TLSCert, c.TLSKey = p.certFile, p.keyFile }, false},
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
	p := newTestPKI(t, true)
	notPEM := filepath.Join(t.TempDir(), "ca.txt")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		mutate func(c *Config)
		want   string
	}{
		{"key without cert", func(c *Config) { c.TLSKey = p.keyFile }, "tls_cert: "},
		{"insecure with TLS files", func(c *Config) { c.Insecure, c.TLSCA = true, p.caFile }, "insecure: "},
		{"missing CA file", func(c *Config) { c.TLSCA = filepath.Join(t.TempDir(), "nope.pem") }, "tls_ca: "},
		{"CA file without certificate", func(c *Config) { c.TLSCA = notPEM }, "tls_ca: no PEM certificate"},
		{"key that does not match", func(c *Config) { c.TLSCert, c.TLSKey = p.certFile, p.otherKey }, "tls_cert: "},
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
