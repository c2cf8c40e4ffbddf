//go:build unix

package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// dataDirLock is the exclusive flock(2) on DATA_DIR/mcpaudit.lock that an
// `up` process holds for its whole life. The kernel releases it when the
// process dies however it dies, so a stale file never blocks a restart.
type dataDirLock struct{ f *os.File }

// lockDataDir takes the lock without waiting: when another process holds
// it, the error is a *DataDirLockedError naming dir and the holder's pid.
func lockDataDir(dir string) (*dataDirLock, error) {
	path := filepath.Join(dir, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("data_dir lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			b, _ := os.ReadFile(path)
			pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
			return nil, &DataDirLockedError{Dir: dir, PID: pid}
		}
		return nil, fmt.Errorf("data_dir lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err != nil {
		f.Close()
		return nil, fmt.Errorf("data_dir lock: %w", err)
	}
	if _, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0); err != nil {
		f.Close()
		return nil, fmt.Errorf("data_dir lock: %w", err)
	}
	return &dataDirLock{f: f}, nil
}

// probeDataDirLock reports, without keeping it, whether the lock could be
// taken now (Verify).
func probeDataDirLock(dir string) error {
	f, err := os.Open(filepath.Join(dir, lockFileName))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("data_dir lock: %w", err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			b, _ := os.ReadFile(f.Name())
			pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
			return &DataDirLockedError{Dir: dir, PID: pid}
		}
		return fmt.Errorf("data_dir lock: %w", err)
	}
	return nil
}

// Close releases the lock. The file stays: removing it would let two
// processes lock different files of the same name.
func (l *dataDirLock) Close() error { return l.f.Close() }
