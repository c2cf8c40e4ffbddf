package ingest

import (
	"errors"
	"fmt"
	"time"
)

// Config configures the collector. The yaml keys are relative to the
// `ingest` section of the mcpaudit configuration file.
type Config struct {
	// MaxBatchEvents is the largest number of events one Export call may
	// carry. Default 1000.
	MaxBatchEvents int `yaml:"max_batch_events"`
	// MaxEventBytes caps the protobuf-encoded size of one event, in bytes.
	// Default 1 MiB.
	MaxEventBytes int `yaml:"max_event_bytes"`
	// MaxArgumentsBytes caps tool_call.arguments_json, in bytes. Default
	// 256 KiB.
	MaxArgumentsBytes int `yaml:"max_arguments_bytes"`
	// MaxResultTextBytes caps tool_call.result.text and
	// tool_call.result.structured_content_json, each in bytes. Default
	// 256 KiB.
	MaxResultTextBytes int `yaml:"max_result_text_bytes"`
	// MaxLabels caps the number of labels on one event. Default 64.
	MaxLabels int `yaml:"max_labels"`
	// MaxLabelKeyBytes caps the length of a label key, in bytes. Default 128.
	MaxLabelKeyBytes int `yaml:"max_label_key_bytes"`
	// MaxLabelValueBytes caps the length of a label value, in bytes.
	// Default 1024.
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
