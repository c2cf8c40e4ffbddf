// Package mcpwire turns the JSON-RPC 2.0 frames of one MCP session into
// mcpaudit events (eventv1.Event), one event per JSON-RPC message.
//
// An Observer follows one session: it learns the protocol revision and the
// client and server Implementation from initialize, pairs responses with
// their requests in both directions (client→server and server→client, for
// sampling/createMessage, elicitation/create, roots/list, ...) to give each
// response its method and latency, and extracts the method details that
// event.proto models (tools/call, tools/list, resources/read, prompts/get,
// sampling/createMessage, elicitation/create, JSON-RPC errors).
//
// Nothing is dropped: a frame that is not JSON gives an event of kind
// INVALID with invalid_frame.code -32700, a JSON value that is not a
// JSON-RPC message one with -32600 (with the reason and the frame's first
// bytes). Invalid UTF-8 is replaced by U+FFFD in every string field
// (SanitizeUTF8) and flagged with invalid_utf8, so every event encodes.
// Oversize and Gap make the events of frames too long to parse and of
// stretches the emitter could not observe; Shrink shortens an event to a
// size limit, naming what it cut in truncated_fields.
//
// Taps (ingest/tap) and importers use this package; it does no I/O.
package mcpwire
