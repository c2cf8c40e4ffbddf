package store

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// EnumName returns the column value of an enum: the value name without the
// prefix shared by the enum's values, lowercased (MESSAGE_KIND_REQUEST is
// "request", DIRECTION_CLIENT_TO_SERVER is "client_to_server"). Unknown
// numbers give "unknown_<n>"; the zero value gives "unspecified".
func EnumName(e protoreflect.Enum) string {
	d := e.Descriptor()
	prefix := enumPrefix(d)
	v := d.Values().ByNumber(e.Number())
	if v == nil {
		return "unknown_" + strconv.Itoa(int(e.Number()))
	}
	return strings.ToLower(strings.TrimPrefix(string(v.Name()), prefix))
}

// enumPrefix is the UPPER_SNAKE form of the enum's name plus "_"
// (MessageKind → MESSAGE_KIND_), as buf's ENUM_VALUE_PREFIX lint requires.
func enumPrefix(d protoreflect.EnumDescriptor) string {
	var b strings.Builder
	for i, r := range string(d.Name()) {
		if r >= 'A' && r <= 'Z' && i > 0 {
			b.WriteByte('_')
		}
		b.WriteRune(r)
	}
	return strings.ToUpper(b.String()) + "_"
}

// unixTime converts a timestamp to UTC, clamped to what a ClickHouse
// DateTime holds (1970-01-01 to 2106-02-07); nil gives the zero epoch.
func unixTime(ts *timestamppb.Timestamp) (t time.Time, nanos uint64) {
	if ts == nil {
		return time.Unix(0, 0).UTC(), 0
	}
	sec, nsec := ts.GetSeconds(), int64(ts.GetNanos())
	switch {
	case sec < 0:
		return time.Unix(0, 0).UTC(), 0
	case sec > math.MaxUint32:
		sec, nsec = math.MaxUint32, 0
	}
	nsec = min(max(nsec, 0), 999_999_999)
	return time.Unix(sec, nsec).UTC(), uint64(sec)*1e9 + uint64(nsec)
}

func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func nonNegative(n int64) uint64 {
	if n < 0 {
		return 0
	}
	return uint64(n)
}

// EventRow is one row of the events table.
type EventRow struct {
	TenantID          string
	EventDate         time.Time // UTC midnight of Time
	Time              time.Time // UTC, seconds precision in ClickHouse
	TimeUnixNano      uint64
	ReceivedTime      time.Time
	EventID           string
	SessionID         string
	Transport         string
	ProtocolVersion   string
	SourceKind        string
	SourceName        string
	SourceHost        string
	ClientName        string
	ClientVersion     string
	ServerName        string
	ServerVersion     string
	ServerIdentity    string
	PrincipalSubject  string
	PrincipalSourceIP string
	TraceID           string
	SpanID            string
	Direction         string
	Kind              string
	JSONRPCID         string
	Method            string
	ToolName          string
	ToolArguments     string
	ToolIsError       uint8
	ToolResultText    string
	ResourceURI       string
	ErrorCode         int32
	ErrorMessage      string
	DurationNS        int64
	SizeBytes         uint64
	Payload           []byte // proto.Marshal of the Event
}

// eventColumns are the events columns in EventRow.values order.
var eventColumns = []string{
	"tenant_id", "event_date", "time", "time_unix_nano", "received_time", "event_id", "session_id",
	"transport", "protocol_version", "source_kind", "source_name", "source_host",
	"client_name", "client_version", "server_name", "server_version", "server_identity",
	"principal_subject", "principal_source_ip", "trace_id", "span_id", "direction", "kind",
	"jsonrpc_id", "method", "tool_name", "tool_arguments", "tool_is_error", "tool_result_text",
	"resource_uri", "error_code", "error_message", "duration_ns", "size_bytes", "payload",
}

func (r *EventRow) values() []any {
	return []any{
		r.TenantID, r.EventDate, r.Time, r.TimeUnixNano, r.ReceivedTime, r.EventID, r.SessionID,
		r.Transport, r.ProtocolVersion, r.SourceKind, r.SourceName, r.SourceHost,
		r.ClientName, r.ClientVersion, r.ServerName, r.ServerVersion, r.ServerIdentity,
		r.PrincipalSubject, r.PrincipalSourceIP, r.TraceID, r.SpanID, r.Direction, r.Kind,
		r.JSONRPCID, r.Method, r.ToolName, r.ToolArguments, r.ToolIsError, r.ToolResultText,
		r.ResourceURI, r.ErrorCode, r.ErrorMessage, r.DurationNS, r.SizeBytes, string(r.Payload),
	}
}

// NewEventRow converts an Event to its events row. payload is the Event's
// wire encoding (the Kafka message value); when nil it is marshalled from
// e. A missing time falls back to received_time, then to the epoch.
func NewEventRow(e *eventv1.Event, payload []byte) (EventRow, error) {
	if payload == nil {
		var err error
		if payload, err = proto.Marshal(e); err != nil {
			return EventRow{}, err
		}
	}
	ts := e.GetTime()
	if ts == nil {
		ts = e.GetReceivedTime()
	}
	t, nanos := unixTime(ts)
	received, _ := unixTime(e.GetReceivedTime())
	r := EventRow{
		TenantID:          e.GetTenantId(),
		EventDate:         day(t),
		Time:              t,
		TimeUnixNano:      nanos,
		ReceivedTime:      received,
		EventID:           e.GetEventId(),
		SessionID:         e.GetSession().GetId(),
		Transport:         EnumName(e.GetSession().GetTransport()),
		ProtocolVersion:   e.GetSession().GetProtocolVersion(),
		SourceKind:        EnumName(e.GetSource().GetKind()),
		SourceName:        e.GetSource().GetName(),
		SourceHost:        e.GetSource().GetHost(),
		ClientName:        e.GetClient().GetName(),
		ClientVersion:     e.GetClient().GetVersion(),
		ServerName:        e.GetServer().GetName(),
		ServerVersion:     e.GetServer().GetVersion(),
		ServerIdentity:    e.GetServer().GetIdentity(),
		PrincipalSubject:  e.GetPrincipal().GetSubject(),
		PrincipalSourceIP: e.GetPrincipal().GetSourceIp(),
		TraceID:           e.GetTrace().GetTraceId(),
		SpanID:            e.GetTrace().GetSpanId(),
		Direction:         EnumName(e.GetDirection()),
		Kind:              EnumName(e.GetKind()),
		JSONRPCID:         e.GetJsonrpcId(),
		Method:            e.GetMethod(),
		ToolName:          e.GetToolCall().GetName(),
		ToolArguments:     e.GetToolCall().GetArgumentsJson(),
		ToolResultText:    e.GetToolCall().GetResult().GetText(),
		ResourceURI:       e.GetResource().GetUri(),
		ErrorCode:         e.GetError().GetCode(),
		ErrorMessage:      e.GetError().GetMessage(),
		SizeBytes:         nonNegative(e.GetSizeBytes()),
		Payload:           payload,
	}
	if e.GetToolCall().GetResult().GetIsError() {
		r.ToolIsError = 1
	}
	if d := e.GetDuration(); d != nil {
		r.DurationNS = d.AsDuration().Nanoseconds()
	}
	return r, nil
}

// AlertRow is one row of the alerts table.
type AlertRow struct {
	TenantID               string
	AlertDate              time.Time // UTC midnight of Time
	Time                   time.Time // the alert's time, UTC
	TimeUnixNano           uint64
	AlertID                string
	RuleID                 string
	RuleKind               string
	Title                  string
	Severity               uint8 // eventv1.Severity number
	Tags                   []string
	SessionID              string
	GroupKey               string
	EventIDs               []string
	FirstEventTimeUnixNano uint64
	LastEventTimeUnixNano  uint64
	ServerName             string
	ToolName               string
	Payload                []byte // proto.Marshal of the Alert
}

var alertColumns = []string{
	"tenant_id", "alert_date", "time", "time_unix_nano", "alert_id", "rule_id", "rule_kind", "title",
	"severity", "tags", "session_id", "group_key", "event_ids", "first_event_time_unix_nano",
	"last_event_time_unix_nano", "server_name", "tool_name", "payload",
}

func (r *AlertRow) values() []any {
	return []any{
		r.TenantID, r.AlertDate, r.Time, r.TimeUnixNano, r.AlertID, r.RuleID, r.RuleKind, r.Title,
		r.Severity, r.Tags, r.SessionID, r.GroupKey, r.EventIDs, r.FirstEventTimeUnixNano,
		r.LastEventTimeUnixNano, r.ServerName, r.ToolName, string(r.Payload),
	}
}

// NewAlertRow converts an Alert to its alerts row. payload is the Alert's
// wire encoding; when nil it is marshalled from a.
func NewAlertRow(a *eventv1.Alert, payload []byte) (AlertRow, error) {
	if payload == nil {
		var err error
		if payload, err = proto.Marshal(a); err != nil {
			return AlertRow{}, err
		}
	}
	t, nanos := unixTime(a.GetTime())
	_, first := unixTime(a.GetFirstEventTime())
	_, last := unixTime(a.GetLastEventTime())
	sev := a.GetSeverity()
	if sev < 0 || sev > math.MaxUint8 {
		sev = eventv1.Severity_SEVERITY_UNSPECIFIED
	}
	return AlertRow{
		TenantID:               a.GetTenantId(),
		AlertDate:              day(t),
		Time:                   t,
		TimeUnixNano:           nanos,
		AlertID:                a.GetAlertId(),
		RuleID:                 a.GetRuleId(),
		RuleKind:               a.GetRuleKind(),
		Title:                  a.GetTitle(),
		Severity:               uint8(sev),
		Tags:                   nonNilStrings(a.GetTags()),
		SessionID:              a.GetSessionId(),
		GroupKey:               a.GetGroupKey(),
		EventIDs:               nonNilStrings(a.GetEventIds()),
		FirstEventTimeUnixNano: first,
		LastEventTimeUnixNano:  last,
		ServerName:             a.GetServerName(),
		ToolName:               a.GetToolName(),
		Payload:                payload,
	}, nil
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ToolDefinitionRow is one row of the tool_definitions table.
type ToolDefinitionRow struct {
	TenantID       string
	SeenDate       time.Time
	Time           time.Time
	TimeUnixNano   uint64
	EventID        string
	SessionID      string
	ServerName     string
	ServerIdentity string
	ToolName       string
	DefinitionHash string
	Title          string
	Description    string
	InputSchema    string
	OutputSchema   string
	Annotations    string // JSON object of the hints the server sent
}

var toolDefinitionColumns = []string{
	"tenant_id", "seen_date", "time", "time_unix_nano", "event_id", "session_id", "server_name",
	"server_identity", "tool_name", "definition_hash", "title", "description", "input_schema",
	"output_schema", "annotations",
}

func (r *ToolDefinitionRow) values() []any {
	return []any{
		r.TenantID, r.SeenDate, r.Time, r.TimeUnixNano, r.EventID, r.SessionID, r.ServerName,
		r.ServerIdentity, r.ToolName, r.DefinitionHash, r.Title, r.Description, r.InputSchema,
		r.OutputSchema, r.Annotations,
	}
}

// annotationsJSON is ToolAnnotations in MCP's JSON field names.
type annotationsJSON struct {
	ReadOnlyHint    *bool `json:"readOnlyHint,omitempty"`
	DestructiveHint *bool `json:"destructiveHint,omitempty"`
	IdempotentHint  *bool `json:"idempotentHint,omitempty"`
	OpenWorldHint   *bool `json:"openWorldHint,omitempty"`
}

// AnnotationsJSON returns the MCP ToolAnnotations object for a, holding
// only the hints the server sent: `{}` when none (or a is nil),
// `{"readOnlyHint":true}` and so on. The output is deterministic.
func AnnotationsJSON(a *eventv1.ToolAnnotations) string {
	if a == nil {
		return "{}"
	}
	b, err := json.Marshal(annotationsJSON{
		ReadOnlyHint:    a.ReadOnlyHint,
		DestructiveHint: a.DestructiveHint,
		IdempotentHint:  a.IdempotentHint,
		OpenWorldHint:   a.OpenWorldHint,
	})
	if err != nil { // cannot happen for four optional bools
		return "{}"
	}
	return string(b)
}

// NewToolDefinitionRows returns one tool_definitions row per tool of a
// tools/list response event, in listed order, or none when e carries no
// tool list.
func NewToolDefinitionRows(e *eventv1.Event) []ToolDefinitionRow {
	tools := e.GetToolList().GetTools()
	if len(tools) == 0 {
		return nil
	}
	ts := e.GetTime()
	if ts == nil {
		ts = e.GetReceivedTime()
	}
	t, nanos := unixTime(ts)
	rows := make([]ToolDefinitionRow, 0, len(tools))
	for _, tool := range tools {
		rows = append(rows, ToolDefinitionRow{
			TenantID:       e.GetTenantId(),
			SeenDate:       day(t),
			Time:           t,
			TimeUnixNano:   nanos,
			EventID:        e.GetEventId(),
			SessionID:      e.GetSession().GetId(),
			ServerName:     e.GetServer().GetName(),
			ServerIdentity: e.GetServer().GetIdentity(),
			ToolName:       tool.GetName(),
			DefinitionHash: tool.GetDefinitionHash(),
			Title:          tool.GetTitle(),
			Description:    tool.GetDescription(),
			InputSchema:    tool.GetInputSchemaJson(),
			OutputSchema:   tool.GetOutputSchemaJson(),
			Annotations:    AnnotationsJSON(tool.GetAnnotations()),
		})
	}
	return rows
}
