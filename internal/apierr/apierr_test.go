package apierr

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestHTTPErrorHandler(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantCode   string
		wantField  string
		wantRetry  string
	}{
		{"invalid argument names the field", InvalidArgument("events[3].session.id", "required"), http.StatusBadRequest, "INVALID_ARGUMENT", "events[3].session.id", ""},
		{"unavailable carries Retry-After", Unavailable(codes.Unavailable, "kafka unavailable", 2), http.StatusServiceUnavailable, "UNAVAILABLE", "", "2"},
		{"plain status", status.Error(codes.NotFound, "alert not found"), http.StatusNotFound, "NOT_FOUND", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			HTTPErrorHandler(t.Context(), nil, nil, rec, httptest.NewRequest("GET", "/v1/x", nil), tt.err)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d", rec.Code, tt.wantStatus)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Fatalf("content type %q", ct)
			}
			if got := rec.Header().Get("Retry-After"); got != tt.wantRetry {
				t.Fatalf("Retry-After %q, want %q", got, tt.wantRetry)
			}
			var p Problem
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if p.Status != tt.wantStatus || p.Code != tt.wantCode || p.Detail == "" {
				t.Fatalf("problem %+v", p)
			}
			if tt.wantField != "" && (len(p.Errors) != 1 || p.Errors[0].Field != tt.wantField) {
				t.Fatalf("errors %+v, want field %s", p.Errors, tt.wantField)
			}
		})
	}
}

// TestBearerChallenge checks the RFC 6750 challenge on 401: the realm alone
// when no credential was sent, error="invalid_token" when one was refused,
// and no challenge on other statuses.
func TestBearerChallenge(t *testing.T) {
	tests := []struct {
		name          string
		authorization string
		err           error
		want          string
	}{
		{"no credential", "", status.Error(codes.Unauthenticated, "missing bearer token"), `Bearer realm="mcpaudit"`},
		{"refused credential", "Bearer nope", status.Error(codes.Unauthenticated, "invalid bearer token"), `Bearer realm="mcpaudit", error="invalid_token"`},
		{"not a 401", "Bearer nope", status.Error(codes.PermissionDenied, "no"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/v1/alerts", nil)
			if tt.authorization != "" {
				req.Header.Set("Authorization", tt.authorization)
			}
			rec := httptest.NewRecorder()
			HTTPErrorHandler(t.Context(), nil, nil, rec, req, tt.err)
			if got := rec.Header().Get("WWW-Authenticate"); got != tt.want {
				t.Fatalf("WWW-Authenticate %q, want %q", got, tt.want)
			}
		})
	}
}

// TestInvalidArgumentWholeRequest checks that an empty field gives a status
// without a field violation, so no caller sees an empty field name.
func TestInvalidArgumentWholeRequest(t *testing.T) {
	rec := httptest.NewRecorder()
	HTTPErrorHandler(t.Context(), nil, nil, rec, httptest.NewRequest("POST", "/v1/x", nil), InvalidArgument("", "request: not JSON"))
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusBadRequest || p.Detail != "request: not JSON" || len(p.Errors) != 0 {
		t.Fatalf("status %d, problem %+v", rec.Code, p)
	}
}
