package store

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	kafkago "github.com/segmentio/kafka-go"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/mcpaudit/mcpaudit/internal/kafka"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// pipeline is an embedded broker plus a migrated ClickHouse database.
type pipeline struct {
	broker *kafka.Embedded
	conn   driver.Conn
	logger *slog.Logger
}

func newPipeline(t *testing.T) *pipeline {
	t.Helper()
	b, err := kafka.StartEmbedded("", 3, kafka.TopicEvents, kafka.TopicAlerts, kafka.TopicDeadletter)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return &pipeline{
		broker: b,
		conn:   openTest(t),
		logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
}

func (p *pipeline) produce(t *testing.T, topic string, msgs ...kafkago.Message) {
	t.Helper()
	w := kafka.NewWriter(kafka.DefaultWriterConfig(p.broker.Brokers()), topic)
	defer w.Close()
	if err := w.WriteMessages(t.Context(), msgs...); err != nil {
		t.Fatalf("produce to %s: %v", topic, err)
	}
}

// runWriter starts a writer with its own consumer groups (suffix makes
// them unique, so a new suffix replays the topics from the start) and
// returns a function that stops it and returns Run's result.
func (p *pipeline) runWriter(t *testing.T, suffix string, reg prometheus.Registerer) (stop func() error) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.EventsGroup += suffix
	cfg.AlertsGroup += suffix
	cfg.MaxDelay = 50 * time.Millisecond
	brokers := p.broker.Brokers()
	events := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, GroupID: cfg.EventsGroup}, kafka.TopicEvents, p.logger)
	alerts := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, GroupID: cfg.AlertsGroup}, kafka.TopicAlerts, p.logger)
	dlq := kafka.NewWriter(kafka.DefaultWriterConfig(brokers), kafka.TopicDeadletter)
	svc, err := New(cfg, p.conn, events, alerts, dlq, p.logger, reg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	var stopped bool
	var result error
	stop = func() error {
		if !stopped {
			stopped = true
			cancel()
			result = <-done
			events.Close()
			alerts.Close()
			dlq.Close()
		}
		return result
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// waitFor polls a uint64 query until it returns want, for at most 60s.
func waitFor(t *testing.T, conn driver.Conn, want uint64, query string, args ...any) time.Duration {
	t.Helper()
	start := time.Now()
	var got uint64
	for i := 0; i < 1200; i++ {
		if err := conn.QueryRow(t.Context(), query, args...).Scan(&got); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		if got == want {
			return time.Since(start)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s = %d after 60s, want %d", query, got, want)
	return 0
}

func testEvent(i int, tenant, session string) *eventv1.Event {
	e := &eventv1.Event{
		EventId:   fmt.Sprintf("0190b5a0-0000-7000-8000-%012d", i),
		TenantId:  tenant,
		Time:      timestamppb.New(t0.Add(time.Duration(i) * time.Millisecond)),
		Session:   &eventv1.Session{Id: session, Transport: eventv1.Transport_TRANSPORT_STREAMABLE_HTTP},
		Server:    &eventv1.Implementation{Name: "filesystem", Identity: "npx fs"},
		Direction: eventv1.Direction_DIRECTION_CLIENT_TO_SERVER,
		Kind:      eventv1.MessageKind_MESSAGE_KIND_REQUEST,
		Method:    "tools/call",
		ToolCall:  &eventv1.ToolCall{Name: "read_file", ArgumentsJson: fmt.Sprintf(`{"path":"/tmp/%d"}`, i)},
	}
	if i%10 == 0 {
		e.Kind = eventv1.MessageKind_MESSAGE_KIND_RESPONSE
		e.Method = "tools/list"
		e.ToolCall = nil
		e.ToolList = &eventv1.ToolList{Tools: []*eventv1.ToolDefinition{
			{Name: "read_file", DefinitionHash: "h1"},
			{Name: "write_file", DefinitionHash: "h2", Annotations: &eventv1.ToolAnnotations{DestructiveHint: proto.Bool(true)}},
		}}
	}
	return e
}

func eventMessage(t testing.TB, e *eventv1.Event) kafkago.Message {
	v, err := proto.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return kafkago.Message{Key: kafka.Key(e.TenantId, e.GetSession().GetId()), Value: v}
}

func alertMessage(t testing.TB, a *eventv1.Alert) kafkago.Message {
	v, err := proto.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	return kafkago.Message{Key: kafka.Key(a.TenantId, a.SessionId), Value: v}
}

// TestWriterEndToEnd produces events and alerts to the embedded broker, runs
// the writer against the test ClickHouse and checks that every row
// arrives, payloads round-trip, undecodable messages are dead-lettered, and
// that a full replay (new consumer groups) leaves the de-duplicating reads
// unchanged.
func TestWriterEndToEnd(t *testing.T) {
	p := newPipeline(t)
	ctx := t.Context()
	const nEvents = 200 // every 10th is a tools/list with 2 tools

	var msgs []kafkago.Message
	var events []*eventv1.Event
	for i := range nEvents {
		tenant := "acme"
		if i%4 == 3 {
			tenant = "other"
		}
		e := testEvent(i, tenant, fmt.Sprintf("sess-%d", i%5))
		events = append(events, e)
		msgs = append(msgs, eventMessage(t, e))
	}
	// Two messages that cannot be stored: garbage bytes, and an event without
	// an event_id.
	msgs = append(msgs,
		kafkago.Message{Key: []byte("x"), Value: []byte{0xff, 0xff, 0xff}},
		eventMessage(t, &eventv1.Event{TenantId: "acme"}))
	p.produce(t, kafka.TopicEvents, msgs...)

	reg := prometheus.NewPedanticRegistry()
	stop := p.runWriter(t, "-run1", reg)

	alert := &eventv1.Alert{
		AlertId: "5f0c6d52-8d4c-4c43-9a1e-6f1f7c7b0001", TenantId: "acme", RuleId: "mcp-sensitive-read",
		Title: "Sensitive file read", Severity: eventv1.Severity_SEVERITY_HIGH, Tags: []string{"safe.t1001"},
		EventIds: []string{events[0].EventId}, SessionId: "sess-0", Time: timestamppb.Now(),
		FirstEventTime: events[0].Time, LastEventTime: events[0].Time, RuleKind: "match",
	}
	produced := time.Now()
	p.produce(t, kafka.TopicAlerts, alertMessage(t, alert), kafkago.Message{Value: []byte("not an alert \xff\xff")})
	waitFor(t, p.conn, 1, "SELECT count() FROM alerts WHERE tenant_id = ? AND alert_id = ?", "acme", alert.AlertId)
	t.Logf("alert queryable %v after produce (writer already running, max_delay 50ms)", time.Since(produced).Round(time.Millisecond))

	const acme = nEvents - nEvents/4
	waitFor(t, p.conn, nEvents, "SELECT count() FROM events")
	waitFor(t, p.conn, 2*nEvents/10, "SELECT count() FROM tool_definitions")
	waitCounter(t, p.deadletterCounter(t, reg), 3)
	if got := testutil.ToFloat64(rowsCounter(t, reg, TableEvents)); got != nEvents {
		t.Errorf("mcpaudit_store_rows_total{table=events} = %v, want %d", got, nEvents)
	}

	// Payloads rebuild the original messages.
	var payload string
	if err := p.conn.QueryRow(ctx, "SELECT payload FROM events WHERE tenant_id = ? AND event_id = ? LIMIT 1", "acme", events[1].EventId).Scan(&payload); err != nil {
		t.Fatal(err)
	}
	back := &eventv1.Event{}
	if err := proto.Unmarshal([]byte(payload), back); err != nil || !proto.Equal(back, events[1]) {
		t.Fatalf("payload does not round-trip (err %v):\n got %v\nwant %v", err, back, events[1])
	}
	var kind, transport string
	if err := p.conn.QueryRow(ctx, "SELECT kind, transport FROM events WHERE tenant_id = ? AND event_id = ?", "acme", events[1].EventId).Scan(&kind, &transport); err != nil {
		t.Fatal(err)
	}
	if kind != "request" || transport != "streamable_http" {
		t.Errorf("kind, transport = %q, %q", kind, transport)
	}

	// The dead-letter topic holds the three rejected messages with reasons.
	dead := readTopic(t, p, kafka.TopicDeadletter, 3)
	for _, m := range dead {
		if header(m, kafka.HeaderDeadletterReason) == "" || header(m, kafka.HeaderDeadletterTopic) == "" {
			t.Errorf("dead letter without reason or topic: %v", m.Headers)
		}
	}

	if err := stop(); err != nil {
		t.Fatalf("Run returned %v after cancel", err)
	}

	// Replay: new consumer groups read both topics from the start again.
	p.runWriter(t, "-replay", nil)
	waitFor(t, p.conn, 2*nEvents, "SELECT count() FROM events")
	waitFor(t, p.conn, 2, "SELECT count() FROM alerts")

	t.Run("dedup by event_id with LIMIT 1 BY", func(t *testing.T) {
		// The read pattern for a session timeline: tenant-scoped, ordered,
		// LIMIT 1 BY event_id before the page LIMIT.
		rows, err := p.conn.Query(ctx, `
			SELECT event_id, payload FROM events
			WHERE tenant_id = ? AND session_id = ?
			ORDER BY time_unix_nano, event_id
			LIMIT 1 BY event_id
			LIMIT 1000`, "acme", "sess-1")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var ids []string
		for rows.Next() {
			var id, payload string
			if err := rows.Scan(&id, &payload); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		var want []string
		for i, e := range events {
			if i%5 == 1 && e.TenantId == "acme" {
				want = append(want, e.EventId)
			}
		}
		if !slices.Equal(ids, want) {
			t.Fatalf("session timeline has %d events (%v), want %d (%v)", len(ids), ids, len(want), want)
		}
	})
	t.Run("dedup counts with uniqExact", func(t *testing.T) {
		var n uint64
		if err := p.conn.QueryRow(ctx, "SELECT uniqExact(event_id) FROM events WHERE tenant_id = ?", "acme").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != acme {
			t.Fatalf("uniqExact = %d, want %d", n, acme)
		}
	})
	t.Run("dedup alerts with GROUP BY alert_id", func(t *testing.T) {
		// The read pattern for the alert list: GROUP BY the id with any() over
		// the other columns, then order and page.
		rows, err := p.conn.Query(ctx, `
			SELECT alert_id, any(severity) AS severity, any(tags) AS tags, any(payload) AS payload, max(time_unix_nano) AS t
			FROM alerts
			WHERE tenant_id = ?
			GROUP BY alert_id
			ORDER BY t DESC, alert_id
			LIMIT 100`, "acme")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var id, payload string
			var sev uint8
			var tags []string
			var ts uint64
			if err := rows.Scan(&id, &sev, &tags, &payload, &ts); err != nil {
				t.Fatal(err)
			}
			back := &eventv1.Alert{}
			if err := proto.Unmarshal([]byte(payload), back); err != nil || !proto.Equal(back, alert) {
				t.Fatalf("alert payload does not round-trip: %v", err)
			}
			if sev != 4 || !slices.Equal(tags, []string{"safe.t1001"}) {
				t.Fatalf("severity %d tags %v", sev, tags)
			}
			n++
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("got %d alerts, want 1", n)
		}
	})
	t.Run("tenant scoping", func(t *testing.T) {
		var n uint64
		if err := p.conn.QueryRow(ctx, "SELECT uniqExact(alert_id) FROM alerts WHERE tenant_id = ?", "other").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("tenant other sees %d alerts of acme", n)
		}
	})
}

// TestWriterRetriesFailedInsert makes inserts fail (the events table is
// renamed away), then restores it: the batch must be retried, not
// committed, and every row must arrive.
func TestWriterRetriesFailedInsert(t *testing.T) {
	p := newPipeline(t)
	ctx := t.Context()
	if err := p.conn.Exec(ctx, "RENAME TABLE events TO events_away"); err != nil {
		t.Fatal(err)
	}
	var msgs []kafkago.Message
	for i := range 20 {
		msgs = append(msgs, eventMessage(t, testEvent(i+1, "acme", "s")))
	}
	p.produce(t, kafka.TopicEvents, msgs...)
	reg := prometheus.NewPedanticRegistry()
	failed := make(chan struct{}, 100)
	p.logger = slog.New(signalHandler{Handler: p.logger.Handler(), msg: "batch failed; retrying", ch: failed})
	p.runWriter(t, "", reg)
	// Two failed attempts prove the batch is retried.
	for range 2 {
		select {
		case <-failed:
		case <-time.After(60 * time.Second):
			t.Fatal("no failed insert attempt within 60s")
		}
	}
	if got := testutil.ToFloat64(rowsCounter(t, reg, TableEvents)); got != 0 {
		t.Fatalf("rows counted while the table is missing: %v", got)
	}
	if err := p.conn.Exec(ctx, "RENAME TABLE events_away TO events"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, p.conn, 20, "SELECT uniqExact(event_id) FROM events")
}

// signalHandler sends on ch for every record whose message is msg.
type signalHandler struct {
	slog.Handler
	msg string
	ch  chan<- struct{}
}

func (h signalHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == h.msg {
		select {
		case h.ch <- struct{}{}:
		default:
		}
	}
	return h.Handler.Handle(ctx, r)
}

// waitCounter polls c until it reaches want, for at most 60s.
func waitCounter(t *testing.T, c prometheus.Collector, want float64) {
	t.Helper()
	var got float64
	for i := 0; i < 1200; i++ {
		if got = testutil.ToFloat64(c); got == want {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("counter = %v after 60s, want %v", got, want)
}

func readTopic(t *testing.T, p *pipeline, topic string, want int) []kafkago.Message {
	t.Helper()
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: p.broker.Brokers(), GroupID: "reader-" + topic}, topic, p.logger)
	defer r.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var out []kafkago.Message
	for len(out) < want {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			t.Fatalf("read %s: got %d of %d messages: %v", topic, len(out), want, err)
		}
		out = append(out, m)
	}
	return out
}

func rowsCounter(t *testing.T, reg *prometheus.Registry, table string) prometheus.Collector {
	t.Helper()
	return collectorFor(t, reg, "mcpaudit_store_rows_total", table)
}

func (p *pipeline) deadletterCounter(t *testing.T, reg *prometheus.Registry) prometheus.Collector {
	t.Helper()
	return collectorFor(t, reg, "mcpaudit_store_deadletter_total", "")
}

// collectorFor wraps the registry's metric family name as a collector
// summing every series (with the label value, when given).
func collectorFor(t *testing.T, reg *prometheus.Registry, name, label string) prometheus.Collector {
	t.Helper()
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "sum_" + name}, func() float64 {
		mfs, err := reg.Gather()
		if err != nil {
			t.Errorf("gather: %v", err)
			return 0
		}
		var sum float64
		for _, mf := range mfs {
			if mf.GetName() != name {
				continue
			}
			for _, m := range mf.GetMetric() {
				if label != "" && (len(m.GetLabel()) == 0 || m.GetLabel()[0].GetValue() != label) {
					continue
				}
				sum += m.GetCounter().GetValue()
			}
		}
		return sum
	})
}
