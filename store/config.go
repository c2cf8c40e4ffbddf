package store

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/mcpaudit/mcpaudit/internal/tlsconf"
)

// Consumer group ids of the writer.
const (
	// GroupEvents consumes kafka.TopicEvents into events and tool_definitions.
	GroupEvents = "mcpaudit-store-events"
	// GroupAlerts consumes kafka.TopicAlerts into alerts.
	GroupAlerts = "mcpaudit-store-alerts"
)

// ClickHouseConfig says how to reach ClickHouse (native protocol).
type ClickHouseConfig struct {
	// Addr lists native protocol addresses (host:port, usually port 9000).
	Addr []string `yaml:"addr"`
	// Database holds the tables; Open creates it when missing. Default
	// "mcpaudit".
	Database string `yaml:"database"`
	// Username and Password authenticate; an empty Username means the
	// server's `default` user. Prefer PasswordFile or the
	// MCPAUDIT_CLICKHOUSE_PASSWORD environment variable to an inline
	// Password.
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	// PasswordFile names a file holding the password (one line; a trailing
	// newline is dropped). It wins over Password.
	PasswordFile string `yaml:"password_file"`
	// TLS protects the native protocol connection (the server's
	// tcp_port_secure, usually 9440).
	TLS tlsconf.Client `yaml:"tls"`
	// DialTimeout bounds connecting to one address. Default 5s.
	DialTimeout time.Duration `yaml:"dial_timeout"`
	// Cluster is reserved for ON CLUSTER DDL with Replicated and
	// Distributed tables; setting it is an error for now.
	Cluster string `yaml:"cluster"`
}

// DefaultClickHouseConfig returns the defaults: database mcpaudit, 5s dial
// timeout, no address (the all-in-one mode fills in its local server).
func DefaultClickHouseConfig() ClickHouseConfig {
	return ClickHouseConfig{Database: "mcpaudit", DialTimeout: 5 * time.Second}
}

var identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Validate reports the first invalid setting, naming its config key.
func (c ClickHouseConfig) Validate() error {
	switch {
	case len(c.Addr) == 0:
		return errors.New("clickhouse.addr: at least one host:port required")
	case !identRe.MatchString(c.Database):
		return fmt.Errorf("clickhouse.database: %q is not a plain identifier ([A-Za-z_][A-Za-z0-9_]*)", c.Database)
	case c.DialTimeout < 0:
		return errors.New("clickhouse.dial_timeout: must not be negative")
	case c.Cluster != "":
		return errors.New("clickhouse.cluster: cluster mode not supported yet")
	}
	if err := c.TLS.Validate(tlsconf.Under("clickhouse.tls")); err != nil {
		return err
	}
	for i, a := range c.Addr {
		if a == "" {
			return fmt.Errorf("clickhouse.addr[%d]: empty", i)
		}
	}
	return nil
}

// Config configures the writer role. Where rows go is the connection
// handed to New (Open with a ClickHouseConfig).
type Config struct {
	// EventsGroup is the consumer group for the events topic. Default
	// GroupEvents.
	EventsGroup string `yaml:"events_group"`
	// AlertsGroup is the consumer group for the alerts topic. Default
	// GroupAlerts.
	AlertsGroup string `yaml:"alerts_group"`
	// MaxBatch is the most messages inserted at once. Default 1000.
	MaxBatch int `yaml:"max_batch"`
	// MaxDelay is how long a batch waits for more messages after its first
	// one arrived; it bounds the added latency from Kafka to ClickHouse.
	// Default 200ms.
	MaxDelay time.Duration `yaml:"max_delay"`
	// InsertTimeout bounds one insert. Default 30s.
	InsertTimeout time.Duration `yaml:"insert_timeout"`
	// DrainTimeout bounds finishing the batch in hand at shutdown. Default
	// 10s.
	DrainTimeout time.Duration `yaml:"drain_timeout"`
}

// DefaultConfig returns the writer defaults.
func DefaultConfig() Config {
	return Config{
		EventsGroup:   GroupEvents,
		AlertsGroup:   GroupAlerts,
		MaxBatch:      1000,
		MaxDelay:      200 * time.Millisecond,
		InsertTimeout: 30 * time.Second,
		DrainTimeout:  10 * time.Second,
	}
}

// Validate reports the first invalid setting, naming its config key.
func (c Config) Validate() error {
	switch {
	case c.EventsGroup == "":
		return errors.New("store.events_group: required")
	case c.AlertsGroup == "":
		return errors.New("store.alerts_group: required")
	case c.EventsGroup == c.AlertsGroup:
		return errors.New("store.alerts_group: must differ from events_group")
	case c.MaxBatch < 1 || c.MaxBatch > 1_000_000:
		return fmt.Errorf("store.max_batch: %d out of range 1-1000000", c.MaxBatch)
	case c.MaxDelay <= 0:
		return errors.New("store.max_delay: must be positive")
	case c.InsertTimeout <= 0:
		return errors.New("store.insert_timeout: must be positive")
	case c.DrainTimeout <= 0:
		return errors.New("store.drain_timeout: must be positive")
	}
	return nil
}
