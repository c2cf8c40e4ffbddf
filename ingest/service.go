package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/prometheus/client_golang/prometheus"
	kafkago "github.com/segmentio/kafka-go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/mcpaudit/mcpaudit/internal/apierr"
	"github.com/mcpaudit/mcpaudit/internal/auth"
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
}

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
		cfg:      cfg,
		w:        w,
		authn:    authn,
		redactor: secrets.NewRedactor(),
		logger:   logger,
		m:        m,
		now:      time.Now,
		sem:      make(chan struct{}, cfg.MaxInflightBatches),
	}, nil
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

// Export validates the batch, stamps tenant, ids and received time, redacts
// secrets, writes one Kafka message per event and returns once Kafka
// acknowledged all of them. Errors are gRPC statuses: UNAUTHENTICATED,
// INVALID_ARGUMENT (nothing written; the message and a BadRequest detail
// name the field), RESOURCE_EXHAUSTED (too many calls in flight) and
// UNAVAILABLE (Kafka did not acknowledge in time, or shutting down), the
// last two with RetryInfo advice.
func (s *Service) Export(ctx context.Context, req *ingestv1.ExportRequest) (resp *ingestv1.ExportResponse, err error) {
	start := time.Now()
	n := len(req.GetEvents())
	defer func() {
		code := status.Code(err)
		s.m.batches.WithLabelValues(code.String()).Inc()
		s.m.duration.Observe(time.Since(start).Seconds())
		if err != nil {
			s.m.rejected.Add(float64(n))
		} else {
			s.m.accepted.Add(float64(n))
		}
	}()

	id, err := s.authn.Authenticate(ctx)
	if err != nil {
		s.logger.Info("ingest export unauthenticated", "events", n, "error", err)
		return nil, status.Error(codes.Unauthenticated, err.Error())
	}
	if s.closing.Load() {
		return nil, apierr.Unavailable(codes.Unavailable, "collector is shutting down: retry later", retryAfterSeconds)
	}
	select {
	case s.sem <- struct{}{}:
		s.m.inflight.Inc()
		defer func() { <-s.sem; s.m.inflight.Dec() }()
	default:
		s.logger.Warn("ingest export refused: too many batches in flight", "tenant", id.Tenant, "events", n, "max_inflight_batches", s.cfg.MaxInflightBatches)
		return nil, apierr.Unavailable(codes.ResourceExhausted, fmt.Sprintf("more than %d batches in flight: retry later", s.cfg.MaxInflightBatches), retryAfterSeconds)
	}

	now := s.now()
	events := req.GetEvents()
	if err := (validator{cfg: s.cfg, now: now}).validateBatch(events); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			s.logger.Info("ingest export rejected", "tenant", id.Tenant, "events", n, "field", fe.Field, "reason", fe.Reason)
			return nil, apierr.InvalidArgument(fe.Field, fe.Reason)
		}
		return nil, status.Error(codes.Internal, "validate batch")
	}

	msgs, ids, err := s.prepare(id.Tenant, now, events)
	if err != nil {
		s.logger.Error("ingest prepare failed", "tenant", id.Tenant, "events", n, "error", err)
		return nil, status.Error(codes.Internal, "encode events")
	}

	wctx, cancel := context.WithTimeout(ctx, s.cfg.WriteTimeout)
	defer cancel()
	if err := s.w.WriteMessages(wctx, msgs...); err != nil {
		return nil, s.writeError(ctx, id.Tenant, n, err)
	}
	return &ingestv1.ExportResponse{AcceptedCount: int64(n), EventIds: ids}, nil
}

// prepare stamps and redacts the validated events in place and encodes one
// Kafka message per event. It returns the messages and the event ids in
// request order.
func (s *Service) prepare(tenant string, now time.Time, events []*eventv1.Event) ([]kafkago.Message, []string, error) {
	received := timestamppb.New(now)
	msgs := make([]kafkago.Message, len(events))
	ids := make([]string, len(events))
	found := func(kind string) { s.m.redactions.WithLabelValues(kind).Inc() }
	mo := proto.MarshalOptions{Deterministic: true}
	for i, ev := range events {
		if ev.GetEventId() == "" {
			u, err := uuid.NewV7()
			if err != nil {
				return nil, nil, fmt.Errorf("event id: %w", err)
			}
			ev.EventId = u.String()
		} else {
			// Validated already; this only lowercases.
			canon, err := parseEventID(ev.GetEventId())
			if err != nil {
				return nil, nil, fmt.Errorf("event id: %w", err)
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
		val, err := mo.Marshal(ev)
		if err != nil {
			return nil, nil, fmt.Errorf("marshal event %d: %w", i, err)
		}
		ids[i] = ev.EventId
		msgs[i] = kafkago.Message{
			Key:     kafka.Key(tenant, ev.GetSession().GetId()),
			Value:   val,
			Headers: []kafkago.Header{{Key: kafka.HeaderEventID, Value: []byte(ev.EventId)}},
		}
	}
	return msgs, ids, nil
}

// redactEvent masks secrets in the fields that carry tool and message
// payloads: tool arguments, tool result text and structured content, and
// the raw message.
func (s *Service) redactEvent(ev *eventv1.Event, found func(string)) {
	if tc := ev.GetToolCall(); tc != nil {
		tc.ArgumentsJson = s.redactor.Redact(tc.GetArgumentsJson(), found)
		if res := tc.GetResult(); res != nil {
			res.Text = s.redactor.Redact(res.GetText(), found)
			res.StructuredContentJson = s.redactor.Redact(res.GetStructuredContentJson(), found)
		}
	}
	if len(ev.GetRaw()) > 0 {
		raw := string(ev.GetRaw())
		if red := s.redactor.Redact(raw, found); red != raw {
			ev.Raw = []byte(red)
		}
	}
}

// writeError maps a failed Kafka write to the status the caller sees.
func (s *Service) writeError(ctx context.Context, tenant string, n int, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		// The caller gave up (cancelled or its own deadline passed).
		s.logger.Info("ingest export abandoned by caller", "tenant", tenant, "events", n, "error", err)
		return status.FromContextError(ctxErr).Err()
	}
	if i, ok := tooLargeIndex(err); ok {
		s.logger.Warn("ingest event too large for kafka", "tenant", tenant, "events", n, "index", i, "error", err)
		return apierr.InvalidArgument(fmt.Sprintf("events[%d]", i), "event too large for the Kafka broker")
	}
	s.logger.Warn("ingest kafka write failed", "tenant", tenant, "events", n, "error", err)
	return apierr.Unavailable(codes.Unavailable, "event log unavailable: retry later", retryAfterSeconds)
}

// tooLargeIndex reports whether err says a message exceeded the producer's
// or the broker's size limit, and the index of the first such message (0
// when kafka-go did not say which).
func tooLargeIndex(err error) (int, bool) {
	isTooLarge := func(e error) bool {
		var mtl kafkago.MessageTooLargeError
		return errors.As(e, &mtl) || errors.Is(e, kafkago.MessageSizeTooLarge)
	}
	var werrs kafkago.WriteErrors
	if errors.As(err, &werrs) {
		for i, e := range werrs {
			if e != nil && isTooLarge(e) {
				return i, true
			}
		}
		return 0, false
	}
	return 0, isTooLarge(err)
}
