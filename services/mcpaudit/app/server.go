package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/mcpaudit/mcpaudit/internal/apierr"
)

// maxMessageBytes bounds one gRPC message or REST body (64 MiB).
const maxMessageBytes = 64 << 20

// api is a gRPC service that also serves REST through grpc-gateway. The
// ingest and query roles satisfy it.
type api interface {
	RegisterGRPC(s *grpc.Server)
	RegisterGateway(ctx context.Context, mux *runtime.ServeMux) error
}

// apiServer serves the gRPC APIs of the roles in this process on one
// listener, and their REST mapping plus /healthz and /metrics on another.
type apiServer struct {
	grpcLis, httpLis net.Listener
	grpc             *grpc.Server
	http             *http.Server
	health           *health.Server
	logger           *slog.Logger
}

// newAPIServer binds grpcAddr and httpAddr (host:port; port 0 picks a free
// one) and registers apis on both, and readyz as GET /readyz.
func newAPIServer(ctx context.Context, grpcAddr, httpAddr string, apis []api, reg *prometheus.Registry, readyz http.Handler, logger *slog.Logger) (*apiServer, error) {
	grpcLis, err := net.Listen("tcp", grpcAddr)
	if err != nil {
		return nil, fmt.Errorf("grpc listen %s: %w", grpcAddr, err)
	}
	httpLis, err := net.Listen("tcp", httpAddr)
	if err != nil {
		grpcLis.Close()
		return nil, fmt.Errorf("http listen %s: %w", httpAddr, err)
	}
	gs := grpc.NewServer(grpc.MaxRecvMsgSize(maxMessageBytes))
	hs := health.NewServer()
	healthpb.RegisterHealthServer(gs, hs)
	mux := runtime.NewServeMux(
		runtime.WithErrorHandler(apierr.HTTPErrorHandler),
		runtime.WithMarshalerOption(runtime.MIMEWildcard, &runtime.JSONPb{
			MarshalOptions:   protojson.MarshalOptions{EmitUnpopulated: false},
			UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
		}),
	)
	for _, a := range apis {
		a.RegisterGRPC(gs)
		if err := a.RegisterGateway(ctx, mux); err != nil {
			grpcLis.Close()
			httpLis.Close()
			return nil, fmt.Errorf("register gateway: %w", err)
		}
	}
	root := http.NewServeMux()
	// REST bodies are bounded like gRPC messages; larger ones get 413.
	root.Handle("/v1/", http.MaxBytesHandler(mux, maxMessageBytes))
	root.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		resp, err := hs.Check(r.Context(), &healthpb.HealthCheckRequest{})
		if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			http.Error(w, "not serving", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	root.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	root.Handle("GET /readyz", readyz)
	hs.SetServingStatus("", healthpb.HealthCheckResponse_NOT_SERVING)
	return &apiServer{
		grpcLis: grpcLis,
		httpLis: httpLis,
		grpc:    gs,
		http:    &http.Server{Handler: root, ReadHeaderTimeout: 10 * time.Second},
		health:  hs,
		logger:  logger,
	}, nil
}

// GRPCAddr is the bound gRPC address.
func (s *apiServer) GRPCAddr() string { return s.grpcLis.Addr().String() }

// HTTPAddr is the bound HTTP address.
func (s *apiServer) HTTPAddr() string { return s.httpLis.Addr().String() }

// Run serves until ctx is done, then stops accepting calls and lets in-flight
// ones finish within drain.
func (s *apiServer) Run(ctx context.Context, drain time.Duration) error {
	errc := make(chan error, 2)
	go func() { errc <- s.grpc.Serve(s.grpcLis) }()
	go func() {
		if err := s.http.Serve(s.httpLis); !errors.Is(err, http.ErrServerClosed) {
			errc <- err
			return
		}
		errc <- nil
	}()
	s.health.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
		err = fmt.Errorf("api server: %w", err)
	}
	s.health.Shutdown()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drain)
	defer cancel()
	_ = s.http.Shutdown(sctx)
	stopped := make(chan struct{})
	go func() { s.grpc.GracefulStop(); close(stopped) }()
	select {
	case <-stopped:
	case <-sctx.Done():
		s.grpc.Stop()
	}
	return err
}
