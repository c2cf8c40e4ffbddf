package app

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestQueryREST sends query requests to the real REST listener over a real
// (empty) ClickHouse database: parameter errors name the parameter and say
// what is valid in words, unknown parameters are refused, empty lists come
// back as [], and an unknown session is 404.
func TestQueryREST(t *testing.T) {
	srv := startServer(t, testConfig(), newQuery(t))

	errorTests := []struct {
		name       string
		path       string
		wantStatus int
		wantField  string
		wantDetail string
		notDetail  []string // text that must not appear (Go layouts, strconv)
	}{
		{"unknown parameter", "/v1/alerts?severity=HIGH", 400, "severity", "this call takes start_time, end_time, page_size, page_token, rule_id, session_id, min_severity, tag", nil},
		{"bad time", "/v1/alerts?start_time=yesterday", 400, "start_time", "want an RFC 3339 time such as 2026-12-01T15:04:05Z", []string{"2006", "parsing time"}},
		{"json name", "/v1/alerts?startTime=2026-13-01T00:00:00Z", 400, "startTime", "RFC 3339", []string{"2006", "month out of range"}},
		{"bad enum", "/v1/alerts?min_severity=HIGH", 400, "min_severity", "want one of SEVERITY_UNSPECIFIED, SEVERITY_INFORMATIONAL, SEVERITY_LOW, SEVERITY_MEDIUM, SEVERITY_HIGH, SEVERITY_CRITICAL", []string{"is not a valid value"}},
		{"bad integer", "/v1/sessions?page_size=ten", 400, "page_size", "want an integer from -2147483648 to 2147483647", []string{"strconv", "invalid syntax"}},
		{"integer out of range", "/v1/sessions?page_size=99999999999", 400, "page_size", "want an integer", []string{"strconv", "out of range"}},
		{"repeated", "/v1/sessions?page_size=1&page_size=2", 400, "page_size", "given 2 times", nil},
		{"path parameter repeated", "/v1/sessions/s1/events?session_id=s2", 400, "session_id", "set by the URL path", nil},
		{"sub-field of a time", "/v1/alerts?start_time.seconds=1", 400, "start_time.seconds", "unknown query parameter", nil},
		{"semicolon", "/v1/alerts?tag=a;b", 400, "tag", "';' is not a query separator", nil},
		{"bad escape", "/v1/alerts?tag=%zz", 400, "tag", "malformed %-escape", nil},
		{"page_size range", "/v1/alerts?page_size=5000", 400, "page_size", "between 1 and 1000", nil},
		{"unknown session", "/v1/sessions/no-such-session/events", 404, "", `session "no-such-session" not found`, nil},
		{"wrong method", "/v1/alerts", 405, "", "allowed: GET", nil},
	}
	for _, tt := range errorTests {
		t.Run(tt.name, func(t *testing.T) {
			method := http.MethodGet
			if tt.wantStatus == 405 {
				method = http.MethodPost
			}
			r := doHTTP(t, srv, method, tt.path, "", nil)
			if r.status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.status, tt.wantStatus, r.body)
			}
			p := problem(t, r)
			if tt.wantField != "" {
				if len(p.Errors) != 1 || p.Errors[0].Field != tt.wantField {
					t.Fatalf("errors %+v, want field %s (detail %q)", p.Errors, tt.wantField, p.Detail)
				}
				if !strings.HasPrefix(p.Detail, tt.wantField+": ") {
					t.Errorf("detail %q does not start with %s", p.Detail, tt.wantField)
				}
			}
			if !strings.Contains(p.Detail, tt.wantDetail) {
				t.Errorf("detail %q, want it to contain %q", p.Detail, tt.wantDetail)
			}
			for _, bad := range tt.notDetail {
				if strings.Contains(p.Detail, bad) {
					t.Errorf("detail %q contains %q", p.Detail, bad)
				}
			}
		})
	}

	emptyTests := []struct {
		path, list string
	}{
		{"/v1/alerts?min_severity=SEVERITY_HIGH&start_time=2026-01-01T00:00:00Z&end_time=2026-01-02T00:00:00Z", "alerts"},
		{"/v1/sessions", "sessions"},
	}
	for _, tt := range emptyTests {
		t.Run("empty "+tt.list, func(t *testing.T) {
			r := doHTTP(t, srv, http.MethodGet, tt.path, "", nil)
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			var body map[string]json.RawMessage
			if err := json.Unmarshal(r.body, &body); err != nil {
				t.Fatal(err)
			}
			if got := string(body[tt.list]); got != "[]" {
				t.Fatalf("%s = %q in %s, want []", tt.list, got, r.body)
			}
			if got := string(body["nextPageToken"]); got != `""` {
				t.Fatalf("nextPageToken = %q, want \"\"", got)
			}
		})
	}
}
