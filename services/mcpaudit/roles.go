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

// roleFlags says which flags a role subcommand takes: the settings the
// roles it runs use, and no others, so `-h` shows what matters for it.
type roleFlags struct {
	// api: --auth-token (ingest, query: the roles with an API). Every role
	// takes --grpc-addr and --http-addr: each serves gRPC health,
	// /healthz, /readyz and /metrics.
	api bool
	// kafka: --kafka-brokers (ingest, detect, store; up).
	kafka bool
	// clickhouse: --clickhouse-addr (store, query; up).
	clickhouse bool
	// local: --data-dir and --clickhouse-binary (up only).
	local bool
	// rules: --rules (detect).
	rules bool
}

// flagsFor returns the flags of a subcommand running roles.
func flagsFor(r app.Roles) roleFlags {
	return roleFlags{
		api:        r.Ingest || r.Query,
		kafka:      r.AllInOne || r.Ingest || r.Detect || r.Store,
		clickhouse: r.AllInOne || r.Store || r.Query,
		local:      r.AllInOne,
		rules:      r.Detect,
	}
}

// roleCommand returns the run function of a pipeline subcommand running
// roles. Flags override the config file, which overrides the defaults;
// MCPAUDIT_KAFKA_BROKERS and MCPAUDIT_CLICKHOUSE_ADDR are read when the flags
// are not given (and only by the roles that use them).
func roleCommand(name string, roles app.Roles) func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		has := flagsFor(roles)
		fs := flag.NewFlagSet(name, flag.ContinueOnError)
		fs.SetOutput(stderr)
		fs.Usage = func() {
			fmt.Fprintf(stderr, "Usage: mcpaudit %s [FLAGS]\n\nFlags:\n", name)
			fs.PrintDefaults()
		}
		var (
			configPath                                             = fs.String("config", "", "YAML config `file` (see README, Configuration)")
			verify                                                 = fs.Bool("verify-config", false, "check the configuration and exit without starting")
			logLevel                                               = fs.String("log-level", "", "debug, info, warn or error (default info)")
			dataDir, grpcAddr, httpAddr, brokers, chAddr, chBinary *string
			tokens, rules                                          multiFlag
		)
		str := func(on bool, name, value, usage string) *string {
			if !on {
				return new(string)
			}
			return fs.String(name, value, usage)
		}
		dataDir = str(has.local, "data-dir", "", "`dir` for the embedded broker's and the local ClickHouse server's data")
		chBinary = str(has.local, "clickhouse-binary", "", "clickhouse-server `path` for the local server (default: looked up)")
		grpcAddr = fs.String("grpc-addr", "", "gRPC listen `address` (default 127.0.0.1:7070)")
		httpAddr = fs.String("http-addr", "", "REST, /healthz, /readyz and /metrics listen `address` (default 127.0.0.1:7080)")
		kafkaHelp := "comma-separated Kafka bootstrap `brokers` (env MCPAUDIT_KAFKA_BROKERS)"
		chHelp := "comma-separated ClickHouse native-protocol `addresses` (env MCPAUDIT_CLICKHOUSE_ADDR)"
		if has.local {
			kafkaHelp += "; unset starts the embedded broker"
			chHelp += "; unset starts a local server"
		}
		brokers = str(has.kafka, "kafka-brokers", "", kafkaHelp)
		chAddr = str(has.clickhouse, "clickhouse-addr", "", chHelp)
		if has.api {
			fs.Var(&tokens, "auth-token", "accept bearer token TOKEN for TENANT, as `TENANT=TOKEN` (repeatable; the token is kept only as its SHA-256)")
		}
		if has.rules {
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
		if has.kafka && *brokers == "" {
			*brokers = os.Getenv("MCPAUDIT_KAFKA_BROKERS")
		}
		if has.clickhouse && *chAddr == "" {
			*chAddr = os.Getenv("MCPAUDIT_CLICKHOUSE_ADDR")
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
		if *verify {
			if err := verifyConfig(cfg, roles); err != nil {
				return fmt.Errorf("invalid configuration: %w", err)
			}
			fmt.Fprintln(stdout, "configuration ok")
			return nil
		}
		if err := cfg.Validate(roles); err != nil {
			return fmt.Errorf("invalid configuration: %w", err)
		}
		logger := newLogger(stderr, cfg.LogLevel)
		return app.Run(ctx, cfg, roles, nil, stdout, logger)
	}
}

// verifyConfig is what --verify-config runs: everything a start would
// check, without starting (app.Verify).
func verifyConfig(cfg app.Config, roles app.Roles) error {
	return app.Verify(cfg, roles)
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
