// Package localch starts and supervises a private ClickHouse server from the
// installed binary, for the all-in-one mode (`mcpaudit up`) and for tests.
//
// Start writes a generated config.xml and users.xml under Config.Dir (data in
// Dir/data, temporary files in Dir/tmp, logs in Dir/log), has the server
// listen only on 127.0.0.1 with free ports (native TCP and HTTP; no
// interserver port), and returns once the native port answers a ping. The
// server is restarted with a backoff when it dies unexpectedly; Done and Err
// tell the owner when supervision gave up. Data persists across Close and
// Start on the same Dir.
//
// It works with Debian's clickhouse-server 18.16 and with current
// single-binary releases (`clickhouse server`).
package localch
