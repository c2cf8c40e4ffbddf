// Package localch starts and supervises a private ClickHouse server from the
// installed binary, for the all-in-one mode (`mcpaudit up`) and for tests.
//
// Start writes a generated config.xml and users.xml (0600) under Config.Dir
// (0700; data in Dir/data, temporary files in Dir/tmp, logs in Dir/log),
// has the server listen only on 127.0.0.1 with free ports (native TCP and
// HTTP; no interserver port), and returns once the native port answers a
// ping. With Config.Password set, users.xml holds one user with that
// password's SHA-256 and nothing else gets in, on either port.
//
// A server of an earlier run that still holds Dir (the exclusive flock on
// Dir/data/status that ClickHouse takes) is waited for, within StopTimeout
// plus a margin, instead of starting a server that would fail with "Cannot
// lock file". The server is restarted with capped exponential backoff
// whenever it dies unexpectedly, for as long as it takes; Check reports
// whether it runs. Data persists across Close and Start on the same Dir.
//
// It works with Debian's clickhouse-server 18.16 and with current
// single-binary releases (`clickhouse server`).
package localch
