// Package tap is the stdio tap: it runs a stdio MCP server as a child
// process, relays the client's stdin to the child and the child's stdout back
// byte for byte, and sends one event per observed JSON-RPC message to the
// collector's IngestService.
//
// Observation never slows the relay. The two relay goroutines only copy
// bytes; they hand a copy of each chunk to the observer, before writing it
// onward (so that a request is always queued before its response), through
// a queue bounded by chunks and bytes. What does not fit is relayed
// unobserved and recorded as an observation-gap event with its bytes,
// frames and time span. The observer splits the chunks into
// newline-delimited frames (lines over max_line_bytes become oversize
// INVALID events), turns them into events with ingest/mcpwire, and an
// exporter sends them in batches, keeping them in a bounded buffer (drops
// past it are recorded as an observation gap too) and retrying with
// backoff while the collector is unavailable. It counts what the collector
// refused (partial_success) and never retries a permanent refusal.
//
// The session id of a stdio session is a fresh UUIDv7 per tap process, the
// server identity is the command line and the principal is the OS user.
package tap
