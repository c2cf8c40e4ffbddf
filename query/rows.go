package query

import (
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// eventRow is the events table's filter columns, read only for rows whose
// payload is empty.
type eventRow struct {
	TenantID          string    `ch:"tenant_id"`
	TimeUnixNano      uint64    `ch:"time_unix_nano"`
	ReceivedTime      time.Time `ch:"received_time"`
	EventID           string    `ch:"event_id"`
	SessionID         string    `ch:"session_id"`
	Transport         string    `ch:"transport"`
	ProtocolVersion   string    `ch:"protocol_version"`
	SourceKind        string    `ch:"source_kind"`
	SourceName        string    `ch:"source_name"`
	SourceHost        string    `ch:"source_host"`
	ClientName        string    `ch:"client_name"`
	ClientVersion     string    `ch:"client_version"`
	ServerName        string    `ch:"server_name"`
	ServerVersion     string    `ch:"server_version"`
	ServerIdentity    string    `ch:"server_identity"`
	PrincipalSubject  string    `ch:"principal_subject"`
	PrincipalSourceIP string    `ch:"principal_source_ip"`
	TraceID           string    `ch:"trace_id"`
	SpanID            string    `ch:"span_id"`
	Direction         string    `ch:"direction"`
	Kind              string    `ch:"kind"`
	JSONRPCID         string    `ch:"jsonrpc_id"`
	Method            string    `ch:"method"`
	ToolName          string    `ch:"tool_name"`
	ToolArguments     string    `ch:"tool_arguments"`
	ToolIsError       uint8     `ch:"tool_is_error"`
	ToolResultText    string    `ch:"tool_result_text"`
	ResourceURI       string    `ch:"resource_uri"`
	ErrorCode         int32     `ch:"error_code"`
	ErrorMessage      string    `ch:"error_message"`
	DurationNs        int64     `ch:"duration_ns"`
	SizeBytes         uint64    `ch:"size_bytes"`
}

// event rebuilds the parts of an Event the columns hold. Raw message, labels
// and method details without a column (tool lists, prompts, sampling,
// elicitation) are lost.
func (r *eventRow) event() *eventv1.Event {
	e := &eventv1.Event{
		EventId:   r.EventID,
		TenantId:  r.TenantID,
		Time:      nanosToTimestamp(r.TimeUnixNano),
		Source:    &eventv1.Source{Kind: eventv1.SourceKind(enumValue(eventv1.SourceKind_value, "SOURCE_KIND_", r.SourceKind)), Name: r.SourceName, Host: r.SourceHost},
		Session:   &eventv1.Session{Id: r.SessionID, Transport: eventv1.Transport(enumValue(eventv1.Transport_value, "TRANSPORT_", r.Transport)), ProtocolVersion: r.ProtocolVersion},
		Client:    &eventv1.Implementation{Name: r.ClientName, Version: r.ClientVersion},
		Server:    &eventv1.Implementation{Name: r.ServerName, Version: r.ServerVersion, Identity: r.ServerIdentity},
		Principal: &eventv1.Principal{Subject: r.PrincipalSubject, SourceIp: r.PrincipalSourceIP},
		Direction: eventv1.Direction(enumValue(eventv1.Direction_value, "DIRECTION_", r.Direction)),
		Kind:      eventv1.MessageKind(enumValue(eventv1.MessageKind_value, "MESSAGE_KIND_", r.Kind)),
		JsonrpcId: r.JSONRPCID,
		Method:    r.Method,
		SizeBytes: int64(r.SizeBytes),
	}
	if !r.ReceivedTime.IsZero() && r.ReceivedTime.Unix() > 0 {
		e.ReceivedTime = timestamppb.New(r.ReceivedTime)
	}
	if r.TraceID != "" || r.SpanID != "" {
		e.Trace = &eventv1.TraceContext{TraceId: r.TraceID, SpanId: r.SpanID}
	}
	if r.ToolName != "" || r.ToolArguments != "" || r.ToolIsError != 0 || r.ToolResultText != "" {
		e.ToolCall = &eventv1.ToolCall{Name: r.ToolName, ArgumentsJson: r.ToolArguments}
		if e.Kind == eventv1.MessageKind_MESSAGE_KIND_RESPONSE || r.ToolIsError != 0 || r.ToolResultText != "" {
			e.ToolCall.Result = &eventv1.ToolResult{IsError: r.ToolIsError != 0, Text: r.ToolResultText}
		}
	}
	if r.ResourceURI != "" {
		e.Resource = &eventv1.Resource{Uri: r.ResourceURI}
	}
	if r.ErrorCode != 0 || r.ErrorMessage != "" {
		e.Error = &eventv1.JsonRpcError{Code: r.ErrorCode, Message: r.ErrorMessage}
	}
	if r.DurationNs != 0 {
		e.Duration = durationpb.New(time.Duration(r.DurationNs))
	}
	return e
}

// alertRow is the alerts table's filter columns, read only for rows whose
// payload is empty.
type alertRow struct {
	TenantID         string   `ch:"tenant_id"`
	TimeUnixNano     uint64   `ch:"time_unix_nano"`
	AlertID          string   `ch:"alert_id"`
	RuleID           string   `ch:"rule_id"`
	RuleKind         string   `ch:"rule_kind"`
	Title            string   `ch:"title"`
	Severity         uint8    `ch:"severity"`
	Tags             []string `ch:"tags"`
	SessionID        string   `ch:"session_id"`
	GroupKey         string   `ch:"group_key"`
	EventIDs         []string `ch:"event_ids"`
	FirstEventTimeNs uint64   `ch:"first_event_time_unix_nano"`
	LastEventTimeNs  uint64   `ch:"last_event_time_unix_nano"`
	ServerName       string   `ch:"server_name"`
	ToolName         string   `ch:"tool_name"`
}

// alert rebuilds an Alert from its columns; only the description is lost.
func (r *alertRow) alert() *eventv1.Alert {
	a := &eventv1.Alert{
		AlertId:    r.AlertID,
		TenantId:   r.TenantID,
		RuleId:     r.RuleID,
		RuleKind:   r.RuleKind,
		Title:      r.Title,
		Severity:   eventv1.Severity(r.Severity),
		Tags:       r.Tags,
		EventIds:   r.EventIDs,
		SessionId:  r.SessionID,
		GroupKey:   r.GroupKey,
		Time:       nanosToTimestamp(r.TimeUnixNano),
		ServerName: r.ServerName,
		ToolName:   r.ToolName,
	}
	if r.FirstEventTimeNs != 0 {
		a.FirstEventTime = nanosToTimestamp(r.FirstEventTimeNs)
	}
	if r.LastEventTimeNs != 0 {
		a.LastEventTime = nanosToTimestamp(r.LastEventTimeNs)
	}
	return a
}

// nanosToTimestamp converts Unix nanoseconds to a Timestamp.
func nanosToTimestamp(ns uint64) *timestamppb.Timestamp {
	return &timestamppb.Timestamp{Seconds: int64(ns / uint64(time.Second)), Nanos: int32(ns % uint64(time.Second))}
}

// enumValue maps a stored enum column ("client_to_server") back to its proto
// number via the generated name map; unknown or empty names give 0
// (the _UNSPECIFIED value).
func enumValue(values map[string]int32, prefix, stored string) int32 {
	if stored == "" {
		return 0
	}
	return values[prefix+strings.ToUpper(stored)]
}
