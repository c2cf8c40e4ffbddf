package query

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/mcpaudit/mcpaudit/internal/apierr"
)

// Page sizes and the default time range, as query.proto specifies them.
const (
	// DefaultPageSize is the page size used when a request's page_size is 0.
	DefaultPageSize = 100
	// MaxPageSize is the largest page_size a request may ask for.
	MaxPageSize = 1000
	// DefaultRange is the length of the time range used when start_time is
	// unset: the range ends at end_time (or now) and starts this much earlier.
	DefaultRange = 24 * time.Hour
)

// maxUnixSeconds is the last second a ClickHouse DateTime (UInt32) holds.
const maxUnixSeconds = 1<<32 - 1

// timeRange is a resolved half-open range [start, end) in Unix nanoseconds,
// clamped to what the tables can hold.
type timeRange struct {
	startNs, endNs uint64
}

// resolveRange applies the defaults of query.proto to a request's start and
// end times and validates them. Errors are INVALID_ARGUMENT statuses naming
// start_time or end_time.
func resolveRange(start, end *timestamppb.Timestamp, now time.Time) (timeRange, error) {
	if end != nil {
		if err := end.CheckValid(); err != nil {
			return timeRange{}, apierr.InvalidArgument("end_time", "not a valid timestamp")
		}
	}
	if start != nil {
		if err := start.CheckValid(); err != nil {
			return timeRange{}, apierr.InvalidArgument("start_time", "not a valid timestamp")
		}
	}
	e := now
	if end != nil {
		e = end.AsTime()
	}
	s := e.Add(-DefaultRange)
	if start != nil {
		s = start.AsTime()
	}
	if !s.Before(e) {
		return timeRange{}, apierr.InvalidArgument("start_time", "must be before end_time")
	}
	return timeRange{startNs: clampNanos(s), endNs: clampNanos(e)}, nil
}

// clampNanos returns t in Unix nanoseconds, clamped to [0, the end of the
// DateTime range].
func clampNanos(t time.Time) uint64 {
	sec := t.Unix()
	switch {
	case sec < 0:
		return 0
	case sec > maxUnixSeconds:
		return maxUnixSeconds * uint64(time.Second)
	}
	return uint64(sec)*uint64(time.Second) + uint64(t.Nanosecond())
}

// empty reports whether no stored time can fall in the range (after
// clamping both ends to the same bound).
func (r timeRange) empty() bool { return r.startNs >= r.endNs }

// args returns the bind values of rangeSQL: the day bounds for partition
// pruning (as 'YYYY-MM-DD', one day wider on each side so the server's time
// zone cannot cut off a day), the DateTime second bounds for the primary key
// and the exact nanosecond bounds.
func (r timeRange) args() []any {
	startSec := r.startNs / uint64(time.Second)
	lastSec := (r.endNs - 1) / uint64(time.Second)
	day := func(sec uint64, shift int) string {
		d := time.Unix(int64(sec), 0).UTC().AddDate(0, 0, shift)
		if d.Unix() < 0 {
			d = time.Unix(0, 0).UTC()
		}
		return d.Format(time.DateOnly)
	}
	return []any{day(startSec, -1), day(lastSec, 1), startSec, lastSec, r.startNs, r.endNs}
}

// pageSize validates a request's page_size and applies the default.
func pageSize(n int32) (int, error) {
	switch {
	case n == 0:
		return DefaultPageSize, nil
	case n < 0 || n > MaxPageSize:
		return 0, apierr.InvalidArgument("page_size", fmt.Sprintf("must be between 1 and %d", MaxPageSize))
	}
	return int(n), nil
}

// tsKey renders an optional timestamp for filterHash.
func tsKey(t *timestamppb.Timestamp) string {
	if t == nil {
		return "-"
	}
	return fmt.Sprintf("%d.%d", t.GetSeconds(), t.GetNanos())
}

// pagedRequest is what the list requests (ListAlerts, ListSessions,
// ListSessionEvents) have in common: a page size, a time range and a page
// token.
type pagedRequest interface {
	GetPageSize() int32
	GetStartTime() *timestamppb.Timestamp
	GetEndTime() *timestamppb.Timestamp
	GetPageToken() string
}

// listRequest is the validated part of a list request that every list RPC
// shares.
type listRequest struct {
	// tenant is the caller's tenant.
	tenant string
	// size is the page size, defaulted and validated.
	size int
	// r is the resolved time range.
	r timeRange
	// q is filterHash of the request's key parts; page tokens carry it.
	q string
	// cur is the keyset position the page starts strictly after; it is set
	// only when after is true.
	cur cursor
	// after reports whether the request carried a page token.
	after bool
}

// beginList does the common start of a list RPC: it authenticates the
// caller, then returns invalid (the RPC's own validation of its other
// fields, nil when they are fine), then validates page_size, start_time and
// end_time and decodes page_token against filterHash(key...). key is the
// method name followed by the request's filters, in the order that defines
// the query. Errors are statuses: UNAUTHENTICATED, invalid, or
// INVALID_ARGUMENT naming page_size, start_time, end_time or page_token.
func (s *Service) beginList(ctx context.Context, req pagedRequest, invalid error, key ...string) (listRequest, error) {
	tenant, err := s.tenant(ctx)
	if err != nil {
		return listRequest{}, err
	}
	if invalid != nil {
		return listRequest{}, invalid
	}
	size, err := pageSize(req.GetPageSize())
	if err != nil {
		return listRequest{}, err
	}
	r, err := resolveRange(req.GetStartTime(), req.GetEndTime(), s.now())
	if err != nil {
		return listRequest{}, err
	}
	q := filterHash(key...)
	cur, after, err := decodeCursor(req.GetPageToken(), q)
	if err != nil {
		return listRequest{}, apierr.InvalidArgument("page_token", err.Error())
	}
	return listRequest{tenant: tenant, size: size, r: r, q: q, cur: cur, after: after}, nil
}
