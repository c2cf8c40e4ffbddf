// Package tap is the stdio tap: it runs a stdio MCP server as a child
// process, relays the client's stdin to the child and the child's stdout back
// byte for byte, and sends one event per observed JSON-RPC message to the
// collector's IngestService.
//
// Observation never slows the relay. The two relay goroutines only copy
// bytes; they hand a copy of each chunk to the observer through a bounded
// queue and count what does not fit. The observer splits the chunks into
// newline-delimited frames, turns them into events with ingest/mcpwire, and
// an exporter sends them in batches, keeping them in a bounded buffer and
// retrying with backoff while the collector is unavailable.
//
// The session id of a stdio session is a fresh UUIDv7 per tap process, the
// server identity is the command line and the principal is the OS user.
package tap
