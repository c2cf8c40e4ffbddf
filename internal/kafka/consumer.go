package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

// Fetcher is the part of *kafka.Reader a Consumer needs.
type Fetcher interface {
	FetchMessage(ctx context.Context) (kafkago.Message, error)
	CommitMessages(ctx context.Context, msgs ...kafkago.Message) error
}

var _ Fetcher = (*kafkago.Reader)(nil)

// BatchHandler processes a batch of messages, in offset order per partition.
// It returns nil only when the batch's effects are durable (written to Kafka
// with acks=all, or inserted into ClickHouse); the Consumer then commits the
// batch's offsets. A non-nil error makes the Consumer call the handler again
// with the same batch after a backoff, so handlers must be idempotent.
// Messages that can never be processed (undecodable) are the handler's to
// dead-letter, not to fail on.
type BatchHandler func(ctx context.Context, msgs []kafkago.Message) error

// ConsumerConfig tunes batching.
type ConsumerConfig struct {
	// MaxBatch is the largest batch handed to the handler. Default 1000.
	MaxBatch int `yaml:"max_batch"`
	// MaxDelay is how long a batch may wait for more messages after its first
	// one arrived. Default 200ms.
	MaxDelay time.Duration `yaml:"max_delay"`
}

// Consumer runs a BatchHandler over a consumer group, at least once.
type Consumer struct {
	fetcher Fetcher
	handler BatchHandler
	cfg     ConsumerConfig
	logger  *slog.Logger
	name    string
}

// NewConsumer returns a Consumer that reads from f. name labels its logs.
func NewConsumer(name string, f Fetcher, cfg ConsumerConfig, h BatchHandler, logger *slog.Logger) *Consumer {
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 1000
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = 200 * time.Millisecond
	}
	return &Consumer{fetcher: f, handler: h, cfg: cfg, logger: logger, name: name}
}

// Run fetches batches and hands them to the handler until ctx is done. A
// batch is committed only after the handler returned nil for it. When ctx is
// cancelled, Run finishes the batch in hand (handler and commit) using a
// context that is not cancelled but bounded by drainTimeout, then returns
// nil. It returns an error only when fetching or committing fails for a reason
// other than ctx.
func (c *Consumer) Run(ctx context.Context, drainTimeout time.Duration) error {
	for {
		batch, err := c.fetchBatch(ctx)
		if len(batch) > 0 {
			if perr := c.process(ctx, batch, drainTimeout); perr != nil {
				return perr
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("%s: fetch: %w", c.name, err)
		}
	}
}

// fetchBatch blocks for the first message, then collects more until the batch
// is full or MaxDelay passed.
func (c *Consumer) fetchBatch(ctx context.Context) ([]kafkago.Message, error) {
	first, err := c.fetcher.FetchMessage(ctx)
	if err != nil {
		return nil, err
	}
	batch := []kafkago.Message{first}
	deadline, cancel := context.WithTimeout(ctx, c.cfg.MaxDelay)
	defer cancel()
	for len(batch) < c.cfg.MaxBatch {
		m, err := c.fetcher.FetchMessage(deadline)
		if err != nil {
			if deadline.Err() != nil && ctx.Err() == nil {
				return batch, nil // MaxDelay passed: hand over what we have
			}
			return batch, err
		}
		batch = append(batch, m)
	}
	return batch, nil
}

// process calls the handler until it succeeds, then commits.
func (c *Consumer) process(ctx context.Context, batch []kafkago.Message, drainTimeout time.Duration) error {
	// The batch in hand is finished even when ctx is cancelled meanwhile, so a
	// shutdown does not leave work half done; the drain is bounded.
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(drainTimeout, cancel)
		context.AfterFunc(work, func() { t.Stop() })
	})
	defer stop()

	backoff := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := c.handler(work, batch)
		if err == nil {
			break
		}
		if work.Err() != nil {
			c.logger.Warn("batch abandoned at shutdown; it will be redelivered", "consumer", c.name, "messages", len(batch), "error", err)
			return nil
		}
		c.logger.Warn("batch failed; retrying", "consumer", c.name, "messages", len(batch), "attempt", attempt, "error", err)
		select {
		case <-work.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
	if err := c.fetcher.CommitMessages(work, batch...); err != nil {
		if work.Err() != nil || errors.Is(err, context.Canceled) {
			c.logger.Warn("commit abandoned at shutdown; the batch will be redelivered", "consumer", c.name, "messages", len(batch))
			return nil
		}
		return fmt.Errorf("%s: commit: %w", c.name, err)
	}
	return nil
}
