package app

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mcpaudit/mcpaudit/internal/kafka"
)

// TestVerify lists configurations that a start would refuse (or that would
// fail at run time) and checks that Verify reports each, naming the config
// key, without starting anything; and that good ones pass.
func TestVerify(t *testing.T) {
	tmp := t.TempDir()
	notADir := filepath.Join(tmp, "file")
	if err := os.WriteFile(notADir, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	passwordFile := filepath.Join(tmp, "kafka-password")
	if err := os.WriteFile(passwordFile, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	external := func(c *Config) {
		c.Kafka.Brokers = []string{"kafka-1:9092"}
		c.ClickHouse.Addr = []string{"clickhouse:9000"}
	}
	up := func(c *Config) { c.DataDir = filepath.Join(tmp, "data") }
	tests := []struct {
		name  string
		roles Roles
		edit  func(*Config)
		want  []string // config keys the error must name; none: Verify passes
	}{
		{"up defaults", AllRoles, up, nil},
		{"detect with an extra rule dir", Roles{Detect: true}, func(c *Config) { external(c); c.Detect.RuleDirs = []string{"testdata/rules-ok"} }, nil},
		{"query needs no kafka", Roles{Query: true}, func(c *Config) { c.ClickHouse.Addr = []string{"clickhouse:9000"} }, nil},
		{"ingest needs no clickhouse", Roles{Ingest: true}, func(c *Config) { c.Kafka.Brokers = []string{"kafka-1:9092"} }, nil},
		{"sasl with a password file", Roles{Ingest: true}, func(c *Config) {
			external(c)
			c.Kafka.SASL = kafka.SASLConfig{Mechanism: "SCRAM-SHA-512", Username: "mcpaudit", PasswordFile: passwordFile}
		}, nil},

		{"missing rule dir", Roles{Detect: true}, func(c *Config) { external(c); c.Detect.RuleDirs = []string{filepath.Join(tmp, "no-such-rules")} }, []string{"detect.rule_dirs"}},
		{"broken rule file", Roles{Detect: true}, func(c *Config) { external(c); c.Detect.RuleDirs = []string{"testdata/rules-broken"} }, []string{"detect.rule_dirs", "broken.yaml"}},
		{"invalid grpc listen address", Roles{Ingest: true}, func(c *Config) { external(c); c.GRPCAddr = "localhost" }, []string{"grpc_addr"}},
		{"listen port out of range", Roles{Query: true}, func(c *Config) { external(c); c.HTTPAddr = "127.0.0.1:70000" }, []string{"http_addr"}},
		{"non-numeric listen port", Roles{Query: true}, func(c *Config) { external(c); c.HTTPAddr = "127.0.0.1:http" }, []string{"http_addr"}},
		{"missing clickhouse binary", AllRoles, func(c *Config) { up(c); c.ClickHouseBinary = "/nonexistent/clickhouse-server" }, []string{"clickhouse_binary"}},
		{"missing sasl password file", Roles{Ingest: true}, func(c *Config) {
			external(c)
			c.Kafka.SASL = kafka.SASLConfig{Mechanism: "PLAIN", Username: "mcpaudit", PasswordFile: filepath.Join(tmp, "missing")}
		}, []string{"kafka.sasl.password_file"}},
		{"missing clickhouse password file", Roles{Store: true}, func(c *Config) { external(c); c.ClickHouse.PasswordFile = filepath.Join(tmp, "missing") }, []string{"clickhouse.password_file"}},
		{"missing tls ca file", Roles{Query: true}, func(c *Config) {
			external(c)
			c.ClickHouse.TLS.Enabled = true
			c.ClickHouse.TLS.CAFile = filepath.Join(tmp, "missing-ca.pem")
		}, []string{"clickhouse.tls.ca_file"}},
		{"unknown sasl mechanism", Roles{Detect: true}, func(c *Config) {
			external(c)
			c.Kafka.SASL = kafka.SASLConfig{Mechanism: "GSSAPI", Username: "u"}
		}, []string{"kafka.sasl.mechanism"}},
		{"data dir is a file", AllRoles, func(c *Config) { c.DataDir = notADir }, []string{"data_dir"}},
		{"bad broker address", Roles{Store: true}, func(c *Config) { external(c); c.Kafka.Brokers = []string{"kafka-1"} }, []string{"kafka.brokers[0]"}},
		{"every problem at once", Roles{Detect: true, Query: true}, func(c *Config) {
			external(c)
			c.GRPCAddr = "nope"
			c.Detect.RuleDirs = []string{"testdata/rules-broken"}
			c.ClickHouse.PasswordFile = filepath.Join(tmp, "missing")
		}, []string{"grpc_addr", "detect.rule_dirs", "clickhouse.password_file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.edit(&cfg)
			err := Verify(cfg, tt.roles)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Verify = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Verify passed, want an error naming %v", tt.want)
			}
			for _, key := range tt.want {
				if !strings.Contains(err.Error(), key) {
					t.Errorf("Verify = %v\nwant it to name %s", err, key)
				}
			}
		})
	}
}

// TestVerifyLockedDataDir: a data dir held by a running `up` is reported
// with the holder's pid.
func TestVerifyLockedDataDir(t *testing.T) {
	dir := t.TempDir()
	lock, err := lockDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	cfg := DefaultConfig()
	cfg.DataDir = dir
	err = Verify(cfg, AllRoles)
	var locked *DataDirLockedError
	if !errors.As(err, &locked) || locked.PID != os.Getpid() || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())) {
		t.Fatalf("Verify = %v, want a DataDirLockedError naming %s and pid %d", err, dir, os.Getpid())
	}
}
