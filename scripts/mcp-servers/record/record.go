package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/mcpaudit/mcpaudit/detect/eval"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Families of the cases the recorder writes under the benign corpus root.
const (
	FamilyDefinitions = "real_server_definitions"
	FamilySessions    = "real_server_sessions"
)

// maxPages bounds the pages followed for one list method.
const maxPages = 100

// Limits bound one server's recording. Zero values are not valid.
type Limits struct {
	// List bounds the start, initialize and every list call (together).
	List time.Duration
	// Call bounds one tools/call.
	Call time.Duration
	// Session bounds the whole session, calls included.
	Session time.Duration
	// Calls is the most tools/call requests made per server.
	Calls int
}

// Result is what recording one server produced.
type Result struct {
	Server Server
	// Started is true when initialize was answered with a result.
	Started bool
	// Definitions is the handshake and list exchanges (nil when tools/list
	// failed); Session is Definitions followed by the tool calls.
	Definitions, Session []Frame
	// Tools is the number of tools listed; Prompts and Resources likewise.
	Tools, Prompts, Resources int
	// Calls counts tools/call requests; CallErrors those answered with
	// isError or a JSON-RPC error; CallTimeouts those not answered in time.
	Calls, CallErrors, CallTimeouts int
	// ServerName and ServerVersion are from the initialize result's serverInfo.
	ServerName, ServerVersion string
	// Err is why recording failed (nil on success).
	Err error
}

// initializeParams are InitializeRequest params (MCP 2025-06-18).
type initializeParams struct {
	ProtocolVersion string     `json:"protocolVersion"`
	Capabilities    struct{}   `json:"capabilities"`
	ClientInfo      ClientInfo `json:"clientInfo"`
}

// callParams are CallToolRequest params (MCP 2025-06-18).
type callParams struct {
	Name      string          `json:"name"`
	Arguments json.RawMessage `json:"arguments"`
}

// ErrNoTools is returned (wrapped) when tools/list answered without a
// "tools" array.
var ErrNoTools = errors.New("tools/list result has no tools array")

// RecordServer runs argv in the sandbox directory dir (with env exactly),
// speaks MCP to it and records the definitions and a benign session.
func RecordServer(ctx context.Context, srv Server, argv []string, dir string, env []string, lim Limits) Result {
	res := Result{Server: srv}
	sctx, cancel := context.WithTimeout(ctx, lim.Session)
	defer cancel()
	sess, err := StartSession(argv, dir, env)
	if err != nil {
		res.Err = err
		return res
	}
	defer sess.Close(2 * time.Second)
	fail := func(err error) Result {
		sess.Close(2 * time.Second) // the whole stderr, for the reason
		if tail := sess.StderrTail(); tail != "" {
			err = fmt.Errorf("%w (stderr: %s)", err, tail)
		}
		res.Err = err
		return res
	}

	lctx, lcancel := context.WithTimeout(sctx, lim.List)
	defer lcancel()
	initRaw, err := sess.Request(lctx, "initialize", initializeParams{
		ProtocolVersion: ProtocolVersion,
		Capabilities:    struct{}{},
		ClientInfo:      ClientInfo{Name: "mcpaudit-recorder", Version: "1.0.0"},
	})
	if err != nil {
		return fail(err)
	}
	var init struct {
		Capabilities map[string]json.RawMessage `json:"capabilities"`
		ServerInfo   struct {
			Name    string `json:"name"`
			Version string `json:"version"`
		} `json:"serverInfo"`
	}
	if err := json.Unmarshal(initRaw, &init); err != nil {
		return fail(fmt.Errorf("initialize result: %w", err))
	}
	res.Started = true
	res.ServerName, res.ServerVersion = init.ServerInfo.Name, init.ServerInfo.Version
	if err := sess.Notify("notifications/initialized", nil); err != nil {
		return fail(err)
	}
	var tools []Tool
	n, err := listAll(lctx, sess, "tools/list", "tools", func(item json.RawMessage) {
		var t Tool
		if json.Unmarshal(item, &t) == nil {
			tools = append(tools, t)
		}
	})
	if err != nil {
		return fail(err)
	}
	res.Tools = n
	// prompts/list and resources/list only when advertised; their failure
	// is recorded in the frames, not fatal.
	if _, ok := init.Capabilities["prompts"]; ok {
		res.Prompts, _ = listAll(lctx, sess, "prompts/list", "prompts", nil)
	}
	if _, ok := init.Capabilities["resources"]; ok {
		res.Resources, _ = listAll(lctx, sess, "resources/list", "resources", nil)
	}
	res.Definitions = sess.Frames()

	for _, t := range ChooseTools(tools, lim.Calls) {
		if sctx.Err() != nil {
			break
		}
		args := ArgsFor(t.InputSchema, dir)
		cctx, ccancel := context.WithTimeout(sctx, lim.Call)
		raw, err := sess.Request(cctx, "tools/call", callParams{Name: t.Name, Arguments: marshalArgs(args)})
		ccancel()
		res.Calls++
		var rpcErr *RPCError
		switch {
		case errors.As(err, &rpcErr):
			res.CallErrors++
		case errors.Is(err, context.DeadlineExceeded):
			res.CallTimeouts++
			sess.CancelLast("timeout")
		case errors.Is(err, ErrServerExited):
			res.CallErrors++
		case err != nil:
			res.CallErrors++
		default:
			var r struct {
				IsError bool `json:"isError"`
			}
			if json.Unmarshal(raw, &r) == nil && r.IsError {
				res.CallErrors++
			}
		}
		if errors.Is(err, ErrServerExited) {
			break
		}
	}
	res.Session = sess.Frames()
	return res
}

// listAll calls method, following nextCursor for up to maxPages pages, and
// returns how many items the pages' key arrays held; each item goes to each
// (when non-nil). A repeated cursor ends the loop.
func listAll(ctx context.Context, sess *Session, method, key string, each func(json.RawMessage)) (int, error) {
	total := 0
	var cursor string
	seen := map[string]bool{}
	for page := 0; page < maxPages; page++ {
		var params any
		if cursor != "" {
			params = map[string]any{"cursor": cursor}
		}
		raw, err := sess.Request(ctx, method, params)
		if err != nil {
			return total, err
		}
		var r map[string]json.RawMessage
		if err := json.Unmarshal(raw, &r); err != nil {
			return total, fmt.Errorf("%s result: %w", method, err)
		}
		var items []json.RawMessage
		if err := json.Unmarshal(r[key], &items); err != nil || r[key] == nil {
			if key == "tools" {
				return total, fmt.Errorf("%s: %w", method, ErrNoTools)
			}
			return total, fmt.Errorf("%s: result has no %s array", method, key)
		}
		total += len(items)
		if each != nil {
			for _, it := range items {
				each(it)
			}
		}
		var next string
		if nc, ok := r["nextCursor"]; ok {
			_ = json.Unmarshal(nc, &next)
		}
		if next == "" || seen[next] {
			return total, nil
		}
		seen[next] = true
		cursor = next
	}
	return total, nil
}

// Case, ClientInfo, Principal and Connection are the corpus case format
// (detect/testdata/corpus/README.md), shared with the evaluator.
type (
	Case       = eval.Case
	ClientInfo = eval.Implementation
	Principal  = eval.Principal
	Connection = eval.Connection
)

// NewCase builds the benign case of family for srv from frames.
func NewCase(family string, srv Server, frames []Frame, what string) Case {
	return Case{
		ID:         strings.ReplaceAll(family, "_", "-") + "-" + srv.SafeName(),
		Family:     family,
		Label:      "benign",
		Techniques: []string{},
		Summary:    fmt.Sprintf("%s of the npm MCP server %s, recorded offline in a sandbox by scripts/mcp-servers/record.sh.", what, srv.Spec()),
		References: []string{"https://www.npmjs.com/package/" + srv.Package},
		Client:     ClientInfo{Name: "mcpaudit-recorder", Version: "1.0.0"},
		Principal:  Principal{Subject: "recorder@example.com", SourceIP: "127.0.0.1"},
		Connections: []Connection{{
			Transport: "stdio",
			Messages:  frames,
		}},
	}
}

// WriteCase writes c as indented JSON to dir/<name>.json atomically (a
// temporary file renamed into place), creating dir. The corpus format wants
// name to be c.ID.
func WriteCase(dir, name string, c Case) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write case: %w", err)
	}
	b, err := EncodeCase(c)
	if err != nil {
		return fmt.Errorf("write case %s: %w", name, err)
	}
	tmp, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return fmt.Errorf("write case: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("write case %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write case %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name+".json")); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write case %s: %w", name, err)
	}
	return nil
}

// EncodeCase returns c as JSON with the case's fields indented and each
// message on a line of its own (compact), ending with a newline.
func EncodeCase(c Case) ([]byte, error) {
	conns := c.Connections
	c.Connections = nil
	head, err := json.MarshalIndent(c, "", " ")
	if err != nil {
		return nil, err
	}
	const tail = "\"connections\": null\n}"
	if !bytes.HasSuffix(head, []byte(tail)) {
		return nil, errors.New("encode case: connections is not the last field")
	}
	var b bytes.Buffer
	b.Write(head[:len(head)-len(tail)])
	b.WriteString("\"connections\": [")
	for i, conn := range conns {
		if i > 0 {
			b.WriteString(",")
		}
		tr, _ := json.Marshal(conn.Transport)
		b.WriteString("\n  {\"transport\": ")
		b.Write(tr)
		b.WriteString(", \"messages\": [")
		for j, m := range conn.Messages {
			line, err := json.Marshal(m)
			if err != nil {
				return nil, fmt.Errorf("encode case: connections[%d].messages[%d]: %w", i, j, err)
			}
			if j > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n   ")
			b.Write(line)
		}
		b.WriteString("\n  ]}")
	}
	b.WriteString("\n ]\n}\n")
	return b.Bytes(), nil
}
