package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/mcpaudit/mcpaudit/internal/auth"
	"github.com/mcpaudit/mcpaudit/services/mcpaudit/app"
)

// roleCommand returns the run function of a pipeline subcommand running
// roles. Flags override the config file, which overrides the defaults;
// MCPAUDIT_KAFKA_BROKERS and MCPAUDIT_CLICKHOUSE_ADDR are read when the flags
// are not given.
func roleCommand(name string, roles app.Roles) func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		fs := flag.NewFlagSet(name, flag.ContinueOnError)
		fs.SetOutput(stderr)
		var (
			configPath = fs.String("config", "", "YAML config `file` (see README, Configuration)")
			verify     = fs.Bool("verify-config", false, "validate the configuration and exit without starting")
			dataDir    = fs.String("data-dir", "", "`dir` for the embedded broker's and local ClickHouse's data (up only)")
			grpcAddr   = fs.String("grpc-addr", "", "gRPC listen `address` (default 127.0.0.1:7070)")
			httpAddr   = fs.String("http-addr", "", "REST, /healthz and /metrics listen `address` (default 127.0.0.1:7080)")
			brokers    = fs.String("kafka-brokers", os.Getenv("MCPAUDIT_KAFKA_BROKERS"), "comma-separated Kafka bootstrap `brokers`; unset with up starts the embedded broker")
			chAddr     = fs.String("clickhouse-addr", os.Getenv("MCPAUDIT_CLICKHOUSE_ADDR"), "comma-separated ClickHouse native-protocol `addresses`; unset with up starts a local server")
			chBinary   = fs.String("clickhouse-binary", "", "clickhouse-server `path` for up's local server (default: looked up)")
			logLevel   = fs.String("log-level", "", "debug, info, warn or error (default info)")
			tokens     multiFlag
			rules      multiFlag
		)
		fs.Var(&tokens, "auth-token", "accept bearer token TOKEN for TENANT, as `TENANT=TOKEN` (repeatable; the token is kept only as its SHA-256)")
		if roles.Detect {
			fs.Var(&rules, "rules", "extra rule `dir` loaded after the built-in pack (repeatable)")
		}
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil
			}
			return errUsage
		}
		if fs.NArg() > 0 {
			fmt.Fprintf(stderr, "%s: unexpected argument %q\n", name, fs.Arg(0))
			return errUsage
		}
		cfg := app.DefaultConfig()
		if *configPath != "" {
			var err error
			if cfg, err = app.LoadFile(*configPath); err != nil {
				return err
			}
		}
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		override := func(flagName string, v string, dst *string) {
			if set[flagName] || (v != "" && *dst == "") {
				*dst = v
			}
		}
		override("data-dir", *dataDir, &cfg.DataDir)
		override("grpc-addr", *grpcAddr, &cfg.GRPCAddr)
		override("http-addr", *httpAddr, &cfg.HTTPAddr)
		override("clickhouse-binary", *chBinary, &cfg.ClickHouseBinary)
		override("log-level", *logLevel, &cfg.LogLevel)
		if *brokers != "" {
			cfg.Kafka.Brokers = splitList(*brokers)
		}
		if *chAddr != "" {
			cfg.ClickHouse.Addr = splitList(*chAddr)
		}
		for _, t := range tokens {
			tok, err := auth.ParseTokenFlag(t)
			if err != nil {
				return err
			}
			cfg.Auth.Tokens = append(cfg.Auth.Tokens, tok)
		}
		cfg.Detect.RuleDirs = append(cfg.Detect.RuleDirs, rules...)
		if err := cfg.Validate(roles); err != nil {
			return fmt.Errorf("invalid configuration: %w", err)
		}
		if *verify {
			fmt.Fprintln(stdout, "configuration ok")
			return nil
		}
		logger := newLogger(stderr, cfg.LogLevel)
		return app.Run(ctx, cfg, roles, nil, stdout, logger)
	}
}

var (
	runUp     = roleCommand("up", app.AllRoles)
	runIngest = roleCommand("ingest", app.Roles{Ingest: true})
	runDetect = roleCommand("detect", app.Roles{Detect: true})
	runStore  = roleCommand("store", app.Roles{Store: true})
	runQuery  = roleCommand("query", app.Roles{Query: true})
)

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// multiFlag is a repeatable string flag.
type multiFlag []string

// String joins the values with commas (flag.Value).
func (m *multiFlag) String() string { return strings.Join(*m, ",") }

// Set appends v (flag.Value).
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
