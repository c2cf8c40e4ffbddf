// Command mcpaudit is the single mcpaudit binary. Each pipeline role is a
// subcommand; `mcpaudit up` runs them all in one process.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand: it parses args (without the subcommand name),
// runs until ctx is done or its work ends, and returns a non-nil error to make
// the process exit non-zero.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"up", "run every role in one process, with an embedded Kafka-protocol broker and a local ClickHouse", runUp},
	{"tap", "wrap a stdio MCP server and send its session telemetry to a collector", runTap},
	{"ingest", "run the collector (gRPC and REST) writing to Kafka", runIngest},
	{"detect", "run the detection engine over the events topic", runDetect},
	{"store", "run the ClickHouse writer for events and alerts", runStore},
	{"query", "run the query API (gRPC and REST) over ClickHouse", runQuery},
	{"rules", "list or check detection rules", runRules},
	{"version", "print the version", runVersion},
}

// exitError carries a process exit code through the error return.
type exitError struct{ code int }

// Error reports the exit status.
func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first SIGINT/SIGTERM starts a graceful drain; restoring the default
	// handlers then lets a second one abort it.
	context.AfterFunc(ctx, stop)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	var ee exitError
	switch {
	case errors.As(err, &ee):
		os.Exit(ee.code)
	case errors.Is(err, errUsage):
		os.Exit(2)
	case err != nil:
		fmt.Fprintf(os.Stderr, "mcpaudit: %v\n", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		return runVersion(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "mcpaudit: unknown command %q\n\n", args[0])
	usage(stderr)
	return errUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: mcpaudit COMMAND [FLAGS]   (mcpaudit --version prints the version)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'mcpaudit COMMAND -h' for the flags of a command.")
}
