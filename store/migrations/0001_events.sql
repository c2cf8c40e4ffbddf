-- events: one row per mcpaudit.event.v1.Event (one JSON-RPC message seen).
-- payload is proto.Marshal of the whole Event; readers rebuild the message
-- from it. The other columns exist to filter, sort and aggregate. Replays
-- insert the same event_id again: every read de-duplicates by event_id.
CREATE TABLE IF NOT EXISTS events (
    tenant_id String,
    event_date Date,
    time DateTime,
    time_unix_nano UInt64{{if .HasCodecs}} CODEC(Delta(8), ZSTD(1)){{end}},
    received_time DateTime,
    event_id String,
    session_id String,
    transport {{if .HasLowCardinality}}LowCardinality(String){{else}}String{{end}},
    protocol_version {{if .HasLowCardinality}}LowCardinality(String){{else}}String{{end}},
    source_kind {{if .HasLowCardinality}}LowCardinality(String){{else}}String{{end}},
    source_name {{if .HasLowCardinality}}LowCardinality(String){{else}}String{{end}},
    source_host String,
    client_name {{if .HasLowCardinality}}LowCardinality(String){{else}}String{{end}},
    client_version String,
    server_name {{if .HasLowCardinality}}LowCardinality(String){{else}}String{{end}},
    server_version String,
    server_identity String,
    principal_subject String,
    principal_source_ip String,
    trace_id String,
    span_id String,
    direction {{if .HasLowCardinality}}LowCardinality(String){{else}}String{{end}},
    kind {{if .HasLowCardinality}}LowCardinality(String){{else}}String{{end}},
    jsonrpc_id String,
    method {{if .HasLowCardinality}}LowCardinality(String){{else}}String{{end}},
    tool_name {{if .HasLowCardinality}}LowCardinality(String){{else}}String{{end}},
    tool_arguments String{{if .HasCodecs}} CODEC(ZSTD(3)){{end}},
    tool_is_error UInt8,
    tool_result_text String{{if .HasCodecs}} CODEC(ZSTD(3)){{end}},
    resource_uri String,
    error_code Int32,
    error_message String,
    duration_ns Int64,
    size_bytes UInt64,
    payload String{{if .HasCodecs}} CODEC(ZSTD(3)){{end}}{{if .HasSkipIndexes}},
    INDEX idx_event_id event_id TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.01) GRANULARITY 4{{end}}
) ENGINE = ReplacingMergeTree
PARTITION BY event_date
ORDER BY (tenant_id, session_id, time_unix_nano, event_id)
