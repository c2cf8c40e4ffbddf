package tlsconf

import (
	"crypto/tls"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpaudit/mcpaudit/internal/tlsconf/tlsconftest"
)

// TestServerLoadNamesKey checks that every file problem of a server section
// names its config key under the prefix, that an empty section is
// plaintext, and that a full one asks for client certificates.
func TestServerLoadNamesKey(t *testing.T) {
	pki := tlsconftest.New(t)
	srv := pki.Server(t, "127.0.0.1")
	other := tlsconftest.New(t).Server(t, "127.0.0.1")
	garbage := tlsconftest.NotPEM(t)
	missing := filepath.Join(t.TempDir(), "nope.pem")
	tests := []struct {
		name string
		cfg  Server
		want string
	}{
		{"missing cert", Server{CertFile: missing, KeyFile: srv.KeyFile}, "server.tls.cert_file"},
		{"cert not pem", Server{CertFile: garbage, KeyFile: srv.KeyFile}, "server.tls.cert_file"},
		{"missing key", Server{CertFile: srv.CertFile, KeyFile: missing}, "server.tls.key_file"},
		{"key not pem", Server{CertFile: srv.CertFile, KeyFile: garbage}, "server.tls.key_file"},
		{"key not matching", Server{CertFile: srv.CertFile, KeyFile: other.KeyFile}, "server.tls.key_file"},
		{"key without cert", Server{KeyFile: srv.KeyFile}, "server.tls.cert_file"},
		{"missing ca", Server{CertFile: srv.CertFile, KeyFile: srv.KeyFile, ClientCAFile: missing, ClientAuth: ClientAuthRequire}, "server.tls.client_ca_file"},
		{"ca not pem", Server{CertFile: srv.CertFile, KeyFile: srv.KeyFile, ClientCAFile: garbage, ClientAuth: ClientAuthRequire}, "server.tls.client_ca_file"},
		{"require without ca", Server{CertFile: srv.CertFile, KeyFile: srv.KeyFile, ClientAuth: ClientAuthRequire}, "server.tls.client_ca_file"},
		{"bad client_auth", Server{CertFile: srv.CertFile, KeyFile: srv.KeyFile, ClientAuth: "always"}, "server.tls.client_auth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.cfg.Load("server.tls")
			if err == nil || !strings.HasPrefix(err.Error(), tt.want+":") {
				t.Fatalf("Load() = %v, want an error starting with %s", err, tt.want)
			}
		})
	}
	if c, err := (Server{}).Load("server.tls"); c != nil || err != nil {
		t.Fatalf("Load() of an empty section = %v, %v; want plaintext (nil, nil)", c, err)
	}
	c, err := (Server{CertFile: srv.CertFile, KeyFile: srv.KeyFile, ClientCAFile: pki.CAFile, ClientAuth: ClientAuthRequire}).Load("server.tls")
	if err != nil || c.ClientAuth != tls.RequireAndVerifyClientCert || c.MinVersion != tls.VersionTLS12 || !c.ClientCAs.Equal(pki.Pool) {
		t.Fatalf("Load() = %+v, %v; want mutual TLS against the test CA, TLS 1.2 or later", c, err)
	}
}
