package tlsconf

import (
	"crypto/tls"
)

// Client is one client `tls` block (kafka.tls, clickhouse.tls).
type Client struct {
	// Enabled turns TLS on; the other keys are ignored without it.
	Enabled bool `yaml:"enabled"`
	// CAFile is a PEM bundle of the CAs that sign the server's certificate.
	// Empty: the system roots.
	CAFile string `yaml:"ca_file"`
	// CertFile and KeyFile are a PEM client certificate (chain, leaf first)
	// and its key, for servers that require mutual TLS. Both or neither.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// ServerName is the name verified in the server's certificate. Empty:
	// the host of the address dialled.
	ServerName string `yaml:"server_name"`
	// InsecureSkipVerify accepts any server certificate. For tests only: it
	// gives up the protection TLS is for.
	InsecureSkipVerify bool `yaml:"insecure_skip_verify"`
}

// Names are what a Client's errors call its file settings: the config keys
// or flags the user set them with.
type Names struct {
	CAFile, CertFile, KeyFile string
}

// Under returns the Names of a `tls` block at prefix (for example
// "kafka.tls"): prefix.ca_file, prefix.cert_file and prefix.key_file.
func Under(prefix string) Names {
	return Names{CAFile: prefix + ".ca_file", CertFile: prefix + ".cert_file", KeyFile: prefix + ".key_file"}
}

// Validate checks the block's shape without reading files: a certificate
// without its key, or a key without its certificate, is an error naming
// the missing one after n.
func (c Client) Validate(n Names) error {
	if !c.Enabled {
		return nil
	}
	return bothOrNeither(n.CertFile, n.KeyFile, c.CertFile, c.KeyFile)
}

// Load returns the *tls.Config for c, or nil without error when TLS is
// off. It validates c and reads the files: one that cannot be read, a CA
// file without a parseable PEM certificate, and a key that does not match
// its certificate are errors starting with the setting's name in n.
func (c Client) Load(n Names) (*tls.Config, error) {
	if !c.Enabled {
		return nil, nil
	}
	if err := c.Validate(n); err != nil {
		return nil, err
	}
	tc := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         c.ServerName,
		InsecureSkipVerify: c.InsecureSkipVerify, //nolint:gosec // opt-in, documented as test-only
	}
	if c.CAFile != "" {
		pool, err := certPool(n.CAFile, c.CAFile)
		if err != nil {
			return nil, err
		}
		tc.RootCAs = pool
	}
	if c.CertFile != "" {
		pair, err := keyPair(n.CertFile, n.KeyFile, c.CertFile, c.KeyFile)
		if err != nil {
			return nil, err
		}
		tc.Certificates = []tls.Certificate{pair}
	}
	return tc, nil
}
