package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"

	"github.com/mcpaudit/mcpaudit/internal/demo"
)

// wantTags are the SAFE-MCP tags each built-in rule must carry; the end-to-end
// test checks them on the alerts the attack sessions raise.
var wantTags = map[string][]string{
	demo.RuleDescriptionHiddenInstructions: {"safe.t1001"},
	demo.RuleDescriptionInvisibleUnicode:   {"safe.t1402"},
	demo.RuleSensitiveReadThenEgress:       {"safe.t1502", "safe.t1913"},
	demo.RulePathTraversal:                 {"safe.t1105"},
	demo.RuleToolCallBurst:                 {"safe.t1106"},
}

// TestEndToEnd does what `make demo` does, with assertions: it builds the
// binaries, starts `mcpaudit up` (embedded Kafka-protocol broker, local
// ClickHouse server from the installed binary), plays benign sessions against
// the real npm MCP servers and attack sessions against the malicious demo
// server, all through `mcpaudit tap`, then checks through the REST API that
// every benign tool call is stored exactly once with its arguments, that each
// attack raised its alerts with their SAFE-MCP tags and the benign sessions
// none, and reports the time from each attacking tool call to its alert being
// queryable. It then restarts `up` on the same data directory and checks the
// data is still there and still free of duplicates.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: not with -short")
	}
	mcpauditBin, mcpdemoBin := buildBinaries(t)
	npmPrefix, err := demo.DefaultNPMPrefix()
	if err != nil {
		t.Fatalf("MCP servers from npm: %v (run `make deps`)", err)
	}
	dataDir := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()

	up := startUp(t, ctx, mcpauditBin, dataDir)
	cfg := demo.DefaultConfig()
	cfg.McpauditBin = mcpauditBin
	cfg.Collector = up.grpcAddr
	cfg.QueryURL = "http://" + up.httpAddr
	cfg.EvilServer = []string{mcpdemoBin, "evil-server"}
	cfg.NPMPrefix = npmPrefix
	cfg.WorkDir = t.TempDir()
	cfg.Timeout = 60 * time.Second
	var out strings.Builder
	rep, err := demo.RunAll(ctx, cfg, &out, slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})))
	t.Logf("demo report:\n%s", out.String())
	if err != nil && !errors.Is(err, demo.ErrExpectationsNotMet) {
		t.Fatalf("RunAll: %v\nmcpaudit up log:\n%s", err, up.log())
	}
	q := &demo.QueryClient{BaseURL: cfg.QueryURL}
	for _, sr := range rep.Scenarios {
		t.Run(sr.Scenario.Name, func(t *testing.T) {
			if sr.Err != nil {
				t.Fatalf("session failed: %v", sr.Err)
			}
			if sr.SessionID == "" {
				t.Fatalf("session not found through the query API")
			}
			if !sr.Scenario.Attack {
				for _, a := range sr.Alerts {
					t.Errorf("benign session raised %s (%s)", a.Alert.GetRuleId(), a.Alert.GetAlertId())
				}
				checkToolCallsStoredOnce(t, ctx, q, sr, rep.Start)
				return
			}
			if len(sr.Missing) > 0 {
				t.Errorf("expected alerts missing: %v", sr.Missing)
			}
			for _, a := range sr.Alerts {
				for _, tag := range wantTags[a.Alert.GetRuleId()] {
					if !slices.Contains(a.Alert.GetTags(), tag) {
						t.Errorf("alert %s of rule %s has tags %v, want %s among them", a.Alert.GetAlertId(), a.Alert.GetRuleId(), a.Alert.GetTags(), tag)
					}
				}
				if a.Alert.GetSessionId() != sr.SessionID {
					t.Errorf("alert %s names session %q, want %q", a.Alert.GetAlertId(), a.Alert.GetSessionId(), sr.SessionID)
				}
				if len(a.Alert.GetEventIds()) == 0 {
					t.Errorf("alert %s names no events", a.Alert.GetAlertId())
				}
			}
			for _, rule := range sr.Scenario.ExpectRules {
				if d, ok := sr.Latency(rule); ok {
					t.Logf("latency from attacking tool call to queryable alert, %s: %v", rule, d.Round(time.Millisecond))
				}
			}
		})
	}
	for _, a := range rep.Unattributed {
		t.Errorf("alert %s of rule %s matches no scenario", a.Alert.GetAlertId(), a.Alert.GetRuleId())
	}
	if t.Failed() {
		t.Logf("mcpaudit up log:\n%s", up.log())
	}

	// Restart on the same data directory: everything is still there, once.
	alertsBefore, err := q.ListAlerts(ctx, rep.Start)
	if err != nil {
		t.Fatalf("list alerts: %v", err)
	}
	up.stop(t)
	up = startUp(t, ctx, mcpauditBin, dataDir)
	q = &demo.QueryClient{BaseURL: "http://" + up.httpAddr}
	alertsAfter, err := q.ListAlerts(ctx, rep.Start)
	if err != nil {
		t.Fatalf("list alerts after restart: %v", err)
	}
	if got, want := alertIDs(alertsAfter), alertIDs(alertsBefore); !slices.Equal(got, want) {
		t.Errorf("after restart the alerts are %v, want %v", got, want)
	}
	for _, sr := range rep.Scenarios {
		if !sr.Scenario.Attack && sr.SessionID != "" {
			checkToolCallsStoredOnce(t, ctx, q, sr, rep.Start)
		}
	}
	up.stop(t)
}

// buildBinaries builds mcpaudit and mcpdemo into a temporary directory.
func buildBinaries(t *testing.T) (mcpaudit, mcpdemo string) {
	t.Helper()
	bin := t.TempDir()
	mcpaudit, mcpdemo = filepath.Join(bin, "mcpaudit"), filepath.Join(bin, "mcpdemo")
	for _, b := range []struct{ out, pkg string }{{mcpaudit, "."}, {mcpdemo, "../mcpdemo"}} {
		cmd := exec.Command("go", "build", "-o", b.out, b.pkg)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b.pkg, err, out)
		}
	}
	return mcpaudit, mcpdemo
}

// checkToolCallsStoredOnce asserts that every tool call the scenario made is
// stored exactly once as a tools/call request with the same arguments.
func checkToolCallsStoredOnce(t *testing.T, ctx context.Context, q *demo.QueryClient, sr *demo.ScenarioReport, since time.Time) {
	t.Helper()
	events, err := q.ListSessionEvents(ctx, sr.SessionID, "tools/call", since)
	if err != nil {
		t.Fatalf("list session events: %v", err)
	}
	seen := map[string]bool{}
	var requests []*eventv1.Event
	for _, ev := range events {
		if seen[ev.GetEventId()] {
			t.Errorf("event %s listed twice", ev.GetEventId())
		}
		seen[ev.GetEventId()] = true
		if ev.GetKind() == eventv1.MessageKind_MESSAGE_KIND_REQUEST {
			requests = append(requests, ev)
		}
	}
	if len(requests) != len(sr.Result.ToolCalls) {
		t.Fatalf("stored %d tools/call requests, the session made %d", len(requests), len(sr.Result.ToolCalls))
	}
	for i, call := range sr.Result.ToolCalls {
		got := requests[i]
		if got.GetToolCall().GetName() != call.Name {
			t.Errorf("call %d: stored tool %q, made %q", i, got.GetToolCall().GetName(), call.Name)
		}
		var args map[string]any
		if err := json.Unmarshal([]byte(got.GetToolCall().GetArgumentsJson()), &args); err != nil {
			t.Errorf("call %d: stored arguments %q are not a JSON object: %v", i, got.GetToolCall().GetArgumentsJson(), err)
			continue
		}
		if want := normalise(t, call.Arguments); !reflect.DeepEqual(args, want) {
			t.Errorf("call %d (%s): stored arguments %v, made %v", i, call.Name, args, want)
		}
	}
	if !t.Failed() {
		t.Logf("%d tool calls stored exactly once with their arguments", len(requests))
	}
}

// normalise round-trips v through JSON so numbers compare as float64.
func normalise(t *testing.T, v map[string]any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out == nil {
		out = map[string]any{}
	}
	return out
}

func alertIDs(alerts []*eventv1.Alert) []string {
	var ids []string
	for _, a := range alerts {
		ids = append(ids, a.GetAlertId())
	}
	slices.Sort(ids)
	return ids
}

// upProcess is a running mcpaudit process (`up` or a single role).
type upProcess struct {
	cmd                *exec.Cmd
	grpcAddr, httpAddr string
	kafka, clickhouse  string // first addresses the banner names
	logFile            string
	done               chan error
}

var (
	grpcLine = regexp.MustCompile(`gRPC API\s+(\S+)`)
	httpLine = regexp.MustCompile(`REST API\s+http://([^/\s]+)/`)
)

// startUp starts `mcpaudit up` on free loopback ports and waits for its
// banner.
func startUp(t *testing.T, ctx context.Context, bin, dataDir string) *upProcess {
	t.Helper()
	p := startProcess(t, ctx, bin, "up", "--data-dir", dataDir, "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0")
	if p.grpcAddr == "" || p.httpAddr == "" {
		t.Fatalf("banner did not name the addresses (grpc %q, http %q)\n%s", p.grpcAddr, p.httpAddr, p.log())
	}
	return p
}

// startProcess starts `mcpaudit args...` and waits for its banner.
func startProcess(t *testing.T, ctx context.Context, bin string, args ...string) *upProcess {
	t.Helper()
	logFile := filepath.Join(t.TempDir(), args[0]+".log")
	logf, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stderr = logf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &upProcess{cmd: cmd, logFile: logFile, done: make(chan error, 1)}
	banner := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			if m := grpcLine.FindStringSubmatch(line); m != nil {
				p.grpcAddr = m[1]
			}
			if m := httpLine.FindStringSubmatch(line); m != nil {
				p.httpAddr = m[1]
			}
			if m := kafkaLine.FindStringSubmatch(line); m != nil {
				p.kafka = m[1]
			}
			if m := clickhouseLine.FindStringSubmatch(line); m != nil {
				p.clickhouse = m[1]
			}
			if strings.HasPrefix(line, "Press Ctrl-C") {
				close(banner)
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() { p.done <- cmd.Wait(); logf.Close() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	select {
	case <-banner:
	case err := <-p.done:
		t.Fatalf("mcpaudit %s exited before it was ready: %v\n%s", args[0], err, p.log())
	case <-time.After(90 * time.Second):
		t.Fatalf("mcpaudit %s not ready after 90s\n%s", args[0], p.log())
	case <-ctx.Done():
		t.Fatalf("mcpaudit %s: %v", args[0], ctx.Err())
	}
	return p
}

// stop sends SIGTERM and requires a clean exit within 60s.
func (p *upProcess) stop(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("mcpaudit %s exited with %v after SIGTERM\n%s", p.cmd.Args[1], err, p.log())
		}
	case <-time.After(60 * time.Second):
		_ = p.cmd.Process.Kill()
		t.Errorf("mcpaudit %s did not stop within 60s of SIGTERM\n%s", p.cmd.Args[1], p.log())
	}
}

func (p *upProcess) log() string {
	b, _ := os.ReadFile(p.logFile)
	if len(b) > 16<<10 {
		b = append([]byte("...\n"), b[len(b)-16<<10:]...)
	}
	return string(b)
}

// testWriter sends log lines to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
