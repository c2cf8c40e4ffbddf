package app

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const examplePath = "../../../deployments/mcpaudit.example.yaml"

// TestExampleConfigMatchesDefaults keeps deployments/mcpaudit.example.yaml
// true: it must name every key the code knows, and its values must be the
// defaults.
func TestExampleConfigMatchesDefaults(t *testing.T) {
	got, err := LoadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	if want := DefaultConfig(); !reflect.DeepEqual(normaliseEmpty(got), normaliseEmpty(want)) {
		t.Errorf("example values differ from DefaultConfig():\n got %+v\nwant %+v", got, want)
	}
	b, err := yaml.Marshal(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	var codeKeys, fileKeys map[string]any
	if err := yaml.Unmarshal(b, &codeKeys); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, &fileKeys); err != nil {
		t.Fatal(err)
	}
	if got, want := keyPaths("", fileKeys), keyPaths("", codeKeys); !slices.Equal(got, want) {
		t.Errorf("example keys:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestValidateNamesKey(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Config)
		roles Roles
		want  string
	}{
		{"up needs a data dir", func(c *Config) {}, AllRoles, "data_dir"},
		{"role needs brokers", func(c *Config) {}, Roles{Ingest: true}, "kafka.brokers"},
		{"store needs clickhouse", func(c *Config) { c.Kafka.Brokers = []string{"k:9092"} }, Roles{Store: true}, "clickhouse.addr"},
		{"log level", func(c *Config) { c.DataDir = "d"; c.LogLevel = "loud" }, AllRoles, "log_level"},
		{"partitions", func(c *Config) { c.DataDir = "d"; c.Kafka.Partitions = 0 }, AllRoles, "kafka.partitions"},
		{"ingest section", func(c *Config) { c.DataDir = "d"; c.Ingest.MaxBatchEvents = 0 }, AllRoles, "ingest.max_batch_events"},
		{"query needs clickhouse", func(c *Config) {}, Roles{Query: true}, "clickhouse.addr"},
		{"listen address", func(c *Config) { c.DataDir = "d"; c.HTTPAddr = "7080" }, AllRoles, "http_addr"},
		{"sasl on the embedded broker", func(c *Config) { c.DataDir = "d"; c.Kafka.SASL.Mechanism = "PLAIN" }, AllRoles, "kafka.sasl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.edit(&cfg)
			err := cfg.Validate(tt.roles)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v, want an error naming %s", err, tt.want)
			}
		})
	}
	cfg := DefaultConfig()
	cfg.DataDir = "d"
	if err := cfg.Validate(AllRoles); err != nil {
		t.Fatalf("defaults with a data dir: %v", err)
	}
	// Each role validates only what it uses: query never asks for Kafka,
	// ingest and detect never for ClickHouse.
	for _, tt := range []struct {
		roles Roles
		edit  func(*Config)
	}{
		{Roles{Query: true}, func(c *Config) { c.ClickHouse.Addr = []string{"ch:9000"}; c.Kafka.Partitions = 0 }},
		{Roles{Ingest: true}, func(c *Config) { c.Kafka.Brokers = []string{"k:9092"}; c.ClickHouse.Database = "not-an-ident" }},
		{Roles{Detect: true}, func(c *Config) { c.Kafka.Brokers = []string{"k:9092"}; c.Query.QueryTimeout = 0 }},
	} {
		cfg := DefaultConfig()
		tt.edit(&cfg)
		if err := cfg.Validate(tt.roles); err != nil {
			t.Errorf("Validate(%+v) = %v, want nil", tt.roles, err)
		}
	}
}

// normaliseEmpty makes nil and empty slices compare equal.
func normaliseEmpty(c Config) Config {
	if len(c.Kafka.Brokers) == 0 {
		c.Kafka.Brokers = nil
	}
	if len(c.ClickHouse.Addr) == 0 {
		c.ClickHouse.Addr = nil
	}
	if len(c.Auth.Tokens) == 0 {
		c.Auth.Tokens = nil
	}
	if len(c.Detect.RuleDirs) == 0 {
		c.Detect.RuleDirs = nil
	}
	return c
}

func keyPaths(prefix string, m map[string]any) []string {
	var out []string
	for k, v := range m {
		p := prefix + k
		out = append(out, p)
		if sub, ok := v.(map[string]any); ok {
			out = append(out, keyPaths(p+".", sub)...)
		}
	}
	slices.Sort(out)
	return out
}
