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
	"path/filepath"
	"sync"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	kafkago "github.com/segmentio/kafka-go"

	"github.com/mcpaudit/mcpaudit/detect"
	"github.com/mcpaudit/mcpaudit/ingest"
	"github.com/mcpaudit/mcpaudit/internal/auth"
	"github.com/mcpaudit/mcpaudit/internal/kafka"
	"github.com/mcpaudit/mcpaudit/internal/localch"
	"github.com/mcpaudit/mcpaudit/query"
	"github.com/mcpaudit/mcpaudit/store"
)

// Run runs roles until ctx is done, then shuts down in order: the API
// listeners stop accepting, the roles drain, and only then the Kafka and
// ClickHouse connections (and, in the all-in-one mode, the embedded broker
// and local ClickHouse server) are closed. It prints where it listens to out
// once everything is up. It returns the first fatal error of any part.
func Run(ctx context.Context, cfg Config, roles Roles, rulesOverride []*detect.Rule, out io.Writer, logger *slog.Logger) error {
	if err := cfg.Validate(roles); err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	var closers closeStack
	defer closers.closeAll(logger)

	// Kafka, for the roles that use it (query reads only ClickHouse).
	usesKafka := roles.Ingest || roles.Detect || roles.Store
	brokers := cfg.Kafka.Brokers
	if len(brokers) == 0 && usesKafka {
		emb, err := kafka.StartEmbedded(filepath.Join(cfg.DataDir, "kafka"), cfg.Kafka.Partitions,
			kafka.TopicEvents, kafka.TopicAlerts, kafka.TopicDeadletter)
		if err != nil {
			return err
		}
		closers.push("embedded kafka", func(context.Context) error { emb.Close(); return nil })
		brokers = emb.Brokers()
		logger.Info("embedded kafka started", "brokers", brokers, "dir", filepath.Join(cfg.DataDir, "kafka"))
	}
	startCtx, cancelStart := context.WithTimeout(ctx, 60*time.Second)
	defer cancelStart()
	if usesKafka {
		if err := kafka.EnsureTopics(startCtx, brokers, cfg.Kafka.Partitions, cfg.Kafka.ReplicationFactor,
			kafka.TopicEvents, kafka.TopicAlerts, kafka.TopicDeadletter); err != nil {
			return err
		}
	}
	wcfg := kafka.DefaultWriterConfig(brokers)
	newWriter := func(topic string) *kafkago.Writer {
		w := kafka.NewWriter(wcfg, topic)
		closers.push("kafka writer "+topic, func(context.Context) error { return w.Close() })
		return w
	}
	newReader := func(topic, group string) *kafkago.Reader {
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, GroupID: group}, topic, logger)
		closers.push("kafka reader "+group, func(context.Context) error { return r.Close() })
		return r
	}

	var runners []runner

	// ClickHouse.
	var conn driver.Conn
	chAddr := cfg.ClickHouse.Addr
	if roles.Store || roles.Query {
		chcfg := cfg.ClickHouse
		if len(chcfg.Addr) == 0 {
			srv, err := localch.Start(startCtx, localch.Config{
				Binary: cfg.ClickHouseBinary,
				Dir:    filepath.Join(cfg.DataDir, "clickhouse"),
				Logger: logger,
			})
			if err != nil {
				return err
			}
			closers.push("local clickhouse", srv.Close)
			chcfg.Addr = []string{srv.Addr()}
			// The supervisor restarts a crashed server; when it gives up,
			// the process stops rather than run without storage.
			runners = append(runners, runner{"local clickhouse", func(ctx context.Context) error {
				select {
				case <-ctx.Done():
					return nil
				case <-srv.Done():
					if ctx.Err() != nil {
						return nil
					}
					return fmt.Errorf("server stopped: %w", srv.Err())
				}
			}})
		}
		chAddr = chcfg.Addr
		c, err := store.Open(startCtx, chcfg)
		if err != nil {
			return err
		}
		closers.push("clickhouse connection", func(context.Context) error { return c.Close() })
		if err := store.Migrate(startCtx, c, logger); err != nil {
			return err
		}
		conn = c
	}

	authn, err := auth.New(cfg.Auth)
	if err != nil {
		return err
	}
	if authn.Anonymous() {
		logger.Warn("api authentication is off: no auth.tokens configured, callers act as the default tenant", "tenant", auth.DefaultTenant)
	}

	var apis []api
	if roles.Ingest {
		svc, err := ingest.New(cfg.Ingest, newWriter(kafka.TopicEvents), authn, logger.With("role", "ingest"), reg)
		if err != nil {
			return err
		}
		apis = append(apis, svc)
		runners = append(runners, runner{"ingest", svc.Run})
	}
	if roles.Detect {
		rules := rulesOverride
		if rules == nil {
			if rules, err = cfg.Detect.LoadRules(); err != nil {
				return err
			}
		}
		svc, err := detect.New(cfg.Detect, rules, newReader(kafka.TopicEvents, detect.GroupID),
			newWriter(kafka.TopicAlerts), newWriter(kafka.TopicDeadletter), logger.With("role", "detect"), reg)
		if err != nil {
			return err
		}
		logger.Info("detection rules loaded", "rules", len(rules))
		runners = append(runners, runner{"detect", svc.Run})
	}
	if roles.Store {
		svc, err := store.New(cfg.Store, conn, newReader(kafka.TopicEvents, cfg.Store.EventsGroup),
			newReader(kafka.TopicAlerts, cfg.Store.AlertsGroup), newWriter(kafka.TopicDeadletter), logger.With("role", "store"), reg)
		if err != nil {
			return err
		}
		runners = append(runners, runner{"store", svc.Run})
	}
	if roles.Query {
		svc, err := query.New(cfg.Query, conn, authn, logger.With("role", "query"), reg)
		if err != nil {
			return err
		}
		apis = append(apis, svc)
		runners = append(runners, runner{"query", svc.Run})
	}
	var srv *apiServer
	if len(apis) > 0 {
		if srv, err = newAPIServer(ctx, cfg, apis, reg, logger); err != nil {
			return err
		}
	}
	cancelStart()

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
	if srv != nil {
		wg.Go(func() { fail("api server", srv.Run(runCtx, cfg.ShutdownTimeout)) })
	}
	for _, r := range runners {
		wg.Go(func() { fail(r.name, r.run(runCtx)) })
	}
	<-runCtx.Done()
	logger.Info("shutting down", "cause", context.Cause(runCtx))
	wg.Wait()
	logger.Info("stopped")
	return firstErr
}

type runner struct {
	name string
	run  func(context.Context) error
}

func printBanner(out io.Writer, cfg Config, roles Roles, srv *apiServer, brokers, chAddr []string) {
	fmt.Fprintln(out, "mcpaudit is running")
	if srv != nil {
		fmt.Fprintf(out, "  gRPC API      %s\n", srv.GRPCAddr())
		fmt.Fprintf(out, "  REST API      http://%s/v1/  (health /healthz, metrics /metrics)\n", srv.HTTPAddr())
	}
	kind := "external"
	if len(cfg.Kafka.Brokers) == 0 {
		kind = "embedded"
	}
	if roles.Ingest || roles.Detect || roles.Store {
		fmt.Fprintf(out, "  Kafka         %v (%s)\n", brokers, kind)
	}
	if roles.Store || roles.Query {
		kind = "external"
		if len(cfg.ClickHouse.Addr) == 0 {
			kind = "local server"
		}
		fmt.Fprintf(out, "  ClickHouse    %v (%s)\n", chAddr, kind)
	}
	if cfg.DataDir != "" && roles.AllInOne {
		fmt.Fprintf(out, "  data dir      %s\n", cfg.DataDir)
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
