package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/mcpaudit/mcpaudit/ingest/tap"
)

// runTap is `mcpaudit tap [FLAGS] -- CMD [ARGS...]`: it relays the process's
// own stdin/stdout to CMD and sends the session's events to the collector.
// stdout is not used: the relay writes to os.Stdout directly. It returns
// exitError with the child's exit code when the child failed.
func runTap(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := tap.DefaultConfig()
	if v := os.Getenv("MCPAUDIT_COLLECTOR"); v != "" {
		cfg.Collector = v
	}
	cfg.Token = os.Getenv("MCPAUDIT_TOKEN")
	fs := flag.NewFlagSet("tap", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: mcpaudit tap [FLAGS] -- CMD [ARGS...]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Runs the stdio MCP server CMD, relays stdin/stdout to it byte for byte and")
		fmt.Fprintln(stderr, "sends one event per JSON-RPC message to the collector.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.Collector, "collector", cfg.Collector, "collector gRPC address HOST:PORT (env MCPAUDIT_COLLECTOR)")
	fs.StringVar(&cfg.Token, "token", cfg.Token, "bearer token for the collector (env MCPAUDIT_TOKEN)")
	fs.BoolVar(&cfg.Insecure, "insecure", cfg.Insecure, "plaintext gRPC (loopback collectors use plaintext unless a --tls-* flag is given)")
	fs.StringVar(&cfg.TLSCA, "tls-ca", cfg.TLSCA, "PEM `FILE` of CA certificates that verify the collector (default: system roots)")
	fs.StringVar(&cfg.TLSCert, "tls-cert", cfg.TLSCert, "PEM `FILE` of the client certificate for mutual TLS (with --tls-key)")
	fs.StringVar(&cfg.TLSKey, "tls-key", cfg.TLSKey, "PEM `FILE` of the client certificate's private key")
	fs.StringVar(&cfg.TLSServerName, "tls-server-name", cfg.TLSServerName, "`NAME` to verify the collector's certificate against (default: the collector host)")
	fs.IntVar(&cfg.BatchSize, "batch-size", cfg.BatchSize, "events per Export call")
	fs.DurationVar(&cfg.FlushInterval, "flush-interval", cfg.FlushInterval, "longest wait before a partial batch is sent")
	fs.IntVar(&cfg.BufferEvents, "buffer", cfg.BufferEvents, "events buffered while the collector is unavailable; more wait (--backlog-wait), then are dropped and recorded as observation gaps")
	fs.DurationVar(&cfg.BacklogWait, "backlog-wait", cfg.BacklogWait, "how long the relay waits for room in a full queue or buffer before it drops (recorded as observation gaps); 0: never wait")
	fs.DurationVar(&cfg.FlushTimeout, "flush-timeout", cfg.FlushTimeout, "how long to flush buffered events after the server exited")
	fs.BoolVar(&cfg.Wire.CaptureRaw, "capture-raw", cfg.Wire.CaptureRaw, "keep each raw JSON-RPC message in the event")
	fs.IntVar(&cfg.MaxLineBytes, "max-line-bytes", cfg.MaxLineBytes, "longest frame parsed; longer ones are recorded as oversize invalid frames")
	fs.Int64Var(&cfg.QueueBytes, "queue-bytes", cfg.QueueBytes, "relay→observer queue bound; bytes past it are recorded as observation gaps")
	fs.IntVar(&cfg.MaxEventBytes, "max-event-bytes", cfg.MaxEventBytes, "events larger than this are shortened before sending (truncated_fields)")
	fs.IntVar(&cfg.Wire.MaxResultText, "max-result-text", cfg.Wire.MaxResultText, "cap in bytes of the tool result text kept per event (-1: none)")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn, error")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "mcpaudit tap: missing the server command after --")
		fs.Usage()
		return errUsage
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})).With("component", "tap")

	svc, err := tap.New(cfg, fs.Args(), tap.Stdio{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: stderr}, logger, nil)
	if err != nil {
		return fmt.Errorf("tap: %w", err)
	}
	// Signals are forwarded to the child by the tap itself; the tap ends when
	// the child does, so main's signal context must not cut the relay short.
	err = svc.Run(context.WithoutCancel(ctx))
	var ee *tap.ExitError
	if errors.As(err, &ee) {
		return exitError{code: ee.Code}
	}
	if err != nil {
		return fmt.Errorf("tap: %w", err)
	}
	return nil
}
