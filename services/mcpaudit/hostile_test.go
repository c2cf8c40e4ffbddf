package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcpaudit/mcpaudit/internal/demo"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// TestHostileSessions replays the capture reproductions end to end:
// hostile input on a real `mcpaudit tap` (in front of `mcpdemo
// hostile-server`, a stdio MCP server that breaks the protocol on purpose)
// into a real `mcpaudit up`, then checks through the REST API that the
// record is complete: every message an event, invalid frames and
// observation gaps recorded and alerted on, pairing exact, large events
// stored. Each subtest names the reproduction it replays.
func TestHostileSessions(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: not with -short")
	}
	mcpauditBin, mcpdemoBin := buildBinaries(t)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	up := startUp(t, ctx, mcpauditBin, t.TempDir())
	defer up.stop(t)
	q := &demo.QueryClient{BaseURL: "http://" + up.httpAddr, MaxPages: 100}
	since := time.Now().Add(-time.Minute)
	h := hostileRun{t: t, ctx: ctx, tap: mcpauditBin, server: mcpdemoBin, collector: up.grpcAddr, q: q, since: since}

	t.Run("garbage line then 50 reads of /etc/passwd", func(t *testing.T) {
		// Before: events_sent=0 events_rejected=51, and no alert.
		s := h.start(t, nil, nil)
		s.initialize(t)
		s.send(t, "this is not JSON \x00\x01 at all")
		for i := range 50 {
			s.call(t, 100+i, `{"path":"/etc/passwd"}`)
		}
		s.readResponses(t, 51) // 50 results and the server's -32700
		sum := s.finish(t)
		if sum["events_rejected"] != 0 || sum["events_dropped"] != 0 || sum["events_sent"] != sum["events_observed"] {
			t.Fatalf("tap summary %v: every observed event must be sent", sum)
		}
		evs := h.events(t, s.sessionID, sum["events_sent"])
		invalid := filterEvents(evs, func(e *eventv1.Event) bool { return e.GetKind() == eventv1.MessageKind_MESSAGE_KIND_INVALID })
		if len(invalid) != 1 || !bytes.HasPrefix(invalid[0].GetInvalidFrame().GetPrefix(), []byte("this is not JSON")) || invalid[0].GetInvalidFrame().GetCode() != -32700 {
			t.Fatalf("invalid frames stored: %v", invalid)
		}
		h.requirePaired(t, evs, 50)
		h.waitAlerts(t, s.sessionID, "mcp-invalid-jsonrpc-frame", "mcp-tool-call-burst")
	})

	t.Run("invalid UTF-8 then 15000 reads of /etc/shadow", func(t *testing.T) {
		// Before: events_sent=1 events_dropped=15000 (the batch was retried
		// forever).
		s := h.start(t, nil, nil)
		s.initialize(t)
		s.sendRaw(t, []byte(`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"read_file","arguments":{"path":"/etc/`+"\xff\xfe"+`shadow"}}}`))
		const n = 15000
		go func() {
			for i := range n {
				s.call(t, 1000+i, `{"path":"/etc/shadow"}`)
			}
		}()
		s.readResponses(t, n+1)
		sum := s.finish(t)
		if sum["events_dropped"] != 0 || sum["events_rejected"] != 0 || sum["events_sent"] != sum["events_observed"] || sum["events_sent"] < 2*n {
			t.Fatalf("tap summary %v: want all %d+ events sent", sum, 2*n)
		}
		evs := h.events(t, s.sessionID, sum["events_sent"])
		flagged := filterEvents(evs, func(e *eventv1.Event) bool { return e.GetInvalidUtf8() })
		if len(flagged) != 1 || !strings.Contains(flagged[0].GetToolCall().GetArgumentsJson(), "\ufffd") || flagged[0].GetJsonrpcId() != "9" {
			t.Fatalf("%d events flagged invalid_utf8, want the request with id 9: %v", len(flagged), flagged)
		}
		h.requirePaired(t, evs, n+1)
		h.waitAlerts(t, s.sessionID, "mcp-invalid-jsonrpc-frame")
	})

	// Before: 119.5 MB relayed unobserved, with nothing in the record. Now
	// the relay waits for the observer (backlog wait), and with the wait
	// off every unobserved byte is in an observation gap.
	for _, tc := range []struct {
		name        string
		backlogWait string
		wantGaps    bool
	}{
		{"flood larger than the observer queue", "5s", false},
		{"flood larger than the observer queue, backlog wait off", "0", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := h.start(t, []string{"--queue-bytes", "65536", "--backlog-wait", tc.backlogWait}, []string{"--flood-bytes", "2000000"})
			s.initialize(t)
			const calls = 10
			for i := range calls {
				s.call(t, 100+i, `{"path":"/tmp/x"}`)
			}
			s.readResponses(t, calls)
			sum := s.finish(t)
			evs := h.events(t, s.sessionID, sum["events_sent"])
			// Both directions share the observer queue: the flood from the
			// server also crowds out the client's requests.
			gaps := 0
			for dir, relayed := range map[eventv1.Direction]int64{
				eventv1.Direction_DIRECTION_CLIENT_TO_SERVER: s.stdinBytes,
				eventv1.Direction_DIRECTION_SERVER_TO_CLIENT: s.stdoutBytes,
			} {
				var observed, gapBytes int64
				n := 0
				for _, e := range evs {
					if e.GetDirection() != dir {
						continue
					}
					if g := e.GetObservationGap(); g != nil {
						gaps++
						gapBytes += g.GetBytes()
						continue
					}
					n++
					observed += e.GetSizeBytes() + 1 // the frame and its newline
				}
				t.Logf("%v: %d bytes relayed, %d observed in %d events, %d in observation gaps", dir, relayed, observed, n, gapBytes)
				if observed+gapBytes != relayed {
					t.Fatalf("%v: observed %d + gap %d bytes = %d, relayed %d: bytes unaccounted for", dir, observed, gapBytes, observed+gapBytes, relayed)
				}
			}
			if (gaps > 0) != tc.wantGaps {
				t.Fatalf("%d observation gaps in a 20 MB flood through a 64 KiB queue, backlog wait %s", gaps, tc.backlogWait)
			}
			if tc.wantGaps {
				h.waitAlerts(t, s.sessionID, "mcp-observation-gap")
				return
			}
			requests := filterEvents(evs, func(e *eventv1.Event) bool {
				return e.GetKind() == eventv1.MessageKind_MESSAGE_KIND_REQUEST && e.GetMethod() == "tools/call"
			})
			if len(requests) != calls {
				t.Errorf("%d tools/call requests stored, want %d", len(requests), calls)
			}
			h.requirePaired(t, evs, calls)
		})
	}

	t.Run("seven 200 KB results in one session", func(t *testing.T) {
		// Before: "event too large for the Kafka broker" blamed events[0]
		// and 9 of 21 events were lost.
		s := h.start(t, []string{"--max-result-text", "300000"}, []string{"--result-bytes", "200000"})
		s.initialize(t)
		for i := range 7 {
			s.call(t, 100+i, `{"path":"/srv/big"}`)
		}
		s.readResponses(t, 7)
		sum := s.finish(t)
		if sum["events_rejected"] != 0 || sum["events_dropped"] != 0 || sum["events_sent"] != sum["events_observed"] {
			t.Fatalf("tap summary %v", sum)
		}
		evs := h.events(t, s.sessionID, sum["events_sent"])
		big := filterEvents(evs, func(e *eventv1.Event) bool { return len(e.GetToolCall().GetResult().GetText()) >= 200000 })
		if len(big) != 7 {
			t.Fatalf("%d results of 200 KB stored whole, want 7", len(big))
		}
	})
}

// hostileRun holds what the hostile sessions share.
type hostileRun struct {
	t                      *testing.T
	ctx                    context.Context
	tap, server, collector string
	q                      *demo.QueryClient
	since                  time.Time
}

// hostileSession is one `mcpaudit tap -- mcpdemo hostile-server` process
// driven by the test as the MCP client.
type hostileSession struct {
	cmd         *exec.Cmd
	stdin       io.WriteCloser
	stdout      *bufio.Reader
	stderr      *lockedBuffer
	sessionID   string
	stdinBytes  int64 // written by the test (under mu)
	stdoutBytes int64
	mu          sync.Mutex // serialises writes to stdin
}

var sessionIDLine = regexp.MustCompile(`session_id=(\S+)`)

// start runs the tap with tapFlags in front of the hostile server with
// serverFlags.
func (h *hostileRun) start(t *testing.T, tapFlags, serverFlags []string) *hostileSession {
	t.Helper()
	args := append([]string{"tap", "--collector", h.collector}, tapFlags...)
	args = append(append(args, "--", h.server, "hostile-server"), serverFlags...)
	cmd := exec.CommandContext(h.ctx, h.tap, args...)
	s := &hostileSession{cmd: cmd, stderr: &lockedBuffer{}}
	cmd.Stderr = s.stderr
	var err error
	if s.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s.stdout = bufio.NewReaderSize(out, 1<<20)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return s
}

func (s *hostileSession) sendRaw(t *testing.T, line []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.stdin.Write(append(line, '\n'))
	s.stdinBytes += int64(n)
	if err != nil {
		t.Errorf("write to the tap: %v", err)
	}
}

func (s *hostileSession) send(t *testing.T, line string) { s.sendRaw(t, []byte(line)) }

func (s *hostileSession) initialize(t *testing.T) {
	s.send(t, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"hostile-test","version":"1"}}}`)
	s.readResponses(t, 1)
	s.send(t, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	s.send(t, `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
	s.readResponses(t, 1)
}

func (s *hostileSession) call(t *testing.T, id int, args string) {
	s.send(t, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"read_file","arguments":%s}}`, id, args))
}

// readResponses reads the tap's stdout until n responses (lines with an id;
// notifications and garbage do not count) came back, counting every byte.
func (s *hostileSession) readResponses(t *testing.T, n int) {
	t.Helper()
	for n > 0 {
		line, err := s.stdout.ReadBytes('\n')
		s.stdoutBytes += int64(len(line))
		if err != nil {
			t.Fatalf("read from the tap (%d responses to go): %v\ntap log:\n%s", n, err, s.log())
		}
		var m struct {
			ID json.RawMessage `json:"id"`
		}
		if json.Unmarshal(line, &m) == nil && len(m.ID) > 0 {
			n--
		}
	}
}

func (s *hostileSession) log() string {
	b := s.stderr.String()
	return b[max(0, len(b)-8<<10):]
}

var summaryField = regexp.MustCompile(`\b(events_\w+|unobserved_bytes|oversize_frames|invalid_frames|observation_gaps)=(\d+)`)

// finish closes the client side, waits for the tap to exit and returns the
// counts of its closing summary line.
func (s *hostileSession) finish(t *testing.T) map[string]int64 {
	t.Helper()
	s.mu.Lock()
	s.stdin.Close()
	s.mu.Unlock()
	n, _ := io.Copy(io.Discard, s.stdout)
	s.stdoutBytes += n
	if err := s.cmd.Wait(); err != nil {
		t.Fatalf("tap: %v\n%s", err, s.log())
	}
	log := s.stderr.String()
	if m := sessionIDLine.FindStringSubmatch(log); m != nil {
		s.sessionID = m[1]
	}
	i := strings.LastIndex(log, "tap summary")
	if i < 0 || s.sessionID == "" {
		t.Fatalf("no tap summary or session id in the tap log:\n%s", s.log())
	}
	sum := map[string]int64{}
	for _, m := range summaryField.FindAllStringSubmatch(log[i:], -1) {
		sum[m[1]], _ = strconv.ParseInt(m[2], 10, 64)
	}
	t.Logf("tap summary: %s", strings.TrimSpace(strings.SplitN(log[i:], "\n", 2)[0]))
	return sum
}

// events waits until the session's n events are queryable and returns them.
func (h *hostileRun) events(t *testing.T, sessionID string, n int64) []*eventv1.Event {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		evs, err := h.q.ListSessionEvents(h.ctx, sessionID, "", h.since)
		if err == nil && int64(len(evs)) >= n {
			if int64(len(evs)) != n {
				t.Fatalf("%d events stored, the tap sent %d", len(evs), n)
			}
			return evs
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d events queryable after 2 minutes (last error %v)", len(evs), n, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// requirePaired checks that every tools/call response carries its request's
// method and tool (pairing is exact) and that there are want of them.
func (h *hostileRun) requirePaired(t *testing.T, evs []*eventv1.Event, want int) {
	t.Helper()
	responses := 0
	for _, e := range evs {
		if e.GetDirection() != eventv1.Direction_DIRECTION_SERVER_TO_CLIENT || e.GetJsonrpcId() == "" || e.GetJsonrpcId() == "null" {
			continue
		}
		switch e.GetKind() {
		case eventv1.MessageKind_MESSAGE_KIND_RESPONSE, eventv1.MessageKind_MESSAGE_KIND_ERROR:
		default:
			continue
		}
		if e.GetMethod() == "" {
			t.Fatalf("response %s has no method: pairing lost its request", e.GetJsonrpcId())
		}
		if e.GetMethod() == "tools/call" {
			responses++
			if e.GetToolCall().GetName() != "read_file" {
				t.Fatalf("response %s lost its tool name", e.GetJsonrpcId())
			}
		}
	}
	if responses != want {
		t.Fatalf("%d paired tools/call responses, want %d", responses, want)
	}
}

// waitAlerts waits until the session has raised each rule.
func (h *hostileRun) waitAlerts(t *testing.T, sessionID string, rules ...string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		alerts, err := h.q.ListAlerts(h.ctx, h.since)
		var got []string
		for _, a := range alerts {
			if a.GetSessionId() == sessionID {
				got = append(got, a.GetRuleId())
			}
		}
		missing := slices.DeleteFunc(slices.Clone(rules), func(r string) bool { return slices.Contains(got, r) })
		if err == nil && len(missing) == 0 {
			t.Logf("alerts on the session: %v", got)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("alerts %v missing after a minute; the session raised %v (last error %v)", missing, got, err)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func filterEvents(evs []*eventv1.Event, keep func(*eventv1.Event) bool) []*eventv1.Event {
	var out []*eventv1.Event
	for _, e := range evs {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// lockedBuffer is a buffer written by the tap's stderr copier and read by
// the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
