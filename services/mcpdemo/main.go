// Command mcpdemo produces demonstration traffic for mcpaudit.
//
//	mcpdemo evil-server
//	    serve the deliberately malicious MCP server over stdio
//	mcpdemo hostile-server [--result-bytes N] [--garbage] [--invalid-utf8] [--flood-bytes N]
//	    serve a stdio MCP server that breaks the protocol on purpose (lines that
//	    are not JSON, invalid UTF-8, floods, large results), for testing taps
//	mcpdemo run --mcpaudit BIN [--collector 127.0.0.1:7070] [--query-url http://127.0.0.1:7080] [--timeout 60s]
//	    play the benign and attack scenarios through `mcpaudit tap`, wait
//	    for the alerts and print a report; exit 1 when an expected alert is
//	    missing or a benign session raised one
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/mcpaudit/mcpaudit/internal/demo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	case err != nil:
		fmt.Fprintf(os.Stderr, "mcpdemo: %v\n", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  mcpdemo evil-server   serve the malicious demo MCP server over stdio")
	fmt.Fprintln(w, "  mcpdemo hostile-server FLAGS  serve a stdio MCP server that breaks the protocol on purpose")
	fmt.Fprintln(w, "  mcpdemo run FLAGS     play the scenarios through `mcpaudit tap` and report the alerts")
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stderr)
		return errUsage
	}
	switch args[0] {
	case "evil-server":
		return runEvilServer(ctx, stderr)
	case "hostile-server":
		return runHostileServer(args[1:], stderr)
	case "run":
		return runScenarios(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		usage(stdout)
		return nil
	default:
		fmt.Fprintf(stderr, "mcpdemo: unknown command %q\n", args[0])
		usage(stderr)
		return errUsage
	}
}

// runEvilServer serves one stdio session; stdout carries the protocol, so
// logs go to stderr.
func runEvilServer(ctx context.Context, stderr io.Writer) error {
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return demo.NewEvilServer(logger).RunStdio(ctx)
}

// runHostileServer serves one stdio session of demo.ServeHostile.
func runHostileServer(args []string, stderr io.Writer) error {
	var cfg demo.HostileConfig
	fs := flag.NewFlagSet("mcpdemo hostile-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&cfg.ResultBytes, "result-bytes", 0, "size in bytes of every tools/call result text")
	fs.BoolVar(&cfg.Garbage, "garbage", false, "write a line that is not JSON before every response")
	fs.BoolVar(&cfg.InvalidUTF8, "invalid-utf8", false, "put invalid UTF-8 bytes into every tools/call result")
	fs.IntVar(&cfg.FloodBytes, "flood-bytes", 0, "write this many bytes of notifications before every tools/call response")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("hostile-server: unexpected arguments %q", fs.Args())
	}
	return demo.ServeHostile(os.Stdin, os.Stdout, cfg)
}

func runScenarios(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := demo.DefaultConfig()
	fs := flag.NewFlagSet("mcpdemo run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.McpauditBin, "mcpaudit", "", "path of the mcpaudit binary (required)")
	fs.StringVar(&cfg.Collector, "collector", cfg.Collector, "collector gRPC address HOST:PORT")
	fs.StringVar(&cfg.QueryURL, "query-url", cfg.QueryURL, "REST query API root")
	fs.StringVar(&cfg.Token, "token", os.Getenv("MCPAUDIT_TOKEN"), "bearer token for ingest and query (default $MCPAUDIT_TOKEN)")
	fs.DurationVar(&cfg.Timeout, "timeout", cfg.Timeout, "how long to wait for the expected alerts after the last scenario")
	fs.DurationVar(&cfg.ScenarioTimeout, "scenario-timeout", cfg.ScenarioTimeout, "bound on each scenario session")
	fs.DurationVar(&cfg.Settle, "settle", cfg.Settle, "extra polling after the last expected alert, for late benign alerts")
	fs.StringVar(&cfg.NPMPrefix, "npm-prefix", "", "npm prefix of the reference MCP servers (default $"+demo.EnvNPMPrefix+" or <repo>/.tmp/npm)")
	fs.StringVar(&cfg.WorkDir, "work-dir", "", "scratch directory for scenario files (default: a temporary directory)")
	verbose := fs.Bool("v", false, "log warnings and query API errors to stderr")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("run: unexpected arguments %q", fs.Args())
	}
	if cfg.NPMPrefix == "" {
		p, err := demo.DefaultNPMPrefix()
		if err != nil {
			return err
		}
		cfg.NPMPrefix = p
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("locate mcpdemo binary: %w", err)
	}
	cfg.EvilServer = []string{self, "evil-server"}
	if cfg.McpauditBin != "" {
		if cfg.McpauditBin, err = filepath.Abs(cfg.McpauditBin); err != nil {
			return fmt.Errorf("mcpaudit: %w", err)
		}
	}
	level := slog.LevelError
	if *verbose {
		level = slog.LevelWarn
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if _, err := demo.RunAll(ctx, cfg, stdout, logger); err != nil {
		return err
	}
	return nil
}
