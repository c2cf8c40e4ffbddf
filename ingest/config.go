package ingest

import (
	"cmp"
	"errors"
	"fmt"
	"time"

	"github.com/mcpaudit/mcpaudit/internal/kafka"
)

// MinMessageBytes is the smallest Config.MaxMessageBytes and
// Config.MaxEventBytes accepted: room for an event's identity, routing
// fields and truncation record after every shortenable field was shortened.
const MinMessageBytes = 64 << 10

// Config configures the collector. The yaml keys are relative to the
// `ingest` section of the mcpaudit configuration file.
type Config struct {
	// MaxBatchEvents is the largest number of events one Export call may
	// carry. Default 1000.
	MaxBatchEvents int `yaml:"max_batch_events"`
	// MaxEventBytes caps the protobuf-encoded size of one stored event, in
	// bytes. A larger event is shortened until it fits (see
	// Event.truncated_fields), never refused. Default 1 MiB; at least
	// MinMessageBytes. The Kafka message limit (MaxMessageBytes) applies as
	// well; the smaller of the two wins.
	MaxEventBytes int `yaml:"max_event_bytes"`
	// MaxMessageBytes is the largest Kafka message the collector writes, in
	// bytes, counted as kafka-go's Writer counts it against its BatchBytes
	// (key, value, headers and 22 bytes of framing: kafka.MessageSize), less
	// a 1 KiB margin. It must not exceed the events writer's
	// kafka.WriterConfig.BatchBytes, which must itself stay below the
	// broker's limit: kafka.BatchBytesFor(kafka.MaxMessageBytes(...)); the
	// mcpaudit roles read the broker's limit at start and set both, keeping
	// a configured value when it is smaller. An event whose message would be
	// larger is shortened until it fits (see Event.truncated_fields), never
	// refused. 0 means kafka.DefaultBatchBytes (1,000,000, which fits Apache
	// Kafka's default message.max.bytes); otherwise at least
	// MinMessageBytes.
	MaxMessageBytes int `yaml:"max_message_bytes"`
	// MaxArgumentsBytes caps tool_call.arguments_json, the input and output
	// schemas of tool definitions and elicitation.requested_schema_json, in
	// bytes. A longer value is replaced by the truncation marker
	// {"mcpaudit.truncated":true,"size_bytes":N,"prefix":"..."} of at most
	// this size, never refused. Default 256 KiB.
	MaxArgumentsBytes int `yaml:"max_arguments_bytes"`
	// MaxResultTextBytes caps tool_call.result.text (cut at a UTF-8
	// boundary) and tool_call.result.structured_content_json (replaced by
	// the truncation marker), each in bytes. Default 256 KiB.
	MaxResultTextBytes int `yaml:"max_result_text_bytes"`
	// MaxLabels caps the number of labels on one event; labels past it (in
	// key order) are dropped and `labels` is listed in truncated_fields.
	// Default 64.
	MaxLabels int `yaml:"max_labels"`
	// MaxLabelKeyBytes caps the length of a label key, in bytes; longer keys
	// are cut. Default 128.
	MaxLabelKeyBytes int `yaml:"max_label_key_bytes"`
	// MaxLabelValueBytes caps the length of a label value, in bytes; longer
	// values are cut. Default 1024.
	MaxLabelValueBytes int `yaml:"max_label_value_bytes"`
	// MaxFutureSkew is how far in the future (by the collector's clock) an
	// event's time may lie. Default 5m.
	MaxFutureSkew time.Duration `yaml:"max_future_skew"`
	// MaxEventAge is how far in the past an event's time may lie. Default
	// 168h (7 days).
	MaxEventAge time.Duration `yaml:"max_event_age"`
	// MaxInflightBatches bounds the Export calls processed at once; further
	// calls get RESOURCE_EXHAUSTED with retry advice instead of queueing.
	// Default 64.
	MaxInflightBatches int `yaml:"max_inflight_batches"`
	// WriteTimeout bounds the Kafka write of one batch; when it passes the
	// call fails with UNAVAILABLE. Default 10s.
	WriteTimeout time.Duration `yaml:"write_timeout"`
	// DrainTimeout bounds how long Run waits, after its context is done, for
	// in-flight Export calls to finish. Default 15s.
	DrainTimeout time.Duration `yaml:"drain_timeout"`
	// Redact masks secrets in tool arguments, tool results and raw messages
	// before they are written (see secrets.Redactor). Default true.
	Redact bool `yaml:"redact"`
	// FingerprintKey is the HMAC key that makes redaction markers carry a
	// fingerprint of the secret they replace ([REDACTED:kind:fp], see
	// secrets.Redactor.WithFingerprints), so detection can see the same
	// secret disclosed by one call and sent by another. Collectors of one
	// deployment must share it. Empty: a random key per process (markers
	// then differ across collectors and restarts); `mcpaudit up` derives a
	// persistent one from its data dir's credentials.
	FingerprintKey string `yaml:"fingerprint_key"`
	// CaptureRaw keeps Event.raw; when false the collector drops it.
	// Default false.
	CaptureRaw bool `yaml:"capture_raw"`
}

// DefaultConfig returns the collector defaults documented on Config.
func DefaultConfig() Config {
	return Config{
		MaxBatchEvents:     1000,
		MaxEventBytes:      1 << 20,
		MaxArgumentsBytes:  256 << 10,
		MaxResultTextBytes: 256 << 10,
		MaxLabels:          64,
		MaxLabelKeyBytes:   128,
		MaxLabelValueBytes: 1024,
		MaxFutureSkew:      5 * time.Minute,
		MaxEventAge:        7 * 24 * time.Hour,
		MaxInflightBatches: 64,
		WriteTimeout:       10 * time.Second,
		DrainTimeout:       15 * time.Second,
		Redact:             true,
		CaptureRaw:         false,
	}
}

// Validate reports every invalid setting, each naming its config key
// (`ingest.max_batch_events`), joined with errors.Join; nil when c is usable.
func (c Config) Validate() error {
	var errs []error
	positive := func(key string, v int) {
		if v <= 0 {
			errs = append(errs, fmt.Errorf("ingest.%s: must be positive, got %d", key, v))
		}
	}
	positiveDur := func(key string, v time.Duration) {
		if v <= 0 {
			errs = append(errs, fmt.Errorf("ingest.%s: must be positive, got %s", key, v))
		}
	}
	positive("max_batch_events", c.MaxBatchEvents)
	positive("max_event_bytes", c.MaxEventBytes)
	if c.MaxEventBytes > 0 && c.MaxEventBytes < MinMessageBytes {
		errs = append(errs, fmt.Errorf("ingest.max_event_bytes: at least %d, got %d", MinMessageBytes, c.MaxEventBytes))
	}
	if c.MaxMessageBytes != 0 && c.MaxMessageBytes < MinMessageBytes {
		errs = append(errs, fmt.Errorf("ingest.max_message_bytes: 0 (the default, %d) or at least %d, got %d", kafka.DefaultBatchBytes, MinMessageBytes, c.MaxMessageBytes))
	}
	positive("max_arguments_bytes", c.MaxArgumentsBytes)
	positive("max_result_text_bytes", c.MaxResultTextBytes)
	positive("max_labels", c.MaxLabels)
	positive("max_label_key_bytes", c.MaxLabelKeyBytes)
	positive("max_label_value_bytes", c.MaxLabelValueBytes)
	positive("max_inflight_batches", c.MaxInflightBatches)
	positiveDur("max_future_skew", c.MaxFutureSkew)
	positiveDur("max_event_age", c.MaxEventAge)
	positiveDur("write_timeout", c.WriteTimeout)
	positiveDur("drain_timeout", c.DrainTimeout)
	return errors.Join(errs...)
}

// messageBytes returns the Kafka message limit in effect:
// Config.MaxMessageBytes, or kafka.DefaultBatchBytes when it is 0.
func (c Config) messageBytes() int { return cmp.Or(c.MaxMessageBytes, kafka.DefaultBatchBytes) }
