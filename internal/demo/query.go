package demo

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	queryv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/query/v1"
)

// maxPages bounds how many pages one listing follows (1000 items each).
const maxPages = 20

// QueryClient reads alerts and sessions from the mcpaudit REST query API
// (grpc-gateway, protojson bodies). It is safe for concurrent use.
type QueryClient struct {
	// BaseURL is the API root, for example http://127.0.0.1:7080.
	BaseURL string
	// Token is sent as "Authorization: Bearer Token" when not empty.
	Token string
	// HTTP is the client used; nil means one with a 10 s timeout.
	HTTP *http.Client
}

// ListAlerts returns every alert raised at or after since, following pages.
func (q *QueryClient) ListAlerts(ctx context.Context, since time.Time) ([]*eventv1.Alert, error) {
	var out []*eventv1.Alert
	token := ""
	for range maxPages {
		var resp queryv1.ListAlertsResponse
		if err := q.get(ctx, "/v1/alerts", listParams(since, token), &resp); err != nil {
			return nil, fmt.Errorf("list alerts: %w", err)
		}
		out = append(out, resp.GetAlerts()...)
		if token = resp.GetNextPageToken(); token == "" {
			return out, nil
		}
	}
	return out, nil
}

// ListSessions returns every session active at or after since.
func (q *QueryClient) ListSessions(ctx context.Context, since time.Time) ([]*queryv1.SessionSummary, error) {
	var out []*queryv1.SessionSummary
	token := ""
	for range maxPages {
		var resp queryv1.ListSessionsResponse
		if err := q.get(ctx, "/v1/sessions", listParams(since, token), &resp); err != nil {
			return nil, fmt.Errorf("list sessions: %w", err)
		}
		out = append(out, resp.GetSessions()...)
		if token = resp.GetNextPageToken(); token == "" {
			return out, nil
		}
	}
	return out, nil
}

// ListSessionEvents returns the events of one session at or after since,
// oldest first; method, when not empty, keeps only that MCP method.
func (q *QueryClient) ListSessionEvents(ctx context.Context, sessionID, method string, since time.Time) ([]*eventv1.Event, error) {
	var out []*eventv1.Event
	token := ""
	for range maxPages {
		params := listParams(since, token)
		if method != "" {
			params.Set("method", method)
		}
		var resp queryv1.ListSessionEventsResponse
		if err := q.get(ctx, "/v1/sessions/"+url.PathEscape(sessionID)+"/events", params, &resp); err != nil {
			return nil, fmt.Errorf("list session events: %w", err)
		}
		out = append(out, resp.GetEvents()...)
		if token = resp.GetNextPageToken(); token == "" {
			return out, nil
		}
	}
	return out, nil
}

// AlertsURL is the REST URL listing alerts since a time.
func (q *QueryClient) AlertsURL(since time.Time) string {
	return q.url("/v1/alerts", listParams(since, ""))
}

// SessionEventsURL is the REST URL listing a session's tools/call events
// since a time (so the link still works after the default 24 hours).
func (q *QueryClient) SessionEventsURL(sessionID string, since time.Time) string {
	v := url.Values{"method": {"tools/call"}}
	if !since.IsZero() {
		v.Set("start_time", since.UTC().Format(time.RFC3339Nano))
	}
	return q.url("/v1/sessions/"+url.PathEscape(sessionID)+"/events", v)
}

// AlertURL is the REST URL of one alert with its events.
func (q *QueryClient) AlertURL(alertID string) string {
	return q.url("/v1/alerts/"+url.PathEscape(alertID), nil)
}

func listParams(since time.Time, token string) url.Values {
	v := url.Values{"page_size": {"1000"}}
	if !since.IsZero() {
		v.Set("start_time", since.UTC().Format(time.RFC3339Nano))
	}
	if token != "" {
		v.Set("page_token", token)
	}
	return v
}

func (q *QueryClient) url(path string, params url.Values) string {
	u := strings.TrimSuffix(q.BaseURL, "/") + path
	if len(params) > 0 {
		u += "?" + params.Encode()
	}
	return u
}

func (q *QueryClient) get(ctx context.Context, path string, params url.Values, into proto.Message) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, q.url(path, params), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if q.Token != "" {
		req.Header.Set("Authorization", "Bearer "+q.Token)
	}
	hc := q.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", path, resp.Status, truncate(string(body), 300))
	}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(body, into); err != nil {
		return fmt.Errorf("decode %s: %w", path, err)
	}
	return nil
}

func truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
