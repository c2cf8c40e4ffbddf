package kafka

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Embedded is an in-process Kafka-protocol broker (franz-go's kfake) for the
// all-in-one mode and tests. It listens on 127.0.0.1 and, when given a data
// directory, persists topics, messages and committed group offsets there
// across restarts.
type Embedded struct {
	cluster *kfake.Cluster
}

// EmbeddedConfig configures an embedded broker.
type EmbeddedConfig struct {
	// DataDir persists the broker's state; empty keeps it in memory.
	DataDir string
	// Partitions is the partition count of Topics and of topics created
	// without one.
	Partitions int
	// Topics are created at first start.
	Topics []string
	// Port is the listening port on 127.0.0.1; 0 picks a free one.
	Port int
	// Username and Password, when Username is not empty, make the broker
	// require SASL/SCRAM-SHA-256 on every connection and know this one user,
	// a superuser. Empty: no authentication (tests).
	Username, Password string
}

// StartEmbedded starts a single-broker cluster without authentication on a
// free port. dataDir may be empty for a memory-only broker. The topics are
// created with partitions partitions.
func StartEmbedded(dataDir string, partitions int, topics ...string) (*Embedded, error) {
	return StartEmbeddedWith(EmbeddedConfig{DataDir: dataDir, Partitions: partitions, Topics: topics})
}

// saslStateFile is where kfake persists its SASL users in its data
// directory. It is removed before a start with credentials: the
// credentials handed to StartEmbeddedWith are the only users, and a
// persisted set (from an older start, or from a broker that had none) would
// otherwise replace them.
const saslStateFile = "sasl.json"

// StartEmbeddedWith starts a single-broker cluster configured by cfg.
func StartEmbeddedWith(cfg EmbeddedConfig) (*Embedded, error) {
	opts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.ClusterID("mcpaudit-embedded"),
		kfake.DefaultNumPartitions(cfg.Partitions),
		kfake.SeedTopics(int32(cfg.Partitions), cfg.Topics...),
	}
	if cfg.Port != 0 {
		opts = append(opts, kfake.Ports(cfg.Port))
	}
	if cfg.DataDir != "" {
		opts = append(opts, kfake.DataDir(cfg.DataDir))
	}
	if cfg.Username != "" {
		if cfg.Password == "" {
			return nil, errors.New("start embedded kafka: a SASL user needs a password")
		}
		if cfg.DataDir != "" {
			if err := os.Remove(filepath.Join(cfg.DataDir, saslStateFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("start embedded kafka: %w", err)
			}
		}
		opts = append(opts, kfake.EnableSASL(), kfake.Superuser(MechanismSCRAMSHA256, cfg.Username, cfg.Password))
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
