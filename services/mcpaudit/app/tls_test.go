package app

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/mcpaudit/mcpaudit/internal/auth"
)

// testPKI is a CA with a server certificate for 127.0.0.1 and a client
// certificate, written as PEM files.
type testPKI struct {
	caFile, certFile, keyFile string
	pool                      *x509.CertPool
	client                    tls.Certificate
}

func newTestPKI(t *testing.T) *testPKI {
	t.Helper()
	dir := t.TempDir()
	caKey, caCert := newCert(t, nil, nil, &x509.Certificate{
		Subject:               pkix.Name{CommonName: "mcpaudit test CA"},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	})
	srvKey, srvCert := newCert(t, caKey, caCert, &x509.Certificate{
		Subject:     pkix.Name{CommonName: "mcpaudit"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage:    x509.KeyUsageDigitalSignature,
	})
	cliKey, cliCert := newCert(t, caKey, caCert, &x509.Certificate{
		Subject:     pkix.Name{CommonName: "tap-1"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		KeyUsage:    x509.KeyUsageDigitalSignature,
	})
	p := &testPKI{
		caFile:   writePEM(t, dir, "ca.pem", "CERTIFICATE", caCert.Raw),
		certFile: writePEM(t, dir, "server.pem", "CERTIFICATE", srvCert.Raw),
		keyFile:  writePEM(t, dir, "server-key.pem", "PRIVATE KEY", marshalKey(t, srvKey)),
		pool:     x509.NewCertPool(),
	}
	p.pool.AddCert(caCert)
	p.client = tls.Certificate{Certificate: [][]byte{cliCert.Raw}, PrivateKey: cliKey}
	return p
}

func newCert(t *testing.T, parentKey *ecdsa.PrivateKey, parent, tmpl *x509.Certificate) (*ecdsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SerialNumber = serial
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().Add(time.Hour)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert
}

func marshalKey(t *testing.T, k *ecdsa.PrivateKey) []byte {
	t.Helper()
	b, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writePEM(t *testing.T, dir, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestMutualTLS runs both listeners with server.tls and client_auth
// require: a client without a client certificate is refused on HTTP and
// gRPC, one with a certificate from the CA is served, and a plaintext
// client gets nowhere.
func TestMutualTLS(t *testing.T) {
	pki := newTestPKI(t)
	cfg := testConfig()
	cfg.Server.TLS = TLSConfig{CertFile: pki.certFile, KeyFile: pki.keyFile, ClientCAFile: pki.caFile, ClientAuth: ClientAuthRequire}
	srv := startServer(t, cfg, newIngest(t, auth.Config{}))

	httpClient := func(certs ...tls.Certificate) *http.Client {
		return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: pki.pool, Certificates: certs},
		}}
	}
	grpcCheck := func(certs ...tls.Certificate) error {
		cc, err := grpc.NewClient(srv.GRPCAddr(), grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pki.pool, Certificates: certs})))
		if err != nil {
			return err
		}
		defer cc.Close()
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		_, err = healthpb.NewHealthClient(cc).Check(ctx, &healthpb.HealthCheckRequest{})
		return err
	}

	t.Run("client certificate accepted", func(t *testing.T) {
		resp, err := httpClient(pki.client).Get("https://" + srv.HTTPAddr() + "/healthz")
		if err != nil {
			t.Fatalf("https with a client certificate: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("https with a client certificate: status %d", resp.StatusCode)
		}
		if err := grpcCheck(pki.client); err != nil {
			t.Fatalf("grpc with a client certificate: %v", err)
		}
	})
	t.Run("no client certificate refused", func(t *testing.T) {
		if resp, err := httpClient().Get("https://" + srv.HTTPAddr() + "/healthz"); err == nil {
			resp.Body.Close()
			t.Fatalf("https without a client certificate: status %d, want the handshake refused", resp.StatusCode)
		}
		if err := grpcCheck(); err == nil {
			t.Fatal("grpc without a client certificate: served, want refused")
		}
	})
	t.Run("plaintext refused", func(t *testing.T) {
		c := &http.Client{Timeout: 10 * time.Second}
		resp, err := c.Get("http://" + srv.HTTPAddr() + "/healthz")
		if err == nil {
			defer resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				t.Fatal("plaintext request to a TLS listener was served")
			}
		}
	})
}

// TestTLSLoadNamesKey checks that every file problem names its config key.
func TestTLSLoadNamesKey(t *testing.T) {
	pki := newTestPKI(t)
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not pem"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  TLSConfig
		want string
	}{
		{"missing cert", TLSConfig{CertFile: filepath.Join(dir, "nope.pem"), KeyFile: pki.keyFile}, "server.tls.cert_file"},
		{"cert not pem", TLSConfig{CertFile: garbage, KeyFile: pki.keyFile}, "server.tls.cert_file"},
		{"missing key", TLSConfig{CertFile: pki.certFile, KeyFile: filepath.Join(dir, "nope.pem")}, "server.tls.key_file"},
		{"key not matching", TLSConfig{CertFile: pki.certFile, KeyFile: garbage}, "server.tls.key_file"},
		{"key without cert", TLSConfig{KeyFile: pki.keyFile}, "server.tls.cert_file"},
		{"ca not pem", TLSConfig{CertFile: pki.certFile, KeyFile: pki.keyFile, ClientCAFile: garbage, ClientAuth: ClientAuthRequire}, "server.tls.client_ca_file"},
		{"require without ca", TLSConfig{CertFile: pki.certFile, KeyFile: pki.keyFile, ClientAuth: ClientAuthRequire}, "server.tls.client_ca_file"},
		{"bad client_auth", TLSConfig{CertFile: pki.certFile, KeyFile: pki.keyFile, ClientAuth: "always"}, "server.tls.client_auth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.cfg.Load()
			if err == nil || !strings.HasPrefix(err.Error(), tt.want+":") {
				t.Fatalf("Load() = %v, want an error starting with %s", err, tt.want)
			}
		})
	}
	if c, err := (TLSConfig{}).Load(); c != nil || err != nil {
		t.Fatalf("Load() of an empty section = %v, %v; want plaintext (nil, nil)", c, err)
	}
	c, err := (TLSConfig{CertFile: pki.certFile, KeyFile: pki.keyFile, ClientCAFile: pki.caFile, ClientAuth: ClientAuthRequire}).Load()
	if err != nil || c.ClientAuth != tls.RequireAndVerifyClientCert || c.MinVersion != tls.VersionTLS12 {
		t.Fatalf("Load() = %+v, %v; want mutual TLS, TLS 1.2 or later", c, err)
	}
}

// TestServerConfigNamesKey checks the listener settings' validation.
func TestServerConfigNamesKey(t *testing.T) {
	tests := []struct {
		name         string
		edit         func(*ServerConfig)
		queryTimeout time.Duration
		want         string
	}{
		{"cap", func(c *ServerConfig) { c.MaxConnections = 0 }, 0, "server.max_connections"},
		{"request bytes", func(c *ServerConfig) { c.MaxRequestBytes = 10 }, 0, "server.max_request_bytes"},
		{"read timeout", func(c *ServerConfig) { c.ReadTimeout = 0 }, 0, "server.read_timeout"},
		{"idle timeout", func(c *ServerConfig) { c.IdleTimeout = -time.Second }, 0, "server.idle_timeout"},
		{"header longer than read", func(c *ServerConfig) { c.ReadHeaderTimeout = 2 * time.Minute }, 0, "server.read_header_timeout"},
		{"write not above read", func(c *ServerConfig) { c.WriteTimeout = c.ReadTimeout }, 0, "server.write_timeout"},
		{"write not above query", func(c *ServerConfig) {}, 5 * time.Minute, "server.write_timeout"},
		{"streams", func(c *ServerConfig) { c.MaxConcurrentStreams = 0 }, 0, "server.max_concurrent_streams"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultServerConfig()
			tt.edit(&c)
			err := c.Validate(tt.queryTimeout)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want+":") {
				t.Fatalf("Validate() = %v, want an error naming %s", err, tt.want)
			}
		})
	}
	if err := DefaultServerConfig().Validate(30 * time.Second); err != nil {
		t.Fatalf("defaults with the default query_timeout: %v", err)
	}
}
