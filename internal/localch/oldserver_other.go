//go:build !unix

package localch

// statusLocked reports false: without flock(2) the lock ClickHouse holds on
// its status file cannot be probed (ClickHouse runs on Unix only).
func statusLocked(string) (bool, error) { return false, nil }
