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
//  3. Validation, of each event on its own, as OTLP's partial success does.
//     A request holds 1 to Config.MaxBatchEvents events; otherwise it is
//     refused whole with INVALID_ARGUMENT on the field `events`. Every event
//     needs a valid time no more than Config.MaxFutureSkew ahead of and no
//     more than Config.MaxEventAge behind the collector's clock, a
//     session.id, a kind, a direction (except MESSAGE_KIND_OBSERVATION_GAP,
//     which may cover both) and a method on requests and notifications.
//     MESSAGE_KIND_INVALID events (frames that are not JSON-RPC) need
//     invalid_frame with code -32700 or -32600 and no method;
//     MESSAGE_KIND_OBSERVATION_GAP events need observation_gap with a
//     reason, non-negative counts and start_time not after end_time; neither
//     field is allowed on other kinds. An event_id, when sent, must be a
//     canonical UUID (any version, not the nil UUID). Fields and enum values
//     this collector does not know are refused, not dropped. Sizes are never
//     a reason to refuse (see 5). An invalid event is rejected and the
//     others are written: the response's partial_success counts the
//     rejected events, names the first offending field in error_message and
//     lists one field violation per rejected event (at most 100), with
//     paths such as `events[3].session.id`; event_ids holds "" for them.
//     Rejections are permanent: clients must not retry rejected events.
//     When every event is rejected the call fails with INVALID_ARGUMENT
//     (HTTP 400, application/problem+json) whose google.rpc.BadRequest
//     detail lists the violations; nothing is written.
//  4. Stamping. A missing event_id gets a fresh UUIDv7; an emitter's id is
//     kept (lowercased). tenant_id is overwritten with the authenticated
//     tenant whatever the payload said; received_time is set to the
//     collector's clock. Event.raw is dropped unless Config.CaptureRaw.
//  5. Redaction (Config.Redact, on by default), then shortening. Secrets in
//     tool arguments, tool result text and structured content, resource and
//     prompt text, prompt arguments, sampling prompts and text, elicitation
//     messages, server instructions, the raw message and an invalid frame's
//     prefix are replaced by
//     `[REDACTED:<kind>]` (see secrets.Redactor), so detection still sees
//     that a secret of that kind was there; a JSON field that already holds
//     the truncation marker is redacted inside the marker's prefix. Then
//     fields over their caps are shortened (Config.MaxArgumentsBytes,
//     Config.MaxResultTextBytes, the label caps, MaxSessionIDBytes,
//     MaxMethodBytes): JSON fields become the marker
//     {"mcpaudit.truncated":true,"size_bytes":N,"prefix":"..."}
//     (mcpwire.TruncateJSON), text is cut at a UTF-8 boundary, bytes are
//     cut. Finally every event must fit Config.MaxEventBytes and, as a Kafka
//     message (key, value, headers), Config.MaxMessageBytes: an event that
//     does not is shortened further, largest droppable fields first (raw;
//     result text and structured content and invalid_frame.prefix; tool
//     definition texts and schemas; arguments; then the rest), each keeping
//     its first 1 KiB where that suffices. Every shortened field's path is
//     appended to Event.truncated_fields. Nothing is refused for its size.
//  6. Write. One Kafka message per accepted event on mcpaudit.events.v1: key
//     kafka.Key(tenant, session.id) so a session stays on one partition and
//     in order, value the protobuf Event, header kafka.HeaderEventID
//     (mcpaudit.event_id). The call returns only after the writer (acks=all)
//     acknowledged every message; the response holds accepted_count and the
//     event ids in request order. When the writer or the broker refuses
//     messages as too large (a max_message_bytes above what they take),
//     those messages are shortened to a quarter of their budget and written
//     again, one at a time, once. When Kafka does not acknowledge within
//     Config.WriteTimeout, or refuses even the shortened messages, the call
//     fails with UNAVAILABLE (HTTP 503) and retry advice. Some events of such
//     a batch may have been written: clients retry the whole batch with the
//     same event ids, and downstream stages deduplicate on event_id
//     (at-least-once delivery, exactly-once in effect).
//
// Metrics (Prometheus): mcpaudit_ingest_events_total{result,reason}
// (accepted: complete or truncated; rejected: invalid_event,
// invalid_request, unauthenticated, resource_exhausted, unavailable,
// cancelled, internal), mcpaudit_ingest_event_violations_total{field},
// mcpaudit_ingest_truncated_fields_total{field},
// mcpaudit_ingest_kafka_too_large_total, mcpaudit_ingest_batches_total{code},
// mcpaudit_ingest_export_duration_seconds,
// mcpaudit_ingest_redactions_total{kind} and mcpaudit_ingest_inflight_batches.
// Rejections and truncations are logged once per batch, at most once a
// second each, with the number of records held back.
package ingest
