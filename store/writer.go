package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/prometheus/client_golang/prometheus"
	kafkago "github.com/segmentio/kafka-go"
	"google.golang.org/protobuf/proto"

	"github.com/mcpaudit/mcpaudit/internal/kafka"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// MessageWriter produces dead-letter messages; a *kafkago.Writer for
// kafka.TopicDeadletter (kafka.NewWriter) satisfies it.
type MessageWriter interface {
	WriteMessages(ctx context.Context, msgs ...kafkago.Message) error
}

var _ MessageWriter = (*kafkago.Writer)(nil)

// Table names.
const (
	TableEvents          = "events"
	TableAlerts          = "alerts"
	TableToolDefinitions = "tool_definitions"
)

// Service is the store writer role: it consumes events and alerts from
// Kafka and inserts them into ClickHouse, at least once.
type Service struct {
	cfg     Config
	conn    driver.Conn
	events  kafka.Fetcher
	alerts  kafka.Fetcher
	dlq     MessageWriter
	logger  *slog.Logger
	metrics *metrics
}

// New returns the writer. events must read kafka.TopicEvents in group
// cfg.EventsGroup and alerts kafka.TopicAlerts in group cfg.AlertsGroup
// (kafka.NewReader); dlq writes to kafka.TopicDeadletter. conn must point
// at a migrated database (Open, Migrate). The caller keeps ownership of
// conn, the readers and dlq, and closes them after Run returned. reg may
// be nil: then no metrics are registered.
func New(cfg Config, conn driver.Conn, events, alerts kafka.Fetcher, dlq MessageWriter, logger *slog.Logger, reg prometheus.Registerer) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	switch {
	case conn == nil:
		return nil, errors.New("store: nil clickhouse connection")
	case events == nil || alerts == nil:
		return nil, errors.New("store: nil kafka reader")
	case dlq == nil:
		return nil, errors.New("store: nil dead-letter writer")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	return &Service{cfg: cfg, conn: conn, events: events, alerts: alerts, dlq: dlq, logger: logger, metrics: m}, nil
}

// Run consumes both topics until ctx is done, then finishes the batches in
// hand within cfg.DrainTimeout and returns nil. Kafka and ClickHouse
// outages do not end it: fetches, commits and inserts are retried with
// backoff (kafka.Consumer) until the dependency is back or ctx is done. Should
// a consumer still return an error, the other is stopped too and the errors
// are returned joined.
func (s *Service) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ccfg := kafka.ConsumerConfig{MaxBatch: s.cfg.MaxBatch, MaxDelay: s.cfg.MaxDelay}
	consumers := []*kafka.Consumer{
		kafka.NewConsumer("store-events", s.events, ccfg, s.handleEvents, s.logger),
		kafka.NewConsumer("store-alerts", s.alerts, ccfg, s.handleAlerts, s.logger),
	}
	errc := make(chan error, len(consumers))
	for _, c := range consumers {
		go func() { errc <- c.Run(ctx, s.cfg.DrainTimeout) }()
	}
	s.logger.Info("store writer started", "events_group", s.cfg.EventsGroup, "alerts_group", s.cfg.AlertsGroup, "max_batch", s.cfg.MaxBatch, "max_delay", s.cfg.MaxDelay)
	var errs []error
	for range consumers {
		if err := <-errc; err != nil {
			s.logger.Error("store consumer failed", "error", err)
			errs = append(errs, err)
			cancel()
		}
	}
	s.logger.Info("store writer stopped")
	return errors.Join(errs...)
}

// handleEvents inserts a batch of events topic messages into events and
// tool_definitions and dead-letters those it cannot decode.
func (s *Service) handleEvents(ctx context.Context, msgs []kafkago.Message) error {
	rows := make([]EventRow, 0, len(msgs))
	var tools []ToolDefinitionRow
	var dead []kafkago.Message
	for _, m := range msgs {
		e := &eventv1.Event{}
		if err := proto.Unmarshal(m.Value, e); err != nil {
			dead = append(dead, kafka.DeadletterMessage(m, fmt.Errorf("decode mcpaudit.event.v1.Event: %w", err)))
			continue
		}
		if err := checkIDs("event_id", e.GetEventId(), e.GetTenantId()); err != nil {
			dead = append(dead, kafka.DeadletterMessage(m, err))
			continue
		}
		row, err := NewEventRow(e, m.Value)
		if err != nil {
			dead = append(dead, kafka.DeadletterMessage(m, err))
			continue
		}
		rows = append(rows, row)
		tools = append(tools, NewToolDefinitionRows(e)...)
	}
	if err := insert(ctx, s, TableEvents, eventColumns, rows); err != nil {
		return err
	}
	if err := insert(ctx, s, TableToolDefinitions, toolDefinitionColumns, tools); err != nil {
		return err
	}
	return s.deadletter(ctx, dead)
}

// handleAlerts inserts a batch of alerts topic messages into alerts and
// dead-letters those it cannot decode.
func (s *Service) handleAlerts(ctx context.Context, msgs []kafkago.Message) error {
	rows := make([]AlertRow, 0, len(msgs))
	var dead []kafkago.Message
	for _, m := range msgs {
		a := &eventv1.Alert{}
		if err := proto.Unmarshal(m.Value, a); err != nil {
			dead = append(dead, kafka.DeadletterMessage(m, fmt.Errorf("decode mcpaudit.event.v1.Alert: %w", err)))
			continue
		}
		if err := checkIDs("alert_id", a.GetAlertId(), a.GetTenantId()); err != nil {
			dead = append(dead, kafka.DeadletterMessage(m, err))
			continue
		}
		row, err := NewAlertRow(a, m.Value)
		if err != nil {
			dead = append(dead, kafka.DeadletterMessage(m, err))
			continue
		}
		rows = append(rows, row)
	}
	if err := insert(ctx, s, TableAlerts, alertColumns, rows); err != nil {
		return err
	}
	return s.deadletter(ctx, dead)
}

// checkIDs rejects messages without the keys every read scopes and
// de-duplicates by.
func checkIDs(idField, id, tenant string) error {
	switch {
	case id == "":
		return fmt.Errorf("missing %s", idField)
	case tenant == "":
		return errors.New("missing tenant_id")
	}
	return nil
}

// row is a table row that lists its column values in column order.
type row interface {
	values() []any
}

// insert sends rows to table in one batch naming its columns (ClickHouse
// 18.16 needs the column list), within cfg.InsertTimeout.
func insert[R any, P interface {
	*R
	row
}](ctx context.Context, s *Service, table string, columns []string, rows []R) error {
	if len(rows) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.InsertTimeout)
	defer cancel()
	start := time.Now()
	batch, err := s.conn.PrepareBatch(ctx, "INSERT INTO "+table+" ("+strings.Join(columns, ", ")+")")
	if err != nil {
		return fmt.Errorf("insert %s: prepare: %w", table, err)
	}
	for i := range rows {
		if err := batch.Append(P(&rows[i]).values()...); err != nil {
			_ = batch.Abort()
			return fmt.Errorf("insert %s: append: %w", table, err)
		}
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("insert %s: send: %w", table, err)
	}
	s.metrics.insertDuration.WithLabelValues(table).Observe(time.Since(start).Seconds())
	s.metrics.rows.WithLabelValues(table).Add(float64(len(rows)))
	return nil
}

// deadletter writes msgs to the dead-letter topic; an error fails the batch
// so that it is retried rather than lost.
func (s *Service) deadletter(ctx context.Context, msgs []kafkago.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	if err := s.dlq.WriteMessages(ctx, msgs...); err != nil {
		return fmt.Errorf("write dead letters: %w", err)
	}
	for _, m := range msgs {
		topic, reason := header(m, kafka.HeaderDeadletterTopic), header(m, kafka.HeaderDeadletterReason)
		s.metrics.deadletter.WithLabelValues(topic).Inc()
		s.logger.Warn("message dead-lettered",
			"topic", topic,
			"partition", header(m, kafka.HeaderDeadletterPartition),
			"offset", header(m, kafka.HeaderDeadletterOffset),
			"reason", reason)
	}
	return nil
}

func header(m kafkago.Message, key string) string {
	for i := len(m.Headers) - 1; i >= 0; i-- {
		if m.Headers[i].Key == key {
			return string(m.Headers[i].Value)
		}
	}
	return ""
}

// metrics are the writer's Prometheus metrics.
type metrics struct {
	rows           *prometheus.CounterVec
	insertDuration *prometheus.HistogramVec
	deadletter     *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcpaudit_store_rows_total",
			Help: "Rows inserted into ClickHouse, by table (replays count again).",
		}, []string{"table"}),
		insertDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mcpaudit_store_insert_duration_seconds",
			Help:    "Duration of successful ClickHouse batch inserts, by table.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 15),
		}, []string{"table"}),
		deadletter: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcpaudit_store_deadletter_total",
			Help: "Messages the writer could not decode and sent to the dead-letter topic, by source topic.",
		}, []string{"topic"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.rows, m.insertDuration, m.deadletter} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register store metrics: %w", err)
		}
	}
	return m, nil
}
