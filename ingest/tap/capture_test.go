package tap

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcpaudit/mcpaudit/ingest/mcpwire"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// echoServerMain is a tiny stdio JSON-RPC server that answers every request
// at once (as fast as a server can): tools/list with two tool definitions,
// anything else with an empty result. Other lines get no answer.
func echoServerMain() int {
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	for {
		line, err := in.ReadBytes('\n')
		if len(line) > 0 {
			var m struct {
				ID     json.RawMessage `json:"id"`
				Method string          `json:"method"`
			}
			if json.Unmarshal(line, &m) == nil && len(m.ID) > 0 && m.Method != "" {
				result := `{}`
				if m.Method == "tools/list" {
					result = `{"tools":[{"name":"echo","description":"Echoes its input.","inputSchema":{"type":"object","properties":{"s":{"type":"string"}}}},{"name":"add","inputSchema":{"type":"object"}}]}`
				}
				if _, werr := fmt.Fprintf(os.Stdout, `{"jsonrpc":"2.0","id":%s,"result":%s}`+"\n", m.ID, result); werr != nil {
					return 1
				}
			}
		}
		if err != nil {
			return 0
		}
	}
}

// tapStream is one in-process tap run whose output the test reads line by
// line.
type tapStream struct {
	svc   *Service
	in    *io.PipeWriter
	lines chan string // the tap's stdout, line by line; closed at EOF
	done  chan error
}

func startTapStream(t *testing.T, cfg Config, command ...string) *tapStream {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ts := &tapStream{in: inW, lines: make(chan string, 1024), done: make(chan error, 1)}
	svc, err := New(cfg, command, Stdio{Stdin: inR, Stdout: outW, Stderr: tWriter{t}}, testLogger(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	ts.svc = svc
	go func() {
		defer close(ts.lines)
		br := bufio.NewReaderSize(outR, 1<<20)
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				ts.lines <- line
			}
			if err != nil {
				return
			}
		}
	}()
	go func() {
		err := svc.Run(t.Context())
		outW.Close()
		inR.Close()
		ts.done <- err
	}()
	return ts
}

// next returns the next output line, failing the test after 30s.
func (ts *tapStream) next(t *testing.T) string {
	t.Helper()
	select {
	case l, ok := <-ts.lines:
		if !ok {
			t.Fatal("tap output ended")
		}
		return l
	case <-time.After(30 * time.Second):
		t.Fatal("no output line within 30s")
		return ""
	}
}

// finish closes the tap's stdin, drains its output and waits for Run.
func (ts *tapStream) finish(t *testing.T) {
	t.Helper()
	ts.in.Close()
	go func() {
		for range ts.lines { // keep the relay writing until the child is gone
		}
	}()
	select {
	case err := <-ts.done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("tap did not end within 60s")
	}
}

// TestPairingThroughTap runs many request/response round trips through the
// real tap against a server that answers at once, and checks that every
// response event carries its request's method and every tools/list response
// its tool definitions (issue 5, item 4: responses used to be queued before
// their requests when the response came back faster than the request's
// relay goroutine handed its copy on).
func TestPairingThroughTap(t *testing.T) {
	t.Setenv(serverEnv, "echo")
	col := &collector{}
	cfg := DefaultConfig()
	cfg.Collector = startCollector(t, col, "127.0.0.1:0")
	cfg.BufferEvents = 100_000
	ts := startTapStream(t, cfg, os.Args[0])
	methods := []string{"tools/list", "tools/call", "ping", "resources/read"}
	const n = 3000
	sent := map[string]string{} // jsonrpc id → method
	deadline := time.Now().Add(2 * time.Minute)
	for i := range n {
		m := methods[i%len(methods)]
		id := fmt.Sprint(i + 1)
		sent[id] = m
		if _, err := fmt.Fprintf(ts.in, `{"jsonrpc":"2.0","id":%s,"method":%q,"params":{}}`+"\n", id, m); err != nil {
			t.Fatal(err)
		}
		if got := ts.next(t); !strings.Contains(got, `"id":`+id+`,`) {
			t.Fatalf("round trip %d: got %q", i, got)
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d round trips within 2 minutes", i)
		}
	}
	ts.finish(t)

	var responses, lists int
	for _, ev := range col.snapshot() {
		if ev.GetDirection() != eventv1.Direction_DIRECTION_SERVER_TO_CLIENT {
			continue
		}
		responses++
		want := sent[ev.GetJsonrpcId()]
		if ev.GetKind() != eventv1.MessageKind_MESSAGE_KIND_RESPONSE || ev.GetMethod() != want {
			t.Errorf("response id %s: kind %v method %q, want the request's %q", ev.GetJsonrpcId(), ev.GetKind(), ev.GetMethod(), want)
			continue
		}
		if want == "tools/list" {
			lists++
			if len(ev.GetToolList().GetTools()) != 2 {
				t.Errorf("tools/list response id %s has %d tool definitions, want 2", ev.GetJsonrpcId(), len(ev.GetToolList().GetTools()))
			}
		}
	}
	if responses != n || lists != n/len(methods) {
		t.Errorf("%d response events (%d tools/list), want %d (%d)", responses, lists, n, n/len(methods))
	}
	if st := ts.svc.Stats(); st.Observed != 2*n || st.Sent != 2*n || st.Gaps != 0 {
		t.Errorf("stats %+v, want %d observed and sent, no gap", st, 2*n)
	}
}

// filesystemServer returns the command of the real filesystem MCP server from
// npm, allowed to read a fresh directory.
func filesystemServer(t *testing.T) []string {
	t.Helper()
	server := filepath.Join(npmPrefix(t), "node_modules", "@modelcontextprotocol", "server-filesystem", "dist", "index.js")
	if _, err := os.Stat(server); err != nil {
		t.Fatalf("MCP filesystem server not installed (%v): run `npm install --prefix %s @modelcontextprotocol/server-filesystem` or set MCPAUDIT_NPM_PREFIX", err, npmPrefix(t))
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node not found on PATH: %v", err)
	}
	return []string{node, server, t.TempDir()}
}

// initialize runs the MCP handshake through ts.
func initialize(t *testing.T, ts *tapStream) {
	t.Helper()
	fmt.Fprintln(ts.in, `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"repro","version":"1"}}}`)
	if got := ts.next(t); !strings.Contains(got, `"serverInfo"`) {
		t.Fatalf("initialize: got %q", got)
	}
	fmt.Fprintln(ts.in, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
}

// awaitIDs reads output lines until a response for each of the ids arrived.
func awaitIDs(t *testing.T, ts *tapStream, ids map[string]bool) {
	t.Helper()
	for len(ids) > 0 {
		var m struct {
			ID json.RawMessage `json:"id"`
		}
		if json.Unmarshal([]byte(ts.next(t)), &m) == nil {
			delete(ids, string(m.ID))
		}
	}
}

// TestReproGarbageThenReads is issue 5's first reproduction through the tap
// and the real filesystem server: a line that is not JSON followed by 50
// tools/call reads of /etc/passwd used to end with every event refused
// (`events[0].kind: required`). Now the garbage line is an event of kind
// INVALID and all of them are accepted.
func TestReproGarbageThenReads(t *testing.T) {
	col := &collector{}
	cfg := DefaultConfig()
	cfg.Collector = startCollector(t, col, "127.0.0.1:0")
	ts := startTapStream(t, cfg, filesystemServer(t)...)
	initialize(t, ts)
	fmt.Fprintln(ts.in, "this is not json {")
	ids := map[string]bool{}
	for i := range 50 {
		id := fmt.Sprintf(`"r%d"`, i)
		ids[id] = true
		fmt.Fprintf(ts.in, `{"jsonrpc":"2.0","id":%s,"method":"tools/call","params":{"name":"read_text_file","arguments":{"path":"/etc/passwd"}}}`+"\n", id)
	}
	awaitIDs(t, ts, ids)
	ts.finish(t)

	var invalid, calls, denied int
	for _, ev := range col.snapshot() {
		if ev.GetDirection() == eventv1.Direction_DIRECTION_CLIENT_TO_SERVER {
			switch {
			case ev.GetKind() == eventv1.MessageKind_MESSAGE_KIND_INVALID:
				invalid++
				if string(ev.GetInvalidFrame().GetPrefix()) != "this is not json {" || ev.GetInvalidFrame().GetCode() != mcpwire.CodeParseError || ev.GetError() != nil {
					t.Errorf("invalid frame event: %v", ev)
				}
			case ev.GetMethod() == "tools/call":
				calls++
			}
		} else if ev.GetMethod() == "tools/call" && ev.GetToolCall().GetResult().GetIsError() && strings.Contains(ev.GetToolCall().GetArgumentsJson(), "/etc/passwd") {
			denied++
		}
	}
	col.mu.Lock()
	refused := len(col.refused)
	col.mu.Unlock()
	st := ts.svc.Stats()
	if invalid != 1 || calls != 50 || denied != 50 || refused != 0 || st.Rejected != 0 || st.Dropped != 0 || st.Invalid < 1 {
		t.Errorf("invalid %d, tools/call requests %d, denied responses %d, refused %d, stats %+v; want 1, 50, 50, none refused", invalid, calls, denied, refused, st)
	}
}

// TestReproInvalidUTF8ThenReads is issue 5's second reproduction: one
// tools/call with invalid UTF-8 in its argument followed by many reads used
// to make the batch unmarshallable, retried forever while everything behind
// it was dropped. Now the bad event is flagged and made valid, and none is
// lost.
func TestReproInvalidUTF8ThenReads(t *testing.T) {
	col := &collector{}
	cfg := DefaultConfig()
	cfg.Collector = startCollector(t, col, "127.0.0.1:0")
	cfg.Wire.CaptureRaw = true
	ts := startTapStream(t, cfg, filesystemServer(t)...)
	initialize(t, ts)
	bad := `{"jsonrpc":"2.0","id":"bad","method":"tools/call","params":{"name":"read_text_file","arguments":{"path":"/etc/` + "\xff\xfe" + `shadow"}}}`
	const n = 1000
	ids := map[string]bool{`"bad"`: true}
	go func() {
		fmt.Fprintln(ts.in, bad)
		for i := range n {
			fmt.Fprintf(ts.in, `{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"read_text_file","arguments":{"path":"/etc/shadow"}}}`+"\n", i+1)
		}
	}()
	for i := range n {
		ids[fmt.Sprint(i+1)] = true
	}
	awaitIDs(t, ts, ids)
	ts.finish(t)

	var flagged, reads int
	for _, ev := range col.snapshot() {
		if ev.GetDirection() != eventv1.Direction_DIRECTION_CLIENT_TO_SERVER || ev.GetMethod() != "tools/call" {
			continue
		}
		if ev.GetJsonrpcId() == `"bad"` {
			flagged++
			if !ev.GetInvalidUtf8() || ev.GetToolCall().GetArgumentsJson() != `{"path":"/etc/`+"\uFFFD"+`shadow"}` || string(ev.GetRaw()) != bad {
				t.Errorf("bad event: invalid_utf8 %v, arguments %q, raw kept %v", ev.GetInvalidUtf8(), ev.GetToolCall().GetArgumentsJson(), string(ev.GetRaw()) == bad)
			}
			continue
		}
		reads++
	}
	st := ts.svc.Stats()
	if flagged != 1 || reads != n || st.Dropped != 0 || st.Rejected != 0 || st.Sent != st.Observed {
		t.Errorf("flagged %d, reads %d, stats %+v; want 1, %d, every observed event sent", flagged, reads, st, n)
	}
}

// accountFor checks that the events of one direction account for every byte
// and line relayed that way: each message or invalid frame for its
// size_bytes and its newline, each observation gap for its bytes and
// frames. It returns the number of gap events.
func accountFor(t *testing.T, evs []*eventv1.Event, dir eventv1.Direction, relayed []byte) int {
	t.Helper()
	var bytesSeen, lines int64
	gaps := 0
	for _, ev := range evs {
		if ev.GetDirection() != dir {
			continue
		}
		if g := ev.GetObservationGap(); g != nil {
			gaps++
			bytesSeen += g.GetBytes()
			lines += g.GetFrames()
			if g.GetReason() != eventv1.GapReason_GAP_REASON_OBSERVER_QUEUE_FULL || g.GetStartTime() == nil || g.GetEndTime() == nil ||
				g.GetEndTime().AsTime().Before(g.GetStartTime().AsTime()) || ev.GetKind() != eventv1.MessageKind_MESSAGE_KIND_OBSERVATION_GAP {
				t.Errorf("gap event %v", ev)
			}
			continue
		}
		bytesSeen += ev.GetSizeBytes() + 1
		lines++
	}
	if want := int64(len(relayed)); bytesSeen != want {
		t.Errorf("%v: events account for %d bytes, %d relayed", dir, bytesSeen, want)
	}
	if want := int64(bytes.Count(relayed, []byte("\n"))); lines != want {
		t.Errorf("%v: events account for %d lines, %d relayed", dir, lines, want)
	}
	return gaps
}

// relayAndCount writes input to a tap around cat and returns the events the
// collector received, checking that the relay was byte for byte.
func relayAndCount(t *testing.T, cfg Config, input []byte) ([]*eventv1.Event, *Service) {
	t.Helper()
	col := &collector{}
	cfg.Collector = startCollector(t, col, "127.0.0.1:0")
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	svc, err := New(cfg, []string{"cat"}, Stdio{Stdin: inR, Stdout: outW, Stderr: tWriter{t}}, testLogger(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	sum := make(chan [32]byte, 1)
	go func() {
		h := sha256.New()
		_, _ = io.Copy(h, outR)
		sum <- [32]byte(h.Sum(nil))
	}()
	done := make(chan error, 1)
	go func() {
		err := svc.Run(t.Context())
		outW.Close()
		inR.Close()
		done <- err
	}()
	if _, err := inW.Write(input); err != nil {
		t.Fatal(err)
	}
	inW.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("tap did not end within 2 minutes")
	}
	if <-sum != sha256.Sum256(input) {
		t.Fatal("the relay changed the bytes")
	}
	return col.snapshot(), svc
}

// TestReproFloodGaps is issue 5's third reproduction: a stream faster than
// the observer used to be relayed with the unobserved bytes only counted in
// a metric. Now the record holds observation-gap events, and their bytes
// and frames together with the observed events add up to everything
// relayed.
func TestReproFloodGaps(t *testing.T) {
	var tools []string
	for i := range 100 {
		tools = append(tools, fmt.Sprintf(`{"name":"tool_%d","description":"%s","inputSchema":{"type":"object","properties":{"a":{"type":"string"}}}}`, i, strings.Repeat("d", 40)))
	}
	var b bytes.Buffer
	for i := 0; b.Len() < 24<<20; i++ {
		fmt.Fprintf(&b, `{"jsonrpc":"2.0","id":%d,"result":{"tools":[%s]}}`+"\n", i, strings.Join(tools, ","))
		fmt.Fprintf(&b, `{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"read_file","arguments":{"path":"/etc/passwd"}}}`+"\n", i)
	}
	flood := func(backlogWait time.Duration) ([]*eventv1.Event, Stats, int) {
		cfg := DefaultConfig()
		cfg.QueueChunks = 4
		cfg.QueueBytes = chunkSize
		cfg.BufferEvents = 1_000_000
		cfg.BatchSize = 1000
		cfg.BacklogWait = backlogWait
		evs, svc := relayAndCount(t, cfg, b.Bytes())
		gaps := 0
		for _, dir := range []eventv1.Direction{eventv1.Direction_DIRECTION_CLIENT_TO_SERVER, eventv1.Direction_DIRECTION_SERVER_TO_CLIENT} {
			gaps += accountFor(t, evs, dir, b.Bytes())
		}
		return evs, svc.Stats(), gaps
	}
	t.Run("no backlog wait: gaps", func(t *testing.T) {
		evs, st, gaps := flood(0)
		if gaps == 0 {
			t.Fatalf("a %d-byte flood through a one-chunk queue left no observation gap; stats %+v", b.Len(), st)
		}
		var gapBytes int64
		for _, ev := range evs {
			gapBytes += ev.GetObservationGap().GetBytes()
		}
		if st.Gaps != int64(gaps) || st.UnobservedBytes != gapBytes || st.Dropped != 0 || st.Rejected != 0 {
			t.Errorf("stats %+v; want %d gaps of %d bytes, nothing dropped", st, gaps, gapBytes)
		}
	})
	t.Run("backlog wait: the relay is held back and nothing is missed", func(t *testing.T) {
		_, st, gaps := flood(DefaultConfig().BacklogWait)
		if gaps != 0 || st.UnobservedBytes != 0 || st.Dropped != 0 {
			t.Fatalf("%d gaps, stats %+v; want every byte observed", gaps, st)
		}
	})
}

// TestOversizeLineRecorded checks that a line longer than max_line_bytes is
// relayed and becomes an INVALID event with oversize set, its size and its
// first bytes, and that the stream goes on being observed after it.
func TestOversizeLineRecorded(t *testing.T) {
	long := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"s":"` + strings.Repeat("x", 3<<20) + `"}}}`
	input := []byte(long + "\n" + `{"jsonrpc":"2.0","id":2,"method":"ping"}` + "\n")
	cfg := DefaultConfig()
	cfg.MaxLineBytes = 1 << 20
	cfg.QueueBytes = 64 << 20 // holds the whole input: no gap
	evs, svc := relayAndCount(t, cfg, input)
	var oversize, pings int
	for _, ev := range evs {
		switch {
		case ev.GetInvalidFrame().GetOversize():
			oversize++
			if ev.GetKind() != eventv1.MessageKind_MESSAGE_KIND_INVALID || ev.GetSizeBytes() != int64(len(long)) ||
				string(ev.GetInvalidFrame().GetPrefix()) != long[:mcpwire.DefaultMaxInvalidPrefixBytes] {
				t.Errorf("oversize event: kind %v size %d prefix %d bytes", ev.GetKind(), ev.GetSizeBytes(), len(ev.GetInvalidFrame().GetPrefix()))
			}
		case ev.GetMethod() == "ping":
			pings++
		}
	}
	for _, dir := range []eventv1.Direction{eventv1.Direction_DIRECTION_CLIENT_TO_SERVER, eventv1.Direction_DIRECTION_SERVER_TO_CLIENT} {
		accountFor(t, evs, dir, input)
	}
	if st := svc.Stats(); oversize != 2 || pings != 2 || st.OversizeFrames != 2 || st.Invalid != 2 {
		t.Errorf("%d oversize events, %d pings, stats %+v; want 2, 2", oversize, pings, st)
	}
}

// TestRepro70MBLine is the 70 MB line of issue 5's third reproduction, with
// the default configuration: it used to be neither observed nor counted as
// oversize. Now every byte is in the record, as an oversize INVALID event or
// as observation gaps.
func TestRepro70MBLine(t *testing.T) {
	line := make([]byte, 0, 70<<20+200)
	line = append(line, `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"s":"`...)
	line = append(line, bytes.Repeat([]byte("x"), 70<<20)...)
	line = append(line, "\"}}}\n"...)
	input := append(line, `{"jsonrpc":"2.0","id":2,"method":"ping"}`+"\n"...)
	evs, svc := relayAndCount(t, DefaultConfig(), input)
	for _, dir := range []eventv1.Direction{eventv1.Direction_DIRECTION_CLIENT_TO_SERVER, eventv1.Direction_DIRECTION_SERVER_TO_CLIENT} {
		accountFor(t, evs, dir, input)
	}
	var recorded int
	for _, ev := range evs {
		if ev.GetInvalidFrame().GetOversize() && ev.GetSizeBytes() == int64(len(line)-1) {
			recorded++
		}
	}
	t.Logf("%d of 2 directions recorded the line as oversize; stats %+v", recorded, svc.Stats())
}
