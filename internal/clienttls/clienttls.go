// Package clienttls turns the `tls` blocks of mcpaudit's client
// configuration (kafka.tls, clickhouse.tls) into a *tls.Config: a CA bundle
// to verify the server with, an optional client certificate (mutual TLS),
// the server name to verify, and an escape hatch for test setups.
package clienttls

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// Config is one `tls` block.
type Config struct {
	// Enabled turns TLS on; the other keys are ignored without it.
	Enabled bool `yaml:"enabled"`
	// CAFile is a PEM bundle of the CAs that sign the server's certificate.
	// Empty: the system roots.
	CAFile string `yaml:"ca_file"`
	// CertFile and KeyFile are a PEM client certificate and its key, for
	// servers that require mutual TLS. Both or neither.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// ServerName is the name verified in the server's certificate. Empty:
	// the host of the address dialled.
	ServerName string `yaml:"server_name"`
	// InsecureSkipVerify accepts any server certificate. For tests only: it
	// gives up the protection TLS is for.
	InsecureSkipVerify bool `yaml:"insecure_skip_verify"`
}

// Validate checks the block's shape without reading files, naming the key
// under prefix (for example "kafka.tls").
func (c Config) Validate(prefix string) error {
	if !c.Enabled {
		return nil
	}
	if (c.CertFile == "") != (c.KeyFile == "") {
		return fmt.Errorf("%s.cert_file, %s.key_file: set both or neither", prefix, prefix)
	}
	return nil
}

// Load returns the *tls.Config for c, or nil when TLS is off. It reads and
// parses the files: a CA file without a PEM certificate and a certificate
// that does not match its key are errors naming the key under prefix.
func (c Config) Load(prefix string) (*tls.Config, error) {
	if !c.Enabled {
		return nil, nil
	}
	if err := c.Validate(prefix); err != nil {
		return nil, err
	}
	tc := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         c.ServerName,
		InsecureSkipVerify: c.InsecureSkipVerify, //nolint:gosec // opt-in, documented as test-only
	}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("%s.ca_file: %w", prefix, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s.ca_file: %s: %w", prefix, c.CAFile, errNoCertificate)
		}
		tc.RootCAs = pool
	}
	if c.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("%s.cert_file, %s.key_file: %w", prefix, prefix, err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

var errNoCertificate = errors.New("no PEM certificate found")
