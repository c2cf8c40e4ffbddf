package detect

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return time.Date(2026, 3, 1, 13, 0, 0, 0, time.UTC) }

// base returns an event of session s at t0+off.
func base(id, session string, off time.Duration) *eventv1.Event {
	return &eventv1.Event{
		EventId:  id,
		TenantId: "acme",
		Time:     timestamppb.New(t0.Add(off)),
		Session:  &eventv1.Session{Id: session},
		Server:   &eventv1.Implementation{Name: "secure-filesystem-server"},
		Client:   &eventv1.Implementation{Name: "claude-code"},
	}
}

// call returns a tools/call request.
func call(id, session string, off time.Duration, tool, argsJSON string) *eventv1.Event {
	ev := base(id, session, off)
	ev.Direction = eventv1.Direction_DIRECTION_CLIENT_TO_SERVER
	ev.Kind = eventv1.MessageKind_MESSAGE_KIND_REQUEST
	ev.Method = "tools/call"
	ev.ToolCall = &eventv1.ToolCall{Name: tool, ArgumentsJson: argsJSON}
	return ev
}

// toolResult returns a tools/call response of tool carrying text.
func toolResult(id, session string, off time.Duration, tool, text string) *eventv1.Event {
	ev := base(id, session, off)
	ev.Direction = eventv1.Direction_DIRECTION_SERVER_TO_CLIENT
	ev.Kind = eventv1.MessageKind_MESSAGE_KIND_RESPONSE
	ev.Method = "tools/call"
	ev.ToolCall = &eventv1.ToolCall{Name: tool, Result: &eventv1.ToolResult{Text: text}}
	return ev
}

// toolsList returns a tools/list response.
func toolsList(id, session string, off time.Duration, tools ...*eventv1.ToolDefinition) *eventv1.Event {
	ev := base(id, session, off)
	ev.Direction = eventv1.Direction_DIRECTION_SERVER_TO_CLIENT
	ev.Kind = eventv1.MessageKind_MESSAGE_KIND_RESPONSE
	ev.Method = "tools/list"
	ev.ToolList = &eventv1.ToolList{Tools: tools}
	return ev
}

// loadToolsList reads a captured JSON-RPC tools/list response from testdata
// and converts its tools to ToolDefinitions the way a tap would.
func loadToolsList(t testing.TB, file string) []*eventv1.ToolDefinition {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	var resp struct {
		Result struct {
			Tools []struct {
				Name         string          `json:"name"`
				Title        string          `json:"title"`
				Description  string          `json:"description"`
				InputSchema  json.RawMessage `json:"inputSchema"`
				OutputSchema json.RawMessage `json:"outputSchema"`
				Annotations  *struct {
					ReadOnlyHint    *bool `json:"readOnlyHint"`
					DestructiveHint *bool `json:"destructiveHint"`
					IdempotentHint  *bool `json:"idempotentHint"`
					OpenWorldHint   *bool `json:"openWorldHint"`
				} `json:"annotations"`
			} `json:"tools"`
		} `json:"result"`
	}
	if err := json.Unmarshal(data, &resp); err != nil {
		t.Fatalf("decode %s: %v", file, err)
	}
	if len(resp.Result.Tools) == 0 {
		t.Fatalf("%s has no tools", file)
	}
	var out []*eventv1.ToolDefinition
	for _, tl := range resp.Result.Tools {
		td := &eventv1.ToolDefinition{Name: tl.Name, Title: tl.Title, Description: tl.Description,
			InputSchemaJson: string(tl.InputSchema), OutputSchemaJson: string(tl.OutputSchema)}
		if a := tl.Annotations; a != nil {
			td.Annotations = &eventv1.ToolAnnotations{ReadOnlyHint: a.ReadOnlyHint, DestructiveHint: a.DestructiveHint,
				IdempotentHint: a.IdempotentHint, OpenWorldHint: a.OpenWorldHint}
		}
		out = append(out, td)
	}
	return out
}

// mustParse parses rule YAML or fails the test.
func mustParse(t testing.TB, src string) []*Rule {
	t.Helper()
	rs, err := ParseRules("test.yaml", []byte(src))
	if err != nil {
		t.Fatalf("ParseRules: %v", err)
	}
	return rs
}

func evID(i int) string { return fmt.Sprintf("0195f0a0-0000-7000-8000-%012d", i) }
