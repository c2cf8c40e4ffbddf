package tlsconf

import (
	"crypto/tls"
	"fmt"
)

// Server is the `server.tls` section of the API listeners. With CertFile
// and KeyFile set the listeners speak TLS 1.2 or later only.
type Server struct {
	// CertFile is the PEM certificate chain of the server, leaf first
	// (`cert_file`).
	CertFile string `yaml:"cert_file"`
	// KeyFile is the PEM private key of CertFile's leaf (`key_file`).
	KeyFile string `yaml:"key_file"`
	// ClientCAFile holds the PEM CA certificates client certificates must
	// chain to (`client_ca_file`). Required when ClientAuth is not none.
	ClientCAFile string `yaml:"client_ca_file"`
	// ClientAuth is none (default), verify_if_given (a client certificate is
	// optional but must verify) or require (mutual TLS: a connection without
	// a valid client certificate is refused in the handshake)
	// (`client_auth`). It applies to the whole listener: in `up`, where
	// ingest and query share it, query callers need a certificate too.
	ClientAuth string `yaml:"client_auth"`
}

// Values of Server.ClientAuth.
const (
	ClientAuthNone          = "none"
	ClientAuthVerifyIfGiven = "verify_if_given"
	ClientAuthRequire       = "require"
)

// Validate checks the combination of settings without reading any file
// (Load reads them); errors name the key under prefix (for example
// "server.tls").
func (c Server) Validate(prefix string) error {
	if err := bothOrNeither(prefix+".cert_file", prefix+".key_file", c.CertFile, c.KeyFile); err != nil {
		return err
	}
	switch c.ClientAuth {
	case "", ClientAuthNone:
		if c.ClientCAFile != "" && c.CertFile == "" {
			return fmt.Errorf("%s.client_ca_file: needs %s.cert_file (client certificates need TLS)", prefix, prefix)
		}
	case ClientAuthVerifyIfGiven, ClientAuthRequire:
		if c.CertFile == "" {
			return fmt.Errorf("%s.client_auth: %s needs %s.cert_file and key_file", prefix, c.ClientAuth, prefix)
		}
		if c.ClientCAFile == "" {
			return fmt.Errorf("%s.client_ca_file: required with client_auth %s", prefix, c.ClientAuth)
		}
	default:
		return fmt.Errorf("%s.client_auth: %q is not one of none, verify_if_given, require", prefix, c.ClientAuth)
	}
	return nil
}

// Enabled reports whether the listeners speak TLS.
func (c Server) Enabled() bool { return c.CertFile != "" }

// Load validates c, reads the certificate, key and client CA files and
// returns a fresh server tls.Config (TLS 1.2 or later), or nil without
// error when TLS is off. Errors name the key, under prefix, of the file at
// fault.
func (c Server) Load(prefix string) (*tls.Config, error) {
	if err := c.Validate(prefix); err != nil {
		return nil, err
	}
	if !c.Enabled() {
		return nil, nil
	}
	pair, err := keyPair(prefix+".cert_file", prefix+".key_file", c.CertFile, c.KeyFile)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{pair}}
	if c.ClientCAFile != "" {
		if cfg.ClientCAs, err = certPool(prefix+".client_ca_file", c.ClientCAFile); err != nil {
			return nil, err
		}
	}
	switch c.ClientAuth {
	case ClientAuthVerifyIfGiven:
		cfg.ClientAuth = tls.VerifyClientCertIfGiven
	case ClientAuthRequire:
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}
