package eval

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"

	"github.com/mcpaudit/mcpaudit/detect"
)

// Rule fixtures live next to the rules they test, in the corpus case
// format: tests/<rule-id>/match/*.json must make the rule fire and
// tests/<rule-id>/nomatch/*.json must not. They run with the whole rule
// set loaded, so rules that need state see it as in production.

// RuleTestResult is the outcome of one rule's fixtures.
type RuleTestResult struct {
	// RuleID is the rule tested.
	RuleID string
	// Passed and Failed count fixtures.
	Passed, Failed int
	// Failures say which fixtures failed and why.
	Failures []string
}

// ErrRuleTestsFailed is returned by TestRules when a fixture fails.
var ErrRuleTestsFailed = errors.New("rule tests failed")

// ErrNoFixtures is wrapped by TestRules' error when a fixture directory
// names a rule that is not loaded.
var ErrNoFixtures = errors.New("fixtures for an unknown rule")

// TestRules runs the fixtures under root in fsys (root/<rule-id>/match and
// root/<rule-id>/nomatch) against rules and returns one result per rule
// that has fixtures, sorted by rule id. A missing root means no fixtures.
// The error wraps ErrRuleTestsFailed when any fixture failed, and
// ErrNoFixtures for fixtures of rules that are not loaded.
func TestRules(ctx context.Context, rules []*detect.Rule, fsys fs.FS, root string) ([]RuleTestResult, error) {
	ids := map[string]bool{}
	for _, r := range rules {
		ids[r.ID] = true
	}
	entries, err := fs.ReadDir(fsys, root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("rule fixtures: %w", err)
	}
	runner, err := NewRunner(rules)
	if err != nil {
		return nil, err
	}
	var out []RuleTestResult
	var errs []error
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		id := e.Name()
		if !ids[id] {
			errs = append(errs, fmt.Errorf("%w: %s", ErrNoFixtures, path.Join(root, id)))
			continue
		}
		res := RuleTestResult{RuleID: id}
		for _, want := range []bool{true, false} {
			dir := path.Join(root, id, map[bool]string{true: "match", false: "nomatch"}[want])
			if _, err := fs.Stat(fsys, dir); errors.Is(err, fs.ErrNotExist) {
				continue
			}
			cases, err := LoadCasesFS(fsys, dir)
			if err != nil {
				return nil, err
			}
			for _, c := range cases {
				r, err := runner.Run(ctx, c)
				if err != nil {
					return nil, err
				}
				fired := slices.Contains(r.RuleIDs(), id)
				switch {
				case fired == want:
					res.Passed++
				case want:
					res.Failed++
					res.Failures = append(res.Failures, fmt.Sprintf("%s: rule did not fire (fired: %v)", c.File, r.RuleIDs()))
				default:
					res.Failed++
					res.Failures = append(res.Failures, fmt.Sprintf("%s: rule fired on a no-match fixture", c.File))
				}
			}
		}
		if res.Failed > 0 {
			errs = append(errs, fmt.Errorf("%w: %s: %d of %d", ErrRuleTestsFailed, id, res.Failed, res.Failed+res.Passed))
		}
		out = append(out, res)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].RuleID < out[j].RuleID })
	return out, errors.Join(errs...)
}
