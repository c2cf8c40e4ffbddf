package detect

import (
	"container/list"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/expr-lang/expr/vm"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// DefaultMaxGroups is the default cap on live group keys per rule.
const DefaultMaxGroups = 100_000

// maxPartials caps the partial matches kept per sequence group; the oldest is
// dropped when a new one would exceed it.
const maxPartials = 8

// sweepPerEvent bounds how many expired groups one Process call removes per
// rule, so expiry work is spread over events.
const sweepPerEvent = 16

// Option configures an Engine.
type Option func(*engineConfig)

type engineConfig struct {
	clock       func() time.Time
	maxGroups   int
	maxSessions int
	baseline    Baseline
	reg         prometheus.Registerer
}

// WithBaseline sets the fleet-wide baseline of tool definitions the engine
// compares every tools/list with (default: a NewMemoryBaseline of its own).
// Engines of several replicas share one by giving each a baseline backed
// by the same store.
func WithBaseline(b Baseline) Option { return func(c *engineConfig) { c.baseline = b } }

// WithMaxSessions caps the sessions whose catalogue, capabilities and
// fingerprints the engine keeps (default DefaultMaxSessions); the least
// recently seen is forgotten beyond it. n <= 0 keeps the default.
func WithMaxSessions(n int) Option {
	return func(c *engineConfig) {
		if n > 0 {
			c.maxSessions = n
		}
	}
}

// WithClock sets the wall clock that stamps Alert.time (default time.Now).
// Windows never use it: they run on event time.
func WithClock(now func() time.Time) Option { return func(c *engineConfig) { c.clock = now } }

// WithMaxGroups caps the live group keys (sessions, for most rules) each
// rule keeps state for; beyond it the least recently seen group is evicted
// and counted (RuleStats.Evicted, mcpaudit_detect_groups_evicted_total).
// n <= 0 keeps the default, DefaultMaxGroups.
func WithMaxGroups(n int) Option {
	return func(c *engineConfig) {
		if n > 0 {
			c.maxGroups = n
		}
	}
}

// WithRegisterer registers the engine's metrics with reg:
// mcpaudit_detect_rule_eval_errors_total{rule_id},
// mcpaudit_detect_groups_evicted_total{rule_id} and
// mcpaudit_detect_alerts_suppressed_total{rule_id}. Without it the engine
// only counts in Stats.
func WithRegisterer(reg prometheus.Registerer) Option { return func(c *engineConfig) { c.reg = reg } }

// Engine evaluates rules over a stream of events and raises alerts. State
// (sequence progress, threshold windows, suppression) is kept per rule and
// per tenant + group key, measured in event time, in memory only.
//
// Process is safe for concurrent use (a mutex serialises calls), but results
// depend on order: feed the events of one session (one Kafka partition) in
// order. Given the same rules and the same event sequence, a fresh Engine
// raises the same alerts with the same alert_ids.
type Engine struct {
	mu        sync.Mutex
	rules     []*ruleState
	clock     func() time.Time
	maxGroups int
	logger    *slog.Logger
	vm        vm.VM
	watermark time.Time // newest event time seen
	st        *state

	evalErrors *prometheus.CounterVec
	evicted    *prometheus.CounterVec
	suppressed *prometheus.CounterVec
}

type ruleState struct {
	rule   *Rule
	groups map[string]*list.Element // tenant NUL key -> *group
	lru    *list.List               // front: most recently seen
	keep   time.Duration            // how long an idle group is worth keeping
	stats  RuleStats
}

type group struct {
	mapKey   string
	tenant   string
	key      string
	last     time.Time
	partials []*partial // sequence progress, oldest first
	entries  []matched  // threshold window, arrival order
	quietTil time.Time  // suppression: no alert before this event time
}

type partial struct {
	next   int
	events []matched
}

type matched struct {
	id       string
	time     time.Time
	session  string
	server   string
	tool     string
	distinct string
}

// RuleStats are one rule's counters since the engine started.
type RuleStats struct {
	// Groups is the number of live group keys.
	Groups int
	// Alerts is the number of alerts raised.
	Alerts uint64
	// Suppressed is the number of alerts not raised because of suppression.
	Suppressed uint64
	// Evicted is the number of groups dropped to honour the group cap.
	Evicted uint64
	// EvalErrors is the number of expression evaluations that failed (the
	// event is then treated as not matching).
	EvalErrors uint64
}

// NewEngine returns an engine for rules. logger may be nil (logs are then
// discarded).
func NewEngine(rules []*Rule, logger *slog.Logger, opts ...Option) *Engine {
	cfg := engineConfig{clock: time.Now, maxGroups: DefaultMaxGroups, maxSessions: DefaultMaxSessions}
	for _, o := range opts {
		o(&cfg)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	e := &Engine{
		clock: cfg.clock, maxGroups: cfg.maxGroups, logger: logger, st: newState(cfg.maxSessions, cfg.baseline),
		evalErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcpaudit_detect_rule_eval_errors_total",
			Help: "Rule expression evaluations that failed at run time; the event was treated as not matching.",
		}, []string{"rule_id"}),
		evicted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcpaudit_detect_groups_evicted_total",
			Help: "Rule group states (sequence progress, threshold windows) evicted to honour the per-rule group cap.",
		}, []string{"rule_id"}),
		suppressed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcpaudit_detect_alerts_suppressed_total",
			Help: "Alerts not raised because an alert for the same rule and group key was raised within the suppression window.",
		}, []string{"rule_id"}),
	}
	if cfg.reg != nil {
		cfg.reg.MustRegister(e.evalErrors, e.evicted, e.suppressed)
	}
	for _, r := range rules {
		keep := max(r.MaxSpan, r.Window, r.Suppress)
		e.rules = append(e.rules, &ruleState{rule: r, groups: map[string]*list.Element{}, lru: list.New(), keep: keep})
	}
	return e
}

// Stats returns each rule's counters, by rule id.
func (e *Engine) Stats() map[string]RuleStats {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string]RuleStats, len(e.rules))
	for _, rs := range e.rules {
		s := rs.stats
		s.Groups = len(rs.groups)
		out[rs.rule.ID] = s
	}
	return out
}

// Process evaluates every rule against ev and returns the alerts it raises,
// in rule order (nil when none). ev must not be modified during the call.
// Expression failures are counted and logged and make the condition false;
// Process never fails.
func (e *Engine) Process(ev *eventv1.Event) []*eventv1.Alert {
	e.mu.Lock()
	defer e.mu.Unlock()
	env := NewEnv(ev)
	if env.Time.IsZero() {
		env.Time = e.clock()
	}
	if env.Time.After(e.watermark) {
		e.watermark = env.Time
	}
	e.st.apply(env, ev)
	m := matched{id: ev.GetEventId(), time: env.Time, session: env.SessionID, server: env.ServerName, tool: env.ToolName}
	var out []*eventv1.Alert
	for _, rs := range e.rules {
		var a *eventv1.Alert
		switch rs.rule.Kind {
		case KindMatch:
			a = e.processMatch(rs, env, m)
		case KindSequence:
			a = e.processSequence(rs, env, m)
		case KindThreshold:
			a = e.processThreshold(rs, env, m)
		}
		if a != nil {
			out = append(out, a)
		}
		e.sweep(rs)
	}
	e.st.sweep(e.watermark)
	return out
}

func (e *Engine) processMatch(rs *ruleState, env *Env, m matched) *eventv1.Alert {
	if !e.evalBool(rs, rs.rule.cond, env) {
		return nil
	}
	key, ok := e.groupKey(rs, env)
	if !ok {
		return nil
	}
	if rs.rule.Suppress > 0 {
		g := e.group(rs, env.TenantID, key, env.Time)
		if e.suppress(rs, g, env.Time) {
			return nil
		}
	}
	return e.alert(rs, env.TenantID, key, []matched{m})
}

func (e *Engine) processSequence(rs *ruleState, env *Env, m matched) *eventv1.Alert {
	r := rs.rule
	key, ok := e.groupKey(rs, env)
	if !ok {
		return nil
	}
	g := e.lookup(rs, env.TenantID, key)
	// Each step's condition is evaluated at most once per event.
	var memo [16]int8 // 0 unknown, 1 true, -1 false
	step := func(i int) bool {
		if i < len(memo) && memo[i] != 0 {
			return memo[i] > 0
		}
		v := e.evalBool(rs, r.Steps[i].prog, env)
		if i < len(memo) {
			memo[i] = -1
			if v {
				memo[i] = 1
			}
		}
		return v
	}
	if g == nil {
		if !step(0) {
			return nil
		}
		g = e.group(rs, env.TenantID, key, env.Time)
	} else {
		e.touch(rs, g, env.Time)
		// Drop partial matches that can no longer finish within maxspan.
		g.partials = slices.DeleteFunc(g.partials, func(p *partial) bool {
			return env.Time.Sub(p.events[0].time) > r.MaxSpan
		})
		if r.until != nil && len(g.partials) > 0 && e.evalBool(rs, r.until, env) {
			g.partials = g.partials[:0]
			return nil
		}
		for _, p := range g.partials {
			if !step(p.next) {
				continue
			}
			p.events = append(p.events, m)
			p.next++
			if p.next < len(r.Steps) {
				return nil // the event is consumed by one partial match
			}
			g.partials = g.partials[:0]
			if e.suppress(rs, g, env.Time) {
				return nil
			}
			return e.alert(rs, env.TenantID, key, p.events)
		}
		if !step(0) {
			return nil
		}
	}
	if len(g.partials) >= maxPartials {
		g.partials = slices.Delete(g.partials, 0, 1)
	}
	g.partials = append(g.partials, &partial{next: 1, events: []matched{m}})
	return nil
}

func (e *Engine) processThreshold(rs *ruleState, env *Env, m matched) *eventv1.Alert {
	r := rs.rule
	if !e.evalBool(rs, r.cond, env) {
		return nil
	}
	key, ok := e.groupKey(rs, env)
	if !ok {
		return nil
	}
	if r.distinct != nil {
		v, err := e.vm.Run(r.distinct, env)
		if err != nil {
			e.evalError(rs, env, "distinct", err)
			return nil
		}
		m.distinct = stringify(v)
	}
	g := e.group(rs, env.TenantID, key, env.Time)
	g.entries = slices.DeleteFunc(g.entries, func(x matched) bool {
		return env.Time.Sub(x.time) >= r.Window || (r.distinct != nil && x.distinct == m.distinct)
	})
	g.entries = append(g.entries, m)
	if len(g.entries) < r.Count {
		return nil
	}
	evs := g.entries
	g.entries = nil
	if e.suppress(rs, g, env.Time) {
		return nil
	}
	slices.SortStableFunc(evs, func(a, b matched) int { return a.time.Compare(b.time) })
	return e.alert(rs, env.TenantID, key, evs)
}

// suppress reports whether an alert of g at event time t is suppressed, and
// otherwise opens the suppression window.
func (e *Engine) suppress(rs *ruleState, g *group, t time.Time) bool {
	if rs.rule.Suppress <= 0 {
		return false
	}
	if t.Before(g.quietTil) {
		rs.stats.Suppressed++
		e.suppressed.WithLabelValues(rs.rule.ID).Inc()
		return true
	}
	g.quietTil = t.Add(rs.rule.Suppress)
	return false
}

func (e *Engine) groupKey(rs *ruleState, env *Env) (string, bool) {
	if rs.rule.by == nil {
		return env.SessionID, true
	}
	v, err := e.vm.Run(rs.rule.by, env)
	if err != nil {
		e.evalError(rs, env, "by", err)
		return "", false
	}
	return stringify(v), true
}

func (e *Engine) evalBool(rs *ruleState, p *vm.Program, env *Env) bool {
	v, err := e.vm.Run(p, env)
	if err != nil {
		e.evalError(rs, env, "condition", err)
		return false
	}
	b, _ := v.(bool)
	return b
}

func (e *Engine) evalError(rs *ruleState, env *Env, field string, err error) {
	rs.stats.EvalErrors++
	e.evalErrors.WithLabelValues(rs.rule.ID).Inc()
	e.logger.Warn("rule evaluation failed", "rule_id", rs.rule.ID, "field", field, "event_id", env.Event.GetEventId(), "error", err)
}

func stringify(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// lookup returns the live group of tenant and key, or nil.
func (e *Engine) lookup(rs *ruleState, tenant, key string) *group {
	el, ok := rs.groups[tenant+"\x00"+key]
	if !ok {
		return nil
	}
	return el.Value.(*group)
}

// group returns the group of tenant and key, creating it (and evicting the
// least recently seen group beyond the cap) when needed, and marks it seen
// at t.
func (e *Engine) group(rs *ruleState, tenant, key string, t time.Time) *group {
	mk := tenant + "\x00" + key
	if el, ok := rs.groups[mk]; ok {
		g := el.Value.(*group)
		e.touch(rs, g, t)
		return g
	}
	for len(rs.groups) >= e.maxGroups {
		back := rs.lru.Back()
		old := back.Value.(*group)
		rs.lru.Remove(back)
		delete(rs.groups, old.mapKey)
		rs.stats.Evicted++
		e.evicted.WithLabelValues(rs.rule.ID).Inc()
	}
	g := &group{mapKey: mk, tenant: tenant, key: key, last: t}
	rs.groups[mk] = rs.lru.PushFront(g)
	return g
}

func (e *Engine) touch(rs *ruleState, g *group, t time.Time) {
	if t.After(g.last) {
		g.last = t
	}
	rs.lru.MoveToFront(rs.groups[g.mapKey])
}

// sweep removes up to sweepPerEvent least recently seen groups whose state
// has expired relative to the newest event time seen.
func (e *Engine) sweep(rs *ruleState) {
	for range sweepPerEvent {
		back := rs.lru.Back()
		if back == nil {
			return
		}
		g := back.Value.(*group)
		if !g.last.Add(rs.keep).Before(e.watermark) {
			return
		}
		rs.lru.Remove(back)
		delete(rs.groups, g.mapKey)
	}
}

func (e *Engine) alert(rs *ruleState, tenant, key string, evs []matched) *eventv1.Alert {
	r := rs.rule
	rs.stats.Alerts++
	ids := make([]string, len(evs))
	for i, m := range evs {
		ids[i] = m.id
	}
	first, last := evs[0], evs[len(evs)-1]
	return &eventv1.Alert{
		AlertId:        AlertID(r.ID, key, first.id),
		TenantId:       tenant,
		RuleId:         r.ID,
		Title:          r.Title,
		Description:    r.Description,
		Severity:       r.Severity,
		Tags:           slices.Clone(r.Tags),
		EventIds:       ids,
		SessionId:      first.session,
		GroupKey:       key,
		Time:           timestamppb.New(e.clock()),
		FirstEventTime: timestamppb.New(first.time),
		LastEventTime:  timestamppb.New(last.time),
		RuleKind:       string(r.Kind),
		ServerName:     last.server,
		ToolName:       last.tool,
	}
}

// AlertID returns the deterministic alert id for a rule, group key and first
// matching event id: the first 16 bytes of SHA-256(ruleID, NUL, groupKey,
// NUL, firstEventID), formatted as a lowercase UUID string (version and
// variant bits are not set).
func AlertID(ruleID, groupKey, firstEventID string) string {
	h := sha256.New()
	h.Write([]byte(ruleID))
	h.Write([]byte{0})
	h.Write([]byte(groupKey))
	h.Write([]byte{0})
	h.Write([]byte(firstEventID))
	var id uuid.UUID
	copy(id[:], h.Sum(nil))
	return id.String()
}
