package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/net/netutil"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/keepalive"

	"github.com/mcpaudit/mcpaudit/internal/apierr"
)

// maxHeaderBytes bounds the request headers on both listeners (1 MiB, the
// net/http default, made explicit so gRPC gets the same bound instead of
// its 16 MiB default).
const maxHeaderBytes = 1 << 20

// keepaliveTimeout is how long gRPC waits for a keepalive ping's answer
// before it closes the connection.
const keepaliveTimeout = 20 * time.Second

// api is a gRPC service that also serves REST through grpc-gateway. The
// ingest and query roles satisfy it.
type api interface {
	RegisterGRPC(s *grpc.Server)
	RegisterGateway(ctx context.Context, mux *runtime.ServeMux) error
}

// apiServer serves the gRPC APIs of the roles in this process on one
// listener, and their REST mapping plus the operational endpoints
// (/healthz, /readyz, /metrics) on another. Both listeners are bounded by
// ServerConfig: a connection cap, timeouts, and TLS when configured.
type apiServer struct {
	grpcLis, httpLis net.Listener
	grpc             *grpc.Server
	http             *http.Server
	tls              bool
	health           *health.Server
	logger           *slog.Logger
}

// httpRoute is one endpoint of the HTTP listener outside the REST API
// (/v1/...). A wrong method on its path gets 405 with an Allow header.
type httpRoute struct {
	method  string
	path    string
	handler http.Handler
}

// operationalRoutes are the endpoints served next to the REST API. Add one
// here; newAPIServer registers each with its method, a 405 for the other
// methods and problem+json errors.
func operationalRoutes(hs *health.Server, reg *prometheus.Registry, readyz http.Handler) []httpRoute {
	return []httpRoute{
		{http.MethodGet, "/healthz", healthzHandler(hs)},
		{http.MethodGet, "/readyz", readyz},
		{http.MethodGet, "/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})},
	}
}

// healthzHandler answers liveness: 200 "ok" while the gRPC health service
// reports SERVING, 503 otherwise.
func healthzHandler(hs *health.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, err := hs.Check(r.Context(), &healthpb.HealthCheckRequest{})
		if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			http.Error(w, "not serving", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
}

// setQueryParserOnce installs paramParser as grpc-gateway's query
// parameter parser. runtime.SetQueryParameterParser sets a package-level
// variable of grpc-gateway (whatever mux it is applied to), so it is set
// once per process.
var setQueryParserOnce sync.Once

// newAPIServer binds cfg.GRPCAddr and cfg.HTTPAddr (host:port; port 0 picks
// a free one) with the limits and TLS of cfg.Server, and registers apis on
// both, with readyz (readiness, internal/health) as GET /readyz. Listener
// metrics are registered with reg. It fails, naming the config key, when
// the TLS files do not load.
func newAPIServer(ctx context.Context, cfg Config, apis []api, reg *prometheus.Registry, readyz http.Handler, logger *slog.Logger) (*apiServer, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	sc := cfg.Server
	tlsCfg, err := sc.TLS.Load("server.tls")
	if err != nil {
		return nil, err
	}
	lm, err := newListenerMetrics(reg)
	if err != nil {
		return nil, err
	}
	grpcLis, err := listen(cfg.GRPCAddr, "grpc", sc.MaxConnections, lm)
	if err != nil {
		return nil, err
	}
	httpLis, err := listen(cfg.HTTPAddr, "http", sc.MaxConnections, lm)
	if err != nil {
		grpcLis.Close()
		return nil, err
	}
	closeBoth := func() { grpcLis.Close(); httpLis.Close() }

	codec := newRecordingCodec()
	opts := []grpc.ServerOption{
		grpc.MaxRecvMsgSize(sc.MaxRequestBytes),
		grpc.MaxHeaderListSize(maxHeaderBytes),
		grpc.MaxConcurrentStreams(sc.MaxConcurrentStreams),
		// Bounds the TLS handshake and the HTTP/2 preface of a new
		// connection, as read_header_timeout does on HTTP.
		grpc.ConnectionTimeout(sc.ReadHeaderTimeout),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: sc.KeepaliveMinTime, PermitWithoutStream: true}),
		grpc.KeepaliveParams(keepalive.ServerParameters{MaxConnectionIdle: sc.IdleTimeout, Time: sc.IdleTimeout, Timeout: keepaliveTimeout}),
		grpc.ForceServerCodecV2(codec),
		grpc.ChainUnaryInterceptor(codec.unaryInterceptor),
		grpc.ChainStreamInterceptor(codec.streamInterceptor),
	}
	if tlsCfg != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(tlsCfg.Clone())))
	}
	gs := grpc.NewServer(opts...)
	hs := health.NewServer()
	healthpb.RegisterHealthServer(gs, hs)
	for _, a := range apis {
		a.RegisterGRPC(gs)
	}

	routes, err := restRoutesOf(gs)
	if err != nil {
		closeBoth()
		return nil, err
	}
	edge := &restEdge{routes: routes}
	setQueryParserOnce.Do(func() { runtime.SetQueryParameterParser(paramParser{})(nil) })
	mux := runtime.NewServeMux(
		runtime.WithErrorHandler(edge.errorHandler),
		runtime.WithRoutingErrorHandler(edge.routingErrorHandler),
		runtime.WithMarshalerOption(runtime.MIMEWildcard, newJSONMarshaler()),
		// A form-encoded POST must not be served as the GET of its path.
		runtime.WithDisablePathLengthFallback(),
		runtime.WithDisableHTTPMethodOverride(),
	)
	for _, a := range apis {
		if err := a.RegisterGateway(ctx, mux); err != nil {
			closeBoth()
			return nil, fmt.Errorf("register gateway: %w", err)
		}
	}

	root := http.NewServeMux()
	// REST bodies are bounded like gRPC messages; the edge turns the
	// overflow into 413.
	root.Handle("/v1/", http.MaxBytesHandler(edge.middleware(mux), int64(sc.MaxRequestBytes)))
	allow := map[string][]string{}
	for _, rt := range operationalRoutes(hs, reg, readyz) {
		root.Handle(rt.method+" "+rt.path, rt.handler)
		allow[rt.path] = append(allow[rt.path], rt.method)
		if rt.method == http.MethodGet {
			allow[rt.path] = append(allow[rt.path], http.MethodHead) // net/http serves HEAD for GET
		}
	}
	for path, methods := range allow {
		slices.Sort(methods)
		root.Handle(path, methodNotAllowed(methods))
	}
	root.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		apierr.WriteProblem(w, apierr.Problem{Status: http.StatusNotFound, Code: "NOT_FOUND", Detail: fmt.Sprintf("no endpoint %s", r.URL.Path)})
	}))

	hs.SetServingStatus("", healthpb.HealthCheckResponse_NOT_SERVING)
	srv := &http.Server{
		Handler:           root,
		ReadHeaderTimeout: sc.ReadHeaderTimeout,
		ReadTimeout:       sc.ReadTimeout,
		WriteTimeout:      sc.WriteTimeout,
		IdleTimeout:       sc.IdleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		HTTP2:             &http.HTTP2Config{MaxConcurrentStreams: int(sc.MaxConcurrentStreams)},
		// TLS handshake failures, accept errors and handler panics.
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	if tlsCfg != nil {
		srv.TLSConfig = tlsCfg.Clone()
	}
	return &apiServer{
		grpcLis: grpcLis,
		httpLis: httpLis,
		grpc:    gs,
		http:    srv,
		tls:     tlsCfg != nil,
		health:  hs,
		logger:  logger,
	}, nil
}

// methodNotAllowed answers every method of a path that has no handler for
// it: 405 with the path's methods in Allow (RFC 9110, section 15.5.6).
func methodNotAllowed(methods []string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeMethodNotAllowed(w, r, methods)
	})
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
		var err error
		if s.tls {
			// The certificate is in TLSConfig; ServeTLS also sets up HTTP/2.
			err = s.http.ServeTLS(s.httpLis, "", "")
		} else {
			err = s.http.Serve(s.httpLis)
		}
		if !errors.Is(err, http.ErrServerClosed) {
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

// listenerMetrics count the connections of each listener.
type listenerMetrics struct {
	open     *prometheus.GaugeVec
	accepted *prometheus.CounterVec
}

func newListenerMetrics(reg prometheus.Registerer) (*listenerMetrics, error) {
	m := &listenerMetrics{
		open: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mcpaudit_api_connections",
			Help: "Open connections of an API listener (grpc or http); at most server.max_connections each.",
		}, []string{"listener"}),
		accepted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcpaudit_api_connections_accepted_total",
			Help: "Connections an API listener (grpc or http) accepted.",
		}, []string{"listener"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.open, m.accepted} {
			if err := reg.Register(c); err != nil {
				return nil, fmt.Errorf("register listener metrics: %w", err)
			}
		}
	}
	return m, nil
}

// listen binds addr and caps it at maxConns open connections with
// netutil.LimitListener: past the cap Accept waits until a connection
// closes, so excess callers queue in the kernel instead of costing file
// descriptors.
func listen(addr, name string, maxConns int, m *listenerMetrics) (net.Listener, error) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s listen %s: %w", name, addr, err)
	}
	return &countingListener{
		Listener: netutil.LimitListener(lis, maxConns),
		open:     m.open.WithLabelValues(name),
		accepted: m.accepted.WithLabelValues(name),
	}, nil
}

// countingListener keeps the open and accepted connection metrics.
type countingListener struct {
	net.Listener
	open     prometheus.Gauge
	accepted prometheus.Counter
}

// Accept returns the next connection, counted until it is closed.
func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.open.Inc()
	l.accepted.Inc()
	return &countedConn{Conn: c, open: l.open}, nil
}

// countedConn decrements the open gauge once, on its first Close.
type countedConn struct {
	net.Conn
	open prometheus.Gauge
	once sync.Once
}

// Close closes the connection.
func (c *countedConn) Close() error {
	c.once.Do(c.open.Dec)
	return c.Conn.Close()
}
