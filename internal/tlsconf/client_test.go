package tlsconf

import (
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpaudit/mcpaudit/internal/tlsconf/tlsconftest"
)

// TestClientLoad checks that a client block loads its CA and client
// certificate, is nil when off, and that every file problem is an error
// starting with the key at fault.
func TestClientLoad(t *testing.T) {
	pki := tlsconftest.New(t)
	client := pki.Client(t, "a")
	other := tlsconftest.New(t).Client(t, "b")
	garbage := tlsconftest.NotPEM(t)
	missing := filepath.Join(t.TempDir(), "missing.pem")
	// A bundle with a good CA and a block that is not X.509: the broken
	// block is an error, not skipped.
	broken := filepath.Join(t.TempDir(), "broken.pem")
	good, err := os.ReadFile(pki.CAFile)
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
		{"ca and client pair", Client{Enabled: true, CAFile: pki.CAFile, CertFile: client.CertFile, KeyFile: client.KeyFile, ServerName: "a"}, "", false},
		{"missing ca", Client{Enabled: true, CAFile: missing}, "kafka.tls.ca_file: ", false},
		{"ca without certificate", Client{Enabled: true, CAFile: garbage}, "kafka.tls.ca_file: " + garbage + ": no PEM CERTIFICATE block", false},
		{"ca with a broken certificate", Client{Enabled: true, CAFile: broken}, "kafka.tls.ca_file: " + broken + ": certificate 2: ", false},
		{"cert without key", Client{Enabled: true, CertFile: client.CertFile}, "kafka.tls.key_file: required when kafka.tls.cert_file is set", false},
		{"key without cert", Client{Enabled: true, KeyFile: client.KeyFile}, "kafka.tls.cert_file: required when kafka.tls.key_file is set", false},
		{"missing cert", Client{Enabled: true, CertFile: missing, KeyFile: client.KeyFile}, "kafka.tls.cert_file: ", false},
		{"cert not pem", Client{Enabled: true, CertFile: garbage, KeyFile: client.KeyFile}, "kafka.tls.cert_file: ", false},
		{"mismatched pair", Client{Enabled: true, CertFile: client.CertFile, KeyFile: other.KeyFile}, "kafka.tls.key_file: ", false},
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
			if tt.cfg.CAFile != "" && !tc.RootCAs.Equal(pki.Pool) {
				t.Fatalf("RootCAs do not hold the CA of %s", tt.cfg.CAFile)
			}
		})
	}
}
