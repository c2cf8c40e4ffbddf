package demo

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	queryv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/query/v1"
)

func TestQueryClientPagesAndAuth(t *testing.T) {
	since := time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)
	var auths, starts []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auths = append(auths, r.Header.Get("Authorization"))
		starts = append(starts, r.URL.Query().Get("start_time"))
		switch r.URL.Query().Get("page_token") {
		case "":
			// A literal grpc-gateway body: camelCase, enum names.
			fmt.Fprint(w, `{"alerts":[{"alertId":"a1","ruleId":"mcp-tool-call-burst","severity":"SEVERITY_HIGH","tags":["safe.t1106"],"sessionId":"s1","futureField":1}],"nextPageToken":"p2"}`)
		case "p2":
			fmt.Fprint(w, `{"alerts":[{"alertId":"a2","ruleId":"r2"}]}`)
		default:
			http.Error(w, "bad token", http.StatusBadRequest)
		}
	}))
	defer srv.Close()

	q := &QueryClient{BaseURL: srv.URL + "/", Token: "tok"}
	alerts, err := q.ListAlerts(t.Context(), since)
	if err != nil {
		t.Fatalf("ListAlerts: %v", err)
	}
	if len(alerts) != 2 || alerts[0].GetSeverity() != eventv1.Severity_SEVERITY_HIGH || alerts[1].GetAlertId() != "a2" {
		t.Errorf("alerts = %v", alerts)
	}
	for i := range auths {
		if auths[i] != "Bearer tok" || starts[i] != "2026-09-01T10:00:00Z" {
			t.Errorf("request %d: authorization %q start_time %q", i, auths[i], starts[i])
		}
	}

	t.Run("more pages than MaxPages is an error, not a short list", func(t *testing.T) {
		short := &QueryClient{BaseURL: srv.URL, MaxPages: 1}
		if got, err := short.ListAlerts(t.Context(), since); !errors.Is(err, ErrTooManyPages) || got != nil {
			t.Errorf("ListAlerts = %d alerts, %v; want ErrTooManyPages", len(got), err)
		}
	})

	t.Run("HTTP error carries status and body", func(t *testing.T) {
		bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"title":"missing bearer token"}`)
		}))
		defer bad.Close()
		_, err := (&QueryClient{BaseURL: bad.URL}).ListSessions(t.Context(), since)
		if err == nil || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "missing bearer token") {
			t.Errorf("err = %v, want 401 with the problem body", err)
		}
	})
}

// TestAttribute checks how sessions and alerts are matched to scenarios and
// how the verdicts follow.
func TestAttribute(t *testing.T) {
	t0 := time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	res := func(name string, from, to int, attackAt int) Result {
		r := Result{Scenario: name, ClientName: ClientNamePrefix + name, Start: at(from), End: at(to)}
		if attackAt >= 0 {
			r.AttackAt = at(attackAt)
		}
		return r
	}
	rep := &Report{Start: t0, Scenarios: []*ScenarioReport{
		{Scenario: Scenario{Name: "memory"}, Result: res("memory", 0, 100, -1)},
		{Scenario: Scenario{Name: "exfil", Attack: true, ExpectRules: []string{"seq"}, AlsoRules: []string{"desc"}}, Result: res("exfil", 200, 300, 290)},
		{Scenario: Scenario{Name: "burst", Attack: true, ExpectRules: []string{"burst"}}, Result: res("burst", 400, 500, 490)},
		{Scenario: Scenario{Name: "trav", Attack: true, ExpectRules: []string{"trav"}}, Result: res("trav", 600, 700, 650)},
	}}
	w := newWatcher(&QueryClient{}, t0, nil)
	w.sessions = []*queryv1.SessionSummary{
		{SessionId: "old", ClientName: "mcpdemo-exfil", FirstEventTime: timestamppb.New(at(-5000))},
		{SessionId: "S-mem", ClientName: "mcpdemo-memory", FirstEventTime: timestamppb.New(at(10))},
		{SessionId: "S-exfil", ClientName: "mcpdemo-exfil", FirstEventTime: timestamppb.New(at(210))},
		{SessionId: "S-burst", FirstEventTime: timestamppb.New(at(410))}, // the tap saw no clientInfo
	}
	alert := func(id, rule, session string, first int, seen int) SeenAlert {
		return SeenAlert{Alert: &eventv1.Alert{AlertId: id, RuleId: rule, SessionId: session, FirstEventTime: timestamppb.New(at(first))}, SeenAt: at(seen)}
	}
	for _, a := range []SeenAlert{
		alert("1", "desc", "S-exfil", 220, 900),
		alert("2", "seq", "S-exfil", 230, 1290),
		alert("3", "burst", "S-burst", 420, 1000),
		alert("4", "extra", "S-burst", 420, 1000),
		alert("5", "trav", "", 650, 1650), // session unknown: matched by time
		alert("6", "other", "elsewhere", 5000, 5000),
	} {
		w.seen[a.Alert.GetAlertId()] = a
	}
	w.attribute(rep)

	tests := []struct {
		scenario   string
		session    string
		rules      []string
		missing    []string
		unexpected []string
		failed     bool
		latency    time.Duration
	}{
		{"memory", "S-mem", nil, nil, nil, false, 0},
		{"exfil", "S-exfil", []string{"desc", "seq"}, nil, nil, false, time.Second},
		{"burst", "S-burst", []string{"burst", "extra"}, nil, []string{"extra"}, false, 510 * time.Millisecond},
		{"trav", "", []string{"trav"}, nil, nil, false, time.Second},
	}
	for i, tt := range tests {
		sr := rep.Scenarios[i]
		t.Run(tt.scenario, func(t *testing.T) {
			var rules []string
			for _, a := range sr.Alerts {
				rules = append(rules, a.Alert.GetRuleId())
			}
			slices.Sort(rules)
			if sr.SessionID != tt.session || !slices.Equal(rules, tt.rules) || !slices.Equal(sr.Missing, tt.missing) ||
				!slices.Equal(sr.Unexpected, tt.unexpected) || sr.Failed() != tt.failed {
				t.Errorf("got session %q rules %v missing %v unexpected %v failed %v", sr.SessionID, rules, sr.Missing, sr.Unexpected, sr.Failed())
			}
			if len(sr.Scenario.ExpectRules) > 0 {
				if d, ok := sr.Latency(sr.Scenario.ExpectRules[0]); !ok || d != tt.latency {
					t.Errorf("latency = %v %v, want %v", d, ok, tt.latency)
				}
			}
		})
	}
	if len(rep.Unattributed) != 1 || rep.Unattributed[0].Alert.GetAlertId() != "6" {
		t.Errorf("unattributed = %v", rep.Unattributed)
	}

	t.Run("benign alert and missing rule fail", func(t *testing.T) {
		w.seen["7"] = alert("7", "noise", "S-mem", 20, 1000)
		delete(w.seen, "2")
		w.attribute(rep)
		if !rep.Scenarios[0].Failed() || !rep.Scenarios[1].Failed() || !slices.Equal(rep.Scenarios[1].Missing, []string{"seq"}) || !rep.Failed() {
			t.Errorf("memory failed %v, exfil failed %v missing %v", rep.Scenarios[0].Failed(), rep.Scenarios[1].Failed(), rep.Scenarios[1].Missing)
		}
		var out bytes.Buffer
		rep.Print(&out, &QueryClient{BaseURL: "http://127.0.0.1:7080"})
		for _, want := range []string{"== FAIL  [benign] memory", "✗ MISSING seq", "http://127.0.0.1:7080/v1/sessions/S-exfil/events?method=tools%2Fcall", "2/4 scenarios passed"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("report lacks %q:\n%s", want, out.String())
			}
		}
	})
}

// TestProtojsonShape pins the JSON names the driver relies on against the
// generated types, so a proto rename fails here first.
func TestProtojsonShape(t *testing.T) {
	b, err := protojson.Marshal(&queryv1.ListAlertsResponse{Alerts: []*eventv1.Alert{{AlertId: "a", RuleId: "r", SessionId: "s", Severity: eventv1.Severity_SEVERITY_HIGH}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"alertId"`, `"ruleId"`, `"sessionId"`, `"SEVERITY_HIGH"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
}

// TestRunAllWithoutAlerts runs the whole driver with the test binary as a
// pass-through tap and a query API that never has alerts: every scenario
// session must succeed, every expected rule be reported missing, and RunAll
// return ErrExpectationsNotMet after its timeout.
func TestRunAllWithoutAlerts(t *testing.T) {
	env := testEnv(t)
	var polls atomic.Int64
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		polls.Add(1)
		switch r.URL.Path {
		case "/v1/alerts":
			fmt.Fprint(w, `{"alerts":[]}`)
		case "/v1/sessions":
			fmt.Fprint(w, `{"sessions":[]}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer api.Close()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(envPassThroughTap, "1")
	cfg := DefaultConfig()
	cfg.McpauditBin = self
	cfg.Collector = "127.0.0.1:1"
	cfg.QueryURL = api.URL
	cfg.EvilServer = env.EvilServer
	cfg.NPMPrefix = env.NPMPrefix
	cfg.WorkDir = env.WorkDir
	cfg.Timeout = 300 * time.Millisecond
	cfg.Settle = 0

	var out bytes.Buffer
	rep, err := RunAll(t.Context(), cfg, &out, nil)
	if !errors.Is(err, ErrExpectationsNotMet) {
		t.Fatalf("RunAll = %v, want ErrExpectationsNotMet\n%s", err, out.String())
	}
	if len(rep.Scenarios) != 7 {
		t.Fatalf("%d scenarios reported, want 7", len(rep.Scenarios))
	}
	for _, sr := range rep.Scenarios {
		if sr.Err != nil {
			t.Errorf("scenario %s: %v", sr.Scenario.Name, sr.Err)
		}
		if !slices.Equal(sr.Missing, sr.Scenario.ExpectRules) {
			t.Errorf("scenario %s missing %v, want %v", sr.Scenario.Name, sr.Missing, sr.Scenario.ExpectRules)
		}
	}
	if polls.Load() < 2 {
		t.Errorf("query API polled %d times", polls.Load())
	}
	for _, want := range []string{"✗ MISSING " + RuleSensitiveReadThenEgress, "== PASS  [benign] memory", "3/7 scenarios passed", api.URL + "/v1/alerts?"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	t.Log("\n" + out.String())
}
