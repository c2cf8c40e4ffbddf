package query

import (
	"context"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/mcpaudit/mcpaudit/internal/apierr"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	queryv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/query/v1"
)

// ListAlerts lists the caller's alerts whose time is in the request's range,
// newest first (by alert time, then alert id descending), one per alert id.
// Filters are ANDed; min_severity SEVERITY_UNSPECIFIED means no filter.
func (s *Service) ListAlerts(ctx context.Context, req *queryv1.ListAlertsRequest) (_ *queryv1.ListAlertsResponse, err error) {
	const method = "ListAlerts"
	defer func(start time.Time) { s.observe(method, start, err) }(time.Now())
	var invalid error
	if _, ok := eventv1.Severity_name[int32(req.GetMinSeverity())]; !ok {
		invalid = apierr.InvalidArgument("min_severity", "unknown severity")
	}
	lr, err := s.beginList(ctx, req, invalid, method, tsKey(req.GetStartTime()), tsKey(req.GetEndTime()), req.GetRuleId(), req.GetSessionId(), req.GetMinSeverity().String(), req.GetTag())
	if err != nil {
		return nil, err
	}
	resp := &queryv1.ListAlertsResponse{}
	if lr.r.empty() {
		return resp, nil
	}

	st := (&stmt{}).add(alertsSQL, append([]any{lr.tenant}, lr.r.args()...)...)
	if v := req.GetRuleId(); v != "" {
		st.add(alertsRuleSQL, v)
	}
	if v := req.GetSessionId(); v != "" {
		st.add(alertsSessionSQL, v)
	}
	if v := req.GetMinSeverity(); v != eventv1.Severity_SEVERITY_UNSPECIFIED {
		st.add(alertsSeveritySQL, uint8(v))
	}
	if v := req.GetTag(); v != "" {
		st.add(alertsTagSQL, v)
	}
	st.add(alertsGroupSQL)
	if lr.after {
		st.add(alertsBeforeSQL, lr.cur.T, lr.cur.T, lr.cur.ID)
	}
	st.add(alertsTailSQL, lr.size+1)

	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	defer cancel()
	rows, err := s.conn.Query(ctx, st.String(), st.args...)
	if err != nil {
		return nil, s.storageError(ctx, method, err)
	}
	defer rows.Close()
	var last cursor
	for rows.Next() {
		var (
			id      string
			ns      uint64
			payload string
		)
		if err := rows.Scan(&id, &ns, &payload); err != nil {
			return nil, s.storageError(ctx, method, err)
		}
		if len(resp.Alerts) == lr.size {
			resp.NextPageToken = cursor{T: last.T, ID: last.ID, Q: lr.q}.encode()
			break
		}
		a, err := s.alert(ctx, method, lr.tenant, id, payload)
		if err != nil {
			return nil, err
		}
		resp.Alerts = append(resp.Alerts, a)
		last = cursor{T: ns, ID: id}
	}
	if err := rows.Err(); err != nil {
		return nil, s.storageError(ctx, method, err)
	}
	return resp, nil
}

// GetAlert returns the caller's alert with the given id (its first stored
// copy) and the events it names that are stored, oldest first, one per
// event id. It returns NOT_FOUND when the alert is not in the caller's
// tenant.
func (s *Service) GetAlert(ctx context.Context, req *queryv1.GetAlertRequest) (_ *queryv1.GetAlertResponse, err error) {
	const method = "GetAlert"
	defer func(start time.Time) { s.observe(method, start, err) }(time.Now())
	tenant, err := s.tenant(ctx)
	if err != nil {
		return nil, err
	}
	if req.GetAlertId() == "" {
		return nil, apierr.InvalidArgument("alert_id", "required")
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	defer cancel()

	rows, err := s.conn.Query(ctx, alertByIDSQL, tenant, req.GetAlertId())
	if err != nil {
		return nil, s.storageError(ctx, method, err)
	}
	var (
		found   bool
		id      string
		ns      uint64
		payload string
	)
	if rows.Next() {
		found = true
		err = rows.Scan(&id, &ns, &payload)
	}
	if err == nil {
		err = rows.Err()
	}
	rows.Close()
	if err != nil {
		return nil, s.storageError(ctx, method, err)
	}
	if !found {
		return nil, status.Errorf(codes.NotFound, "alert %q not found", req.GetAlertId())
	}
	a, err := s.alert(ctx, method, tenant, id, payload)
	if err != nil {
		return nil, err
	}
	events, err := s.eventsByID(ctx, method, tenant, a)
	if err != nil {
		return nil, err
	}
	return &queryv1.GetAlertResponse{Alert: a, Events: events}, nil
}

// alert decodes an alert payload, falling back to the row's columns.
func (s *Service) alert(ctx context.Context, method, tenant, id, payload string) (*eventv1.Alert, error) {
	a := &eventv1.Alert{}
	if s.unmarshal(ctx, "alerts", id, []byte(payload), a) {
		return a, nil
	}
	rows, err := s.conn.Query(ctx, alertColumnsSQL, tenant, id)
	if err != nil {
		return nil, s.storageError(ctx, method, err)
	}
	defer rows.Close()
	var row alertRow
	if rows.Next() {
		if err := rows.ScanStruct(&row); err != nil {
			return nil, s.storageError(ctx, method, err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, s.storageError(ctx, method, err)
	}
	if row.AlertID == "" {
		row.AlertID, row.TenantID = id, tenant
	}
	return row.alert(), nil
}

// eventsByID returns the stored events named by a, oldest first.
func (s *Service) eventsByID(ctx context.Context, method, tenant string, a *eventv1.Alert) ([]*eventv1.Event, error) {
	if len(a.GetEventIds()) == 0 {
		return nil, nil
	}
	ids := make([]any, len(a.GetEventIds()))
	for i, id := range a.GetEventIds() {
		ids[i] = id
	}
	st := (&stmt{}).add(eventsByIDSQL, tenant, clickhouse.GroupSet{Value: ids})
	if first, last := a.GetFirstEventTime(), a.GetLastEventTime(); first != nil && last != nil && first.IsValid() && last.IsValid() && !last.AsTime().Before(first.AsTime()) {
		// Partition pruning only: a day wider on each side than the alert says.
		day := func(t time.Time) string { return t.UTC().Format(time.DateOnly) }
		lo := first.AsTime().AddDate(0, 0, -1)
		if lo.Unix() < 0 {
			lo = time.Unix(0, 0)
		}
		st.add(eventsByIDDaysSQL, day(lo), day(last.AsTime().AddDate(0, 0, 1)))
	}
	st.add(eventsByIDTailSQL)
	return s.events(ctx, method, tenant, st)
}
