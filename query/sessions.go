package query

import (
	"context"
	"log/slog"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/mcpaudit/mcpaudit/internal/apierr"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	queryv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/query/v1"
)

// ListSessions lists the caller's sessions with events in the request's
// range, most recently active first (by last event time, then session id
// descending). Each summary aggregates only the events in the range; counts
// are of distinct event ids. Events without a session id are not listed.
func (s *Service) ListSessions(ctx context.Context, req *queryv1.ListSessionsRequest) (_ *queryv1.ListSessionsResponse, err error) {
	const method = "ListSessions"
	defer func(start time.Time) { s.observe(method, start, err) }(time.Now())
	lr, err := s.beginList(ctx, req, nil, method, tsKey(req.GetStartTime()), tsKey(req.GetEndTime()))
	if err != nil {
		return nil, err
	}
	resp := &queryv1.ListSessionsResponse{}
	if lr.r.empty() {
		return resp, nil
	}
	st := (&stmt{}).add(sessionsSQL, append([]any{lr.tenant}, lr.r.args()...)...)
	if lr.after {
		st.add(sessionsBeforeSQL, lr.cur.T, lr.cur.T, lr.cur.ID)
	}
	st.add(sessionsTailSQL, lr.size+1)

	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	defer cancel()
	rows, err := s.conn.Query(ctx, st.String(), st.args...)
	if err != nil {
		return nil, s.storageError(ctx, method, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id                                string
			firstNs, lastNs, events, calls    uint64
			clientName, serverName, transport string
		)
		if err := rows.Scan(&id, &firstNs, &lastNs, &events, &calls, &clientName, &serverName, &transport); err != nil {
			return nil, s.storageError(ctx, method, err)
		}
		if len(resp.Sessions) == lr.size {
			prev := resp.Sessions[lr.size-1]
			resp.NextPageToken = cursor{T: timestampNanos(prev.GetLastEventTime()), ID: prev.GetSessionId(), Q: lr.q}.encode()
			break
		}
		resp.Sessions = append(resp.Sessions, &queryv1.SessionSummary{
			SessionId:      id,
			TenantId:       lr.tenant,
			FirstEventTime: nanosToTimestamp(firstNs),
			LastEventTime:  nanosToTimestamp(lastNs),
			EventCount:     int64(events),
			ToolCallCount:  int64(calls),
			ClientName:     clientName,
			ServerName:     serverName,
			Transport:      eventv1.Transport(enumValue(eventv1.Transport_value, "TRANSPORT_", transport)),
		})
	}
	if err := rows.Err(); err != nil {
		return nil, s.storageError(ctx, method, err)
	}
	return resp, nil
}

// ListSessionEvents lists the events of one of the caller's sessions in the
// request's range, oldest first (by event time, then event id), one per
// event id, optionally only those of one MCP method. A session the caller's
// tenant has no event of, at any time, is NOT_FOUND; a known session with
// nothing in the range or of the method is an empty page.
func (s *Service) ListSessionEvents(ctx context.Context, req *queryv1.ListSessionEventsRequest) (_ *queryv1.ListSessionEventsResponse, err error) {
	const method = "ListSessionEvents"
	defer func(start time.Time) { s.observe(method, start, err) }(time.Now())
	var invalid error
	if req.GetSessionId() == "" {
		invalid = apierr.InvalidArgument("session_id", "required")
	}
	lr, err := s.beginList(ctx, req, invalid, method, req.GetSessionId(), tsKey(req.GetStartTime()), tsKey(req.GetEndTime()), req.GetMethod())
	if err != nil {
		return nil, err
	}
	tenant, size := lr.tenant, lr.size
	resp := &queryv1.ListSessionEventsResponse{}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	defer cancel()
	if lr.r.empty() {
		return resp, s.sessionExists(ctx, method, tenant, req.GetSessionId())
	}

	// Phase one: the page's keys, from the light columns only.
	st := (&stmt{}).add(sessionEventKeysSQL, append([]any{tenant, req.GetSessionId()}, lr.r.args()...)...)
	if v := req.GetMethod(); v != "" {
		st.add(sessionEventKeysMethodSQL, v)
	}
	if lr.after {
		st.add(ascAfterSQL, lr.cur.T, lr.cur.T, lr.cur.ID)
	}
	st.add(sessionEventKeysTailSQL, size+1)

	keys, err := s.keys(ctx, st)
	if err != nil {
		return nil, s.storageError(ctx, method, err)
	}
	if len(keys) > size {
		keys = keys[:size]
		resp.NextPageToken = cursor{T: keys[size-1].T, ID: keys[size-1].ID, Q: lr.q}.encode()
	}
	if len(keys) == 0 {
		return resp, s.sessionExists(ctx, method, tenant, req.GetSessionId())
	}

	// Phase two: those events' payloads, by primary key range.
	ids := make([]any, len(keys))
	for i, k := range keys {
		ids[i] = k.ID
	}
	st = (&stmt{}).add(sessionEventPayloadsSQL, tenant, req.GetSessionId(), keys[0].T, keys[len(keys)-1].T, clickhouse.GroupSet{Value: ids})
	resp.Events, err = s.events(ctx, method, tenant, st)
	if err != nil {
		return nil, err
	}
	if len(resp.Events) != len(keys) {
		// Rows do not disappear between the phases unless retention dropped
		// them in between; say so rather than hide it.
		s.logger.WarnContext(ctx, "session events vanished between key and payload reads",
			slog.String("tenant", tenant), slog.String("session_id", req.GetSessionId()),
			slog.Int("keys", len(keys)), slog.Int("events", len(resp.Events)))
	}
	return resp, nil
}

// sessionExists returns nil when the tenant has any event of the session,
// at any time, and NOT_FOUND naming it when it has none; an empty page alone
// cannot tell an unknown session from a quiet range. It reads by the
// primary key prefix (tenant_id, session_id) with no time filter, one row at
// most.
func (s *Service) sessionExists(ctx context.Context, method, tenant, session string) error {
	rows, err := s.conn.Query(ctx, sessionExistsSQL, tenant, session)
	if err != nil {
		return s.storageError(ctx, method, err)
	}
	defer rows.Close()
	found := rows.Next()
	if err := rows.Err(); err != nil {
		return s.storageError(ctx, method, err)
	}
	if !found {
		return status.Errorf(codes.NotFound, "session %q not found", session)
	}
	return nil
}

// keys runs a statement selecting (id, time_unix_nano) rows.
func (s *Service) keys(ctx context.Context, st *stmt) ([]cursor, error) {
	rows, err := s.conn.Query(ctx, st.String(), st.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys []cursor
	for rows.Next() {
		var k cursor
		if err := rows.Scan(&k.ID, &k.T); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

// events runs a statement selecting (event_id, time_unix_nano, payload) rows
// and decodes them in order, rebuilding events stored without a usable
// payload from their columns.
func (s *Service) events(ctx context.Context, method, tenant string, st *stmt) ([]*eventv1.Event, error) {
	rows, err := s.conn.Query(ctx, st.String(), st.args...)
	if err != nil {
		return nil, s.storageError(ctx, method, err)
	}
	defer rows.Close()
	var (
		out     []*eventv1.Event
		missing = map[string]int{} // event id -> index in out
	)
	for rows.Next() {
		var (
			id      string
			ns      uint64
			payload string
		)
		if err := rows.Scan(&id, &ns, &payload); err != nil {
			return nil, s.storageError(ctx, method, err)
		}
		e := &eventv1.Event{}
		if !s.unmarshal(ctx, "events", id, []byte(payload), e) {
			missing[id] = len(out)
			e = &eventv1.Event{EventId: id, TenantId: tenant, Time: nanosToTimestamp(ns)}
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.storageError(ctx, method, err)
	}
	if len(missing) > 0 {
		if err := s.fillEvents(ctx, tenant, out, missing); err != nil {
			return nil, s.storageError(ctx, method, err)
		}
	}
	return out, nil
}

// fillEvents replaces out[missing[id]] with the event rebuilt from its
// columns.
func (s *Service) fillEvents(ctx context.Context, tenant string, out []*eventv1.Event, missing map[string]int) error {
	ids := make([]any, 0, len(missing))
	for id := range missing {
		ids = append(ids, id)
	}
	rows, err := s.conn.Query(ctx, eventColumnsSQL, tenant, clickhouse.GroupSet{Value: ids})
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var row eventRow
		if err := rows.ScanStruct(&row); err != nil {
			return err
		}
		if i, ok := missing[row.EventID]; ok {
			out[i] = row.event()
		}
	}
	return rows.Err()
}

// timestampNanos is the inverse of nanosToTimestamp for stored times.
func timestampNanos(t interface {
	GetSeconds() int64
	GetNanos() int32
}) uint64 {
	return uint64(t.GetSeconds())*uint64(time.Second) + uint64(t.GetNanos())
}
