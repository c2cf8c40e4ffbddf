package app

import (
	"context"
	"crypto/tls"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/mcpaudit/mcpaudit/internal/auth"
	"github.com/mcpaudit/mcpaudit/internal/tlsconf"
	"github.com/mcpaudit/mcpaudit/internal/tlsconf/tlsconftest"
)

// TestMutualTLS runs both listeners with server.tls and client_auth
// require: a client without a client certificate is refused on HTTP and
// gRPC, one with a certificate from the CA is served, and a plaintext
// client gets nowhere.
func TestMutualTLS(t *testing.T) {
	pki := tlsconftest.New(t)
	server, client := pki.Server(t, "127.0.0.1"), pki.Client(t, "tap-1")
	cfg := testConfig()
	cfg.Server.TLS = tlsconf.Server{CertFile: server.CertFile, KeyFile: server.KeyFile, ClientCAFile: pki.CAFile, ClientAuth: tlsconf.ClientAuthRequire}
	srv := startServer(t, cfg, newIngest(t, auth.Config{}))

	httpClient := func(certs ...tls.Certificate) *http.Client {
		return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: pki.Pool, Certificates: certs},
		}}
	}
	grpcCheck := func(certs ...tls.Certificate) error {
		cc, err := grpc.NewClient(srv.GRPCAddr(), grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pki.Pool, Certificates: certs})))
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
		resp, err := httpClient(client.Certificate).Get("https://" + srv.HTTPAddr() + "/healthz")
		if err != nil {
			t.Fatalf("https with a client certificate: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("https with a client certificate: status %d", resp.StatusCode)
		}
		if err := grpcCheck(client.Certificate); err != nil {
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
		{"tls", func(c *ServerConfig) { c.TLS.KeyFile = "server-key.pem" }, 0, "server.tls.cert_file"},
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
