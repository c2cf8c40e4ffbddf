package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

// DefaultMaxMessageBytes is Apache Kafka's default message.max.bytes
// (1,048,588 bytes, KIP-74's 1 MiB plus the 12-byte log overhead): the
// largest record batch a broker accepts when neither the topic nor the
// broker configures another figure. franz-go's kfake uses the same default.
// MaxMessageBytes returns it when the brokers do not say.
const DefaultMaxMessageBytes = 1_048_588

// Sizes of the Kafka record batch format (magic 2, see
// https://kafka.apache.org/documentation/#recordbatch) that kafka-go's Writer
// does not count against WriterConfig.BatchBytes.
const (
	// recordBatchOverhead is the fixed record batch header: base offset (8),
	// batch length (4), partition leader epoch (4), magic (1), CRC (4),
	// attributes (2), last offset delta (4), base and max timestamps (8+8),
	// producer id (8), producer epoch (2), base sequence (4), record count
	// (4). The broker measures this header against message.max.bytes too.
	recordBatchOverhead = 61
	// recordSlack bounds, per record, how much more the record format takes
	// than kafka-go's per-message count (which uses the legacy message-set
	// sizes: 4+1+1 bytes, a 4-byte length for key and for value, an 8-byte
	// timestamp). A record's varint length, attributes, timestamp delta,
	// offset delta and key and value lengths take at most 5+1+10+5+5+5 = 31
	// bytes against the 22 counted; 16 leaves room.
	recordSlack = 16
	// minBatchBytes is the smallest figure BatchBytesFor returns.
	minBatchBytes = 1 << 10
)

// Config names, as Apache Kafka spells them.
const (
	// ConfigTopicMaxMessageBytes is the topic-level limit on a record batch.
	ConfigTopicMaxMessageBytes = "max.message.bytes"
	// ConfigBrokerMessageMaxBytes is the broker-level limit, the default for
	// topics that do not set max.message.bytes.
	ConfigBrokerMessageMaxBytes = "message.max.bytes"
)

// configSourceDynamicTopic is DescribeConfigs' DYNAMIC_TOPIC_CONFIG source:
// the value was set on the topic itself (KIP-226).
const configSourceDynamicTopic = 1

// errNoLimit says the brokers answered without a usable limit.
var errNoLimit = errors.New("brokers reported neither max.message.bytes nor message.max.bytes")

// MaxMessageBytes returns the largest record batch, in bytes, that the
// brokers accept on topic, as DescribeConfigs (Kafka API key 32) reports it:
// the topic's max.message.bytes when the topic overrides it, else the
// smallest message.max.bytes of the brokers in the cluster metadata, else
// the topic's max.message.bytes as reported (which Apache Kafka derives from
// the broker's figure). It connects with auth, as every mcpaudit client
// does. The call is bounded by ctx and by a 10s client timeout.
//
// When the brokers cannot be reached, refuse the request (ACLs), or report
// no usable figure, MaxMessageBytes logs the reason at Warn on logger (nil
// for none) and returns DefaultMaxMessageBytes; it never fails, so a role
// can start while its broker is down. Found figures are logged at Info with
// the config they came from.
//
// The figure bounds a whole record batch; use BatchBytesFor to turn it into
// a WriterConfig.BatchBytes that kafka-go's batching keeps below it.
func MaxMessageBytes(ctx context.Context, brokers []string, auth ClientAuth, topic string, logger *slog.Logger) int {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	n, source, err := describeMaxMessageBytes(ctx, brokers, auth, topic)
	if err != nil {
		logger.Warn("kafka message limit unknown: using the default", "topic", topic, "max_message_bytes", DefaultMaxMessageBytes, "error", err)
		return DefaultMaxMessageBytes
	}
	logger.Info("kafka message limit", "topic", topic, "max_message_bytes", n, "source", source)
	return n
}

// describeMaxMessageBytes asks the cluster for topic's limit and returns it
// with the name of the config it came from.
func describeMaxMessageBytes(ctx context.Context, brokers []string, auth ClientAuth, topic string) (int, string, error) {
	if len(brokers) == 0 {
		return 0, "", ErrNoBrokers
	}
	client := NewClient(brokers, auth, 10*time.Second)
	md, err := client.Metadata(ctx, &kafkago.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return 0, "", fmt.Errorf("metadata: %w", err)
	}
	req := &kafkago.DescribeConfigsRequest{Resources: []kafkago.DescribeConfigRequestResource{{
		ResourceType: kafkago.ResourceTypeTopic,
		ResourceName: topic,
		ConfigNames:  []string{ConfigTopicMaxMessageBytes},
	}}}
	for _, b := range md.Brokers {
		req.Resources = append(req.Resources, kafkago.DescribeConfigRequestResource{
			ResourceType: kafkago.ResourceTypeBroker,
			ResourceName: strconv.Itoa(b.ID),
			ConfigNames:  []string{ConfigBrokerMessageMaxBytes},
		})
	}
	resp, err := client.DescribeConfigs(ctx, req)
	if err != nil {
		return 0, "", fmt.Errorf("describe configs: %w", err)
	}
	var (
		topicValue, brokerValue int
		topicOverride           bool
		errs                    []error
	)
	for _, r := range resp.Resources {
		if r.Error != nil {
			errs = append(errs, fmt.Errorf("describe configs of %s: %w", r.ResourceName, r.Error))
			continue
		}
		for _, e := range r.ConfigEntries {
			v, err := strconv.Atoi(e.ConfigValue)
			if err != nil || v <= 0 {
				continue
			}
			switch {
			case kafkago.ResourceType(r.ResourceType) == kafkago.ResourceTypeTopic && e.ConfigName == ConfigTopicMaxMessageBytes:
				topicValue = v
				topicOverride = e.ConfigSource == configSourceDynamicTopic
			case kafkago.ResourceType(r.ResourceType) == kafkago.ResourceTypeBroker && e.ConfigName == ConfigBrokerMessageMaxBytes:
				if brokerValue == 0 || v < brokerValue {
					brokerValue = v
				}
			}
		}
	}
	switch {
	case topicOverride:
		return topicValue, "topic " + ConfigTopicMaxMessageBytes, nil
	case brokerValue > 0:
		return brokerValue, "broker " + ConfigBrokerMessageMaxBytes, nil
	case topicValue > 0:
		return topicValue, "topic " + ConfigTopicMaxMessageBytes, nil
	}
	return 0, "", errors.Join(append([]error{errNoLimit}, errs...)...)
}

// BatchBytesFor returns the WriterConfig.BatchBytes that keeps every record
// batch kafka-go's Writer produces within maxMessageBytes (the broker's limit,
// from MaxMessageBytes) when batches hold up to batchSize messages
// (WriterConfig.BatchSize; 0 means its default of 1000). kafka-go counts a
// message with MessageSize, which leaves out the 61-byte record batch header
// and part of each record's framing; BatchBytesFor takes both off, with
// margin. The result is never below 1 KiB. No compression is assumed
// (mcpaudit configures none); compression only makes batches smaller.
func BatchBytesFor(maxMessageBytes, batchSize int) int {
	if batchSize <= 0 {
		batchSize = 1000
	}
	return max(minBatchBytes, maxMessageBytes-recordBatchOverhead-batchSize*recordSlack)
}

// MessageSize returns the size of m, in bytes, as kafka-go's Writer counts it
// against WriterConfig.BatchBytes (kafka-go v0.4's Message.totalSize): 22
// bytes of framing, the key and the value, and the headers with varint
// lengths. A message larger than the writer's BatchBytes is refused before
// anything is sent (kafkago.MessageTooLargeError); smaller ones are grouped
// per partition into batches of at most BatchBytes by this count.
func MessageSize(m kafkago.Message) int {
	n := 4 + 1 + 1 + 4 + len(m.Key) + 4 + len(m.Value) + 8
	n += varintLen(len(m.Headers))
	for _, h := range m.Headers {
		n += varintLen(len(h.Key)) + len(h.Key) + varintLen(len(h.Value)) + len(h.Value)
	}
	return n
}

// varintLen is the length of n as a zig-zag varint, as kafka-go sizes it.
func varintLen(n int) int {
	u := uint64((int64(n) << 1) ^ (int64(n) >> 63))
	l := 1
	for u >= 0x80 {
		u >>= 7
		l++
	}
	return l
}
