// Package query serves the read API of mcpaudit, QueryService
// (proto/mcpaudit/query/v1), over the ClickHouse tables the store role
// writes: events and alerts.
//
// # Serving
//
// New builds a Service from a Config, a clickhouse-go connection, an
// auth.Authenticator, a logger and an optional Prometheus registerer.
// RegisterGRPC puts it on a *grpc.Server; RegisterGateway puts the REST
// routes (GET /v1/alerts, /v1/alerts/{alert_id}, /v1/sessions,
// /v1/sessions/{session_id}/events) on a grpc-gateway mux in-process. Run
// only waits for its context: the servers own the requests.
//
// # Semantics
//
//   - Tenancy: every statement is scoped with `tenant_id = ?` to the tenant
//     auth.Authenticate returns for the caller; a failed authentication is
//     UNAUTHENTICATED. Another tenant's alert is NOT_FOUND, never forbidden;
//     so is a session the tenant has no event of at any time (ListSessionEvents
//     checks by the primary key prefix when a page comes back empty; a known
//     session with nothing in the range is an empty page).
//   - Time ranges are half-open [start_time, end_time) in nanoseconds. An
//     unset end_time is now; an unset start_time is 24 hours (DefaultRange)
//     before end_time; start_time not before end_time is INVALID_ARGUMENT
//     naming start_time. Times before 1970 or after the ClickHouse DateTime
//     range (2106) are clamped to it.
//   - Ordering: alerts newest first by alert time then alert id, descending;
//     sessions by last event time then session id, descending; session
//     events and an alert's events oldest first by event time then event id.
//   - De-duplication: a replayed event or alert may be stored twice until
//     ClickHouse merges it away, so every statement de-duplicates itself:
//     events with LIMIT 1 BY event_id, alerts with GROUP BY alert_id keeping
//     the first stored copy (earliest alert time), session counts with
//     uniqExact(event_id). No response carries an id twice.
//   - Paging: page_size 0 means DefaultPageSize (100), more than MaxPageSize
//     (1000) or negative is INVALID_ARGUMENT naming page_size. A
//     next_page_token is base64url JSON holding the last item's sort key
//     (time in Unix nanoseconds and id) and a hash of the request's filters;
//     the next page starts strictly after that key (keyset paging, no
//     OFFSET), so paging visits each item once even while rows arrive. A
//     token that is not exactly what encode made (it must encode back to
//     itself), or that another query made, is INVALID_ARGUMENT naming
//     page_token. The last page has an empty token.
//   - Messages are rebuilt from the payload column (proto.Marshal of the
//     whole Event or Alert). A row with an empty or undecodable payload is
//     rebuilt from its columns instead (fields without a column are lost)
//     and counted in mcpaudit_query_payload_decode_errors_total when it did
//     not decode.
//   - Storage failures are logged with their cause and reported without
//     SQL: UNAVAILABLE with retry advice when ClickHouse cannot be reached,
//     INTERNAL when it rejects a statement, DEADLINE_EXCEEDED after
//     Config.QueryTimeout.
//
// # SQL
//
// All SQL lives as constants in sql.go and runs on ClickHouse 18.16 and
// current releases. Values are bound with clickhouse-go's `?` placeholders,
// which it substitutes client-side as escaped literals; no request value is
// ever concatenated into a statement. ListSessionEvents reads in two phases:
// the page's (time, id) keys from the light columns, then the payloads of
// exactly those events by primary key range, so a page costs the same on a
// long session as on a short one.
//
// # Metrics
//
// mcpaudit_query_requests_total{method,code} counts requests by RPC method
// and gRPC code name ("OK", "InvalidArgument", ...);
// mcpaudit_query_duration_seconds{method} is their latency.
package query
