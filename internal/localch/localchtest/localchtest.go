// Package localchtest gives tests a real ClickHouse server: one private
// server per test binary, started on first use from the installed
// clickhouse-server (internal/localch), on free 127.0.0.1 ports.
//
// Tests fail, not skip, when the binary is missing. Set
// MCPAUDIT_CLICKHOUSE_ADDR=host:port to use an already running server
// instead, and MCPAUDIT_CLICKHOUSE_BINARY to choose the binary.
//
// Use Main from TestMain to stop the server when the tests end; without it
// the kernel stops the server when the test binary exits and the state
// directory is removed by the next test binary that starts one.
package localchtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mcpaudit/mcpaudit/internal/localch"
)

// Environment variables read by Start.
const (
	// EnvAddr names an already running server (host:port, native protocol)
	// to use instead of starting one.
	EnvAddr = "MCPAUDIT_CLICKHOUSE_ADDR"
	// EnvBinary names the server binary to start.
	EnvBinary = "MCPAUDIT_CLICKHOUSE_BINARY"
)

const dirPrefix = "mcpaudit-localchtest-"

var (
	once   sync.Once
	server *localch.Server
	dir    string
	addr   string
	err    error
)

// Start returns the native protocol address (127.0.0.1:port) of the test
// binary's ClickHouse server, starting it on first use. It fails the test
// with a clear message when the server cannot be started.
func Start(t testing.TB) string {
	t.Helper()
	once.Do(start)
	if err != nil {
		t.Fatalf("localchtest: no ClickHouse server for the tests: %v", err)
	}
	return addr
}

func start() {
	if a := os.Getenv(EnvAddr); a != "" {
		addr = a
		return
	}
	sweepStale()
	dir, err = os.MkdirTemp("", dirPrefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return
	}
	cfg := localch.DefaultConfig(dir)
	cfg.Binary = os.Getenv(EnvBinary)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	server, err = localch.Start(ctx, cfg)
	if err != nil {
		if errors.Is(err, localch.ErrBinaryNotFound) {
			err = fmt.Errorf("%w; on Debian: apt-get install clickhouse-server, or set %s or %s", err, EnvBinary, EnvAddr)
		}
		_ = os.RemoveAll(dir)
		return
	}
	addr = server.Addr()
}

// Main runs the tests of m, stops the server if one was started and exits
// with the tests' exit code. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// Stop stops the server started by Start and removes its directory. Later
// calls to Start fail. Safe to call when no server was started.
func Stop() {
	once.Do(func() { err = errors.New("localchtest: stopped") })
	if server == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = server.Close(ctx)
	_ = os.RemoveAll(dir)
}

// Database returns a fresh database name for t (not created): the test
// name reduced to [a-z0-9_] plus a random suffix, so tests sharing the
// server do not see each other's rows.
func Database(t testing.TB) string {
	var b strings.Builder
	b.WriteString("t_")
	for _, r := range strings.ToLower(t.Name()) {
		if b.Len() >= 40 {
			break
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	b.WriteByte('_')
	b.WriteString(hex.EncodeToString(rnd[:]))
	return b.String()
}

// sweepStale removes state directories left by test binaries that exited
// without Main (their process id no longer exists).
func sweepStale() {
	matches, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, m := range matches {
		rest := strings.TrimPrefix(filepath.Base(m), dirPrefix)
		pidText, _, _ := strings.Cut(rest, "-")
		pid, perr := strconv.Atoi(pidText)
		if perr != nil || pid == os.Getpid() {
			continue
		}
		if errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
			_ = os.RemoveAll(m)
		}
	}
}
