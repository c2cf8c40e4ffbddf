package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// DefaultProtocolVersion is the MCP revision the scenario clients offer. It is
// the newest revision with the initialize handshake, so the tap sees
// clientInfo and serverInfo; the SDK's default (2026-07-28) would replace
// initialize with server/discover.
const DefaultProtocolVersion = "2025-11-25"

// ClientNamePrefix prefixes the clientInfo.name of every scenario session:
// the session of scenario "exfiltration" announces "mcpdemo-exfiltration".
const ClientNamePrefix = "mcpdemo-"

// ToolCall is one tools/call request a scenario sent.
type ToolCall struct {
	// Name is the tool name.
	Name string
	// Arguments are the call's arguments as sent (JSON-marshalled on the wire).
	Arguments map[string]any
	// At is when the request was sent, as read by the client just before.
	At time.Time
	// IsError is the result's isError, or true when the call failed with a
	// JSON-RPC error.
	IsError bool
}

// Session is a scenario's view of one MCP client session. It records the
// tool calls made through [Session.Call] and the time of the attacking step.
// It is used by one goroutine, the scenario's Run.
type Session struct {
	// CS is the SDK client session, for requests Session does not wrap.
	CS *mcp.ClientSession

	calls    []ToolCall
	lastAt   time.Time
	attackAt time.Time
}

// ListTools lists the server's tools (one tools/list request per page) and
// records the time for [Session.MarkAttack].
func (s *Session) ListTools(ctx context.Context) ([]*mcp.Tool, error) {
	s.lastAt = time.Now()
	var tools []*mcp.Tool
	for t, err := range s.CS.Tools(ctx, nil) {
		if err != nil {
			return nil, fmt.Errorf("tools/list: %w", err)
		}
		tools = append(tools, t)
	}
	return tools, nil
}

// Call sends tools/call and records it. A result with isError set is not an
// error; a JSON-RPC error is returned wrapped with the tool name (the call
// stays recorded: it was sent).
func (s *Session) Call(ctx context.Context, name string, args map[string]any) (*mcp.CallToolResult, error) {
	if args == nil {
		args = map[string]any{}
	}
	at := time.Now()
	s.lastAt = at
	s.calls = append(s.calls, ToolCall{Name: name, Arguments: args, At: at})
	res, err := s.CS.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		s.calls[len(s.calls)-1].IsError = true
		return nil, fmt.Errorf("tools/call %s: %w", name, err)
	}
	s.calls[len(s.calls)-1].IsError = res.IsError
	return res, nil
}

// MarkAttack records the last request (tools/list or tools/call) as the
// attacking step: the moment from which alert latency is measured.
func (s *Session) MarkAttack() { s.attackAt = s.lastAt }

// ResultText joins the text content of a tool result.
func ResultText(res *mcp.CallToolResult) string {
	if res == nil {
		return ""
	}
	var parts []string
	for _, c := range res.Content {
		if t, ok := c.(*mcp.TextContent); ok {
			parts = append(parts, t.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// TapConfig says how to run a scenario's server behind `mcpaudit tap`.
type TapConfig struct {
	// McpauditBin is the path of the mcpaudit binary.
	McpauditBin string
	// Collector is the collector's gRPC address, HOST:PORT.
	Collector string
	// Token is the ingest bearer token; empty sends none.
	Token string
}

// Validate reports the first missing field.
func (c TapConfig) Validate() error {
	switch {
	case c.McpauditBin == "":
		return errors.New("tap.mcpaudit_bin: must be set")
	case c.Collector == "":
		return errors.New("tap.collector: must be set (HOST:PORT)")
	}
	return nil
}

// Command returns the command line that runs server behind the tap:
// mcpaudit tap --collector C [--token T] -- server...
func (c TapConfig) Command(server []string) []string {
	args := []string{c.McpauditBin, "tap", "--collector", c.Collector}
	if c.Token != "" {
		args = append(args, "--token", c.Token)
	}
	args = append(args, "--")
	return append(args, server...)
}

// Result is what a scenario run produced.
type Result struct {
	// Scenario is the scenario name.
	Scenario string
	// ClientName is the clientInfo.name the session announced.
	ClientName string
	// ServerName is the serverInfo.name the server announced.
	ServerName string
	// Start is just before the server process was started; End is after the
	// session was closed and the process (tap or server) exited.
	Start, End time.Time
	// ToolCalls are the tools/call requests sent, in order.
	ToolCalls []ToolCall
	// AttackAt is the time of the attacking request; zero for benign
	// scenarios.
	AttackAt time.Time
}

// RunScenario plays sc through the tap: it starts `mcpaudit tap ... --
// sc.Server...`, connects an MCP client to it over stdio, runs sc.Run and
// closes the session, which ends the tap after it flushed its events. The
// process's stderr (last 8 KiB) is appended to any error.
func RunScenario(ctx context.Context, sc Scenario, tap TapConfig) (Result, error) {
	if err := tap.Validate(); err != nil {
		return Result{Scenario: sc.Name}, err
	}
	return runCommand(ctx, sc, tap.Command(sc.Server))
}

// RunDirect plays sc against its server without the tap (the client talks to
// sc.Server directly). Tests use it to prove the scenarios work with the
// installed servers.
func RunDirect(ctx context.Context, sc Scenario) (Result, error) {
	return runCommand(ctx, sc, sc.Server)
}

func runCommand(ctx context.Context, sc Scenario, argv []string) (res Result, err error) {
	res = Result{Scenario: sc.Name, ClientName: ClientNamePrefix + sc.Name}
	if len(argv) == 0 || len(sc.Server) == 0 {
		return res, fmt.Errorf("scenario %s: server command is empty", sc.Name)
	}
	if sc.Run == nil {
		return res, fmt.Errorf("scenario %s: Run is nil", sc.Name)
	}
	stderr := &tailBuffer{max: 8 << 10}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), sc.ServerEnv...)
	cmd.Stderr = stderr
	defer func() {
		if err != nil {
			if tail := strings.TrimSpace(stderr.String()); tail != "" {
				err = fmt.Errorf("%w\nprocess stderr (tail):\n%s", err, tail)
			}
		}
	}()

	client := mcp.NewClient(&mcp.Implementation{Name: res.ClientName, Version: "1.0.0"}, &mcp.ClientOptions{
		// No roots capability: the filesystem server keeps the directories
		// given on its command line.
		Capabilities: &mcp.ClientCapabilities{},
	})
	res.Start = time.Now()
	cs, err := client.Connect(ctx, &mcp.CommandTransport{Command: cmd, TerminateDuration: 10 * time.Second},
		&mcp.ClientSessionOptions{ProtocolVersion: DefaultProtocolVersion})
	if err != nil {
		return res, fmt.Errorf("scenario %s: connect: %w", sc.Name, err)
	}
	if ir := cs.InitializeResult(); ir != nil && ir.ServerInfo != nil {
		res.ServerName = ir.ServerInfo.Name
	}
	s := &Session{CS: cs}
	runErr := sc.Run(ctx, s)
	closeErr := cs.Close()
	res.End = time.Now()
	res.ToolCalls = s.calls
	if sc.Attack {
		res.AttackAt = s.attackAt
	}
	if runErr != nil {
		return res, fmt.Errorf("scenario %s: %w", sc.Name, runErr)
	}
	if closeErr != nil {
		return res, fmt.Errorf("scenario %s: close: %w", sc.Name, closeErr)
	}
	if sc.Attack && res.AttackAt.IsZero() {
		return res, fmt.Errorf("scenario %s: attack step never marked", sc.Name)
	}
	return res, nil
}

// tailBuffer keeps the last max bytes written to it. It is safe for
// concurrent use (exec copies stderr from its own goroutine).
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

// Write keeps the last max bytes written.
func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if over := b.buf.Len() - b.max; over > 0 {
		b.buf.Next(over)
	}
	return len(p), nil
}

// String returns the kept bytes.
func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
