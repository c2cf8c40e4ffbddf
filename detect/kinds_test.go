package detect

import (
	"slices"
	"strings"
	"testing"
	"time"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

func alertIDs(as []*eventv1.Alert) [][]string {
	var out [][]string
	for _, a := range as {
		out = append(out, a.GetEventIds())
	}
	return out
}

func TestNewValue(t *testing.T) {
	rules := mustParse(t, `
id: new-tool-for-session
title: Session calls a tool it never called before
severity: low
kind: new_value
window: 1h
condition: method == "tools/call" && kind == "request"
value: tool_name
reasons: '["tool " + tool_name]'
`)
	evs := []*eventv1.Event{
		call("e1", "s1", 0, "read_file", `{}`),              // first value: learnt
		call("e2", "s1", time.Second, "read_file", `{}`),    // seen
		call("e3", "s1", 2*time.Second, "send_email", `{}`), // new
		call("e4", "s2", 3*time.Second, "send_email", `{}`), // other session: learnt
		call("e5", "s1", 2*time.Hour, "read_file", `{}`),    // seen, but longer ago than window
	}
	got, _ := run(t, rules, evs...)
	want := [][]string{{"e3"}, {"e5"}}
	if !slices.EqualFunc(alertIDs(got), want, slices.Equal) {
		t.Fatalf("alerts = %v, want %v", alertIDs(got), want)
	}
	if r := got[0].GetReasons(); len(r) != 1 || r[0].GetSignal() != "tool send_email" || r[0].GetEventId() != "e3" {
		t.Errorf("reasons = %v", r)
	}
}

func TestAbsentStep(t *testing.T) {
	rules := mustParse(t, `
id: read-without-reply
title: A credential read the server never answered
severity: medium
kind: sequence
maxspan: 1m
steps:
  - name: read
    condition: method == "tools/call" && kind == "request" && tool_name == "read_file"
  - name: answer
    absent: true
    within: 30s
    condition: method == "tools/call" && kind == "response"
`)
	resp := func(id, s string, off time.Duration) *eventv1.Event {
		ev := call(id, s, off, "read_file", `{}`)
		ev.Kind = eventv1.MessageKind_MESSAGE_KIND_RESPONSE
		ev.Direction = eventv1.Direction_DIRECTION_SERVER_TO_CLIENT
		return ev
	}
	tick := func(id string, off time.Duration) *eventv1.Event { return call(id, "other", off, "noop", `{}`) }
	for _, tc := range []struct {
		name string
		evs  []*eventv1.Event
		want [][]string
	}{
		{"answered", []*eventv1.Event{call("e1", "s1", 0, "read_file", `{}`), resp("e2", "s1", time.Second), tick("t", time.Minute)}, nil},
		{"unanswered", []*eventv1.Event{call("e1", "s1", 0, "read_file", `{}`), tick("t1", 10*time.Second), tick("t2", 31*time.Second)}, [][]string{{"e1"}}},
		{"answered late", []*eventv1.Event{call("e1", "s1", 0, "read_file", `{}`), tick("t1", 40*time.Second), resp("e2", "s1", 41*time.Second)}, [][]string{{"e1"}}},
		{"answer in another session", []*eventv1.Event{call("e1", "s1", 0, "read_file", `{}`), resp("e2", "s2", time.Second), tick("t", time.Minute)}, [][]string{{"e1"}}},
		{"no later event", []*eventv1.Event{call("e1", "s1", 0, "read_file", `{}`)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, e := run(t, rules, tc.evs...)
			if !slices.EqualFunc(alertIDs(got), tc.want, slices.Equal) {
				t.Fatalf("alerts = %v, want %v", alertIDs(got), tc.want)
			}
			if n := e.rules[0].absent; n < 0 || n > 1 {
				t.Errorf("absent counter = %d", n)
			}
		})
	}
}

func TestStepBy(t *testing.T) {
	// The same value read in one session and sent in another, joined by
	// the argument's value, not the session.
	rules := mustParse(t, `
id: value-relay
title: Value read in one session is sent from another
severity: high
kind: sequence
maxspan: 10m
steps:
  - name: read
    condition: method == "tools/call" && tool_name == "get_secret"
    by: arguments.name
  - name: send
    condition: method == "tools/call" && tool_name == "post"
    by: arguments.label
`)
	got, _ := run(t, rules,
		call("e1", "s1", 0, "get_secret", `{"name":"db"}`),
		call("e2", "s2", time.Second, "post", `{"label":"other"}`),
		call("e3", "s3", 2*time.Second, "post", `{"label":"db"}`),
	)
	want := [][]string{{"e1", "e3"}}
	if !slices.EqualFunc(alertIDs(got), want, slices.Equal) {
		t.Fatalf("alerts = %v, want %v", alertIDs(got), want)
	}
	if got[0].GetGroupKey() != "db" {
		t.Errorf("group key = %q", got[0].GetGroupKey())
	}
}

func TestRuleKindErrors(t *testing.T) {
	for _, tc := range []struct{ rule, field string }{
		{"kind: new_value\ncondition: 'true'\nwindow: 1h", "value"},
		{"kind: new_value\nvalue: tool_name\ncondition: 'true'", "window"},
		{"kind: sequence\nmaxspan: 1m\nsteps:\n  - {condition: 'true', absent: true}\n  - {condition: 'true'}", "steps[0].absent"},
		{"kind: sequence\nmaxspan: 1m\nsteps:\n  - {condition: 'true', within: 1m}\n  - {condition: 'true'}", "steps[0].within"},
		{"kind: match\ncondition: 'true'\nvalue: tool_name", "value"},
		{"kind: match\ncondition: 'true'\nreasons: nosuchname", "reasons"},
	} {
		_, err := ParseRules("t.yaml", []byte("id: x\ntitle: x\nseverity: low\n"+tc.rule))
		if err == nil || !strings.Contains(err.Error(), ": "+tc.field+": ") {
			t.Errorf("rule %q: error %v, want one naming %s", tc.rule, err, tc.field)
		}
	}
}
