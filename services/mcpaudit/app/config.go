package app

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/mcpaudit/mcpaudit/detect"
	"github.com/mcpaudit/mcpaudit/ingest"
	"github.com/mcpaudit/mcpaudit/internal/auth"
	"github.com/mcpaudit/mcpaudit/query"
	"github.com/mcpaudit/mcpaudit/store"
)

// Config is the whole mcpaudit configuration: the YAML file given with
// --config, then environment and flag overrides. Each role reads its own
// section; the shared sections (kafka, clickhouse, auth) serve every role.
type Config struct {
	// DataDir holds the embedded broker's and the local ClickHouse server's
	// data in the all-in-one mode (`up`). Required there.
	DataDir string `yaml:"data_dir"`
	// GRPCAddr is where the gRPC APIs (ingest, query) listen. Default
	// 127.0.0.1:7070.
	GRPCAddr string `yaml:"grpc_addr"`
	// HTTPAddr is where the REST APIs, /healthz and /metrics listen. Default
	// 127.0.0.1:7080.
	HTTPAddr string `yaml:"http_addr"`
	// Server bounds the gRPC and HTTP listeners (timeouts, connection cap)
	// and turns on TLS.
	Server ServerConfig `yaml:"server"`
	// ShutdownTimeout bounds the drain of in-flight work on SIGINT/SIGTERM.
	// Default 15s.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// LogLevel is debug, info, warn or error. Default info.
	LogLevel string `yaml:"log_level"`
	// Kafka is the broker connection shared by all roles.
	Kafka KafkaConfig `yaml:"kafka"`
	// ClickHouse is the server the store and query roles use. Empty Addr in
	// the all-in-one mode starts a local server under DataDir.
	ClickHouse store.ClickHouseConfig `yaml:"clickhouse"`
	// ClickHouseBinary is the clickhouse-server executable the all-in-one
	// mode starts; empty looks it up in PATH and /usr/sbin.
	ClickHouseBinary string `yaml:"clickhouse_binary"`
	// Auth holds the API credentials.
	Auth auth.Config `yaml:"auth"`
	// Ingest configures the collector role.
	Ingest ingest.Config `yaml:"ingest"`
	// Detect configures the detection role.
	Detect detect.Config `yaml:"detect"`
	// Store configures the ClickHouse writer role.
	Store store.Config `yaml:"store"`
	// Query configures the query API role.
	Query query.Config `yaml:"query"`
}

// KafkaConfig is the Kafka connection.
type KafkaConfig struct {
	// Brokers are bootstrap addresses (host:port). Empty in the all-in-one
	// mode starts the embedded broker.
	Brokers []string `yaml:"brokers"`
	// Partitions of the topics mcpaudit creates when they are missing.
	// Default 6.
	Partitions int `yaml:"partitions"`
	// ReplicationFactor of the topics mcpaudit creates. Default 1; use 3 on
	// a production cluster.
	ReplicationFactor int `yaml:"replication_factor"`
}

// DefaultConfig returns the defaults of every section.
func DefaultConfig() Config {
	return Config{
		GRPCAddr:        "127.0.0.1:7070",
		HTTPAddr:        "127.0.0.1:7080",
		Server:          DefaultServerConfig(),
		ShutdownTimeout: 15 * time.Second,
		LogLevel:        "info",
		Kafka:           KafkaConfig{Partitions: 6, ReplicationFactor: 1},
		ClickHouse:      store.DefaultClickHouseConfig(),
		Ingest:          ingest.DefaultConfig(),
		Detect:          detect.DefaultConfig(),
		Store:           store.DefaultConfig(),
		Query:           query.DefaultConfig(),
	}
}

// LoadFile reads a YAML config file over the defaults. Unknown keys are an
// error, so a misspelt key does not silently fall back to a default.
func LoadFile(path string) (Config, error) {
	cfg := DefaultConfig()
	b, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("read config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return cfg, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// Validate checks the sections the given roles use and names the offending
// config key.
func (c Config) Validate(r Roles) error {
	if c.ShutdownTimeout <= 0 {
		return errors.New("shutdown_timeout: must be positive")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log_level: %q is not one of debug, info, warn, error", c.LogLevel)
	}
	if c.Kafka.Partitions < 1 {
		return errors.New("kafka.partitions: must be at least 1")
	}
	if c.Kafka.ReplicationFactor < 1 {
		return errors.New("kafka.replication_factor: must be at least 1")
	}
	if !r.AllInOne {
		if len(c.Kafka.Brokers) == 0 && (r.Ingest || r.Detect || r.Store) {
			return errors.New("kafka.brokers: required (flag --kafka-brokers)")
		}
		if (r.Store || r.Query) && len(c.ClickHouse.Addr) == 0 {
			return errors.New("clickhouse.addr: required (flag --clickhouse-addr)")
		}
	} else if c.DataDir == "" {
		return errors.New("data_dir: required (flag --data-dir)")
	}
	if err := c.Auth.Validate(); err != nil {
		return err
	}
	if r.Ingest || r.Query {
		var queryTimeout time.Duration
		if r.Query {
			queryTimeout = c.Query.QueryTimeout
		}
		if err := c.Server.Validate(queryTimeout); err != nil {
			return err
		}
	}
	checks := []struct {
		on  bool
		err func() error
	}{
		{r.Ingest, c.Ingest.Validate},
		{r.Detect, c.Detect.Validate},
		{r.Store, c.Store.Validate},
		{r.Query, c.Query.Validate},
		{(r.Store || r.Query) && len(c.ClickHouse.Addr) > 0, c.ClickHouse.Validate},
	}
	for _, ch := range checks {
		if ch.on {
			if err := ch.err(); err != nil {
				return err
			}
		}
	}
	return nil
}

// Roles selects what a process runs.
type Roles struct {
	// Ingest runs the collector.
	Ingest bool
	// Detect runs the detection engine.
	Detect bool
	// Store runs the ClickHouse writer.
	Store bool
	// Query runs the query API.
	Query bool
	// AllInOne starts the embedded broker and a local ClickHouse server when
	// none is configured.
	AllInOne bool
}

// AllRoles is what `mcpaudit up` runs.
var AllRoles = Roles{Ingest: true, Detect: true, Store: true, Query: true, AllInOne: true}
