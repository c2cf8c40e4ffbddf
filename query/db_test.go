package query

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"google.golang.org/protobuf/proto"

	"github.com/mcpaudit/mcpaudit/internal/localch/localchtest"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	"github.com/mcpaudit/mcpaudit/store"
)

func TestMain(m *testing.M) { localchtest.Main(m) }

// openDB returns a connection to a fresh database on the test binary's
// ClickHouse server, migrated by store.Migrate. The connection outlives tb
// (fixtures share it across tests); it closes when the binary exits.
func openDB(tb testing.TB) driver.Conn {
	tb.Helper()
	ctx := context.Background()
	cfg := store.DefaultClickHouseConfig()
	cfg.Addr = []string{localchtest.Start(tb)}
	cfg.Database = localchtest.Database(tb)
	conn, err := store.Open(ctx, cfg)
	if err != nil {
		tb.Fatalf("open clickhouse: %v", err)
	}
	if err := store.Migrate(ctx, conn, slog.New(slog.DiscardHandler)); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return conn
}

// Column lists of the storage contract, in the order of the values below.
var (
	eventColumns = []string{"tenant_id", "event_date", "time", "time_unix_nano", "received_time", "event_id", "session_id", "transport", "protocol_version", "source_kind", "source_name", "source_host", "client_name", "client_version", "server_name", "server_version", "server_identity", "principal_subject", "principal_source_ip", "trace_id", "span_id", "direction", "kind", "jsonrpc_id", "method", "tool_name", "tool_arguments", "tool_is_error", "tool_result_text", "resource_uri", "error_code", "error_message", "duration_ns", "size_bytes", "payload"}
	alertColumns = []string{"tenant_id", "alert_date", "time", "time_unix_nano", "alert_id", "rule_id", "rule_kind", "title", "severity", "tags", "session_id", "group_key", "event_ids", "first_event_time_unix_nano", "last_event_time_unix_nano", "server_name", "tool_name", "payload"}
)

// insertEvents stores events in one batch, converted by store.NewEventRow
// as the store writer does. With emptyPayload the payload column is left
// empty (to exercise the column fallback).
func insertEvents(tb testing.TB, conn driver.Conn, emptyPayload bool, events ...*eventv1.Event) {
	tb.Helper()
	ctx := context.Background()
	batch, err := conn.PrepareBatch(ctx, "INSERT INTO events ("+strings.Join(eventColumns, ", ")+")")
	if err != nil {
		tb.Fatalf("prepare events batch: %v", err)
	}
	for _, e := range events {
		var payload []byte
		if emptyPayload {
			payload = []byte{}
		}
		r, err := store.NewEventRow(e, payload)
		if err != nil {
			tb.Fatalf("event row: %v", err)
		}
		if err := batch.Append(
			r.TenantID, r.EventDate, r.Time, r.TimeUnixNano, r.ReceivedTime, r.EventID, r.SessionID,
			r.Transport, r.ProtocolVersion, r.SourceKind, r.SourceName, r.SourceHost,
			r.ClientName, r.ClientVersion, r.ServerName, r.ServerVersion, r.ServerIdentity,
			r.PrincipalSubject, r.PrincipalSourceIP, r.TraceID, r.SpanID, r.Direction, r.Kind,
			r.JSONRPCID, r.Method, r.ToolName, r.ToolArguments, r.ToolIsError, r.ToolResultText,
			r.ResourceURI, r.ErrorCode, r.ErrorMessage, r.DurationNS, r.SizeBytes, string(r.Payload),
		); err != nil {
			tb.Fatalf("append event: %v", err)
		}
	}
	if err := batch.Send(); err != nil {
		tb.Fatalf("send events batch: %v", err)
	}
}

// insertAlerts stores alerts in one batch, converted by store.NewAlertRow.
func insertAlerts(tb testing.TB, conn driver.Conn, alerts ...*eventv1.Alert) {
	tb.Helper()
	ctx := context.Background()
	batch, err := conn.PrepareBatch(ctx, "INSERT INTO alerts ("+strings.Join(alertColumns, ", ")+")")
	if err != nil {
		tb.Fatalf("prepare alerts batch: %v", err)
	}
	for _, a := range alerts {
		payload, err := proto.Marshal(a)
		if err != nil {
			tb.Fatalf("marshal alert: %v", err)
		}
		r, err := store.NewAlertRow(a, payload)
		if err != nil {
			tb.Fatalf("alert row: %v", err)
		}
		if err := batch.Append(
			r.TenantID, r.AlertDate, r.Time, r.TimeUnixNano, r.AlertID, r.RuleID, r.RuleKind, r.Title,
			r.Severity, r.Tags, r.SessionID, r.GroupKey, r.EventIDs, r.FirstEventTimeUnixNano,
			r.LastEventTimeUnixNano, r.ServerName, r.ToolName, string(r.Payload),
		); err != nil {
			tb.Fatalf("append alert: %v", err)
		}
	}
	if err := batch.Send(); err != nil {
		tb.Fatalf("send alerts batch: %v", err)
	}
}

// eventID returns a stable, sortable test event id.
func eventID(tenant, session string, i int) string {
	return fmt.Sprintf("%s-%s-%05d", tenant, session, i)
}
