package mcpwire

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math"
	"strings"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// compact returns raw without insignificant white space ("" for none).
func compact(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}

// jsonText returns a JSON string's value, or the compact JSON text of any
// other value.
func jsonText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return compact(raw)
}

// validID reports whether a JSON-RPC id is a string, number or null.
func validID(raw json.RawMessage) bool {
	switch c := raw[0]; {
	case c == '"', c == '-', c >= '0' && c <= '9':
		return true
	default:
		return bytes.Equal(raw, []byte("null"))
	}
}

// decodeError decodes a JSON-RPC error object leniently; codes outside the
// int32 range are clamped. The data member is kept as compact JSON of at
// most maxData bytes (TruncateText; maxData <= 0 keeps none).
func decodeError(raw json.RawMessage, maxData int) *eventv1.JsonRpcError {
	var e struct {
		Code    json.Number     `json:"code"`
		Message json.RawMessage `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	if json.Unmarshal(raw, &e) != nil {
		return &eventv1.JsonRpcError{Code: CodeInvalidRequest, Message: "invalid error object: " + compact(raw)}
	}
	out := &eventv1.JsonRpcError{}
	if len(e.Message) > 0 {
		out.Message = jsonText(e.Message)
	}
	if f, err := e.Code.Float64(); err == nil {
		out.Code = int32(max(math.MinInt32, min(math.MaxInt32, f)))
	}
	if maxData > 0 && len(e.Data) > 0 && !bytes.Equal(e.Data, []byte("null")) {
		out.DataJson = TruncateText(compact(e.Data), maxData)
	}
	return out
}

// traceFromParams reads params._meta.traceparent (W3C Trace Context,
// version-traceid-spanid-flags). Invalid or all-zero ids give nil.
func traceFromParams(params json.RawMessage) *eventv1.TraceContext {
	if len(params) == 0 || !bytes.Contains(params, []byte("traceparent")) {
		return nil
	}
	var p struct {
		Meta struct {
			Traceparent string `json:"traceparent"`
		} `json:"_meta"`
	}
	if json.Unmarshal(params, &p) != nil {
		return nil
	}
	parts := strings.Split(strings.TrimSpace(p.Meta.Traceparent), "-")
	if len(parts) < 4 || len(parts[0]) != 2 || parts[0] == "ff" {
		return nil
	}
	traceID, spanID := strings.ToLower(parts[1]), strings.ToLower(parts[2])
	if !isHex(traceID, 32) || !isHex(spanID, 16) ||
		traceID == strings.Repeat("0", 32) || spanID == strings.Repeat("0", 16) {
		return nil
	}
	return &eventv1.TraceContext{TraceId: traceID, SpanId: spanID}
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// toolResult summarises a CallToolResult for the response event ev,
// recording in ev.truncated_fields what the capture caps shortened.
func (o *Observer) toolResult(ev *eventv1.Event, result json.RawMessage) *eventv1.ToolResult {
	var r struct {
		Content []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"content"`
		StructuredContent json.RawMessage `json:"structuredContent"`
		IsError           bool            `json:"isError"`
	}
	_ = json.Unmarshal(result, &r) // partial on bad shapes
	out := &eventv1.ToolResult{
		IsError:               r.IsError,
		SizeBytes:             int64(len(result)),
		StructuredContentJson: o.capJSON(ev, "tool_call.result.structured_content_json", compact(r.StructuredContent)),
	}
	if out.StructuredContentJson == "null" {
		out.StructuredContentJson = ""
	}
	var text []string
	for _, c := range r.Content {
		out.ContentTypes = append(out.ContentTypes, c.Type)
		if c.Type == "text" {
			text = append(text, c.Text)
		}
	}
	out.Text = o.capText(ev, "tool_call.result.text", text)
	return out
}

// capJSON returns js, or the truncation marker (TruncateJSON) when js is
// longer than Config.MaxJSONBytes, then recording path in
// ev.truncated_fields.
func (o *Observer) capJSON(ev *eventv1.Event, path, js string) string {
	if len(js) <= o.cfg.MaxJSONBytes {
		return js
	}
	MarkTruncated(ev, path, path)
	return TruncateJSON(js, o.cfg.MaxJSONBytes)
}

// toolList converts a ListToolsResult.
func toolList(result json.RawMessage) *eventv1.ToolList {
	var r struct {
		Tools []json.RawMessage `json:"tools"`
	}
	_ = json.Unmarshal(result, &r)
	out := &eventv1.ToolList{Tools: make([]*eventv1.ToolDefinition, 0, len(r.Tools))}
	for _, raw := range r.Tools {
		out.Tools = append(out.Tools, toolDefinition(raw))
	}
	return out
}

// toolDefinition converts one Tool object; fields of the wrong type stay
// empty, and the hash always covers the whole object as sent.
func toolDefinition(raw json.RawMessage) *eventv1.ToolDefinition {
	var t struct {
		Name         json.RawMessage `json:"name"`
		Title        json.RawMessage `json:"title"`
		Description  json.RawMessage `json:"description"`
		InputSchema  json.RawMessage `json:"inputSchema"`
		OutputSchema json.RawMessage `json:"outputSchema"`
		Annotations  json.RawMessage `json:"annotations"`
		Meta         json.RawMessage `json:"_meta"`
	}
	_ = json.Unmarshal(raw, &t)
	def := &eventv1.ToolDefinition{
		Name:             stringOf(t.Name),
		Title:            stringOf(t.Title),
		Description:      stringOf(t.Description),
		InputSchemaJson:  compact(t.InputSchema),
		OutputSchemaJson: compact(t.OutputSchema),
		MetaJson:         compact(t.Meta),
	}
	if def.MetaJson == "null" {
		def.MetaJson = ""
	}
	if len(t.Annotations) > 0 {
		var a map[string]json.RawMessage
		if json.Unmarshal(t.Annotations, &a) == nil {
			def.Annotations = &eventv1.ToolAnnotations{
				ReadOnlyHint:    boolOf(a["readOnlyHint"]),
				DestructiveHint: boolOf(a["destructiveHint"]),
				IdempotentHint:  boolOf(a["idempotentHint"]),
				OpenWorldHint:   boolOf(a["openWorldHint"]),
				Title:           stringOf(a["title"]),
				ExtraJson:       extraAnnotations(a),
			}
			if def.Title == "" {
				def.Title = def.Annotations.Title // annotations.title, revision 2025-03-26
			}
		}
	}
	if h, err := DefinitionHash(raw); err == nil {
		def.DefinitionHash = h
	}
	return def
}

// standardAnnotations are the members of ToolAnnotations the MCP
// schema defines (revisions 2025-03-26 to 2026-07-28).
var standardAnnotations = map[string]bool{"readOnlyHint": true, "destructiveHint": true, "idempotentHint": true, "openWorldHint": true, "title": true}

// extraAnnotations returns the members of an annotations object that
// are not standard, as compact JSON with sorted keys; "" when none.
func extraAnnotations(a map[string]json.RawMessage) string {
	extra := map[string]json.RawMessage{}
	for k, v := range a {
		if !standardAnnotations[k] {
			extra[k] = v
		}
	}
	if len(extra) == 0 {
		return ""
	}
	b, err := json.Marshal(extra) // (map keys are sorted)
	if err != nil {
		return ""
	}
	return string(b)
}

// stringOf returns a JSON string's value, "" for anything else.
func stringOf(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// boolOf returns a pointer to a JSON boolean's value, nil for anything else.
func boolOf(raw json.RawMessage) *bool {
	var b bool
	if len(raw) == 0 || json.Unmarshal(raw, &b) != nil || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	return &b
}

// fillResourceResult adds the mime type of the first content item and the
// size of all contents (text bytes plus decoded blob bytes) to res.
func (o *Observer) fillResourceResult(ev *eventv1.Event, res *eventv1.Resource, result json.RawMessage) {
	var r struct {
		Contents []struct {
			MimeType string `json:"mimeType"`
			Text     string `json:"text"`
			Blob     string `json:"blob"`
		} `json:"contents"`
	}
	_ = json.Unmarshal(result, &r)
	var text []string
	for i, c := range r.Contents {
		if i == 0 {
			res.MimeType = c.MimeType
		}
		res.SizeBytes += int64(len(c.Text))
		if c.Text != "" {
			text = append(text, c.Text)
		}
		if c.Blob != "" {
			res.SizeBytes += int64(base64.RawStdEncoding.DecodedLen(len(strings.TrimRight(c.Blob, "="))))
		}
	}
	res.Text = o.capText(ev, "resource.text", text)
}

// capText joins the model-visible texts parts with newlines, capped at
// Config.MaxResultText bytes (TruncateText) and recording path in
// ev.truncated_fields when it was cut; "" when text capture is off
// (MaxResultText <= 0).
func (o *Observer) capText(ev *eventv1.Event, path string, parts []string) string {
	if o.cfg.MaxResultText <= 0 || len(parts) == 0 {
		return ""
	}
	var b strings.Builder
	for _, p := range parts {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p)
		if b.Len() >= o.cfg.MaxResultText {
			break
		}
	}
	out := TruncateText(b.String(), o.cfg.MaxResultText)
	if len(out) != b.Len() {
		MarkTruncated(ev, path, path)
	}
	return out
}

// promptText returns the description and message texts of a
// GetPromptResult.
func promptText(result json.RawMessage) []string {
	var r struct {
		Description string            `json:"description"`
		Messages    []json.RawMessage `json:"messages"`
	}
	_ = json.Unmarshal(result, &r)
	parts := messageTexts(r.Messages)
	if r.Description != "" {
		parts = append([]string{r.Description}, parts...)
	}
	return parts
}

// promptListText returns the model-visible text of a prompts/list result:
// every prompt's name, title and description and every argument's name,
// title and description, one line per prompt (as the model reads them when
// the client offers the prompts).
func promptListText(result json.RawMessage) []string {
	type named struct {
		Name        string `json:"name"`
		Title       string `json:"title"`
		Description string `json:"description"`
	}
	var r struct {
		Prompts []struct {
			named
			Arguments []named `json:"arguments"`
		} `json:"prompts"`
	}
	_ = json.Unmarshal(result, &r)
	var out []string
	for _, p := range r.Prompts {
		parts := []string{p.Name, p.Title, p.Description}
		for _, a := range p.Arguments {
			parts = append(parts, a.Name, a.Title, a.Description)
		}
		out = append(out, joinNonEmpty(parts, "\n"))
	}
	return out
}

// resourceListText returns the model-visible text of a resources/list or
// resources/templates/list result: every resource's or template's name,
// title and description (the URI is an address, not text for the model).
func resourceListText(result json.RawMessage) []string {
	type res struct {
		Name        string `json:"name"`
		Title       string `json:"title"`
		Description string `json:"description"`
	}
	var r struct {
		Resources         []res `json:"resources"`
		ResourceTemplates []res `json:"resourceTemplates"`
	}
	_ = json.Unmarshal(result, &r)
	var out []string
	for _, x := range append(r.Resources, r.ResourceTemplates...) {
		if x.Description == "" && x.Title == "" {
			continue // a bare name and URI: nothing written for the model
		}
		out = append(out, joinNonEmpty([]string{x.Name, x.Title, x.Description}, "\n"))
	}
	return out
}

func joinNonEmpty(parts []string, sep string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(p)
	}
	return b.String()
}

// messageTexts returns the text of PromptMessage / SamplingMessage values:
// a text content item, a list of content items (revision 2025-11-25), or
// an embedded text resource.
func messageTexts(msgs []json.RawMessage) []string {
	type item struct {
		Type     string `json:"type"`
		Text     string `json:"text"`
		Resource struct {
			Text string `json:"text"`
		} `json:"resource"`
	}
	var out []string
	add := func(it item) {
		switch {
		case it.Text != "":
			out = append(out, it.Text)
		case it.Resource.Text != "":
			out = append(out, it.Resource.Text)
		}
	}
	for _, m := range msgs {
		var msg struct {
			Content json.RawMessage `json:"content"`
		}
		if json.Unmarshal(m, &msg) != nil {
			continue
		}
		var one item
		if json.Unmarshal(msg.Content, &one) == nil {
			add(one)
			continue
		}
		var many []item
		if json.Unmarshal(msg.Content, &many) == nil {
			for _, it := range many {
				add(it)
			}
		}
	}
	return out
}

// rootURIs returns the uri of every Root of a ListRootsResult.
func rootURIs(result json.RawMessage) []string {
	var r struct {
		Roots []struct {
			URI string `json:"uri"`
		} `json:"roots"`
	}
	_ = json.Unmarshal(result, &r)
	var out []string
	for _, root := range r.Roots {
		if root.URI != "" && len(out) < 256 {
			out = append(out, root.URI)
		}
	}
	return out
}
