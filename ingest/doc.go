// Package ingest is the mcpaudit collector: the IngestService that taps,
// gateways and instrumented MCP clients and servers send events to, over
// gRPC (mcpaudit.ingest.v1.IngestService/Export) and REST through
// grpc-gateway (POST /v1/events:export, protojson body).
//
// # Contract of Export
//
//  1. Authentication. The caller's bearer token ("authorization" metadata, or
//     the HTTP Authorization header on REST) is checked with
//     auth.Authenticator; failure is UNAUTHENTICATED (HTTP 401).
//  2. Admission. At most Config.MaxInflightBatches calls are processed at
//     once; a call beyond that gets RESOURCE_EXHAUSTED (HTTP 429) with retry
//     advice (google.rpc.RetryInfo, Retry-After on REST) instead of waiting
//     in an unbounded queue.
//  3. Validation, of the whole batch before anything is written. A batch
//     holds 1 to Config.MaxBatchEvents events. Every event needs a valid
//     time no more than Config.MaxFutureSkew ahead of and no more than
//     Config.MaxEventAge behind the collector's clock, a session.id of 1 to
//     MaxSessionIDBytes bytes, a direction and a kind, and a method on
//     requests and notifications. An event_id, when sent, must be a
//     canonical UUID (any version, not the nil UUID). Sizes are capped: the
//     encoded event (Config.MaxEventBytes), tool arguments and result text
//     (Config.MaxArgumentsBytes, Config.MaxResultTextBytes) and labels.
//     Fields and enum values this collector does not know are refused, not
//     dropped. The first violation fails the whole batch with
//     INVALID_ARGUMENT (HTTP 400, application/problem+json): the status
//     message and its google.rpc.BadRequest detail name the field, for
//     example `events[3].session.id`. Nothing of a rejected batch is
//     written, so no query ever shows part of it.
//  4. Stamping. A missing event_id gets a fresh UUIDv7; an emitter's id is
//     kept (lowercased). tenant_id is overwritten with the authenticated
//     tenant whatever the payload said; received_time is set to the
//     collector's clock. Event.raw is dropped unless Config.CaptureRaw.
//  5. Redaction (Config.Redact, on by default). Secrets in tool arguments,
//     tool result text and structured content and the raw message are
//     replaced by `[REDACTED:<kind>]` (see secrets.Redactor), so detection still sees
//     that a secret of that kind was there.
//  6. Write. One Kafka message per event on mcpaudit.events.v1: key
//     kafka.Key(tenant, session.id) so a session stays on one partition and
//     in order, value the protobuf Event, header kafka.HeaderEventID (mcpaudit.event_id). The call
//     returns only after the writer (acks=all) acknowledged every message;
//     the response holds accepted_count and the event ids in request order.
//     When Kafka does not acknowledge within Config.WriteTimeout the call
//     fails with UNAVAILABLE (HTTP 503) and retry advice. Some events of
//     such a batch may have been written: clients retry the whole batch with
//     the same event ids, and downstream stages deduplicate on event_id
//     (at-least-once delivery, exactly-once in effect).
//
// Metrics (Prometheus): mcpaudit_ingest_events_total{result},
// mcpaudit_ingest_batches_total{code}, mcpaudit_ingest_export_duration_seconds,
// mcpaudit_ingest_redactions_total{kind} and mcpaudit_ingest_inflight_batches.
package ingest
