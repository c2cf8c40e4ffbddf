package detect

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// invalidFrame returns an event of kind INVALID, as the tap makes of a line
// that is not JSON.
func invalidFrame(id, session string, off time.Duration) *eventv1.Event {
	ev := base(id, session, off)
	ev.Direction = eventv1.Direction_DIRECTION_SERVER_TO_CLIENT
	ev.Kind = eventv1.MessageKind_MESSAGE_KIND_INVALID
	ev.InvalidFrame = &eventv1.InvalidFrame{Code: -32700, Reason: "invalid character 'h' in literal true (expecting 'r')", Prefix: []byte("this is not json \xff")}
	ev.SizeBytes = 18
	return ev
}

// gap returns an observation-gap event.
func gap(id, session string, off time.Duration, reason eventv1.GapReason) *eventv1.Event {
	ev := base(id, session, off)
	ev.Direction = eventv1.Direction_DIRECTION_CLIENT_TO_SERVER
	ev.Kind = eventv1.MessageKind_MESSAGE_KIND_OBSERVATION_GAP
	ev.ObservationGap = &eventv1.ObservationGap{Reason: reason, Bytes: 119 << 20, Frames: 4000, Events: 7,
		StartTime: timestamppb.New(t0.Add(off)), EndTime: timestamppb.New(t0.Add(off + time.Second))}
	return ev
}

func TestBuiltinProtocolViolationsAndGaps(t *testing.T) {
	rules := builtin(t)
	ensureFSTools(t)
	const (
		invalidRule = "mcp-invalid-jsonrpc-frame"
		gapRule     = "mcp-observation-gap"
	)
	flood := func(session string, n int, mk func(id, s string, off time.Duration) *eventv1.Event) []*eventv1.Event {
		var evs []*eventv1.Event
		for i := range n {
			evs = append(evs, mk(fmt.Sprintf("%s-%d", session, i), session, time.Duration(i)*time.Second))
		}
		return evs
	}
	tests := []struct {
		name string
		evs  []*eventv1.Event
		want []string
	}{
		{"one garbage line", []*eventv1.Event{invalidFrame("e1", "s1", 0)}, []string{invalidRule}},
		{"a flood of garbage: one alert per session and window", flood("s1", 300, invalidFrame), []string{invalidRule}},
		{"garbage in two sessions", append(flood("s1", 5, invalidFrame), flood("s2", 5, invalidFrame)...), []string{invalidRule, invalidRule}},
		{"garbage again after the window", []*eventv1.Event{invalidFrame("e1", "s1", 0), invalidFrame("e2", "s1", 11*time.Minute)}, []string{invalidRule, invalidRule}},
		{"invalid UTF-8 in a tool call", func() []*eventv1.Event {
			ev := call("e1", "s1", 0, "read_text_file", `{"path":"/etc/`+"\uFFFD"+`shadow"}`)
			ev.InvalidUtf8 = true
			return []*eventv1.Event{ev}
		}(), []string{invalidRule}},
		{"observer queue gap", []*eventv1.Event{gap("e1", "s1", 0, eventv1.GapReason_GAP_REASON_OBSERVER_QUEUE_FULL)}, []string{gapRule}},
		{"buffer gap", []*eventv1.Event{gap("e1", "s1", 0, eventv1.GapReason_GAP_REASON_BUFFER_FULL)}, []string{gapRule}},
		{"a flood of gaps: one alert", flood("s1", 100, func(id, s string, off time.Duration) *eventv1.Event {
			return gap(id, s, off, eventv1.GapReason_GAP_REASON_OBSERVER_QUEUE_FULL)
		}), []string{gapRule}},
		{"benign session", benignSession("s1", 0), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			alerts, _ := run(t, rules, tt.evs...)
			if got := ruleIDs(alerts); !slices.Equal(got, tt.want) {
				t.Errorf("alerts %v, want %v", got, tt.want)
			}
			for _, a := range alerts {
				if a.GetSeverity() == eventv1.Severity_SEVERITY_UNSPECIFIED || len(a.GetTags()) == 0 {
					t.Errorf("alert %s lacks severity or tags", a.GetRuleId())
				}
			}
		})
	}
}

func TestEnvInvalidAndGapFields(t *testing.T) {
	inv := NewEnv(invalidFrame("e1", "s1", 0))
	want := []struct {
		field string
		got   any
		want  any
	}{
		{"kind", inv.Kind, "invalid"},
		{"invalid_code", inv.InvalidCode, -32700},
		{"invalid_reason", inv.InvalidReason, "invalid character 'h' in literal true (expecting 'r')"},
		{"invalid_prefix", inv.InvalidPrefix, "this is not json \uFFFD"},
		{"invalid_oversize", inv.InvalidOversize, false},
		{"invalid_utf8", inv.InvalidUTF8, false},
		{"gap_reason", inv.GapReason, ""},
	}
	g := NewEnv(gap("e2", "s1", 0, eventv1.GapReason_GAP_REASON_BUFFER_FULL))
	want = append(want, []struct {
		field string
		got   any
		want  any
	}{
		{"gap kind", g.Kind, "observation_gap"},
		{"gap_reason", g.GapReason, "buffer_full"},
		{"gap_bytes", g.GapBytes, 119 << 20},
		{"gap_frames", g.GapFrames, 4000},
		{"gap_events", g.GapEvents, 7},
		{"invalid_code", g.InvalidCode, 0},
	}...)
	for _, w := range want {
		if w.got != w.want {
			t.Errorf("%s = %v, want %v", w.field, w.got, w.want)
		}
	}
	// The fields compile and evaluate in a rule.
	rs := mustParse(t, `
id: big-gap
title: Big gap
severity: low
kind: match
condition: kind == "observation_gap" && gap_reason == "buffer_full" && gap_bytes > 1000000 && gap_events == 7 && gap_frames > 0 && invalid_reason == "" && !invalid_utf8 && len(truncated_fields) == 0
`)
	if alerts, _ := run(t, rs, gap("e2", "s1", 0, eventv1.GapReason_GAP_REASON_BUFFER_FULL)); len(alerts) != 1 {
		t.Errorf("rule over the gap fields raised %d alerts, want 1", len(alerts))
	}
}
