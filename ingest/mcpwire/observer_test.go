package mcpwire

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

const (
	c2s = eventv1.Direction_DIRECTION_CLIENT_TO_SERVER
	s2c = eventv1.Direction_DIRECTION_SERVER_TO_CLIENT
)

var t0 = time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC)

// frame is one line of a testdata session: "> " client→server, "< " server→client.
type frame struct {
	dir  eventv1.Direction
	data []byte
}

func readSession(t *testing.T, name string) []frame {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var frames []frame
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		dir := c2s
		if strings.HasPrefix(line, "< ") {
			dir = s2c
		}
		frames = append(frames, frame{dir, []byte(line[2:])})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return frames
}

func testConfig() Config {
	cfg := DefaultConfig()
	cfg.Source = &eventv1.Source{Kind: eventv1.SourceKind_SOURCE_KIND_TAP, Name: "mcpaudit-tap", Version: "test", Host: "h", Instance: "i"}
	cfg.SessionID = "0197b7c4-0000-7000-8000-000000000001"
	cfg.Transport = eventv1.Transport_TRANSPORT_STDIO
	cfg.ServerIdentity = "npx -y @modelcontextprotocol/server-filesystem /tmp"
	cfg.PrincipalSubject = "alice"
	cfg.Labels = map[string]string{"env": "test"}
	return cfg
}

// observeSession feeds a testdata session to one Observer, one frame every 10ms.
func observeSession(t *testing.T, cfg Config, name string) ([]*eventv1.Event, *Observer) {
	t.Helper()
	o := NewObserver(cfg)
	var evs []*eventv1.Event
	for i, f := range readSession(t, name) {
		evs = append(evs, o.Observe(f.dir, f.data, t0.Add(time.Duration(i)*10*time.Millisecond))...)
	}
	return evs, o
}

func TestObserveSession(t *testing.T) {
	evs, o := observeSession(t, testConfig(), "session.jsonl")
	if len(evs) != 25 {
		t.Fatalf("got %d events, want 25", len(evs))
	}
	frames := readSession(t, "session.jsonl")
	toolsRaw := func(i int) json.RawMessage { // tool i of the tools/list result in frame 4
		var r struct {
			Result struct{ Tools []json.RawMessage } `json:"result"`
		}
		if err := json.Unmarshal(frames[4].data, &r); err != nil {
			t.Fatal(err)
		}
		return r.Result.Tools[i]
	}
	ms := func(n int) time.Duration { return time.Duration(n) * 10 * time.Millisecond }

	tests := []struct {
		name  string
		i     int
		check func(t *testing.T, ev *eventv1.Event)
	}{
		{"initialize request", 0, func(t *testing.T, ev *eventv1.Event) {
			want(t, "kind", ev.GetKind(), eventv1.MessageKind_MESSAGE_KIND_REQUEST)
			want(t, "method", ev.GetMethod(), "initialize")
			want(t, "jsonrpc_id", ev.GetJsonrpcId(), "0")
			want(t, "client.name", ev.GetClient().GetName(), "claude-code")
			want(t, "client.version", ev.GetClient().GetVersion(), "1.0.51")
			want(t, "protocol_version", ev.GetSession().GetProtocolVersion(), "2025-06-18")
			want(t, "trace_id", ev.GetTrace().GetTraceId(), "4bf92f3577b34da6a3ce929d0e0e4736")
			want(t, "span_id", ev.GetTrace().GetSpanId(), "00f067aa0ba902b7")
			want(t, "server.identity", ev.GetServer().GetIdentity(), "npx -y @modelcontextprotocol/server-filesystem /tmp")
			want(t, "server.name", ev.GetServer().GetName(), "")
			want(t, "duration", ev.GetDuration() == nil, true)
		}},
		{"initialize response", 1, func(t *testing.T, ev *eventv1.Event) {
			want(t, "kind", ev.GetKind(), eventv1.MessageKind_MESSAGE_KIND_RESPONSE)
			want(t, "method", ev.GetMethod(), "initialize")
			want(t, "direction", ev.GetDirection(), s2c)
			want(t, "server.name", ev.GetServer().GetName(), "secure-filesystem-server")
			want(t, "server.version", ev.GetServer().GetVersion(), "0.2.0")
			want(t, "server.identity", ev.GetServer().GetIdentity(), "npx -y @modelcontextprotocol/server-filesystem /tmp")
			want(t, "duration", ev.GetDuration().AsDuration(), ms(1))
			want(t, "trace", ev.GetTrace() == nil, true)
		}},
		{"initialized notification", 2, func(t *testing.T, ev *eventv1.Event) {
			want(t, "kind", ev.GetKind(), eventv1.MessageKind_MESSAGE_KIND_NOTIFICATION)
			want(t, "method", ev.GetMethod(), "notifications/initialized")
			want(t, "jsonrpc_id", ev.GetJsonrpcId(), "")
			want(t, "client.name", ev.GetClient().GetName(), "claude-code")
			want(t, "server.name", ev.GetServer().GetName(), "secure-filesystem-server")
		}},
		{"tools/list response", 4, func(t *testing.T, ev *eventv1.Event) {
			want(t, "method", ev.GetMethod(), "tools/list")
			tools := ev.GetToolList().GetTools()
			if len(tools) != 2 {
				t.Fatalf("tools: got %d, want 2", len(tools))
			}
			rf, wf := tools[0], tools[1]
			want(t, "tools[0].name", rf.GetName(), "read_file")
			want(t, "tools[0].title", rf.GetTitle(), "Read File")
			want(t, "tools[0].description", rf.GetDescription(), "Read the complete contents of a file.")
			want(t, "tools[0].input_schema_json", rf.GetInputSchemaJson(), `{"type":"object","properties":{"path":{"type":"string"}},"required":["path"],"additionalProperties":false,"$schema":"http://json-schema.org/draft-07/schema#"}`)
			want(t, "tools[0].read_only_hint", ptr(rf.GetAnnotations().ReadOnlyHint), "true")
			want(t, "tools[0].open_world_hint", ptr(rf.GetAnnotations().OpenWorldHint), "false")
			want(t, "tools[0].destructive_hint", ptr(rf.GetAnnotations().DestructiveHint), "unset")
			want(t, "tools[0].idempotent_hint", ptr(rf.GetAnnotations().IdempotentHint), "unset")
			h0, err := DefinitionHash(toolsRaw(0))
			if err != nil {
				t.Fatal(err)
			}
			want(t, "tools[0].definition_hash", rf.GetDefinitionHash(), h0)
			want(t, "tools[1].output_schema_json", wf.GetOutputSchemaJson(), `{"type":"object","properties":{"ok":{"type":"boolean"}}}`)
			want(t, "tools[1].destructive_hint", ptr(wf.GetAnnotations().DestructiveHint), "true")
			if wf.GetDefinitionHash() == h0 || len(wf.GetDefinitionHash()) != 64 {
				t.Errorf("tools[1].definition_hash = %q", wf.GetDefinitionHash())
			}
		}},
		{"tools/call request", 5, func(t *testing.T, ev *eventv1.Event) {
			want(t, "jsonrpc_id", ev.GetJsonrpcId(), `"call-2"`)
			want(t, "tool_call.name", ev.GetToolCall().GetName(), "read_file")
			want(t, "tool_call.arguments_json", ev.GetToolCall().GetArgumentsJson(), `{"path":"/etc/passwd"}`)
			want(t, "tool_call.result", ev.GetToolCall().GetResult() == nil, true)
		}},
		{"tools/call response with isError", 6, func(t *testing.T, ev *eventv1.Event) {
			want(t, "kind", ev.GetKind(), eventv1.MessageKind_MESSAGE_KIND_RESPONSE)
			want(t, "method", ev.GetMethod(), "tools/call")
			want(t, "tool_call.name", ev.GetToolCall().GetName(), "read_file")
			want(t, "tool_call.arguments_json", ev.GetToolCall().GetArgumentsJson(), `{"path":"/etc/passwd"}`)
			want(t, "result.is_error", ev.GetToolCall().GetResult().GetIsError(), true)
			want(t, "result.text", ev.GetToolCall().GetResult().GetText(), "Error: Access denied - path outside allowed directories")
			want(t, "result.content_types", strings.Join(ev.GetToolCall().GetResult().GetContentTypes(), ","), "text")
			want(t, "duration", ev.GetDuration().AsDuration(), ms(1))
		}},
		{"server notification", 8, func(t *testing.T, ev *eventv1.Event) {
			want(t, "kind", ev.GetKind(), eventv1.MessageKind_MESSAGE_KIND_NOTIFICATION)
			want(t, "direction", ev.GetDirection(), s2c)
			want(t, "method", ev.GetMethod(), "notifications/message")
		}},
		{"sampling request", 9, func(t *testing.T, ev *eventv1.Event) {
			want(t, "kind", ev.GetKind(), eventv1.MessageKind_MESSAGE_KIND_REQUEST)
			want(t, "direction", ev.GetDirection(), s2c)
			want(t, "sampling.include_context", ev.GetSampling().GetIncludeContext(), "allServers")
			want(t, "sampling.max_tokens", ev.GetSampling().GetMaxTokens(), int64(100))
			want(t, "sampling.system_prompt", ev.GetSampling().GetSystemPrompt(), "You are terse.")
			want(t, "sampling.message_count", ev.GetSampling().GetMessageCount(), int32(1))
		}},
		{"sampling response pairs server→client id 0", 10, func(t *testing.T, ev *eventv1.Event) {
			want(t, "direction", ev.GetDirection(), c2s)
			want(t, "method", ev.GetMethod(), "sampling/createMessage")
			want(t, "duration", ev.GetDuration().AsDuration(), ms(1))
		}},
		{"tools/call response with structured content", 11, func(t *testing.T, ev *eventv1.Event) {
			r := ev.GetToolCall().GetResult()
			want(t, "tool_call.name", ev.GetToolCall().GetName(), "write_file")
			want(t, "result.is_error", r.GetIsError(), false)
			want(t, "result.content_types", strings.Join(r.GetContentTypes(), ","), "text,image,text")
			want(t, "result.text", r.GetText(), "Successfully wrote\nto /tmp/a")
			want(t, "result.structured_content_json", r.GetStructuredContentJson(), `{"ok":true}`)
			want(t, "result.size_bytes", r.GetSizeBytes(), int64(len(`{"content":[{"type":"text","text":"Successfully wrote"},{"type":"image","data":"AAAA","mimeType":"image/png"},{"type":"text","text":"to /tmp/a"}],"structuredContent":{"ok":true}}`)))
			want(t, "duration", ev.GetDuration().AsDuration(), ms(4))
		}},
		{"resources/read request", 12, func(t *testing.T, ev *eventv1.Event) {
			want(t, "resource.uri", ev.GetResource().GetUri(), "file:///tmp/a")
		}},
		{"resources/read response", 13, func(t *testing.T, ev *eventv1.Event) {
			want(t, "resource.uri", ev.GetResource().GetUri(), "file:///tmp/a")
			want(t, "resource.mime_type", ev.GetResource().GetMimeType(), "text/plain")
			want(t, "resource.size_bytes", ev.GetResource().GetSizeBytes(), int64(5+4))
		}},
		{"prompts/get request", 14, func(t *testing.T, ev *eventv1.Event) {
			want(t, "prompt.name", ev.GetPrompt().GetName(), "code_review")
			want(t, "prompt.arguments.language", ev.GetPrompt().GetArguments()["language"], "go")
			want(t, "prompt.arguments.strict", ev.GetPrompt().GetArguments()["strict"], "true")
		}},
		{"JSON-RPC error response", 15, func(t *testing.T, ev *eventv1.Event) {
			want(t, "kind", ev.GetKind(), eventv1.MessageKind_MESSAGE_KIND_ERROR)
			want(t, "method", ev.GetMethod(), "prompts/get")
			want(t, "prompt.name", ev.GetPrompt().GetName(), "code_review")
			want(t, "error.code", ev.GetError().GetCode(), int32(-32602))
			want(t, "error.message", ev.GetError().GetMessage(), "Invalid params: unknown prompt")
			want(t, "error.data_json", ev.GetError().GetDataJson(), `{"known":["summarize","translate"]}`)
		}},
		{"elicitation request", 16, func(t *testing.T, ev *eventv1.Event) {
			want(t, "elicitation.message", ev.GetElicitation().GetMessage(), "Enter your API key")
			want(t, "elicitation.requested_schema_json", ev.GetElicitation().GetRequestedSchemaJson(), `{"type":"object","properties":{"key":{"type":"string"}}}`)
		}},
		{"elicitation response", 17, func(t *testing.T, ev *eventv1.Event) {
			want(t, "method", ev.GetMethod(), "elicitation/create")
		}},
		{"batch request element", 18, func(t *testing.T, ev *eventv1.Event) {
			want(t, "method", ev.GetMethod(), "ping")
			want(t, "size_bytes", ev.GetSizeBytes(), int64(len(`{"jsonrpc":"2.0","id":6,"method":"ping"}`)))
		}},
		{"batch notification element", 19, func(t *testing.T, ev *eventv1.Event) {
			want(t, "method", ev.GetMethod(), "notifications/cancelled")
		}},
		{"batch invalid element", 20, func(t *testing.T, ev *eventv1.Event) {
			want(t, "kind", ev.GetKind(), eventv1.MessageKind_MESSAGE_KIND_INVALID)
			want(t, "invalid_frame.code", ev.GetInvalidFrame().GetCode(), int32(CodeInvalidRequest))
			want(t, "invalid_frame.reason", ev.GetInvalidFrame().GetReason(), "not a JSON object")
			want(t, "invalid_frame.prefix", string(ev.GetInvalidFrame().GetPrefix()), "42")
			want(t, "size_bytes", ev.GetSizeBytes(), int64(2))
			want(t, "error", ev.GetError() == nil, true)
		}},
		{"batch response", 21, func(t *testing.T, ev *eventv1.Event) {
			want(t, "method", ev.GetMethod(), "ping")
			want(t, "kind", ev.GetKind(), eventv1.MessageKind_MESSAGE_KIND_RESPONSE)
		}},
		{"garbage line", 22, func(t *testing.T, ev *eventv1.Event) {
			want(t, "kind", ev.GetKind(), eventv1.MessageKind_MESSAGE_KIND_INVALID)
			want(t, "method", ev.GetMethod(), "")
			want(t, "invalid_frame.code", ev.GetInvalidFrame().GetCode(), int32(CodeParseError))
			want(t, "invalid_frame.reason", ev.GetInvalidFrame().GetReason(), "invalid character 'h' in literal true (expecting 'r')")
			want(t, "invalid_frame.prefix", string(ev.GetInvalidFrame().GetPrefix()), "this is not json {")
			want(t, "invalid_frame.oversize", ev.GetInvalidFrame().GetOversize(), false)
			want(t, "error", ev.GetError() == nil, true)
			want(t, "size_bytes", ev.GetSizeBytes(), int64(len("this is not json {")))
		}},
		{"wrong jsonrpc version", 23, func(t *testing.T, ev *eventv1.Event) {
			want(t, "kind", ev.GetKind(), eventv1.MessageKind_MESSAGE_KIND_INVALID)
			want(t, "invalid_frame.code", ev.GetInvalidFrame().GetCode(), int32(CodeInvalidRequest))
			want(t, "invalid_frame.reason", ev.GetInvalidFrame().GetReason(), `jsonrpc is "1.0", want "2.0"`)
			want(t, "method", ev.GetMethod(), "tools/list")
			want(t, "jsonrpc_id", ev.GetJsonrpcId(), "7")
		}},
		{"unpaired response", 24, func(t *testing.T, ev *eventv1.Event) {
			want(t, "kind", ev.GetKind(), eventv1.MessageKind_MESSAGE_KIND_RESPONSE)
			want(t, "method", ev.GetMethod(), "")
			want(t, "duration", ev.GetDuration() == nil, true)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, evs[tt.i]) })
	}

	t.Run("common fields", func(t *testing.T) {
		ids := map[string]bool{}
		for i, ev := range evs {
			id, err := uuid.Parse(ev.GetEventId())
			if err != nil || id.Version() != 7 {
				t.Errorf("event %d: event_id %q is not a UUIDv7", i, ev.GetEventId())
			}
			if ids[ev.GetEventId()] {
				t.Errorf("event %d: duplicate event_id", i)
			}
			ids[ev.GetEventId()] = true
			want(t, "source.kind", ev.GetSource().GetKind(), eventv1.SourceKind_SOURCE_KIND_TAP)
			want(t, "source.name", ev.GetSource().GetName(), "mcpaudit-tap")
			want(t, "session.id", ev.GetSession().GetId(), "0197b7c4-0000-7000-8000-000000000001")
			want(t, "session.transport", ev.GetSession().GetTransport(), eventv1.Transport_TRANSPORT_STDIO)
			want(t, "principal.subject", ev.GetPrincipal().GetSubject(), "alice")
			want(t, "labels.env", ev.GetLabels()["env"], "test")
			if ev.GetTime() == nil || ev.GetSizeBytes() <= 0 {
				t.Errorf("event %d: time %v size_bytes %d", i, ev.GetTime(), ev.GetSizeBytes())
			}
			if ev.GetRaw() != nil {
				t.Errorf("event %d: raw captured with capture off", i)
			}
		}
	})
	t.Run("stats", func(t *testing.T) {
		st := o.Stats()
		want(t, "messages", st.Messages, int64(25))
		want(t, "invalid", st.Invalid, int64(3))
		want(t, "unpaired", st.Unpaired, int64(1))
		want(t, "evictions", st.Evictions, int64(0))
	})
}

func TestObserveCapture(t *testing.T) {
	line := []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{}}}` + "\r\n")
	result := []byte(`{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"héllo"},{"type":"text","text":"world"}]}}`)
	tests := []struct {
		name     string
		raw      bool
		maxRaw   int
		maxText  int
		wantRaw  string
		wantText string
	}{
		{"defaults", false, 0, 0, "", "héllo\nworld"},
		{"raw kept", true, 0, 0, strings.TrimRight(string(line), "\r\n"), "héllo\nworld"},
		{"raw capped", true, 10, 0, string(line[:10]), "héllo\nworld"},
		{"text capped inside rune", false, 0, 2, "", "h"},
		{"text off", false, 0, -1, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.CaptureRaw, cfg.MaxRawBytes, cfg.MaxResultText = tt.raw, tt.maxRaw, tt.maxText
			o := NewObserver(cfg)
			req := o.Observe(c2s, line, t0)[0]
			resp := o.Observe(s2c, result, t0.Add(time.Second))[0]
			want(t, "raw", string(req.GetRaw()), tt.wantRaw)
			want(t, "size_bytes", req.GetSizeBytes(), int64(len(line)-2))
			want(t, "text", resp.GetToolCall().GetResult().GetText(), tt.wantText)
			want(t, "duration", resp.GetDuration().AsDuration(), time.Second)
		})
	}
}

func TestPendingBound(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxPending = 3
	o := NewObserver(cfg)
	for i := range 5 {
		o.Observe(c2s, []byte(`{"jsonrpc":"2.0","id":`+string(rune('0'+i))+`,"method":"ping"}`), t0)
	}
	want(t, "evictions", o.Stats().Evictions, int64(2))
	tests := []struct {
		id         string
		wantMethod string
	}{{"0", ""}, {"1", ""}, {"2", "ping"}, {"4", "ping"}}
	for _, tt := range tests {
		t.Run("id "+tt.id, func(t *testing.T) {
			ev := o.Observe(s2c, []byte(`{"jsonrpc":"2.0","id":`+tt.id+`,"result":{}}`), t0)[0]
			want(t, "method", ev.GetMethod(), tt.wantMethod)
		})
	}
}

func TestObserveInvalidFrames(t *testing.T) {
	tests := []struct {
		name     string
		frame    string
		wantN    int
		wantCode int32
	}{
		{"empty", "", 1, CodeParseError},
		{"truncated", `{"jsonrpc":"2.0","id":1,"meth`, 1, CodeParseError},
		{"two values", `{} {}`, 1, CodeParseError},
		{"string", `"hello"`, 1, CodeInvalidRequest},
		{"empty batch", `[]`, 1, CodeInvalidRequest},
		{"batch of junk", `[1,"a",null]`, 3, CodeInvalidRequest},
		{"object id", `{"jsonrpc":"2.0","id":{},"method":"ping"}`, 1, CodeInvalidRequest},
		{"method number", `{"jsonrpc":"2.0","id":1,"method":5}`, 1, CodeInvalidRequest},
		{"null id request", `{"jsonrpc":"2.0","id":null,"method":"ping"}`, 1, CodeInvalidRequest},
		{"nothing", `{"jsonrpc":"2.0","id":1}`, 1, CodeInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := NewObserver(DefaultConfig()).Observe(c2s, []byte(tt.frame), t0)
			want(t, "events", len(evs), tt.wantN)
			for _, ev := range evs {
				want(t, "kind", ev.GetKind(), eventv1.MessageKind_MESSAGE_KIND_INVALID)
				want(t, "invalid_frame.code", ev.GetInvalidFrame().GetCode(), tt.wantCode)
				want(t, "error", ev.GetError() == nil, true)
				if ev.GetInvalidFrame().GetReason() == "" {
					t.Error("invalid_frame.reason is empty")
				}
				if tt.wantN == 1 {
					want(t, "invalid_frame.prefix", string(ev.GetInvalidFrame().GetPrefix()), tt.frame)
					want(t, "size_bytes", ev.GetSizeBytes(), int64(len(tt.frame)))
				}
			}
		})
	}
	t.Run("error response with null id", func(t *testing.T) {
		ev := NewObserver(DefaultConfig()).Observe(s2c, []byte(`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}`), t0)[0]
		want(t, "kind", ev.GetKind(), eventv1.MessageKind_MESSAGE_KIND_ERROR)
		want(t, "jsonrpc_id", ev.GetJsonrpcId(), "null")
		want(t, "error.code", ev.GetError().GetCode(), int32(-32700))
	})
}

func TestObserveMetaRevision(t *testing.T) {
	// Revision 2026-07-28 carries protocol version and client info in _meta.
	o := NewObserver(DefaultConfig())
	ev := o.Observe(c2s, []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"c","version":"9"}}}}`), t0)[0]
	want(t, "protocol_version", ev.GetSession().GetProtocolVersion(), "2026-07-28")
	want(t, "client.name", ev.GetClient().GetName(), "c")
}

func want[T comparable](t *testing.T, field string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", field, got, want)
	}
}

func ptr(b *bool) string {
	switch {
	case b == nil:
		return "unset"
	case *b:
		return "true"
	default:
		return "false"
	}
}

// TestObserveModelVisibleText checks that the text a model reads besides
// tool results is captured for detection: server instructions, a tool's
// _meta and annotations.title, resource contents, prompt messages,
// sampling messages, and the client's roots.
func TestObserveModelVisibleText(t *testing.T) {
	cfg := testConfig()
	cfg.MaxResultText = 40
	o := NewObserver(cfg)
	lines := []struct {
		dir  eventv1.Direction
		line string
	}{
		{c2s, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","clientInfo":{"name":"c","version":"1"}}}`},
		{s2c, `{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","serverInfo":{"name":"s","version":"1"},"instructions":"Use search before fetch."}}`},
		{c2s, `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`},
		{s2c, `{"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"t","inputSchema":{"type":"object"},"annotations":{"title":"Tee","readOnlyHint":true},"_meta":{"hint":"call me first"}}]}}`},
		{c2s, `{"jsonrpc":"2.0","id":3,"method":"resources/read","params":{"uri":"file:///a"}}`},
		{s2c, `{"jsonrpc":"2.0","id":3,"result":{"contents":[{"uri":"file:///a","text":"first"},{"uri":"file:///b","blob":"AAAA"},{"uri":"file:///c","text":"second part that is long enough to be cut"}]}}`},
		{c2s, `{"jsonrpc":"2.0","id":4,"method":"prompts/get","params":{"name":"p"}}`},
		{s2c, `{"jsonrpc":"2.0","id":4,"result":{"description":"A prompt","messages":[{"role":"user","content":{"type":"text","text":"hello"}},{"role":"assistant","content":[{"type":"text","text":"list form"}]}]}}`},
		{s2c, `{"jsonrpc":"2.0","id":9,"method":"sampling/createMessage","params":{"messages":[{"role":"user","content":{"type":"text","text":"summarise"}}],"includeContext":"allServers","maxTokens":10}}`},
		{s2c, `{"jsonrpc":"2.0","id":10,"method":"roots/list"}`},
		{c2s, `{"jsonrpc":"2.0","id":10,"result":{"roots":[{"uri":"file:///home/u/app","name":"app"},{"uri":"file:///tmp"}]}}`},
	}
	var evs []*eventv1.Event
	for i, l := range lines {
		evs = append(evs, o.Observe(l.dir, []byte(l.line), t0.Add(time.Duration(i)*time.Millisecond))...)
	}
	if len(evs) != len(lines) {
		t.Fatalf("got %d events, want %d", len(evs), len(lines))
	}
	if got := evs[1].GetInstructions(); got != "Use search before fetch." {
		t.Errorf("instructions = %q", got)
	}
	td := evs[3].GetToolList().GetTools()[0]
	if td.GetMetaJson() != `{"hint":"call me first"}` || td.GetAnnotations().GetTitle() != "Tee" || td.GetTitle() != "Tee" {
		t.Errorf("tool: meta_json %q, annotations.title %q, title %q", td.GetMetaJson(), td.GetAnnotations().GetTitle(), td.GetTitle())
	}
	res := evs[5].GetResource()
	if !strings.HasPrefix(res.GetText(), "first\nsecond part") || len(res.GetText()) > 40 || !slices.Contains(evs[5].GetTruncatedFields(), "resource.text") {
		t.Errorf("resource text %q (%d bytes), truncated %v", res.GetText(), len(res.GetText()), evs[5].GetTruncatedFields())
	}
	if got := evs[7].GetPrompt().GetText(); got != "A prompt\nhello\nlist form" || evs[7].GetPrompt().GetName() != "p" {
		t.Errorf("prompt = %+v", evs[7].GetPrompt())
	}
	if s := evs[8].GetSampling(); s.GetText() != "summarise" || s.GetIncludeContext() != "allServers" {
		t.Errorf("sampling = %+v", s)
	}
	if got := evs[10].GetRootUris(); len(got) != 2 || got[0] != "file:///home/u/app" || got[1] != "file:///tmp" {
		t.Errorf("root_uris = %v", got)
	}
}

// TestObserveListDefinitionText checks that the model-visible text of
// prompts/list, resources/list and resources/templates/list results (the
// definitions the client offers the model) is captured for detection,
// including prompt argument descriptions, while bare names are not text.
func TestObserveListDefinitionText(t *testing.T) {
	o := NewObserver(testConfig())
	lines := []struct {
		dir  eventv1.Direction
		line string
	}{
		{c2s, `{"jsonrpc":"2.0","id":1,"method":"prompts/list"}`},
		{s2c, `{"jsonrpc":"2.0","id":1,"result":{"prompts":[{"name":"review","description":"Review code","arguments":[{"name":"diff","description":"The diff to review"}]},{"name":"bare"}]}}`},
		{c2s, `{"jsonrpc":"2.0","id":2,"method":"resources/templates/list"}`},
		{s2c, `{"jsonrpc":"2.0","id":2,"result":{"resourceTemplates":[{"uriTemplate":"repo://{name}","name":"repo","title":"Repository","description":"A repository by name"}]}}`},
		{c2s, `{"jsonrpc":"2.0","id":3,"method":"resources/list"}`},
		{s2c, `{"jsonrpc":"2.0","id":3,"result":{"resources":[{"uri":"file:///a","name":"a"}]}}`},
	}
	var evs []*eventv1.Event
	for i, l := range lines {
		evs = append(evs, o.Observe(l.dir, []byte(l.line), t0.Add(time.Duration(i)*time.Millisecond))...)
	}
	if len(evs) != len(lines) {
		t.Fatalf("got %d events, want %d", len(evs), len(lines))
	}
	if got, want := evs[1].GetPrompt().GetText(), "review\nReview code\ndiff\nThe diff to review\nbare"; got != want {
		t.Errorf("prompts/list text = %q, want %q", got, want)
	}
	if got, want := evs[3].GetResource().GetText(), "repo\nRepository\nA repository by name"; got != want {
		t.Errorf("resources/templates/list text = %q, want %q", got, want)
	}
	if evs[5].GetResource() != nil {
		t.Errorf("resources/list of bare names has resource %+v, want none", evs[5].GetResource())
	}
}

// TestObserveToolAnnotationExtras: vendor members of a tool's
// annotations are kept (compact JSON, sorted keys) beside the standard
// hints, which do not repeat there.
func TestObserveToolAnnotationExtras(t *testing.T) {
	o := NewObserver(testConfig())
	evs := o.Observe(c2s, []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`), t0)
	evs = append(evs, o.Observe(s2c, []byte(`{"jsonrpc":"2.0","id":1,"result":{"tools":[
		{"name":"a","annotations":{"readOnlyHint":true,"title":"A","com.example/policy":"note  text","x.y/n":{"k": [1, 2]}}},
		{"name":"b","annotations":{"readOnlyHint":false}}]}}`), t0.Add(time.Millisecond))...)
	tools := evs[1].GetToolList().GetTools()
	if len(tools) != 2 {
		t.Fatalf("got %d tools, want 2", len(tools))
	}
	if got, want := tools[0].GetAnnotations().GetExtraJson(), `{"com.example/policy":"note  text","x.y/n":{"k":[1,2]}}`; got != want {
		t.Errorf("extra_json = %q, want %q", got, want)
	}
	if !tools[0].GetAnnotations().GetReadOnlyHint() || tools[0].GetAnnotations().GetTitle() != "A" {
		t.Errorf("standard hints lost: %+v", tools[0].GetAnnotations())
	}
	if got := tools[1].GetAnnotations().GetExtraJson(); got != "" {
		t.Errorf("extra_json of standard-only annotations = %q, want empty", got)
	}
}
