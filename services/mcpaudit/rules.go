package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/mcpaudit/mcpaudit/detect"
)

// runRules lists the rules detection would load, after compiling every
// condition, so it doubles as a checker for a rule directory: a rule that
// does not compile fails the command with the file, rule id and field.
// `rules eval` and `rules test` measure the rules (rules_eval.go).
func runRules(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "eval":
			return runRulesEval(ctx, args[1:], stdout, stderr)
		case "test":
			return runRulesTest(ctx, args[1:], stdout, stderr)
		}
	}
	fs := flag.NewFlagSet("rules", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var dirs multiFlag
	fs.Var(&dirs, "rules", "extra rule `dir` or file to load and check (repeatable)")
	noBuiltin := fs.Bool("no-builtin", false, "leave out the built-in pack")
	format := fs.String("format", "text", "output `format`: text or json")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "rules: --format %q: want text or json\n", *format)
		return errUsage
	}
	cfg := detect.DefaultConfig()
	cfg.Builtin = !*noBuiltin
	cfg.RuleDirs = dirs
	rules, err := cfg.LoadRules()
	if err != nil {
		return err
	}
	infos := detect.Describe(rules)
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(infos)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tSEVERITY\tTAGS\tSOURCE")
	for _, r := range infos {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Kind, r.Severity, strings.Join(r.Tags, ","), r.Source)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d rules ok\n", len(infos))
	return nil
}
