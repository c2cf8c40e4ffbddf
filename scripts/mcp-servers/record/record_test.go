package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// envSDKServer makes the test binary run as an MCP server built with the
// official Go SDK (see TestMain), so pagination is tested against a real
// server that pages its lists.
const envSDKServer = "RECORD_TEST_SDK_SERVER"

// sdkTools and sdkPageSize shape the SDK server: 5 tools in pages of 2.
const (
	sdkTools    = 5
	sdkPageSize = 2
)

func TestMain(m *testing.M) {
	if os.Getenv(envSDKServer) == "1" {
		if err := runSDKServer(); err != nil {
			fmt.Fprintln(os.Stderr, "sdk server:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runSDKServer() error {
	s := mcp.NewServer(&mcp.Implementation{Name: "paged", Version: "1.0.0"}, &mcp.ServerOptions{PageSize: sdkPageSize})
	for i := range sdkTools {
		s.AddTool(&mcp.Tool{
			Name:        fmt.Sprintf("list_items_%d", i),
			Description: "Lists items.",
			InputSchema: map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}, "required": []any{"city"}},
			Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true},
		}, func(_ context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			var a struct {
				City string `json:"city"`
			}
			if err := json.Unmarshal(req.Params.Arguments, &a); err != nil {
				return nil, err
			}
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "items in " + a.City}}}, nil
		})
	}
	return s.Run(context.Background(), &mcp.StdioTransport{})
}

// npmModules returns the node_modules holding the reference npm servers:
// $MCPAUDIT_NPM_PREFIX/node_modules, else <repo>/.tmp/npm/node_modules.
func npmModules(t *testing.T) string {
	t.Helper()
	prefix := os.Getenv("MCPAUDIT_NPM_PREFIX")
	if prefix == "" {
		prefix = filepath.Join("..", "..", "..", ".tmp", "npm")
	}
	nm, err := filepath.Abs(filepath.Join(prefix, "node_modules"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(nm, "@modelcontextprotocol", "server-everything")); err != nil {
		t.Fatalf("reference MCP servers not installed (%v): run `npm install --prefix %s @modelcontextprotocol/server-filesystem @modelcontextprotocol/server-everything` or set MCPAUDIT_NPM_PREFIX", err, prefix)
	}
	return nm
}

// installedServer returns the Server line for an installed npm package at
// whatever version is installed.
func installedServer(t *testing.T, nm, pkg string, args ...string) Server {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(nm, pkg, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Version string }
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return Server{Package: pkg, Version: m.Version, Args: args}
}

var testLimits = Limits{List: 30 * time.Second, Call: 10 * time.Second, Session: 60 * time.Second, Calls: 3}

func testEnv(home string) []string {
	node, _ := exec.LookPath("node")
	return []string{"PATH=" + filepath.Dir(node) + ":/usr/bin:/bin", "HOME=" + home}
}

// frameMsg decodes a frame's message into a generic map (nil for raw frames).
func frameMsg(t *testing.T, f Frame) map[string]any {
	t.Helper()
	if f.Message == nil {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(f.Message, &m); err != nil {
		t.Fatalf("frame %s: %v", f.Message, err)
	}
	return m
}

// requests returns the c2s requests with the given method, in order.
func requests(t *testing.T, frames []Frame, method string) []map[string]any {
	var out []map[string]any
	for _, f := range frames {
		if m := frameMsg(t, f); f.Dir == "c2s" && m["method"] == method {
			out = append(out, m)
		}
	}
	return out
}

// checkWellFormed checks what every recording must satisfy: it opens with
// initialize, at_ms never decreases, every c2s request id is answered by
// exactly one s2c response.
func checkWellFormed(t *testing.T, frames []Frame) {
	t.Helper()
	if len(frames) == 0 {
		t.Fatal("no frames")
	}
	if m := frameMsg(t, frames[0]); m["method"] != "initialize" || frames[0].Dir != "c2s" {
		t.Errorf("first frame %s, want the initialize request", frames[0].Message)
	}
	asked, answered := map[string]bool{}, map[string]int{}
	var last int64
	for i, f := range frames {
		if f.AtMS < last {
			t.Errorf("frame %d at_ms %d before %d", i, f.AtMS, last)
		}
		last = f.AtMS
		m := frameMsg(t, f)
		id, hasID := m["id"]
		if !hasID {
			continue
		}
		key := fmt.Sprint(id)
		_, isReq := m["method"]
		switch {
		case f.Dir == "c2s" && isReq:
			asked[key] = true
		case f.Dir == "s2c" && !isReq:
			answered[key]++
		}
	}
	for id := range asked {
		if answered[id] != 1 {
			t.Errorf("request id %s answered %d times", id, answered[id])
		}
	}
}

func TestRecordPaginated(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	env := append(testEnv(dir), envSDKServer+"=1")
	res := RecordServer(t.Context(), Server{Package: "paged", Version: "1.0.0"}, []string{self}, dir, env, testLimits)
	if res.Err != nil {
		t.Fatalf("RecordServer: %v", res.Err)
	}
	if res.Tools != sdkTools {
		t.Errorf("Tools = %d, want %d (all pages)", res.Tools, sdkTools)
	}
	lists := requests(t, res.Definitions, "tools/list")
	wantPages := (sdkTools + sdkPageSize - 1) / sdkPageSize
	if len(lists) != wantPages {
		t.Fatalf("%d tools/list requests, want %d", len(lists), wantPages)
	}
	if _, ok := lists[0]["params"]; ok {
		t.Errorf("first tools/list has params %v, want none", lists[0]["params"])
	}
	for i, l := range lists[1:] {
		p, _ := l["params"].(map[string]any)
		if c, _ := p["cursor"].(string); c == "" {
			t.Errorf("tools/list page %d has no cursor: %v", i+2, l)
		}
	}
	checkWellFormed(t, res.Session)
	calls := requests(t, res.Session, "tools/call")
	if len(calls) != testLimits.Calls || res.Calls != testLimits.Calls || res.CallErrors != 0 {
		t.Errorf("%d calls recorded, Calls=%d CallErrors=%d, want %d calls without error", len(calls), res.Calls, res.CallErrors, testLimits.Calls)
	}
	// The answer echoes the argument chosen from the schema.
	if !strings.Contains(string(res.Session[len(res.Session)-1].Message), "items in Lisbon") {
		t.Errorf("last frame %s, want the tool's answer for Lisbon", res.Session[len(res.Session)-1].Message)
	}
}

func TestRecordEverything(t *testing.T) {
	nm := npmModules(t)
	srv := installedServer(t, nm, "@modelcontextprotocol/server-everything", "stdio")
	argv, err := srv.Command(nm)
	if err != nil {
		t.Fatal(err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal(err)
	}
	argv[0] = node
	work, home, err := PrepareSandbox(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	res := RecordServer(t.Context(), srv, argv, work, testEnv(home), testLimits)
	if res.Err != nil {
		t.Fatalf("RecordServer: %v", res.Err)
	}
	if !res.Started || res.ServerName == "" || res.Tools == 0 {
		t.Errorf("Started=%v ServerName=%q Tools=%d", res.Started, res.ServerName, res.Tools)
	}
	// server-everything advertises prompts and resources: both are listed.
	for _, m := range []string{"initialize", "tools/list", "prompts/list", "resources/list"} {
		if len(requests(t, res.Definitions, m)) == 0 {
			t.Errorf("no %s in the definitions", m)
		}
	}
	if n := len(requests(t, res.Definitions, "notifications/initialized")); n != 1 {
		t.Errorf("%d notifications/initialized, want 1", n)
	}
	if len(requests(t, res.Definitions, "tools/call")) != 0 {
		t.Error("definitions hold a tools/call")
	}
	if res.Prompts == 0 || res.Resources == 0 {
		t.Errorf("Prompts=%d Resources=%d, want both listed", res.Prompts, res.Resources)
	}
	checkWellFormed(t, res.Session)
	if len(requests(t, res.Session, "tools/call")) == 0 {
		t.Error("no tools/call in the session")
	}

	// Written cases decode in the corpus format and hold the same frames.
	out := t.TempDir()
	for _, fam := range []struct {
		family string
		frames []Frame
	}{{FamilyDefinitions, res.Definitions}, {FamilySessions, res.Session}} {
		written := NewCase(fam.family, srv, fam.frames, "test")
		if err := WriteCase(filepath.Join(out, fam.family), written.ID, written); err != nil {
			t.Fatal(err)
		}
		// The file is named by the case id, as the corpus format wants.
		raw, err := os.ReadFile(filepath.Join(out, fam.family, written.ID+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var c struct {
			ID, Family, Label string
			Techniques        []string
			Connections       []struct {
				Transport string
				Messages  []struct {
					Dir     string          `json:"dir"`
					AtMS    *int64          `json:"at_ms"`
					Message json.RawMessage `json:"message"`
				}
			}
		}
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatalf("%s case: %v", fam.family, err)
		}
		if c.Family != fam.family || c.Label != "benign" || c.Techniques == nil || len(c.Techniques) != 0 || !strings.HasSuffix(c.ID, srv.SafeName()) {
			t.Errorf("%s case header: id=%q family=%q label=%q techniques=%v", fam.family, c.ID, c.Family, c.Label, c.Techniques)
		}
		if len(c.Connections) != 1 || c.Connections[0].Transport != "stdio" || len(c.Connections[0].Messages) != len(fam.frames) {
			t.Fatalf("%s case: connections %+v, want one stdio connection of %d messages", fam.family, c.Connections, len(fam.frames))
		}
		for i, m := range c.Connections[0].Messages {
			if m.AtMS == nil || m.Dir != fam.frames[i].Dir || !jsonEqual(t, m.Message, fam.frames[i].Message) {
				t.Errorf("%s message %d: %s at %v, want %s", fam.family, i, m.Message, m.AtMS, fam.frames[i].Message)
			}
		}
		if left, _ := filepath.Glob(filepath.Join(out, fam.family, ".*.tmp")); len(left) != 0 {
			t.Errorf("temporary files left: %v", left)
		}
	}
}

func jsonEqual(t *testing.T, a, b json.RawMessage) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return fmt.Sprint(x) == fmt.Sprint(y)
}

func TestRecordFilesystemReadsSandbox(t *testing.T) {
	nm := npmModules(t)
	work, home, err := PrepareSandbox(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv := installedServer(t, nm, "@modelcontextprotocol/server-filesystem", work)
	argv, err := srv.Command(nm)
	if err != nil {
		t.Fatal(err)
	}
	argv[0], _ = exec.LookPath("node")
	res := RecordServer(t.Context(), srv, argv, work, testEnv(home), testLimits)
	if res.Err != nil {
		t.Fatalf("RecordServer: %v", res.Err)
	}
	if res.Calls == 0 || res.CallErrors == res.Calls {
		t.Fatalf("Calls=%d CallErrors=%d, want reads that succeed", res.Calls, res.CallErrors)
	}
	// A read of the sandbox's notes.txt returned its content.
	found := false
	for _, f := range res.Session {
		if f.Dir == "s2c" && strings.Contains(string(f.Message), "Review the release checklist") {
			found = true
		}
	}
	if !found {
		t.Error("no tool result holds the sandbox file's content")
	}
}

func TestRecordServerThatExits(t *testing.T) {
	dir := t.TempDir()
	res := RecordServer(t.Context(), Server{Package: "broken", Version: "1.0.0"}, []string{"/bin/sh", "-c", "echo 'not json'; echo boom >&2; exit 3"}, dir, testEnv(dir), testLimits)
	if res.Err == nil || res.Started {
		t.Fatalf("Err=%v Started=%v, want a failure before initialize", res.Err, res.Started)
	}
	if !strings.Contains(res.Err.Error(), "server exited") || !strings.Contains(res.Err.Error(), "boom") {
		t.Errorf("error %q should say the server exited and quote its stderr", res.Err)
	}
}
