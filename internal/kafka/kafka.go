// Package kafka holds the Kafka conventions every mcpaudit role shares: topic
// names, message keys, writer and reader settings tuned for low latency with
// acks=all, topic creation, client authentication (SASL PLAIN/SCRAM and TLS,
// ClientAuth), a connectivity probe for readiness (Ping), the embedded kfake
// broker of the all-in-one mode (SCRAM-SHA-256 with generated credentials),
// and a batch consumer that commits offsets only after its handler made the
// batch durable and that outlives broker outages, retrying with backoff.
//
// It wraps github.com/segmentio/kafka-go and speaks only the Kafka protocol, so
// the same code runs against Apache Kafka and the embedded kfake broker.
package kafka

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"syscall"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

// Topic names. The .v1 suffix is the major version of the message schema
// (mcpaudit.event.v1.Event and mcpaudit.event.v1.Alert, protobuf-encoded).
const (
	// TopicEvents carries one protobuf mcpaudit.event.v1.Event per message,
	// keyed by Key(tenant, session).
	TopicEvents = "mcpaudit.events.v1"
	// TopicAlerts carries one protobuf mcpaudit.event.v1.Alert per message,
	// keyed by Key(tenant, session).
	TopicAlerts = "mcpaudit.alerts.v1"
	// TopicDeadletter carries messages a consumer could not decode, with the
	// original topic, partition, offset and reason in headers.
	TopicDeadletter = "mcpaudit.deadletter.v1"
	// TopicDefinitions is the fleet's tool-definition baseline: one
	// protobuf mcpaudit.event.v1.ToolBaseline per message, keyed by tenant,
	// server and tool joined by NUL. It is compacted (cleanup.policy
	// compact, see Compacted) so it keeps the last definition of every
	// tool for ever, and has one partition, so a reader sees it in order.
	TopicDefinitions = "mcpaudit.definitions.v1"
)

// Compacted reports whether topic is created with cleanup.policy=compact
// (and a single partition): the topics that hold state rather than a
// stream.
func Compacted(topic string) bool { return topic == TopicDefinitions }

// Message header names. Event messages carry their event_id and alert
// messages their alert_id, so consumers and operators can see the idempotency
// key without decoding the value.
const (
	HeaderEventID = "mcpaudit.event_id"
	HeaderAlertID = "mcpaudit.alert_id"
)

// Dead-letter header names.
const (
	HeaderDeadletterTopic     = "mcpaudit.deadletter.topic"
	HeaderDeadletterPartition = "mcpaudit.deadletter.partition"
	HeaderDeadletterOffset    = "mcpaudit.deadletter.offset"
	HeaderDeadletterReason    = "mcpaudit.deadletter.reason"
)

// Key returns the message key for a tenant's session: tenant, a NUL byte, then
// the session id. All events of one session hash to one partition, so
// consumers see them in order.
func Key(tenantID, sessionID string) []byte {
	k := make([]byte, 0, len(tenantID)+1+len(sessionID))
	k = append(k, tenantID...)
	k = append(k, 0)
	return append(k, sessionID...)
}

// WriterConfig tunes a producer.
type WriterConfig struct {
	// Brokers are the bootstrap broker addresses (host:port).
	Brokers []string `yaml:"brokers"`
	// BatchTimeout bounds how long a message waits for its batch to fill.
	// kafka-go's default of 1s is far too slow for an ingest path that waits
	// on the broker's ack; the default here is 2ms.
	BatchTimeout time.Duration `yaml:"batch_timeout"`
	// BatchSize is the largest number of messages in one produce request.
	// Default 1000.
	BatchSize int `yaml:"batch_size"`
	// WriteTimeout bounds one produce request. Default 10s.
	WriteTimeout time.Duration `yaml:"write_timeout"`
	// BatchBytes bounds the bytes of one per-partition batch of a produce
	// request, and so the largest single message. It must stay below the
	// broker's message.max.bytes (the topic's max.message.bytes), or the
	// broker refuses whole batches. Default 1,000,000 (Apache Kafka's
	// message.max.bytes default is 1,048,588).
	BatchBytes int `yaml:"batch_bytes"`
	// Auth is what the producer presents to the brokers (SASL, TLS); the
	// zero value connects in plaintext without SASL.
	Auth ClientAuth `yaml:"-"`
}

// DefaultBatchBytes is the default WriterConfig.BatchBytes.
const DefaultBatchBytes = 1_000_000

// DefaultWriterConfig returns the producer defaults for brokers.
func DefaultWriterConfig(brokers []string) WriterConfig {
	return WriterConfig{Brokers: brokers, BatchTimeout: 2 * time.Millisecond, BatchSize: 1000, WriteTimeout: 10 * time.Second, BatchBytes: DefaultBatchBytes}
}

// NewWriter returns a synchronous producer for topic: acks=all, keys hashed
// with murmur2 (the Java client's partitioner, so keys land on the same
// partition whichever client produced them), no topic auto-creation. Its
// WriteMessages returns only after every message was acknowledged by all
// in-sync replicas, or with an error; a kafka-go WriteErrors value says which
// messages failed.
func NewWriter(cfg WriterConfig, topic string) *kafkago.Writer {
	var transport kafkago.RoundTripper
	if !cfg.Auth.isZero() {
		transport = cfg.Auth.transport()
	}
	return &kafkago.Writer{
		Transport:    transport,
		Addr:         kafkago.TCP(cfg.Brokers...),
		Topic:        topic,
		Balancer:     &kafkago.Murmur2Balancer{},
		RequiredAcks: kafkago.RequireAll,
		BatchTimeout: cfg.BatchTimeout,
		BatchSize:    cfg.BatchSize,
		BatchBytes:   int64(cmp.Or(cfg.BatchBytes, DefaultBatchBytes)),
		WriteTimeout: cfg.WriteTimeout,
		ReadTimeout:  cfg.WriteTimeout,
		MaxAttempts:  3,
	}
}

// ReaderConfig tunes a consumer-group reader.
type ReaderConfig struct {
	// Brokers are the bootstrap broker addresses (host:port).
	Brokers []string `yaml:"brokers"`
	// GroupID is the consumer group.
	GroupID string `yaml:"group_id"`
	// MaxWait bounds how long the broker holds a fetch open when there is no
	// data. Default 250ms.
	MaxWait time.Duration `yaml:"max_wait"`
	// Auth is what the reader presents to the brokers (SASL, TLS); the
	// zero value connects in plaintext without SASL.
	Auth ClientAuth `yaml:"-"`
	// Metrics counts the reader's fetch and commit errors; nil counts
	// nothing.
	Metrics *Metrics `yaml:"-"`
}

// NewReader returns a consumer-group reader on topic that starts from the
// earliest offset when the group has no committed offset, and commits only
// when told to (CommitMessages), synchronously. kafka-go's reader reconnects
// and rejoins the group by itself after a broker outage; its internal error
// records go to logger at most once per logInterval per reader, with the
// number of records left out.
//
// The reader joins its group at the first FetchMessage, not here: a
// kafka-go reader joins as soon as it is built, and a member that joined
// before its topic existed can wait long for partitions (kafka-go's
// partition watcher only notices a change of a known topic), so a role
// builds its readers at start and fetches once its topics exist.
func NewReader(cfg ReaderConfig, topic string, logger *slog.Logger) *Reader {
	return &Reader{cfg: cfg, topic: topic, logger: logger}
}

func (r *Reader) newReader() *kafkago.Reader {
	cfg := r.cfg
	maxWait := cfg.MaxWait
	if maxWait <= 0 {
		maxWait = 250 * time.Millisecond
	}
	lim := newLogLimiter(logInterval)
	return kafkago.NewReader(kafkago.ReaderConfig{
		Brokers:               cfg.Brokers,
		GroupID:               cfg.GroupID,
		Topic:                 r.topic,
		Dialer:                cfg.Auth.dialer(),
		MinBytes:              1,
		MaxBytes:              16 << 20,
		MaxWait:               maxWait,
		ReadBatchTimeout:      maxWait + time.Second,
		ReadBackoffMin:        10 * time.Millisecond,
		ReadBackoffMax:        250 * time.Millisecond,
		HeartbeatInterval:     time.Second,
		SessionTimeout:        10 * time.Second,
		RebalanceTimeout:      10 * time.Second,
		JoinGroupBackoff:      500 * time.Millisecond,
		WatchPartitionChanges: true,
		StartOffset:           kafkago.FirstOffset,
		CommitInterval:        0, // synchronous commits
		ErrorLogger: kafkago.LoggerFunc(func(msg string, args ...any) {
			if skipped, ok := lim.allow(); ok {
				r.logger.Warn("kafka reader", "topic", r.topic, "group", cfg.GroupID, "detail", fmt.Sprintf(msg, args...), "suppressed", skipped)
			}
		}),
	})
}

// Reader is a consumer-group reader (kafka-go's *Reader, built by
// NewReader at the first fetch) that counts its fetch and commit errors in
// mcpaudit_kafka_consumer_errors_total. It satisfies Fetcher. Its methods
// are safe for concurrent use.
type Reader struct {
	cfg    ReaderConfig
	topic  string
	logger *slog.Logger

	mu     sync.Mutex
	r      *kafkago.Reader // nil until the first fetch
	closed bool
}

var _ Fetcher = (*Reader)(nil)

// errReaderClosed is returned by a Reader used after Close.
var errReaderClosed = errors.New("kafka reader closed")

// reader returns the kafka-go reader, building it (and so joining the group)
// on the first call.
func (r *Reader) reader() (*kafkago.Reader, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, errReaderClosed
	}
	if r.r == nil {
		r.r = r.newReader()
	}
	return r.r, nil
}

// FetchMessage returns the next message (kafka-go's Reader.FetchMessage),
// counting errors other than ctx's.
func (r *Reader) FetchMessage(ctx context.Context) (kafkago.Message, error) {
	kr, err := r.reader()
	if err != nil {
		return kafkago.Message{}, err
	}
	m, err := kr.FetchMessage(ctx)
	if err != nil && ctx.Err() == nil {
		r.cfg.Metrics.consumerError(r.topic, r.cfg.GroupID, "fetch")
	}
	return m, err
}

// CommitMessages commits the offsets after msgs (kafka-go's
// Reader.CommitMessages), counting errors other than ctx's.
func (r *Reader) CommitMessages(ctx context.Context, msgs ...kafkago.Message) error {
	kr, err := r.reader()
	if err != nil {
		return err
	}
	err = kr.CommitMessages(ctx, msgs...)
	if err != nil && ctx.Err() == nil {
		r.cfg.Metrics.consumerError(r.topic, r.cfg.GroupID, "commit")
	}
	return err
}

// Close leaves the group and closes the connections of a reader that
// fetched; it is safe to call twice, and on a reader that never fetched.
func (r *Reader) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	if r.r == nil {
		return nil
	}
	kr := r.r
	r.r = nil
	return kr.Close()
}

// EnsureTopics creates the topics that do not exist yet, each with partitions
// partitions (one for Compacted topics, which are also created with
// cleanup.policy=compact) and replicationFactor replicas, connecting without SASL or TLS
// (EnsureTopicsWith takes a ClientAuth). Topics that already exist are left
// as they are. It retries until ctx is done while the brokers are
// unreachable, so a role can start before its broker.
func EnsureTopics(ctx context.Context, brokers []string, partitions, replicationFactor int, topics ...string) error {
	return EnsureTopicsWith(ctx, brokers, ClientAuth{}, partitions, replicationFactor, topics...)
}

// EnsureTopicsWith is EnsureTopics authenticating with auth. It returns at
// once on an error retrying cannot fix (a refused topic, failed
// authentication), and with ctx's error, wrapping the last one, when ctx
// ends while the brokers are unreachable.
func EnsureTopicsWith(ctx context.Context, brokers []string, auth ClientAuth, partitions, replicationFactor int, topics ...string) error {
	if len(brokers) == 0 {
		return ErrNoBrokers
	}
	client := NewClient(brokers, auth, 10*time.Second)
	defer client.Transport.(*kafkago.Transport).CloseIdleConnections()
	req := &kafkago.CreateTopicsRequest{}
	for _, t := range topics {
		tc := kafkago.TopicConfig{Topic: t, NumPartitions: partitions, ReplicationFactor: replicationFactor}
		if Compacted(t) {
			tc.NumPartitions = 1
			tc.ConfigEntries = []kafkago.ConfigEntry{{ConfigName: "cleanup.policy", ConfigValue: "compact"}}
		}
		req.Topics = append(req.Topics, tc)
	}
	backoff := 100 * time.Millisecond
	for {
		resp, err := client.CreateTopics(ctx, req)
		if err == nil {
			for topic, terr := range resp.Errors {
				if terr != nil && !errors.Is(terr, kafkago.TopicAlreadyExists) {
					return fmt.Errorf("create topic %s: %w", topic, terr)
				}
			}
			return nil
		}
		if !Transient(err) || ctx.Err() != nil {
			return fmt.Errorf("create topics: %w", err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("create topics: %w (last error: %w)", ctx.Err(), err)
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

// Transient reports whether err is one a retry can fix: a network error
// (refused, reset, timed out, closed mid-response), or a broker that is
// starting or moving its controller.
func Transient(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, kafkago.BrokerNotAvailable) || errors.Is(err, kafkago.NotController) ||
		errors.Is(err, kafkago.LeaderNotAvailable) || errors.Is(err, kafkago.RequestTimedOut)
}

// DeadletterMessage returns the dead-letter copy of m, recording where it came
// from and why it could not be processed. The key and value are unchanged.
func DeadletterMessage(m kafkago.Message, reason error) kafkago.Message {
	return kafkago.Message{
		Key:   m.Key,
		Value: m.Value,
		Headers: append(append([]kafkago.Header(nil), m.Headers...),
			kafkago.Header{Key: HeaderDeadletterTopic, Value: []byte(m.Topic)},
			kafkago.Header{Key: HeaderDeadletterPartition, Value: []byte(strconv.Itoa(m.Partition))},
			kafkago.Header{Key: HeaderDeadletterOffset, Value: []byte(strconv.FormatInt(m.Offset, 10))},
			kafkago.Header{Key: HeaderDeadletterReason, Value: []byte(reason.Error())},
		),
	}
}
