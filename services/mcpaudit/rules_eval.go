package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/mcpaudit/mcpaudit/detect"
	"github.com/mcpaudit/mcpaudit/detect/eval"
	"github.com/mcpaudit/mcpaudit/detect/rules"
)

// rulesFlags are the rule-selection flags rules eval and rules test share.
type rulesFlags struct {
	dirs      multiFlag
	noBuiltin *bool
}

func (f *rulesFlags) register(fs *flag.FlagSet) {
	fs.Var(&f.dirs, "rules", "extra rule `dir` or file to load (repeatable)")
	f.noBuiltin = fs.Bool("no-builtin", false, "leave out the built-in pack")
}

func (f *rulesFlags) load() ([]*detect.Rule, error) {
	cfg := detect.DefaultConfig()
	cfg.Builtin = !*f.noBuiltin
	cfg.RuleDirs = f.dirs
	return cfg.LoadRules()
}

// runRulesEval replays corpus directories through the observer, the
// collector and the engine and prints per-family recall and the benign
// alert rate. With --floors (default: DIR/floors.json of the first
// directory, when present) it fails when a family is below its floor.
func runRulesEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rules eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mcpaudit rules eval [flags] DIR...\n\nReplays the labelled MCP sessions under each DIR (detect/testdata/corpus/README.md gives the format)\nthrough the tap's observer, the collector and the detection engine, and prints per-family recall,\ntechnique agreement and the benign alert rate.\n\nflags:")
		fs.PrintDefaults()
	}
	var rf rulesFlags
	rf.register(fs)
	floorsPath := fs.String("floors", "", "floors `file` to enforce (default DIR/floors.json of the first DIR, when present; \"none\" to skip)")
	format := fs.String("format", "text", "output `format`: text or json")
	verbose := fs.Bool("v", false, "list every missed attack and every benign case that alerted")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "rules eval: give at least one corpus directory")
		return errUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "rules eval: --format %q: want text or json\n", *format)
		return errUsage
	}
	rs, err := rf.load()
	if err != nil {
		return err
	}
	cases, err := eval.LoadCases(fs.Args()...)
	if err != nil {
		return err
	}
	if len(cases) == 0 {
		return fmt.Errorf("rules eval: no cases under %v", fs.Args())
	}
	runner, err := eval.NewRunner(rs)
	if err != nil {
		return err
	}
	last := time.Now()
	rep, _, err := eval.Evaluate(ctx, runner, cases, func(done, total int) {
		if time.Since(last) > 2*time.Second || done == total {
			last = time.Now()
			fmt.Fprintf(stderr, "rules eval: %d/%d cases\n", done, total)
		}
	})
	if err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else if err := rep.WriteText(stdout, *verbose); err != nil {
		return err
	}
	path := *floorsPath
	if path == "" {
		if p := filepath.Join(fs.Arg(0), eval.FloorsFile); fileExists(p) {
			path = p
		}
	}
	if path == "" || path == "none" {
		return nil
	}
	floors, err := eval.ReadFloors(path)
	if err != nil {
		return err
	}
	if err := floors.Check(rep); err != nil {
		return fmt.Errorf("rules eval: %s: %w", path, err)
	}
	fmt.Fprintf(stdout, "floors of %s hold\n", path)
	return nil
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

// runRulesTest runs every rule's own fixtures: the built-in pack's
// (embedded) and, for each --rules DIR, DIR/tests/<rule-id>/{match,nomatch}.
func runRulesTest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rules test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var rf rulesFlags
	rf.register(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	rs, err := rf.load()
	if err != nil {
		return err
	}
	var all []eval.RuleTestResult
	var errs []error
	if !*rf.noBuiltin {
		res, err := eval.TestRules(ctx, rs, rules.Tests, "tests")
		all = append(all, res...)
		errs = append(errs, err)
	}
	for _, d := range rf.dirs {
		res, err := eval.TestRules(ctx, rs, os.DirFS(d), "tests")
		all = append(all, res...)
		errs = append(errs, err)
	}
	passed, failed := 0, 0
	for _, r := range all {
		status := "ok"
		if r.Failed > 0 {
			status = "FAIL"
		}
		fmt.Fprintf(stdout, "%-4s %s: %d/%d fixtures\n", status, r.RuleID, r.Passed, r.Passed+r.Failed)
		for _, f := range r.Failures {
			fmt.Fprintf(stdout, "     %s\n", f)
		}
		passed += r.Passed
		failed += r.Failed
	}
	untested := 0
	have := map[string]bool{}
	for _, r := range all {
		have[r.RuleID] = true
	}
	for _, r := range rs {
		if !have[r.ID] {
			untested++
			fmt.Fprintf(stdout, "none %s: no fixtures\n", r.ID)
		}
	}
	fmt.Fprintf(stdout, "%d fixtures passed, %d failed, %d rules without fixtures\n", passed, failed, untested)
	return errors.Join(errs...)
}
