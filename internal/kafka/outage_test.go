package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startOnPort starts the embedded broker on port, retrying while the
// kernel has not released the port of a closed broker yet (bounded).
func startOnPort(t *testing.T, cfg EmbeddedConfig) *Embedded {
	t.Helper()
	var err error
	for i := 0; i < 100; i++ {
		var b *Embedded
		if b, err = StartEmbeddedWith(cfg); err == nil {
			return b
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("start broker on port %d: %v", cfg.Port, err)
	return nil
}

// TestConsumerSurvivesBrokerOutage stops the broker under a running
// Consumer, keeps it down, and restarts it on the same address and data
// directory: Run must not return, and every message produced before and
// after the outage must reach the handler.
func TestConsumerSurvivesBrokerOutage(t *testing.T) {
	cfg := EmbeddedConfig{DataDir: t.TempDir(), Partitions: 3, Topics: []string{TopicEvents}, Port: freePort(t)}
	b := startOnPort(t, cfg)
	defer func() { b.Close() }()
	brokers := b.Brokers()
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	produce(t, brokers, 0, 20)

	r := NewReader(ReaderConfig{Brokers: brokers, GroupID: "outage"}, TopicEvents, logger)
	defer r.Close()
	var mu sync.Mutex
	seen := map[string]bool{}
	seenCount := func() int { mu.Lock(); defer mu.Unlock(); return len(seen) }
	c := NewConsumer("outage", r, ConsumerConfig{MaxBatch: 5, MaxDelay: 20 * time.Millisecond}, func(_ context.Context, msgs []kafkago.Message) error {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range msgs {
			seen[string(m.Value)] = true
		}
		return nil
	}, logger)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- c.Run(ctx, 5*time.Second) }()

	waitFor(t, ctx, "20 messages before the outage", func() bool { return seenCount() >= 20 })
	b.Close()
	outage := 6 * time.Second
	select {
	case err := <-runErr:
		t.Fatalf("Consumer.Run returned during the outage: %v", err)
	case <-time.After(outage):
	}
	b = startOnPort(t, cfg)
	produce(t, brokers, 20, 20)
	waitFor(t, ctx, "40 messages after the outage", func() bool { return seenCount() >= 40 })
	cancel()
	if err := <-runErr; err != nil {
		t.Fatalf("Run after cancel = %v, want nil", err)
	}
	for i := range 40 {
		if !seen[fmt.Sprintf("v%d", i)] {
			t.Errorf("message v%d never reached the handler", i)
		}
	}
}

// waitFor polls cond every 50ms until it holds or ctx ends.
func waitFor(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// TestEmbeddedSASL checks that the broker started with credentials refuses
// clients without them or with a wrong password, accepts mcpaudit's own
// writer, reader, admin client and Ping, and keeps only the configured user
// across a restart on the same data directory.
func TestEmbeddedSASL(t *testing.T) {
	cfg := EmbeddedConfig{DataDir: t.TempDir(), Partitions: 2, Topics: []string{TopicEvents}, Username: "mcpaudit", Password: "first-secret"}
	b, err := StartEmbeddedWith(cfg)
	if err != nil {
		t.Fatal(err)
	}
	brokers := b.Brokers()
	mech := func(user, pass string) ClientAuth {
		m, err := NewMechanism(MechanismSCRAMSHA256, user, pass)
		if err != nil {
			t.Fatal(err)
		}
		return ClientAuth{SASL: m}
	}
	good := mech("mcpaudit", "first-secret")
	write := func(auth ClientAuth, value string) error {
		wc := DefaultWriterConfig(brokers)
		wc.Auth = auth
		wc.WriteTimeout = 3 * time.Second
		w := NewWriter(wc, TopicEvents)
		defer w.Close()
		ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
		defer cancel()
		return w.WriteMessages(ctx, kafkago.Message{Key: Key("t", "s"), Value: []byte(value)})
	}
	for _, tt := range []struct {
		name string
		auth ClientAuth
	}{
		{"no credentials", ClientAuth{}},
		{"wrong password", mech("mcpaudit", "guess")},
		{"unknown user", mech("admin", "admin")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := write(tt.auth, "forged"); err == nil {
				t.Fatal("produce succeeded without the generated credentials")
			}
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			if err := Ping(ctx, brokers, tt.auth); err == nil {
				t.Fatal("Ping succeeded without the generated credentials")
			}
		})
	}
	if err := write(good, "v0"); err != nil {
		t.Fatalf("produce with the credentials: %v", err)
	}
	if err := Ping(t.Context(), brokers, good); err != nil {
		t.Fatalf("Ping with the credentials: %v", err)
	}
	if err := EnsureTopicsWith(t.Context(), brokers, good, 2, 1, TopicEvents, TopicAlerts); err != nil {
		t.Fatalf("EnsureTopicsWith: %v", err)
	}
	got := consumeWith(t, brokers, good, "sasl-group", 1)
	if len(got) != 1 || got[0] != "v0" {
		t.Fatalf("consumed %v, want [v0]", got)
	}
	b.Close()

	// Restart with a new password: the old one no longer works.
	cfg.Password = "second-secret"
	b, err = StartEmbeddedWith(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	brokers = b.Brokers()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := Ping(ctx, brokers, good); err == nil {
		t.Fatal("the previous password still works after a restart with a new one")
	}
	if err := Ping(t.Context(), brokers, mech("mcpaudit", "second-secret")); err != nil {
		t.Fatalf("Ping with the new password: %v", err)
	}
}

func consumeWith(t *testing.T, brokers []string, auth ClientAuth, group string, want int) []string {
	t.Helper()
	logger := slog.New(slog.DiscardHandler)
	r := NewReader(ReaderConfig{Brokers: brokers, GroupID: group, Auth: auth}, TopicEvents, logger)
	defer r.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var got []string
	for len(got) < want {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("consumed %d of %d messages", len(got), want)
			}
			continue
		}
		got = append(got, string(m.Value))
	}
	return got
}
