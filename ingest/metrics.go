package ingest

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mcpaudit/mcpaudit/internal/secrets"
)

// Values of the result and reason labels of mcpaudit_ingest_events_total.
const (
	resultAccepted = "accepted"
	resultRejected = "rejected"

	// Accepted events.
	reasonComplete  = "complete"  // written as sent (redaction aside)
	reasonTruncated = "truncated" // written with fields shortened by the collector

	// Rejected events.
	reasonInvalidEvent      = "invalid_event"      // this event failed validation; the others of its batch were judged on their own
	reasonInvalidRequest    = "invalid_request"    // the request as a whole: no events, or too many
	reasonUnauthenticated   = "unauthenticated"    // no or a wrong bearer token
	reasonResourceExhausted = "resource_exhausted" // too many batches in flight
	reasonUnavailable       = "unavailable"        // Kafka did not acknowledge, or the collector is shutting down
	reasonCancelled         = "cancelled"          // the caller gave up before Kafka acknowledged
	reasonInternal          = "internal"           // a collector bug (encoding failed)
)

// metrics are the collector's Prometheus series. They exist even when no
// registerer was given, so the code never checks for nil.
type metrics struct {
	events     *prometheus.CounterVec
	violations *prometheus.CounterVec
	truncated  *prometheus.CounterVec
	tooLarge   prometheus.Counter
	batches    *prometheus.CounterVec
	duration   prometheus.Histogram
	redactions *prometheus.CounterVec
	inflight   prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcpaudit_ingest_events_total",
			Help: "Events received by Export, by result (accepted: written to Kafka; rejected: not written) and reason (accepted: complete or truncated; rejected: invalid_event, invalid_request, unauthenticated, resource_exhausted, unavailable, cancelled, internal).",
		}, []string{"result", "reason"}),
		violations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcpaudit_ingest_event_violations_total",
			Help: "Events rejected by validation, by the offending field's path without indexes (session.id, time, observation_gap.end_time, ...).",
		}, []string{"field"}),
		truncated: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcpaudit_ingest_truncated_fields_total",
			Help: "Fields the collector shortened to fit a size limit, by path without indexes (raw, tool_call.arguments_json, tool_list.tools.description, ...).",
		}, []string{"field"}),
		tooLarge: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mcpaudit_ingest_kafka_too_large_total",
			Help: "Kafka messages refused as too large by the writer or the broker, then shortened harder and retried. Non-zero means ingest.max_message_bytes is above what the writer or the broker takes.",
		}),
		batches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcpaudit_ingest_batches_total",
			Help: "Export calls, by gRPC status code.",
		}, []string{"code"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "mcpaudit_ingest_export_duration_seconds",
			Help:    "Time an Export call took, from arrival to response, including the Kafka acknowledgement.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16), // 0.5ms .. ~16s
		}),
		redactions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcpaudit_ingest_redactions_total",
			Help: "Secrets masked by the collector, by kind.",
		}, []string{"kind"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mcpaudit_ingest_inflight_batches",
			Help: "Export calls being processed now.",
		}),
	}
	for _, r := range []string{reasonComplete, reasonTruncated} {
		m.events.WithLabelValues(resultAccepted, r)
	}
	for _, r := range []string{reasonInvalidEvent, reasonInvalidRequest, reasonUnauthenticated, reasonResourceExhausted, reasonUnavailable, reasonCancelled, reasonInternal} {
		m.events.WithLabelValues(resultRejected, r)
	}
	for _, k := range secrets.AllKinds() {
		m.redactions.WithLabelValues(k)
	}
	if reg == nil {
		return m, nil
	}
	var errs []error
	for _, c := range []prometheus.Collector{m.events, m.violations, m.truncated, m.tooLarge, m.batches, m.duration, m.redactions, m.inflight} {
		if err := reg.Register(c); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("register ingest metrics: %w", err)
	}
	return m, nil
}

// logSampler lets one log record through per interval and counts those it
// held back, so that a flood of bad batches cannot flood the log. Written
// here rather than taken from golang.org/x/time/rate: a limiter does not
// count what it refused, and that count is what the operator needs to see.
type logSampler struct {
	interval time.Duration

	mu         sync.Mutex
	next       time.Time
	suppressed int64
}

// allow reports whether a record may be logged at now and, if so, how many
// were held back since the last one.
func (l *logSampler) allow(now time.Time) (bool, int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Before(l.next) {
		l.suppressed++
		return false, 0
	}
	l.next = now.Add(l.interval)
	n := l.suppressed
	l.suppressed = 0
	return true, n
}
