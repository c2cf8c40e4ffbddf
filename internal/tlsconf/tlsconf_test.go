package tlsconf

import (
	"crypto/tls"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpaudit/mcpaudit/internal/tlsconf/tlsconftest"
)

// fixture is what the load tests read: a test CA with a server pair (for
// 127.0.0.1) and a client pair, a client pair of another CA, a file that
// is not PEM and a path where there is no file.
type fixture struct {
	pki                   *tlsconftest.PKI
	server, client, other tlsconftest.Pair
	notPEM, missing       string
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	pki := tlsconftest.New(t)
	return fixture{
		pki:     pki,
		server:  pki.Server(t, "127.0.0.1"),
		client:  pki.Client(t, "a"),
		other:   tlsconftest.New(t).Client(t, "b"),
		notPEM:  tlsconftest.NotPEM(t),
		missing: filepath.Join(t.TempDir(), "missing.pem"),
	}
}

// TestClientLoad checks that a client block loads its CA and client
// certificate, is nil when off, and that every file problem is an error
// starting with the key at fault.
func TestClientLoad(t *testing.T) {
	f := newFixture(t)
	// A bundle with a good CA and a block that is not X.509: the broken
	// block is an error, not skipped.
	broken := filepath.Join(t.TempDir(), "broken.pem")
	good, err := os.ReadFile(f.pki.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(broken, append(good, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("junk")})...), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		cfg     Client
		wantErr string // prefix of the error; "" means success
		wantNil bool
	}{
		{"off", Client{CAFile: "/nonexistent"}, "", true},
		{"system roots", Client{Enabled: true}, "", false},
		{"ca and client pair", Client{Enabled: true, CAFile: f.pki.CAFile, CertFile: f.client.CertFile, KeyFile: f.client.KeyFile, ServerName: "a"}, "", false},
		{"missing ca", Client{Enabled: true, CAFile: f.missing}, "kafka.tls.ca_file: ", false},
		{"ca without certificate", Client{Enabled: true, CAFile: f.notPEM}, "kafka.tls.ca_file: " + f.notPEM + ": no PEM CERTIFICATE block", false},
		{"ca with a broken certificate", Client{Enabled: true, CAFile: broken}, "kafka.tls.ca_file: " + broken + ": certificate 2: ", false},
		{"cert without key", Client{Enabled: true, CertFile: f.client.CertFile}, "kafka.tls.key_file: required when kafka.tls.cert_file is set", false},
		{"key without cert", Client{Enabled: true, KeyFile: f.client.KeyFile}, "kafka.tls.cert_file: required when kafka.tls.key_file is set", false},
		{"missing cert", Client{Enabled: true, CertFile: f.missing, KeyFile: f.client.KeyFile}, "kafka.tls.cert_file: ", false},
		{"cert not pem", Client{Enabled: true, CertFile: f.notPEM, KeyFile: f.client.KeyFile}, "kafka.tls.cert_file: ", false},
		{"mismatched pair", Client{Enabled: true, CertFile: f.client.CertFile, KeyFile: f.other.KeyFile}, "kafka.tls.key_file: ", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc, err := tt.cfg.Load(Under("kafka.tls"))
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("Load = %v, want an error starting %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if (tc == nil) != tt.wantNil {
				t.Fatalf("Load returned %v, want nil=%v", tc, tt.wantNil)
			}
			if tc == nil {
				return
			}
			if tt.cfg.CertFile != "" && len(tc.Certificates) != 1 {
				t.Fatalf("client certificate not loaded")
			}
			if tt.cfg.CAFile != "" && !tc.RootCAs.Equal(f.pki.Pool) {
				t.Fatalf("RootCAs do not hold the CA of %s", tt.cfg.CAFile)
			}
		})
	}
}

// TestServerLoadNamesKey checks that every file problem of a server section
// names its config key under the prefix, that an empty section is
// plaintext, and that a full one asks for client certificates.
func TestServerLoadNamesKey(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name string
		cfg  Server
		want string
	}{
		{"missing cert", Server{CertFile: f.missing, KeyFile: f.server.KeyFile}, "server.tls.cert_file"},
		{"cert not pem", Server{CertFile: f.notPEM, KeyFile: f.server.KeyFile}, "server.tls.cert_file"},
		{"missing key", Server{CertFile: f.server.CertFile, KeyFile: f.missing}, "server.tls.key_file"},
		{"key not pem", Server{CertFile: f.server.CertFile, KeyFile: f.notPEM}, "server.tls.key_file"},
		{"key not matching", Server{CertFile: f.server.CertFile, KeyFile: f.other.KeyFile}, "server.tls.key_file"},
		{"key without cert", Server{KeyFile: f.server.KeyFile}, "server.tls.cert_file"},
		{"missing ca", Server{CertFile: f.server.CertFile, KeyFile: f.server.KeyFile, ClientCAFile: f.missing, ClientAuth: ClientAuthRequire}, "server.tls.client_ca_file"},
		{"ca not pem", Server{CertFile: f.server.CertFile, KeyFile: f.server.KeyFile, ClientCAFile: f.notPEM, ClientAuth: ClientAuthRequire}, "server.tls.client_ca_file"},
		{"require without ca", Server{CertFile: f.server.CertFile, KeyFile: f.server.KeyFile, ClientAuth: ClientAuthRequire}, "server.tls.client_ca_file"},
		{"bad client_auth", Server{CertFile: f.server.CertFile, KeyFile: f.server.KeyFile, ClientAuth: "always"}, "server.tls.client_auth"},
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
	c, err := (Server{CertFile: f.server.CertFile, KeyFile: f.server.KeyFile, ClientCAFile: f.pki.CAFile, ClientAuth: ClientAuthRequire}).Load("server.tls")
	if err != nil || c.ClientAuth != tls.RequireAndVerifyClientCert || c.MinVersion != tls.VersionTLS12 || !c.ClientCAs.Equal(f.pki.Pool) {
		t.Fatalf("Load() = %+v, %v; want mutual TLS against the test CA, TLS 1.2 or later", c, err)
	}
}
