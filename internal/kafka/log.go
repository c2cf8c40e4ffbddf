package kafka

import (
	"context"
	"fmt"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

// NewLogReader returns a reader of partition 0 of topic, outside any
// consumer group, from the first offset: for topics that hold state (see
// Compacted), which every reader reads in full and then follows.
func NewLogReader(cfg ReaderConfig, topic string) *kafkago.Reader {
	maxWait := cfg.MaxWait
	if maxWait <= 0 {
		maxWait = 250 * time.Millisecond
	}
	return kafkago.NewReader(kafkago.ReaderConfig{
		Brokers:          cfg.Brokers,
		Topic:            topic,
		Partition:        0,
		Dialer:           cfg.Auth.dialer(),
		MinBytes:         1,
		MaxBytes:         16 << 20,
		MaxWait:          maxWait,
		ReadBatchTimeout: maxWait + time.Second,
		ReadBackoffMin:   10 * time.Millisecond,
		ReadBackoffMax:   250 * time.Millisecond,
		StartOffset:      kafkago.FirstOffset,
	})
}

// EndOffset returns the offset the next message of partition 0 of topic
// will get (the high watermark): a reader that has read the message before
// it has read everything written so far.
func EndOffset(ctx context.Context, brokers []string, auth ClientAuth, topic string) (int64, error) {
	if len(brokers) == 0 {
		return 0, ErrNoBrokers
	}
	client := NewClient(brokers, auth, 10*time.Second)
	defer client.Transport.(*kafkago.Transport).CloseIdleConnections()
	resp, err := client.ListOffsets(ctx, &kafkago.ListOffsetsRequest{
		Topics: map[string][]kafkago.OffsetRequest{topic: {kafkago.LastOffsetOf(0)}},
	})
	if err != nil {
		return 0, fmt.Errorf("list offsets of %s: %w", topic, err)
	}
	for _, p := range resp.Topics[topic] {
		if p.Partition == 0 {
			if p.Error != nil {
				return 0, fmt.Errorf("list offsets of %s: %w", topic, p.Error)
			}
			return p.LastOffset, nil
		}
	}
	return 0, fmt.Errorf("list offsets of %s: no partition 0 in the answer", topic)
}
