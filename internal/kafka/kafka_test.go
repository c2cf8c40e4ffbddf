package kafka

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

// TestConsumerCommitsAcrossRestart runs kafka-go against the embedded broker:
// a consumer group consumes and commits, the broker restarts on the same data
// directory, and a new consumer of the same group sees only the messages
// produced after the commit.
func TestConsumerCommitsAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	logger := slog.New(slog.DiscardHandler)
	ctx := t.Context()

	b, err := StartEmbedded(dir, 3, TopicEvents)
	if err != nil {
		t.Fatal(err)
	}
	produce(t, b.Brokers(), 0, 20)
	got := consume(t, b.Brokers(), "g1", 20, logger)
	if len(got) != 20 {
		t.Fatalf("first run consumed %d messages, want 20", len(got))
	}
	b.Close()

	b, err = StartEmbedded(dir, 3, TopicEvents)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := EnsureTopics(ctx, b.Brokers(), 3, 1, TopicEvents, TopicAlerts); err != nil {
		t.Fatalf("EnsureTopics after restart: %v", err)
	}
	produce(t, b.Brokers(), 20, 5)
	got = consume(t, b.Brokers(), "g1", 5, logger)
	slices.Sort(got)
	want := []string{"v20", "v21", "v22", "v23", "v24"}
	if !slices.Equal(got, want) {
		t.Fatalf("after restart consumed %v, want %v", got, want)
	}
}

func produce(t *testing.T, brokers []string, from, n int) {
	t.Helper()
	w := NewWriter(DefaultWriterConfig(brokers), TopicEvents)
	defer w.Close()
	var msgs []kafkago.Message
	for i := from; i < from+n; i++ {
		msgs = append(msgs, kafkago.Message{Key: Key("t", fmt.Sprint("s", i%4)), Value: fmt.Appendf(nil, "v%d", i)})
	}
	if err := w.WriteMessages(t.Context(), msgs...); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// consume runs a Consumer until it has seen want messages (or 30s passed),
// then stops it and returns the values it saw.
func consume(t *testing.T, brokers []string, group string, want int, logger *slog.Logger) []string {
	t.Helper()
	r := NewReader(ReaderConfig{Brokers: brokers, GroupID: group}, TopicEvents, logger)
	defer r.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var mu sync.Mutex
	var got []string
	c := NewConsumer("test", r, ConsumerConfig{MaxBatch: 7, MaxDelay: 50 * time.Millisecond}, func(_ context.Context, msgs []kafkago.Message) error {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range msgs {
			got = append(got, string(m.Value))
		}
		if len(got) >= want {
			// Stop after this batch is committed.
			time.AfterFunc(200*time.Millisecond, cancel)
		}
		return nil
	}, logger)
	if err := c.Run(ctx, 5*time.Second); err != nil {
		t.Fatalf("consumer: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	return got
}

// TestReaderBuiltBeforeItsTopic checks that readers built while their
// topic is still being created (as the roles of one process build theirs at
// start, while the topics are created in the background) receive what is
// produced once the topic is there: a reader joins its group at the first
// fetch, not when it is built. Readers that joined while the topic was being
// created waited over a minute for partitions, in about half the runs.
func TestReaderBuiltBeforeItsTopic(t *testing.T) {
	b, err := StartEmbedded("", 6)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	logger := slog.New(slog.DiscardHandler)
	var readers []*Reader
	for i := range 4 {
		r := NewReader(ReaderConfig{Brokers: b.Brokers(), GroupID: fmt.Sprint("early-", i)}, TopicEvents, logger)
		defer r.Close()
		readers = append(readers, r)
	}
	if err := EnsureTopics(t.Context(), b.Brokers(), 6, 1, TopicEvents, TopicAlerts, TopicDeadletter); err != nil {
		t.Fatal(err)
	}
	produce(t, b.Brokers(), 0, 1)
	for i, r := range readers {
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		m, err := r.FetchMessage(ctx)
		cancel()
		if err != nil || string(m.Value) != "v0" {
			t.Fatalf("reader %d: %q, %v; want v0 within 20s of its topic's creation", i, m.Value, err)
		}
	}
}
