package health

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"
	"unicode/utf8"
)

// CheckFunc probes one dependency and returns nil when it is usable. It must
// return when ctx ends (its deadline is Options.Timeout). Its error text is
// served by the readiness endpoint, so it must not carry secrets or SQL.
type CheckFunc func(ctx context.Context) error

// Options tunes a Checker.
type Options struct {
	// Interval is the time between two probe rounds. Default 2s.
	Interval time.Duration
	// Timeout bounds one check. Default 2s.
	Timeout time.Duration
	// Logger records changes of a dependency's state. Nil discards them.
	Logger *slog.Logger
}

// Checker probes its checks every Interval, all at once, and caches the
// results. Its methods are safe for concurrent use. Until a check's first
// probe finished it counts as down ("not checked yet").
type Checker struct {
	opts   Options
	checks []namedCheck

	mu       sync.RWMutex
	results  map[string]Result
	watchers []func(Report)
}

type namedCheck struct {
	name string
	fn   CheckFunc
}

// Result is the latest outcome of one check.
type Result struct {
	// Name is the dependency's name (kafka, clickhouse, local_clickhouse).
	Name string `json:"name"`
	// OK is true when the last probe succeeded.
	OK bool `json:"-"`
	// Status is "ok" or "down".
	Status string `json:"status"`
	// Error is the last probe's error, at most maxErrorBytes; empty when
	// ok.
	Error string `json:"error,omitempty"`
	// Since is when the dependency entered its current state (UTC).
	Since time.Time `json:"since"`
}

// Report is every check's latest Result, in the order the checks were
// added.
type Report struct {
	// Ready is true when every check is ok.
	Ready bool `json:"ready"`
	// Dependencies are the results.
	Dependencies []Result `json:"dependencies"`
}

// Get returns the result named name and whether there is one.
func (r Report) Get(name string) (Result, bool) {
	i := slices.IndexFunc(r.Dependencies, func(d Result) bool { return d.Name == name })
	if i < 0 {
		return Result{}, false
	}
	return r.Dependencies[i], true
}

// OK reports whether every named dependency is ok; unknown names are not.
func (r Report) OK(names ...string) bool {
	for _, n := range names {
		if d, ok := r.Get(n); !ok || !d.OK {
			return false
		}
	}
	return true
}

// maxErrorBytes bounds the error text kept per check.
const maxErrorBytes = 300

// errNotChecked is the state of a check before its first probe.
var errNotChecked = errors.New("not checked yet")

// New returns a Checker with no checks.
func New(opts Options) *Checker {
	if opts.Interval <= 0 {
		opts.Interval = 2 * time.Second
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Checker{opts: opts, results: map[string]Result{}}
}

// Add registers a check under name. Add every check before Run; a name
// added twice panics.
func (c *Checker) Add(name string, fn CheckFunc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, dup := c.results[name]; dup {
		panic(fmt.Sprintf("health: check %q added twice", name))
	}
	c.checks = append(c.checks, namedCheck{name, fn})
	c.results[name] = Result{Name: name, Status: "down", Error: errNotChecked.Error(), Since: time.Now().UTC()}
}

// Watch registers f to be called with the new Report after every probe
// round in which some dependency changed state, and once after the first
// round. f runs on the Checker's goroutine and must not block.
func (c *Checker) Watch(f func(Report)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.watchers = append(c.watchers, f)
}

// Run probes every check now and then every Interval until ctx is done.
// It returns nil when ctx ends.
func (c *Checker) Run(ctx context.Context) error {
	first := true
	for {
		if changed := c.Probe(ctx); changed || first {
			c.notify()
		}
		first = false
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(c.opts.Interval):
		}
	}
}

// Probe runs every check once, concurrently, each within Options.Timeout,
// records the results and reports whether any dependency changed state.
// Run calls it; tests and start-up code may call it directly.
func (c *Checker) Probe(ctx context.Context) (changed bool) {
	c.mu.RLock()
	checks := slices.Clone(c.checks)
	c.mu.RUnlock()
	errs := make([]error, len(checks))
	var wg sync.WaitGroup
	for i, ch := range checks {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
			defer cancel()
			errs[i] = ch.fn(cctx)
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return false // a probe cut short by shutdown says nothing
	}
	now := time.Now().UTC()
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, ch := range checks {
		old := c.results[ch.name]
		r := Result{Name: ch.name, OK: errs[i] == nil, Status: "ok", Since: old.Since}
		if errs[i] != nil {
			r.Status = "down"
			r.Error = truncate(errs[i].Error(), maxErrorBytes)
		}
		if r.OK != old.OK || old.Error == errNotChecked.Error() {
			r.Since = now
			changed = changed || r.OK != old.OK
			if r.OK {
				c.opts.Logger.Info("dependency ok", "dependency", ch.name)
			} else {
				c.opts.Logger.Warn("dependency down", "dependency", ch.name, "error", r.Error)
			}
		}
		c.results[ch.name] = r
	}
	return changed
}

func (c *Checker) notify() {
	rep := c.Report()
	c.mu.RLock()
	watchers := slices.Clone(c.watchers)
	c.mu.RUnlock()
	for _, w := range watchers {
		w(rep)
	}
}

// Report returns the latest results.
func (c *Checker) Report() Report {
	c.mu.RLock()
	defer c.mu.RUnlock()
	rep := Report{Ready: true, Dependencies: make([]Result, 0, len(c.checks))}
	for _, ch := range c.checks {
		r := c.results[ch.name]
		rep.Ready = rep.Ready && r.OK
		rep.Dependencies = append(rep.Dependencies, r)
	}
	return rep
}

// Handler serves the Report as JSON: 200 when every dependency is ok, 503
// otherwise, with Cache-Control: no-store. It answers from the cache and
// never probes, so it is cheap and cannot hang on a dependency.
func (c *Checker) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		rep := c.Report()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if !rep.Ready {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(rep)
	})
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
