package store

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

func TestEnumName(t *testing.T) {
	tests := []struct {
		in   protoreflect.Enum
		want string
	}{
		{eventv1.MessageKind_MESSAGE_KIND_REQUEST, "request"},
		{eventv1.MessageKind_MESSAGE_KIND_ERROR, "error"},
		{eventv1.Direction_DIRECTION_CLIENT_TO_SERVER, "client_to_server"},
		{eventv1.Transport_TRANSPORT_STDIO, "stdio"},
		{eventv1.Transport_TRANSPORT_STREAMABLE_HTTP, "streamable_http"},
		{eventv1.SourceKind_SOURCE_KIND_TAP, "tap"},
		{eventv1.SourceKind_SOURCE_KIND_UNSPECIFIED, "unspecified"},
		{eventv1.Severity_SEVERITY_CRITICAL, "critical"},
		{eventv1.MessageKind(42), "unknown_42"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := EnumName(tt.in); got != tt.want {
				t.Fatalf("EnumName(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

var (
	t0      = time.Date(2026, 3, 4, 23, 59, 58, 123456789, time.UTC)
	t0Nanos = uint64(t0.UnixNano())
)

func sampleEvent() *eventv1.Event {
	return &eventv1.Event{
		EventId:      "0190b5a0-0000-7000-8000-000000000001",
		TenantId:     "acme",
		Time:         timestamppb.New(t0),
		ReceivedTime: timestamppb.New(t0.Add(1500 * time.Millisecond)),
		Source:       &eventv1.Source{Kind: eventv1.SourceKind_SOURCE_KIND_TAP, Name: "mcpaudit-tap", Host: "laptop"},
		Session:      &eventv1.Session{Id: "sess-1", Transport: eventv1.Transport_TRANSPORT_STDIO, ProtocolVersion: "2025-06-18"},
		Client:       &eventv1.Implementation{Name: "claude-code", Version: "1.2"},
		Server:       &eventv1.Implementation{Name: "filesystem", Version: "0.6", Identity: "npx @mcp/server-filesystem /"},
		Principal:    &eventv1.Principal{Subject: "alice", SourceIp: "10.0.0.7"},
		Trace:        &eventv1.TraceContext{TraceId: "4bf92f3577b34da6a3ce929d0e0e4736", SpanId: "00f067aa0ba902b7"},
		Direction:    eventv1.Direction_DIRECTION_SERVER_TO_CLIENT,
		Kind:         eventv1.MessageKind_MESSAGE_KIND_RESPONSE,
		JsonrpcId:    `7`,
		Method:       "tools/call",
		ToolCall: &eventv1.ToolCall{Name: "read_file", ArgumentsJson: `{"path":"/etc/passwd"}`,
			Result: &eventv1.ToolResult{IsError: true, Text: "permission denied"}},
		Resource:  &eventv1.Resource{Uri: "file:///etc/passwd"},
		Error:     &eventv1.JsonRpcError{Code: -32603, Message: "internal"},
		Duration:  durationpb.New(12 * time.Millisecond),
		SizeBytes: 321,
	}
}

func TestNewEventRow(t *testing.T) {
	full := sampleEvent()
	fullPayload, err := proto.Marshal(full)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		event *eventv1.Event
		check func(t *testing.T, r EventRow)
	}{
		{"all fields", full, func(t *testing.T, r EventRow) {
			want := EventRow{
				TenantID: "acme", EventDate: time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC), Time: t0, TimeUnixNano: t0Nanos,
				ReceivedTime: t0.Add(1500 * time.Millisecond), EventID: full.EventId, SessionID: "sess-1",
				Transport: "stdio", ProtocolVersion: "2025-06-18", SourceKind: "tap", SourceName: "mcpaudit-tap", SourceHost: "laptop",
				ClientName: "claude-code", ClientVersion: "1.2", ServerName: "filesystem", ServerVersion: "0.6",
				ServerIdentity: "npx @mcp/server-filesystem /", PrincipalSubject: "alice", PrincipalSourceIP: "10.0.0.7",
				TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", SpanID: "00f067aa0ba902b7", Direction: "server_to_client",
				Kind: "response", JSONRPCID: "7", Method: "tools/call", ToolName: "read_file",
				ToolArguments: `{"path":"/etc/passwd"}`, ToolIsError: 1, ToolResultText: "permission denied",
				ResourceURI: "file:///etc/passwd", ErrorCode: -32603, ErrorMessage: "internal",
				DurationNS: 12_000_000, SizeBytes: 321, Payload: fullPayload,
			}
			if !rowsEqual(r, want) {
				t.Fatalf("row\n got %+v\nwant %+v", r, want)
			}
		}},
		{"empty event", &eventv1.Event{}, func(t *testing.T, r EventRow) {
			if r.Time.Unix() != 0 || r.TimeUnixNano != 0 || r.Kind != "unspecified" || r.Transport != "unspecified" || r.ToolIsError != 0 {
				t.Fatalf("row = %+v", r)
			}
		}},
		{"no time falls back to received_time", &eventv1.Event{ReceivedTime: timestamppb.New(t0)}, func(t *testing.T, r EventRow) {
			if r.TimeUnixNano != t0Nanos || !r.Time.Equal(t0) {
				t.Fatalf("time = %v (%d)", r.Time, r.TimeUnixNano)
			}
		}},
		{"time before 1970 clamps to the epoch", &eventv1.Event{Time: &timestamppb.Timestamp{Seconds: -5}}, func(t *testing.T, r EventRow) {
			if r.TimeUnixNano != 0 || r.Time.Unix() != 0 {
				t.Fatalf("time = %v (%d)", r.Time, r.TimeUnixNano)
			}
		}},
		{"negative size clamps to 0", &eventv1.Event{SizeBytes: -1}, func(t *testing.T, r EventRow) {
			if r.SizeBytes != 0 {
				t.Fatalf("size = %d", r.SizeBytes)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var payload []byte
			if tt.event == full {
				payload = fullPayload
			}
			r, err := NewEventRow(tt.event, payload)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.values()) != len(eventColumns) {
				t.Fatalf("%d values for %d columns", len(r.values()), len(eventColumns))
			}
			tt.check(t, r)
		})
	}
}

func rowsEqual(a, b EventRow) bool {
	return reflect.DeepEqual(a, b)
}

func TestNewAlertRow(t *testing.T) {
	tests := []struct {
		name  string
		alert *eventv1.Alert
		check func(t *testing.T, r AlertRow)
	}{
		{"all fields", &eventv1.Alert{
			AlertId: "a-1", TenantId: "acme", RuleId: "mcp-sensitive-read", Title: "Sensitive file read",
			Severity: eventv1.Severity_SEVERITY_HIGH, Tags: []string{"safe.t1001", "attack.t1005"},
			EventIds: []string{"e1", "e2"}, SessionId: "sess-1", GroupKey: "alice",
			Time: timestamppb.New(t0), FirstEventTime: timestamppb.New(t0.Add(-time.Second)), LastEventTime: timestamppb.New(t0),
			RuleKind: "sequence", ServerName: "filesystem", ToolName: "read_file",
		}, func(t *testing.T, r AlertRow) {
			if r.TenantID != "acme" || r.AlertID != "a-1" || r.RuleID != "mcp-sensitive-read" || r.RuleKind != "sequence" ||
				r.Title != "Sensitive file read" || r.Severity != 4 || len(r.Tags) != 2 || r.Tags[1] != "attack.t1005" ||
				len(r.EventIDs) != 2 || r.SessionID != "sess-1" || r.GroupKey != "alice" ||
				r.TimeUnixNano != t0Nanos || !r.AlertDate.Equal(time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)) ||
				r.FirstEventTimeUnixNano != t0Nanos-1e9 || r.LastEventTimeUnixNano != t0Nanos ||
				r.ServerName != "filesystem" || r.ToolName != "read_file" || len(r.Payload) == 0 {
				t.Fatalf("row = %+v", r)
			}
		}},
		{"nil slices become empty arrays", &eventv1.Alert{AlertId: "a"}, func(t *testing.T, r AlertRow) {
			if r.Tags == nil || r.EventIDs == nil {
				t.Fatalf("nil slice in %+v", r)
			}
		}},
		{"out of range severity is unspecified", &eventv1.Alert{Severity: eventv1.Severity(1000)}, func(t *testing.T, r AlertRow) {
			if r.Severity != 0 {
				t.Fatalf("severity = %d", r.Severity)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewAlertRow(tt.alert, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.values()) != len(alertColumns) {
				t.Fatalf("%d values for %d columns", len(r.values()), len(alertColumns))
			}
			tt.check(t, r)
		})
	}
}

func TestAnnotationsJSON(t *testing.T) {
	tests := []struct {
		name string
		in   *eventv1.ToolAnnotations
		want string
	}{
		{"nil", nil, "{}"},
		{"none sent", &eventv1.ToolAnnotations{}, "{}"},
		{"some", &eventv1.ToolAnnotations{ReadOnlyHint: proto.Bool(true), DestructiveHint: proto.Bool(false)}, `{"readOnlyHint":true,"destructiveHint":false}`},
		{"all", &eventv1.ToolAnnotations{ReadOnlyHint: proto.Bool(false), DestructiveHint: proto.Bool(true), IdempotentHint: proto.Bool(true), OpenWorldHint: proto.Bool(false)},
			`{"readOnlyHint":false,"destructiveHint":true,"idempotentHint":true,"openWorldHint":false}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AnnotationsJSON(tt.in); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestNewToolDefinitionRows(t *testing.T) {
	listed := &eventv1.Event{
		EventId: "e9", TenantId: "acme", Time: timestamppb.New(t0),
		Session: &eventv1.Session{Id: "sess-1"},
		Server:  &eventv1.Implementation{Name: "filesystem", Identity: "npx fs"},
		Method:  "tools/list",
		ToolList: &eventv1.ToolList{Tools: []*eventv1.ToolDefinition{
			{Name: "read_file", Title: "Read", Description: "Reads a file", InputSchemaJson: `{"type":"object"}`,
				Annotations: &eventv1.ToolAnnotations{ReadOnlyHint: proto.Bool(true)}, DefinitionHash: "h1"},
			{Name: "write_file", OutputSchemaJson: `{"type":"object"}`, DefinitionHash: "h2"},
		}},
	}
	tests := []struct {
		name  string
		event *eventv1.Event
		want  []ToolDefinitionRow
	}{
		{"no tool list", sampleEvent(), nil},
		{"empty tool list", &eventv1.Event{ToolList: &eventv1.ToolList{}}, nil},
		{"two tools", listed, []ToolDefinitionRow{
			{TenantID: "acme", SeenDate: time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC), Time: t0, TimeUnixNano: t0Nanos,
				EventID: "e9", SessionID: "sess-1", ServerName: "filesystem", ServerIdentity: "npx fs", ToolName: "read_file",
				DefinitionHash: "h1", Title: "Read", Description: "Reads a file", InputSchema: `{"type":"object"}`, Annotations: `{"readOnlyHint":true}`},
			{TenantID: "acme", SeenDate: time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC), Time: t0, TimeUnixNano: t0Nanos,
				EventID: "e9", SessionID: "sess-1", ServerName: "filesystem", ServerIdentity: "npx fs", ToolName: "write_file",
				DefinitionHash: "h2", OutputSchema: `{"type":"object"}`, Annotations: `{}`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewToolDefinitionRows(tt.event)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d rows, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("row %d\n got %+v\nwant %+v", i, got[i], tt.want[i])
				}
				if len(got[i].values()) != len(toolDefinitionColumns) {
					t.Fatalf("%d values for %d columns", len(got[i].values()), len(toolDefinitionColumns))
				}
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"defaults", func(*Config) {}, ""},
		{"zero batch", func(c *Config) { c.MaxBatch = 0 }, "store.max_batch"},
		{"zero delay", func(c *Config) { c.MaxDelay = 0 }, "store.max_delay"},
		{"same groups", func(c *Config) { c.AlertsGroup = c.EventsGroup }, "store.alerts_group"},
		{"no events group", func(c *Config) { c.EventsGroup = "" }, "store.events_group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.mutate(&c)
			err := c.Validate()
			if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("Validate() = %v, want mention of %q", err, tt.want)
			}
		})
	}
}

func TestClickHouseConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*ClickHouseConfig)
		want   string
	}{
		{"ok", func(*ClickHouseConfig) {}, ""},
		{"no addr", func(c *ClickHouseConfig) { c.Addr = nil }, "clickhouse.addr"},
		{"bad database", func(c *ClickHouseConfig) { c.Database = "x; DROP" }, "clickhouse.database"},
		{"cluster", func(c *ClickHouseConfig) { c.Cluster = "c1" }, "cluster mode not supported yet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultClickHouseConfig()
			c.Addr = []string{"127.0.0.1:9000"}
			tt.mutate(&c)
			err := c.Validate()
			if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("Validate() = %v, want mention of %q", err, tt.want)
			}
		})
	}
}
