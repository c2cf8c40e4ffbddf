package app

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mcpaudit/mcpaudit/internal/apierr"
	"github.com/mcpaudit/mcpaudit/internal/auth"
)

const exportPath = "/v1/events:export"

// eventJSON is one valid event in the REST (protojson) form.
func eventJSON() string {
	return fmt.Sprintf(`{"time":%q,"session":{"id":"rest-test","transport":"TRANSPORT_STDIO"},`+
		`"direction":"DIRECTION_CLIENT_TO_SERVER","kind":"MESSAGE_KIND_REQUEST","jsonrpcId":"1","method":"ping"}`,
		time.Now().UTC().Format(time.RFC3339Nano))
}

// problem decodes a problem+json body, failing the test when the response
// is not one.
func problem(t *testing.T, r response) apierr.Problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json (status %d, body %s)", ct, r.status, r.body)
	}
	var p apierr.Problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("problem body %s: %v", r.body, err)
	}
	if p.Status != r.status || p.Title == "" || p.Detail == "" || p.Code == "" {
		t.Fatalf("incomplete problem %+v for status %d", p, r.status)
	}
	return p
}

// TestRESTEdge sends real HTTP requests to the REST listener and checks the
// status, the problem+json body and, for field errors, the field path.
func TestRESTEdge(t *testing.T) {
	const token = "rest-edge-token"
	cfg := testConfig()
	cfg.Server.MaxRequestBytes = 4096
	srv := startServer(t, cfg, newIngest(t, auth.Config{Tokens: []auth.Token{{SHA256: auth.HashToken(token), Tenant: "acme"}}}))
	bearer := []string{"Authorization", "Bearer " + token}
	ev := eventJSON()
	batch := `{"events":[` + ev + `]}`

	tests := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        string
		header      []string
		wantStatus  int
		wantField   string // the first errors[].field, for 400
		wantDetail  string // a substring of the detail
		wantAllow   string
	}{
		{name: "valid", method: "POST", path: exportPath, contentType: "application/json", body: batch, header: bearer, wantStatus: 200},
		{name: "charset utf-8 allowed", method: "POST", path: exportPath, contentType: "application/json; charset=UTF-8", body: batch, header: bearer, wantStatus: 200},
		{name: "body over the limit", method: "POST", path: exportPath, contentType: "application/json", body: `{"events":[` + strings.Repeat(ev+",", 4096/len(ev)+1) + ev + `]}`, header: bearer, wantStatus: 413, wantDetail: "larger than 4096 bytes"},
		{name: "text/plain", method: "POST", path: exportPath, contentType: "text/plain", body: batch, header: bearer, wantStatus: 415, wantDetail: "want application/json"},
		{name: "form encoded", method: "POST", path: exportPath, contentType: "application/x-www-form-urlencoded", body: batch, header: bearer, wantStatus: 415},
		{name: "no content type", method: "POST", path: exportPath, body: batch, header: bearer, wantStatus: 415, wantDetail: "Content-Type none"},
		{name: "other charset", method: "POST", path: exportPath, contentType: "application/json; charset=latin1", body: batch, header: bearer, wantStatus: 415},
		{name: "wrong method on export", method: "GET", path: exportPath, header: bearer, wantStatus: 405, wantAllow: "POST"},
		{name: "wrong method on healthz", method: "DELETE", path: "/healthz", wantStatus: 405, wantAllow: "GET, HEAD"},
		{name: "unknown path", method: "GET", path: "/v1/nope", wantStatus: 404},
		{name: "unknown path outside the api", method: "GET", path: "/nope", wantStatus: 404},
		{name: "trailing data", method: "POST", path: exportPath, contentType: "application/json", body: batch + ` {"events":[]}`, header: bearer, wantStatus: 400, wantDetail: "trailing data"},
		{name: "trailing garbage", method: "POST", path: exportPath, contentType: "application/json", body: batch + `x`, header: bearer, wantStatus: 400, wantDetail: "trailing data"},
		{name: "unknown top-level field", method: "POST", path: exportPath, contentType: "application/json", body: `{"events":[` + ev + `],"bogus":1}`, header: bearer, wantStatus: 400, wantField: "bogus"},
		{name: "unknown nested field", method: "POST", path: exportPath, contentType: "application/json", body: `{"events":[` + ev + `,{"session":{"idd":"x"}}]}`, header: bearer, wantStatus: 400, wantField: "events[1].session.idd"},
		{name: "wrong enum", method: "POST", path: exportPath, contentType: "application/json", body: `{"events":[{"session":{"transport":"STDIO"}}]}`, header: bearer, wantStatus: 400, wantField: "events[0].session.transport", wantDetail: "want one of TRANSPORT_UNSPECIFIED"},
		{name: "enum number not defined", method: "POST", path: exportPath, contentType: "application/json", body: `{"events":[{"session":{"transport":99}}]}`, header: bearer, wantStatus: 400, wantField: "events[0].session.transport"},
		{name: "number for a string", method: "POST", path: exportPath, contentType: "application/json", body: `{"events":[{"method":7}]}`, header: bearer, wantStatus: 400, wantField: "events[0].method"},
		{name: "bad time", method: "POST", path: exportPath, contentType: "application/json", body: `{"events":[{"time":"yesterday"}]}`, header: bearer, wantStatus: 400, wantField: "events[0].time", wantDetail: "RFC 3339 time such as 2026-12-01T15:04:05Z"},
		{name: "object for a list", method: "POST", path: exportPath, contentType: "application/json", body: `{"events":{}}`, header: bearer, wantStatus: 400, wantField: "events"},
		{name: "bad map value", method: "POST", path: exportPath, contentType: "application/json", body: `{"events":[{"labels":{"env":1}}]}`, header: bearer, wantStatus: 400, wantField: `events[0].labels["env"]`},
		{name: "duplicate field", method: "POST", path: exportPath, contentType: "application/json", body: `{"events":[{"method":"a","method":"b"}]}`, header: bearer, wantStatus: 400, wantField: "events[0].method"},
		{name: "json and proto name twice", method: "POST", path: exportPath, contentType: "application/json", body: `{"events":[{"jsonrpcId":"1","jsonrpc_id":"2"}]}`, header: bearer, wantStatus: 400, wantField: "events[0].jsonrpc_id"},
		{name: "truncated document", method: "POST", path: exportPath, contentType: "application/json", body: `{"events":[{"session":{"id":"x"`, header: bearer, wantStatus: 400, wantField: "events[0].session"},
		{name: "invalid utf-8", method: "POST", path: exportPath, contentType: "application/json", body: "{\"events\":[{\"method\":\"a\xff\"}]}", header: bearer, wantStatus: 400, wantField: "events[0].method"},
		{name: "not an object", method: "POST", path: exportPath, contentType: "application/json", body: `[1]`, header: bearer, wantStatus: 400, wantDetail: "want a JSON object"},
		{name: "query parameter on a body route", method: "POST", path: exportPath + "?events=1", contentType: "application/json", body: batch, header: bearer, wantStatus: 400, wantField: "events"},
		{name: "no token", method: "POST", path: exportPath, contentType: "application/json", body: batch, wantStatus: 401},
		{name: "wrong token", method: "POST", path: exportPath, contentType: "application/json", body: batch, header: []string{"Authorization", "Bearer nope"}, wantStatus: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body []byte
			if tt.body != "" {
				body = []byte(tt.body)
			}
			r := doHTTP(t, srv, tt.method, tt.path, tt.contentType, body, tt.header...)
			if r.status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.status, tt.wantStatus, r.body)
			}
			if tt.wantStatus == 200 {
				return
			}
			p := problem(t, r)
			if tt.wantField != "" {
				if len(p.Errors) == 0 || p.Errors[0].Field != tt.wantField {
					t.Fatalf("errors %+v (detail %q), want field %s", p.Errors, p.Detail, tt.wantField)
				}
				if !strings.Contains(p.Detail, tt.wantField+": ") {
					t.Errorf("detail %q does not name the field", p.Detail)
				}
			}
			if tt.wantDetail != "" && !strings.Contains(p.Detail, tt.wantDetail) {
				t.Errorf("detail %q, want it to contain %q", p.Detail, tt.wantDetail)
			}
			if got := r.header.Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow %q, want %q", got, tt.wantAllow)
			}
			switch {
			case tt.wantStatus == 401 && len(tt.header) == 0:
				if got := r.header.Get("WWW-Authenticate"); got != `Bearer realm="mcpaudit"` {
					t.Errorf("WWW-Authenticate %q", got)
				}
			case tt.wantStatus == 401:
				if got := r.header.Get("WWW-Authenticate"); got != `Bearer realm="mcpaudit", error="invalid_token"` {
					t.Errorf("WWW-Authenticate %q", got)
				}
			}
		})
	}
}
