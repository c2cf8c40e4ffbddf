package mcpwire

import (
	"bytes"
	"container/list"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// Defaults of Config.
const (
	// DefaultMaxPending is the default bound of the pending-request table.
	DefaultMaxPending = 10_000
	// DefaultMaxResultText is the default cap, in bytes, of ToolResult.text.
	DefaultMaxResultText = 64 << 10
	// DefaultMaxJSONBytes is the default cap, in bytes, of tool arguments and
	// structured content JSON (the collector's default limit).
	DefaultMaxJSONBytes = 256 << 10
	// DefaultMaxRawBytes is the default cap, in bytes, of Event.raw.
	DefaultMaxRawBytes = 64 << 10
	// DefaultMaxInvalidPrefixBytes is the default cap, in bytes, of
	// InvalidFrame.prefix.
	DefaultMaxInvalidPrefixBytes = 1 << 10
)

// JSON-RPC 2.0 error codes (JSON-RPC 2.0 specification, section 5.1) the
// Observer puts in InvalidFrame.code for frames that are not valid JSON-RPC
// messages.
const (
	// CodeParseError marks a frame that is not valid JSON, or that was too
	// long to be parsed (InvalidFrame.oversize).
	CodeParseError = -32700
	// CodeInvalidRequest marks valid JSON that is not a JSON-RPC message.
	CodeInvalidRequest = -32600
)

// Config describes the session an Observer follows and its capture policy.
// The zero value is usable; DefaultConfig fills the bounds.
type Config struct {
	// Source is copied into every event (kind TAP, name, version, host,
	// instance).
	Source *eventv1.Source `yaml:"-"`
	// SessionID is Session.id: the Mcp-Session-Id or, for stdio, a derived
	// correlation key such as a UUIDv7 per tap process.
	SessionID string `yaml:"-"`
	// Transport is Session.transport.
	Transport eventv1.Transport `yaml:"-"`
	// ServerIdentity is Implementation.identity of the server: the command
	// line or URL the server was reached at.
	ServerIdentity string `yaml:"-"`
	// PrincipalSubject is Principal.subject (the OS user for stdio taps).
	PrincipalSubject string `yaml:"-"`
	// Labels are copied into every event.
	Labels map[string]string `yaml:"labels"`
	// MaxPending bounds the table of requests awaiting their response; when
	// full the oldest entry is evicted (counted in Stats.Evictions) and its
	// response will have no method or duration. Zero means DefaultMaxPending.
	MaxPending int `yaml:"max_pending"`
	// MaxResultText caps ToolResult.text in bytes (cut at a UTF-8 boundary).
	// Zero means DefaultMaxResultText; negative means capture no text.
	MaxResultText int `yaml:"max_result_text_bytes"`
	// MaxJSONBytes caps ToolCall.arguments_json and
	// ToolResult.structured_content_json in bytes. A larger value is replaced
	// by a valid JSON object {"mcpaudit.truncated":true,"size_bytes":N,
	// "prefix":"<the first bytes of the JSON text>"} so that it stays within
	// the collector's limits (ingest.max_arguments_bytes, 256 KiB by default)
	// and detection still sees its beginning. Zero means DefaultMaxJSONBytes.
	MaxJSONBytes int `yaml:"max_json_bytes"`
	// CaptureRaw keeps each JSON-RPC message in Event.raw.
	CaptureRaw bool `yaml:"capture_raw"`
	// MaxRawBytes caps Event.raw in bytes. Zero means DefaultMaxRawBytes.
	MaxRawBytes int `yaml:"max_raw_bytes"`
	// MaxInvalidPrefix caps InvalidFrame.prefix, the first bytes of a frame
	// that is not a valid JSON-RPC message, kept whatever CaptureRaw says.
	// Zero means DefaultMaxInvalidPrefixBytes.
	MaxInvalidPrefix int `yaml:"max_invalid_prefix_bytes"`
}

// DefaultConfig returns a Config with the default bounds and raw capture off.
func DefaultConfig() Config {
	return Config{
		MaxPending:    DefaultMaxPending,
		MaxResultText: DefaultMaxResultText,
		MaxJSONBytes:  DefaultMaxJSONBytes,
		MaxRawBytes:   DefaultMaxRawBytes,

		MaxInvalidPrefix: DefaultMaxInvalidPrefixBytes,
	}
}

// Validate reports the first invalid field, naming its config key.
func (c Config) Validate() error {
	if c.MaxPending < 0 {
		return errors.New("max_pending: must not be negative")
	}
	if c.MaxRawBytes < 0 {
		return errors.New("max_raw_bytes: must not be negative")
	}
	if c.MaxInvalidPrefix < 0 {
		return errors.New("max_invalid_prefix_bytes: must not be negative")
	}
	return nil
}

// Stats are an Observer's counters.
type Stats struct {
	// Messages is the number of events returned (one per JSON-RPC message,
	// invalid frame or observation gap).
	Messages int64
	// Invalid is the number of frames or batch elements that were not valid
	// JSON-RPC messages (events of kind INVALID, oversize frames included).
	Invalid int64
	// InvalidUTF8 is the number of events whose message held invalid UTF-8.
	InvalidUTF8 int64
	// Gaps is the number of observation-gap events returned by Gap.
	Gaps int64
	// Evictions is the number of pending requests evicted from the full
	// pending-request table.
	Evictions int64
	// Unpaired is the number of responses with no pending request.
	Unpaired int64
}

// Observer turns the frames of one MCP session into events. It is not safe
// for concurrent use: call Observe from one goroutine, in transport order.
type Observer struct {
	cfg       Config
	pending   map[pendingKey]*list.Element
	order     *list.List // of *pendingRequest, oldest first
	protocol  string
	client    *eventv1.Implementation
	server    *eventv1.Implementation
	principal *eventv1.Principal
	stats     Stats
}

// pendingKey identifies a request: who sent it and its id's JSON text.
type pendingKey struct {
	dir eventv1.Direction
	id  string
}

// pendingRequest is what a response needs from its request.
type pendingRequest struct {
	key      pendingKey
	method   string
	at       time.Time
	toolCall *eventv1.ToolCall
	resource *eventv1.Resource
	prompt   *eventv1.Prompt
	// truncated are the request's truncated_fields, which its response
	// repeats along with the fields it copies.
	truncated []string
}

// NewObserver returns an Observer for one session. Zero bounds in cfg take
// their defaults.
func NewObserver(cfg Config) *Observer {
	if cfg.MaxPending <= 0 {
		cfg.MaxPending = DefaultMaxPending
	}
	if cfg.MaxResultText == 0 {
		cfg.MaxResultText = DefaultMaxResultText
	}
	if cfg.MaxRawBytes <= 0 {
		cfg.MaxRawBytes = DefaultMaxRawBytes
	}
	if cfg.MaxJSONBytes <= 0 {
		cfg.MaxJSONBytes = DefaultMaxJSONBytes
	}
	if cfg.MaxInvalidPrefix <= 0 {
		cfg.MaxInvalidPrefix = DefaultMaxInvalidPrefixBytes
	}
	// The session-wide strings come from the command line, the host and the
	// OS user, none of which promises UTF-8 (a server path argument in
	// Latin-1, say); fix them once here so that every event encodes.
	cfg.SessionID = strings.ToValidUTF8(cfg.SessionID, replacementChar)
	cfg.ServerIdentity = strings.ToValidUTF8(cfg.ServerIdentity, replacementChar)
	cfg.PrincipalSubject = strings.ToValidUTF8(cfg.PrincipalSubject, replacementChar)
	if cfg.Source != nil {
		cfg.Source = proto.CloneOf(cfg.Source)
		sanitizeMessage(cfg.Source.ProtoReflect())
	}
	if len(cfg.Labels) > 0 {
		ev := &eventv1.Event{Labels: maps.Clone(cfg.Labels)}
		SanitizeUTF8(ev)
		cfg.Labels = ev.Labels
	}
	o := &Observer{
		cfg:     cfg,
		pending: make(map[pendingKey]*list.Element),
		order:   list.New(),
		server:  &eventv1.Implementation{Identity: cfg.ServerIdentity},
		client:  &eventv1.Implementation{},
	}
	if cfg.PrincipalSubject != "" {
		o.principal = &eventv1.Principal{Subject: cfg.PrincipalSubject}
	}
	return o
}

// Stats returns the Observer's counters so far.
func (o *Observer) Stats() Stats { return o.stats }

// ProtocolVersion returns the MCP revision learned so far ("" before
// initialize).
func (o *Observer) ProtocolVersion() string { return o.protocol }

// wireMessage is a JSON-RPC 2.0 message of any kind.
type wireMessage struct {
	JSONRPC json.RawMessage `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Method  json.RawMessage `json:"method"`
	Params  json.RawMessage `json:"params"`
	Result  json.RawMessage `json:"result"`
	Error   json.RawMessage `json:"error"`
}

// Observe returns the events of one transport frame: one event per JSON-RPC
// message, so several for a JSON array (a JSON-RPC batch, revision
// 2025-03-26). frame is one message as framed on the transport (for stdio,
// one line; a trailing "\n" or "\r\n" is ignored). at is when the frame was
// seen. It never returns an empty slice: a frame that is not JSON gives one
// event of kind INVALID with invalid_frame.code -32700, a JSON value (or
// batch element) that is not a JSON-RPC message one with -32600; method and
// jsonrpc_id are kept where they could be read. Invalid UTF-8 anywhere in the
// frame is replaced by U+FFFD in every string field of its events, which
// then have invalid_utf8 set (raw, when captured, keeps the original bytes).
// Observe does not retain frame.
func (o *Observer) Observe(dir eventv1.Direction, frame []byte, at time.Time) []*eventv1.Event {
	frame = bytes.TrimRight(frame, "\r\n")
	trimmed := bytes.TrimSpace(frame)
	if !json.Valid(trimmed) {
		ev := o.newEvent(dir, frame, at)
		o.invalid(ev, CodeParseError, parseErrorReason(trimmed), frame)
		return []*eventv1.Event{o.checkUTF8(ev, frame)}
	}
	if trimmed[0] == '[' {
		var elems []json.RawMessage
		if err := json.Unmarshal(trimmed, &elems); err != nil { // cannot fail on valid JSON
			ev := o.newEvent(dir, frame, at)
			o.invalid(ev, CodeParseError, err.Error(), frame)
			return []*eventv1.Event{o.checkUTF8(ev, frame)}
		}
		if len(elems) == 0 {
			ev := o.newEvent(dir, frame, at)
			o.invalid(ev, CodeInvalidRequest, "empty batch", frame)
			return []*eventv1.Event{ev}
		}
		evs := make([]*eventv1.Event, 0, len(elems))
		for _, e := range elems {
			evs = append(evs, o.checkUTF8(o.message(dir, e, at), e))
		}
		return evs
	}
	return []*eventv1.Event{o.checkUTF8(o.message(dir, frame, at), frame)}
}

// parseErrorReason says why data is not one JSON value.
func parseErrorReason(data []byte) string {
	if len(data) == 0 {
		return "empty frame"
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return err.Error()
	}
	return "invalid JSON" // json.Valid and json.Unmarshal disagree: not expected
}

// checkUTF8 flags ev and makes its strings valid when msg, the bytes ev was
// made from, is not valid UTF-8. The check is one pass over msg; the
// protoreflect walk runs only for the rare invalid message.
func (o *Observer) checkUTF8(ev *eventv1.Event, msg []byte) *eventv1.Event {
	if utf8.Valid(msg) {
		return ev
	}
	SanitizeUTF8(ev)
	ev.InvalidUtf8 = true
	o.stats.InvalidUTF8++
	return ev
}

// Oversize returns the event of a frame that was too long to be parsed and
// was relayed unparsed (for stdio, a line longer than the tap's
// max_line_bytes): kind INVALID, invalid_frame {code -32700, reason,
// prefix = the first bytes of prefix up to max_invalid_prefix_bytes,
// oversize true}, size_bytes = size (the frame's length without its
// newline). limit is the frame limit the reason names. invalid_utf8 is not
// judged: only the prefix was seen (its bytes are kept as they are).
// Oversize does not retain prefix.
func (o *Observer) Oversize(dir eventv1.Direction, prefix []byte, size int64, limit int, at time.Time) *eventv1.Event {
	ev := o.newEvent(dir, nil, at)
	ev.SizeBytes = size
	o.invalid(ev, CodeParseError, fmt.Sprintf("frame of %d bytes is longer than the limit of %d bytes: relayed without being parsed", size, limit), prefix)
	ev.InvalidFrame.Oversize = true
	return ev
}

// Gap returns the event that records a stretch of the session the emitter
// could not observe: kind OBSERVATION_GAP, direction dir, observation_gap
// gap (kept, not copied), time = gap.start_time (else now), size_bytes =
// gap.bytes. The session-wide fields are set as on every event. Gap changes
// no pairing state.
func (o *Observer) Gap(dir eventv1.Direction, gap *eventv1.ObservationGap) *eventv1.Event {
	at := time.Now()
	if gap.GetStartTime() != nil {
		at = gap.GetStartTime().AsTime()
	}
	ev := o.newEvent(dir, nil, at)
	o.stats.Gaps++
	ev.Kind = eventv1.MessageKind_MESSAGE_KIND_OBSERVATION_GAP
	ev.ObservationGap = gap
	ev.SizeBytes = gap.GetBytes()
	return o.finish(ev)
}

// newEvent returns an event with the session-wide fields set.
func (o *Observer) newEvent(dir eventv1.Direction, raw []byte, at time.Time) *eventv1.Event {
	o.stats.Messages++
	ev := &eventv1.Event{
		Time:      timestamppb.New(at),
		Direction: dir,
		SizeBytes: int64(len(raw)),
		Session: &eventv1.Session{
			Id:              o.cfg.SessionID,
			Transport:       o.cfg.Transport,
			ProtocolVersion: o.protocol,
		},
	}
	if id, err := uuid.NewV7(); err == nil {
		ev.EventId = id.String()
	} // else the collector assigns one
	if o.cfg.Source != nil {
		ev.Source = proto.CloneOf(o.cfg.Source)
	}
	if o.principal != nil {
		ev.Principal = proto.CloneOf(o.principal)
	}
	if len(o.cfg.Labels) > 0 {
		ev.Labels = maps.Clone(o.cfg.Labels)
	}
	if o.cfg.CaptureRaw && len(raw) > 0 {
		ev.Raw = bytes.Clone(raw[:min(len(raw), o.cfg.MaxRawBytes)])
		if len(raw) > o.cfg.MaxRawBytes {
			ev.TruncatedFields = append(ev.TruncatedFields, "raw")
		}
	}
	return ev
}

// finish sets the parties, which initialize may just have taught us.
func (o *Observer) finish(ev *eventv1.Event) *eventv1.Event {
	ev.Session.ProtocolVersion = o.protocol
	if o.client.GetName() != "" || o.client.GetVersion() != "" {
		ev.Client = proto.CloneOf(o.client)
	}
	if o.server.GetName() != "" || o.server.GetIdentity() != "" {
		ev.Server = proto.CloneOf(o.server)
	}
	return ev
}

// invalid makes ev an event of kind INVALID: code is the JSON-RPC error code
// the frame deserves, reason what is wrong, msg the frame (or batch element)
// whose first bytes are kept. Error stays unset: it is for JSON-RPC error
// responses.
func (o *Observer) invalid(ev *eventv1.Event, code int32, reason string, msg []byte) {
	o.stats.Invalid++
	ev.Kind = eventv1.MessageKind_MESSAGE_KIND_INVALID
	ev.InvalidFrame = &eventv1.InvalidFrame{
		Code:   code,
		Reason: reason,
		Prefix: bytes.Clone(msg[:min(len(msg), o.cfg.MaxInvalidPrefix)]),
	}
	o.finish(ev)
}

// message returns the event of one JSON-RPC message (valid JSON).
func (o *Observer) message(dir eventv1.Direction, raw []byte, at time.Time) *eventv1.Event {
	ev := o.newEvent(dir, raw, at)
	var m wireMessage
	msg := raw
	if raw = bytes.TrimSpace(raw); raw[0] != '{' {
		o.invalid(ev, CodeInvalidRequest, "not a JSON object", msg)
		return ev
	}
	if err := json.Unmarshal(raw, &m); err != nil { // cannot fail: valid JSON into raw members
		o.invalid(ev, CodeInvalidRequest, err.Error(), msg)
		return ev
	}
	idPresent := len(m.ID) > 0 && !bytes.Equal(m.ID, []byte("null"))
	if len(m.ID) > 0 {
		ev.JsonrpcId = compact(m.ID)
	}
	var method string
	if len(m.Method) > 0 {
		if err := json.Unmarshal(m.Method, &method); err != nil {
			o.invalid(ev, CodeInvalidRequest, "method is not a string", msg)
			return ev
		}
		ev.Method = method
	}
	if !bytes.Equal(m.JSONRPC, []byte(`"2.0"`)) {
		got := "absent"
		if len(m.JSONRPC) > 0 {
			got = TruncateText(compact(m.JSONRPC), 64)
		}
		o.invalid(ev, CodeInvalidRequest, fmt.Sprintf("jsonrpc is %s, want \"2.0\"", got), msg)
		return ev
	}
	if len(m.ID) > 0 && !validID(m.ID) {
		o.invalid(ev, CodeInvalidRequest, "id must be a string, number or null", msg)
		return ev
	}
	switch {
	case len(m.Method) > 0 && idPresent:
		ev.Kind = eventv1.MessageKind_MESSAGE_KIND_REQUEST
		o.request(ev, dir, ev.JsonrpcId, method, m.Params, at)
	case len(m.Method) > 0 && len(m.ID) == 0:
		ev.Kind = eventv1.MessageKind_MESSAGE_KIND_NOTIFICATION
		o.learnMeta(m.Params)
		ev.Trace = traceFromParams(m.Params)
	case len(m.Method) > 0:
		o.invalid(ev, CodeInvalidRequest, "request id is null", msg)
		return ev
	case len(m.Error) > 0 && !bytes.Equal(m.Error, []byte("null")):
		ev.Kind = eventv1.MessageKind_MESSAGE_KIND_ERROR
		ev.Error = decodeError(m.Error, o.cfg.MaxResultText)
		o.response(ev, dir, m.ID, nil, at)
	case len(m.Result) > 0:
		ev.Kind = eventv1.MessageKind_MESSAGE_KIND_RESPONSE
		o.response(ev, dir, m.ID, m.Result, at)
	default:
		o.invalid(ev, CodeInvalidRequest, "neither method, result nor error", msg)
		return ev
	}
	return o.finish(ev)
}

// request fills a request event and records it as pending.
func (o *Observer) request(ev *eventv1.Event, dir eventv1.Direction, id, method string, params json.RawMessage, at time.Time) {
	o.learnMeta(params)
	ev.Trace = traceFromParams(params)
	p := &pendingRequest{key: pendingKey{dir, id}, method: method, at: at}
	switch method {
	case "initialize":
		var ip struct {
			ProtocolVersion string          `json:"protocolVersion"`
			ClientInfo      *implementation `json:"clientInfo"`
		}
		if json.Unmarshal(params, &ip) == nil {
			if ip.ClientInfo != nil {
				o.client = &eventv1.Implementation{Name: ip.ClientInfo.Name, Version: ip.ClientInfo.Version}
			}
			if o.protocol == "" {
				o.protocol = ip.ProtocolVersion // requested; the result has the negotiated one
			}
		}
	case "tools/call":
		var cp struct {
			Name      string          `json:"name"`
			Arguments json.RawMessage `json:"arguments"`
		}
		_ = json.Unmarshal(params, &cp) // leaves zero values on bad params
		ev.ToolCall = &eventv1.ToolCall{Name: cp.Name, ArgumentsJson: o.capJSON(ev, "tool_call.arguments_json", compact(cp.Arguments))}
		p.toolCall = ev.ToolCall
	case "resources/read":
		var rp struct {
			URI string `json:"uri"`
		}
		_ = json.Unmarshal(params, &rp)
		ev.Resource = &eventv1.Resource{Uri: rp.URI}
		p.resource = ev.Resource
	case "prompts/get":
		var pp struct {
			Name      string                     `json:"name"`
			Arguments map[string]json.RawMessage `json:"arguments"`
		}
		_ = json.Unmarshal(params, &pp)
		ev.Prompt = &eventv1.Prompt{Name: pp.Name}
		if len(pp.Arguments) > 0 {
			ev.Prompt.Arguments = make(map[string]string, len(pp.Arguments))
			for k, v := range pp.Arguments {
				ev.Prompt.Arguments[k] = jsonText(v)
			}
		}
		p.prompt = ev.Prompt
	case "sampling/createMessage":
		var sp struct {
			IncludeContext string            `json:"includeContext"`
			MaxTokens      json.Number       `json:"maxTokens"`
			SystemPrompt   string            `json:"systemPrompt"`
			Messages       []json.RawMessage `json:"messages"`
		}
		_ = json.Unmarshal(params, &sp)
		maxTokens, _ := sp.MaxTokens.Int64()
		ev.Sampling = &eventv1.Sampling{
			IncludeContext: sp.IncludeContext,
			MaxTokens:      maxTokens,
			SystemPrompt:   sp.SystemPrompt,
			MessageCount:   int32(min(len(sp.Messages), 1<<31-1)),
			Text:           o.capText(ev, "sampling.text", messageTexts(sp.Messages)),
		}
	case "elicitation/create":
		var ep struct {
			Message         string          `json:"message"`
			RequestedSchema json.RawMessage `json:"requestedSchema"`
		}
		_ = json.Unmarshal(params, &ep)
		ev.Elicitation = &eventv1.Elicitation{Message: ep.Message, RequestedSchemaJson: compact(ep.RequestedSchema)}
	}
	p.truncated = slices.Clone(ev.TruncatedFields)
	o.addPending(p)
}

func (o *Observer) addPending(p *pendingRequest) {
	if old, ok := o.pending[p.key]; ok { // a reused id replaces the older request
		o.order.Remove(old)
	}
	for o.order.Len() >= o.cfg.MaxPending {
		oldest := o.order.Front()
		delete(o.pending, o.order.Remove(oldest).(*pendingRequest).key)
		o.stats.Evictions++
	}
	o.pending[p.key] = o.order.PushBack(p)
}

// response fills a response or error event from its paired request. result
// is nil for errors.
func (o *Observer) response(ev *eventv1.Event, dir eventv1.Direction, id json.RawMessage, result json.RawMessage, at time.Time) {
	reqDir := eventv1.Direction_DIRECTION_CLIENT_TO_SERVER
	if dir == eventv1.Direction_DIRECTION_CLIENT_TO_SERVER {
		reqDir = eventv1.Direction_DIRECTION_SERVER_TO_CLIENT
	}
	var p *pendingRequest
	if len(id) > 0 {
		if el, ok := o.pending[pendingKey{reqDir, compact(id)}]; ok {
			p = o.order.Remove(el).(*pendingRequest)
			delete(o.pending, p.key)
		}
	}
	if p == nil {
		o.stats.Unpaired++
		return
	}
	ev.Method = p.method
	if d := at.Sub(p.at); d >= 0 {
		ev.Duration = durationpb.New(d)
	}
	if p.toolCall != nil {
		ev.ToolCall = &eventv1.ToolCall{Name: p.toolCall.Name, ArgumentsJson: p.toolCall.ArgumentsJson}
	}
	for _, f := range p.truncated {
		MarkTruncated(ev, f, f)
	}
	if p.resource != nil {
		ev.Resource = &eventv1.Resource{Uri: p.resource.Uri}
	}
	if p.prompt != nil {
		ev.Prompt = proto.CloneOf(p.prompt)
	}
	if result == nil {
		return
	}
	switch p.method {
	case "initialize":
		var ir struct {
			ProtocolVersion string          `json:"protocolVersion"`
			ServerInfo      *implementation `json:"serverInfo"`
			Instructions    string          `json:"instructions"`
		}
		if json.Unmarshal(result, &ir) == nil {
			if ir.ProtocolVersion != "" {
				o.protocol = ir.ProtocolVersion
			}
			if ir.ServerInfo != nil {
				o.server = &eventv1.Implementation{Name: ir.ServerInfo.Name, Version: ir.ServerInfo.Version, Identity: o.cfg.ServerIdentity}
			}
			if ir.Instructions != "" {
				ev.Instructions = o.capText(ev, "instructions", []string{ir.Instructions})
			}
		}
	case "tools/call":
		ev.ToolCall.Result = o.toolResult(ev, result)
	case "tools/list":
		ev.ToolList = toolList(result)
	case "resources/read":
		o.fillResourceResult(ev, ev.Resource, result)
	case "prompts/get":
		if ev.Prompt == nil {
			ev.Prompt = &eventv1.Prompt{}
		}
		ev.Prompt.Text = o.capText(ev, "prompt.text", promptText(result))
	case "prompts/list":
		if parts := promptListText(result); len(parts) > 0 {
			ev.Prompt = &eventv1.Prompt{Text: o.capText(ev, "prompt.text", parts)}
		}
	case "resources/list", "resources/templates/list":
		if parts := resourceListText(result); len(parts) > 0 {
			ev.Resource = &eventv1.Resource{Text: o.capText(ev, "resource.text", parts)}
		}
	case "roots/list":
		ev.RootUris = rootURIs(result)
	case "elicitation/create":
		var er struct {
			Action string `json:"action"`
		}
		_ = json.Unmarshal(result, &er)
		ev.Elicitation = &eventv1.Elicitation{Action: er.Action}
	}
}

// implementation is an MCP Implementation object.
type implementation struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// learnMeta learns the protocol revision and client info that revision
// 2026-07-28 sends in every request's _meta.
func (o *Observer) learnMeta(params json.RawMessage) {
	var p struct {
		Meta struct {
			ProtocolVersion string          `json:"io.modelcontextprotocol/protocolVersion"`
			ClientInfo      *implementation `json:"io.modelcontextprotocol/clientInfo"`
		} `json:"_meta"`
	}
	if len(params) == 0 || json.Unmarshal(params, &p) != nil {
		return
	}
	if p.Meta.ProtocolVersion != "" {
		o.protocol = p.Meta.ProtocolVersion
	}
	if ci := p.Meta.ClientInfo; ci != nil && (ci.Name != "" || ci.Version != "") {
		o.client = &eventv1.Implementation{Name: ci.Name, Version: ci.Version}
	}
}
