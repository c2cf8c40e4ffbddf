package localch

import (
	"context"
	"log/slog"
	"net"
	"strconv"
	"strings"
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
		if pid := s.pid(); pid != oldPid && pid != 0 && ping(ctx, s.Addr()) == nil {
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

// TestSupervisorGivesUp blocks the fixed port after killing the server, so
// every restart fails; the supervisor must give up, close Done and report
// why in Err.
func TestSupervisorGivesUp(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	cfg.TCPPort = port
	cfg.MaxRestarts = 2
	cfg.RestartBackoff = 10 * time.Millisecond
	cfg.StartTimeout = 20 * time.Second
	s, err := Start(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
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
	defer l.Close()
	select {
	case <-s.Done():
	case <-time.After(2 * time.Minute):
		t.Fatal("supervisor did not give up")
	}
	if s.Err() == nil || !strings.Contains(s.Err().Error(), "restarts failed") {
		t.Fatalf("Err = %v, want a restarts-failed error", s.Err())
	}
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
