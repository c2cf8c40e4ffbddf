package app

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/mcpaudit/mcpaudit/detect"
	"github.com/mcpaudit/mcpaudit/ingest"
	"github.com/mcpaudit/mcpaudit/internal/auth"
	"github.com/mcpaudit/mcpaudit/internal/kafka"
	"github.com/mcpaudit/mcpaudit/internal/tlsconf"
	"github.com/mcpaudit/mcpaudit/query"
	"github.com/mcpaudit/mcpaudit/store"
)

// Config is the whole mcpaudit configuration: the YAML file given with
// --config, then environment and flag overrides. Each role reads its own
// section; the shared sections (kafka, clickhouse, auth) serve every role.
type Config struct {
	// DataDir holds the embedded broker's and the local ClickHouse server's
	// data in the all-in-one mode (`up`), the credentials `up` generates
	// for them (credentials.yaml, 0600) and the lock (mcpaudit.lock) that
	// keeps a second `up` out. Created 0700. Required there.
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
	// SASL authenticates to external brokers. The embedded broker uses the
	// credentials `up` generates instead.
	SASL kafka.SASLConfig `yaml:"sasl"`
	// TLS protects the connections to external brokers.
	TLS tlsconf.Client `yaml:"tls"`
}

// Environment variables that override secrets of the configuration (they
// win over password_file and password).
const (
	// EnvKafkaSASLPassword overrides kafka.sasl.password(_file).
	EnvKafkaSASLPassword = "MCPAUDIT_KAFKA_SASL_PASSWORD"
	// EnvClickHousePassword overrides clickhouse.password(_file).
	EnvClickHousePassword = "MCPAUDIT_CLICKHOUSE_PASSWORD"
)

// withSecretEnv returns c with the secrets the environment overrides.
func (c Config) withSecretEnv() Config {
	if v, ok := os.LookupEnv(EnvKafkaSASLPassword); ok {
		c.Kafka.SASL.Password, c.Kafka.SASL.PasswordFile = v, ""
	}
	if v, ok := os.LookupEnv(EnvClickHousePassword); ok {
		c.ClickHouse.Password, c.ClickHouse.PasswordFile = v, ""
	}
	return c
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

// Validate checks the sections the given roles use, without touching
// files or the network (Verify does that too), and returns every problem
// (errors.Join), each naming its config key. The query role, for
// instance, needs no Kafka settings and ingest and detect no ClickHouse.
func (c Config) Validate(r Roles) error {
	return errors.Join(c.problems(r)...)
}

func (c Config) problems(r Roles) []error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if c.ShutdownTimeout <= 0 {
		add(errors.New("shutdown_timeout: must be positive"))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		add(fmt.Errorf("log_level: %q is not one of debug, info, warn, error", c.LogLevel))
	}
	add(checkListenAddr("grpc_addr", c.GRPCAddr))
	add(checkListenAddr("http_addr", c.HTTPAddr))
	embeddedKafka := r.AllInOne && len(c.Kafka.Brokers) == 0
	localClickHouse := r.AllInOne && len(c.ClickHouse.Addr) == 0
	if r.usesKafka() {
		if c.Kafka.Partitions < 1 {
			add(errors.New("kafka.partitions: must be at least 1"))
		}
		if c.Kafka.ReplicationFactor < 1 {
			add(errors.New("kafka.replication_factor: must be at least 1"))
		}
		if len(c.Kafka.Brokers) == 0 && !r.AllInOne {
			add(errors.New("kafka.brokers: required (flag --kafka-brokers)"))
		}
		for i, b := range c.Kafka.Brokers {
			add(checkHostPort(fmt.Sprintf("kafka.brokers[%d]", i), b))
		}
		if embeddedKafka && (c.Kafka.SASL != (kafka.SASLConfig{}) || c.Kafka.TLS.Enabled) {
			add(errors.New("kafka.sasl, kafka.tls: only for external brokers (kafka.brokers); the embedded broker uses the credentials up generates"))
		} else {
			add(c.Kafka.SASL.Validate("kafka.sasl"))
			add(c.Kafka.TLS.Validate(tlsconf.Under("kafka.tls")))
		}
	}
	if r.usesClickHouse() {
		switch {
		case localClickHouse:
			if c.ClickHouse.Username != "" || c.ClickHouse.Password != "" || c.ClickHouse.PasswordFile != "" || c.ClickHouse.TLS.Enabled {
				add(errors.New("clickhouse.username, password, password_file, tls: only for an external server (clickhouse.addr); the local server uses the credentials up generates"))
			}
			cc := c.ClickHouse
			cc.Addr = []string{"127.0.0.1:0"} // filled in at start
			add(cc.Validate())
		case len(c.ClickHouse.Addr) == 0:
			add(errors.New("clickhouse.addr: required (flag --clickhouse-addr)"))
		default:
			add(c.ClickHouse.Validate())
			for i, a := range c.ClickHouse.Addr {
				add(checkHostPort(fmt.Sprintf("clickhouse.addr[%d]", i), a))
			}
		}
	}
	if r.AllInOne && c.DataDir == "" {
		add(errors.New("data_dir: required (flag --data-dir)"))
	}
	if r.Ingest || r.Query {
		add(c.Auth.Validate())
	}
	// Every role serves /healthz, /readyz and /metrics, so every role has
	// listeners to bound.
	var queryTimeout time.Duration
	if r.Query {
		queryTimeout = c.Query.QueryTimeout
	}
	add(c.Server.Validate(queryTimeout))
	checks := []struct {
		on  bool
		err func() error
	}{
		{r.Ingest, c.Ingest.Validate},
		{r.Detect, c.Detect.Validate},
		{r.Store, c.Store.Validate},
		{r.Query, c.Query.Validate},
	}
	for _, ch := range checks {
		if ch.on {
			add(ch.err())
		}
	}
	return errs
}

// checkListenAddr checks that addr is host:port with a numeric port
// 0-65535 (0 picks a free one), naming key.
func checkListenAddr(key, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%s: %q is not host:port: %w", key, addr, err)
	}
	if host != "" && strings.ContainsAny(host, " /") {
		return fmt.Errorf("%s: %q: invalid host", key, addr)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%s: %q: port must be a number 0-65535", key, addr)
	}
	return nil
}

// checkHostPort checks that addr is host:port with a host and a port
// 1-65535, naming key.
func checkHostPort(key, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%s: %q is not host:port: %w", key, addr, err)
	}
	n, err := strconv.Atoi(port)
	if host == "" || err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("%s: %q: want host:port with a port 1-65535", key, addr)
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

// usesKafka reports whether a role of r reads or writes Kafka.
func (r Roles) usesKafka() bool { return r.Ingest || r.Detect || r.Store }

// usesClickHouse reports whether a role of r reads or writes ClickHouse.
func (r Roles) usesClickHouse() bool { return r.Store || r.Query }

// AllRoles is what `mcpaudit up` runs.
var AllRoles = Roles{Ingest: true, Detect: true, Store: true, Query: true, AllInOne: true}
