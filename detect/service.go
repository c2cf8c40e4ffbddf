package detect

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	kafkago "github.com/segmentio/kafka-go"
	"google.golang.org/protobuf/proto"

	"github.com/mcpaudit/mcpaudit/internal/kafka"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// GroupID is the consumer group the detect role reads mcpaudit.events.v1 with.
const GroupID = "mcpaudit-detect"

// MessageWriter is the part of *kafka-go.Writer the Service needs: a
// synchronous write that returns only after the broker acknowledged every
// message (acks=all with kafka.NewWriter).
type MessageWriter interface {
	WriteMessages(ctx context.Context, msgs ...kafkago.Message) error
}

var _ MessageWriter = (*kafkago.Writer)(nil)

// Config configures the detect role.
type Config struct {
	// Builtin loads the built-in rule pack (default true).
	Builtin bool `yaml:"builtin_rules"`
	// RuleDirs are extra directories (searched recursively for *.yaml and
	// *.yml) or single rule files.
	RuleDirs []string `yaml:"rule_dirs"`
	// MaxGroupsPerRule caps the live group keys each rule keeps state for
	// (default DefaultMaxGroups); the least recently seen is evicted beyond
	// it.
	MaxGroupsPerRule int `yaml:"max_groups_per_rule"`
	// Consumer tunes batching of the events consumer.
	Consumer kafka.ConsumerConfig `yaml:"consumer"`
	// DrainTimeout bounds finishing the batch in hand at shutdown (default
	// 10s).
	DrainTimeout time.Duration `yaml:"drain_timeout"`
	// FingerprintKey is the collectors' redaction fingerprint key
	// (ingest.fingerprint_key), so a secret masked in a result is matched
	// when it is sent in clear later (WithFingerprintKey). Empty: the
	// ingest key of the same config file.
	FingerprintKey string `yaml:"fingerprint_key"`
}

// DefaultConfig returns the defaults: built-in rules on, no extra rule
// directories, 100000 groups per rule, batches of up to 1000 events or
// 200ms, 10s drain.
func DefaultConfig() Config {
	return Config{
		Builtin:          true,
		MaxGroupsPerRule: DefaultMaxGroups,
		Consumer:         kafka.ConsumerConfig{MaxBatch: 1000, MaxDelay: 200 * time.Millisecond},
		DrainTimeout:     10 * time.Second,
	}
}

// Validate reports the first invalid setting, naming its config key.
func (c Config) Validate() error {
	switch {
	case c.MaxGroupsPerRule < 0:
		return fmt.Errorf("detect.max_groups_per_rule: must not be negative, got %d", c.MaxGroupsPerRule)
	case c.Consumer.MaxBatch < 0:
		return fmt.Errorf("detect.consumer.max_batch: must not be negative, got %d", c.Consumer.MaxBatch)
	case c.Consumer.MaxDelay < 0:
		return fmt.Errorf("detect.consumer.max_delay: must not be negative, got %s", c.Consumer.MaxDelay)
	case c.DrainTimeout < 0:
		return fmt.Errorf("detect.drain_timeout: must not be negative, got %s", c.DrainTimeout)
	}
	for i, d := range c.RuleDirs {
		if d == "" {
			return fmt.Errorf("detect.rule_dirs[%d]: empty path", i)
		}
	}
	return nil
}

// LoadRules loads the rules the config names: the built-in pack when
// Builtin is set, then RuleDirs, with ids unique across all of them.
func (c Config) LoadRules() ([]*Rule, error) {
	var out []*Rule
	if c.Builtin {
		b, err := LoadBuiltin()
		if err != nil {
			return nil, fmt.Errorf("builtin rules: %w", err)
		}
		out = append(out, b...)
	}
	if len(c.RuleDirs) > 0 {
		d, err := LoadDirs(c.RuleDirs...)
		if err != nil {
			return nil, err
		}
		out = append(out, d...)
	}
	if err := CheckUnique(out); err != nil {
		return nil, err
	}
	return out, nil
}

// Service is the detect role: it consumes mcpaudit.events.v1, runs the
// Engine and produces alerts to mcpaudit.alerts.v1.
type Service struct {
	cfg    Config
	engine *Engine
	reader kafka.Fetcher
	alerts MessageWriter
	dlq    MessageWriter
	logger *slog.Logger

	// pending keeps the output of a batch whose writes failed, so the
	// Consumer's retry of the same batch rewrites it instead of feeding the
	// events to the engine twice.
	pending *batchOutput

	events         prometheus.Counter
	alertsTotal    *prometheus.CounterVec
	deadletters    prometheus.Counter
	lag            prometheus.Histogram
	alertsWriteErr prometheus.Counter
}

type batchOutput struct {
	id     batchID
	alerts []kafkago.Message
	dlq    []kafkago.Message
}

type batchID struct {
	n                   int
	firstPart, lastPart int
	firstOff, lastOff   int64
}

// New returns a detect Service. r reads mcpaudit.events.v1 in consumer group
// GroupID (kafka.NewReader); alerts writes to mcpaudit.alerts.v1 and dlq to
// mcpaudit.deadletter.v1 (kafka.NewWriter). reg may be nil: metrics are then
// not registered. opts configure the engine (WithBaseline to share the
// tool-definition baseline between replicas); WithMaxGroups and
// WithRegisterer come from cfg and reg. It fails on an invalid config or
// when no rule is given.
func New(cfg Config, rules []*Rule, r kafka.Fetcher, alerts, dlq MessageWriter, logger *slog.Logger, reg prometheus.Registerer, opts ...Option) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(rules) == 0 {
		return nil, errors.New("detect: no rules loaded")
	}
	if r == nil || alerts == nil || dlq == nil {
		return nil, errors.New("detect: reader, alerts writer and dead-letter writer are required")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.DrainTimeout == 0 {
		cfg.DrainTimeout = DefaultConfig().DrainTimeout
	}
	s := &Service{
		cfg: cfg, reader: r, alerts: alerts, dlq: dlq, logger: logger,
		engine: NewEngine(rules, logger, append([]Option{WithMaxGroups(cfg.MaxGroupsPerRule), WithRegisterer(reg), WithFingerprintKey([]byte(cfg.FingerprintKey))}, opts...)...),
		events: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mcpaudit_detect_events_total",
			Help: "Events decoded and evaluated by the detection engine.",
		}),
		alertsTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcpaudit_detect_alerts_total",
			Help: "Alerts raised, by rule.",
		}, []string{"rule_id"}),
		deadletters: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mcpaudit_detect_deadletter_total",
			Help: "Messages of mcpaudit.events.v1 that could not be decoded and were sent to mcpaudit.deadletter.v1.",
		}),
		lag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "mcpaudit_detect_event_lag_seconds",
			Help:    "Wall-clock time from an event's observation (event time) to its evaluation.",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600},
		}),
		alertsWriteErr: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mcpaudit_detect_write_errors_total",
			Help: "Failed writes of alert or dead-letter batches (the batch is retried).",
		}),
	}
	if reg != nil {
		reg.MustRegister(s.events, s.alertsTotal, s.deadletters, s.lag, s.alertsWriteErr)
	}
	for _, rule := range rules {
		s.alertsTotal.WithLabelValues(rule.ID) // expose zero series
	}
	return s, nil
}

// Engine returns the service's engine (for stats and tests).
func (s *Service) Engine() *Engine { return s.engine }

// Run consumes events until ctx is done, then finishes the batch in hand
// within the drain timeout and returns nil. Offsets are committed only after
// the batch's alerts and dead letters were acknowledged by Kafka. A broker
// outage does not end it: fetches, commits and writes are retried with
// backoff (kafka.Consumer) until the broker is back or ctx is done.
//
// Rule state is in memory: it is lost on restart and when a partition moves
// to another replica (see the package documentation).
func (s *Service) Run(ctx context.Context) error {
	s.logger.Info("detect started", "rules", len(s.engine.rules))
	c := kafka.NewConsumer("detect", s.reader, s.cfg.Consumer, s.handle, s.logger)
	err := c.Run(ctx, s.cfg.DrainTimeout)
	s.logger.Info("detect stopped")
	return err
}

// handle is the kafka.BatchHandler: decode, evaluate in order, then write
// dead letters and alerts; nil only after both writes returned.
func (s *Service) handle(ctx context.Context, msgs []kafkago.Message) error {
	id := batchID{n: len(msgs), firstPart: msgs[0].Partition, firstOff: msgs[0].Offset,
		lastPart: msgs[len(msgs)-1].Partition, lastOff: msgs[len(msgs)-1].Offset}
	out := s.pending
	if out == nil || out.id != id {
		out = s.evaluate(msgs)
		out.id = id
	}
	s.pending = out
	if len(out.dlq) > 0 {
		if err := s.dlq.WriteMessages(ctx, out.dlq...); err != nil {
			s.alertsWriteErr.Inc()
			return fmt.Errorf("write dead letters: %w", err)
		}
		out.dlq = nil // durable: not rewritten on an alert-write retry
	}
	if len(out.alerts) > 0 {
		if err := s.alerts.WriteMessages(ctx, out.alerts...); err != nil {
			s.alertsWriteErr.Inc()
			return fmt.Errorf("write alerts: %w", err)
		}
	}
	s.pending = nil
	return nil
}

func (s *Service) evaluate(msgs []kafkago.Message) *batchOutput {
	out := &batchOutput{}
	now := time.Now()
	for _, m := range msgs {
		ev := &eventv1.Event{}
		if err := proto.Unmarshal(m.Value, ev); err != nil {
			s.deadletters.Inc()
			s.logger.Warn("undecodable event sent to dead-letter topic", "partition", m.Partition, "offset", m.Offset, "error", err)
			out.dlq = append(out.dlq, kafka.DeadletterMessage(m, fmt.Errorf("decode mcpaudit.event.v1.Event: %w", err)))
			continue
		}
		s.events.Inc()
		if t := EventTime(ev); !t.IsZero() {
			s.lag.Observe(max(now.Sub(t).Seconds(), 0))
		}
		for _, a := range s.engine.Process(ev) {
			b, err := proto.Marshal(a)
			if err != nil {
				// Alerts are built by the engine; failing to encode one is a bug.
				s.logger.Error("alert encoding failed", "rule_id", a.GetRuleId(), "alert_id", a.GetAlertId(), "error", err)
				continue
			}
			s.alertsTotal.WithLabelValues(a.GetRuleId()).Inc()
			out.alerts = append(out.alerts, kafkago.Message{
				Key:     kafka.Key(a.GetTenantId(), a.GetSessionId()),
				Value:   b,
				Headers: []kafkago.Header{{Key: kafka.HeaderAlertID, Value: []byte(a.GetAlertId())}},
			})
		}
	}
	return out
}
