// Package app wires the mcpaudit roles (ingest, detect, store, query) into one
// process: it owns the Kafka and ClickHouse connections, the API listeners and
// the start and shutdown order. `mcpaudit up` runs every role with an
// embedded Kafka-protocol broker and a supervised local ClickHouse server;
// each role subcommand runs one role against external ones.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/cenkalti/backoff/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	kafkago "github.com/segmentio/kafka-go"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/mcpaudit/mcpaudit/detect"
	"github.com/mcpaudit/mcpaudit/ingest"
	"github.com/mcpaudit/mcpaudit/internal/auth"
	"github.com/mcpaudit/mcpaudit/internal/health"
	"github.com/mcpaudit/mcpaudit/internal/kafka"
	"github.com/mcpaudit/mcpaudit/internal/localch"
	"github.com/mcpaudit/mcpaudit/internal/tlsconf"
	ingestv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/ingest/v1"
	queryv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/query/v1"
	"github.com/mcpaudit/mcpaudit/query"
	"github.com/mcpaudit/mcpaudit/store"
)

// Run runs roles until ctx is done, then shuts down in order: the API
// listeners stop accepting, the roles drain, and only then the Kafka and
// ClickHouse connections (and, in the all-in-one mode, the embedded broker
// and local ClickHouse server) are closed. It prints where it listens to out
// once the listeners are bound.
//
// Start order: configuration and credential files first (a mistake there is
// an error at once); in the all-in-one mode the data-dir lock (a second `up`
// on the same dir fails here, naming the holder's pid), the generated
// credentials, the embedded broker and the local ClickHouse server (which
// waits for a server of an earlier run still exiting); then lazy Kafka and
// ClickHouse clients, the roles and the API listeners. Creating topics,
// creating the database and migrating it happen in the background, retried
// with backoff, so a role whose dependency is down starts, serves /healthz,
// reports the dependency in /readyz and the gRPC health service, and
// connects when it comes back; the store role starts consuming only once
// the schema is migrated. No dependency outage ends Run: it returns an
// error only for a start-up failure or an API listener that fails.
func Run(ctx context.Context, cfg Config, roles Roles, rulesOverride []*detect.Rule, out io.Writer, logger *slog.Logger) error {
	if err := cfg.Validate(roles); err != nil {
		return err
	}
	cfg = cfg.withSecretEnv()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	kmetrics, err := kafka.NewMetrics(reg)
	if err != nil {
		return err
	}

	var closers closeStack
	defer closers.closeAll(logger)
	var runners []runner
	checker := health.New(health.Options{Logger: logger.With("component", "health")})
	runners = append(runners, runner{"health checker", checker.Run})

	// The data directory: lock and generated credentials.
	var creds Credentials
	if roles.AllInOne {
		if err := prepareDataDir(cfg.DataDir, logger); err != nil {
			return err
		}
		lock, err := lockDataDir(cfg.DataDir)
		if err != nil {
			return err
		}
		closers.push("data dir lock", func(context.Context) error { return lock.Close() })
		if creds, err = loadOrCreateCredentials(cfg.DataDir); err != nil {
			return err
		}
		if cfg.Ingest.FingerprintKey == "" {
			cfg.Ingest.FingerprintKey = creds.fingerprintKey()
		}
	}

	// Kafka.
	var brokers []string
	var kafkaAuth kafka.ClientAuth
	topicsReady := newReadiness("creating topics")
	if roles.usesKafka() {
		brokers = cfg.Kafka.Brokers
		if len(brokers) == 0 {
			dir := filepath.Join(cfg.DataDir, "kafka")
			emb, err := kafka.StartEmbeddedWith(kafka.EmbeddedConfig{
				DataDir:    dir,
				Partitions: cfg.Kafka.Partitions,
				Topics:     []string{kafka.TopicEvents, kafka.TopicAlerts, kafka.TopicDeadletter},
				Username:   creds.Kafka.Username,
				Password:   creds.Kafka.Password,
			})
			if err != nil {
				return err
			}
			closers.push("embedded kafka", func(context.Context) error { emb.Close(); return nil })
			brokers = emb.Brokers()
			if kafkaAuth, err = creds.kafkaAuth(); err != nil {
				return err
			}
			logger.Info("embedded kafka started", "brokers", brokers, "dir", dir, "sasl", kafka.MechanismSCRAMSHA256)
		} else if kafkaAuth, err = externalKafkaAuth(cfg.Kafka); err != nil {
			return err
		}
		runners = append(runners, runner{"kafka topics", func(ctx context.Context) error {
			retryUntilDone(ctx, logger, "kafka topics", topicsReady, func(ctx context.Context) error {
				return kafka.EnsureTopicsWith(ctx, brokers, kafkaAuth, cfg.Kafka.Partitions, cfg.Kafka.ReplicationFactor,
					kafka.TopicEvents, kafka.TopicAlerts, kafka.TopicDeadletter, kafka.TopicDefinitions)
			})
			return nil
		}})
		checker.Add(depKafka, func(ctx context.Context) error {
			if err := topicsReady.err(); err != nil {
				return err
			}
			return kafka.Ping(ctx, brokers, kafkaAuth)
		})
	}
	wcfg := kafka.DefaultWriterConfig(brokers)
	wcfg.Auth = kafkaAuth
	if roles.usesKafka() {
		// Batches must stay below the broker's message limit, and the
		// collector shortens events to fit one message. A broker that is
		// down now gets Apache Kafka's default; should it be lower, the
		// collector shortens and retries what the broker refuses.
		lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		limit := kafka.MaxMessageBytes(lctx, brokers, kafkaAuth, kafka.TopicEvents, logger)
		cancel()
		wcfg.BatchBytes = kafka.BatchBytesFor(limit, wcfg.BatchSize)
		if cfg.Ingest.MaxMessageBytes == 0 || cfg.Ingest.MaxMessageBytes > wcfg.BatchBytes {
			cfg.Ingest.MaxMessageBytes = wcfg.BatchBytes
		}
	}
	newWriter := func(topic string) *kafkago.Writer {
		w := kafka.NewWriter(wcfg, topic)
		closers.push("kafka writer "+topic, func(context.Context) error { return w.Close() })
		return w
	}
	newReader := func(topic, group string) *kafka.Reader {
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, GroupID: group, Auth: kafkaAuth, Metrics: kmetrics}, topic, logger)
		closers.push("kafka reader "+group, func(context.Context) error { return r.Close() })
		return r
	}

	// ClickHouse.
	var conn driver.Conn
	chAddr := cfg.ClickHouse.Addr
	schemaReady := newReadiness("migrating the schema")
	if roles.usesClickHouse() {
		chcfg := cfg.ClickHouse
		if len(chcfg.Addr) == 0 {
			startCtx, cancelStart := context.WithTimeout(ctx, 2*time.Minute)
			srv, err := localch.Start(startCtx, localch.Config{
				Binary:   cfg.ClickHouseBinary,
				Dir:      filepath.Join(cfg.DataDir, "clickhouse"),
				Logger:   logger,
				Username: creds.ClickHouse.Username,
				Password: creds.ClickHouse.Password,
			})
			cancelStart()
			if err != nil {
				return err
			}
			closers.push("local clickhouse", srv.Close)
			chcfg.Addr = []string{srv.Addr()}
			chcfg.Username, chcfg.Password = creds.ClickHouse.Username, creds.ClickHouse.Password
			// The supervisor restarts a crashed server for as long as it
			// takes; readiness reports it meanwhile.
			checker.Add(depLocalClickHouse, srv.Check)
		}
		chAddr = chcfg.Addr
		c, err := store.Connect(chcfg)
		if err != nil {
			return err
		}
		closers.push("clickhouse connection", func(context.Context) error { return c.Close() })
		conn = c
		runners = append(runners, runner{"clickhouse schema", func(ctx context.Context) error {
			retryUntilDone(ctx, logger, "clickhouse schema", schemaReady, func(ctx context.Context) error {
				if err := store.Ready(ctx, c, chcfg); err != nil {
					return err
				}
				if err := store.Migrate(ctx, c, logger); err != nil {
					// A server's error can quote the statement: keep SQL
					// out of /readyz, and in the log.
					return &logOnlyError{public: "schema migration failed (the log has the details)", err: err}
				}
				return nil
			})
			return nil
		}})
		checker.Add(depClickHouse, func(ctx context.Context) error {
			if err := schemaReady.err(); err != nil {
				return err
			}
			if err := c.Ping(ctx); err != nil {
				return fmt.Errorf("clickhouse ping: %w", err)
			}
			return nil
		})
	}

	authn, err := auth.New(cfg.Auth)
	if err != nil {
		return err
	}
	if authn.Anonymous() && (roles.Ingest || roles.Query) {
		logger.Warn("api authentication is off: no auth.tokens configured, callers act as the default tenant", "tenant", auth.DefaultTenant)
	}

	var apis []api
	// serviceDeps names, per gRPC service, the dependencies its readiness
	// follows.
	serviceDeps := map[string][]string{}
	if roles.Ingest {
		svc, err := ingest.New(cfg.Ingest, newWriter(kafka.TopicEvents), authn, logger.With("role", "ingest"), reg)
		if err != nil {
			return err
		}
		apis = append(apis, svc)
		runners = append(runners, runner{"ingest", svc.Run})
		serviceDeps[ingestv1.IngestService_ServiceDesc.ServiceName] = []string{depKafka}
	}
	if roles.Detect {
		rules := rulesOverride
		if rules == nil {
			if rules, err = cfg.Detect.LoadRules(); err != nil {
				return fmt.Errorf("detect.rule_dirs: %w", err)
			}
		}
		dlog := logger.With("role", "detect")
		if cfg.Detect.FingerprintKey == "" {
			cfg.Detect.FingerprintKey = cfg.Ingest.FingerprintKey
		}
		baseline := detect.NewKafkaBaseline(dlog, reg)
		svc, err := detect.New(cfg.Detect, rules, newReader(kafka.TopicEvents, detect.GroupID),
			newWriter(kafka.TopicAlerts), newWriter(kafka.TopicDeadletter), dlog, reg, detect.WithBaseline(baseline))
		if err != nil {
			return err
		}
		logger.Info("detection rules loaded", "rules", len(rules))
		// The fleet's tool-definition baseline is read in full before the
		// first event is evaluated, then followed (detect.KafkaBaseline).
		baselineReady := newReadiness("loading the tool-definition baseline")
		baselineWriter := newWriter(kafka.TopicDefinitions)
		runners = append(runners, runner{"detect baseline", after(func(ctx context.Context) error {
			var end int64
			endKnown := newReadiness("reading the end of " + kafka.TopicDefinitions)
			retryUntilDone(ctx, logger, "tool-definition baseline", endKnown, func(ctx context.Context) error {
				var err error
				end, err = kafka.EndOffset(ctx, brokers, kafkaAuth, kafka.TopicDefinitions)
				return err
			})
			if endKnown.err() != nil {
				return nil // ctx ended
			}
			r := kafka.NewLogReader(kafka.ReaderConfig{Brokers: brokers, Auth: kafkaAuth}, kafka.TopicDefinitions)
			defer r.Close()
			go func() {
				select {
				case <-baseline.Loaded():
					baselineReady.succeed()
				case <-ctx.Done():
				}
			}()
			return baseline.Run(ctx, r, baselineWriter, end)
		}, topicsReady)})
		checker.Add(depBaseline, func(context.Context) error { return baselineReady.err() })
		// A consumer group joined before its topic exists may wait long for
		// the assignment: consume once the topics are there.
		runners = append(runners, runner{"detect", after(svc.Run, topicsReady, baselineReady)})
	}
	if roles.Store {
		svc, err := store.New(cfg.Store, conn, newReader(kafka.TopicEvents, cfg.Store.EventsGroup),
			newReader(kafka.TopicAlerts, cfg.Store.AlertsGroup), newWriter(kafka.TopicDeadletter), logger.With("role", "store"), reg)
		if err != nil {
			return err
		}
		// Consume only from existing topics into a migrated schema.
		runners = append(runners, runner{"store", after(svc.Run, topicsReady, schemaReady)})
	}
	if roles.Query {
		svc, err := query.New(cfg.Query, conn, authn, logger.With("role", "query"), reg)
		if err != nil {
			return err
		}
		apis = append(apis, svc)
		runners = append(runners, runner{"query", svc.Run})
		serviceDeps[queryv1.QueryService_ServiceDesc.ServiceName] = []string{depClickHouse}
		if len(cfg.ClickHouse.Addr) == 0 {
			serviceDeps[queryv1.QueryService_ServiceDesc.ServiceName] = []string{depClickHouse, depLocalClickHouse}
		}
	}
	// Every role serves /healthz, /readyz and /metrics; ingest and query
	// also their APIs.
	srv, err := newAPIServer(ctx, cfg, apis, reg, checker.Handler(), logger)
	if err != nil {
		return err
	}
	for name := range serviceDeps {
		srv.health.SetServingStatus(name, healthpb.HealthCheckResponse_NOT_SERVING)
	}
	checker.Watch(func(rep health.Report) {
		for name, deps := range serviceDeps {
			st := healthpb.HealthCheckResponse_NOT_SERVING
			if rep.OK(deps...) {
				st = healthpb.HealthCheckResponse_SERVING
			}
			srv.health.SetServingStatus(name, st)
		}
	})

	printBanner(out, cfg, roles, srv, brokers, chAddr)

	// Run everything; the first failure stops the rest.
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	var firstErr error
	var once sync.Once
	fail := func(name string, err error) {
		if err == nil {
			return
		}
		once.Do(func() {
			firstErr = fmt.Errorf("%s: %w", name, err)
			cancel(firstErr)
		})
	}
	wg.Go(func() { fail("api server", srv.Run(runCtx, cfg.ShutdownTimeout)) })
	for _, r := range runners {
		wg.Go(func() { fail(r.name, r.run(runCtx)) })
	}
	<-runCtx.Done()
	logger.Info("shutting down", "cause", context.Cause(runCtx))
	wg.Wait()
	logger.Info("stopped")
	return firstErr
}

// Dependency names in /readyz.
const (
	depKafka           = "kafka"
	depClickHouse      = "clickhouse"
	depLocalClickHouse = "local_clickhouse"
	depBaseline        = "detect_baseline"
)

// externalKafkaAuth builds the client auth of kafka.sasl and kafka.tls.
func externalKafkaAuth(kc KafkaConfig) (kafka.ClientAuth, error) {
	var a kafka.ClientAuth
	if kc.SASL.Mechanism != "" {
		password, err := readSecret("kafka.sasl.password_file", kc.SASL.PasswordFile, kc.SASL.Password)
		if err != nil {
			return a, err
		}
		if a.SASL, err = kafka.NewMechanism(kc.SASL.Mechanism, kc.SASL.Username, password); err != nil {
			return a, fmt.Errorf("kafka.sasl: %w", err)
		}
	}
	tc, err := kc.TLS.Load(tlsconf.Under("kafka.tls"))
	if err != nil {
		return a, err
	}
	a.TLS = tc
	return a, nil
}

// readSecret returns the first line of file when it is set, else inline.
func readSecret(key, file, inline string) (string, error) {
	if file == "" {
		return inline, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("%s: %w", key, err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// readiness is a one-way flag for a background start-up step, with the
// last error while the step has not succeeded yet.
type readiness struct {
	done chan struct{}
	once sync.Once
	mu   sync.Mutex
	last error
}

func newReadiness(pending string) *readiness {
	return &readiness{done: make(chan struct{}), last: errors.New(pending)}
}

// err is nil once the step succeeded, else why it has not.
func (r *readiness) err() error {
	select {
	case <-r.done:
		return nil
	default:
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

func (r *readiness) fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.last = err
}

func (r *readiness) succeed() { r.once.Do(func() { close(r.done) }) }

// after returns run, started only once every step succeeded; it returns nil
// without running when ctx ends first.
func after(run func(context.Context) error, steps ...*readiness) func(context.Context) error {
	return func(ctx context.Context) error {
		for _, st := range steps {
			select {
			case <-st.done:
			case <-ctx.Done():
				return nil
			}
		}
		return run(ctx)
	}
}

// logOnlyError shows public to readiness and err to the log.
type logOnlyError struct {
	public string
	err    error
}

// Error returns the public text.
func (e *logOnlyError) Error() string { return e.public }

// Unwrap returns the full error.
func (e *logOnlyError) Unwrap() error { return e.err }

// logged returns what the log shows for err: the full error behind a
// logOnlyError.
func logged(err error) error {
	var lo *logOnlyError
	if errors.As(err, &lo) {
		return lo.err
	}
	return err
}

// retryUntilDone calls step until it succeeds or ctx is done, with capped
// exponential backoff and jitter (250ms up to 10s), logging at most one
// failure per 30s, and marks r.
func retryUntilDone(ctx context.Context, logger *slog.Logger, what string, r *readiness, step func(context.Context) error) {
	bo := &backoff.ExponentialBackOff{InitialInterval: 250 * time.Millisecond, RandomizationFactor: 0.5, Multiplier: 2, MaxInterval: 10 * time.Second}
	bo.Reset()
	var lastLog time.Time
	for attempt := 1; ; attempt++ {
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := step(sctx)
		cancel()
		if err == nil {
			r.succeed()
			if attempt > 1 {
				logger.Info("dependency ready after retries", "what", what, "attempts", attempt)
			}
			return
		}
		if ctx.Err() != nil {
			return
		}
		r.fail(fmt.Errorf("%s: %w", what, err))
		wait := bo.NextBackOff()
		if time.Since(lastLog) > 30*time.Second {
			logger.Warn("dependency not ready; retrying", "what", what, "attempt", attempt, "backoff", wait, "error", logged(err))
			lastLog = time.Now()
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

type runner struct {
	name string
	run  func(context.Context) error
}

func printBanner(out io.Writer, cfg Config, roles Roles, srv *apiServer, brokers, chAddr []string) {
	fmt.Fprintln(out, "mcpaudit is running")
	fmt.Fprintf(out, "  gRPC API      %s\n", srv.GRPCAddr())
	fmt.Fprintf(out, "  REST API      http://%s/v1/  (liveness /healthz, readiness /readyz, metrics /metrics)\n", srv.HTTPAddr())
	kind := "external"
	if len(cfg.Kafka.Brokers) == 0 {
		kind = "embedded, SASL/SCRAM-SHA-256"
	}
	if roles.usesKafka() {
		fmt.Fprintf(out, "  Kafka         %v (%s)\n", brokers, kind)
	}
	if roles.Store || roles.Query {
		kind = "external"
		if len(cfg.ClickHouse.Addr) == 0 {
			kind = "local server, password-protected"
		}
		fmt.Fprintf(out, "  ClickHouse    %v (%s)\n", chAddr, kind)
	}
	if cfg.DataDir != "" && roles.AllInOne {
		fmt.Fprintf(out, "  data dir      %s  (credentials in %s)\n", cfg.DataDir, credentialsFileName)
	}
	fmt.Fprintln(out, "Press Ctrl-C to stop.")
}

// closeStack closes what Run opened, last opened first.
type closeStack []namedCloser

type namedCloser struct {
	name  string
	close func(context.Context) error
}

func (s *closeStack) push(name string, f func(context.Context) error) {
	*s = append(*s, namedCloser{name, f})
}

func (s *closeStack) closeAll(logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := len(*s) - 1; i >= 0; i-- {
		c := (*s)[i]
		if err := c.close(ctx); err != nil && !errors.Is(err, context.Canceled) {
			logger.Warn("close failed", "what", c.name, "error", err)
		}
	}
	*s = nil
}
