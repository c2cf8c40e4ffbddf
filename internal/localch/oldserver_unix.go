//go:build unix

package localch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// statusLocked reports whether some process holds an exclusive flock on
// path. A missing file is not locked.
func statusLocked(path string) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("localch status file: %w", err)
	}
	defer f.Close()
	switch err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); {
	case err == nil:
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return false, nil
	case errors.Is(err, syscall.EWOULDBLOCK):
		return true, nil
	default:
		return false, fmt.Errorf("localch status file %s: flock: %w", path, err)
	}
}
