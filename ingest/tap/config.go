package tap

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/mcpaudit/mcpaudit/ingest/mcpwire"
	"github.com/mcpaudit/mcpaudit/internal/tlsconf"
)

// DefaultCollector is the default collector address: the gRPC address of
// `mcpaudit up`.
const DefaultCollector = "127.0.0.1:7070"

// Config configures the tap.
type Config struct {
	// Collector is the collector's gRPC address, HOST:PORT.
	Collector string `yaml:"collector"`
	// Token, when set, is sent as "authorization: Bearer <Token>".
	Token string `yaml:"token"`
	// Insecure uses plaintext gRPC. Without it the tap uses TLS, except for
	// loopback collectors, which are plaintext (the traffic never leaves
	// the host) unless a TLS setting below is given.
	Insecure bool `yaml:"insecure"`
	// TLSCA is a PEM file of the CA certificates that verify the
	// collector's certificate; empty means the system roots.
	TLSCA string `yaml:"tls_ca"`
	// TLSCert and TLSKey are PEM files of the client certificate and its
	// private key the tap presents to a collector that requires mutual TLS.
	// Both or neither.
	TLSCert string `yaml:"tls_cert"`
	// TLSKey is the private key of TLSCert.
	TLSKey string `yaml:"tls_key"`
	// TLSServerName overrides the name the collector's certificate is
	// verified against (default: the host of Collector).
	TLSServerName string `yaml:"tls_server_name"`
	// BatchSize is the number of events that triggers a send. Default 100.
	BatchSize int `yaml:"batch_size"`
	// MaxBatchEvents is the most events sent in one Export call. While more
	// than BatchSize events wait (a burst, or a collector that was away),
	// batches grow up to it so that the backlog drains before the buffer
	// fills: one call per 1000 events costs the collector and Kafka far
	// less than ten. It must not exceed the collector's
	// ingest.max_batch_events. Default 1000.
	MaxBatchEvents int `yaml:"max_batch_events"`
	// MaxBatchBytes bounds the protobuf size of the events in one Export
	// call, so that a batch stays under gRPC's default 4 MiB message limit;
	// a single larger event is still sent alone. Default 3 MiB.
	MaxBatchBytes int `yaml:"max_batch_bytes"`
	// MaxEventBytes bounds the protobuf size of one event. A larger event
	// (a tools/list with a 10 MiB description, say) is shortened before it
	// is sent, its largest fields first, each named in truncated_fields
	// (see mcpwire.Shrink), so that it stays within the collector's
	// ingest.max_event_bytes (1 MiB by default) and the batch limits. At
	// most max_batch_bytes. Default 1 MiB.
	MaxEventBytes int `yaml:"max_event_bytes"`
	// FlushInterval is the longest an event waits before a send is tried.
	FlushInterval time.Duration `yaml:"flush_interval"`
	// BacklogWait is how long the tap waits for room when the
	// relay→observer queue or the event buffer is full, slowing the MCP
	// traffic down rather than dropping (after the Linux audit
	// subsystem's backlog_wait_time). A wait that times out switches the
	// bound to dropping, recorded as observation gaps, until it has drained
	// to half. 0 never waits: the relay is never slowed and floods become
	// gaps at once. Default 5s.
	BacklogWait time.Duration `yaml:"backlog_wait"`
	// BufferEvents bounds the events held while waiting for the collector;
	// events past it are dropped and counted.
	BufferEvents int `yaml:"buffer_events"`
	// FlushTimeout bounds the final flush after the child exited.
	FlushTimeout time.Duration `yaml:"flush_timeout"`
	// ExportTimeout bounds one Export call.
	ExportTimeout time.Duration `yaml:"export_timeout"`
	// MaxBackoff caps the delay between retries of a failed batch.
	MaxBackoff time.Duration `yaml:"max_backoff"`
	// QueueChunks bounds the relay→observer queue, in chunks of at most
	// 64 KiB. A chunk that does not fit is relayed but not observed; the
	// record says so with an observation-gap event (reason
	// GAP_REASON_OBSERVER_QUEUE_FULL) giving its bytes, frames and time span.
	QueueChunks int `yaml:"queue_chunks"`
	// QueueBytes bounds the relay→observer queue in bytes (the memory it
	// may hold), in the same way as QueueChunks. At least 64 KiB.
	QueueBytes int64 `yaml:"queue_bytes"`
	// MaxLineBytes bounds one stdio frame, in bytes without the newline. A
	// longer line is relayed but not parsed: it becomes an event of kind
	// INVALID with invalid_frame.oversize set, its size and its first bytes.
	MaxLineBytes int `yaml:"max_line_bytes"`
	// Version is Source.version of the events; empty means the main
	// module's version from the build info.
	Version string `yaml:"-"`
	// Wire is the capture policy of the observer (raw capture, text cap,
	// pending-request bound, labels).
	Wire mcpwire.Config `yaml:"wire"`
}

// DefaultConfig returns the defaults: collector 127.0.0.1:7070, batches of
// 100 events or 100 ms, a 10,000-event buffer, a 5 s final flush, an
// observer queue of 4096 chunks or 16 MiB, 64 MiB frames.
func DefaultConfig() Config {
	return Config{
		Collector:      DefaultCollector,
		BatchSize:      100,
		MaxBatchEvents: 1000,
		BacklogWait:    5 * time.Second,
		MaxBatchBytes:  3 << 20,
		MaxEventBytes:  1 << 20,
		FlushInterval:  100 * time.Millisecond,
		BufferEvents:   10_000,
		FlushTimeout:   5 * time.Second,
		ExportTimeout:  10 * time.Second,
		MaxBackoff:     5 * time.Second,
		QueueChunks:    4096,
		QueueBytes:     16 << 20,
		MaxLineBytes:   64 << 20,
		Wire:           mcpwire.DefaultConfig(),
	}
}

// Validate reports the first invalid field, naming its config key.
func (c Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Collector); err != nil {
		return errors.New("collector: want HOST:PORT")
	}
	switch {
	case c.MaxBatchBytes < 1:
		return errors.New("max_batch_bytes: must be positive")
	case c.MaxEventBytes < 4<<10 || c.MaxEventBytes > c.MaxBatchBytes:
		return errors.New("max_event_bytes: must be between 4096 and max_batch_bytes")
	case c.BatchSize < 1 || c.BatchSize > 1000:
		return errors.New("batch_size: must be between 1 and 1000")
	case c.MaxBatchEvents < c.BatchSize || c.MaxBatchEvents > 1000:
		return errors.New("max_batch_events: must be between batch_size and 1000")
	case c.FlushInterval <= 0:
		return errors.New("flush_interval: must be positive")
	case c.BufferEvents < 1:
		return errors.New("buffer_events: must be positive")
	case c.BacklogWait < 0:
		return errors.New("backlog_wait: must not be negative")
	case c.FlushTimeout < 0:
		return errors.New("flush_timeout: must not be negative")
	case c.ExportTimeout <= 0:
		return errors.New("export_timeout: must be positive")
	case c.MaxBackoff <= 0:
		return errors.New("max_backoff: must be positive")
	case c.QueueChunks < 1:
		return errors.New("queue_chunks: must be positive")
	case c.QueueBytes < chunkSize:
		return fmt.Errorf("queue_bytes: must be at least %d (one relay chunk)", chunkSize)
	case c.MaxLineBytes < 1:
		return errors.New("max_line_bytes: must be positive")
	}
	if err := c.tlsClient().Validate(tlsNames); err != nil {
		return err
	}
	if c.Insecure && c.tlsConfigured() {
		return errors.New("insecure: cannot be combined with tls_ca, tls_cert, tls_key or tls_server_name")
	}
	if err := c.Wire.Validate(); err != nil {
		return errors.New("wire." + err.Error())
	}
	return nil
}

// tlsConfigured reports whether any TLS setting was given.
func (c Config) tlsConfigured() bool {
	return c.TLSCA != "" || c.TLSCert != "" || c.TLSKey != "" || c.TLSServerName != ""
}

// tlsNames are what errors call the tap's TLS files: its config keys, set by the
// --tls-ca, --tls-cert and --tls-key flags.
var tlsNames = tlsconf.Names{CAFile: "tls_ca", CertFile: "tls_cert", KeyFile: "tls_key"}

// tlsClient is the TLS the tap dials the collector with when it does not
// use plaintext (see transportCredentials).
func (c Config) tlsClient() tlsconf.Client {
	return tlsconf.Client{Enabled: true, CAFile: c.TLSCA, CertFile: c.TLSCert, KeyFile: c.TLSKey, ServerName: c.TLSServerName}
}
