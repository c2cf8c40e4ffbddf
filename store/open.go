package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// codeUnknownDatabase is ClickHouse's UNKNOWN_DATABASE error code.
const codeUnknownDatabase = 81

// Open connects to ClickHouse over the native protocol (LZ4-compressed),
// creates cfg.Database when it is missing and returns a pooled connection
// whose default database is cfg.Database, so SQL names tables unqualified.
// It fails when cfg is invalid or the server does not answer a ping.
func Open(ctx context.Context, cfg ClickHouseConfig) (driver.Conn, error) {
	if cfg.Database == "" {
		cfg.Database = DefaultClickHouseConfig().Database
	}
	if cfg.DialTimeout == 0 {
		cfg.DialTimeout = DefaultClickHouseConfig().DialTimeout
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	conn, err := connect(ctx, cfg, cfg.Database)
	var ex *clickhouse.Exception
	if errors.As(err, &ex) && ex.Code == codeUnknownDatabase {
		if err := createDatabase(ctx, cfg); err != nil {
			return nil, err
		}
		conn, err = connect(ctx, cfg, cfg.Database)
	}
	if err != nil {
		return nil, err
	}
	return conn, nil
}

func connect(ctx context.Context, cfg ClickHouseConfig, database string) (driver.Conn, error) {
	conn, err := clickhouse.Open(&clickhouse.Options{
		Protocol:         clickhouse.Native,
		Addr:             cfg.Addr,
		Auth:             clickhouse.Auth{Database: database, Username: cfg.Username, Password: cfg.Password},
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
	if err := conn.Ping(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("clickhouse ping %v: %w", cfg.Addr, err)
	}
	return conn, nil
}

func createDatabase(ctx context.Context, cfg ClickHouseConfig) error {
	conn, err := connect(ctx, cfg, "")
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
