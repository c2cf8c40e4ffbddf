-- alerts: one row per mcpaudit.event.v1.Alert. alert_date and time come
-- from the alert's time. severity is the eventv1.Severity number. payload
-- is proto.Marshal of the whole Alert. Every read de-duplicates by alert_id.
CREATE TABLE IF NOT EXISTS alerts (
    tenant_id String,
    alert_date Date,
    time DateTime,
    time_unix_nano UInt64,
    alert_id String,
    rule_id {{if .HasLowCardinality}}LowCardinality(String){{else}}String{{end}},
    rule_kind {{if .HasLowCardinality}}LowCardinality(String){{else}}String{{end}},
    title String,
    severity UInt8,
    tags Array(String),
    session_id String,
    group_key String,
    event_ids Array(String),
    first_event_time_unix_nano UInt64,
    last_event_time_unix_nano UInt64,
    server_name {{if .HasLowCardinality}}LowCardinality(String){{else}}String{{end}},
    tool_name {{if .HasLowCardinality}}LowCardinality(String){{else}}String{{end}},
    payload String{{if .HasCodecs}} CODEC(ZSTD(3)){{end}}
) ENGINE = ReplacingMergeTree
PARTITION BY alert_date
ORDER BY (tenant_id, alert_id)
