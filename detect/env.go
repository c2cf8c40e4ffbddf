package detect

import (
	"encoding/json"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr"

	"github.com/mcpaudit/mcpaudit/detect/argument"
	"github.com/mcpaudit/mcpaudit/detect/catalog"
	"github.com/mcpaudit/mcpaudit/detect/signal"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// Env is the typed environment every rule expression is compiled against and
// evaluated with: one event's convenience fields plus the raw proto. Names in
// expressions are the expr tags (snake_case, as in the proto and the
// OpenTelemetry MCP conventions); the helper functions are lowerCamel.
type Env struct {
	// sessionTools are the tool names of the session's catalogue, set on
	// events with Text (not visible to rules): the server's own tools.
	sessionTools []string
	// orderLits are the targets the order sentences of server text named
	// (injection.OrderLiterals), collected by analyse for the state.
	orderLits []string

	// Method is the MCP method (tools/call, tools/list, ...); for responses
	// the method of the paired request.
	Method string `expr:"method"`
	// Kind is request, response, notification, error, invalid (a frame that
	// is not a valid JSON-RPC message) or observation_gap (a stretch the
	// emitter could not observe); "" when unset.
	Kind string `expr:"kind"`
	// Direction is client_to_server or server_to_client ("" when unset).
	Direction string `expr:"direction"`
	// SessionID is session.id.
	SessionID string `expr:"session_id"`
	// TenantID is the event's tenant.
	TenantID string `expr:"tenant_id"`
	// ServerName is server.name.
	ServerName string `expr:"server_name"`
	// ClientName is client.name.
	ClientName string `expr:"client_name"`
	// Subject is principal.subject.
	Subject string `expr:"subject"`
	// ClientKey identifies the agent side across its sessions (one per
	// server): tenant, principal.subject, client.name and source.host
	// joined by NUL. Group by it to follow a client across servers.
	ClientKey string `expr:"client_key"`
	// SourceIP is principal.source_ip.
	SourceIP string `expr:"source_ip"`
	// ToolName is tool_call.name.
	ToolName string `expr:"tool_name"`
	// Arguments is tool_call.arguments_json decoded (nil when absent or not a
	// JSON object).
	Arguments map[string]any `expr:"arguments"`
	// ArgumentsJSON is tool_call.arguments_json as sent.
	ArgumentsJSON string `expr:"arguments_json"`
	// ResultText is tool_call.result.text.
	ResultText string `expr:"result_text"`
	// IsError is tool_call.result.is_error.
	IsError bool `expr:"is_error"`
	// ErrorCode is the JSON-RPC error code (0 when the event is no error).
	ErrorCode int `expr:"error_code"`
	// ErrorMessage is the JSON-RPC error message.
	ErrorMessage string `expr:"error_message"`
	// Tools are the tool definitions of a tools/list response.
	Tools []Tool `expr:"tools"`
	// ResourceURI is resource.uri.
	ResourceURI string `expr:"resource_uri"`
	// SizeBytes is the message size in bytes.
	SizeBytes int `expr:"size_bytes"`
	// DurationMS is the response latency in milliseconds.
	DurationMS float64 `expr:"duration_ms"`
	// InvalidCode is invalid_frame.code: -32700 (not JSON, or too long to
	// parse) or -32600 (JSON but not a JSON-RPC message); 0 unless kind is
	// invalid.
	InvalidCode int `expr:"invalid_code"`
	// InvalidReason is invalid_frame.reason: what is wrong with the frame.
	InvalidReason string `expr:"invalid_reason"`
	// InvalidPrefix is invalid_frame.prefix, the frame's first bytes, as
	// text (invalid UTF-8 replaced by U+FFFD).
	InvalidPrefix string `expr:"invalid_prefix"`
	// InvalidOversize is invalid_frame.oversize: the frame was longer than
	// the emitter's frame limit and was relayed unparsed.
	InvalidOversize bool `expr:"invalid_oversize"`
	// InvalidLogLine reports an invalid frame that is a plain line of text
	// a server printed on stdout (a log line or a banner): not JSON at all
	// (-32700), not oversize, valid UTF-8, printable, and not starting
	// with '{' or '[' as a frame a lenient client could try to parse does;
	// or a structured JSON log record (-32600) with "level"/"msg"/"time"
	// and none of jsonrpc, method, id, result, error, params.
	// Clients skip such lines; the mcp-invalid-jsonrpc-frame rule leaves
	// them alone.
	InvalidLogLine bool `expr:"invalid_log_line"`
	// InvalidUTF8 is invalid_utf8: the message held bytes that are not
	// valid UTF-8 (replaced by U+FFFD in every field rules see).
	InvalidUTF8 bool `expr:"invalid_utf8"`
	// GapReason is observation_gap.reason: observer_queue_full (the relay
	// outpaced the observer) or buffer_full (the emitter's buffer of
	// undelivered events was full); "" unless kind is observation_gap.
	GapReason string `expr:"gap_reason"`
	// GapBytes is observation_gap.bytes: bytes relayed but not observed.
	GapBytes int `expr:"gap_bytes"`
	// GapFrames is observation_gap.frames: frames in the unobserved bytes.
	GapFrames int `expr:"gap_frames"`
	// GapEvents is observation_gap.events: events observed but not
	// delivered.
	GapEvents int `expr:"gap_events"`
	// TruncatedFields is truncated_fields: the fields an emitter or the
	// collector shortened to fit a size limit.
	TruncatedFields []string `expr:"truncated_fields"`
	// RootURIs are the roots of a roots/list response (root_uris).
	RootURIs []string `expr:"root_uris"`
	// Instructions is InitializeResult.instructions on the initialize
	// response.
	Instructions string `expr:"instructions"`
	// Text is the model-visible text a server sent in this event, one
	// surface per event: a tool result's text (and structured content), a
	// resource's contents, a prompt's messages, a sampling request's
	// system prompt and messages, an elicitation's message, or the
	// server's instructions; "" for other events (tool definitions are in
	// tools[].text).
	Text string `expr:"text"`
	// TextSurface names Text's source: tool_result, resource, prompt,
	// sampling, elicitation, instructions, definitions (the names, titles
	// and descriptions of a prompts/list, resources/list or
	// resources/templates/list result), or "".
	TextSurface string `expr:"text_surface"`
	// Time is the event time (see EventTime).
	Time time.Time `expr:"time"`

	// State views, filled by the engine from what it knew before this
	// event (see state.go); zero when the event is evaluated without an
	// engine.

	// CalledTool is the definition of the tool a tools/call request or
	// response names, from the session's last tools/list (tool.known is
	// false, and only tool.name is set, when the session never listed it).
	CalledTool Tool `expr:"tool"`
	// Session is the event's session so far.
	Session SessionView `expr:"session"`
	// Client is the event's client (principal, client implementation,
	// host) across its sessions with every server, so far.
	Client ClientView `expr:"client"`
	// DefinitionChanges are, on a tools/list response, the tools whose
	// definition differs from the session's previous list or from the
	// tenant's baseline for the server, and tools added or removed.
	DefinitionChanges []DefinitionChange `expr:"definition_changes"`
	// Collisions are, on a tools/list response, the tools (and the server
	// name) that collide with what other servers offered the same client.
	Collisions []Collision `expr:"collisions"`
	// ForeignTools are, on a tools/list response, the tool names other
	// servers offered the same client in the last 24 hours.
	ForeignTools []string `expr:"foreign_tools"`
	// ReferringTools are, on a tools/list response, other servers'
	// definitions (within 24 hours, same client) that name one of this
	// response's tools and were analysed before the client knew that
	// name, analysed again with it (Risk, with fields
	// "servers[S].tools[T]"; Definition holds only the annotations):
	// clients list their servers in any order, so an order about
	// send_email is caught whichever server answers first.
	ReferringTools []Tool `expr:"referring_tools"`
	// Flows are, on a tools/call request, the argument values that an
	// earlier result of the same client disclosed.
	Flows []Flow `expr:"flows"`
	// Followed are, on a tools/call request of a tool that acts, the
	// targets (addresses, accounts, identifiers) that an order in an
	// earlier result, resource or prompt of the same client named and
	// that the client had not sent before (orders.go).
	Followed []Followed `expr:"followed"`

	// Analyser verdicts (analyse.go), computed once per event when a
	// loaded rule reads them; zero otherwise.

	// TextRisk is detect/injection's verdict on Text: instructions aimed at
	// the model, fake errors, role forgery, line jumping.
	TextRisk signal.Verdict `expr:"text_risk"`
	// TextHidden is detect/canon's verdict on Text: invisible characters,
	// steganography, terminal escapes.
	TextHidden signal.Verdict `expr:"text_hidden"`
	// Args is detect/argument's report on a tools/call request's arguments
	// (command_injection, privileged_command, destructive, ssrf, traversal,
	// sensitive_path, listing, secrets, covert).
	Args argument.Report `expr:"args"`
	// ResultSecrets are the kinds of secret (internal/secrets, markers
	// included) in a tools/call result's text, each once: secrets(result_text)
	// computed once per event for every rule that reads it.
	ResultSecrets []string `expr:"result_secrets"`
	// MemoryRisk is detect/injection's verdict on the strings a tools/call
	// asks a memory tool (capability writes_memory) to store.
	MemoryRisk signal.Verdict `expr:"memory_risk"`
	// MemoryCopied reports, on a tools/call request of a tool that writes
	// memory, that a string it stores (eight words or more) repeats for
	// the most part (three in five of its word trigrams) the result of an
	// untrusted read the client made on another server in the last hour:
	// an outsider's text
	// going into the agent's memory (state.copiedToMemory).
	MemoryCopied bool `expr:"memory_copied"`
	// MemoryStanding reports that such a copied string reads as a standing
	// rule: a word for always, every, whenever, from now on, standing,
	// permanent, rule or policy, in any of the analyser's languages
	// (standingWords).
	MemoryStanding bool `expr:"memory_standing"`
	// MemoryInjected reports that the untrusted read such a string was
	// copied from was itself rated injection (text_risk medium or more):
	// the note carries an outsider's orders into memory, whatever words
	// they were written in.
	MemoryInjected bool `expr:"memory_injected"`
	// Event is the raw proto, for fields without a convenience name
	// (event.Labels, event.Sampling.IncludeContext, ...; Go field names).
	Event *eventv1.Event `expr:"event"`
}

// Tool is one tool definition of a tools/list response as rules see it.
type Tool struct {
	// Name is the tool name.
	Name string `expr:"name"`
	// Title is the human-readable title.
	Title string `expr:"title"`
	// Description is the description shown to the model.
	Description string `expr:"description"`
	// InputSchemaJSON is inputSchema as JSON text.
	InputSchemaJSON string `expr:"input_schema_json"`
	// OutputSchemaJSON is outputSchema as JSON text.
	OutputSchemaJSON string `expr:"output_schema_json"`
	// Annotations are the hints with MCP defaults applied.
	Annotations Annotations `expr:"annotations"`
	// DefinitionHash is the canonical definition hash.
	DefinitionHash string `expr:"definition_hash"`
	// MetaJSON is the tool's _meta object as JSON text.
	MetaJSON string `expr:"meta_json"`
	// Text is all model-visible text of the tool joined by newlines: name,
	// title, description, annotations.title, every property name and
	// string value of the input and output schemas, every string of
	// _meta and of the annotations' vendor members, JSON escapes decoded (so \u200b in a schema is the code point
	// U+200B here).
	Text string `expr:"text"`
	// Capabilities are the tool's capability labels (detect/catalog:
	// executes, reads_private, reads_untrusted, sends_outside,
	// writes_files, writes_memory, destructive), sorted.
	Capabilities []string `expr:"capabilities"`
	// Known is set on Env.CalledTool when the session's catalogue holds
	// the tool's definition.
	Known bool `expr:"known"`
	// Definition is the raw proto.
	Definition *eventv1.ToolDefinition `expr:"definition"`
	// Risk is detect/injection's verdict on all of the tool's model-visible
	// text (tools/list responses only).
	Risk signal.Verdict `expr:"risk"`
	// Hidden is detect/canon's verdict on Text: invisible characters,
	// steganography, terminal escapes (tools/list responses only).
	Hidden signal.Verdict `expr:"hidden"`
	// ReferringServer is, on a tool of Env.ReferringTools, the server
	// that offered it; "" elsewhere.
	ReferringServer string `expr:"referring_server"`
	// siblings are, on a tool of Env.ReferringTools, the other tools of
	// its server
	siblings []string
}

// Annotations are the MCP tool annotations with the MCP defaults applied
// where the server sent none (read_only_hint false, destructive_hint true,
// idempotent_hint false, open_world_hint true).
type Annotations struct {
	ReadOnlyHint    bool `expr:"read_only_hint"`
	DestructiveHint bool `expr:"destructive_hint"`
	IdempotentHint  bool `expr:"idempotent_hint"`
	OpenWorldHint   bool `expr:"open_world_hint"`
	// OpenWorldStated: the server itself sent openWorldHint true (not the
	// default): the tool reaches external entities by its own account.
	OpenWorldStated bool `expr:"open_world_stated"`
}

// EventTime returns the time windows are measured in for ev: ev.time, else
// ev.received_time, else the zero time.
func EventTime(ev *eventv1.Event) time.Time {
	if t := ev.GetTime(); t != nil {
		return t.AsTime()
	}
	if t := ev.GetReceivedTime(); t != nil {
		return t.AsTime()
	}
	return time.Time{}
}

// NewEnv builds the rule environment for ev. It does not fail: arguments
// that are not a JSON object leave Arguments nil (ArgumentsJSON keeps the
// text).
func NewEnv(ev *eventv1.Event) *Env {
	e := &Env{
		Method:       ev.GetMethod(),
		Kind:         kindName(ev.GetKind()),
		Direction:    directionName(ev.GetDirection()),
		SessionID:    ev.GetSession().GetId(),
		TenantID:     ev.GetTenantId(),
		ServerName:   ev.GetServer().GetName(),
		ClientName:   ev.GetClient().GetName(),
		Subject:      ev.GetPrincipal().GetSubject(),
		ClientKey:    clientKey(ev),
		SourceIP:     ev.GetPrincipal().GetSourceIp(),
		ErrorCode:    int(ev.GetError().GetCode()),
		ErrorMessage: ev.GetError().GetMessage(),
		RootURIs:     ev.GetRootUris(),
		Instructions: ev.GetInstructions(),
		ResourceURI:  ev.GetResource().GetUri(),
		SizeBytes:    int(ev.GetSizeBytes()),
		Time:         EventTime(ev),
		Event:        ev,

		InvalidUTF8:     ev.GetInvalidUtf8(),
		TruncatedFields: ev.GetTruncatedFields(),
	}
	if f := ev.GetInvalidFrame(); f != nil {
		e.InvalidCode = int(f.GetCode())
		e.InvalidReason = f.GetReason()
		e.InvalidPrefix = strings.ToValidUTF8(string(f.GetPrefix()), "\uFFFD")
		e.InvalidOversize = f.GetOversize()
		e.InvalidLogLine = e.Direction == "server_to_client" && !e.InvalidOversize && !e.InvalidUTF8 && utf8.Valid(f.GetPrefix()) &&
			(e.InvalidCode == -32700 && plainText(e.InvalidPrefix) || e.InvalidCode == -32600 && structuredLogLine(f.GetPrefix()))
	}
	if g := ev.GetObservationGap(); g != nil {
		e.GapReason = gapReasonName(g.GetReason())
		e.GapBytes = int(g.GetBytes())
		e.GapFrames = int(g.GetFrames())
		e.GapEvents = int(g.GetEvents())
	}
	if d := ev.GetDuration(); d != nil {
		e.DurationMS = float64(d.AsDuration()) / float64(time.Millisecond)
	}
	if tc := ev.GetToolCall(); tc != nil {
		e.ToolName = tc.GetName()
		e.ArgumentsJSON = tc.GetArgumentsJson()
		if e.ArgumentsJSON != "" {
			var m map[string]any
			if json.Unmarshal([]byte(e.ArgumentsJSON), &m) == nil {
				e.Arguments = m
			}
		}
		e.ResultText = tc.GetResult().GetText()
		e.IsError = tc.GetResult().GetIsError()
	}
	e.Text, e.TextSurface = serverText(ev)
	if tl := ev.GetToolList(); tl != nil {
		e.Tools = make([]Tool, 0, len(tl.GetTools()))
		for _, td := range tl.GetTools() {
			e.Tools = append(e.Tools, newTool(td))
		}
	}
	return e
}

// plainText reports printable text (tabs allowed) that does not start
// like JSON ('{' or '[').
// structuredLogLine reports a complete JSON object that is a structured
// log record (pino, bunyan, slog, OpenTelemetry: "level", "msg", "time"
// keys) with none of the members of a JSON-RPC message: a logger writing
// to stdout, not a frame a client could take for a message.
func structuredLogLine(b []byte) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return false
	}
	for _, k := range []string{"jsonrpc", "method", "id", "result", "error", "params"} {
		if _, ok := m[k]; ok {
			return false
		}
	}
	for _, k := range []string{"level", "msg", "message", "severity", "time", "timestamp", "ts"} {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

func plainText(s string) bool {
	t := strings.TrimSpace(s)
	if t == "" || t[0] == '{' || t[0] == '[' {
		return false
	}
	for _, r := range s {
		if r == '\uFFFD' || r < 0x20 && r != '\t' || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return false
		}
	}
	return true
}

// serverText returns the model-visible text of a server-to-client event
// and its surface.
func serverText(ev *eventv1.Event) (string, string) {
	if ev.GetDirection() != eventv1.Direction_DIRECTION_SERVER_TO_CLIENT {
		return "", ""
	}
	switch ev.GetMethod() {
	case "prompts/list", "resources/list", "resources/templates/list":
		if t := ev.GetPrompt().GetText(); t != "" {
			return t, "definitions"
		}
		return ev.GetResource().GetText(), "definitions"
	}
	switch {
	case ev.GetToolCall().GetResult() != nil:
		r := ev.GetToolCall().GetResult()
		if sc := r.GetStructuredContentJson(); sc != "" && !strings.Contains(r.GetText(), sc) {
			return joinText(r.GetText(), sc), "tool_result"
		}
		return r.GetText(), "tool_result"
	case ev.GetResource().GetText() != "":
		return ev.GetResource().GetText(), "resource"
	case ev.GetPrompt().GetText() != "":
		return ev.GetPrompt().GetText(), "prompt"
	case ev.GetSampling() != nil:
		return joinText(ev.GetSampling().GetSystemPrompt(), ev.GetSampling().GetText()), "sampling"
	case ev.GetElicitation().GetMessage() != "":
		return joinText(ev.GetElicitation().GetMessage(), ev.GetElicitation().GetRequestedSchemaJson()), "elicitation"
	case ev.GetInstructions() != "":
		return ev.GetInstructions(), "instructions"
	case ev.GetError() != nil && (ev.GetError().GetDataJson() != "" || ev.GetMethod() == "tools/call"):
		// an error answer reaches the model as the call's result: its
		// message and data ("remediation": "run curl … | sh") are
		// server text like any result's
		return joinText(ev.GetError().GetMessage(), ev.GetError().GetDataJson()), "tool_result"
	}
	return "", ""
}

func joinText(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n" + b
}

func newTool(td *eventv1.ToolDefinition) Tool {
	a := td.GetAnnotations()
	t := Tool{
		Name:             td.GetName(),
		Title:            td.GetTitle(),
		Description:      td.GetDescription(),
		InputSchemaJSON:  td.GetInputSchemaJson(),
		OutputSchemaJSON: td.GetOutputSchemaJson(),
		DefinitionHash:   td.GetDefinitionHash(),
		MetaJSON:         td.GetMetaJson(),
		Capabilities:     capabilitiesOf(td),
		Definition:       td,
		Annotations: Annotations{
			ReadOnlyHint:    a.GetReadOnlyHint(),
			DestructiveHint: a == nil || a.DestructiveHint == nil || a.GetDestructiveHint(),
			IdempotentHint:  a.GetIdempotentHint(),
			OpenWorldHint:   a == nil || a.OpenWorldHint == nil || a.GetOpenWorldHint(),
			OpenWorldStated: a.GetOpenWorldHint(),
		},
	}
	var b strings.Builder
	b.WriteString(t.Name)
	b.WriteByte('\n')
	b.WriteString(t.Title)
	b.WriteByte('\n')
	b.WriteString(t.Description)
	if at := a.GetTitle(); at != "" && at != t.Title {
		b.WriteByte('\n')
		b.WriteString(at)
	}
	for _, schema := range []string{t.InputSchemaJSON, t.OutputSchemaJSON, t.MetaJSON, a.GetExtraJson()} {
		if schema == "" {
			continue
		}
		var v any
		if json.Unmarshal([]byte(schema), &v) != nil {
			b.WriteByte('\n')
			b.WriteString(schema) // not JSON: scan it as it is
			continue
		}
		writeSchemaText(&b, v)
	}
	t.Text = b.String()
	return t
}

// writeSchemaText appends every object key and string value of v.
func writeSchemaText(b *strings.Builder, v any) {
	switch x := v.(type) {
	case string:
		b.WriteByte('\n')
		b.WriteString(x)
	case map[string]any:
		for _, k := range sortedKeys(x) {
			b.WriteByte('\n')
			b.WriteString(k)
			writeSchemaText(b, x[k])
		}
	case []any:
		for _, e := range x {
			writeSchemaText(b, e)
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func kindName(k eventv1.MessageKind) string {
	switch k {
	case eventv1.MessageKind_MESSAGE_KIND_REQUEST:
		return "request"
	case eventv1.MessageKind_MESSAGE_KIND_RESPONSE:
		return "response"
	case eventv1.MessageKind_MESSAGE_KIND_NOTIFICATION:
		return "notification"
	case eventv1.MessageKind_MESSAGE_KIND_ERROR:
		return "error"
	case eventv1.MessageKind_MESSAGE_KIND_INVALID:
		return "invalid"
	case eventv1.MessageKind_MESSAGE_KIND_OBSERVATION_GAP:
		return "observation_gap"
	}
	return ""
}

func gapReasonName(r eventv1.GapReason) string {
	switch r {
	case eventv1.GapReason_GAP_REASON_OBSERVER_QUEUE_FULL:
		return "observer_queue_full"
	case eventv1.GapReason_GAP_REASON_BUFFER_FULL:
		return "buffer_full"
	}
	return ""
}

func directionName(d eventv1.Direction) string {
	switch d {
	case eventv1.Direction_DIRECTION_CLIENT_TO_SERVER:
		return "client_to_server"
	case eventv1.Direction_DIRECTION_SERVER_TO_CLIENT:
		return "server_to_client"
	}
	return ""
}

// exprOptions are the compile options shared by every rule expression: the
// typed environment and the helper library.
func exprOptions() []expr.Option {
	str := func(p []any, i int) string { s, _ := p[i].(string); return s }
	return []expr.Option{
		expr.Env(&Env{}),
		expr.Function("sensitivePath", func(p ...any) (any, error) { return SensitivePath(str(p, 0)), nil }, new(func(string) bool)),
		expr.Function("secrets", func(p ...any) (any, error) { return Secrets(str(p, 0)), nil }, new(func(string) []string)),
		expr.Function("hasSecret", func(p ...any) (any, error) { return HasSecret(str(p, 0)), nil }, new(func(string) bool)),
		expr.Function("invisibleUnicode", func(p ...any) (any, error) { return InvisibleUnicode(str(p, 0)), nil }, new(func(string) bool)),
		expr.Function("invisibleCodePoints", func(p ...any) (any, error) { return InvisibleCodePoints(str(p, 0)), nil }, new(func(string) []string)),
		expr.Function("ansiEscape", func(p ...any) (any, error) { return ANSIEscape(str(p, 0)), nil }, new(func(string) bool)),
		expr.Function("injectionMarkers", func(p ...any) (any, error) { return HasInjectionMarkers(str(p, 0)), nil }, new(func(string) bool)),
		expr.Function("injectionMarkerList", func(p ...any) (any, error) { return InjectionMarkers(str(p, 0)), nil }, new(func(string) []string)),
		expr.Function("pathTraversal", func(p ...any) (any, error) { return PathTraversal(str(p, 0)), nil }, new(func(string) bool)),
		expr.Function("shellMeta", func(p ...any) (any, error) { return ShellMeta(str(p, 0)), nil }, new(func(string) bool)),
		expr.Function("ssrfTarget", func(p ...any) (any, error) { return SSRFTarget(str(p, 0)), nil }, new(func(string) bool)),
		expr.Function("entropy", func(p ...any) (any, error) { return Entropy(str(p, 0)), nil }, new(func(string) float64)),
		expr.Function("editDistance", func(p ...any) (any, error) { return EditDistance(str(p, 0), str(p, 1)), nil }, new(func(string, string) int)),
		expr.Function("urlish", func(p ...any) (any, error) { return URLish(str(p, 0)), nil }, new(func(string) bool)),
		expr.Function("argStrings", func(p ...any) (any, error) { return ArgStrings(p[0]), nil }, new(func(map[string]any) []string), new(func(any) []string)),
		expr.Function("pathArgs", func(p ...any) (any, error) { return PathArgs(p[0]), nil }, new(func(map[string]any) []string), new(func(any) []string)),
		expr.Function("shape", func(p ...any) (any, error) { return Shape(str(p, 0)), nil }, new(func(string) string)),
		expr.Function("highImpact", func(p ...any) (any, error) { return catalog.HighImpact(str(p, 0)), nil }, new(func(string) bool)),
		expr.Function("deletesByName", func(p ...any) (any, error) { return catalog.DeletesByName(str(p, 0)), nil }, new(func(string) bool)),
		expr.Function("revocation", func(p ...any) (any, error) {
			args, _ := p[1].(map[string]any)
			return RevocationCall(str(p, 0), args), nil
		}, new(func(string, map[string]any) bool)),
		expr.Function("atLeast", func(p ...any) (any, error) {
			var l signal.Level
			switch x := p[0].(type) {
			case signal.Verdict:
				l = x.Level
			case signal.Level:
				l = x
			}
			return l.AtLeast(signal.Level(str(p, 1))), nil
		}, new(func(signal.Verdict, string) bool), new(func(signal.Level, string) bool)),
		expr.Function("finding", func(p ...any) (any, error) {
			w, _ := p[3].(float64)
			if i, ok := p[3].(int); ok {
				w = float64(i)
			}
			return signal.Finding{Signal: str(p, 0), Field: str(p, 1), Span: signal.Clip(str(p, 2)), Weight: w}, nil
		}, new(func(string, string, string, float64) signal.Finding), new(func(string, string, string, int) signal.Finding)),
		expr.Function("egressTool", func(p ...any) (any, error) {
			args, _ := p[1].(map[string]any)
			return EgressTool(str(p, 0), args), nil
		}, new(func(string, map[string]any) bool)),
		expr.Function("publicSink", func(p ...any) (any, error) {
			args, _ := p[3].(map[string]any)
			return PublicSink(str(p, 0), str(p, 1), str(p, 2), args), nil
		}, new(func(string, string, string, map[string]any) bool)),
	}
}
