package tap

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

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

// dropLogEvery rate-limits the warning about dropped events.
const dropLogEvery = 5 * time.Second

// exporter batches events and sends them to the collector. Add never
// blocks; run owns the sending goroutine.
type exporter struct {
	client exportClient
	cfg    Config
	logger *slog.Logger
	m      *metrics

	mu          sync.Mutex
	buf         []*eventv1.Event
	oldest      time.Time // when the oldest buffered event was added
	dropsToLog  int64
	lastDropLog time.Time

	failing bool // the last Export failed retryably; touched only by run

	wake    chan struct{} // capacity 1
	closing chan struct{} // closed by close: drain and return
}

func newExporter(client exportClient, cfg Config, logger *slog.Logger, m *metrics) *exporter {
	return &exporter{
		client:  client,
		cfg:     cfg,
		logger:  logger,
		m:       m,
		wake:    make(chan struct{}, 1),
		closing: make(chan struct{}),
	}
}

// add buffers evs for sending. Events beyond Config.BufferEvents are
// dropped, counted and logged (rate-limited).
func (e *exporter) add(evs []*eventv1.Event) {
	e.mu.Lock()
	room := e.cfg.BufferEvents - len(e.buf)
	keep := min(max(room, 0), len(evs))
	if len(e.buf) == 0 && keep > 0 {
		e.oldest = time.Now()
	}
	e.buf = append(e.buf, evs[:keep]...)
	dropped := int64(len(evs) - keep)
	n := len(e.buf)
	var logDrops int64
	if dropped > 0 {
		e.dropsToLog += dropped
		if now := time.Now(); now.Sub(e.lastDropLog) >= dropLogEvery {
			logDrops, e.dropsToLog, e.lastDropLog = e.dropsToLog, 0, now
		}
	}
	e.mu.Unlock()
	if dropped > 0 {
		e.m.dropped(reasonBufferFull, dropped)
	}
	if logDrops > 0 {
		e.logger.Warn("event buffer full, dropping events", "dropped", logDrops, "buffer_events", e.cfg.BufferEvents)
	}
	if n >= e.cfg.BatchSize || n == keep { // a full batch, or the first event of an empty buffer
		select {
		case e.wake <- struct{}{}:
		default:
		}
	}
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
			if left > 0 {
				e.m.dropped(reasonUnsent, left)
				e.logger.Warn("flush timeout, dropping unsent events", "dropped", left)
			}
			return
		}
		delay, err := e.send(ctx, batch)
		switch {
		case err == nil:
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
		e.mu.Lock()
		n, oldest := len(e.buf), e.oldest
		e.mu.Unlock()
		closing := false
		select {
		case <-e.closing:
			closing = true
		default:
		}
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

// takeBatch copies the oldest events into a batch of at most BatchSize
// events and MaxBatchBytes bytes (at least one event). e.mu must be held.
func (e *exporter) takeBatch() []*eventv1.Event {
	var batch []*eventv1.Event
	size := 0
	for _, ev := range e.buf[:min(len(e.buf), e.cfg.BatchSize)] {
		n := proto.Size(ev)
		if len(batch) > 0 && size+n > e.cfg.MaxBatchBytes {
			break
		}
		batch = append(batch, ev)
		size += n
	}
	return batch
}

// send exports one batch. On success or a final failure it removes the batch
// from the buffer and returns a nil error (final failures are counted as
// rejected); on a retryable failure it returns the error and the delay the
// collector advised (0 if none).
func (e *exporter) send(ctx context.Context, batch []*eventv1.Event) (time.Duration, error) {
	cctx, cancel := context.WithTimeout(ctx, e.cfg.ExportTimeout)
	if e.cfg.Token != "" {
		cctx = metadata.AppendToOutgoingContext(cctx, "authorization", "Bearer "+e.cfg.Token)
	}
	start := time.Now()
	_, err := e.client.Export(cctx, &ingestv1.ExportRequest{Events: batch})
	cancel()
	e.m.exportSeconds.Observe(time.Since(start).Seconds())
	if err == nil {
		if e.failing {
			e.failing = false
			e.logger.Info("collector available again", "collector", e.cfg.Collector)
		}
		e.remove(len(batch))
		e.m.sent.Add(float64(len(batch)))
		e.m.sentCount.Add(int64(len(batch)))
		return 0, nil
	}
	st := status.Convert(err)
	if isFinal(st.Code()) {
		e.remove(len(batch))
		e.m.rejected.Add(float64(len(batch)))
		e.m.rejectedCount.Add(int64(len(batch)))
		e.logger.Error("collector rejected batch", "code", st.Code().String(), "message", st.Message(), "events", len(batch))
		return 0, nil
	}
	e.m.exportErrors.WithLabelValues(st.Code().String()).Inc()
	if !e.failing {
		e.failing = true
		e.logger.Warn("collector unavailable, buffering events", "collector", e.cfg.Collector, "code", st.Code().String(), "message", st.Message())
	}
	e.logger.Debug("export failed, will retry", "code", st.Code().String(), "message", st.Message(), "events", len(batch))
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok && ri.GetRetryDelay() != nil {
			return min(ri.GetRetryDelay().AsDuration(), maxRetryDelay), err
		}
	}
	if err == nil {
		err = errors.New("export failed")
	}
	return 0, err
}

func (e *exporter) remove(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	n = min(n, len(e.buf))
	clear(e.buf[:n])
	e.buf = e.buf[n:]
	if len(e.buf) > 0 {
		e.oldest = time.Now() // the rest was added after the batch; send it within an interval
	}
}

// isFinal reports whether retrying a batch that failed with code cannot
// help. INVALID_ARGUMENT names the offending field; the authentication codes
// cannot change within one tap process.
func isFinal(code codes.Code) bool {
	switch code {
	case codes.InvalidArgument, codes.Unauthenticated, codes.PermissionDenied, codes.Unimplemented:
		return true
	}
	return false
}
