package demo

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// envEvilServer makes the test binary serve the malicious server over stdio
// instead of running tests, so scenarios can start it as a subprocess.
const envEvilServer = "MCPDEMO_TEST_EVIL_SERVER"

// envPassThroughTap makes the test binary stand in for `mcpaudit tap`: it
// execs the server command after "--" without recording anything.
const envPassThroughTap = "MCPDEMO_TEST_PASS_THROUGH_TAP"

func TestMain(m *testing.M) {
	if os.Getenv(envPassThroughTap) == "1" {
		args := os.Args[1:]
		i := slices.Index(args, "--")
		if i < 0 || i == len(args)-1 || args[0] != "tap" {
			os.Stderr.WriteString("pass-through tap: want tap ... -- CMD [ARGS...]\n")
			os.Exit(2)
		}
		cmd := args[i+1:]
		os.Unsetenv(envPassThroughTap)
		if err := syscall.Exec(cmd[0], cmd, os.Environ()); err != nil {
			os.Stderr.WriteString("pass-through tap: " + err.Error() + "\n")
			os.Exit(1)
		}
	}
	if os.Getenv(envEvilServer) == "1" {
		if err := NewEvilServer(nil).RunStdio(context.Background()); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testEnv locates the npm servers (failing, not skipping, when they are
// missing) and makes the test binary the evil server.
func testEnv(t *testing.T) Env {
	t.Helper()
	prefix, err := DefaultNPMPrefix()
	if err != nil {
		t.Fatalf("npm prefix: %v", err)
	}
	for _, pkg := range []string{PkgFilesystem, PkgMemory, PkgEverything} {
		if _, err := NPMServer(prefix, pkg); err != nil {
			t.Fatalf("reference MCP servers are required (make demo-deps, or npm install --prefix %s %s %s %s): %v",
				prefix, PkgFilesystem, PkgMemory, PkgEverything, err)
		}
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(envEvilServer, "1")
	return Env{EvilServer: []string{self}, NPMPrefix: prefix, WorkDir: t.TempDir()}
}

func runCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestBenignScenariosDirect plays the benign scenarios straight against the
// installed npm servers (no tap), proving they work with those versions and
// stay within their limits (under 10 calls, no tool errors, no sensitive
// paths, no egress).
func TestBenignScenariosDirect(t *testing.T) {
	env := testEnv(t)
	scenarios, err := BenignScenarios(env)
	if err != nil {
		t.Fatalf("benign scenarios: %v", err)
	}
	if len(scenarios) != 3 {
		t.Fatalf("got %d benign scenarios, want 3", len(scenarios))
	}
	for _, sc := range scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			if sc.Attack || len(sc.ExpectRules) > 0 || len(sc.AlsoRules) > 0 {
				t.Fatalf("benign scenario %s expects alerts: %+v", sc.Name, sc)
			}
			res, err := RunDirect(runCtx(t), sc)
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			if n := len(res.ToolCalls); n < 2 || n >= 10 {
				t.Errorf("%d tool calls, want 2..9", n)
			}
			if res.ServerName == "" || res.ClientName != ClientNamePrefix+sc.Name {
				t.Errorf("server %q client %q", res.ServerName, res.ClientName)
			}
			if !res.AttackAt.IsZero() {
				t.Errorf("benign AttackAt = %v, want zero", res.AttackAt)
			}
			for _, c := range res.ToolCalls {
				if c.IsError {
					t.Errorf("call %s %v failed", c.Name, c.Arguments)
				}
				args := strings.ToLower(toText(c.Arguments))
				for _, bad := range []string{".ssh", ".env", "passwd", "../", "http://", "https://", "id_rsa"} {
					if strings.Contains(args, bad) {
						t.Errorf("call %s has %q in its arguments %v", c.Name, bad, c.Arguments)
					}
				}
				if c.At.Before(res.Start) || c.At.After(res.End) {
					t.Errorf("call %s at %v outside the run [%v, %v]", c.Name, c.At, res.Start, res.End)
				}
			}
		})
	}
}

// TestAttackScenariosDirect plays the attack scenarios without the tap:
// against the malicious server (this test binary) and the real filesystem
// and everything servers.
func TestAttackScenariosDirect(t *testing.T) {
	env := testEnv(t)
	scenarios, err := AttackScenarios(env)
	if err != nil {
		t.Fatalf("attack scenarios: %v", err)
	}
	tests := []struct {
		name       string
		calls      int
		server     string
		lastTool   string
		lastErrors bool
	}{
		{ScenarioToolPoisoning, 1, EvilServerName, ToolAddNumbers, false},
		{ScenarioExfiltration, 3, EvilServerName, ToolSendWebhook, false},
		{ScenarioPathTraversal, 2, "secure-filesystem-server", "read_text_file", true},
		{ScenarioBurst, BurstCalls, "", "echo", false},
	}
	if len(scenarios) != len(tests) {
		t.Fatalf("got %d attack scenarios, want %d", len(scenarios), len(tests))
	}
	for i, tt := range tests {
		sc := scenarios[i]
		t.Run(tt.name, func(t *testing.T) {
			if sc.Name != tt.name || !sc.Attack || len(sc.ExpectRules) == 0 {
				t.Fatalf("scenario %d = %s (attack %v, expect %v)", i, sc.Name, sc.Attack, sc.ExpectRules)
			}
			res, err := RunDirect(runCtx(t), sc)
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			if len(res.ToolCalls) != tt.calls {
				t.Fatalf("%d tool calls, want %d", len(res.ToolCalls), tt.calls)
			}
			if tt.server != "" && res.ServerName != tt.server {
				t.Errorf("server name %q, want %q", res.ServerName, tt.server)
			}
			last := res.ToolCalls[len(res.ToolCalls)-1]
			if last.Name != tt.lastTool || last.IsError != tt.lastErrors {
				t.Errorf("last call %s (error %v), want %s (error %v)", last.Name, last.IsError, tt.lastTool, tt.lastErrors)
			}
			if res.AttackAt.Before(res.Start) || res.AttackAt.After(res.End) {
				t.Errorf("AttackAt %v outside the run [%v, %v]", res.AttackAt, res.Start, res.End)
			}
		})
	}
	t.Run("exfiltration posts the fake secrets", func(t *testing.T) {
		for _, sc := range scenarios {
			if sc.Name != ScenarioExfiltration {
				continue
			}
			res, err := RunDirect(runCtx(t), sc)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := res.ToolCalls[2].Arguments["body"].(string)
			if !strings.Contains(body, "FAKE-demo-") || !strings.Contains(body, "PRIVATE KEY") ||
				res.ToolCalls[2].Arguments["url"] != ExfilURL {
				t.Errorf("send_webhook arguments = %v", res.ToolCalls[2].Arguments)
			}
		}
	})
}

func TestTapConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     TapConfig
		wantErr string
		want    string
	}{
		{"missing bin", TapConfig{Collector: "127.0.0.1:7070"}, "tap.mcpaudit_bin", ""},
		{"missing collector", TapConfig{McpauditBin: "mcpaudit"}, "tap.collector", ""},
		{"no token", TapConfig{McpauditBin: "mcpaudit", Collector: "h:1"}, "", "mcpaudit tap --collector h:1 -- srv arg"},
		{"token", TapConfig{McpauditBin: "mcpaudit", Collector: "h:1", Token: "T"}, "", "mcpaudit tap --collector h:1 --token T -- srv arg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Validate() = %v, want error naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(tt.cfg.Command([]string{"srv", "arg"}), " "); got != tt.want {
				t.Errorf("Command = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNPMServerMissing(t *testing.T) {
	_, err := NPMServer(t.TempDir(), PkgMemory)
	if !errors.Is(err, ErrNPMServerMissing) || !strings.Contains(err.Error(), "npm install --prefix") {
		t.Fatalf("NPMServer on an empty prefix = %v, want ErrNPMServerMissing with the install command", err)
	}
}

func TestTraversalPath(t *testing.T) {
	tests := []struct{ root, want string }{
		{"/srv/data", "/srv/data/../../../etc/passwd"},
		{"/a/b/c/d/", "/a/b/c/d/../../../../etc/passwd"},
	}
	for _, tt := range tests {
		t.Run(tt.root, func(t *testing.T) {
			if got := TraversalPath(tt.root); got != tt.want {
				t.Errorf("TraversalPath(%q) = %q, want %q", tt.root, got, tt.want)
			}
		})
	}
}

func toText(v any) string {
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			b.WriteString(x + " ")
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return b.String()
}
