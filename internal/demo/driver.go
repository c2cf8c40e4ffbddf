package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	queryv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/query/v1"
)

// ErrExpectationsNotMet is returned by [RunAll] when an expected alert did not
// become queryable in time or a benign session raised an alert.
var ErrExpectationsNotMet = errors.New("demo expectations not met")

// Config configures [RunAll].
type Config struct {
	// McpauditBin is the mcpaudit binary that provides `mcpaudit tap`.
	McpauditBin string `yaml:"mcpaudit_bin"`
	// Collector is the collector's gRPC address, HOST:PORT.
	Collector string `yaml:"collector"`
	// QueryURL is the REST query API root, for example http://127.0.0.1:7080.
	QueryURL string `yaml:"query_url"`
	// Token is the bearer token for both ingest and query; empty sends none.
	Token string `yaml:"token"`
	// EvilServer is the command that starts the malicious server.
	EvilServer []string `yaml:"evil_server"`
	// NPMPrefix is where the reference servers are installed.
	NPMPrefix string `yaml:"npm_prefix"`
	// WorkDir is the scratch directory for scenario files; empty means a new
	// temporary directory, removed at the end.
	WorkDir string `yaml:"work_dir"`
	// Timeout bounds the wait, after the last scenario ended, for every
	// expected alert to be queryable.
	Timeout time.Duration `yaml:"timeout"`
	// ScenarioTimeout bounds each scenario session.
	ScenarioTimeout time.Duration `yaml:"scenario_timeout"`
	// PollInterval is the period of the alert and session polls; it is the
	// resolution of the measured alert latency.
	PollInterval time.Duration `yaml:"poll_interval"`
	// Settle is how long to keep polling after the last expected alert
	// arrived, to catch late alerts on benign sessions.
	Settle time.Duration `yaml:"settle"`
}

// DefaultConfig returns the defaults for a local `mcpaudit up`: collector
// 127.0.0.1:7070, query API http://127.0.0.1:7080, 60 s alert timeout,
// 30 s per scenario, 100 ms polls, 2 s settle.
func DefaultConfig() Config {
	return Config{
		Collector:       "127.0.0.1:7070",
		QueryURL:        "http://127.0.0.1:7080",
		Timeout:         60 * time.Second,
		ScenarioTimeout: 30 * time.Second,
		PollInterval:    100 * time.Millisecond,
		Settle:          2 * time.Second,
	}
}

// Validate reports the first invalid field, naming its config key.
func (c Config) Validate() error {
	switch {
	case c.McpauditBin == "":
		return errors.New("mcpaudit_bin: must be set")
	case c.Collector == "":
		return errors.New("collector: must be set (HOST:PORT)")
	case c.QueryURL == "":
		return errors.New("query_url: must be set")
	case len(c.EvilServer) == 0:
		return errors.New("evil_server: command must be set")
	case c.NPMPrefix == "":
		return errors.New("npm_prefix: must be set")
	case c.Timeout <= 0:
		return errors.New("timeout: must be positive")
	case c.ScenarioTimeout <= 0:
		return errors.New("scenario_timeout: must be positive")
	case c.PollInterval <= 0:
		return errors.New("poll_interval: must be positive")
	case c.Settle < 0:
		return errors.New("settle: must not be negative")
	}
	return nil
}

// SeenAlert is an alert and when the driver first saw it on the query API.
type SeenAlert struct {
	// Alert is the alert as listed.
	Alert *eventv1.Alert
	// SeenAt is the time of the first poll that returned it.
	SeenAt time.Time
}

// ScenarioReport is the outcome of one scenario.
type ScenarioReport struct {
	// Scenario is the scenario as run.
	Scenario Scenario
	// Result is what the session did.
	Result Result
	// Err is the error of the session itself, if any.
	Err error
	// SessionID is the stored session's id; empty when not found.
	SessionID string
	// Alerts are the alerts attributed to the session, by rule id.
	Alerts []SeenAlert
	// Missing are expected rule ids with no alert.
	Missing []string
	// Unexpected are rule ids that fired but are neither expected nor
	// allowed; on a benign session any alert is unexpected.
	Unexpected []string
}

// Failed reports whether the scenario failed: the session failed, an
// expected rule did not fire, or a benign session raised an alert.
func (r *ScenarioReport) Failed() bool {
	return r.Err != nil || len(r.Missing) > 0 || (!r.Scenario.Attack && len(r.Alerts) > 0)
}

// Latency returns the time from the attacking request to the first alert of
// rule being queryable, and false when there is no such alert.
func (r *ScenarioReport) Latency(rule string) (time.Duration, bool) {
	if r.Result.AttackAt.IsZero() {
		return 0, false
	}
	for _, a := range r.Alerts {
		if a.Alert.GetRuleId() == rule {
			return a.SeenAt.Sub(r.Result.AttackAt), true
		}
	}
	return 0, false
}

// Report is the outcome of [RunAll].
type Report struct {
	// Start is when the run began; alerts and sessions are read from here.
	Start time.Time
	// Scenarios are the per-scenario outcomes, in run order.
	Scenarios []*ScenarioReport
	// Unattributed are alerts raised since Start that match no scenario.
	Unattributed []SeenAlert
	// QueryURL is the API root the alerts were read from.
	QueryURL string
	// PollErr is the last error of the query API, if the last poll failed.
	PollErr error
}

// Failed reports whether any scenario failed.
func (r *Report) Failed() bool {
	return slices.ContainsFunc(r.Scenarios, (*ScenarioReport).Failed)
}

// RunAll plays every scenario through the tap (benign first), polls the
// query API until every expected alert is queryable or cfg.Timeout passed,
// then prints the report to out. It returns the report and
// [ErrExpectationsNotMet] (wrapped) when a scenario failed, or another error
// when the scenarios could not be set up.
func RunAll(ctx context.Context, cfg Config, out io.Writer, logger *slog.Logger) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("demo config: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	workDir := cfg.WorkDir
	if workDir == "" {
		dir, err := os.MkdirTemp("", "mcpdemo-")
		if err != nil {
			return nil, fmt.Errorf("work dir: %w", err)
		}
		defer os.RemoveAll(dir)
		workDir = dir
	} else if err := os.MkdirAll(workDir, 0o755); err != nil {
		return nil, fmt.Errorf("work dir: %w", err)
	}
	scenarios, err := Scenarios(Env{EvilServer: cfg.EvilServer, NPMPrefix: cfg.NPMPrefix, WorkDir: workDir})
	if err != nil {
		return nil, err
	}
	q := &QueryClient{BaseURL: cfg.QueryURL, Token: cfg.Token}
	tap := TapConfig{McpauditBin: cfg.McpauditBin, Collector: cfg.Collector, Token: cfg.Token}

	// Alerts are read from one second before the start, against clock
	// rounding in the API.
	rep := &Report{Start: time.Now().Add(-time.Second).Truncate(time.Millisecond), QueryURL: cfg.QueryURL}
	w := newWatcher(q, rep.Start, logger)
	pollCtx, stopPoll := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { w.loop(pollCtx, cfg.PollInterval) })
	defer func() { stopPoll(); wg.Wait() }()

	fmt.Fprintf(out, "mcpdemo: playing %d scenarios through %s tap → %s\n\n", len(scenarios), cfg.McpauditBin, cfg.Collector)
	for _, sc := range scenarios {
		sctx, cancel := context.WithTimeout(ctx, cfg.ScenarioTimeout)
		res, err := RunScenario(sctx, sc, tap)
		cancel()
		kind := "benign"
		if sc.Attack {
			kind = "attack"
		}
		status := "ok"
		if err != nil {
			status = "FAILED: " + err.Error()
			logger.Warn("scenario failed", "scenario", sc.Name, "error", err)
		}
		fmt.Fprintf(out, "  ran %-15s %-6s %2d tool calls in %6s  %s\n", sc.Name, kind, len(res.ToolCalls),
			res.End.Sub(res.Start).Round(time.Millisecond), status)
		rep.Scenarios = append(rep.Scenarios, &ScenarioReport{Scenario: sc, Result: res, Err: err})
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
	}

	fmt.Fprintf(out, "\nwaiting up to %s for the expected alerts on %s ...\n", cfg.Timeout, cfg.QueryURL)
	deadline := time.NewTimer(cfg.Timeout)
	defer deadline.Stop()
	tick := time.NewTicker(cfg.PollInterval)
	defer tick.Stop()
	var settleUntil time.Time
wait:
	for {
		w.attribute(rep)
		done := !slices.ContainsFunc(rep.Scenarios, func(s *ScenarioReport) bool { return len(s.Missing) > 0 && s.Err == nil })
		switch {
		case done && settleUntil.IsZero():
			settleUntil = time.Now().Add(cfg.Settle)
		case done && !time.Now().Before(settleUntil):
			break wait
		}
		select {
		case <-ctx.Done():
			return rep, ctx.Err()
		case <-deadline.C:
			break wait
		case <-tick.C:
		}
	}
	w.pollOnce(ctx)
	w.attribute(rep)
	rep.PollErr = w.lastErr()
	rep.Print(out, q)
	if rep.Failed() {
		return rep, ErrExpectationsNotMet
	}
	return rep, nil
}

// watcher polls alerts and sessions and remembers when each alert was
// first seen.
type watcher struct {
	q      *QueryClient
	since  time.Time
	logger *slog.Logger

	mu       sync.Mutex
	seen     map[string]SeenAlert
	sessions []*queryv1.SessionSummary
	err      error
}

func newWatcher(q *QueryClient, since time.Time, logger *slog.Logger) *watcher {
	return &watcher{q: q, since: since, logger: logger, seen: map[string]SeenAlert{}}
}

func (w *watcher) loop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		w.pollOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (w *watcher) pollOnce(ctx context.Context) {
	alerts, err := w.q.ListAlerts(ctx, w.since)
	now := time.Now()
	var sessions []*queryv1.SessionSummary
	if err == nil {
		sessions, err = w.q.ListSessions(ctx, w.since)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		if ctx.Err() == nil && (w.err == nil || w.err.Error() != err.Error()) {
			w.logger.Warn("query api poll failed", "error", err)
		}
		w.err = err
	} else {
		w.err = nil
		w.sessions = sessions
	}
	for _, a := range alerts {
		if _, ok := w.seen[a.GetAlertId()]; !ok {
			w.seen[a.GetAlertId()] = SeenAlert{Alert: a, SeenAt: now}
		}
	}
}

func (w *watcher) lastErr() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// attribute assigns sessions and alerts to scenarios and recomputes each
// scenario's missing and unexpected rules. A session belongs to a scenario
// when its client name matches and its first event falls within the
// scenario's run (or, when the tap recorded no client name, by time alone).
// An alert belongs to its session's scenario, or, when its session is
// unknown, to the scenario whose run contains its first event.
func (w *watcher) attribute(rep *Report) {
	w.mu.Lock()
	defer w.mu.Unlock()
	bySession := map[string]*ScenarioReport{}
	for _, sr := range rep.Scenarios {
		sr.SessionID = ""
		for _, s := range w.sessions {
			if within(s.GetFirstEventTime().AsTime(), sr.Result) &&
				(s.GetClientName() == sr.Result.ClientName || s.GetClientName() == "") {
				sr.SessionID = s.GetSessionId()
				if s.GetClientName() != "" {
					break
				}
			}
		}
		if sr.SessionID != "" {
			bySession[sr.SessionID] = sr
		}
		sr.Alerts = nil
	}
	rep.Unattributed = nil
	ids := make([]string, 0, len(w.seen))
	for id := range w.seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		a := w.seen[id]
		sr := bySession[a.Alert.GetSessionId()]
		if sr == nil {
			for _, cand := range rep.Scenarios {
				if cand.SessionID == "" && within(a.Alert.GetFirstEventTime().AsTime(), cand.Result) {
					sr = cand
					break
				}
			}
		}
		if sr == nil {
			rep.Unattributed = append(rep.Unattributed, a)
			continue
		}
		sr.Alerts = append(sr.Alerts, a)
	}
	for _, sr := range rep.Scenarios {
		sort.Slice(sr.Alerts, func(i, j int) bool { return sr.Alerts[i].SeenAt.Before(sr.Alerts[j].SeenAt) })
		fired := map[string]bool{}
		for _, a := range sr.Alerts {
			fired[a.Alert.GetRuleId()] = true
		}
		sr.Missing = nil
		for _, r := range sr.Scenario.ExpectRules {
			if !fired[r] {
				sr.Missing = append(sr.Missing, r)
			}
		}
		sr.Unexpected = nil
		for r := range fired {
			if !slices.Contains(sr.Scenario.ExpectRules, r) && !slices.Contains(sr.Scenario.AlsoRules, r) {
				sr.Unexpected = append(sr.Unexpected, r)
			}
		}
		sort.Strings(sr.Unexpected)
	}
}

// within reports whether t falls in the run of res, with 50 ms of slack for
// timestamps taken by another process.
func within(t time.Time, res Result) bool {
	const slack = 50 * time.Millisecond
	return !res.Start.IsZero() && !t.Before(res.Start.Add(-slack)) && !t.After(res.End.Add(slack))
}

// Print writes the human-readable report: per scenario, its alerts (severity,
// rule id, title, tags, session), the latency from the attacking request to
// the alert being queryable, the verdict, and the URLs to look at.
func (r *Report) Print(out io.Writer, q *QueryClient) {
	fmt.Fprintln(out)
	for _, sr := range r.Scenarios {
		kind := "benign"
		if sr.Scenario.Attack {
			kind = "attack"
		}
		verdict := "PASS"
		if sr.Failed() {
			verdict = "FAIL"
		}
		fmt.Fprintf(out, "== %s  [%s] %s — %s\n", verdict, kind, sr.Scenario.Name, sr.Scenario.Description)
		session := sr.SessionID
		if session == "" {
			session = "(not found on the query API)"
		}
		fmt.Fprintf(out, "   session %s  client %s  server %s  %d tool calls\n",
			session, sr.Result.ClientName, orDash(sr.Result.ServerName), len(sr.Result.ToolCalls))
		if sr.Err != nil {
			fmt.Fprintf(out, "   session error: %v\n", sr.Err)
		}
		if len(sr.Alerts) == 0 {
			if sr.Scenario.Attack {
				fmt.Fprintln(out, "   no alerts")
			} else {
				fmt.Fprintln(out, "   no alerts (as expected)")
			}
		}
		for _, a := range sr.Alerts {
			al := a.Alert
			mark := "  "
			switch {
			case !sr.Scenario.Attack || slices.Contains(sr.Unexpected, al.GetRuleId()):
				mark = "! "
			case slices.Contains(sr.Scenario.ExpectRules, al.GetRuleId()):
				mark = "✓ "
			}
			lat := ""
			if d, ok := sr.Latency(al.GetRuleId()); ok && slices.Contains(sr.Scenario.ExpectRules, al.GetRuleId()) {
				lat = fmt.Sprintf("  (queryable %s after the attacking request)", d.Round(time.Millisecond))
			}
			fmt.Fprintf(out, "   %s%-13s %-45s %s%s\n", mark, severity(al.GetSeverity()), al.GetRuleId(), al.GetTitle(), lat)
			fmt.Fprintf(out, "     tags %s  alert %s\n", strings.Join(al.GetTags(), ","), al.GetAlertId())
		}
		for _, m := range sr.Missing {
			fmt.Fprintf(out, "   ✗ MISSING %s\n", m)
		}
		if sr.SessionID != "" {
			fmt.Fprintf(out, "   curl -s '%s'\n", q.SessionEventsURL(sr.SessionID, r.Start))
		}
		fmt.Fprintln(out)
	}
	if len(r.Unattributed) > 0 {
		fmt.Fprintf(out, "%d alert(s) since the start matched no scenario (other traffic?):\n", len(r.Unattributed))
		for _, a := range r.Unattributed {
			fmt.Fprintf(out, "   %-13s %s session %s\n", severity(a.Alert.GetSeverity()), a.Alert.GetRuleId(), a.Alert.GetSessionId())
		}
		fmt.Fprintln(out)
	}
	if r.PollErr != nil {
		fmt.Fprintf(out, "last query API error: %v\n\n", r.PollErr)
	}
	fmt.Fprintln(out, "where to look (while mcpaudit up runs: `make demo` stops it at the end unless DEMO_KEEP_RUNNING=1):")
	fmt.Fprintf(out, "   curl -s '%s'\n", q.AlertsURL(r.Start))
	fmt.Fprintf(out, "   curl -s '%s'\n", q.url("/v1/sessions", listParams(r.Start, "")))
	for _, sr := range r.Scenarios {
		if len(sr.Alerts) > 0 {
			fmt.Fprintf(out, "   curl -s '%s'   # one alert with its events\n", q.AlertURL(sr.Alerts[0].Alert.GetAlertId()))
			break
		}
	}
	failed := 0
	for _, sr := range r.Scenarios {
		if sr.Failed() {
			failed++
		}
	}
	fmt.Fprintf(out, "\n%d/%d scenarios passed\n", len(r.Scenarios)-failed, len(r.Scenarios))
}

func severity(s eventv1.Severity) string {
	return strings.TrimPrefix(s.String(), "SEVERITY_")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
