package main

// The MCP client side is written here on purpose rather than with the
// official Go SDK's client (github.com/modelcontextprotocol/go-sdk is in
// go.mod): the recorder's product is the exact sequence of frames on the
// wire, including server notifications, server-to-client requests, lines that
// are not JSON and results the SDK would reject or normalise. A raw
// newline-delimited JSON-RPC exchange keeps every byte as the server sent it.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/mcpaudit/mcpaudit/detect/eval"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// ProtocolVersion is the MCP revision the recorder asks for in initialize.
const ProtocolVersion = "2025-06-18"

// maxLine bounds one stdout line from a server (bytes); a longer line ends
// the session with ErrLineTooLong.
const maxLine = 64 << 20

// maxMessages bounds the frames recorded per session.
const maxMessages = 10000

// ErrServerExited is returned (wrapped) by Session.Request when the server's
// stdout closed before the response arrived.
var ErrServerExited = errors.New("server exited")

// ErrLineTooLong is returned (wrapped) when a server writes a line over maxLine.
var ErrLineTooLong = errors.New("server line too long")

// ErrTooManyMessages is returned (wrapped) when a session exceeds maxMessages.
var ErrTooManyMessages = errors.New("too many messages")

// Frame is one recorded JSON-RPC line: its direction ("c2s" or "s2c"), the
// milliseconds since the session's first frame, and the line: Message when it
// is valid JSON, Raw otherwise. It marshals in the corpus case format.
type Frame = eval.Message

// RPCError is a JSON-RPC error object (code, message, data).
type RPCError struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// Error returns "json-rpc error CODE: MESSAGE".
func (e *RPCError) Error() string {
	return fmt.Sprintf("json-rpc error %d: %s", e.Code, e.Message)
}

type envelope struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  *RPCError       `json:"error"`
}

// request is an outgoing JSON-RPC request or notification (ID nil), its
// fields in the order the JSON-RPC 2.0 specification lists them.
type request struct {
	JSONRPC string `json:"jsonrpc"`
	ID      *int   `json:"id,omitempty"`
	Method  string `json:"method"`
	Params  any    `json:"params,omitempty"`
}

// response is an outgoing answer to a server-to-client request.
type response struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  any             `json:"result,omitempty"`
	Error   *RPCError       `json:"error,omitempty"`
}

type reply struct {
	result json.RawMessage
	err    *RPCError
}

// Session is one MCP connection to a server process over stdio, recording
// every frame. Create it with StartSession; Close it exactly once.
type Session struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	start  time.Time
	done   chan struct{} // closed when the stdout reader returns
	stderr *bytes.Buffer

	closeOnce sync.Once

	mu      sync.Mutex
	frames  []Frame
	pending map[string]chan reply
	nextID  int
	readErr error
	first   bool
}

// lockedBuffer tails stderr: it keeps at most the last 64 KiB.
type tailWriter struct {
	mu  *sync.Mutex
	buf *bytes.Buffer
}

func (w tailWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if w.buf.Len() > 64<<10 {
		b := w.buf.Bytes()
		keep := append([]byte(nil), b[len(b)-32<<10:]...)
		w.buf.Reset()
		w.buf.Write(keep)
	}
	return len(p), nil
}

// StartSession starts argv in dir with exactly env (nothing inherited) in its
// own process group and begins reading its stdout. The caller must Close it.
func StartSession(argv []string, dir string, env []string) (*Session, error) {
	if len(argv) == 0 {
		return nil, errors.New("start server: empty command")
	}
	// exec.Command without a context: Close owns the process and kills its
	// whole group, which a context's single-process kill would not.
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	s := &Session{cmd: cmd, done: make(chan struct{}), stderr: &bytes.Buffer{}, pending: map[string]chan reply{}, first: true}
	cmd.Stderr = tailWriter{mu: &s.mu, buf: s.stderr}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("start server: stdin: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("start server: stdout: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start server: %w", err)
	}
	s.stdin = stdin
	s.start = time.Now()
	go s.readLoop(stdout)
	return s, nil
}

// record appends a frame; the caller holds s.mu.
func (s *Session) recordLocked(dir string, line []byte) error {
	if len(s.frames) >= maxMessages {
		return fmt.Errorf("%w: over %d", ErrTooManyMessages, maxMessages)
	}
	if s.first {
		s.start = time.Now()
		s.first = false
	}
	f := Frame{Dir: dir, AtMS: time.Since(s.start).Milliseconds()}
	if json.Valid(line) {
		f.Message = append(json.RawMessage(nil), line...)
	} else {
		raw := string(line)
		f.Raw = &raw
	}
	s.frames = append(s.frames, f)
	return nil
}

func (s *Session) readLoop(stdout io.Reader) {
	defer close(s.done)
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	for sc.Scan() {
		line := bytes.TrimRight(sc.Bytes(), "\r")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		s.mu.Lock()
		if err := s.recordLocked("s2c", line); err != nil {
			s.readErr = err
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		var env envelope
		if json.Unmarshal(line, &env) != nil {
			continue
		}
		hasID := len(env.ID) > 0 && string(env.ID) != "null"
		switch {
		case env.Method != "" && hasID:
			s.answerServerRequest(env)
		case env.Method == "" && hasID:
			s.mu.Lock()
			ch, ok := s.pending[string(env.ID)]
			delete(s.pending, string(env.ID))
			s.mu.Unlock()
			if ok {
				ch <- reply{result: env.Result, err: env.Error}
			}
		}
	}
	s.mu.Lock()
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("%w: over %d bytes", ErrLineTooLong, maxLine)
		}
		s.readErr = err
	}
	s.mu.Unlock()
}

// answerServerRequest answers ping with an empty result and every other
// server-to-client request (roots/list, sampling, elicitation) with -32601:
// the recorder declares no client capabilities.
func (s *Session) answerServerRequest(env envelope) {
	msg := response{JSONRPC: "2.0", ID: env.ID}
	if env.Method == "ping" {
		msg.Result = struct{}{}
	} else {
		msg.Error = &RPCError{Code: -32601, Message: "Method not found"}
	}
	_ = s.send(msg) // a write error shows up as the server exiting
}

// send marshals msg, records it as a c2s frame and writes it with a newline.
func (s *Session) send(msg any) error {
	line, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("marshal request: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.recordLocked("c2s", line); err != nil {
		return err
	}
	if _, err := s.stdin.Write(append(line, '\n')); err != nil {
		if errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrClosed) {
			return fmt.Errorf("write to server: %w: %w", ErrServerExited, err)
		}
		return fmt.Errorf("write to server: %w", err)
	}
	return nil
}

// Notify sends a notification (no id).
func (s *Session) Notify(method string, params any) error {
	return s.send(request{JSONRPC: "2.0", Method: method, Params: params})
}

// Request sends a request with the next integer id (from 1) and waits for
// its response, ctx's end or the server's exit. A JSON-RPC error response
// is returned as *RPCError with a nil result.
func (s *Session) Request(ctx context.Context, method string, params any) (json.RawMessage, error) {
	s.mu.Lock()
	s.nextID++
	id := s.nextID
	ch := make(chan reply, 1)
	s.pending[strconv.Itoa(id)] = ch
	s.mu.Unlock()
	if err := s.send(request{JSONRPC: "2.0", ID: &id, Method: method, Params: params}); err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	select {
	case r := <-ch:
		if r.err != nil {
			return nil, r.err
		}
		return r.result, nil
	case <-s.done:
		select { // the response may have raced the exit
		case r := <-ch:
			if r.err != nil {
				return nil, r.err
			}
			return r.result, nil
		default:
		}
		s.mu.Lock()
		rerr := s.readErr
		s.mu.Unlock()
		if rerr != nil {
			return nil, fmt.Errorf("%s: %w: %w", method, ErrServerExited, rerr)
		}
		return nil, fmt.Errorf("%s: %w", method, ErrServerExited)
	case <-ctx.Done():
		s.mu.Lock()
		delete(s.pending, strconv.Itoa(id))
		s.mu.Unlock()
		return nil, fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

// Cancel sends notifications/cancelled for the request id last issued, as a
// client does when it gives up on a call.
func (s *Session) CancelLast(reason string) {
	s.mu.Lock()
	id := s.nextID
	s.mu.Unlock()
	_ = s.Notify("notifications/cancelled", map[string]any{"requestId": id, "reason": reason})
}

// Frames returns a copy of the frames recorded so far.
func (s *Session) Frames() []Frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Frame(nil), s.frames...)
}

// StderrTail returns the last line of the server's stderr that is not blank
// (at most 300 bytes), for failure reports.
func (s *Session) StderrTail() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	lines := bytes.Split(bytes.TrimSpace(s.stderr.Bytes()), []byte("\n"))
	for i := len(lines) - 1; i >= 0; i-- {
		if l := bytes.TrimSpace(lines[i]); len(l) > 0 {
			if len(l) > 300 {
				l = l[:300]
			}
			return string(l)
		}
	}
	return ""
}

// Close closes stdin (the stdio transport's shutdown), gives the server up
// to grace to exit, then kills its process group and waits for it (so its
// stderr is complete). Calls after the first do nothing.
func (s *Session) Close(grace time.Duration) {
	s.closeOnce.Do(func() { s.close(grace) })
}

func (s *Session) close(grace time.Duration) {
	_ = s.stdin.Close()
	exited := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(exited) }()
	select {
	case <-exited:
	case <-time.After(grace):
	}
	// Kill the group even after a clean exit: servers leave children
	// (browsers, language servers) behind.
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		fmt.Fprintf(os.Stderr, "record: pid %d did not exit after SIGKILL\n", s.cmd.Process.Pid)
	}
}
