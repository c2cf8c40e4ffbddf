package demo

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestServeHostile(t *testing.T) {
	in := strings.Join([]string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26"}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`not json at all`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"read_file","arguments":{"path":"/etc/passwd"}}}`,
		`{"jsonrpc":"2.0","id":4,"method":"nope"}`,
	}, "\n") + "\n"
	tests := []struct {
		name string
		cfg  HostileConfig
		// lines that are not JSON, lines with invalid UTF-8, notifications.
		garbage, badUTF8, notifications int
	}{
		{name: "well behaved", cfg: HostileConfig{}},
		{name: "garbage before every response", cfg: HostileConfig{Garbage: true}, garbage: 4},
		{name: "invalid utf8 results", cfg: HostileConfig{InvalidUTF8: true}, badUTF8: 1},
		{name: "flood", cfg: HostileConfig{FloodBytes: 100_000}, notifications: 25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := ServeHostile(strings.NewReader(in), &out, tt.cfg); err != nil {
				t.Fatal(err)
			}
			responses := map[string]string{} // id → "result" or "error"
			var garbage, badUTF8, notifications int
			sc := bufio.NewScanner(&out)
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				line := sc.Bytes()
				if !utf8.Valid(line) {
					badUTF8++
				}
				var m struct {
					ID     json.RawMessage `json:"id"`
					Method string          `json:"method"`
					Result json.RawMessage `json:"result"`
					Error  *struct {
						Code int `json:"code"`
					} `json:"error"`
				}
				if json.Unmarshal(line, &m) != nil {
					if utf8.Valid(line) {
						garbage++
					}
					continue
				}
				switch {
				case m.Method == "notifications/message":
					notifications++
				case m.Error != nil:
					responses[string(m.ID)] = "error"
				default:
					responses[string(m.ID)] = "result"
				}
			}
			if garbage != tt.garbage || badUTF8 != tt.badUTF8 || notifications < tt.notifications {
				t.Errorf("garbage %d, invalid UTF-8 %d, notifications %d; want %d, %d, ≥%d", garbage, badUTF8, notifications, tt.garbage, tt.badUTF8, tt.notifications)
			}
			for _, id := range []string{"1", "2", "3"} {
				if responses[id] != "result" {
					t.Errorf("id %s: got %q, want a result", id, responses[id])
				}
			}
			if responses["4"] != "error" || responses["null"] != "error" {
				t.Errorf("unknown method and parse error: got %q and %q, want errors", responses["4"], responses["null"])
			}
		})
	}
}
