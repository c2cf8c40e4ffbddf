package tap

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/mcpaudit/mcpaudit/ingest/mcpwire"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	ingestv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/ingest/v1"
)

// exportClient is the part of the collector API the exporter uses.
type exportClient interface {
	Export(ctx context.Context, in *ingestv1.ExportRequest, opts ...grpc.CallOption) (*ingestv1.ExportResponse, error)
}

var _ exportClient = (ingestv1.IngestServiceClient)(nil)

// maxRetryDelay caps a collector's RetryInfo advice.
const maxRetryDelay = time.Minute

// logEvery rate-limits the warnings about dropped and refused events.
const logEvery = 5 * time.Second

// maxLoggedViolations bounds the field violations one log record lists.
const maxLoggedViolations = 5

// gapReserve is the room kept in the buffer, beyond Config.BufferEvents,
// for the observation-gap events that record what the bound dropped: one
// per direction.
const gapReserve = 2

// errRepaired reports that a batch held events that could not be encoded
// and was fixed; it is sent again at once.
var errRepaired = errors.New("batch repaired")

// exporter batches events and sends them to the collector. add blocks only
// while the buffer is full, for at most Config.BacklogWait (see backlog);
// run owns the sending goroutine.
//
// Every event handed to add is accounted for exactly once: sent (the
// collector accepted it), rejected (the collector refused it for good),
// dropped as unencodable, dropped at the buffer bound (and then recorded in
// an observation-gap event of reason GAP_REASON_BUFFER_FULL), or dropped
// unsent when the final flush timed out.
type exporter struct {
	client exportClient
	cfg    Config
	logger *slog.Logger
	m      *metrics
	// marshal is the encoder repair checks events with: the one gRPC's
	// codec uses (proto.Marshal).
	marshal func(proto.Message) ([]byte, error)

	mu     sync.Mutex
	buf    []*eventv1.Event
	oldest time.Time     // when the oldest buffered event was added
	gaps   [3]*bufferGap // per direction: events dropped at the bound, not yet recorded
	drops  rateLog

	failing  bool    // the last Export failed retryably; touched only by run
	refusal  rateLog // touched only by run
	mismatch rateLog // touched only by run

	backlog *backlog // how add waits for room in a full buffer

	wake    chan struct{} // capacity 1
	closing chan struct{} // closed by close: drain and return
}

// bufferGap counts the events of one direction dropped at the buffer bound
// since room was last available.
type bufferGap struct {
	events        int64
	bytes, frames int64 // from observation-gap events dropped in the stretch
	start, end    time.Time
	first         *eventv1.Event // the first dropped event: the session fields of the gap event
}

// rateLog lets a warning through at most once per logEvery and counts what
// it held back.
type rateLog struct {
	last time.Time
	held int64
}

// allow reports whether to log now, with the count held back since the last
// record (n is this occurrence's count).
func (r *rateLog) allow(n int64) (bool, int64) {
	r.held += n
	if now := time.Now(); now.Sub(r.last) >= logEvery {
		held := r.held
		r.last, r.held = now, 0
		return true, held
	}
	return false, 0
}

func newExporter(client exportClient, cfg Config, logger *slog.Logger, m *metrics) *exporter {
	return &exporter{
		client:  client,
		cfg:     cfg,
		logger:  logger,
		m:       m,
		marshal: proto.Marshal,
		backlog: newBacklog(boundEventBuffer, cfg.BacklogWait, m),
		wake:    make(chan struct{}, 1),
		closing: make(chan struct{}),
	}
}

// add buffers evs for sending. When the buffer holds Config.BufferEvents it
// waits for room (see backlog); events that still find no room are
// dropped and counted; when room returns, an observation-gap event per
// direction (reason GAP_REASON_BUFFER_FULL, the number of events and their
// time span) takes their place in the stream, in a reserve of the buffer
// that regular events cannot use, so that the record says what it lost.
func (e *exporter) add(evs []*eventv1.Event) {
	e.mu.Lock()
	var dropped int64
	before := len(e.buf)
	for _, ev := range evs {
		if len(e.buf) >= e.cfg.BufferEvents {
			e.poke() // the sender may be waiting out a flush interval
			e.backlog.await(&e.mu, func() bool { return len(e.buf) < e.cfg.BufferEvents })
		}
		if len(e.buf) < e.cfg.BufferEvents {
			e.placeGaps()
			if len(e.buf) == 0 {
				e.oldest = time.Now()
			}
			e.buf = append(e.buf, ev)
			continue
		}
		e.dropAtBound(ev)
		dropped++
	}
	n := len(e.buf)
	var logDrops int64
	if dropped > 0 {
		if ok, held := e.drops.allow(dropped); ok {
			logDrops = held
		}
	}
	e.mu.Unlock()
	if dropped > 0 {
		e.m.dropped(reasonBufferFull, dropped)
	}
	if logDrops > 0 {
		e.logger.Warn("event buffer full, dropping events and recording an observation gap", "dropped", logDrops, "buffer_events", e.cfg.BufferEvents)
	}
	if n > before && (n >= e.cfg.BatchSize || before == 0) { // a full batch, or the first events of an empty buffer
		e.poke()
	}
}

// poke wakes the sending goroutine.
func (e *exporter) poke() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// dropAtBound counts ev, dropped at the buffer bound, in its direction's
// open gap. An observation-gap event dropped this way gives its bytes and
// frames to the buffer gap, so that they stay in the record. e.mu must be
// held.
func (e *exporter) dropAtBound(ev *eventv1.Event) {
	d := ev.GetDirection()
	if d < 0 || int(d) >= len(e.gaps) {
		d = eventv1.Direction_DIRECTION_UNSPECIFIED
	}
	g := e.gaps[d]
	if g == nil {
		g = &bufferGap{first: ev}
		e.gaps[d] = g
	}
	at := time.Now()
	if ev.GetTime() != nil {
		at = ev.GetTime().AsTime()
	}
	if g.start.IsZero() || at.Before(g.start) {
		g.start = at
	}
	if at.After(g.end) {
		g.end = at
	}
	if og := ev.GetObservationGap(); og != nil {
		g.bytes += og.GetBytes()
		g.frames += og.GetFrames()
		g.events += og.GetEvents()
		return
	}
	g.events++
}

// placeGaps appends the observation-gap events of the open buffer gaps. It
// may take the buffer up to gapReserve events past Config.BufferEvents.
// e.mu must be held.
func (e *exporter) placeGaps() {
	for d, g := range e.gaps {
		if g == nil {
			continue
		}
		e.gaps[d] = nil
		if len(e.buf) == 0 {
			e.oldest = time.Now()
		}
		e.buf = append(e.buf, gapEvent(eventv1.Direction(d), g))
		e.m.gap(reasonBufferFull)
	}
}

// gapEvent is the observation-gap event of g: the session fields of its
// first dropped event, kind OBSERVATION_GAP, reason GAP_REASON_BUFFER_FULL.
func gapEvent(dir eventv1.Direction, g *bufferGap) *eventv1.Event {
	f := g.first
	ev := &eventv1.Event{
		Time:      timestamppb.New(g.start),
		Source:    f.GetSource(),
		Session:   f.GetSession(),
		Client:    f.GetClient(),
		Server:    f.GetServer(),
		Principal: f.GetPrincipal(),
		Labels:    f.GetLabels(),
		Direction: dir,
		Kind:      eventv1.MessageKind_MESSAGE_KIND_OBSERVATION_GAP,
		SizeBytes: g.bytes,
		ObservationGap: &eventv1.ObservationGap{
			Reason:    eventv1.GapReason_GAP_REASON_BUFFER_FULL,
			Events:    g.events,
			Bytes:     g.bytes,
			Frames:    g.frames,
			StartTime: timestamppb.New(g.start),
			EndTime:   timestamppb.New(g.end),
		},
	}
	if id, err := uuid.NewV7(); err == nil {
		ev.EventId = id.String()
	} // else the collector assigns one
	return ev
}

// close asks run to send what is buffered and return.
func (e *exporter) close() { close(e.closing) }

// run sends batches until close was called and the buffer is empty, or
// until ctx is done; events still buffered then are counted as dropped.
func (e *exporter) run(ctx context.Context) {
	backoff := time.Duration(0)
	for {
		batch, ok := e.next(ctx)
		if !ok {
			e.mu.Lock()
			left := int64(len(e.buf))
			e.buf = nil
			e.mu.Unlock()
			e.backlog.freed(true)
			if left > 0 {
				e.m.dropped(reasonUnsent, left)
				e.logger.Warn("flush timeout, dropping unsent events", "dropped", left)
			}
			return
		}
		delay, err := e.send(ctx, batch)
		switch {
		case err == nil, errors.Is(err, errRepaired):
			backoff = 0
			continue
		case delay <= 0:
			backoff = min(max(2*backoff, 100*time.Millisecond), e.cfg.MaxBackoff)
			delay = backoff/2 + rand.N(backoff/2+1) // jitter in [backoff/2, backoff]
		}
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
}

// next waits for a batch to send: BatchSize events, or any events once the
// oldest waited FlushInterval or close was called. It returns false when
// there is nothing more to do.
func (e *exporter) next(ctx context.Context) ([]*eventv1.Event, bool) {
	for {
		closing := false
		select {
		case <-e.closing:
			closing = true
		default:
		}
		e.mu.Lock()
		if closing {
			e.placeGaps() // the last gaps go out whatever the bound: the reserve holds them
		}
		n, oldest := len(e.buf), e.oldest
		e.mu.Unlock()
		if ctx.Err() != nil || (closing && n == 0) {
			return nil, false
		}
		if n >= e.cfg.BatchSize || (n > 0 && (closing || time.Since(oldest) >= e.cfg.FlushInterval)) {
			e.mu.Lock()
			batch := e.takeBatch()
			e.mu.Unlock()
			return batch, true
		}
		var timer <-chan time.Time
		var t *time.Timer
		if n > 0 {
			t = time.NewTimer(e.cfg.FlushInterval - time.Since(oldest))
			timer = t.C
		}
		select {
		case <-e.wake:
		case <-timer:
		case <-e.closing:
		case <-ctx.Done():
		}
		if t != nil {
			t.Stop()
		}
	}
}

// takeBatch copies the oldest events into a batch of at most MaxBatchEvents
// events and MaxBatchBytes bytes (at least one event), shortening events
// larger than MaxEventBytes (mcpwire.Shrink). The batch is always the head
// of the buffer. e.mu must be held.
func (e *exporter) takeBatch() []*eventv1.Event {
	var batch []*eventv1.Event
	size := 0
	for _, ev := range e.buf[:min(len(e.buf), e.cfg.MaxBatchEvents)] {
		n := proto.Size(ev)
		if n > e.cfg.MaxEventBytes {
			fits := mcpwire.Shrink(ev, e.cfg.MaxEventBytes, nil)
			e.logger.Warn("event larger than max_event_bytes, shortened", "event_id", ev.GetEventId(), "method", ev.GetMethod(),
				"size_bytes", n, "max_event_bytes", e.cfg.MaxEventBytes, "fits", fits, "truncated_fields", strings.Join(ev.GetTruncatedFields(), ","))
			e.m.shortened.Inc()
			n = proto.Size(ev)
		}
		if len(batch) > 0 && size+n > e.cfg.MaxBatchBytes {
			break
		}
		batch = append(batch, ev)
		size += n
	}
	return batch
}

// send exports one batch. When the collector answered (success, partial
// success or a permanent refusal) it removes the batch from the buffer,
// counts what was accepted and refused, and returns a nil error. When the
// batch could not be encoded it repairs it and returns errRepaired. On a
// retryable failure it returns the error and the delay the collector
// advised in google.rpc.RetryInfo (0 if none).
func (e *exporter) send(ctx context.Context, batch []*eventv1.Event) (time.Duration, error) {
	cctx, cancel := context.WithTimeout(ctx, e.cfg.ExportTimeout)
	if e.cfg.Token != "" {
		cctx = metadata.AppendToOutgoingContext(cctx, "authorization", "Bearer "+e.cfg.Token)
	}
	start := time.Now()
	resp, err := e.client.Export(cctx, &ingestv1.ExportRequest{Events: batch})
	cancel()
	e.m.exportSeconds.Observe(time.Since(start).Seconds())
	if err == nil {
		if e.failing {
			e.failing = false
			e.logger.Info("collector available again", "collector", e.cfg.Collector)
		}
		e.remove(len(batch))
		e.accepted(resp, batch)
		return 0, nil
	}
	st := status.Convert(err)
	if isPermanent(st.Code()) {
		e.remove(len(batch))
		e.m.rejected.Add(float64(len(batch)))
		e.m.rejectedCount.Add(int64(len(batch)))
		var violations []*ingestv1.FieldViolation
		for _, d := range st.Details() {
			if br, ok := d.(*errdetails.BadRequest); ok {
				for _, fv := range br.GetFieldViolations() {
					violations = append(violations, &ingestv1.FieldViolation{Field: fv.GetField(), Description: fv.GetDescription()})
				}
			}
		}
		e.logRefused(slog.LevelError, "collector refused batch", int64(len(batch)), st.Code(), st.Message(), violations, batch)
		return 0, nil
	}
	if e.repair(batch) {
		return 0, errRepaired
	}
	e.m.exportErrors.WithLabelValues(st.Code().String()).Inc()
	if !e.failing {
		e.failing = true
		e.logger.Warn("collector unavailable, buffering events", "collector", e.cfg.Collector, "code", st.Code().String(), "message", st.Message())
	}
	e.logger.Debug("export failed, will retry", "code", st.Code().String(), "message", st.Message(), "events", len(batch))
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok && ri.GetRetryDelay() != nil {
			return min(max(ri.GetRetryDelay().AsDuration(), 0), maxRetryDelay), err
		}
	}
	return 0, err
}

// accepted counts a successful Export of batch: with partial_success set,
// rejected_events were refused for good and the rest written (OTLP's
// partial success); without it, all were written.
func (e *exporter) accepted(resp *ingestv1.ExportResponse, batch []*eventv1.Event) {
	n := int64(len(batch))
	ps := resp.GetPartialSuccess()
	rejected := min(max(ps.GetRejectedEvents(), 0), n)
	accepted := n - rejected
	if resp.GetAcceptedCount() != accepted {
		if ok, held := e.mismatch.allow(1); ok {
			e.logger.Warn("collector counts do not add up, trusting partial_success", "events", n, "accepted_count", resp.GetAcceptedCount(),
				"rejected_events", ps.GetRejectedEvents(), "mismatches_since_last_log", held)
		}
	}
	e.m.sent.Add(float64(accepted))
	e.m.sentCount.Add(accepted)
	if rejected == 0 && ps.GetErrorMessage() == "" {
		return
	}
	e.m.rejected.Add(float64(rejected))
	e.m.rejectedCount.Add(rejected)
	e.logRefused(slog.LevelWarn, "collector refused events", rejected, codes.OK, ps.GetErrorMessage(), ps.GetFieldViolations(), batch)
}

// logRefused logs refused events, at most once per logEvery, listing the
// first field violations with the event id each names.
func (e *exporter) logRefused(level slog.Level, msg string, n int64, code codes.Code, message string, violations []*ingestv1.FieldViolation, batch []*eventv1.Event) {
	ok, held := e.refusal.allow(n)
	if !ok {
		return
	}
	attrs := []any{"refused", n, "refused_since_last_log", held, "message", message}
	if code != codes.OK {
		attrs = append(attrs, "code", code.String())
	}
	for i, fv := range violations[:min(len(violations), maxLoggedViolations)] {
		v := fv.GetField() + ": " + fv.GetDescription()
		var idx int
		if _, err := fmt.Sscanf(fv.GetField(), "events[%d]", &idx); err == nil && idx >= 0 && idx < len(batch) {
			v += " (event_id " + batch[idx].GetEventId() + ")"
		}
		attrs = append(attrs, fmt.Sprintf("violation_%d", i), v)
	}
	if len(violations) > maxLoggedViolations {
		attrs = append(attrs, "violations_not_listed", len(violations)-maxLoggedViolations)
	}
	e.logger.Log(context.Background(), level, msg, attrs...)
}

// repair checks, after a failed Export, that batch encodes. The Observer
// makes every string valid UTF-8, but an event that still cannot be
// marshalled would make every retry fail before it leaves the process and
// hold back every event behind it: such an event is sanitized
// (mcpwire.SanitizeUTF8, invalid_utf8 set) or, when that is not enough,
// dropped alone, counted and logged. It reports whether it changed the
// buffer. The check costs one marshal of the batch, and runs only after a
// failure.
func (e *exporter) repair(batch []*eventv1.Event) bool {
	if _, err := e.marshal(&ingestv1.ExportRequest{Events: batch}); err == nil {
		return false
	}
	changed := false
	drop := map[*eventv1.Event]bool{}
	for _, ev := range batch {
		if _, err := e.marshal(ev); err == nil {
			continue
		}
		if mcpwire.SanitizeUTF8(ev) {
			ev.InvalidUtf8 = true
			changed = true
		}
		if _, err := e.marshal(ev); err != nil {
			e.logger.Error("event cannot be encoded, dropping it", "event_id", ev.GetEventId(), "method", ev.GetMethod(), "error", err.Error())
			drop[ev] = true
		}
	}
	if len(drop) > 0 {
		e.mu.Lock()
		kept := e.buf[:0]
		for i, ev := range e.buf {
			if i < len(batch) && drop[ev] { // the batch is the head of the buffer
				continue
			}
			kept = append(kept, ev)
		}
		clear(e.buf[len(kept):])
		dropped := len(e.buf) - len(kept)
		e.buf = kept
		e.mu.Unlock()
		e.m.dropped(reasonUnencodable, int64(dropped))
		changed = changed || dropped > 0
	}
	return changed
}

// remove drops the first n buffered events (a batch the collector
// answered) and, room having returned, places the open buffer gaps.
func (e *exporter) remove(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	n = min(n, len(e.buf))
	clear(e.buf[:n])
	e.buf = e.buf[n:]
	if len(e.buf) > 0 {
		e.oldest = time.Now() // the rest was added after the batch; send it within an interval
	}
	if len(e.buf) < e.cfg.BufferEvents {
		e.placeGaps()
	}
	e.backlog.freed(len(e.buf) <= e.cfg.BufferEvents/2)
}

// isPermanent reports whether retrying a batch that failed with code cannot
// help: INVALID_ARGUMENT means the collector judged and refused every event
// (or the request as a whole); the authentication codes and UNIMPLEMENTED
// cannot change within one tap process.
func isPermanent(code codes.Code) bool {
	switch code {
	case codes.InvalidArgument, codes.Unauthenticated, codes.PermissionDenied, codes.Unimplemented:
		return true
	}
	return false
}
