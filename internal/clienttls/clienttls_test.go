package clienttls

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writePair writes a self-signed certificate and its key as PEM files.
func writePair(t *testing.T, dir, name string) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kd, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	cert, key = filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	if err := os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kd}), 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	certA, keyA := writePair(t, dir, "a")
	_, keyB := writePair(t, dir, "b")
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		cfg     Config
		wantErr string // "" means success
		wantNil bool
	}{
		{"off", Config{CAFile: "/nonexistent"}, "", true},
		{"system roots", Config{Enabled: true}, "", false},
		{"ca and client pair", Config{Enabled: true, CAFile: certA, CertFile: certA, KeyFile: keyA, ServerName: "a"}, "", false},
		{"missing ca", Config{Enabled: true, CAFile: filepath.Join(dir, "missing.pem")}, "kafka.tls.ca_file", false},
		{"ca without certificate", Config{Enabled: true, CAFile: garbage}, "kafka.tls.ca_file", false},
		{"cert without key", Config{Enabled: true, CertFile: certA}, "kafka.tls.cert_file, kafka.tls.key_file", false},
		{"mismatched pair", Config{Enabled: true, CertFile: certA, KeyFile: keyB}, "kafka.tls.cert_file", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc, err := tt.cfg.Load("kafka.tls")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load = %v, want an error naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if (tc == nil) != tt.wantNil {
				t.Fatalf("Load returned %v, want nil=%v", tc, tt.wantNil)
			}
			if tc != nil && tt.cfg.CertFile != "" && len(tc.Certificates) != 1 {
				t.Fatalf("client certificate not loaded")
			}
		})
	}
}
