// chdb-check runs the current-release rendering of the mcpaudit ClickHouse
// schema (store/testdata/schema_current.sql, written by
// `go test ./store -run TestMigrationsGolden -update`) on the current
// ClickHouse engine, in process, with chDB: it creates the tables, inserts
// sample rows twice (a replay) and checks that the de-duplicating read
// patterns the query API uses return each row once.
//
// Usage (from the repository root):
//   npm install --prefix .tmp/chdb chdb
//   node scripts/chdb-check.mjs
// CHDB_PREFIX overrides where chdb was installed (default .tmp/chdb).
// Exits 0 when every check passed, 1 otherwise.
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const prefix = path.resolve(root, process.env.CHDB_PREFIX ?? ".tmp/chdb");
const require = createRequire(path.join(prefix, "node_modules", "_"));
let chdb;
try {
  chdb = require("chdb");
} catch (e) {
  console.error(`chdb not found under ${prefix}: run npm install --prefix ${prefix} chdb (${e.message})`);
  process.exit(1);
}

const schemaFile = path.join(root, "store", "testdata", "schema_current.sql");
const statements = readFileSync(schemaFile, "utf8")
  .split("\n")
  .filter((l) => !l.trim().startsWith("--"))
  .join("\n")
  .split(/;\s*\n/)
  .map((s) => s.trim())
  .filter(Boolean);

const dir = mkdtempSync(path.join(tmpdir(), "mcpaudit-chdb-"));
const session = new chdb.Session(dir);
let failed = 0;
function check(name, got, want) {
  const ok = JSON.stringify(got) === JSON.stringify(want);
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${ok ? "" : `: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`}`);
  if (!ok) failed++;
}
function rows(sql) {
  const out = session.query(sql, "JSONEachRow").trim();
  return out ? out.split("\n").map((l) => JSON.parse(l)) : [];
}

try {
  const version = rows("SELECT version() AS v")[0].v;
  console.log(`chDB engine ClickHouse ${version}; ${statements.length} statements from ${path.relative(root, schemaFile)}`);
  session.query("CREATE DATABASE IF NOT EXISTS mcpaudit");
  session.query("USE mcpaudit");
  for (const s of statements) session.query(s);
  check("tables created", rows("SELECT name FROM system.tables WHERE database = 'mcpaudit' ORDER BY name").map((r) => r.name),
    ["alerts", "events", "schema_migrations", "tool_definitions"]);

  const eventCols = "tenant_id, event_date, time, time_unix_nano, received_time, event_id, session_id, transport, protocol_version, source_kind, source_name, source_host, client_name, client_version, server_name, server_version, server_identity, principal_subject, principal_source_ip, trace_id, span_id, direction, kind, jsonrpc_id, method, tool_name, tool_arguments, tool_is_error, tool_result_text, resource_uri, error_code, error_message, duration_ns, size_bytes, payload";
  const ev = (id, ns) => `('t1', '2026-01-02', toDateTime(${Math.floor(ns / 1e9)}, 'UTC'), ${ns}, toDateTime(${Math.floor(ns / 1e9)}, 'UTC'), '${id}', 's1', 'stdio', '2025-06-18', 'tap', 'mcpaudit-tap', 'h', 'claude', '1', 'fs', '1', 'npx fs', 'alice', '127.0.0.1', '', '', 'client_to_server', 'request', '1', 'tools/call', 'read_file', '{"path":"/etc/passwd"}', 0, '', '', 0, '', 0, 42, 'payload-${id}')`;
  const t0 = Date.UTC(2026, 0, 2) * 1e6;
  for (let replay = 0; replay < 2; replay++) {
    session.query(`INSERT INTO events (${eventCols}) VALUES ${ev("e1", t0 + 1000)}, ${ev("e2", t0 + 2000)}, ${ev("e3", t0 + 3000)}`);
    session.query(`INSERT INTO alerts (tenant_id, alert_date, time, time_unix_nano, alert_id, rule_id, rule_kind, title, severity, tags, session_id, group_key, event_ids, first_event_time_unix_nano, last_event_time_unix_nano, server_name, tool_name, payload) VALUES ('t1', '2026-01-02', toDateTime(1767312000, 'UTC'), ${t0 + 5000}, 'a1', 'r1', 'match', 'Sensitive file read', 4, ['safe.t1001'], 's1', '', ['e1'], ${t0 + 1000}, ${t0 + 1000}, 'fs', 'read_file', 'payload-a1')`);
    session.query(`INSERT INTO tool_definitions (tenant_id, seen_date, time, time_unix_nano, event_id, session_id, server_name, server_identity, tool_name, definition_hash, title, description, input_schema, output_schema, annotations) VALUES ('t1', '2026-01-02', toDateTime(1767312000, 'UTC'), ${t0}, 'e0', 's1', 'fs', 'npx fs', 'read_file', 'abc', 'Read', 'Reads a file', '{}', '', '{"readOnlyHint":true}')`);
  }
  check("raw events rows after replay", rows("SELECT count() AS n FROM events")[0].n, 6);
  check("LIMIT 1 BY event_id read",
    rows("SELECT event_id FROM events WHERE tenant_id = 't1' AND session_id = 's1' ORDER BY time_unix_nano, event_id LIMIT 1 BY event_id").map((r) => r.event_id),
    ["e1", "e2", "e3"]);
  check("uniqExact count", Number(rows("SELECT uniqExact(event_id) AS n FROM events WHERE tenant_id = 't1'")[0].n), 3);
  check("alerts GROUP BY alert_id read",
    rows("SELECT alert_id, any(severity) AS severity, any(tags) AS tags FROM alerts WHERE tenant_id = 't1' GROUP BY alert_id"),
    [{ alert_id: "a1", severity: 4, tags: ["safe.t1001"] }]);
  check("tool_definitions LIMIT 1 BY read",
    rows("SELECT tool_name, annotations FROM tool_definitions WHERE tenant_id = 't1' ORDER BY time_unix_nano LIMIT 1 BY event_id, tool_name"),
    [{ tool_name: "read_file", annotations: '{"readOnlyHint":true}' }]);
  session.query("OPTIMIZE TABLE events FINAL");
  check("ReplacingMergeTree merge removes the replay", Number(rows("SELECT count() AS n FROM events")[0].n), 3);
} catch (e) {
  console.error(`FAIL ${e.message}`);
  failed++;
} finally {
  session.close();
  rmSync(dir, { recursive: true, force: true });
}
if (failed) {
  console.error(`${failed} check(s) failed`);
  process.exit(1);
}
console.log("chdb-check: all checks passed");
