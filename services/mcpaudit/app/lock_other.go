//go:build !unix

package app

import "errors"

type dataDirLock struct{}

var errNoLock = errors.New("data_dir lock: not supported on this platform")

func lockDataDir(string) (*dataDirLock, error) { return nil, errNoLock }

func probeDataDirLock(string) error { return errNoLock }

// Close releases nothing: there is no lock on this platform.
func (*dataDirLock) Close() error { return nil }
