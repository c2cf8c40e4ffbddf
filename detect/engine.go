package detect

import (
	"container/list"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"reflect"

	"github.com/expr-lang/expr/vm"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/mcpaudit/mcpaudit/detect/signal"
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
	fpKey       []byte
	reg         prometheus.Registerer
}

// WithFingerprintKey gives the engine the collector's redaction
// fingerprint key (ingest.fingerprint_key), so a secret the collector
// masked in one event ([REDACTED:kind:fp]) is recognised when it is sent
// in clear in another, and the reverse (Env.Flows).
func WithFingerprintKey(key []byte) Option {
	return func(c *engineConfig) { c.fpKey = append([]byte(nil), key...) }
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
	needs     map[string]bool // analysis names some rule reads

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
	absent int // partial matches awaiting an absent step, all groups
	// nextDeadline is the earliest deadline of those partial matches (a
	// lower bound after some of them were broken), so the scan for expired
	// ones runs only when event time has passed it.
	nextDeadline time.Time
}

// await records that p waits for an absent step until deadline.
func (rs *ruleState) await(p *partial, deadline time.Time) {
	p.deadline = deadline
	rs.absent++
	if rs.nextDeadline.IsZero() || deadline.Before(rs.nextDeadline) {
		rs.nextDeadline = deadline
	}
}

type group struct {
	mapKey   string
	tenant   string
	key      string
	last     time.Time
	partials []*partial           // sequence progress, oldest first
	entries  []matched            // threshold window, arrival order
	values   map[string]time.Time // new_value: value -> last seen
	quietTil time.Time            // suppression: no alert before this event time
}

type partial struct {
	next     int
	events   []matched
	deadline time.Time // awaiting an absent step: complete when event time passes it
}

type matched struct {
	id       string
	time     time.Time
	session  string
	server   string
	tool     string
	distinct string
	reasons  []*eventv1.AlertReason
}

// maxValuesPerGroup caps the values a new_value group remembers; the
// oldest is forgotten beyond it.
const maxValuesPerGroup = 10_000

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
		clock: cfg.clock, maxGroups: cfg.maxGroups, logger: logger, st: newState(cfg.maxSessions, cfg.baseline, cfg.fpKey),
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
	e.needs = map[string]bool{}
	for _, r := range rules {
		for n := range r.uses() {
			e.needs[n] = true
		}
		keep := max(r.MaxSpan, r.Window, r.Suppress)
		if n := len(r.Steps); n > 0 && r.Steps[n-1].Absent {
			keep = max(keep, r.MaxSpan+r.Steps[n-1].Within)
		}
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
	analyse(env, e.needs)
	for i := range env.DefinitionChanges {
		dc := &env.DefinitionChanges[i]
		for _, t := range env.Tools {
			if t.Name == dc.Tool && dc.Kind != "removed" {
				dc.Risk = t.Risk.Level
			}
		}
	}
	if len(env.orderLits) > 0 {
		e.st.recordOrders(env)
	}
	if env.Method == "tools/call" && env.Direction == "server_to_client" && e.needs[useTextRisk] {
		e.st.recordReadRisk(env)
	}
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
		case KindNewValue:
			a = e.processNewValue(rs, env, m)
		}
		if a != nil {
			out = append(out, a)
		}
		if rs.absent > 0 {
			out = append(out, e.expireAbsent(rs)...)
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
	m.reasons = e.reasons(rs, env)
	return e.alert(rs, env.TenantID, key, []matched{m})
}

func (e *Engine) processSequence(rs *ruleState, env *Env, m matched) *eventv1.Alert {
	r := rs.rule
	// Each step's condition and key are evaluated at most once per event.
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
	keys := map[int]string{}
	stepKey := func(i int) (string, bool) {
		if k, ok := keys[i]; ok {
			return k, true
		}
		var k string
		var ok bool
		if p := r.Steps[i].by; p != nil {
			v, err := e.vm.Run(p, env)
			if err != nil {
				e.evalError(rs, env, fmt.Sprintf("steps[%d].by", i), err)
				return "", false
			}
			k, ok = stringify(v), true
		} else {
			k, ok = e.groupKey(rs, env)
		}
		if ok {
			keys[i] = k
		}
		return k, ok
	}
	last := len(r.Steps) - 1
	absent := r.Steps[last].Absent
	// The groups this event may advance, in step order: one per distinct
	// step key (one group when no step has its own by).
	var tried []string
	for k := 1; k <= last; k++ {
		key, ok := stepKey(k)
		if !ok || slices.Contains(tried, key) {
			continue
		}
		tried = append(tried, key)
		g := e.lookup(rs, env.TenantID, key)
		if g == nil {
			continue
		}
		e.touch(rs, g, env.Time)
		// Drop partial matches that can no longer finish within maxspan.
		g.partials = slices.DeleteFunc(g.partials, func(p *partial) bool {
			drop := p.deadline.IsZero() && env.Time.Sub(p.events[0].time) > r.MaxSpan
			if drop && p.next == last && absent {
				rs.absent--
			}
			return drop
		})
		if r.until != nil && len(g.partials) > 0 && e.evalBool(rs, r.until, env) {
			e.dropPartials(rs, g)
			return nil
		}
		for i, p := range g.partials {
			if !step(p.next) {
				continue
			}
			if pk, ok := stepKey(p.next); !ok || pk != key {
				continue
			}
			if p.next == last && absent {
				// The awaited event came: the sequence is broken.
				g.partials = slices.Delete(g.partials, i, i+1)
				rs.absent--
				return nil
			}
			m.reasons = e.reasons(rs, env)
			p.events = append(p.events, m)
			p.next++
			if p.next == last && absent {
				rs.await(p, env.Time.Add(r.Steps[last].Within))
				return nil
			}
			if p.next < len(r.Steps) {
				return nil // the event is consumed by one partial match
			}
			e.dropPartials(rs, g)
			if e.suppress(rs, g, env.Time) {
				return nil
			}
			return e.alert(rs, env.TenantID, key, p.events)
		}
	}
	if !step(0) {
		return nil
	}
	key, ok := stepKey(0)
	if !ok {
		return nil
	}
	g := e.group(rs, env.TenantID, key, env.Time)
	if len(g.partials) >= maxPartials {
		if g.partials[0].next == last && absent {
			rs.absent--
		}
		g.partials = slices.Delete(g.partials, 0, 1)
	}
	m.reasons = e.reasons(rs, env)
	p := &partial{next: 1, events: []matched{m}}
	if last == 1 && absent {
		rs.await(p, env.Time.Add(r.Steps[last].Within))
	}
	g.partials = append(g.partials, p)
	return nil
}

// dropPartials clears a group's partial matches, keeping the count of
// those awaiting an absent step right.
func (e *Engine) dropPartials(rs *ruleState, g *group) {
	for _, p := range g.partials {
		if !p.deadline.IsZero() {
			rs.absent--
		}
	}
	g.partials = g.partials[:0]
}

// expireAbsent raises the alerts of sequences whose absent step's window
// has passed in event time (the engine's watermark): nothing arrived.
func (e *Engine) expireAbsent(rs *ruleState) []*eventv1.Alert {
	if !e.watermark.After(rs.nextDeadline) {
		return nil
	}
	var out []*eventv1.Alert
	var next time.Time
	// The scan visits every group (bounded by the group cap), but only
	// when event time passes the earliest deadline.
	for el := rs.lru.Back(); el != nil; el = el.Prev() {
		g := el.Value.(*group)
		for i := 0; i < len(g.partials); i++ {
			p := g.partials[i]
			if p.deadline.IsZero() {
				continue
			}
			if !e.watermark.After(p.deadline) {
				if next.IsZero() || p.deadline.Before(next) {
					next = p.deadline
				}
				continue
			}
			g.partials = slices.Delete(g.partials, i, i+1)
			i--
			rs.absent--
			if e.suppress(rs, g, p.deadline) {
				continue
			}
			out = append(out, e.alert(rs, g.tenant, g.key, p.events))
		}
	}
	rs.nextDeadline = next
	return out
}

func (e *Engine) processNewValue(rs *ruleState, env *Env, m matched) *eventv1.Alert {
	r := rs.rule
	if !e.evalBool(rs, r.cond, env) {
		return nil
	}
	key, ok := e.groupKey(rs, env)
	if !ok {
		return nil
	}
	v, err := e.vm.Run(r.value, env)
	if err != nil {
		e.evalError(rs, env, "value", err)
		return nil
	}
	val := stringify(v)
	g := e.group(rs, env.TenantID, key, env.Time)
	if g.values == nil {
		g.values = map[string]time.Time{}
	}
	seen, known := g.values[val]
	learnt := len(g.values) > 0
	g.values[val] = env.Time
	if len(g.values) > maxValuesPerGroup {
		oldest, ot := "", env.Time
		for k, t := range g.values {
			if t.Before(ot) {
				oldest, ot = k, t
			}
		}
		delete(g.values, oldest)
	}
	if !learnt || known && env.Time.Sub(seen) < r.Window {
		return nil
	}
	if e.suppress(rs, g, env.Time) {
		return nil
	}
	m.distinct = val
	m.reasons = e.reasons(rs, env)
	return e.alert(rs, env.TenantID, key, []matched{m})
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
	m.reasons = e.reasons(rs, env)
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
		e.dropPartials(rs, old)
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
		e.dropPartials(rs, g)
		rs.lru.Remove(back)
		delete(rs.groups, g.mapKey)
	}
}

// maxReasons caps Alert.reasons.
const maxReasons = 32

// reasons evaluates the rule's reasons expression on env: a list of
// findings (signal.Finding values, maps with their fields, or strings), a
// signal.Verdict (its findings), or a list of those. Spans are clipped and
// redacted.
func (e *Engine) reasons(rs *ruleState, env *Env) []*eventv1.AlertReason {
	if rs.rule.reasons == nil {
		return nil
	}
	v, err := e.vm.Run(rs.rule.reasons, env)
	if err != nil {
		e.evalError(rs, env, "reasons", err)
		return nil
	}
	var out []*eventv1.AlertReason
	var add func(v any)
	add = func(v any) {
		if len(out) >= maxReasons {
			return
		}
		switch x := v.(type) {
		case nil:
		case signal.Finding:
			out = append(out, &eventv1.AlertReason{Signal: x.Signal, Field: x.Field, Span: cleanSpan(x.Span), Weight: x.Weight, EventId: env.Event.GetEventId()})
		case signal.Verdict:
			for _, f := range x.Findings {
				add(f)
			}
		case []signal.Finding:
			for _, f := range x {
				add(f)
			}
		case string:
			out = append(out, &eventv1.AlertReason{Signal: x, EventId: env.Event.GetEventId()})
		case map[string]any:
			r := &eventv1.AlertReason{EventId: env.Event.GetEventId()}
			r.Signal, _ = x["signal"].(string)
			r.Field, _ = x["field"].(string)
			sp, _ := x["span"].(string)
			r.Span = cleanSpan(sp)
			r.Weight, _ = x["weight"].(float64)
			out = append(out, r)
		case []any:
			for _, y := range x {
				add(y)
			}
		case []string:
			for _, y := range x {
				add(y)
			}
		default:
			rv := reflect.ValueOf(v)
			if rv.Kind() == reflect.Slice {
				for i := range rv.Len() {
					add(rv.Index(i).Interface())
				}
				return
			}
			out = append(out, &eventv1.AlertReason{Signal: stringify(v), EventId: env.Event.GetEventId()})
		}
	}
	add(v)
	return out
}

// cleanSpan clips a span and masks any secret in it, so an alert never
// carries one in clear.
func cleanSpan(s string) string {
	return signal.Clip(secretCatalogue.Redact(s, nil))
}

func (e *Engine) alert(rs *ruleState, tenant, key string, evs []matched) *eventv1.Alert {
	r := rs.rule
	rs.stats.Alerts++
	ids := make([]string, len(evs))
	var reasons []*eventv1.AlertReason
	for i, m := range evs {
		ids[i] = m.id
		for _, rr := range m.reasons {
			if len(reasons) < maxReasons {
				reasons = append(reasons, rr)
			}
		}
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
		Reasons:        reasons,
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
