package tap

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// npmPrefix is where the MCP servers from npm are installed:
// $MCPAUDIT_NPM_PREFIX, else <repo>/.tmp/npm.
func npmPrefix(t *testing.T) string {
	if p := os.Getenv("MCPAUDIT_NPM_PREFIX"); p != "" {
		return p
	}
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", ".tmp", "npm")
}

// TestMCPServerThroughTap drives the real filesystem MCP server from npm
// through the tap (this test binary re-executed as the tap process) with the
// official Go SDK client, and checks what the collector received.
func TestMCPServerThroughTap(t *testing.T) {
	server := filepath.Join(npmPrefix(t), "node_modules", "@modelcontextprotocol", "server-filesystem", "dist", "index.js")
	if _, err := os.Stat(server); err != nil {
		t.Fatalf("MCP filesystem server not installed (%v): run `npm install --prefix %s @modelcontextprotocol/server-filesystem @modelcontextprotocol/server-memory @modelcontextprotocol/server-everything` or set MCPAUDIT_NPM_PREFIX", err, npmPrefix(t))
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node not found on PATH: %v", err)
	}
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(root, "hello.txt")
	if err := os.WriteFile(file, []byte("hello through the tap\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	col := &collector{}
	addr := startCollector(t, col, "127.0.0.1:0")

	cmd := exec.Command(os.Args[0], "--", node, server, root)
	cmd.Env = append(os.Environ(), helperEnv+"="+addr)
	cmd.Stderr = tWriter{t}
	client := mcp.NewClient(&mcp.Implementation{Name: "tap-test-client", Version: "0.0.1"}, nil)
	cs, err := client.Connect(t.Context(), &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("connect through the tap: %v", err)
	}
	tools, err := cs.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatalf("tools/list: %v", err)
	}
	if len(tools.Tools) == 0 {
		t.Fatal("tools/list returned no tools")
	}
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "read_text_file", Arguments: map[string]any{"path": file}})
	if err != nil || res.IsError {
		t.Fatalf("tools/call read_text_file: %v %+v", err, res)
	}
	if tc, ok := res.Content[0].(*mcp.TextContent); !ok || !strings.Contains(tc.Text, "hello through the tap") {
		t.Fatalf("tools/call result %+v", res.Content)
	}
	denied, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "read_text_file", Arguments: map[string]any{"path": "/etc/passwd"}})
	if err != nil || !denied.IsError {
		t.Fatalf("tools/call outside the root: err %v, isError %v", err, denied.GetError())
	}
	if err := cs.Close(); err != nil {
		t.Logf("close: %v", err) // the server may exit on EOF before answering
	}
	_ = cmd.Wait() // the tap flushed before exiting
	if cmd.ProcessState == nil || !cmd.ProcessState.Exited() {
		t.Fatalf("tap process state %v", cmd.ProcessState)
	}

	evs := col.snapshot()
	byMethodKind := map[string][]*eventv1.Event{}
	for _, ev := range evs {
		k := ev.GetMethod() + " " + ev.GetKind().String()
		byMethodKind[k] = append(byMethodKind[k], ev)
		if ev.GetSource().GetName() != SourceName || ev.GetSession().GetTransport() != eventv1.Transport_TRANSPORT_STDIO ||
			ev.GetSession().GetId() == "" || ev.GetPrincipal().GetSubject() == "" || !strings.Contains(ev.GetServer().GetIdentity(), "index.js") {
			t.Errorf("event %s %s lacks session fields: %v", ev.GetMethod(), ev.GetKind(), ev)
		}
	}
	one := func(key string) *eventv1.Event {
		t.Helper()
		if len(byMethodKind[key]) == 0 {
			t.Fatalf("no %q event; got %d events: %v", key, len(evs), keys(byMethodKind))
		}
		return byMethodKind[key][0]
	}
	initResp := one("initialize MESSAGE_KIND_RESPONSE")
	if initResp.GetServer().GetName() == "" || initResp.GetClient().GetName() != "tap-test-client" ||
		initResp.GetSession().GetProtocolVersion() == "" || initResp.GetDuration() == nil {
		t.Errorf("initialize response: %v", initResp)
	}
	one("notifications/initialized MESSAGE_KIND_NOTIFICATION")
	list := one("tools/list MESSAGE_KIND_RESPONSE")
	if len(list.GetToolList().GetTools()) != len(tools.Tools) {
		t.Errorf("tools/list event has %d tools, the client saw %d", len(list.GetToolList().GetTools()), len(tools.Tools))
	}
	for _, td := range list.GetToolList().GetTools() {
		if td.GetName() == "" || td.GetInputSchemaJson() == "" || len(td.GetDefinitionHash()) != 64 {
			t.Errorf("tool definition %v", td)
		}
	}
	calls := byMethodKind["tools/call MESSAGE_KIND_RESPONSE"]
	if len(calls) != 2 || len(byMethodKind["tools/call MESSAGE_KIND_REQUEST"]) != 2 {
		t.Fatalf("tools/call events: %d responses, %d requests", len(calls), len(byMethodKind["tools/call MESSAGE_KIND_REQUEST"]))
	}
	ok, bad := calls[0], calls[1]
	if ok.GetToolCall().GetName() != "read_text_file" || !strings.Contains(ok.GetToolCall().GetArgumentsJson(), "hello.txt") ||
		!strings.Contains(ok.GetToolCall().GetResult().GetText(), "hello through the tap") || ok.GetToolCall().GetResult().GetIsError() ||
		ok.GetDuration() == nil || ok.GetDuration().AsDuration() <= 0 || ok.GetDuration().AsDuration() > time.Minute {
		t.Errorf("tools/call response: %v", ok)
	}
	if !bad.GetToolCall().GetResult().GetIsError() || !strings.Contains(bad.GetToolCall().GetArgumentsJson(), "/etc/passwd") {
		t.Errorf("denied tools/call response: %v", bad)
	}
	req := byMethodKind["tools/call MESSAGE_KIND_REQUEST"][0]
	if req.GetJsonrpcId() != ok.GetJsonrpcId() || req.GetDirection() != eventv1.Direction_DIRECTION_CLIENT_TO_SERVER || ok.GetDirection() != eventv1.Direction_DIRECTION_SERVER_TO_CLIENT {
		t.Errorf("pairing: request id %s dir %v, response id %s dir %v", req.GetJsonrpcId(), req.GetDirection(), ok.GetJsonrpcId(), ok.GetDirection())
	}
	col.mu.Lock()
	if len(col.auth) == 0 || col.auth[0] != "Bearer secret" {
		t.Errorf("authorization metadata %q", col.auth)
	}
	col.mu.Unlock()
}

func keys(m map[string][]*eventv1.Event) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"×"+string(rune('0'+min(len(v), 9))))
	}
	return out
}
