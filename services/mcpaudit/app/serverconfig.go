package app

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"time"
)

// ServerConfig bounds what callers can hold on the API listeners (the
// `server` section). Every limit applies to the gRPC and to the HTTP
// listener separately.
type ServerConfig struct {
	// MaxConnections caps the open connections of each listener
	// (`max_connections`). Past it, new connections wait in the kernel's
	// accept queue until one closes; the process never runs out of file
	// descriptors because of callers. Default 1024.
	MaxConnections int `yaml:"max_connections"`
	// MaxRequestBytes bounds one gRPC request message and one REST request
	// body (`max_request_bytes`). A larger gRPC message gets
	// RESOURCE_EXHAUSTED, a larger REST body 413. Default 64 MiB.
	MaxRequestBytes int `yaml:"max_request_bytes"`
	// ReadHeaderTimeout bounds reading a request's headers on HTTP, and the
	// connection set-up (TLS handshake and HTTP/2 preface) on gRPC
	// (`read_header_timeout`). Default 10s.
	ReadHeaderTimeout time.Duration `yaml:"read_header_timeout"`
	// ReadTimeout bounds reading a whole HTTP request, body included
	// (`read_timeout`); a slow body past it gets the connection closed.
	// Default 1m, enough for a 64 MiB body at about 10 Mbit/s.
	ReadTimeout time.Duration `yaml:"read_timeout"`
	// WriteTimeout bounds an HTTP request from the end of its headers to
	// the end of its response (`write_timeout`): body, handling and the
	// response write. It must be longer than read_timeout and, where the
	// query role runs, than query.query_timeout, so a query that uses its
	// whole statement budget still gets its answer out. Default 2m.
	WriteTimeout time.Duration `yaml:"write_timeout"`
	// IdleTimeout closes an HTTP keep-alive connection with no request, and
	// a gRPC connection with no call, after this long (`idle_timeout`); gRPC
	// also pings a connection silent this long to find dead peers.
	// Default 2m.
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// MaxConcurrentStreams caps the calls in flight on one gRPC or HTTP/2
	// connection (`max_concurrent_streams`). Default 100.
	MaxConcurrentStreams uint32 `yaml:"max_concurrent_streams"`
	// KeepaliveMinTime is the shortest interval between keepalive pings a
	// gRPC client may send; a client pinging more often is disconnected
	// with GOAWAY "too_many_pings" (`keepalive_min_time`). Default 10s.
	KeepaliveMinTime time.Duration `yaml:"keepalive_min_time"`
	// TLS turns on TLS, and optionally client certificates, on both
	// listeners. Unset: plaintext.
	TLS TLSConfig `yaml:"tls"`
}

// TLSConfig is the `server.tls` section. With CertFile and KeyFile set both
// listeners speak TLS 1.2 or later only.
type TLSConfig struct {
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

// Values of TLSConfig.ClientAuth.
const (
	ClientAuthNone          = "none"
	ClientAuthVerifyIfGiven = "verify_if_given"
	ClientAuthRequire       = "require"
)

// DefaultServerConfig returns the listener defaults documented on
// ServerConfig.
func DefaultServerConfig() ServerConfig {
	return ServerConfig{
		MaxConnections:       1024,
		MaxRequestBytes:      64 << 20,
		ReadHeaderTimeout:    10 * time.Second,
		ReadTimeout:          time.Minute,
		WriteTimeout:         2 * time.Minute,
		IdleTimeout:          2 * time.Minute,
		MaxConcurrentStreams: 100,
		KeepaliveMinTime:     10 * time.Second,
		TLS:                  TLSConfig{ClientAuth: ClientAuthNone},
	}
}

// Validate reports the first invalid setting, naming its config key.
// queryTimeout is query.query_timeout when the query role runs in this
// process, else 0.
func (c ServerConfig) Validate(queryTimeout time.Duration) error {
	if c.MaxConnections < 1 {
		return errors.New("server.max_connections: must be at least 1")
	}
	if c.MaxRequestBytes < 1024 {
		return errors.New("server.max_request_bytes: must be at least 1024")
	}
	for _, d := range []struct {
		key string
		v   time.Duration
	}{
		{"server.read_header_timeout", c.ReadHeaderTimeout},
		{"server.read_timeout", c.ReadTimeout},
		{"server.write_timeout", c.WriteTimeout},
		{"server.idle_timeout", c.IdleTimeout},
		{"server.keepalive_min_time", c.KeepaliveMinTime},
	} {
		if d.v <= 0 {
			return fmt.Errorf("%s: must be positive", d.key)
		}
	}
	if c.ReadHeaderTimeout > c.ReadTimeout {
		return fmt.Errorf("server.read_header_timeout: %s is longer than server.read_timeout (%s), which includes the headers", c.ReadHeaderTimeout, c.ReadTimeout)
	}
	if c.WriteTimeout <= c.ReadTimeout {
		return fmt.Errorf("server.write_timeout: %s must be longer than server.read_timeout (%s): it also runs while the body is read", c.WriteTimeout, c.ReadTimeout)
	}
	if queryTimeout > 0 && c.WriteTimeout <= queryTimeout {
		return fmt.Errorf("server.write_timeout: %s must be longer than query.query_timeout (%s), or slow queries lose their answer", c.WriteTimeout, queryTimeout)
	}
	if c.MaxConcurrentStreams < 1 {
		return errors.New("server.max_concurrent_streams: must be at least 1")
	}
	return c.TLS.Validate()
}

// Validate checks the combination of settings without reading any file;
// Load reads them.
func (c TLSConfig) Validate() error {
	switch {
	case c.CertFile == "" && c.KeyFile != "":
		return errors.New("server.tls.cert_file: required when server.tls.key_file is set")
	case c.CertFile != "" && c.KeyFile == "":
		return errors.New("server.tls.key_file: required when server.tls.cert_file is set")
	}
	switch c.ClientAuth {
	case "", ClientAuthNone:
		if c.ClientCAFile != "" && c.CertFile == "" {
			return errors.New("server.tls.client_ca_file: needs server.tls.cert_file (client certificates need TLS)")
		}
	case ClientAuthVerifyIfGiven, ClientAuthRequire:
		if c.CertFile == "" {
			return fmt.Errorf("server.tls.client_auth: %s needs server.tls.cert_file and key_file", c.ClientAuth)
		}
		if c.ClientCAFile == "" {
			return fmt.Errorf("server.tls.client_ca_file: required with client_auth %s", c.ClientAuth)
		}
	default:
		return fmt.Errorf("server.tls.client_auth: %q is not one of none, verify_if_given, require", c.ClientAuth)
	}
	return nil
}

// Enabled reports whether the listeners speak TLS.
func (c TLSConfig) Enabled() bool { return c.CertFile != "" }

// Load reads the certificate, key and client CA files and returns a fresh
// server tls.Config (TLS 1.2 or later), or nil without error when TLS is
// off. Errors name the config key of the file at fault.
func (c TLSConfig) Load() (*tls.Config, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if !c.Enabled() {
		return nil, nil
	}
	certPEM, err := os.ReadFile(c.CertFile)
	if err != nil {
		return nil, fmt.Errorf("server.tls.cert_file: %w", err)
	}
	if err := checkCertificates(certPEM); err != nil {
		return nil, fmt.Errorf("server.tls.cert_file: %s: %w", c.CertFile, err)
	}
	keyPEM, err := os.ReadFile(c.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("server.tls.key_file: %w", err)
	}
	// The certificate parsed above, so what X509KeyPair refuses is the key
	// or its match with the certificate.
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("server.tls.key_file: %s: %w", c.KeyFile, err)
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{pair}}
	if c.ClientCAFile != "" {
		caPEM, err := os.ReadFile(c.ClientCAFile)
		if err != nil {
			return nil, fmt.Errorf("server.tls.client_ca_file: %w", err)
		}
		if err := checkCertificates(caPEM); err != nil {
			return nil, fmt.Errorf("server.tls.client_ca_file: %s: %w", c.ClientCAFile, err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(caPEM)
		cfg.ClientCAs = pool
	}
	switch c.ClientAuth {
	case ClientAuthVerifyIfGiven:
		cfg.ClientAuth = tls.VerifyClientCertIfGiven
	case ClientAuthRequire:
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}

// checkCertificates reports whether b holds at least one PEM CERTIFICATE
// block and every such block parses as X.509.
func checkCertificates(b []byte) error {
	n := 0
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(blk.Bytes); err != nil {
			return fmt.Errorf("certificate %d: %w", n+1, err)
		}
		n++
	}
	if n == 0 {
		return errors.New("no PEM CERTIFICATE block")
	}
	return nil
}
