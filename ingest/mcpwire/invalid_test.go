package mcpwire

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// encodes fails the test unless ev marshals and has no invalid UTF-8 left
// in any string field.
func encodes(t *testing.T, ev *eventv1.Event) {
	t.Helper()
	if _, err := proto.Marshal(ev); err != nil {
		t.Fatalf("event does not marshal: %v", err)
	}
	if SanitizeUTF8(proto.CloneOf(ev)) {
		t.Fatalf("event still holds invalid UTF-8: %v", ev)
	}
}

func TestObserveInvalidKeepsWhatCanBeRead(t *testing.T) {
	tests := []struct {
		name       string
		frame      string
		wantMethod string
		wantID     string
		wantReason string
	}{
		{"method number", `{"jsonrpc":"2.0","id":1,"method":5}`, "", "1", "method is not a string"},
		{"jsonrpc number", `{"jsonrpc":2,"id":"a","method":"tools/call"}`, "tools/call", `"a"`, `jsonrpc is 2, want "2.0"`},
		{"jsonrpc absent", `{"id":3,"method":"ping"}`, "ping", "3", `jsonrpc is absent, want "2.0"`},
		{"object id", `{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}`, "ping", `{"x":1}`, "id must be a string, number or null"},
		{"null id request", `{"jsonrpc":"2.0","id":null,"method":"tools/list"}`, "tools/list", "null", "request id is null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := NewObserver(testConfig()).Observe(c2s, []byte(tt.frame), t0)[0]
			want(t, "kind", ev.GetKind(), eventv1.MessageKind_MESSAGE_KIND_INVALID)
			want(t, "method", ev.GetMethod(), tt.wantMethod)
			want(t, "jsonrpc_id", ev.GetJsonrpcId(), tt.wantID)
			want(t, "invalid_frame.reason", ev.GetInvalidFrame().GetReason(), tt.wantReason)
			want(t, "session.id", ev.GetSession().GetId(), testConfig().SessionID)
			want(t, "direction", ev.GetDirection(), c2s)
			encodes(t, ev)
		})
	}
}

func TestObserveInvalidPrefixCap(t *testing.T) {
	frame := []byte("garbage " + strings.Repeat("x", 5000))
	tests := []struct {
		name string
		cap  int
		want int
	}{
		{"default", 0, DefaultMaxInvalidPrefixBytes},
		{"configured", 10, 10},
		{"larger than the frame", 1 << 20, len(frame)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.MaxInvalidPrefix = tt.cap
			ev := NewObserver(cfg).Observe(s2c, frame, t0)[0]
			want(t, "prefix bytes", len(ev.GetInvalidFrame().GetPrefix()), tt.want)
			want(t, "prefix", bytes.HasPrefix(frame, ev.GetInvalidFrame().GetPrefix()), true)
			want(t, "size_bytes", ev.GetSizeBytes(), int64(len(frame)))
		})
	}
}

func TestObserveInvalidUTF8(t *testing.T) {
	const bad = "\xff\xfe\xc3" // not UTF-8: two invalid bytes and a cut sequence
	tests := []struct {
		name   string
		frames []string // observed in order, client→server then alternating
		check  func(t *testing.T, evs []*eventv1.Event)
	}{
		{"tool argument", []string{`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read_file","arguments":{"path":"/etc/` + bad + `shadow"}}}`},
			func(t *testing.T, evs []*eventv1.Event) {
				want(t, "kind", evs[0].GetKind(), eventv1.MessageKind_MESSAGE_KIND_REQUEST)
				want(t, "tool_call.name", evs[0].GetToolCall().GetName(), "read_file")
				want(t, "arguments_json", evs[0].GetToolCall().GetArgumentsJson(), `{"path":"/etc/`+"\uFFFD"+`shadow"}`)
			}},
		{"argument key", []string{`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"p` + bad + `":1}}}`},
			func(t *testing.T, evs []*eventv1.Event) {
				want(t, "valid arguments_json", utf8.ValidString(evs[0].GetToolCall().GetArgumentsJson()), true)
			}},
		{"jsonrpc id, paired", []string{
			`{"jsonrpc":"2.0","id":"a` + bad + `","method":"tools/call","params":{"name":"x","arguments":{}}}`,
			`{"jsonrpc":"2.0","id":"a` + bad + `","result":{"content":[{"type":"text","text":"ok"}]}}`},
			func(t *testing.T, evs []*eventv1.Event) {
				want(t, "jsonrpc_id", evs[0].GetJsonrpcId(), `"a`+"\uFFFD"+`"`)
				want(t, "response method", evs[1].GetMethod(), "tools/call")
				want(t, "response tool", evs[1].GetToolCall().GetName(), "x")
			}},
		{"method", []string{`{"jsonrpc":"2.0","id":1,"method":"tools/` + bad + `"}`},
			func(t *testing.T, evs []*eventv1.Event) {
				want(t, "method", evs[0].GetMethod(), "tools/\uFFFD\uFFFD\uFFFD") // encoding/json replaces byte by byte
			}},
		{"tool definition", []string{
			`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`,
			`{"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"t","description":"d` + bad + `","inputSchema":{"type":"object","properties":{"a` + bad + `":{}}}}]}}`},
			func(t *testing.T, evs []*eventv1.Event) {
				want(t, "request flagged", evs[0].GetInvalidUtf8(), false)
				td := evs[1].GetToolList().GetTools()[0]
				want(t, "name", td.GetName(), "t")
				want(t, "definition_hash", len(td.GetDefinitionHash()), 64)
			}},
		{"error message", []string{`{"jsonrpc":"2.0","id":1,"error":{"code":-1,"message":{"m":"` + bad + `"}}}`},
			func(t *testing.T, evs []*eventv1.Event) {
				want(t, "kind", evs[0].GetKind(), eventv1.MessageKind_MESSAGE_KIND_ERROR)
			}},
		{"outside strings", []string{`{"jsonrpc":"2.0",` + bad + `}`},
			func(t *testing.T, evs []*eventv1.Event) {
				want(t, "kind", evs[0].GetKind(), eventv1.MessageKind_MESSAGE_KIND_INVALID)
				want(t, "prefix keeps the bytes", string(evs[0].GetInvalidFrame().GetPrefix()), `{"jsonrpc":"2.0",`+bad+`}`)
			}},
		{"one batch element", []string{`[{"jsonrpc":"2.0","method":"n` + bad + `"},{"jsonrpc":"2.0","method":"ok"}]`},
			func(t *testing.T, evs []*eventv1.Event) {
				want(t, "events", len(evs), 2)
				want(t, "bad element flagged", evs[0].GetInvalidUtf8(), true)
				want(t, "clean element flagged", evs[1].GetInvalidUtf8(), false)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.CaptureRaw = true
			o := NewObserver(cfg)
			var evs []*eventv1.Event
			var raws [][]byte
			for i, f := range tt.frames {
				dir := c2s
				if i%2 == 1 {
					dir = s2c
				}
				got := o.Observe(dir, []byte(f), t0.Add(time.Duration(i)*time.Millisecond))
				evs = append(evs, got...)
				for range got {
					raws = append(raws, []byte(f))
				}
			}
			tt.check(t, evs)
			for i, ev := range evs {
				encodes(t, ev)
				if raws[i][0] == '[' {
					continue // batch elements are judged one by one (checked above)
				}
				want(t, "invalid_utf8", ev.GetInvalidUtf8(), !utf8.Valid(raws[i]))
				if !utf8.Valid(raws[i]) {
					want(t, "raw keeps the original bytes", string(ev.GetRaw()), string(raws[i]))
				}
			}
		})
	}
}

func TestObserverSanitizesConfig(t *testing.T) {
	cfg := testConfig()
	cfg.ServerIdentity = "node /srv/caf\xe9/server.js"
	cfg.PrincipalSubject = "jos\xe9"
	cfg.Source.Host = "h\xff"
	cfg.Labels = map[string]string{"k\xff": "v\xfe"}
	host := cfg.Source.Host
	ev := NewObserver(cfg).Observe(c2s, []byte(`{"jsonrpc":"2.0","method":"notifications/initialized"}`), t0)[0]
	encodes(t, ev)
	want(t, "server.identity", ev.GetServer().GetIdentity(), "node /srv/caf\uFFFD/server.js")
	want(t, "labels", ev.GetLabels()["k\uFFFD"], "v\uFFFD")
	want(t, "invalid_utf8", ev.GetInvalidUtf8(), false) // the message itself was valid
	want(t, "caller's source untouched", cfg.Source.Host, host)
}

func TestSanitizeUTF8(t *testing.T) {
	t.Run("valid event unchanged", func(t *testing.T) {
		ev := &eventv1.Event{Method: "tools/call", Labels: map[string]string{"a": "b"},
			ToolList: &eventv1.ToolList{Tools: []*eventv1.ToolDefinition{{Name: "é"}}}}
		before := proto.CloneOf(ev)
		want(t, "changed", SanitizeUTF8(ev), false)
		want(t, "equal", proto.Equal(ev, before), true)
	})
	t.Run("every kind of string field", func(t *testing.T) {
		ev := &eventv1.Event{
			EventId:         "e\xff",
			Session:         &eventv1.Session{Id: "s\xff"},
			ToolList:        &eventv1.ToolList{Tools: []*eventv1.ToolDefinition{{Name: "ok"}, nil, {Description: "d\xff"}}},
			ToolCall:        &eventv1.ToolCall{Result: &eventv1.ToolResult{ContentTypes: []string{"text", "x\xff"}}},
			Prompt:          &eventv1.Prompt{Arguments: map[string]string{"a\xff": "1", "a\xfe": "2", "b": "v\xff"}},
			TruncatedFields: []string{"raw\xff"},
			Raw:             []byte("r\xff"),
			Time:            timestamppb.New(t0),
		}
		if _, err := proto.Marshal(ev); err == nil {
			t.Fatal("test event marshals before sanitizing; it proves nothing")
		}
		want(t, "changed", SanitizeUTF8(ev), true)
		want(t, "raw untouched", string(ev.GetRaw()), "r\xff")
		want(t, "prompt arguments kept", len(ev.GetPrompt().GetArguments()), 3)
		want(t, "nested", ev.GetToolList().GetTools()[2].GetDescription(), "d\uFFFD")
		want(t, "repeated", ev.GetToolCall().GetResult().GetContentTypes()[1], "x\uFFFD")
		ev.ToolList.Tools[1] = &eventv1.ToolDefinition{} // nil elements never marshal; not ours to fix
		encodes(t, ev)
	})
	t.Run("nil", func(t *testing.T) { want(t, "changed", SanitizeUTF8(nil), false) })
}

func TestOversizeAndGap(t *testing.T) {
	o := NewObserver(testConfig())
	prefix := bytes.Repeat([]byte("{"), 4096)
	ev := o.Oversize(s2c, prefix, 70<<20, 64<<20, t0)
	want(t, "kind", ev.GetKind(), eventv1.MessageKind_MESSAGE_KIND_INVALID)
	want(t, "oversize", ev.GetInvalidFrame().GetOversize(), true)
	want(t, "code", ev.GetInvalidFrame().GetCode(), int32(CodeParseError))
	want(t, "size_bytes", ev.GetSizeBytes(), int64(70<<20))
	want(t, "prefix", len(ev.GetInvalidFrame().GetPrefix()), DefaultMaxInvalidPrefixBytes)
	want(t, "session", ev.GetSession().GetId(), testConfig().SessionID)
	encodes(t, ev)

	g := &eventv1.ObservationGap{Reason: eventv1.GapReason_GAP_REASON_OBSERVER_QUEUE_FULL, Bytes: 1234, Frames: 5,
		StartTime: timestamppb.New(t0), EndTime: timestamppb.New(t0.Add(time.Second))}
	gev := o.Gap(c2s, g)
	want(t, "kind", gev.GetKind(), eventv1.MessageKind_MESSAGE_KIND_OBSERVATION_GAP)
	want(t, "direction", gev.GetDirection(), c2s)
	want(t, "time", gev.GetTime().AsTime(), t0)
	want(t, "size_bytes", gev.GetSizeBytes(), int64(1234))
	want(t, "gap", gev.GetObservationGap() == g, true)
	encodes(t, gev)
	st := o.Stats()
	want(t, "invalid", st.Invalid, int64(1))
	want(t, "gaps", st.Gaps, int64(1))
	want(t, "messages", st.Messages, int64(2))
}
