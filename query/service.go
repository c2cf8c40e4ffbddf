package query

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/mcpaudit/mcpaudit/internal/apierr"
	"github.com/mcpaudit/mcpaudit/internal/auth"
	queryv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/query/v1"
)

// reader is the part of a ClickHouse connection the Service uses.
// clickhouse-go's driver.Conn satisfies it.
type reader interface {
	Query(ctx context.Context, query string, args ...any) (driver.Rows, error)
}

var _ reader = driver.Conn(nil)

// authenticator identifies the caller of a request; *auth.Authenticator
// satisfies it.
type authenticator interface {
	Authenticate(ctx context.Context) (auth.Identity, error)
}

var (
	_ authenticator              = (*auth.Authenticator)(nil)
	_ queryv1.QueryServiceServer = (*Service)(nil)
)

// retryAfterSeconds is the retry advice sent with UNAVAILABLE when ClickHouse
// cannot be reached.
const retryAfterSeconds = 5

// Service implements queryv1.QueryServiceServer over the ClickHouse tables
// the store role writes. Register it with RegisterGRPC and RegisterGateway.
// Its methods are safe for concurrent use.
type Service struct {
	queryv1.UnimplementedQueryServiceServer

	cfg    Config
	conn   reader
	authn  authenticator
	logger *slog.Logger
	now    func() time.Time

	requests      *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	payloadErrors prometheus.Counter
}

// New returns a Service reading through conn (a connection to the database
// holding the events and alerts tables, as store.Open returns) and
// authenticating callers with authn. Metrics are registered with reg unless
// it is nil. It returns cfg's Validate error, or an error when conn, authn or
// the metrics cannot be used.
func New(cfg Config, conn driver.Conn, authn *auth.Authenticator, logger *slog.Logger, reg prometheus.Registerer) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if conn == nil {
		return nil, errors.New("query: nil clickhouse connection")
	}
	if authn == nil {
		return nil, errors.New("query: nil authenticator")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{
		cfg:    cfg,
		conn:   conn,
		authn:  authn,
		logger: logger,
		now:    time.Now,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcpaudit_query_requests_total",
			Help: "Query API requests by RPC method and gRPC status code.",
		}, []string{"method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mcpaudit_query_duration_seconds",
			Help:    "Time to serve a query API request, by RPC method.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 15),
		}, []string{"method"}),
		payloadErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mcpaudit_query_payload_decode_errors_total",
			Help: "Stored rows whose payload did not decode; they are rebuilt from their columns.",
		}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{s.requests, s.duration, s.payloadErrors} {
			if err := reg.Register(c); err != nil {
				return nil, fmt.Errorf("register query metrics: %w", err)
			}
		}
	}
	return s, nil
}

// RegisterGRPC registers the Service as QueryService on srv.
func (s *Service) RegisterGRPC(srv *grpc.Server) {
	queryv1.RegisterQueryServiceServer(srv, s)
}

// RegisterGateway registers the REST routes of QueryService (GET /v1/alerts,
// /v1/alerts/{alert_id}, /v1/sessions, /v1/sessions/{session_id}/events) on
// mux, served in-process without a gRPC hop. The HTTP Authorization header
// reaches Authenticate as gRPC metadata. Build mux with
// runtime.WithErrorHandler(apierr.HTTPErrorHandler) for problem+json errors.
func (s *Service) RegisterGateway(ctx context.Context, mux *runtime.ServeMux) error {
	if err := queryv1.RegisterQueryServiceHandlerServer(ctx, mux, s); err != nil {
		return fmt.Errorf("register query gateway: %w", err)
	}
	return nil
}

// Run blocks until ctx is done and returns nil. The Service has no
// background work: requests are owned by the gRPC and HTTP servers, which
// drain them on their own shutdown.
func (s *Service) Run(ctx context.Context) error {
	<-ctx.Done()
	return nil
}

// observe records one request's outcome in the metrics.
func (s *Service) observe(method string, start time.Time, err error) {
	s.requests.WithLabelValues(method, status.Code(err).String()).Inc()
	s.duration.WithLabelValues(method).Observe(time.Since(start).Seconds())
}

// tenant returns the caller's tenant, or an UNAUTHENTICATED status.
func (s *Service) tenant(ctx context.Context) (string, error) {
	id, err := s.authn.Authenticate(ctx)
	if err != nil {
		return "", status.Error(codes.Unauthenticated, err.Error())
	}
	return id.Tenant, nil
}

// storageError logs a failed ClickHouse call and returns the status the
// client sees, which never carries SQL or server messages: CANCELLED or
// DEADLINE_EXCEEDED when the caller's context ended, DEADLINE_EXCEEDED when
// the statement hit query_timeout, INTERNAL when ClickHouse rejected the
// statement, UNAVAILABLE (with retry advice) when it could not be reached.
func (s *Service) storageError(ctx context.Context, method string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return status.FromContextError(ctxErr).Err()
	}
	s.logger.ErrorContext(ctx, "clickhouse query failed", slog.String("method", method), slog.Any("error", err))
	var ex *clickhouse.Exception
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, "query timed out")
	case errors.As(err, &ex):
		return status.Error(codes.Internal, "query failed")
	default:
		return apierr.Unavailable(codes.Unavailable, "storage unavailable", retryAfterSeconds)
	}
}

// unmarshal decodes a stored payload into m. It returns false, after
// counting and logging, when the payload is empty or corrupt, so the caller
// falls back to the row's columns.
func (s *Service) unmarshal(ctx context.Context, table, id string, payload []byte, m proto.Message) bool {
	if len(payload) == 0 {
		return false
	}
	if err := proto.Unmarshal(payload, m); err != nil {
		s.payloadErrors.Inc()
		s.logger.WarnContext(ctx, "stored payload does not decode", slog.String("table", table), slog.String("id", id), slog.Any("error", err))
		return false
	}
	return true
}
