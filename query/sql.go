package query

import "strings"

// The SQL below is the whole read path. Every statement is a constant or is
// assembled from constant fragments; user input only ever travels as `?`
// arguments, which clickhouse-go binds client-side as quoted literals (the
// form ClickHouse 18.16 understands over the native protocol). Replays may
// store a row twice before ReplacingMergeTree merges, so every statement
// de-duplicates by id itself: events with LIMIT 1 BY event_id (an event's
// copies are identical), alerts with GROUP BY alert_id keeping the first copy
// (a replayed alert may carry a later detection time).

// Time range fragments. Their arguments are timeRange.args(): day bounds for
// partition pruning, DateTime second bounds for the primary key and the exact
// nanosecond bounds.
const (
	eventsRangeSQL = ` AND event_date >= toDate(?) AND event_date <= toDate(?)` +
		` AND time >= toDateTime(?) AND time <= toDateTime(?)` +
		` AND time_unix_nano >= ? AND time_unix_nano < ?`
	alertsRangeSQL = ` AND alert_date >= toDate(?) AND alert_date <= toDate(?)` +
		` AND time >= toDateTime(?) AND time <= toDateTime(?)` +
		` AND time_unix_nano >= ? AND time_unix_nano < ?`
)

// ListSessionEvents: phase one finds the page's sort keys reading only the
// light key columns, phase two fetches the payloads of exactly those events
// by primary key range.
const (
	sessionEventKeysSQL = `SELECT event_id, time_unix_nano FROM events` +
		` WHERE tenant_id = ? AND session_id = ?` + eventsRangeSQL
	sessionEventKeysMethodSQL = ` AND method = ?`
	ascAfterSQL               = ` AND (time_unix_nano > ? OR (time_unix_nano = ? AND event_id > ?))`
	sessionEventKeysTailSQL   = ` ORDER BY time_unix_nano, event_id LIMIT 1 BY event_id LIMIT ?`

	// sessionExistsSQL tells an unknown session from an empty page, by the
	// primary key prefix and without a time filter.
	sessionExistsSQL = `SELECT 1 FROM events WHERE tenant_id = ? AND session_id = ? LIMIT 1`

	sessionEventPayloadsSQL = `SELECT event_id, time_unix_nano, payload FROM events` +
		` WHERE tenant_id = ? AND session_id = ? AND time_unix_nano >= ? AND time_unix_nano <= ? AND event_id IN ?` +
		` ORDER BY time_unix_nano, event_id LIMIT 1 BY event_id`
)

// ListAlerts.
const (
	alertsSQL = `SELECT alert_id, min(time_unix_nano) AS first_ns, argMin(payload, time_unix_nano) AS first_payload` +
		` FROM alerts WHERE tenant_id = ?` + alertsRangeSQL
	alertsRuleSQL     = ` AND rule_id = ?`
	alertsSessionSQL  = ` AND session_id = ?`
	alertsSeveritySQL = ` AND severity >= ?`
	alertsTagSQL      = ` AND has(tags, ?)`
	alertsGroupSQL    = ` GROUP BY alert_id`
	alertsBeforeSQL   = ` HAVING first_ns < ? OR (first_ns = ? AND alert_id < ?)`
	alertsTailSQL     = ` ORDER BY first_ns DESC, alert_id DESC LIMIT ?`
	alertByIDSQL      = `SELECT alert_id, time_unix_nano, payload FROM alerts WHERE tenant_id = ? AND alert_id = ? ORDER BY time_unix_nano LIMIT 1`
	eventsByIDSQL     = `SELECT event_id, time_unix_nano, payload FROM events WHERE tenant_id = ? AND event_id IN ?`
	eventsByIDDaysSQL = ` AND event_date >= toDate(?) AND event_date <= toDate(?)`
	eventsByIDTailSQL = ` ORDER BY time_unix_nano, event_id LIMIT 1 BY event_id`
)

// ListSessions. Counts are of distinct event ids, so duplicates never count.
const (
	sessionsSQL = `SELECT session_id, min(time_unix_nano) AS first_ns, max(time_unix_nano) AS last_ns,` +
		` uniqExact(event_id) AS event_count,` +
		` uniqExactIf(event_id, kind = 'request' AND method = 'tools/call') AS tool_call_count,` +
		` anyIf(client_name, client_name != '') AS any_client_name,` +
		` anyIf(server_name, server_name != '') AS any_server_name,` +
		` anyIf(transport, transport != '') AS any_transport` +
		` FROM events WHERE tenant_id = ? AND session_id != ''` + eventsRangeSQL +
		` GROUP BY session_id`
	sessionsBeforeSQL = ` HAVING last_ns < ? OR (last_ns = ? AND session_id < ?)`
	sessionsTailSQL   = ` ORDER BY last_ns DESC, session_id DESC LIMIT ?`
)

// Fallback reads of the filter columns, used only for rows stored with an
// empty payload.
const (
	eventColumnsSQL = `SELECT tenant_id, time_unix_nano, received_time, event_id, session_id, transport,` +
		` protocol_version, source_kind, source_name, source_host, client_name, client_version, server_name,` +
		` server_version, server_identity, principal_subject, principal_source_ip, trace_id, span_id, direction,` +
		` kind, jsonrpc_id, method, tool_name, tool_arguments, tool_is_error, tool_result_text, resource_uri,` +
		` error_code, error_message, duration_ns, size_bytes` +
		` FROM events WHERE tenant_id = ? AND event_id IN ? LIMIT 1 BY event_id`
	alertColumnsSQL = `SELECT tenant_id, time_unix_nano, alert_id, rule_id, rule_kind, title, severity, tags,` +
		` session_id, group_key, event_ids, first_event_time_unix_nano, last_event_time_unix_nano,` +
		` server_name, tool_name FROM alerts WHERE tenant_id = ? AND alert_id = ?` +
		` ORDER BY time_unix_nano LIMIT 1`
)

// stmt assembles a statement from constant fragments and their arguments.
type stmt struct {
	sb   strings.Builder
	args []any
}

// add appends a constant SQL fragment and the values of its placeholders.
func (s *stmt) add(sql string, args ...any) *stmt {
	s.sb.WriteString(sql)
	s.args = append(s.args, args...)
	return s
}

// String returns the SQL text.
func (s *stmt) String() string { return s.sb.String() }
