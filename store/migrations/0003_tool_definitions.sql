-- tool_definitions: one row per tool per tools/list response event, for
-- drift detection and inventory. annotations is the MCP ToolAnnotations
-- object as JSON ({"readOnlyHint":true,...}; only the hints the server
-- sent). Reads de-duplicate by (event_id, tool_name).
CREATE TABLE IF NOT EXISTS tool_definitions (
    tenant_id String,
    seen_date Date,
    time DateTime,
    time_unix_nano UInt64,
    event_id String,
    session_id String,
    server_name {{if .HasLowCardinality}}LowCardinality(String){{else}}String{{end}},
    server_identity String,
    tool_name String,
    definition_hash String,
    title String,
    description String{{if .HasCodecs}} CODEC(ZSTD(3)){{end}},
    input_schema String{{if .HasCodecs}} CODEC(ZSTD(3)){{end}},
    output_schema String{{if .HasCodecs}} CODEC(ZSTD(3)){{end}},
    annotations String
) ENGINE = ReplacingMergeTree
PARTITION BY seen_date
ORDER BY (tenant_id, server_identity, tool_name, definition_hash, event_id)
