package query

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/mcpaudit/mcpaudit/internal/apierr"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	queryv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/query/v1"
)

// maxPages bounds every paging loop.
const maxPages = 100

func eventIDs(events []*eventv1.Event) []string {
	var ids []string
	for _, e := range events {
		ids = append(ids, e.GetEventId())
	}
	return ids
}

func TestListSessionEventsPaging(t *testing.T) {
	f := loadFixture(t)
	h := newHarness(t, f.conn)
	for _, size := range []int32{1, 7, 41, 0} {
		t.Run("grpc/page_size="+strconv.Itoa(int(size)), func(t *testing.T) {
			var got []string
			token := ""
			for range maxPages {
				resp, err := h.client.ListSessionEvents(as(t.Context(), tokenA), &queryv1.ListSessionEventsRequest{SessionId: "s1", PageSize: size, PageToken: token})
				if err != nil {
					t.Fatal(err)
				}
				if size > 0 && len(resp.Events) > int(size) {
					t.Fatalf("page of %d events, page_size %d", len(resp.Events), size)
				}
				got = append(got, eventIDs(resp.Events)...)
				if token = resp.NextPageToken; token == "" {
					break
				}
			}
			if token != "" {
				t.Fatalf("still paging after %d pages", maxPages)
			}
			if !slices.Equal(got, f.s1) {
				t.Fatalf("events:\n got %v\nwant %v", got, f.s1)
			}
		})
	}
	t.Run("rest/page_size=9", func(t *testing.T) {
		var got []string
		q := url.Values{"page_size": {"9"}}
		for range maxPages {
			var resp queryv1.ListSessionEventsResponse
			h.getProto(t, tokenA, "/v1/sessions/s1/events", q, &resp)
			got = append(got, eventIDs(resp.Events)...)
			if resp.NextPageToken == "" {
				break
			}
			q.Set("page_token", resp.NextPageToken)
		}
		if !slices.Equal(got, f.s1) {
			t.Fatalf("events:\n got %v\nwant %v", got, f.s1)
		}
	})
}

func TestListSessionEventsContent(t *testing.T) {
	f := loadFixture(t)
	h := newHarness(t, f.conn)
	resp, err := h.client.ListSessionEvents(as(t.Context(), tokenA), &queryv1.ListSessionEventsRequest{SessionId: "s1", PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*eventv1.Event{}
	for _, e := range resp.Events {
		byID[e.EventId] = e
	}
	// Rebuilt from payload: labels have no column, so they prove it.
	if e := byID[f.s1[4]]; e.GetLabels()["i"] != "4" || e.GetToolCall().GetArgumentsJson() != `{"path":"/tmp/4"}` {
		t.Errorf("event 4 not rebuilt from its payload: %v", e)
	}
	// Rebuilt from columns: the payload was empty.
	e := byID[f.emptyPayload.EventId]
	want := f.emptyPayload
	if len(e.GetLabels()) != 0 {
		t.Errorf("event 30 has labels %v: not rebuilt from columns", e.GetLabels())
	}
	if e.GetMethod() != want.Method || e.GetKind() != want.Kind || e.GetDirection() != want.Direction ||
		e.GetSession().GetTransport() != eventv1.Transport_TRANSPORT_STDIO || e.GetSource().GetKind() != eventv1.SourceKind_SOURCE_KIND_TAP ||
		e.GetToolCall().GetName() != "read_file" || !e.GetTime().AsTime().Equal(want.Time.AsTime()) || e.GetServer().GetIdentity() != "npx fs-server" {
		t.Errorf("event 30 from columns:\n got %v\nwant %v", e, want)
	}

	before1970 := func(id string) *queryv1.ListSessionEventsRequest {
		return &queryv1.ListSessionEventsRequest{SessionId: id, StartTime: timestamppb.New(time.Unix(-200, 0)), EndTime: timestamppb.New(time.Unix(-100, 0))}
	}
	tests := []struct {
		name     string
		req      *queryv1.ListSessionEventsRequest
		want     []string
		wantCode codes.Code
	}{
		{"method", &queryv1.ListSessionEventsRequest{SessionId: "s1", Method: "initialize"}, f.s1[:2], codes.OK},
		{"range", &queryv1.ListSessionEventsRequest{SessionId: "s1", StartTime: timestamppb.New(f.base.Add(38 * time.Second)), EndTime: timestamppb.New(f.base.Add(40 * time.Second))}, f.s1[38:40], codes.OK},
		{"range_ns", &queryv1.ListSessionEventsRequest{SessionId: "s1", StartTime: timestamppb.New(f.base.Add(39*time.Second + 1)), EndTime: timestamppb.New(f.base.Add(41 * time.Second))}, f.s1[40:], codes.OK},
		{"other session", &queryv1.ListSessionEventsRequest{SessionId: "s2"}, f.s2, codes.OK},
		{"unknown session", &queryv1.ListSessionEventsRequest{SessionId: "nope"}, nil, codes.NotFound},
		{"unknown session, empty range", before1970("nope"), nil, codes.NotFound},
		{"known session, empty range", before1970("s1"), nil, codes.OK},
		{"known session, no event of the method", &queryv1.ListSessionEventsRequest{SessionId: "s2", Method: "tools/call"}, nil, codes.OK},
		{"outside default range", &queryv1.ListSessionEventsRequest{SessionId: "old"}, nil, codes.OK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := h.client.ListSessionEvents(as(t.Context(), tokenA), tt.req)
			if status.Code(err) != tt.wantCode {
				t.Fatalf("code %v (%v), want %v", status.Code(err), err, tt.wantCode)
			}
			if err != nil {
				return
			}
			if got := eventIDs(resp.Events); !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTenantIsolation(t *testing.T) {
	f := loadFixture(t)
	h := newHarness(t, f.conn)
	ctx := as(t.Context(), tokenB)
	ev, err := h.client.ListSessionEvents(ctx, &queryv1.ListSessionEventsRequest{SessionId: "s1"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{eventID(tenantB, "s1", 0), eventID(tenantB, "s1", 1), eventID(tenantB, "s1", 2), eventID(tenantB, "s1", 3)}
	if got := eventIDs(ev.Events); !slices.Equal(got, want) {
		t.Fatalf("globex s1 events: got %v, want %v", got, want)
	}
	ss, err := h.client.ListSessions(ctx, &queryv1.ListSessionsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ss.Sessions) != 1 || ss.Sessions[0].EventCount != 4 || ss.Sessions[0].TenantId != tenantB {
		t.Fatalf("globex sessions: %v", ss.Sessions)
	}
	al, err := h.client.ListAlerts(ctx, &queryv1.ListAlertsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(al.Alerts) != 1 || al.Alerts[0].AlertId != "globex-alert" {
		t.Fatalf("globex alerts: %v", al.Alerts)
	}
	// acme cannot see globex's alert, and globex cannot see acme's.
	for _, c := range []struct{ token, id string }{{tokenA, "globex-alert"}, {tokenB, "a00"}} {
		_, err := h.client.GetAlert(as(t.Context(), c.token), &queryv1.GetAlertRequest{AlertId: c.id})
		if status.Code(err) != codes.NotFound {
			t.Errorf("GetAlert(%s) as %s: %v, want NOT_FOUND", c.id, c.token, err)
		}
	}
}

func TestListSessions(t *testing.T) {
	f := loadFixture(t)
	h := newHarness(t, f.conn)
	resp, err := h.client.ListSessions(as(t.Context(), tokenA), &queryv1.ListSessionsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Sessions) != 2 || resp.NextPageToken != "" {
		t.Fatalf("sessions: %v (next %q)", resp.Sessions, resp.NextPageToken)
	}
	s2, s1 := resp.Sessions[0], resp.Sessions[1]
	if s2.SessionId != "s2" || s2.EventCount != 3 || s2.ToolCallCount != 0 || s2.Transport != eventv1.Transport_TRANSPORT_STREAMABLE_HTTP {
		t.Errorf("s2 summary: %v", s2)
	}
	if s1.SessionId != "s1" || s1.EventCount != 41 || s1.ToolCallCount != 20 || s1.ClientName != "claude-code" || s1.ServerName != "fs-server" ||
		s1.Transport != eventv1.Transport_TRANSPORT_STDIO || s1.TenantId != tenantA ||
		!s1.FirstEventTime.AsTime().Equal(f.base) || !s1.LastEventTime.AsTime().Equal(f.base.Add(40*time.Second)) {
		t.Errorf("s1 summary: %v", s1)
	}

	// Paging one by one over REST visits both sessions once, then "old"
	// joins when the range covers it.
	q := url.Values{"page_size": {"1"}, "start_time": {f.base.Add(-48 * time.Hour).Format(time.RFC3339Nano)}}
	var got []string
	for range maxPages {
		var page queryv1.ListSessionsResponse
		h.getProto(t, tokenA, "/v1/sessions", q, &page)
		for _, s := range page.Sessions {
			got = append(got, s.SessionId)
		}
		if page.NextPageToken == "" {
			break
		}
		q.Set("page_token", page.NextPageToken)
	}
	if want := []string{"s2", "s1", "old"}; !slices.Equal(got, want) {
		t.Fatalf("paged sessions: got %v, want %v", got, want)
	}
}

func TestListAlerts(t *testing.T) {
	f := loadFixture(t)
	h := newHarness(t, f.conn)
	ids := func(alerts []*eventv1.Alert) []string {
		var out []string
		for _, a := range alerts {
			out = append(out, a.AlertId)
		}
		return out
	}
	tests := []struct {
		name string
		req  *queryv1.ListAlertsRequest
		want []string
	}{
		{"all newest first, replay not repeated", &queryv1.ListAlertsRequest{}, f.alerts},
		{"rule", &queryv1.ListAlertsRequest{RuleId: "r2"}, []string{"a11", "a09", "a07", "a05", "a03", "a01"}},
		{"session", &queryv1.ListAlertsRequest{SessionId: "s2"}, []string{"a11", "a10", "a09", "a08", "a07", "a06"}},
		{"min severity", &queryv1.ListAlertsRequest{MinSeverity: eventv1.Severity_SEVERITY_CRITICAL}, []string{"a09", "a04"}},
		{"tag", &queryv1.ListAlertsRequest{Tag: "safe.t1001"}, []string{"a09", "a06", "a03", "a00"}},
		{"combined", &queryv1.ListAlertsRequest{Tag: "attack.t1005", RuleId: "r1", MinSeverity: eventv1.Severity_SEVERITY_MEDIUM}, []string{"a08", "a04", "a02"}},
		{"range", &queryv1.ListAlertsRequest{StartTime: timestamppb.New(f.base.Add(2 * time.Minute)), EndTime: timestamppb.New(f.base.Add(4 * time.Minute))}, []string{"a03", "a02"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := h.client.ListAlerts(as(t.Context(), tokenA), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(resp.Alerts); !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("first copy of a replayed alert", func(t *testing.T) {
		resp, err := h.client.ListAlerts(as(t.Context(), tokenA), &queryv1.ListAlertsRequest{RuleId: "r2", SessionId: "s1", Tag: "safe.t1001"})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Alerts) != 1 || !resp.Alerts[0].Time.AsTime().Equal(f.base.Add(3*time.Minute)) {
			t.Fatalf("a03: %v", resp.Alerts)
		}
	})
	t.Run("paging", func(t *testing.T) {
		for _, size := range []int32{1, 5, 12} {
			var got []string
			req := &queryv1.ListAlertsRequest{PageSize: size}
			for range maxPages {
				resp, err := h.client.ListAlerts(as(t.Context(), tokenA), req)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, ids(resp.Alerts)...)
				if resp.NextPageToken == "" {
					break
				}
				req.PageToken = resp.NextPageToken
			}
			if !slices.Equal(got, f.alerts) {
				t.Fatalf("page_size %d: got %v, want %v", size, got, f.alerts)
			}
		}
	})
}

func TestGetAlert(t *testing.T) {
	f := loadFixture(t)
	h := newHarness(t, f.conn)
	check := func(t *testing.T, resp *queryv1.GetAlertResponse) {
		t.Helper()
		if resp.GetAlert().GetAlertId() != "a00" || resp.GetAlert().GetTitle() != "alert 0" {
			t.Fatalf("alert: %v", resp.GetAlert())
		}
		// Oldest first; the unknown id and globex's event are absent.
		if got, want := eventIDs(resp.Events), []string{f.s1[2], f.s1[3], f.s1[4]}; !slices.Equal(got, want) {
			t.Fatalf("events: got %v, want %v", got, want)
		}
	}
	t.Run("grpc", func(t *testing.T) {
		resp, err := h.client.GetAlert(as(t.Context(), tokenA), &queryv1.GetAlertRequest{AlertId: "a00"})
		if err != nil {
			t.Fatal(err)
		}
		check(t, resp)
	})
	t.Run("rest", func(t *testing.T) {
		var resp queryv1.GetAlertResponse
		h.getProto(t, tokenA, "/v1/alerts/a00", nil, &resp)
		check(t, &resp)
	})
	t.Run("replayed alert once", func(t *testing.T) {
		resp, err := h.client.GetAlert(as(t.Context(), tokenA), &queryv1.GetAlertRequest{AlertId: "a03"})
		if err != nil {
			t.Fatal(err)
		}
		if !resp.Alert.Time.AsTime().Equal(f.base.Add(3 * time.Minute)) {
			t.Fatalf("a03 time %v, want the first copy's", resp.Alert.Time.AsTime())
		}
	})
	t.Run("missing", func(t *testing.T) {
		_, err := h.client.GetAlert(as(t.Context(), tokenA), &queryv1.GetAlertRequest{AlertId: "nope"})
		if status.Code(err) != codes.NotFound {
			t.Fatalf("got %v, want NOT_FOUND", err)
		}
		code, body := h.get(t, tokenA, "/v1/alerts/nope", nil)
		if code != http.StatusNotFound {
			t.Fatalf("REST status %d: %s", code, body)
		}
	})
}

func TestErrors(t *testing.T) {
	f := loadFixture(t)
	h := newHarness(t, f.conn)
	other, err := h.client.ListSessionEvents(as(t.Context(), tokenA), &queryv1.ListSessionEventsRequest{SessionId: "s2", PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tests := []struct {
		name  string
		token string
		call  func() error
		path  string
		query url.Values
		code  codes.Code
		field string
	}{
		{"page_size too big", tokenA, func() error {
			_, err := h.client.ListAlerts(as(t.Context(), tokenA), &queryv1.ListAlertsRequest{PageSize: 1001})
			return err
		}, "/v1/alerts", url.Values{"page_size": {"1001"}}, codes.InvalidArgument, "page_size"},
		{"page_size negative", tokenA, func() error {
			_, err := h.client.ListSessions(as(t.Context(), tokenA), &queryv1.ListSessionsRequest{PageSize: -1})
			return err
		}, "/v1/sessions", url.Values{"page_size": {"-1"}}, codes.InvalidArgument, "page_size"},
		{"page_token garbage", tokenA, func() error {
			_, err := h.client.ListSessionEvents(as(t.Context(), tokenA), &queryv1.ListSessionEventsRequest{SessionId: "s1", PageToken: "!!"})
			return err
		}, "/v1/sessions/s1/events", url.Values{"page_token": {"!!"}}, codes.InvalidArgument, "page_token"},
		{"page_token of another query", tokenA, func() error {
			_, err := h.client.ListSessionEvents(as(t.Context(), tokenA), &queryv1.ListSessionEventsRequest{SessionId: "s1", PageToken: other.NextPageToken})
			return err
		}, "/v1/sessions/s1/events", url.Values{"page_token": {other.NextPageToken}}, codes.InvalidArgument, "page_token"},
		{"start after end", tokenA, func() error {
			_, err := h.client.ListAlerts(as(t.Context(), tokenA), &queryv1.ListAlertsRequest{StartTime: timestamppb.New(now), EndTime: timestamppb.New(now.Add(-time.Hour))})
			return err
		}, "/v1/alerts", url.Values{"start_time": {now.Format(time.RFC3339)}, "end_time": {now.Add(-time.Hour).Format(time.RFC3339)}}, codes.InvalidArgument, "start_time"},
		{"start equals end", tokenA, func() error {
			_, err := h.client.ListSessions(as(t.Context(), tokenA), &queryv1.ListSessionsRequest{StartTime: timestamppb.New(now), EndTime: timestamppb.New(now)})
			return err
		}, "/v1/sessions", url.Values{"start_time": {now.Format(time.RFC3339)}, "end_time": {now.Format(time.RFC3339)}}, codes.InvalidArgument, "start_time"},
		{"empty session_id", tokenA, func() error {
			_, err := h.client.ListSessionEvents(as(t.Context(), tokenA), &queryv1.ListSessionEventsRequest{})
			return err
		}, "", nil, codes.InvalidArgument, "session_id"},
		{"empty alert_id", tokenA, func() error {
			_, err := h.client.GetAlert(as(t.Context(), tokenA), &queryv1.GetAlertRequest{})
			return err
		}, "", nil, codes.InvalidArgument, "alert_id"},
		{"unknown severity", tokenA, func() error {
			_, err := h.client.ListAlerts(as(t.Context(), tokenA), &queryv1.ListAlertsRequest{MinSeverity: 42})
			return err
		}, "", nil, codes.InvalidArgument, "min_severity"},
		{"no credential", "", func() error {
			_, err := h.client.ListAlerts(t.Context(), &queryv1.ListAlertsRequest{})
			return err
		}, "/v1/alerts", nil, codes.Unauthenticated, ""},
		{"bad credential", "wrong", func() error {
			_, err := h.client.ListSessions(as(t.Context(), "wrong"), &queryv1.ListSessionsRequest{})
			return err
		}, "/v1/sessions", nil, codes.Unauthenticated, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if status.Code(err) != tt.code {
				t.Fatalf("gRPC: got %v, want %v", err, tt.code)
			}
			if tt.path == "" {
				return
			}
			code, body := h.get(t, tt.token, tt.path, tt.query)
			var p apierr.Problem
			if err := json.Unmarshal(body, &p); err != nil {
				t.Fatalf("REST body %q: %v", body, err)
			}
			if code == http.StatusOK || p.Status != code {
				t.Fatalf("REST status %d, problem %+v", code, p)
			}
			if tt.field != "" && (len(p.Errors) != 1 || p.Errors[0].Field != tt.field) {
				t.Fatalf("REST problem %+v does not name %s", p, tt.field)
			}
		})
	}
}

func TestStorageUnavailable(t *testing.T) {
	// A port with nothing listening: every statement fails to connect.
	conn, err := clickhouse.Open(&clickhouse.Options{Addr: []string{"127.0.0.1:1"}, DialTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	h := newHarness(t, conn)
	_, err = h.client.ListSessions(as(t.Context(), tokenA), &queryv1.ListSessionsRequest{})
	if status.Code(err) != codes.Unavailable {
		t.Fatalf("got %v, want UNAVAILABLE", err)
	}
	code, body := h.get(t, tokenA, "/v1/alerts", nil)
	var p apierr.Problem
	if err := json.Unmarshal(body, &p); err != nil || code != http.StatusServiceUnavailable || p.Code != "UNAVAILABLE" || p.Detail != "storage unavailable" {
		t.Fatalf("REST %d %s", code, body)
	}
}
