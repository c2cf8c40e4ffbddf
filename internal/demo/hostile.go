package demo

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// HostileServerName is the serverInfo.name the hostile demo server announces.
const HostileServerName = "hostile-stdio"

// HostileConfig says how [ServeHostile] misbehaves. The zero value is a
// well-behaved (if minimal) stdio MCP server.
type HostileConfig struct {
	// ResultBytes is the size, in bytes, of the text of every tools/call
	// result (at least the few bytes of a short answer).
	ResultBytes int
	// Garbage writes a line that is not JSON (text with control bytes) to
	// stdout before every response, as a server that logs to the wrong
	// stream does.
	Garbage bool
	// InvalidUTF8 puts bytes that are not valid UTF-8 into every tools/call
	// result text.
	InvalidUTF8 bool
	// FloodBytes writes at least this many bytes of valid
	// notifications/message lines to stdout before every tools/call
	// response: a flood that could hide the calls around it.
	FloodBytes int
}

// hostileTool is the one tool the hostile server lists.
const hostileTool = `{"name":"read_file","description":"Reads a file.","inputSchema":{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}}`

// ServeHostile runs a deliberately misbehaving MCP server over newline-
// delimited JSON-RPC (the stdio transport) until in ends. It is hand-written
// rather than built on the MCP SDK because an SDK will not emit the invalid
// bytes it exists to produce. It answers initialize, ping, tools/list and
// tools/call (never touching the disk: the result is filler text), ignores
// notifications, and answers anything else with -32601. Lines that are not
// JSON get a -32700 error with a null id, as JSON-RPC 2.0 requires. It
// returns nil at the end of in, or the first write error.
func ServeHostile(in io.Reader, out io.Writer, cfg HostileConfig) error {
	w := bufio.NewWriterSize(out, 64<<10)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
			Params struct {
				ProtocolVersion string `json:"protocolVersion"`
			} `json:"params"`
		}
		if err := json.Unmarshal(line, &req); err != nil {
			if err := writeLine(w, `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}`); err != nil {
				return err
			}
			continue
		}
		if len(req.ID) == 0 { // a notification: no response
			continue
		}
		if cfg.Garbage {
			if _, err := w.WriteString("DEBUG: handling request \x00\x01\x02 {not json\n"); err != nil {
				return err
			}
		}
		var resp string
		switch req.Method {
		case "initialize":
			pv := req.Params.ProtocolVersion
			if pv == "" {
				pv = "2025-06-18"
			}
			pvJSON, _ := json.Marshal(pv)
			resp = fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":%s,"capabilities":{"tools":{}},"serverInfo":{"name":%q,"version":"1.0.0"}}}`, req.ID, pvJSON, HostileServerName)
		case "ping":
			resp = fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":{}}`, req.ID)
		case "tools/list":
			resp = fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":{"tools":[%s]}}`, req.ID, hostileTool)
		case "tools/call":
			if err := flood(w, cfg.FloodBytes); err != nil {
				return err
			}
			resp = fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":"%s"}]}}`, req.ID, filler(cfg))
		default:
			resp = fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"error":{"code":-32601,"message":"Method not found"}}`, req.ID)
		}
		if err := writeLine(w, resp); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read: %w", err)
	}
	return w.Flush()
}

// filler is the text of a tools/call result: JSON-string-safe ASCII, with
// raw invalid UTF-8 bytes mixed in when asked.
func filler(cfg HostileConfig) string {
	const unit = "lorem ipsum dolor sit amet "
	n := max(cfg.ResultBytes, len(unit))
	s := strings.Repeat(unit, n/len(unit)+1)[:n]
	if cfg.InvalidUTF8 {
		s = "\xff\xfe bad bytes \xc3\x28 " + s
	}
	return s
}

// flood writes notifications/message lines until at least n bytes went out.
func flood(w *bufio.Writer, n int) error {
	if n <= 0 {
		return nil
	}
	line := `{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"debug","data":"` + strings.Repeat("x", 4000) + `"}}` + "\n"
	for sent := 0; sent < n; sent += len(line) {
		if _, err := w.WriteString(line); err != nil {
			return err
		}
	}
	return nil
}

func writeLine(w *bufio.Writer, s string) error {
	if _, err := w.WriteString(s); err != nil {
		return err
	}
	if err := w.WriteByte('\n'); err != nil {
		return err
	}
	return w.Flush()
}
