package store

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Features are the version-dependent ClickHouse features the migrations may
// use, decided from the server's version() at migration time. Thresholds
// are conservative: a feature is used only from the release where it was
// no longer experimental.
type Features struct {
	// Version is the server's version() text, for example "18.16.1".
	Version string
	// Major and Minor are its first two numbers.
	Major, Minor int
	// HasLowCardinality: LowCardinality(String) columns (19.3 and later).
	HasLowCardinality bool
	// HasCodecs: per-column CODEC(...) compression (19.3 and later).
	HasCodecs bool
	// HasTTL: table and column TTL (19.6 and later).
	HasTTL bool
	// HasSkipIndexes: data-skipping indexes such as bloom_filter without
	// an experimental setting (20.1 and later).
	HasSkipIndexes bool
	// HasDateTime64: the DateTime64 type (20.1 and later).
	HasDateTime64 bool
}

// DetectFeatures parses a version() string ("18.16.1", "25.8.2.29") into
// Features. It fails when the text does not start with major.minor.
func DetectFeatures(version string) (Features, error) {
	parts := strings.SplitN(strings.TrimSpace(version), ".", 3)
	if len(parts) < 2 {
		return Features{}, fmt.Errorf("clickhouse version %q: want major.minor", version)
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return Features{}, fmt.Errorf("clickhouse version %q: want major.minor", version)
	}
	atLeast := func(ma, mi int) bool { return major > ma || (major == ma && minor >= mi) }
	return Features{
		Version:           version,
		Major:             major,
		Minor:             minor,
		HasLowCardinality: atLeast(19, 3),
		HasCodecs:         atLeast(19, 3),
		HasTTL:            atLeast(19, 6),
		HasSkipIndexes:    atLeast(20, 1),
		HasDateTime64:     atLeast(20, 1),
	}, nil
}

// Migration is one rendered schema migration.
type Migration struct {
	// Version is the NNNN prefix of the file name; versions are applied in
	// increasing order.
	Version uint32
	// Name is the rest of the file name without .sql.
	Name string
	// Statements are the rendered SQL statements, without trailing
	// semicolons, executed in order.
	Statements []string
}

// Migrations renders the embedded migrations for f, in version order.
func Migrations(f Features) ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		num, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.ParseUint(num, 10, 32)
		if !ok || err != nil || v == 0 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", name)
		}
		text, err := migrationFS.ReadFile(path.Join("migrations", name))
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", name, err)
		}
		tmpl, err := template.New(name).Option("missingkey=error").Parse(string(text))
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", name, err)
		}
		var b bytes.Buffer
		if err := tmpl.Execute(&b, f); err != nil {
			return nil, fmt.Errorf("migration %s: %w", name, err)
		}
		out = append(out, Migration{Version: uint32(v), Name: rest, Statements: splitStatements(b.String())})
	}
	slices.SortFunc(out, func(a, b Migration) int { return int(a.Version) - int(b.Version) })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", out[i-1].Name, out[i].Name, out[i].Version)
		}
	}
	return out, nil
}

// splitStatements drops whole-line -- comments and splits on semicolons
// that end a line. Migrations must not put such a semicolon inside a
// string literal.
func splitStatements(sql string) []string {
	var stmts []string
	var cur strings.Builder
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			stmts = append(stmts, s)
		}
		cur.Reset()
	}
	for line := range strings.SplitSeq(sql, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") {
			continue
		}
		if strings.HasSuffix(trimmed, ";") {
			cur.WriteString(strings.TrimSuffix(strings.TrimRight(line, " \t\r"), ";"))
			flush()
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
	}
	flush()
	return stmts
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version UInt32,
    name String,
    applied_at DateTime
) ENGINE = MergeTree
ORDER BY version`

// Migrate brings the schema of conn's database up to date: it detects the
// server's Features, creates schema_migrations, and applies every embedded
// migration not recorded there, in version order, recording each after it
// succeeded. Re-running applies nothing.
//
// Concurrent starts are safe without a lock: every statement is CREATE ...
// IF NOT EXISTS, so two processes applying the same migration both succeed
// and schema_migrations may record it twice, which readers of that table
// tolerate (they use DISTINCT). Later migrations that alter tables must keep
// that property (ADD COLUMN IF NOT EXISTS where the server has it).
func Migrate(ctx context.Context, conn driver.Conn, logger *slog.Logger) error {
	var version string
	if err := conn.QueryRow(ctx, "SELECT version()").Scan(&version); err != nil {
		return fmt.Errorf("clickhouse version: %w", err)
	}
	f, err := DetectFeatures(version)
	if err != nil {
		return err
	}
	logger.Info("clickhouse schema features",
		"version", f.Version,
		"low_cardinality", f.HasLowCardinality,
		"codecs", f.HasCodecs,
		"ttl", f.HasTTL,
		"skip_indexes", f.HasSkipIndexes,
		"datetime64", f.HasDateTime64)
	migrations, err := Migrations(f)
	if err != nil {
		return err
	}
	if err := conn.Exec(ctx, createMigrationsTable); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	applied, err := appliedVersions(ctx, conn)
	if err != nil {
		return err
	}
	for _, m := range migrations {
		if applied[m.Version] {
			continue
		}
		start := time.Now()
		for i, stmt := range m.Statements {
			if err := conn.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("migration %04d_%s statement %d: %w", m.Version, m.Name, i+1, err)
			}
		}
		if err := recordMigration(ctx, conn, m); err != nil {
			return err
		}
		logger.Info("clickhouse migration applied", "version", m.Version, "name", m.Name, "duration", time.Since(start))
	}
	return nil
}

func appliedVersions(ctx context.Context, conn driver.Conn) (map[uint32]bool, error) {
	rows, err := conn.Query(ctx, "SELECT DISTINCT version FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	applied := map[uint32]bool{}
	for rows.Next() {
		var v uint32
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("read schema_migrations: %w", err)
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	return applied, nil
}

func recordMigration(ctx context.Context, conn driver.Conn, m Migration) error {
	batch, err := conn.PrepareBatch(ctx, "INSERT INTO schema_migrations (version, name, applied_at)")
	if err != nil {
		return fmt.Errorf("record migration %d: %w", m.Version, err)
	}
	if err := batch.Append(m.Version, m.Name, time.Now().UTC().Truncate(time.Second)); err != nil {
		_ = batch.Abort()
		return fmt.Errorf("record migration %d: %w", m.Version, err)
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("record migration %d: %w", m.Version, err)
	}
	return nil
}
