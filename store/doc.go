// Package store is mcpaudit's ClickHouse storage: the schema and its
// migrations, the connection helper, and the writer role that consumes
// events and alerts from Kafka and inserts them.
//
// # Schema
//
// Versioned migrations live in migrations/NNNN_name.sql, embedded in the
// binary and rendered with text/template against the Features of the
// connected server, so that the same migration runs on ClickHouse 18.16
// (Debian's package) and uses LowCardinality, column codecs and skip indexes
// on current releases. Migrate applies the missing ones in order and records
// each in schema_migrations.
//
// Tables (see the migrations for the columns): events (one row per Event),
// alerts (one row per Alert) and tool_definitions (one row per tool per
// tools/list response). Enum columns hold the enum value name without its
// prefix, lowercased (MESSAGE_KIND_REQUEST is "request"); times are a
// DateTime in UTC seconds plus the exact time_unix_nano; payload is the
// proto.Marshal of the whole message.
//
// # De-duplication
//
// Delivery is at least once, so a replay inserts the same row again, and
// ReplacingMergeTree removes duplicates only eventually. Every read must
// de-duplicate at query time, by event_id for events and alert_id for
// alerts, for example:
//
//	SELECT payload FROM events
//	WHERE tenant_id = ? AND session_id = ?
//	ORDER BY time_unix_nano, event_id
//	LIMIT 1 BY event_id
//
// and count with uniqExact(event_id), never count(). The package tests
// demonstrate both on ClickHouse 18.16.
//
// # Writer
//
// Service runs two internal/kafka consumer groups: mcpaudit-store-events
// (topic mcpaudit.events.v1 into events and tool_definitions) and
// mcpaudit-store-alerts (topic mcpaudit.alerts.v1 into alerts). Offsets are
// committed only after the insert returned; failed inserts are retried;
// messages that cannot be decoded go to the dead-letter topic.
package store
