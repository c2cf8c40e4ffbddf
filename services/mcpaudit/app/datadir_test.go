package app

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDataDirLock: a second lock on the same data dir fails at once naming
// the dir and the holder's pid; after the first is released it succeeds.
func TestDataDirLock(t *testing.T) {
	dir := t.TempDir()
	first, err := lockDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = lockDataDir(dir)
	var locked *DataDirLockedError
	if !errors.As(err, &locked) || !errors.Is(err, ErrDataDirLocked) {
		t.Fatalf("second lock = %v, want a DataDirLockedError", err)
	}
	if locked.Dir != dir || locked.PID != os.Getpid() {
		t.Fatalf("locked = %+v, want dir %s pid %d", locked, dir, os.Getpid())
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := lockDataDir(dir)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	again.Close()
}

// TestCredentials: generated once with 0600 in a 0700 dir, reused on the
// next start, refused when readable by others.
func TestCredentials(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := prepareDataDir(dir, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(dir)
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("data dir mode %v, %v; want 0700", st.Mode().Perm(), err)
	}
	c1, err := loadOrCreateCredentials(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c1.Kafka.Password) < 40 || len(c1.ClickHouse.Password) < 40 || c1.Kafka.Password == c1.ClickHouse.Password {
		t.Fatalf("weak or shared generated passwords: %+v", c1)
	}
	path := filepath.Join(dir, credentialsFileName)
	st, err = os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("credentials mode %v, %v; want 0600", st.Mode().Perm(), err)
	}
	c2, err := loadOrCreateCredentials(dir)
	if err != nil || c2 != c1 {
		t.Fatalf("second start got %+v, %v; want the same credentials", c2, err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadOrCreateCredentials(dir); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable credentials: %v, want a refusal", err)
	}
}
