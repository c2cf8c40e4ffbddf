package localch

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// statusFile is the file in the data path that a running ClickHouse server
// holds an exclusive flock(2) on (ClickHouse's StatusFile; 18.16 and
// current releases alike) and writes its pid into. A second server on the
// same path fails with "Cannot lock file ... Another server instance in
// same directory is already running".
const statusFile = "status"

// ErrOldServerRunning is wrapped by the error Start returns when a server
// still holds Dir after the wait.
var ErrOldServerRunning = errors.New("another clickhouse server still holds the data directory")

// waitForOldServer waits, up to timeout or ctx, until no process holds the
// status file's lock under dir/data, logging once which pid it waits for.
// That covers a restart of `mcpaudit up` while the server of the previous
// run is still shutting down (it got SIGTERM when its parent died).
func waitForOldServer(ctx context.Context, dir string, timeout time.Duration, logger *slog.Logger) error {
	path := filepath.Join(dir, "data", statusFile)
	deadline := time.Now().Add(timeout)
	logged := false
	for {
		held, err := statusLocked(path)
		if err != nil {
			return err
		}
		if !held {
			if logged {
				logger.Info("old local clickhouse exited", "status_file", path)
			}
			return nil
		}
		pid := statusPid(path)
		if !logged {
			logger.Warn("waiting for an old local clickhouse to exit", "pid", pid, "status_file", path, "timeout", timeout)
			logged = true
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%w: pid %d (lock on %s) did not exit within %s", ErrOldServerRunning, pid, path, timeout)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for clickhouse pid %d to exit: %w", pid, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// statusPid reads the "PID: n" line of a status file; 0 when there is none.
func statusPid(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "PID:"); ok {
			pid, _ := strconv.Atoi(strings.TrimSpace(v))
			return pid
		}
	}
	return 0
}
