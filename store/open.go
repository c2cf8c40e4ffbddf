package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/mcpaudit/mcpaudit/internal/tlsconf"
)

// codeUnknownDatabase is ClickHouse's UNKNOWN_DATABASE error code.
const codeUnknownDatabase = 81

// Open connects to ClickHouse over the native protocol (LZ4-compressed),
// creates cfg.Database when it is missing and returns a pooled connection
// whose default database is cfg.Database, so SQL names tables unqualified.
// It fails when cfg is invalid, a password or TLS file cannot be read, or
// the server does not answer a ping.
func Open(ctx context.Context, cfg ClickHouseConfig) (driver.Conn, error) {
	conn, err := Connect(cfg)
	if err != nil {
		return nil, err
	}
	if err := Ready(ctx, conn, cfg); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// Connect returns the pooled connection Open returns without any network
// I/O: connections are dialled when first used, and the pool replaces a
// broken connection with a new one on the next use, so the returned conn
// survives server restarts. Call Ready (with retries while the server is
// down) before relying on cfg.Database existing.
func Connect(cfg ClickHouseConfig) (driver.Conn, error) {
	cfg = withDefaults(cfg)
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return connect(cfg, cfg.Database)
}

// Ready pings the server through conn and, when cfg.Database does not
// exist yet, creates it (on a connection of its own) and pings again.
func Ready(ctx context.Context, conn driver.Conn, cfg ClickHouseConfig) error {
	cfg = withDefaults(cfg)
	err := conn.Ping(ctx)
	var ex *clickhouse.Exception
	if errors.As(err, &ex) && ex.Code == codeUnknownDatabase {
		if err := createDatabase(ctx, cfg); err != nil {
			return err
		}
		err = conn.Ping(ctx)
	}
	if err != nil {
		return fmt.Errorf("clickhouse ping %v: %w", cfg.Addr, err)
	}
	return nil
}

func withDefaults(cfg ClickHouseConfig) ClickHouseConfig {
	if cfg.Database == "" {
		cfg.Database = DefaultClickHouseConfig().Database
	}
	if cfg.DialTimeout == 0 {
		cfg.DialTimeout = DefaultClickHouseConfig().DialTimeout
	}
	return cfg
}

// ResolvePassword returns the password cfg authenticates with: the first line of
// PasswordFile when set, else Password.
func (c ClickHouseConfig) ResolvePassword() (string, error) {
	if c.PasswordFile == "" {
		return c.Password, nil
	}
	b, err := os.ReadFile(c.PasswordFile)
	if err != nil {
		return "", fmt.Errorf("clickhouse.password_file: %w", err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

func connect(cfg ClickHouseConfig, database string) (driver.Conn, error) {
	password, err := cfg.ResolvePassword()
	if err != nil {
		return nil, err
	}
	tlsConfig, err := cfg.TLS.Load(tlsconf.Under("clickhouse.tls"))
	if err != nil {
		return nil, err
	}
	conn, err := clickhouse.Open(&clickhouse.Options{
		Protocol:         clickhouse.Native,
		Addr:             cfg.Addr,
		Auth:             clickhouse.Auth{Database: database, Username: cfg.Username, Password: password},
		TLS:              tlsConfig,
		DialTimeout:      cfg.DialTimeout,
		ReadTimeout:      5 * time.Minute,
		Compression:      &clickhouse.Compression{Method: clickhouse.CompressionLZ4},
		MaxOpenConns:     16,
		MaxIdleConns:     4,
		ConnMaxLifetime:  time.Hour,
		ConnOpenStrategy: clickhouse.ConnOpenInOrder,
	})
	if err != nil {
		return nil, fmt.Errorf("clickhouse open: %w", err)
	}
	return conn, nil
}

func createDatabase(ctx context.Context, cfg ClickHouseConfig) error {
	conn, err := connect(cfg, "")
	if err != nil {
		return err
	}
	defer conn.Close()
	// cfg.Database was validated as a plain identifier.
	if err := conn.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+cfg.Database); err != nil {
		return fmt.Errorf("create database %s: %w", cfg.Database, err)
	}
	return nil
}
