package tap

import (
	"fmt"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// Reasons of mcpaudit_tap_events_dropped_total and
// mcpaudit_tap_observation_gaps_total.
const (
	reasonBufferFull        = "buffer_full"         // the exporter buffer was at its bound
	reasonUnsent            = "unsent"              // still buffered when the final flush timed out
	reasonUnencodable       = "unencodable"         // the event could not be protobuf-encoded
	reasonObserverQueueFull = "observer_queue_full" // the relay→observer queue was full
)

// metrics are the tap's Prometheus metrics and the counts its summary logs.
type metrics struct {
	relayBytes    *prometheus.CounterVec
	queueDropped  prometheus.Counter
	observed      prometheus.Counter
	sent          prometheus.Counter
	rejected      prometheus.Counter
	droppedVec    *prometheus.CounterVec
	exportErrors  *prometheus.CounterVec
	exportSeconds prometheus.Histogram
	oversize      prometheus.Counter
	invalid       prometheus.Counter
	gaps          *prometheus.CounterVec
	shortened     prometheus.Counter

	backlogWait     *prometheus.CounterVec
	backlogTimeouts *prometheus.CounterVec

	observedCount, sentCount, rejectedCount, droppedCount atomic.Int64
	queueDroppedBytes, oversizeFrames                     atomic.Int64
	invalidCount, gapCount                                atomic.Int64
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		relayBytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcpaudit_tap_relay_bytes_total", Help: "Bytes relayed between the MCP client and the child server.",
		}, []string{"direction"}),
		queueDropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mcpaudit_tap_observe_dropped_bytes_total", Help: "Relayed bytes not observed because the observer queue was full.",
		}),
		observed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mcpaudit_tap_events_observed_total", Help: "Events made from observed JSON-RPC messages.",
		}),
		sent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mcpaudit_tap_events_sent_total", Help: "Events the collector accepted.",
		}),
		rejected: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mcpaudit_tap_events_rejected_total", Help: "Events in batches the collector rejected for good (INVALID_ARGUMENT, auth).",
		}),
		droppedVec: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcpaudit_tap_events_dropped_total", Help: "Events dropped before the collector accepted them, by reason.",
		}, []string{"reason"}),
		exportErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcpaudit_tap_export_errors_total", Help: "Retryable Export failures by gRPC code.",
		}, []string{"code"}),
		exportSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "mcpaudit_tap_export_duration_seconds", Help: "Latency of Export calls.", Buckets: prometheus.DefBuckets,
		}),
		oversize: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mcpaudit_tap_oversize_frames_total", Help: "Frames longer than max_line_bytes, relayed and recorded unparsed (kind INVALID, oversize).",
		}),
		invalid: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mcpaudit_tap_invalid_frames_total", Help: "Events of kind INVALID: frames or batch elements that are not valid JSON-RPC messages, oversize frames included.",
		}),
		gaps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcpaudit_tap_observation_gaps_total", Help: "Observation-gap events recorded, by reason (observer_queue_full, buffer_full).",
		}, []string{"reason"}),
		shortened: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mcpaudit_tap_events_shortened_total", Help: "Events larger than max_event_bytes, shortened before sending (truncated_fields names what was cut).",
		}),
		backlogWait: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcpaudit_tap_backlog_wait_seconds_total", Help: "Time producers waited for room in a full bound (backlog_wait), by bound (observer_queue, event_buffer): how long the tap slowed the MCP traffic.",
		}, []string{"bound"}),
		backlogTimeouts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcpaudit_tap_backlog_timeouts_total", Help: "Waits for room that timed out, switching the bound to dropping (recorded as observation gaps) until it drained to half, by bound.",
		}, []string{"bound"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.relayBytes, m.queueDropped, m.observed, m.sent, m.rejected, m.droppedVec, m.exportErrors, m.exportSeconds, m.oversize, m.invalid, m.gaps, m.shortened, m.backlogWait, m.backlogTimeouts} {
			if err := reg.Register(c); err != nil {
				return nil, fmt.Errorf("register metrics: %w", err)
			}
		}
	}
	return m, nil
}

func (m *metrics) gap(reason string) {
	m.gaps.WithLabelValues(reason).Inc()
	m.gapCount.Add(1)
}

func (m *metrics) dropped(reason string, n int64) {
	m.droppedVec.WithLabelValues(reason).Add(float64(n))
	m.droppedCount.Add(n)
}
