package kafka

import (
	"context"
	"log/slog"
	"time"

	"github.com/cenkalti/backoff/v5"
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

// Consumer runs a BatchHandler over a consumer group, at least once. It
// survives its brokers: fetch and commit errors are logged (at most once per
// 10s per kind, with the count left out) and retried with capped exponential
// backoff and jitter, never returned.
type Consumer struct {
	fetcher Fetcher
	handler BatchHandler
	cfg     ConsumerConfig
	logger  *slog.Logger
	name    string

	fetchLog, handleLog, commitLog *logLimiter
}

// Retry bounds of a Consumer.
const (
	// fetchBackoffMax caps the wait between two failed fetches.
	fetchBackoffMax = 10 * time.Second
	// handlerBackoffMax caps the wait between two failed handler calls.
	handlerBackoffMax = 5 * time.Second
	// commitTimeout bounds one commit attempt: kafka-go queues a commit
	// until the reader has a group generation again, which during an
	// outage is never.
	commitTimeout = 10 * time.Second
	// commitAttempts bounds the attempts to commit one handled batch;
	// after them the batch is left for redelivery.
	commitAttempts = 6
)

// NewConsumer returns a Consumer that reads from f. name labels its logs.
func NewConsumer(name string, f Fetcher, cfg ConsumerConfig, h BatchHandler, logger *slog.Logger) *Consumer {
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 1000
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = 200 * time.Millisecond
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Consumer{
		fetcher: f, handler: h, cfg: cfg, logger: logger, name: name,
		fetchLog: newLogLimiter(logInterval), handleLog: newLogLimiter(logInterval), commitLog: newLogLimiter(logInterval),
	}
}

// newBackoff returns capped exponential backoff with ±50% jitter, from
// 100ms up to max.
func newBackoff(max time.Duration) *backoff.ExponentialBackOff {
	b := &backoff.ExponentialBackOff{
		InitialInterval:     100 * time.Millisecond,
		RandomizationFactor: 0.5,
		Multiplier:          2,
		MaxInterval:         max,
	}
	b.Reset()
	return b
}

// Run fetches batches and hands them to the handler until ctx is done, then
// returns nil. A batch is committed only after the handler returned nil for
// it. When ctx is cancelled, Run finishes the batch in hand (handler and
// commit) using a context that is not cancelled but bounded by
// drainTimeout. Fetch errors (brokers down, group rebalancing) are retried
// with backoff until ctx is done, so Run returns nil; the error result is
// kept for the roles whose Run returns it.
func (c *Consumer) Run(ctx context.Context, drainTimeout time.Duration) error {
	bo := newBackoff(fetchBackoffMax)
	failing := false
	for {
		batch, err := c.fetchBatch(ctx)
		if len(batch) > 0 {
			c.process(ctx, batch, drainTimeout)
		}
		if err == nil {
			if failing {
				c.logger.Info("kafka fetch recovered", "consumer", c.name)
				c.fetchLog.reset()
				failing = false
			}
			bo.Reset()
			continue
		}
		if ctx.Err() != nil {
			return nil
		}
		failing = true
		wait := bo.NextBackOff()
		if skipped, ok := c.fetchLog.allow(); ok {
			c.logger.Warn("kafka fetch failed; retrying", "consumer", c.name, "backoff", wait, "error", err, "suppressed", skipped)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
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

// process calls the handler until it succeeds, then commits. It gives up
// only at shutdown (the batch is then redelivered to the next owner).
//
// Committing a batch handled after an outage is never wrong: kafka-go hands
// out only messages of the reader's current group generation, and a
// partition's stream restarts at the committed offset after a rebalance, so
// every offset up to the batch's last one on a partition was handled by
// this consumer. A commit that lands after another member took the
// partition over can only move its offset back, which means redelivery;
// redelivery is harmless because event_id and alert_id are idempotency keys.
func (c *Consumer) process(ctx context.Context, batch []kafkago.Message, drainTimeout time.Duration) {
	// The batch in hand is finished even when ctx is cancelled meanwhile, so a
	// shutdown does not leave work half done; the drain is bounded.
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(drainTimeout, cancel)
		context.AfterFunc(work, func() { t.Stop() })
	})
	defer stop()

	bo := newBackoff(handlerBackoffMax)
	for attempt := 1; ; attempt++ {
		err := c.handler(work, batch)
		if err == nil {
			if attempt > 1 {
				c.logger.Info("batch succeeded after retries", "consumer", c.name, "messages", len(batch), "attempts", attempt)
				c.handleLog.reset()
			}
			break
		}
		if work.Err() != nil {
			c.logger.Warn("batch abandoned at shutdown; it will be redelivered", "consumer", c.name, "messages", len(batch), "error", err)
			return
		}
		wait := bo.NextBackOff()
		if skipped, ok := c.handleLog.allow(); ok {
			c.logger.Warn("batch failed; retrying", "consumer", c.name, "messages", len(batch), "attempt", attempt, "backoff", wait, "error", err, "suppressed", skipped)
		}
		select {
		case <-work.Done():
			c.logger.Warn("batch abandoned at shutdown; it will be redelivered", "consumer", c.name, "messages", len(batch))
			return
		case <-time.After(wait):
		}
	}
	c.commit(work, batch)
}

// commit commits batch's offsets, retrying a bounded number of times. A
// batch whose commit failed is redelivered after the next rebalance or
// restart, or covered by the next batch's commit on the same partitions.
func (c *Consumer) commit(work context.Context, batch []kafkago.Message) {
	bo := newBackoff(handlerBackoffMax)
	for attempt := 1; ; attempt++ {
		cctx, cancel := context.WithTimeout(work, commitTimeout)
		err := c.fetcher.CommitMessages(cctx, batch...)
		cancel()
		if err == nil {
			if attempt > 1 {
				c.logger.Info("kafka commit succeeded after retries", "consumer", c.name, "messages", len(batch), "attempts", attempt)
				c.commitLog.reset()
			}
			return
		}
		if work.Err() != nil {
			c.logger.Warn("commit abandoned at shutdown; the batch will be redelivered", "consumer", c.name, "messages", len(batch))
			return
		}
		if attempt >= commitAttempts {
			c.logger.Warn("kafka commit failed; the batch will be redelivered", "consumer", c.name, "messages", len(batch), "attempts", attempt, "error", err)
			return
		}
		wait := bo.NextBackOff()
		if skipped, ok := c.commitLog.allow(); ok {
			c.logger.Warn("kafka commit failed; retrying", "consumer", c.name, "messages", len(batch), "attempt", attempt, "backoff", wait, "error", err, "suppressed", skipped)
		}
		select {
		case <-work.Done():
			c.logger.Warn("commit abandoned at shutdown; the batch will be redelivered", "consumer", c.name, "messages", len(batch))
			return
		case <-time.After(wait):
		}
	}
}
