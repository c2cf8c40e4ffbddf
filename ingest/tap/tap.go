package tap

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"os/user"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/mcpaudit/mcpaudit/ingest/mcpwire"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	ingestv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/ingest/v1"
)

// SourceName is Source.name of the events the tap emits.
const SourceName = "mcpaudit-tap"

// chunkSize is the relay read size: the most one read hands on at once.
const chunkSize = 64 << 10

// Grace periods of the shutdown.
const (
	// terminateGrace is how long the child has after SIGTERM (sent when
	// Run's ctx is done) before SIGKILL.
	terminateGrace = 5 * time.Second
	// stdoutGrace is how long the stdout relay may still read after the child
	// exited (grandchildren may hold the pipe open).
	stdoutGrace = 2 * time.Second
)

// Stdio are the streams the tap relays: the MCP client's side.
type Stdio struct {
	// Stdin is what the client writes (the tap process's stdin).
	Stdin io.Reader
	// Stdout receives the child's stdout, byte for byte.
	Stdout io.Writer
	// Stderr receives the child's stderr. The tap's own logs go to the
	// logger given to New.
	Stderr io.Writer
}

// ExitError reports that the child exited with a non-zero status; Code is
// its exit code, or 128+N when signal N killed it.
type ExitError struct{ Code int }

// Error reports the child's exit status.
func (e *ExitError) Error() string { return fmt.Sprintf("child exit status %d", e.Code) }

// Stats are the tap's counts at the end of Run.
type Stats struct {
	// Observed is the number of events made from the relayed messages.
	Observed int64
	// Sent is the number of events the collector accepted.
	Sent int64
	// Dropped is the number of events lost to the buffer bound or the final
	// flush timeout.
	Dropped int64
	// Rejected is the number of events in batches the collector rejected for
	// good.
	Rejected int64
	// UnobservedBytes is the number of relayed bytes the observer missed
	// because its queue was full.
	UnobservedBytes int64
	// OversizeFrames is the number of frames longer than max_line_bytes.
	OversizeFrames int64
}

// Service is one tap: one child process, one MCP session.
type Service struct {
	cfg      Config
	command  []string
	stdio    Stdio
	logger   *slog.Logger
	m        *metrics
	conn     *grpc.ClientConn
	exporter *exporter
	observer *mcpwire.Observer
	queue    chan chunk
	session  string
	gap      [3]bool // per direction: a chunk was dropped, resync at the next newline
	gapMu    sync.Mutex
}

// chunk is a copy of relayed bytes handed to the observer.
type chunk struct {
	dir  eventv1.Direction
	data []byte
	at   time.Time
	gap  bool // bytes before this chunk were dropped
}

// New prepares a tap around command (the program and its arguments). It
// connects lazily: a collector that is down does not stop the relay. reg
// may be nil. It returns an error for an invalid cfg or an empty command.
func New(cfg Config, command []string, stdio Stdio, logger *slog.Logger, reg prometheus.Registerer) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(command) == 0 || command[0] == "" {
		return nil, errors.New("command: required")
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	conn, err := grpc.NewClient(cfg.Collector,
		grpc.WithTransportCredentials(transportCredentials(cfg)),
		grpc.WithConnectParams(grpc.ConnectParams{
			Backoff:           backoff.Config{BaseDelay: 100 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: cfg.MaxBackoff},
			MinConnectTimeout: 2 * time.Second,
		}))
	if err != nil {
		return nil, fmt.Errorf("collector %s: %w", cfg.Collector, err)
	}
	s := &Service{
		cfg:     cfg,
		command: command,
		stdio:   stdio,
		logger:  logger,
		m:       m,
		conn:    conn,
		queue:   make(chan chunk, cfg.QueueChunks),
	}
	s.exporter = newExporter(ingestv1.NewIngestServiceClient(conn), cfg, logger, m)
	wc := s.wireConfig()
	s.session = wc.SessionID
	s.observer = mcpwire.NewObserver(wc)
	return s, nil
}

func transportCredentials(cfg Config) credentials.TransportCredentials {
	host, _, _ := net.SplitHostPort(cfg.Collector)
	ip := net.ParseIP(host)
	if cfg.Insecure || host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return insecure.NewCredentials()
	}
	return credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS12})
}

// wireConfig describes the stdio session: a fresh UUIDv7 session id, the
// command line as server identity and the OS user as principal.
func (s *Service) wireConfig() mcpwire.Config {
	wc := s.cfg.Wire
	host, _ := os.Hostname()
	wc.Source = &eventv1.Source{
		Kind:     eventv1.SourceKind_SOURCE_KIND_TAP,
		Name:     SourceName,
		Version:  s.version(),
		Host:     host,
		Instance: newUUID(),
	}
	wc.SessionID = newUUID()
	wc.Transport = eventv1.Transport_TRANSPORT_STDIO
	wc.ServerIdentity = commandLine(s.command)
	wc.PrincipalSubject = osUser()
	return wc
}

// SessionID returns the session id (a UUIDv7) the tap's events carry.
func (s *Service) SessionID() string { return s.session }

// Run starts the child, relays until it exits, flushes the events for up to
// Config.FlushTimeout and returns: nil when the child exited with status 0,
// an *ExitError with its code otherwise, or another error when the child
// could not start. SIGINT, SIGTERM, SIGHUP and SIGQUIT received by the
// process are forwarded to the child. When ctx is done the child gets
// SIGTERM, then SIGKILL after 5 s.
func (s *Service) Run(ctx context.Context) error {
	defer s.conn.Close()
	cmd := exec.Command(s.command[0], s.command[1:]...)
	inR, inW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("stdin pipe: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return fmt.Errorf("stdout pipe: %w", err)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, s.stdio.Stderr
	cmd.WaitDelay = time.Second // bounds the stderr copy when Stderr is not a file
	if err := cmd.Start(); err != nil {
		inR.Close()
		inW.Close()
		outR.Close()
		outW.Close()
		return fmt.Errorf("start %s: %w", s.command[0], err)
	}
	inR.Close()
	outW.Close()
	s.logger.Info("tap started", "command", commandLine(s.command), "pid", cmd.Process.Pid,
		"session_id", s.session, "collector", s.cfg.Collector)

	expCtx, expCancel := context.WithCancel(context.WithoutCancel(ctx))
	defer expCancel()
	expDone := make(chan struct{})
	go func() { defer close(expDone); s.exporter.run(expCtx) }()

	obsStop, obsDone := make(chan struct{}), make(chan struct{})
	go func() { defer close(obsDone); s.observe(obsStop) }()

	// Client → child. This goroutine may stay blocked reading a Stdin that
	// never ends (os.Stdin); it exits at the next read or when Stdin closes.
	go func() {
		s.relay(eventv1.Direction_DIRECTION_CLIENT_TO_SERVER, s.stdio.Stdin, inW)
		inW.Close() // the client closed stdin: close the child's
	}()
	// Child → client.
	outDone := make(chan struct{})
	go func() {
		defer close(outDone)
		s.relay(eventv1.Direction_DIRECTION_SERVER_TO_CLIENT, outR, s.stdio.Stdout)
	}()

	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	defer signal.Stop(sigs)
	waitDone := make(chan error, 1)
	go func() { waitDone <- cmd.Wait() }()
	var waitErr error
	var killTimer <-chan time.Time
	ctxDone := ctx.Done()
wait:
	for {
		select {
		case sig := <-sigs:
			s.logger.Info("forwarding signal", "signal", sig.String())
			_ = cmd.Process.Signal(sig)
		case <-ctxDone:
			ctxDone = nil
			_ = cmd.Process.Signal(syscall.SIGTERM)
			killTimer = time.After(terminateGrace)
		case <-killTimer:
			_ = cmd.Process.Kill()
		case waitErr = <-waitDone:
			break wait
		}
	}

	select { // let the relay deliver the child's last output
	case <-outDone:
	case <-time.After(stdoutGrace):
		outR.Close()
		<-outDone
	}
	outR.Close()
	if d, ok := s.stdio.Stdin.(interface{ SetReadDeadline(time.Time) error }); ok {
		_ = d.SetReadDeadline(time.Now()) // unblock the stdin relay where possible
	}
	close(obsStop)
	<-obsDone
	s.exporter.close()
	select {
	case <-expDone:
	case <-time.After(s.cfg.FlushTimeout):
		expCancel()
		<-expDone
	}
	st := s.Stats()
	s.logger.Info("tap summary", "session_id", s.session, "events_observed", st.Observed,
		"events_sent", st.Sent, "events_dropped", st.Dropped, "events_rejected", st.Rejected,
		"unobserved_bytes", st.UnobservedBytes, "oversize_frames", st.OversizeFrames)
	return exitResult(waitErr)
}

func exitResult(err error) error {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		if err != nil {
			return fmt.Errorf("wait: %w", err)
		}
		return nil
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return &ExitError{Code: 128 + int(ws.Signal())}
	}
	return &ExitError{Code: ee.ExitCode()}
}

// Stats returns the tap's counts so far.
func (s *Service) Stats() Stats {
	return Stats{
		Observed:        s.m.observedCount.Load(),
		Sent:            s.m.sentCount.Load(),
		Dropped:         s.m.droppedCount.Load(),
		Rejected:        s.m.rejectedCount.Load(),
		UnobservedBytes: s.m.queueDroppedBytes.Load(),
		OversizeFrames:  s.m.oversizeFrames.Load(),
	}
}

// relay copies src to dst until either fails, handing a copy of each chunk
// to the observer after it was written.
func (s *Service) relay(dir eventv1.Direction, src io.Reader, dst io.Writer) {
	name := "client_to_server"
	if dir == eventv1.Direction_DIRECTION_SERVER_TO_CLIENT {
		name = "server_to_client"
	}
	relayed := s.m.relayBytes.WithLabelValues(name)
	buf := make([]byte, chunkSize)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			at := time.Now()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				s.logger.Debug("relay write failed", "direction", name, "error", werr.Error())
				return
			}
			relayed.Add(float64(n))
			s.hand(dir, buf[:n], at)
		}
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, os.ErrClosed) && !errors.Is(err, os.ErrDeadlineExceeded) {
				s.logger.Debug("relay read failed", "direction", name, "error", err.Error())
			}
			return
		}
	}
}

// hand queues a copy of p for the observer without blocking.
func (s *Service) hand(dir eventv1.Direction, p []byte, at time.Time) {
	s.gapMu.Lock()
	gap := s.gap[dir]
	s.gapMu.Unlock()
	select {
	case s.queue <- chunk{dir: dir, data: bytes.Clone(p), at: at, gap: gap}:
		if gap {
			s.gapMu.Lock()
			s.gap[dir] = false
			s.gapMu.Unlock()
		}
	default:
		s.gapMu.Lock()
		s.gap[dir] = true
		s.gapMu.Unlock()
		s.m.queueDropped.Add(float64(len(p)))
		if s.m.queueDroppedBytes.Add(int64(len(p))) == int64(len(p)) {
			s.logger.Warn("observer queue full, frames not observed", "direction", dir.String())
		}
	}
}

// observe splits queued chunks into frames and turns them into events until
// stop is closed and the queue is empty.
func (s *Service) observe(stop <-chan struct{}) {
	var split [3]*splitter
	for _, d := range []eventv1.Direction{eventv1.Direction_DIRECTION_CLIENT_TO_SERVER, eventv1.Direction_DIRECTION_SERVER_TO_CLIENT} {
		split[d] = &splitter{max: s.cfg.MaxLineBytes, onOversize: func() { s.oversize(d) }}
	}
	handle := func(c chunk) {
		sp := split[c.dir]
		if c.gap {
			sp.resync()
		}
		sp.feed(c.data, func(frame []byte) { s.emit(c.dir, frame, c.at) })
	}
	for {
		select {
		case c := <-s.queue:
			handle(c)
			continue
		default:
		}
		select {
		case c := <-s.queue:
			handle(c)
		case <-stop:
			for {
				select {
				case c := <-s.queue:
					handle(c)
				default:
					now := time.Now()
					for d, sp := range split {
						if sp != nil {
							sp.flush(func(frame []byte) { s.emit(eventv1.Direction(d), frame, now) })
						}
					}
					return
				}
			}
		}
	}
}

func (s *Service) emit(dir eventv1.Direction, frame []byte, at time.Time) {
	if len(bytes.TrimSpace(frame)) == 0 {
		return // blank lines carry no message
	}
	evs := s.observer.Observe(dir, frame, at)
	s.m.observed.Add(float64(len(evs)))
	s.m.observedCount.Add(int64(len(evs)))
	s.exporter.add(evs)
}

func (s *Service) oversize(dir eventv1.Direction) {
	s.m.oversize.Inc()
	s.m.oversizeFrames.Add(1)
	s.logger.Warn("frame longer than max_line_bytes, not observed", "direction", dir.String(), "max_line_bytes", s.cfg.MaxLineBytes)
}

// version is Source.version: Config.Version, else the main module's version.
func (s *Service) version() string {
	if s.cfg.Version != "" {
		return s.cfg.Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "devel"
}

func newUUID() string {
	if id, err := uuid.NewV7(); err == nil {
		return id.String()
	}
	return uuid.NewString()
}

// commandLine renders argv for display, quoting arguments that need it.
func commandLine(argv []string) string {
	parts := make([]string, len(argv))
	for i, a := range argv {
		if a == "" || strings.ContainsAny(a, " \t\n\"'\\$`;&|<>()*?[]{}!#~") {
			a = strconv.Quote(a)
		}
		parts[i] = a
	}
	return strings.Join(parts, " ")
}

func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return os.Getenv("USER")
}
