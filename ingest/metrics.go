package ingest

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mcpaudit/mcpaudit/internal/secrets"
)

// metrics are the collector's Prometheus series. They exist even when no
// registerer was given, so the code never checks for nil.
type metrics struct {
	events     *prometheus.CounterVec
	accepted   prometheus.Counter
	rejected   prometheus.Counter
	batches    *prometheus.CounterVec
	duration   prometheus.Histogram
	redactions *prometheus.CounterVec
	inflight   prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcpaudit_ingest_events_total",
			Help: "Events received by Export, by result: accepted (written to Kafka) or rejected (the batch failed validation, authentication, admission or the Kafka write).",
		}, []string{"result"}),
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
	m.accepted = m.events.WithLabelValues("accepted")
	m.rejected = m.events.WithLabelValues("rejected")
	for _, k := range secrets.AllKinds() {
		m.redactions.WithLabelValues(k)
	}
	if reg == nil {
		return m, nil
	}
	var errs []error
	for _, c := range []prometheus.Collector{m.events, m.batches, m.duration, m.redactions, m.inflight} {
		if err := reg.Register(c); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("register ingest metrics: %w", err)
	}
	return m, nil
}
