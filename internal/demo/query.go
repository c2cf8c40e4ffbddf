package demo

import (
	"context"
	"errors"
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

// DefaultMaxPages is how many pages (of 1000 items) a listing follows when
// QueryClient.MaxPages is 0.
const DefaultMaxPages = 20

// ErrTooManyPages is returned (wrapped) when a listing has more pages than
// QueryClient.MaxPages: the items read so far are not the whole answer.
var ErrTooManyPages = errors.New("more pages than the client follows")

// QueryClient reads alerts and sessions from the mcpaudit REST query API
// (grpc-gateway, protojson bodies). It is safe for concurrent use.
type QueryClient struct {
	// BaseURL is the API root, for example http://127.0.0.1:7080.
	BaseURL string
	// Token is sent as "Authorization: Bearer Token" when not empty.
	Token string
	// HTTP is the client used; nil means one with a 10 s timeout.
	HTTP *http.Client
	// MaxPages bounds how many pages one listing follows; 0 means
	// DefaultMaxPages.
	MaxPages int
}

// page is a list response of the query API.
type page interface {
	proto.Message
	GetNextPageToken() string
}

// list follows the pages of path with params, handing each response to
// each. It fails with ErrTooManyPages past MaxPages pages.
func list[R page](ctx context.Context, q *QueryClient, path string, params url.Values, newResp func() R, each func(R)) error {
	maxPages := q.MaxPages
	if maxPages <= 0 {
		maxPages = DefaultMaxPages
	}
	for range maxPages {
		resp := newResp()
		if err := q.get(ctx, path, params, resp); err != nil {
			return err
		}
		each(resp)
		token := resp.GetNextPageToken()
		if token == "" {
			return nil
		}
		params.Set("page_token", token)
	}
	return fmt.Errorf("%s: %w (%d pages of %s)", path, ErrTooManyPages, maxPages, params.Get("page_size"))
}

// ListAlerts returns every alert raised at or after since, following pages.
func (q *QueryClient) ListAlerts(ctx context.Context, since time.Time) ([]*eventv1.Alert, error) {
	var out []*eventv1.Alert
	err := list(ctx, q, "/v1/alerts", listParams(since, ""), func() *queryv1.ListAlertsResponse { return &queryv1.ListAlertsResponse{} },
		func(r *queryv1.ListAlertsResponse) { out = append(out, r.GetAlerts()...) })
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	return out, nil
}

// ListSessions returns every session active at or after since.
func (q *QueryClient) ListSessions(ctx context.Context, since time.Time) ([]*queryv1.SessionSummary, error) {
	var out []*queryv1.SessionSummary
	err := list(ctx, q, "/v1/sessions", listParams(since, ""), func() *queryv1.ListSessionsResponse { return &queryv1.ListSessionsResponse{} },
		func(r *queryv1.ListSessionsResponse) { out = append(out, r.GetSessions()...) })
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return out, nil
}

// ListSessionEvents returns the events of one session at or after since,
// oldest first; method, when not empty, keeps only that MCP method.
func (q *QueryClient) ListSessionEvents(ctx context.Context, sessionID, method string, since time.Time) ([]*eventv1.Event, error) {
	params := listParams(since, "")
	if method != "" {
		params.Set("method", method)
	}
	var out []*eventv1.Event
	err := list(ctx, q, "/v1/sessions/"+url.PathEscape(sessionID)+"/events", params,
		func() *queryv1.ListSessionEventsResponse { return &queryv1.ListSessionEventsResponse{} },
		func(r *queryv1.ListSessionEventsResponse) { out = append(out, r.GetEvents()...) })
	if err != nil {
		return nil, fmt.Errorf("list session events: %w", err)
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
