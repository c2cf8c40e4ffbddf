package tap

import (
	"bytes"
	"context"
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
	"sync/atomic"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/timestamppb"

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
	// because its queue was full: the sum of the bytes of the
	// observation-gap events (reason GAP_REASON_OBSERVER_QUEUE_FULL).
	UnobservedBytes int64
	// OversizeFrames is the number of frames longer than max_line_bytes
	// (each one an event of kind INVALID with invalid_frame.oversize set).
	OversizeFrames int64
	// Invalid is the number of events of kind INVALID: frames, batch
	// elements and oversize frames that are not valid JSON-RPC messages.
	Invalid int64
	// Gaps is the number of observation-gap events the tap made, whatever
	// their reason (observer queue full, event buffer full).
	Gaps int64
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
	queued   atomic.Int64 // bytes in queue
	backlog  *backlog     // how the relay waits for room in a full queue
	session  string
	dropMu   sync.Mutex
	drops    [3]dropped // per direction: bytes not queued since the last queued chunk

	gapLog, oversizeLog rateLog // touched only by the observer goroutine
}

// chunk is a copy of relayed bytes handed to the observer.
type chunk struct {
	dir  eventv1.Direction
	data []byte
	at   time.Time
	gap  *dropped // bytes of dir dropped just before this chunk, nil mostly
}

// dropped is a stretch of one direction's bytes that the relay could not
// queue for the observer.
type dropped struct {
	bytes, frames int64 // bytes, and the '\n' among them
	start, end    time.Time
	endsLine      bool // the last dropped byte was '\n'
}

// add counts p, dropped at at.
func (d *dropped) add(p []byte, at time.Time) {
	if d.bytes == 0 {
		d.start = at
	}
	d.bytes += int64(len(p))
	d.frames += int64(bytes.Count(p, []byte{'\n'}))
	d.end = at
	d.endsLine = p[len(p)-1] == '\n'
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
	creds, err := transportCredentials(cfg)
	if err != nil {
		return nil, err
	}
	conn, err := grpc.NewClient(cfg.Collector,
		grpc.WithTransportCredentials(creds),
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
		backlog: newBacklog(boundObserverQueue, cfg.BacklogWait, m),
	}
	s.exporter = newExporter(ingestv1.NewIngestServiceClient(conn), cfg, logger, m)
	wc := s.wireConfig()
	s.session = wc.SessionID
	s.observer = mcpwire.NewObserver(wc)
	return s, nil
}

// transportCredentials returns plaintext for Config.Insecure and for a
// loopback collector without TLS settings, else TLS 1.2+ verified with
// Config.TLSCA (or the system roots), presenting Config.TLSCert when set.
// Errors name the config key of the file that could not be used.
func transportCredentials(cfg Config) (credentials.TransportCredentials, error) {
	host, _, _ := net.SplitHostPort(cfg.Collector)
	ip := net.ParseIP(host)
	if cfg.Insecure || (!cfg.tlsConfigured() && (host == "localhost" || (ip != nil && ip.IsLoopback()))) {
		return insecure.NewCredentials(), nil
	}
	tc, err := cfg.tlsClient().Load(tlsNames)
	if err != nil {
		return nil, err
	}
	return credentials.NewTLS(tc), nil
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
		"unobserved_bytes", st.UnobservedBytes, "oversize_frames", st.OversizeFrames,
		"invalid_frames", st.Invalid, "observation_gaps", st.Gaps)
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
		Invalid:         s.m.invalidCount.Load(),
		Gaps:            s.m.gapCount.Load(),
	}
}

// relay copies src to dst until either fails. Each chunk is handed to the
// observer before it is written onward, with the time it was read: a
// request is then queued before the child can have read it, hence before
// its response is read from the child and queued, whatever the goroutine
// scheduling, and the observer pairs them in order.
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
			s.hand(dir, buf[:n], time.Now())
			if _, werr := dst.Write(buf[:n]); werr != nil {
				s.logger.Debug("relay write failed", "direction", name, "error", werr.Error())
				return
			}
			relayed.Add(float64(n))
		}
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, os.ErrClosed) && !errors.Is(err, os.ErrDeadlineExceeded) {
				s.logger.Debug("relay read failed", "direction", name, "error", err.Error())
			}
			return
		}
	}
}

// hand queues a copy of p for the observer. When the queue is full
// (Config.QueueChunks chunks or Config.QueueBytes bytes) it waits for room
// for at most Config.BacklogWait (see backlog), holding the relay back; p
// is then dropped and counted, and the next chunk that fits carries the
// count, so that the observer records the gap where it happened.
func (s *Service) hand(dir eventv1.Direction, p []byte, at time.Time) {
	n := int64(len(p))
	s.dropMu.Lock()
	d := s.drops[dir]
	s.dropMu.Unlock()
	var gap *dropped
	if d.bytes > 0 {
		gap = &d
	}
	c := chunk{dir: dir, data: bytes.Clone(p), at: at, gap: gap}
	queue := func() bool {
		if s.queued.Add(n) <= s.cfg.QueueBytes {
			select {
			case s.queue <- c:
				return true
			default:
			}
		}
		s.queued.Add(-n)
		return false
	}
	if queue() || s.backlog.await(nil, queue) {
		if gap != nil {
			s.dropMu.Lock()
			s.drops[dir] = dropped{}
			s.dropMu.Unlock()
		}
		return
	}
	s.dropMu.Lock()
	s.drops[dir].add(p, at)
	s.dropMu.Unlock()
	s.m.queueDropped.Add(float64(n))
	if s.m.queueDroppedBytes.Add(n) == n {
		s.logger.Warn("observer queue full, recording an observation gap", "direction", dir.String(),
			"queue_chunks", s.cfg.QueueChunks, "queue_bytes", s.cfg.QueueBytes)
	}
}

// takeDrops returns and clears the bytes of dir dropped since the last
// queued chunk.
func (s *Service) takeDrops(dir eventv1.Direction) dropped {
	s.dropMu.Lock()
	defer s.dropMu.Unlock()
	d := s.drops[dir]
	s.drops[dir] = dropped{}
	return d
}

// direction is the observer's state of one relay direction.
type direction struct {
	dir   eventv1.Direction
	split *splitter
	at    time.Time               // when the chunk being split was read
	gap   *eventv1.ObservationGap // open gap: bytes were dropped, the cut line has not ended yet
}

// observe splits queued chunks into frames and turns them into events until
// stop is closed and the queue is empty. Then the bytes dropped since the
// last queued chunk and the last unterminated frame are recorded too.
func (s *Service) observe(stop <-chan struct{}) {
	var dirs [3]*direction
	for _, d := range []eventv1.Direction{eventv1.Direction_DIRECTION_CLIENT_TO_SERVER, eventv1.Direction_DIRECTION_SERVER_TO_CLIENT} {
		st := &direction{dir: d}
		st.split = &splitter{max: s.cfg.MaxLineBytes, prefixMax: s.observerPrefix(), sink: splitSink{
			frame:    func(frame []byte) { s.emit(d, frame, st.at) },
			oversize: func(prefix []byte, size int64) { s.oversize(st, prefix, size) },
			lost:     func(n int64, newline bool) { s.lost(st, n, newline) },
		}}
		dirs[d] = st
	}
	handle := func(c chunk) {
		st := dirs[c.dir]
		st.at = c.at
		if c.gap != nil {
			s.openGap(st, c.gap)
		}
		st.split.feed(c.data)
		left := s.queued.Add(-int64(len(c.data)))
		s.backlog.freed(left <= s.cfg.QueueBytes/2 && len(s.queue) <= cap(s.queue)/2)
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
					for _, st := range dirs {
						if st == nil {
							continue
						}
						st.at = now
						if d := s.takeDrops(st.dir); d.bytes > 0 {
							s.openGap(st, &d)
						}
						st.split.flush()
					}
					return
				}
			}
		}
	}
}

// observerPrefix is the prefix kept of an oversize frame.
func (s *Service) observerPrefix() int {
	if n := s.cfg.Wire.MaxInvalidPrefix; n > 0 {
		return n
	}
	return mcpwire.DefaultMaxInvalidPrefixBytes
}

// openGap records bytes of st's direction that the relay dropped before the
// chunk being handled, and tells the splitter, which reports the bytes of
// the line they cut through lost.
func (s *Service) openGap(st *direction, d *dropped) {
	if st.gap == nil {
		st.gap = &eventv1.ObservationGap{
			Reason:    eventv1.GapReason_GAP_REASON_OBSERVER_QUEUE_FULL,
			StartTime: timestamppb.New(d.start),
		}
	}
	st.gap.Bytes += d.bytes
	st.gap.Frames += d.frames
	st.gap.EndTime = timestamppb.New(d.end)
	st.split.gap(d.endsLine)
}

// lost closes st's open gap with the n bytes of the line it cut: the gap
// event goes out in order, before the frames that follow.
func (s *Service) lost(st *direction, n int64, newline bool) {
	g := st.gap
	if g == nil { // cannot happen: the splitter loses bytes only after a gap
		g = &eventv1.ObservationGap{Reason: eventv1.GapReason_GAP_REASON_OBSERVER_QUEUE_FULL, StartTime: timestamppb.New(st.at)}
	}
	st.gap = nil
	g.Bytes += n
	if newline {
		g.Frames++
	}
	if newline && st.at.After(g.GetEndTime().AsTime()) { // the cut line ended in this chunk
		g.EndTime = timestamppb.New(st.at)
	}
	if n > 0 {
		s.m.queueDropped.Add(float64(n))
		s.m.queueDroppedBytes.Add(n)
	}
	ev := s.observer.Gap(st.dir, g)
	s.m.gap(reasonObserverQueueFull)
	s.m.observed.Inc()
	s.m.observedCount.Add(1)
	if ok, held := s.gapLog.allow(1); ok {
		s.logger.Warn("observation gap recorded", "direction", st.dir.String(), "bytes", g.GetBytes(), "frames", g.GetFrames(),
			"start_time", g.GetStartTime().AsTime(), "end_time", g.GetEndTime().AsTime(), "gaps_since_last_log", held)
	}
	s.exporter.add([]*eventv1.Event{ev})
}

func (s *Service) emit(dir eventv1.Direction, frame []byte, at time.Time) {
	if len(bytes.TrimSpace(frame)) == 0 {
		return // blank lines carry no message
	}
	evs := s.observer.Observe(dir, frame, at)
	for _, ev := range evs {
		if ev.GetKind() == eventv1.MessageKind_MESSAGE_KIND_INVALID {
			s.m.invalid.Inc()
			s.m.invalidCount.Add(1)
		}
	}
	s.m.observed.Add(float64(len(evs)))
	s.m.observedCount.Add(int64(len(evs)))
	s.exporter.add(evs)
}

// oversize records a frame longer than max_line_bytes: relayed, not
// parsed, an event of kind INVALID with its size and first bytes.
func (s *Service) oversize(st *direction, prefix []byte, size int64) {
	s.m.oversize.Inc()
	s.m.oversizeFrames.Add(1)
	s.m.invalid.Inc()
	s.m.invalidCount.Add(1)
	if ok, held := s.oversizeLog.allow(1); ok {
		s.logger.Warn("frame longer than max_line_bytes, recorded unparsed", "direction", st.dir.String(),
			"size_bytes", size, "max_line_bytes", s.cfg.MaxLineBytes, "oversize_frames_since_last_log", held)
	}
	ev := s.observer.Oversize(st.dir, prefix, size, s.cfg.MaxLineBytes, st.at)
	s.m.observed.Inc()
	s.m.observedCount.Add(1)
	s.exporter.add([]*eventv1.Event{ev})
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
