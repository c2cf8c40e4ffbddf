package app

import (
	"errors"
	"fmt"
	"time"

	"github.com/mcpaudit/mcpaudit/internal/tlsconf"
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
	TLS tlsconf.Server `yaml:"tls"`
}

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
		TLS:                  tlsconf.Server{ClientAuth: tlsconf.ClientAuthNone},
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
	return c.TLS.Validate("server.tls")
}
