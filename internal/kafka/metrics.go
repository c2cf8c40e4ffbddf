package kafka

import (
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the Kafka client series of one process. Build them once per
// registry with NewMetrics and hand them to NewReader (ReaderConfig.Metrics).
// A nil *Metrics counts nothing.
type Metrics struct {
	consumerErrors *prometheus.CounterVec
}

// NewMetrics registers mcpaudit_kafka_consumer_errors_total{topic, group, op}
// (op is fetch or commit) with reg. reg may be nil: the series then exist but
// are not exported. It fails when reg already holds the series.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		consumerErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcpaudit_kafka_consumer_errors_total",
			Help: "Kafka consumer fetch and commit errors (the consumer retries with backoff; a failed commit means redelivery).",
		}, []string{"topic", "group", "op"}),
	}
	if reg != nil {
		if err := reg.Register(m.consumerErrors); err != nil {
			return nil, fmt.Errorf("register kafka metrics: %w", err)
		}
	}
	return m, nil
}

func (m *Metrics) consumerError(topic, group, op string) {
	if m == nil {
		return
	}
	m.consumerErrors.WithLabelValues(topic, group, op).Inc()
}

// logInterval is the least time between two log records of one kind from
// one reader or consumer while a dependency stays down.
const logInterval = 10 * time.Second

// logLimiter lets one record through per interval and counts the ones it
// held back. Own code because x/time/rate's Sometimes does not count what it
// skipped, and the count is what an operator reading the log needs.
type logLimiter struct {
	interval time.Duration
	mu       sync.Mutex
	last     time.Time
	skipped  int
}

func newLogLimiter(interval time.Duration) *logLimiter { return &logLimiter{interval: interval} }

// allow reports whether a record may be logged now and, if so, how many
// were held back since the last one.
func (l *logLimiter) allow() (skipped int, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if !l.last.IsZero() && now.Sub(l.last) < l.interval {
		l.skipped++
		return 0, false
	}
	l.last = now
	skipped, l.skipped = l.skipped, 0
	return skipped, true
}

// reset makes the next record go through at once (after a recovery).
func (l *logLimiter) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.last = time.Time{}
}
