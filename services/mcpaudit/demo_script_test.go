package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDemoScriptClosingHints runs scripts/demo.sh with the real mcpaudit
// and a stand-in for mcpdemo (true(1): no scenarios), and checks what the
// closing hints promise: with DEMO_KEEP_RUNNING=1 `mcpaudit up` is still
// serving after the script ended (so the printed curl commands work) and
// the script says how to stop it; without it the script says how to start
// it again on the same data, and nothing is left running.
func TestDemoScriptClosingHints(t *testing.T) {
	if testing.Short() {
		t.Skip("starts mcpaudit up twice: not with -short")
	}
	bin, _ := buildBinaries(t)
	for _, keep := range []bool{true, false} {
		t.Run("keep running "+strconv.FormatBool(keep), func(t *testing.T) {
			dataDir := t.TempDir()
			grpcAddr, httpAddr := freeAddr(t), freeAddr(t)
			ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "../../scripts/demo.sh")
			cmd.Env = append(os.Environ(),
				"MCPAUDIT="+bin, "MCPDEMO=/bin/true", "DEMO_DATA_DIR="+dataDir,
				"DEMO_GRPC_ADDR="+grpcAddr, "DEMO_HTTP_ADDR="+httpAddr, "DEMO_START_TIMEOUT=120")
			if keep {
				cmd.Env = append(cmd.Env, "DEMO_KEEP_RUNNING=1")
			}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("demo.sh: %v\n%s", err, out)
			}
			healthz := func() error {
				c := &http.Client{Timeout: 5 * time.Second}
				resp, err := c.Get("http://" + httpAddr + "/healthz")
				if err != nil {
					return err
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					return errors.New(resp.Status)
				}
				return nil
			}
			if !keep {
				if !strings.Contains(string(out), "up --data-dir "+dataDir) || !strings.Contains(string(out), "DEMO_KEEP_RUNNING=1") {
					t.Errorf("output does not say how to get the pipeline back:\n%s", out)
				}
				if err := healthz(); err == nil {
					t.Errorf("mcpaudit up still serves after a demo without DEMO_KEEP_RUNNING")
				}
				return
			}
			b, err := os.ReadFile(filepath.Join(dataDir, "up.pid"))
			if err != nil {
				t.Fatalf("no up.pid: %v\n%s", err, out)
			}
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
			if !strings.Contains(string(out), "kill "+strconv.Itoa(pid)) {
				t.Errorf("output does not say how to stop mcpaudit up (pid %d):\n%s", pid, out)
			}
			if err := healthz(); err != nil {
				t.Fatalf("mcpaudit up does not serve after the demo: %v\n%s", err, out)
			}
			if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			for deadline := time.Now().Add(60 * time.Second); !processGone(pid); time.Sleep(100 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("mcpaudit up (pid %d) did not stop within 60s of SIGTERM", pid)
				}
			}
		})
	}
}

// processGone reports whether pid has exited: no such process, or a zombie
// (it is not our child, so its parent reaps it).
func processGone(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return true
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	// The state follows the parenthesised command name.
	if i := strings.LastIndexByte(string(b), ')'); i >= 0 && i+2 < len(b) {
		return b[i+2] == 'Z'
	}
	return false
}

// freeAddr returns a 127.0.0.1 address with a port free at the time.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
