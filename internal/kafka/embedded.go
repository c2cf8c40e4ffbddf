package kafka

import (
	"fmt"
	"log/slog"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Embedded is an in-process Kafka-protocol broker (franz-go's kfake) for the
// all-in-one mode and tests. It listens on a free 127.0.0.1 port and, when
// given a data directory, persists topics, messages and committed group
// offsets there across restarts.
type Embedded struct {
	cluster *kfake.Cluster
}

// StartEmbedded starts a single-broker cluster. dataDir may be empty for a
// memory-only broker. The topics are created with partitions partitions.
func StartEmbedded(dataDir string, partitions int, topics ...string) (*Embedded, error) {
	opts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.ClusterID("mcpaudit-embedded"),
		kfake.DefaultNumPartitions(partitions),
		kfake.SeedTopics(int32(partitions), topics...),
	}
	if dataDir != "" {
		opts = append(opts, kfake.DataDir(dataDir))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("start embedded kafka: %w", err)
	}
	return &Embedded{cluster: c}, nil
}

// Brokers returns the broker addresses (host:port).
func (e *Embedded) Brokers() []string { return e.cluster.ListenAddrs() }

// Close stops the broker, flushing persisted state. Safe to call twice.
func (e *Embedded) Close() { e.cluster.Close() }

// LogValue makes Embedded print its brokers in slog attributes.
func (e *Embedded) LogValue() slog.Value { return slog.AnyValue(e.Brokers()) }
