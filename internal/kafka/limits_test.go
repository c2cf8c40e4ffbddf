package kafka

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"
)

// startCluster starts a one-broker kfake cluster with TopicEvents (one
// partition) and the given extra options.
func startCluster(t *testing.T, opts ...kfake.Opt) []string {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1), kfake.SeedTopics(1, TopicEvents)}, opts...)...)
	if err != nil {
		t.Fatalf("kfake: %v", err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

// logBuffer returns a logger writing JSON lines into the returned buffer.
func logBuffer() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewJSONHandler(&buf, nil)), &buf
}

func TestMaxMessageBytes(t *testing.T) {
	t.Run("broker default", func(t *testing.T) {
		brokers := startCluster(t)
		logger, logs := logBuffer()
		if got := MaxMessageBytes(t.Context(), brokers, ClientAuth{}, TopicEvents, logger); got != DefaultMaxMessageBytes {
			t.Fatalf("MaxMessageBytes = %d, want the broker's default %d", got, DefaultMaxMessageBytes)
		}
		if !strings.Contains(logs.String(), `"source":"broker message.max.bytes"`) {
			t.Errorf("log does not name the broker config: %s", logs)
		}
	})
	t.Run("broker message.max.bytes", func(t *testing.T) {
		brokers := startCluster(t, kfake.BrokerConfigs(map[string]string{"message.max.bytes": "300000"}))
		if got := MaxMessageBytes(t.Context(), brokers, ClientAuth{}, TopicEvents, nil); got != 300_000 {
			t.Fatalf("MaxMessageBytes = %d, want 300000", got)
		}
	})
	t.Run("topic max.message.bytes overrides the broker", func(t *testing.T) {
		brokers := startCluster(t, kfake.BrokerConfigs(map[string]string{"message.max.bytes": "300000"}))
		client := &kafkago.Client{Addr: kafkago.TCP(brokers...), Timeout: 10 * time.Second}
		resp, err := client.CreateTopics(t.Context(), &kafkago.CreateTopicsRequest{Topics: []kafkago.TopicConfig{{
			Topic: "small", NumPartitions: 1, ReplicationFactor: 1,
			ConfigEntries: []kafkago.ConfigEntry{{ConfigName: "max.message.bytes", ConfigValue: "200000"}},
		}}})
		if err != nil || resp.Errors["small"] != nil {
			t.Fatalf("create topic: %v %v", err, resp)
		}
		logger, logs := logBuffer()
		if got := MaxMessageBytes(t.Context(), brokers, ClientAuth{}, "small", logger); got != 200_000 {
			t.Fatalf("MaxMessageBytes = %d, want the topic's 200000", got)
		}
		if !strings.Contains(logs.String(), `"source":"topic max.message.bytes"`) {
			t.Errorf("log does not name the topic config: %s", logs)
		}
		// The other topic still has the broker's figure.
		if got := MaxMessageBytes(t.Context(), brokers, ClientAuth{}, TopicEvents, nil); got != 300_000 {
			t.Fatalf("MaxMessageBytes(%s) = %d, want 300000", TopicEvents, got)
		}
	})
	t.Run("broker unreachable", func(t *testing.T) {
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := lis.Addr().String()
		lis.Close()
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()
		logger, logs := logBuffer()
		if got := MaxMessageBytes(ctx, []string{addr}, ClientAuth{}, TopicEvents, logger); got != DefaultMaxMessageBytes {
			t.Fatalf("MaxMessageBytes = %d, want the default %d", got, DefaultMaxMessageBytes)
		}
		if !strings.Contains(logs.String(), "kafka message limit unknown") || !strings.Contains(logs.String(), `"level":"WARN"`) || !strings.Contains(logs.String(), `"error":"metadata:`) {
			t.Errorf("fallback not logged with its reason: %s", logs)
		}
	})
	t.Run("no brokers", func(t *testing.T) {
		logger, logs := logBuffer()
		if got := MaxMessageBytes(t.Context(), nil, ClientAuth{}, TopicEvents, logger); got != DefaultMaxMessageBytes {
			t.Fatalf("MaxMessageBytes = %d", got)
		}
		if !strings.Contains(logs.String(), "no kafka brokers configured") {
			t.Errorf("reason not logged: %s", logs)
		}
	})
}

// TestMessageSizeMatchesKafkaGo checks MessageSize against kafka-go's own
// accounting: a writer with BatchBytes n takes a message of MessageSize n
// and refuses one of n+1 with kafkago.MessageTooLargeError.
func TestMessageSizeMatchesKafkaGo(t *testing.T) {
	brokers := startCluster(t)
	const batchBytes = 50_000
	wc := DefaultWriterConfig(brokers)
	wc.BatchBytes = batchBytes
	w := NewWriter(wc, TopicEvents)
	defer w.Close()
	for _, hdrs := range [][]kafkago.Header{nil, {{Key: HeaderEventID, Value: []byte("01890a5d-ac96-774b-bcce-b302099a8057")}}, {{Key: "a", Value: nil}, {Key: strings.Repeat("k", 200), Value: make([]byte, 300)}}} {
		m := kafkago.Message{Key: Key("acme", "session"), Headers: hdrs}
		m.Value = make([]byte, batchBytes-MessageSize(m))
		if got := MessageSize(m); got != batchBytes {
			t.Fatalf("MessageSize = %d after sizing to %d", got, batchBytes)
		}
		if err := w.WriteMessages(t.Context(), m); err != nil {
			t.Fatalf("message of MessageSize == BatchBytes (%d headers): %v", len(hdrs), err)
		}
		m.Value = append(m.Value, 0)
		err := w.WriteMessages(t.Context(), m)
		var mtl kafkago.MessageTooLargeError
		if !errors.As(err, &mtl) {
			t.Fatalf("message of MessageSize == BatchBytes+1 (%d headers): %v, want MessageTooLargeError", len(hdrs), err)
		}
	}
}

// TestBatchBytesFor shows why the writer's BatchBytes must sit below the
// broker's limit: with BatchBytes equal to message.max.bytes the broker
// refuses a full batch (its 61-byte header is not counted by kafka-go);
// with BatchBytesFor the writer's batches, full ones included, are accepted.
func TestBatchBytesFor(t *testing.T) {
	const limit = 100_000
	brokers := startCluster(t, kfake.BrokerConfigs(map[string]string{"message.max.bytes": "100000"}))
	sized := func(size int) kafkago.Message {
		m := kafkago.Message{Key: Key("acme", "s"), Headers: []kafkago.Header{{Key: HeaderEventID, Value: []byte("01890a5d-ac96-774b-bcce-b302099a8057")}}}
		m.Value = make([]byte, size-MessageSize(m))
		return m
	}

	t.Run("BatchBytes at the broker limit fails", func(t *testing.T) {
		wc := DefaultWriterConfig(brokers)
		wc.BatchBytes = limit
		w := NewWriter(wc, TopicEvents)
		defer w.Close()
		err := w.WriteMessages(t.Context(), sized(limit))
		var werrs kafkago.WriteErrors
		if !errors.As(err, &werrs) || len(werrs) != 1 || !errors.Is(werrs[0], kafkago.MessageSizeTooLarge) {
			t.Fatalf("write = %v, want the broker's MESSAGE_TOO_LARGE", err)
		}
	})
	t.Run("BatchBytesFor fits", func(t *testing.T) {
		wc := DefaultWriterConfig(brokers)
		wc.BatchBytes = BatchBytesFor(limit, wc.BatchSize)
		if wc.BatchBytes >= limit || wc.BatchBytes < limit/2 {
			t.Fatalf("BatchBytesFor(%d, %d) = %d", limit, wc.BatchSize, wc.BatchBytes)
		}
		w := NewWriter(wc, TopicEvents)
		defer w.Close()
		if err := w.WriteMessages(t.Context(), sized(wc.BatchBytes)); err != nil {
			t.Fatalf("one message of BatchBytes: %v", err)
		}
		// Many small messages to one partition, batched up to BatchBytes.
		msgs := make([]kafkago.Message, 500)
		for i := range msgs {
			msgs[i] = sized(wc.BatchBytes / len(msgs))
		}
		if err := w.WriteMessages(t.Context(), msgs...); err != nil {
			t.Fatalf("%d small messages: %v", len(msgs), err)
		}
	})
	if got := BatchBytesFor(100, 1000); got != minBatchBytes {
		t.Errorf("BatchBytesFor of a tiny limit = %d, want the floor %d", got, minBatchBytes)
	}
}
