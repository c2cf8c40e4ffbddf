package localch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

func testConfig(t *testing.T, dir string) Config {
	t.Helper()
	if _, _, err := FindBinary(""); err != nil {
		t.Fatalf("these tests need a ClickHouse server binary (Debian: apt-get install clickhouse-server): %v", err)
	}
	cfg := DefaultConfig(dir)
	cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg.StopTimeout = 10 * time.Second
	return cfg
}

func connect(t *testing.T, addr string) driver.Conn {
	t.Helper()
	conn, err := clickhouse.Open(&clickhouse.Options{Addr: []string{addr}})
	if err != nil {
		t.Fatalf("open %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func count(t *testing.T, addr string) uint64 {
	t.Helper()
	var n uint64
	if err := connect(t, addr).QueryRow(t.Context(), "SELECT count() FROM default.kept").Scan(&n); err != nil {
		t.Fatalf("count: %v", err)
	}
	return n
}

// TestDataPersistsAcrossRestart starts a server, writes rows, closes it,
// starts a new server on the same directory and reads the rows back.
func TestDataPersistsAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir)
	ctx := t.Context()

	s, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	conn := connect(t, s.Addr())
	for _, q := range []string{
		"CREATE TABLE default.kept (n UInt32) ENGINE = MergeTree ORDER BY n",
		"INSERT INTO default.kept (n) SELECT number FROM system.numbers LIMIT 3",
	} {
		if err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := s.Close(ctx); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if s.Err() != nil {
		t.Fatalf("Err after clean close = %v", s.Err())
	}

	s2, err := Start(ctx, cfg)
	if err != nil {
		t.Fatalf("restart on the same dir: %v", err)
	}
	defer s2.Close(context.Background())
	if n := count(t, s2.Addr()); n != 3 {
		t.Fatalf("after restart count = %d, want 3", n)
	}
}

// TestSupervisorRestartsKilledServer kills the server process and expects
// the supervisor to bring it back on the same port with the data intact.
func TestSupervisorRestartsKilledServer(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.RestartBackoff = 50 * time.Millisecond
	ctx := t.Context()
	s, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	conn := connect(t, s.Addr())
	for _, q := range []string{
		"CREATE TABLE default.kept (n UInt32) ENGINE = MergeTree ORDER BY n",
		"INSERT INTO default.kept (n) SELECT 1",
	} {
		if err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	addr := s.Addr()
	oldPid := s.pid()
	if err := syscall.Kill(oldPid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// Wait (bounded) for a new process that answers a ping.
	deadline := time.Now().Add(60 * time.Second)
	for i := 0; ; i++ {
		if pid := s.pid(); pid != oldPid && pid != 0 && s.Check(ctx) == nil && ping(ctx, s.Addr(), "default", "") == nil {
			break
		}
		if time.Now().After(deadline) || i > 1200 {
			t.Fatalf("server not restarted; Err = %v", s.Err())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if s.Addr() != addr {
		t.Errorf("restarted on %s, want the same address %s", s.Addr(), addr)
	}
	if n := count(t, s.Addr()); n != 1 {
		t.Fatalf("after restart count = %d, want 1", n)
	}
	select {
	case <-s.Done():
		t.Fatalf("Done closed while the server runs; Err = %v", s.Err())
	default:
	}
}

// TestSupervisorKeepsRestarting blocks the fixed port after killing the
// server, so every restart fails: the supervisor must keep trying past
// MaxRestarts while Check reports the server down, and bring it back once
// the port is free again.
func TestSupervisorKeepsRestarting(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	cfg.TCPPort = port
	cfg.MaxRestarts = 2
	cfg.RestartBackoff = 10 * time.Millisecond
	cfg.MaxRestartBackoff = 200 * time.Millisecond
	cfg.StartTimeout = 20 * time.Second
	cfg.Logger = slog.New(slog.DiscardHandler)
	ctx := t.Context()
	s, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	if err := s.Check(ctx); err != nil {
		t.Fatalf("Check on a running server = %v", err)
	}
	pid := s.pid()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// Take the port as soon as the kernel releases it.
	var l net.Listener
	for i := 0; l == nil; i++ {
		if l, err = net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port))); err != nil {
			if i > 1000 {
				t.Fatalf("port %d never freed: %v", port, err)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	// Wait (bounded) until more restarts than MaxRestarts have failed.
	past := regexp.MustCompile(`restart (\d+) failed`)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		err := s.Check(ctx)
		if err != nil && !errors.Is(err, ErrNotRunning) {
			t.Fatalf("Check = %v, want it to wrap ErrNotRunning", err)
		}
		if m := past.FindStringSubmatch(fmt.Sprint(err)); m != nil {
			if n, _ := strconv.Atoi(m[1]); n > cfg.MaxRestarts+1 {
				break
			}
		}
		select {
		case <-s.Done():
			t.Fatalf("supervisor gave up; Err = %v", s.Err())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("restarts never got past MaxRestarts; Check = %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	l.Close()
	deadline = time.Now().Add(2 * time.Minute)
	for s.Check(ctx) != nil || ping(ctx, s.Addr(), "default", "") != nil {
		if time.Now().After(deadline) {
			t.Fatalf("server not back after the port was freed; Check = %v", s.Check(ctx))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if s.Addr() != net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) {
		t.Errorf("restarted on %s, want port %d", s.Addr(), port)
	}
}

// TestPasswordProtected starts a server with a password: neither the
// native nor the HTTP port lets anyone in without it, and the configured
// user with it gets in.
func TestPasswordProtected(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.Password = "generated-secret"
	s, err := Start(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	ctx := t.Context()
	for _, tt := range []struct{ name, user, password string }{
		{"default without password", "default", ""},
		{"mcpaudit without password", DefaultUser, ""},
		{"mcpaudit with a wrong password", DefaultUser, "guess"},
	} {
		t.Run("native/"+tt.name, func(t *testing.T) {
			if err := ping(ctx, s.Addr(), tt.user, tt.password); err == nil {
				t.Fatal("ping succeeded")
			}
		})
		t.Run("http/"+tt.name, func(t *testing.T) {
			if code := httpQuery(t, s.HTTPAddr(), tt.user, tt.password); code == http.StatusOK {
				t.Fatal("HTTP query succeeded")
			}
		})
	}
	if err := ping(ctx, s.Addr(), DefaultUser, cfg.Password); err != nil {
		t.Fatalf("ping with the password: %v", err)
	}
	if code := httpQuery(t, s.HTTPAddr(), DefaultUser, cfg.Password); code != http.StatusOK {
		t.Fatalf("HTTP query with the password: status %d", code)
	}
	for _, name := range []string{"users.xml", "config.xml"} {
		st, err := os.Stat(filepath.Join(s.Dir(), name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", name, st.Mode().Perm())
		}
	}
	b, err := os.ReadFile(filepath.Join(s.Dir(), "users.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), cfg.Password) {
		t.Error("users.xml holds the password in clear text")
	}
}

// httpQuery runs SELECT 1 on the HTTP interface as user and returns the
// status code. An empty user sends no credentials.
func httpQuery(t *testing.T, addr, user, password string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+addr+"/?query=SELECT%201", nil)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		req.Header.Set("X-ClickHouse-User", user)
		req.Header.Set("X-ClickHouse-Key", password)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// TestStartWaitsForOldServer holds the status file's lock the way a
// server that is still exiting does: Start must wait for it to be released
// instead of launching a server that fails with "Cannot lock file", and
// give up naming the pid when it is never released.
func TestStartWaitsForOldServer(t *testing.T) {
	hold := func(t *testing.T, dir string) *os.File {
		t.Helper()
		if err := os.MkdirAll(filepath.Join(dir, "data"), 0o700); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(filepath.Join(dir, "data", statusFile), os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(f, "PID: %d\nStarted at: 2026-01-01 00:00:00\nRevision: 54413\n", os.Getpid())
		return f
	}
	t.Run("released", func(t *testing.T) {
		dir := t.TempDir()
		f := hold(t, dir)
		var released atomic.Bool
		go func() {
			time.Sleep(4 * time.Second)
			released.Store(true)
			f.Close()
		}()
		s, err := Start(t.Context(), testConfig(t, dir))
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
		defer s.Close(context.Background())
		if !released.Load() {
			t.Fatal("Start returned while the old server still held the directory")
		}
	})
	t.Run("never released", func(t *testing.T) {
		dir := t.TempDir()
		f := hold(t, dir)
		defer f.Close()
		cfg := testConfig(t, dir)
		cfg.StopTimeout = time.Millisecond
		s, err := Start(t.Context(), cfg)
		if err == nil {
			s.Close(context.Background())
			t.Fatal("Start succeeded while the directory was held")
		}
		if !errors.Is(err, ErrOldServerRunning) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) {
			t.Fatalf("err = %v, want ErrOldServerRunning naming pid %d", err, os.Getpid())
		}
	})
	t.Run("running server holds it", func(t *testing.T) {
		s, err := Start(t.Context(), testConfig(t, t.TempDir()))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close(context.Background())
		held, err := statusLocked(filepath.Join(s.Dir(), "data", statusFile))
		if err != nil || !held {
			t.Fatalf("statusLocked on a running server = %v, %v; want true", held, err)
		}
		if pid := statusPid(filepath.Join(s.Dir(), "data", statusFile)); pid != s.pid() {
			t.Fatalf("status file pid %d, want %d", pid, s.pid())
		}
	})
}

func TestStartErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no dir", Config{}, "localch.dir"},
		{"bad port", Config{Dir: t.TempDir(), TCPPort: 70000}, "localch.tcp_port"},
		{"same ports", Config{Dir: t.TempDir(), TCPPort: 9999, HTTPPort: 9999}, "localch.http_port"},
		{"missing binary", Config{Dir: t.TempDir(), Binary: "/nonexistent/clickhouse-server"}, "localch.binary"},
		{"binary that exits", Config{Dir: t.TempDir(), Binary: "false"}, "exited during start-up"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Start(t.Context(), tt.cfg)
			if err == nil {
				s.Close(context.Background())
				t.Fatal("Start succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestStartFailureIncludesLogTail(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	// Occupy the native port: the server logs the bind failure and exits.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cfg.TCPPort = l.Addr().(*net.TCPAddr).Port
	cfg.StartTimeout = 20 * time.Second
	s, err := Start(t.Context(), cfg)
	if err == nil {
		s.Close(context.Background())
		t.Fatal("Start succeeded on an occupied port")
	}
	if !strings.Contains(err.Error(), "--- tail of") {
		t.Fatalf("error lacks the log tail: %v", err)
	}
	t.Log(err)
}

func (s *Server) pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}
