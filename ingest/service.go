package ingest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/prometheus/client_golang/prometheus"
	kafkago "github.com/segmentio/kafka-go"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/mcpaudit/mcpaudit/ingest/mcpwire"
	"github.com/mcpaudit/mcpaudit/internal/apierr"
	"github.com/mcpaudit/mcpaudit/internal/auth"
	"github.com/mcpaudit/mcpaudit/internal/fieldpath"
	"github.com/mcpaudit/mcpaudit/internal/kafka"
	"github.com/mcpaudit/mcpaudit/internal/secrets"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	ingestv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/ingest/v1"
)

// retryAfterSeconds is the retry advice given with UNAVAILABLE and
// RESOURCE_EXHAUSTED.
const retryAfterSeconds = 1

// MessageWriter writes messages to the events topic and returns only after
// the broker acknowledged all of them, or with an error. *kafkago.Writer as
// built by kafka.NewWriter (acks=all, synchronous) satisfies it.
type MessageWriter interface {
	WriteMessages(ctx context.Context, msgs ...kafkago.Message) error
}

var (
	_ MessageWriter                = (*kafkago.Writer)(nil)
	_ ingestv1.IngestServiceServer = (*Service)(nil)
)

// Service is the collector: it implements ingestv1.IngestServiceServer over
// gRPC and, through grpc-gateway, REST. It is safe for concurrent use.
type Service struct {
	ingestv1.UnimplementedIngestServiceServer

	cfg      Config
	w        MessageWriter
	authn    *auth.Authenticator
	redactor *secrets.Redactor
	logger   *slog.Logger
	m        *metrics
	now      func() time.Time

	// sem holds one token per Export in progress; its capacity is
	// cfg.MaxInflightBatches.
	sem     chan struct{}
	closing atomic.Bool

	// Samplers of the per-batch log records about events, so that a flood
	// of bad batches logs once per logInterval.
	rejectLog, truncateLog, tooLargeLog logSampler
}

// logInterval is how often each per-batch event log record may be written.
const logInterval = time.Second

// maxViolations bounds the field violations listed in a response
// (ExportPartialSuccess.field_violations, google.rpc.BadRequest); the counts
// cover them all.
const maxViolations = 100

// messageSizeMargin is kept free below Config.MaxMessageBytes in every Kafka
// message, so that a later kafka-go counting a few more framing bytes than
// kafka.MessageSize still takes the message.
const messageSizeMargin = 1 << 10

// harderDivisor divides an event's size budget when Kafka refused its message
// as too large despite fitting: the retry shortens it to a quarter.
const harderDivisor = 4

// New returns a collector writing to w and authenticating callers with
// authn. It returns the Config.Validate error, or a metric registration
// error when reg (which may be nil: no metrics registered) already holds
// the collector's series.
func New(cfg Config, w MessageWriter, authn *auth.Authenticator, logger *slog.Logger, reg prometheus.Registerer) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if w == nil {
		return nil, errors.New("ingest: nil message writer")
	}
	if authn == nil {
		return nil, errors.New("ingest: nil authenticator")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	return &Service{
		cfg:         cfg,
		w:           w,
		authn:       authn,
		redactor:    secrets.NewRedactor().WithFingerprints(fingerprintKey(cfg.FingerprintKey)),
		logger:      logger,
		m:           m,
		now:         time.Now,
		sem:         make(chan struct{}, cfg.MaxInflightBatches),
		rejectLog:   logSampler{interval: logInterval},
		truncateLog: logSampler{interval: logInterval},
		tooLargeLog: logSampler{interval: logInterval},
	}, nil
}

// fingerprintKey returns the configured redaction fingerprint key, or 32
// random bytes.
func fingerprintKey(k string) []byte {
	if k != "" {
		return []byte(k)
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return b
}

// RegisterGRPC registers the IngestService on s.
func (s *Service) RegisterGRPC(gs *grpc.Server) { ingestv1.RegisterIngestServiceServer(gs, s) }

// RegisterGateway registers the REST mapping (POST /v1/events:export) on mux,
// calling the Service in-process. The gateway forwards the HTTP
// Authorization header as gRPC metadata, so REST callers authenticate the
// same way. Build mux with runtime.WithErrorHandler(apierr.HTTPErrorHandler)
// and a protojson marshaler with DiscardUnknown false, so unknown JSON fields
// are refused (grpc-gateway's default drops them silently).
func (s *Service) RegisterGateway(ctx context.Context, mux *runtime.ServeMux) error {
	if err := ingestv1.RegisterIngestServiceHandlerServer(ctx, mux, s); err != nil {
		return fmt.Errorf("register ingest gateway: %w", err)
	}
	return nil
}

// Run blocks until ctx is done, then refuses new Export calls with
// UNAVAILABLE and waits up to Config.DrainTimeout for those in flight to
// finish. It returns nil; the writer is closed by its owner afterwards.
func (s *Service) Run(ctx context.Context) error {
	<-ctx.Done()
	s.closing.Store(true)
	timer := time.NewTimer(s.cfg.DrainTimeout)
	defer timer.Stop()
	for range cap(s.sem) {
		select {
		case s.sem <- struct{}{}:
		case <-timer.C:
			s.logger.Warn("ingest drain timed out", "inflight", len(s.sem), "drain_timeout", s.cfg.DrainTimeout)
			return nil
		}
	}
	s.logger.Info("ingest drained")
	return nil
}

// outcome counts what became of a batch's events, for the metrics.
type outcome struct {
	complete, truncated, invalid int
	// fail is the rejected-event reason of the other events when the call
	// failed; "" when it did not.
	fail string
}

// Export judges each event of the batch on its own, stamps tenant, ids and
// received time on the valid ones, redacts secrets, shortens what is too
// large, writes one Kafka message per valid event and returns once Kafka
// acknowledged all of them (see the package documentation for the
// contract). Rejected events are reported in ExportResponse.partial_success.
// Errors are gRPC statuses: UNAUTHENTICATED; INVALID_ARGUMENT when the
// request as a whole is invalid or every event was rejected (nothing
// written; a BadRequest detail lists the fields); RESOURCE_EXHAUSTED (too
// many calls in flight) and UNAVAILABLE (Kafka did not acknowledge, or
// shutting down), the last two with RetryInfo advice.
func (s *Service) Export(ctx context.Context, req *ingestv1.ExportRequest) (resp *ingestv1.ExportResponse, err error) {
	start := time.Now()
	events := req.GetEvents()
	n := len(events)
	var out outcome
	defer func() {
		s.m.batches.WithLabelValues(status.Code(err).String()).Inc()
		s.m.duration.Observe(time.Since(start).Seconds())
		s.record(n, out)
	}()

	id, err := s.authn.Authenticate(ctx)
	if err != nil {
		out.fail = reasonUnauthenticated
		s.logger.Info("ingest export unauthenticated", "events", n, "error", err)
		return nil, status.Error(codes.Unauthenticated, err.Error())
	}
	if s.closing.Load() {
		out.fail = reasonUnavailable
		return nil, apierr.Unavailable(codes.Unavailable, "collector is shutting down: retry later", retryAfterSeconds)
	}
	select {
	case s.sem <- struct{}{}:
		s.m.inflight.Inc()
		defer func() { <-s.sem; s.m.inflight.Dec() }()
	default:
		out.fail = reasonResourceExhausted
		s.logger.Warn("ingest export refused: too many batches in flight", "tenant", id.Tenant, "events", n, "max_inflight_batches", s.cfg.MaxInflightBatches)
		return nil, apierr.Unavailable(codes.ResourceExhausted, fmt.Sprintf("more than %d batches in flight: retry later", s.cfg.MaxInflightBatches), retryAfterSeconds)
	}

	now := s.now()
	v := validator{cfg: s.cfg, now: now}
	if fe := v.checkRequest(events); fe != nil {
		out.fail = reasonInvalidRequest
		if ok, held := s.rejectLog.allow(time.Now()); ok {
			s.logger.Info("ingest export rejected", "tenant", id.Tenant, "events", n, "field", fe.Field, "reason", fe.Reason, "suppressed", held)
		}
		return nil, invalidArgument(fe.Error(), []*FieldError{fe})
	}
	verdicts := make([]*FieldError, n)
	for i, ev := range events {
		if fe := v.checkEvent(ev); fe != nil {
			verdicts[i] = fe.under(eventPath(i))
		}
	}
	if rejected := collectRejected(verdicts); len(rejected) == n {
		out.invalid = n
		s.logRejected(id.Tenant, n, rejected)
		return nil, invalidArgument(rejectionSummary(n, rejected), rejected)
	}

	batch, err := s.prepare(id.Tenant, now, events, verdicts)
	if err != nil {
		out.fail = reasonInternal
		s.logger.Error("ingest prepare failed", "tenant", id.Tenant, "events", n, "error", err)
		return nil, status.Error(codes.Internal, "encode events")
	}
	rejected := collectRejected(verdicts)
	out.invalid = len(rejected)
	if len(rejected) > 0 {
		s.logRejected(id.Tenant, n, rejected)
	}
	if len(batch) == 0 {
		return nil, invalidArgument(rejectionSummary(n, rejected), rejected)
	}

	if err := s.write(ctx, id.Tenant, batch); err != nil {
		out.fail = reasonUnavailable
		if status.Code(err) == codes.Canceled || status.Code(err) == codes.DeadlineExceeded {
			out.fail = reasonCancelled
		}
		return nil, err
	}

	resp = &ingestv1.ExportResponse{AcceptedCount: int64(len(batch)), EventIds: make([]string, n)}
	var truncated []string
	for _, p := range batch {
		resp.EventIds[p.index] = p.ev.GetEventId()
		if p.truncated {
			out.truncated++
			truncated = append(truncated, p.ev.GetEventId())
		} else {
			out.complete++
		}
	}
	if len(truncated) > 0 {
		if ok, held := s.truncateLog.allow(time.Now()); ok {
			s.logger.Info("ingest events truncated", "tenant", id.Tenant, "events", n, "truncated", len(truncated), "event_id", truncated[0], "suppressed", held)
		}
	}
	if len(rejected) > 0 {
		resp.PartialSuccess = &ingestv1.ExportPartialSuccess{
			RejectedEvents:  int64(len(rejected)),
			ErrorMessage:    rejectionSummary(n, rejected),
			FieldViolations: fieldViolations(rejected),
		}
	}
	return resp, nil
}

// fieldViolations lists the first maxViolations rejections for
// ExportPartialSuccess.
func fieldViolations(rejected []*FieldError) []*ingestv1.FieldViolation {
	vs := make([]*ingestv1.FieldViolation, 0, min(len(rejected), maxViolations))
	for _, fe := range rejected[:min(len(rejected), maxViolations)] {
		vs = append(vs, &ingestv1.FieldViolation{Field: fe.Field, Description: fe.Reason})
	}
	return vs
}

// record adds a finished call's events to mcpaudit_ingest_events_total and
// its violations to mcpaudit_ingest_event_violations_total.
func (s *Service) record(n int, out outcome) {
	if out.invalid > 0 {
		s.m.events.WithLabelValues(resultRejected, reasonInvalidEvent).Add(float64(out.invalid))
	}
	if out.fail != "" {
		if rest := n - out.invalid; rest > 0 {
			s.m.events.WithLabelValues(resultRejected, out.fail).Add(float64(rest))
		}
		return
	}
	if out.complete > 0 {
		s.m.events.WithLabelValues(resultAccepted, reasonComplete).Add(float64(out.complete))
	}
	if out.truncated > 0 {
		s.m.events.WithLabelValues(resultAccepted, reasonTruncated).Add(float64(out.truncated))
	}
}

// logRejected counts the violations by field and logs the first, at most
// once per logInterval.
func (s *Service) logRejected(tenant string, n int, rejected []*FieldError) {
	for _, fe := range rejected {
		s.m.violations.WithLabelValues(violationLabel(fe.Field)).Inc()
	}
	if ok, held := s.rejectLog.allow(time.Now()); ok {
		s.logger.Info("ingest events rejected", "tenant", tenant, "events", n, "rejected", len(rejected), "field", rejected[0].Field, "reason", rejected[0].Reason, "suppressed", held)
	}
}

// violationLabel returns the metric label for a violation's field: its path
// in the event without indexes (`session.id`), `event` for the event itself.
func violationLabel(field string) string {
	if i := strings.IndexByte(field, '.'); i >= 0 {
		return fieldpath.Normalize(field[i+1:])
	}
	return "event"
}

// collectRejected returns the non-nil verdicts, in request order.
func collectRejected(verdicts []*FieldError) []*FieldError {
	var out []*FieldError
	for _, fe := range verdicts {
		if fe != nil {
			out = append(out, fe)
		}
	}
	return out
}

// rejectionSummary is the message that names the first rejected field:
// "2 of 5 events rejected; first: events[3].session.id: required".
func rejectionSummary(n int, rejected []*FieldError) string {
	return fmt.Sprintf("%d of %d events rejected; first: %s", len(rejected), n, rejected[0].Error())
}

// invalidArgument returns INVALID_ARGUMENT with msg and a
// google.rpc.BadRequest detail listing the first maxViolations violations.
// (apierr.InvalidArguments builds it.)
func invalidArgument(msg string, violations []*FieldError) error {
	fvs := make([]*errdetails.BadRequest_FieldViolation, 0, min(len(violations), maxViolations))
	for _, fe := range violations[:min(len(violations), maxViolations)] {
		fvs = append(fvs, &errdetails.BadRequest_FieldViolation{Field: fe.Field, Description: fe.Reason})
	}
	return apierr.InvalidArguments(msg, fvs...)
}

// prepared is one accepted event, ready to be written.
type prepared struct {
	index     int // position in the request
	ev        *eventv1.Event
	msg       kafkago.Message
	budget    int  // the most bytes its encoded event may take
	truncated bool // the collector shortened it
	sh        shortener
}

// prepare stamps, redacts and shortens the events that passed validation,
// in place, and encodes one Kafka message for each. An event that cannot be
// shortened to fit (only with a max_message_bytes too small for its fixed
// fields) gets a verdict instead. It returns the prepared events in request
// order; an error is a collector bug.
func (s *Service) prepare(tenant string, now time.Time, events []*eventv1.Event, verdicts []*FieldError) ([]*prepared, error) {
	received := timestamppb.New(now)
	found := func(kind string) { s.m.redactions.WithLabelValues(kind).Inc() }
	out := make([]*prepared, 0, len(events))
	for i, ev := range events {
		if verdicts[i] != nil {
			continue
		}
		if ev.GetEventId() == "" {
			u, err := uuid.NewV7()
			if err != nil {
				return nil, fmt.Errorf("event id: %w", err)
			}
			ev.EventId = u.String()
		} else {
			// Validated already; this only lowercases.
			canon, err := parseEventID(ev.GetEventId())
			if err != nil {
				return nil, fmt.Errorf("event id: %w", err)
			}
			ev.EventId = canon
		}
		ev.TenantId = tenant
		ev.ReceivedTime = received
		if !s.cfg.CaptureRaw {
			ev.Raw = nil
		}
		if s.cfg.Redact {
			s.redactEvent(ev, found)
		}
		p := &prepared{index: i, ev: ev, sh: shortener{ev: ev, m: s.m}}
		// Caps first: they may shorten session.id, which the key holds.
		p.sh.capFields(s.cfg)
		p.msg = kafkago.Message{
			Key:     kafka.Key(tenant, ev.GetSession().GetId()),
			Headers: []kafkago.Header{{Key: kafka.HeaderEventID, Value: []byte(ev.EventId)}},
		}
		p.budget = min(s.cfg.MaxEventBytes, s.cfg.messageBytes()-kafka.MessageSize(p.msg)-messageSizeMargin)
		if err := s.encode(p, p.budget); err != nil {
			var fe *FieldError
			if errors.As(err, &fe) {
				verdicts[i] = fe.under(eventPath(i))
				continue
			}
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// encode shortens p's event to at most budget bytes and encodes it into
// p.msg.Value. A *FieldError says it cannot fit.
func (s *Service) encode(p *prepared, budget int) error {
	size, ok := p.sh.fit(budget)
	p.truncated = p.sh.changed
	if !ok {
		s.logger.Error("ingest event does not fit a kafka message even shortened", "event_id", p.ev.GetEventId(), "size_bytes", size, "budget_bytes", budget, "max_message_bytes", s.cfg.messageBytes())
		return fieldErr("", "%d bytes encoded after shortening every field, at most %d fit in a Kafka message (ingest.max_message_bytes)", size, budget)
	}
	// fit measured the event last: reuse that size instead of measuring again.
	val, err := proto.MarshalOptions{Deterministic: true, UseCachedSize: true}.MarshalAppend(make([]byte, 0, size), p.ev)
	if err != nil {
		return fmt.Errorf("marshal event %d: %w", p.index, err)
	}
	p.msg.Value = val
	return nil
}

// redactEvent masks secrets in the fields that carry tool and message
// payloads: tool arguments, tool result text and structured content,
// resource and prompt text, prompt arguments, sampling prompts and text,
// elicitation messages, server instructions, the raw message and the
// prefix of an invalid frame. JSON fields that hold the
// truncation marker are redacted inside its prefix.
func (s *Service) redactEvent(ev *eventv1.Event, found func(string)) {
	if tc := ev.GetToolCall(); tc != nil {
		tc.ArgumentsJson = s.redactJSON(tc.GetArgumentsJson(), found)
		if res := tc.GetResult(); res != nil {
			res.Text = s.redactor.Redact(res.GetText(), found)
			res.StructuredContentJson = s.redactJSON(res.GetStructuredContentJson(), found)
		}
	}
	if r := ev.GetResource(); r != nil {
		r.Text = s.redactor.Redact(r.GetText(), found)
	}
	if p := ev.GetPrompt(); p != nil {
		for k, v := range p.GetArguments() {
			p.Arguments[k] = s.redactor.Redact(v, found)
		}
		p.Text = s.redactor.Redact(p.GetText(), found)
	}
	if sm := ev.GetSampling(); sm != nil {
		sm.SystemPrompt = s.redactor.Redact(sm.GetSystemPrompt(), found)
		sm.Text = s.redactor.Redact(sm.GetText(), found)
	}
	if el := ev.GetElicitation(); el != nil {
		el.Message = s.redactor.Redact(el.GetMessage(), found)
	}
	ev.Instructions = s.redactor.Redact(ev.GetInstructions(), found)
	ev.Raw = s.redactBytes(ev.GetRaw(), found)
	if f := ev.GetInvalidFrame(); f != nil {
		f.Prefix = s.redactBytes(f.GetPrefix(), found)
	}
}

// redactJSON redacts JSON text; a truncation marker's prefix is JSON text
// escaped inside a JSON string, so it is unwrapped, redacted and wrapped
// again.
func (s *Service) redactJSON(js string, found func(string)) string {
	if t, ok := mcpwire.ParseTruncatedJSON(js); ok {
		if red := s.redactor.Redact(t.Prefix, found); red != t.Prefix {
			t.Prefix = red
			return t.String()
		}
		return js
	}
	return s.redactor.Redact(js, found)
}

// redactBytes redacts b as text, returning b itself when it holds no secret.
func (s *Service) redactBytes(b []byte, found func(string)) []byte {
	if len(b) == 0 {
		return b
	}
	str := string(b)
	if red := s.redactor.Redact(str, found); red != str {
		return []byte(red)
	}
	return b
}

// write writes the batch and waits for Kafka's acknowledgement. When Kafka
// (the writer's own size check or the broker) refuses messages as too
// large, those are shortened to a quarter of their budget and written again,
// one at a time, once; if that fails too, or for any other failure, the
// call fails with UNAVAILABLE and retry advice: nothing is refused for size.
func (s *Service) write(ctx context.Context, tenant string, batch []*prepared) error {
	wctx, cancel := context.WithTimeout(ctx, s.cfg.WriteTimeout)
	defer cancel()
	msgs := make([]kafkago.Message, len(batch))
	for i, p := range batch {
		msgs[i] = p.msg
	}
	err := s.w.WriteMessages(wctx, msgs...)
	if err == nil {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return s.abandoned(tenant, len(batch), ctxErr, err)
	}
	failed, tooLarge := failedMessages(err, len(msgs))
	if !tooLarge {
		s.logger.Warn("ingest kafka write failed", "tenant", tenant, "events", len(batch), "failed", len(failed), "error", err)
		return apierr.Unavailable(codes.Unavailable, "event log unavailable: retry later", retryAfterSeconds)
	}
	s.m.tooLarge.Add(float64(len(failed)))
	if ok, held := s.tooLargeLog.allow(time.Now()); ok {
		s.logger.Warn("ingest kafka refused messages as too large: shortening and retrying", "tenant", tenant, "events", len(batch), "failed", len(failed), "max_message_bytes", s.cfg.messageBytes(), "suppressed", held, "error", err)
	}
	for _, i := range failed {
		p := batch[i]
		if err := s.encode(p, p.budget/harderDivisor); err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				return status.Error(codes.Internal, "encode events")
			}
			// Cannot shrink further: Kafka takes less than the fixed fields.
			return apierr.Unavailable(codes.Unavailable, "event log refuses messages this small: retry later", retryAfterSeconds)
		}
		if err := s.w.WriteMessages(wctx, p.msg); err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return s.abandoned(tenant, len(batch), ctxErr, err)
			}
			s.logger.Error("ingest kafka write failed after shortening", "tenant", tenant, "event_id", p.ev.GetEventId(), "size_bytes", len(p.msg.Value), "max_message_bytes", s.cfg.messageBytes(), "error", err)
			return apierr.Unavailable(codes.Unavailable, "event log unavailable: retry later", retryAfterSeconds)
		}
	}
	return nil
}

// abandoned is the status of a write the caller gave up on (cancelled or
// its own deadline passed).
func (s *Service) abandoned(tenant string, n int, ctxErr, err error) error {
	s.logger.Info("ingest export abandoned by caller", "tenant", tenant, "events", n, "error", err)
	return status.FromContextError(ctxErr).Err()
}

// failedMessages returns the indexes of the messages a failed WriteMessages
// did not write (all of them unless kafka-go said which), and whether any
// was refused as too large, by the writer (kafkago.MessageTooLargeError:
// nothing was written) or by the broker (MESSAGE_TOO_LARGE).
func failedMessages(err error, n int) ([]int, bool) {
	isTooLarge := func(e error) bool {
		var mtl kafkago.MessageTooLargeError
		return errors.As(e, &mtl) || errors.Is(e, kafkago.MessageSizeTooLarge)
	}
	var werrs kafkago.WriteErrors
	if errors.As(err, &werrs) && len(werrs) == n {
		var failed []int
		tooLarge := false
		for i, e := range werrs {
			if e != nil {
				failed = append(failed, i)
				tooLarge = tooLarge || isTooLarge(e)
			}
		}
		return failed, tooLarge
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	return all, isTooLarge(err)
}
