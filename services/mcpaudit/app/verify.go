package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mcpaudit/mcpaudit/internal/localch"
	"github.com/mcpaudit/mcpaudit/internal/tlsconf"
)

// Verify checks everything a start of roles with cfg would check, without
// starting anything, binding a port or connecting anywhere, and returns
// every problem found (errors.Join), each naming its config key:
//   - Config.Validate: every section the roles use, listen addresses
//     (host:port with a numeric port 0-65535), broker and server addresses;
//   - detect: the rules load and compile (built-in pack and detect.rule_dirs;
//     a missing or broken rule dir is an error);
//   - credentials: kafka.sasl.password_file and clickhouse.password_file are
//     readable, kafka.tls and clickhouse.tls CA files parse and certificate
//     and key pairs load;
//   - up: data_dir is a directory that can be created or written, not held
//     by another `up`, its credentials.yaml (if any) is 0600 and complete,
//     and a ClickHouse server binary is found when no clickhouse.addr is set.
//
// The environment overrides of secrets (MCPAUDIT_KAFKA_SASL_PASSWORD,
// MCPAUDIT_CLICKHOUSE_PASSWORD) apply as at start.
func Verify(cfg Config, r Roles) error {
	cfg = cfg.withSecretEnv()
	errs := cfg.problems(r)
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if r.Detect {
		if _, err := cfg.Detect.LoadRules(); err != nil {
			add(fmt.Errorf("detect.rule_dirs: %w", err))
		}
	}
	embeddedKafka := r.AllInOne && len(cfg.Kafka.Brokers) == 0
	localClickHouse := r.AllInOne && len(cfg.ClickHouse.Addr) == 0
	if r.usesKafka() && !embeddedKafka {
		if _, err := externalKafkaAuth(cfg.Kafka); err != nil {
			add(err)
		}
	}
	if r.usesClickHouse() && !localClickHouse {
		if _, err := cfg.ClickHouse.ResolvePassword(); err != nil {
			add(err)
		}
		if _, err := cfg.ClickHouse.TLS.Load(tlsconf.Under("clickhouse.tls")); err != nil {
			add(err)
		}
	}
	if r.AllInOne && cfg.DataDir != "" {
		add(checkDataDir(cfg.DataDir))
		if r.usesClickHouse() && localClickHouse {
			if _, _, err := localch.FindBinary(cfg.ClickHouseBinary); err != nil {
				add(fmt.Errorf("clickhouse_binary: %w", err))
			}
		}
	}
	return errors.Join(errs...)
}

// checkDataDir reports whether `up` could use dir: an existing directory it
// can write to (or a path it can create), not locked by another process,
// with a usable credentials.yaml if there is one.
func checkDataDir(dir string) error {
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		// It will be created: the nearest existing parent must be writable.
		parent := filepath.Dir(filepath.Clean(dir))
		for {
			pst, perr := os.Stat(parent)
			if perr == nil {
				if !pst.IsDir() {
					return fmt.Errorf("data_dir: %s: %s is not a directory", dir, parent)
				}
				return writable("data_dir", parent)
			}
			if !errors.Is(perr, fs.ErrNotExist) || parent == filepath.Dir(parent) {
				return fmt.Errorf("data_dir: %w", perr)
			}
			parent = filepath.Dir(parent)
		}
	}
	if err != nil {
		return fmt.Errorf("data_dir: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("data_dir: %s is not a directory", dir)
	}
	if err := writable("data_dir", dir); err != nil {
		return err
	}
	if err := probeDataDirLock(dir); err != nil {
		return err
	}
	if _, err := readCredentials(filepath.Join(dir, credentialsFileName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("data_dir: %w", err)
	}
	return nil
}

// writable creates and removes a file in dir.
func writable(key, dir string) error {
	f, err := os.CreateTemp(dir, ".mcpaudit-verify-*")
	if err != nil {
		return fmt.Errorf("%s: %s is not writable: %w", key, dir, err)
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}
