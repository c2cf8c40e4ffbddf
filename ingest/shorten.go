package ingest

import (
	"fmt"
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/mcpaudit/mcpaudit/ingest/mcpwire"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// shortener shortens the fields of one event and records each in
// Event.truncated_fields and in the truncated-fields metric.
type shortener struct {
	ev      *eventv1.Event
	m       *metrics
	changed bool // the collector shortened something
}

// mark records that the field at path (without indexes: field) was
// shortened, in Event.truncated_fields and the truncated-fields metric.
func (s *shortener) mark(path, field string) {
	mcpwire.MarkTruncated(s.ev, path, field)
	s.cut(field)
}

// cut counts a shortened field in the metric.
func (s *shortener) cut(field string) {
	s.changed = true
	s.m.truncated.WithLabelValues(field).Inc()
}

// fit shortens the event until its encoded size is at most budget bytes
// (mcpwire.Shrink: raw first, arguments last, every shortened field listed
// in truncated_fields) and reports whether it fits, with the final encoded
// size.
func (s *shortener) fit(budget int) (int, bool) {
	ok := mcpwire.Shrink(s.ev, budget, s.cut)
	return proto.Size(s.ev), ok
}

// capFields applies the configured per-field caps: JSON fields become the
// truncation marker (mcpwire.TruncateJSON), text is cut at a UTF-8 boundary,
// labels beyond the caps are shortened or dropped. Nothing is refused.
func (s *shortener) capFields(cfg Config) {
	ev := s.ev
	capText := func(p *string, limit int, path string) {
		if len(*p) > limit {
			*p = mcpwire.TruncateText(*p, limit)
			s.mark(path, path)
		}
	}
	capJSON := func(p *string, limit int, path, norm string) {
		if len(*p) > limit {
			*p = mcpwire.TruncateJSON(*p, limit)
			s.mark(path, norm)
		}
	}
	if sess := ev.GetSession(); sess != nil {
		capText(&sess.Id, MaxSessionIDBytes, "session.id")
	}
	capText(&ev.Method, MaxMethodBytes, "method")
	if tc := ev.GetToolCall(); tc != nil {
		capJSON(&tc.ArgumentsJson, cfg.MaxArgumentsBytes, "tool_call.arguments_json", "tool_call.arguments_json")
		if res := tc.GetResult(); res != nil {
			capText(&res.Text, cfg.MaxResultTextBytes, "tool_call.result.text")
			capJSON(&res.StructuredContentJson, cfg.MaxResultTextBytes, "tool_call.result.structured_content_json", "tool_call.result.structured_content_json")
		}
	}
	for i, t := range ev.GetToolList().GetTools() {
		if t == nil {
			continue
		}
		if len(t.InputSchemaJson) > cfg.MaxArgumentsBytes {
			capJSON(&t.InputSchemaJson, cfg.MaxArgumentsBytes, fmt.Sprintf("tool_list.tools[%d].input_schema_json", i), "tool_list.tools.input_schema_json")
		}
		if len(t.OutputSchemaJson) > cfg.MaxArgumentsBytes {
			capJSON(&t.OutputSchemaJson, cfg.MaxArgumentsBytes, fmt.Sprintf("tool_list.tools[%d].output_schema_json", i), "tool_list.tools.output_schema_json")
		}
	}
	if el := ev.GetElicitation(); el != nil {
		capJSON(&el.RequestedSchemaJson, cfg.MaxArgumentsBytes, "elicitation.requested_schema_json", "elicitation.requested_schema_json")
	}
	s.capLabels(cfg)
	s.capTruncatedFields()
}

// capLabels keeps at most Config.MaxLabels labels (the first in key order),
// cuts keys and values to their caps and records `labels` (or
// `labels["key"]` for a value) as truncated.
func (s *shortener) capLabels(cfg Config) {
	labels := s.ev.GetLabels()
	over := len(labels) > cfg.MaxLabels
	if !over {
		for k, v := range labels {
			if len(k) > cfg.MaxLabelKeyBytes || len(v) > cfg.MaxLabelValueBytes {
				over = true
				break
			}
		}
	}
	if !over {
		return
	}
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make(map[string]string, min(len(keys), cfg.MaxLabels))
	dropped := false
	for _, k := range keys {
		v := labels[k]
		nk := mcpwire.TruncateText(k, cfg.MaxLabelKeyBytes)
		if _, dup := out[nk]; dup || len(out) == cfg.MaxLabels {
			dropped = true
			continue
		}
		if nk != k {
			dropped = true
		}
		if len(v) > cfg.MaxLabelValueBytes {
			v = mcpwire.TruncateText(v, cfg.MaxLabelValueBytes)
			if nk == k {
				s.mark(fmt.Sprintf("labels[%q]", k), "labels")
			}
		}
		out[nk] = v
	}
	s.ev.Labels = out
	if dropped {
		s.mark("labels", "labels")
	}
}

// capTruncatedFields bounds the list an emitter sent: paths are cut to
// mcpwire.MaxTruncatedFieldBytes, duplicates dropped, and past mcpwire.MaxTruncatedFields-1
// entries the rest is replaced by `truncated_fields`.
func (s *shortener) capTruncatedFields() {
	tf := s.ev.GetTruncatedFields()
	if len(tf) == 0 {
		return
	}
	ok := len(tf) < mcpwire.MaxTruncatedFields
	for _, p := range tf {
		ok = ok && len(p) <= mcpwire.MaxTruncatedFieldBytes
	}
	if ok {
		return
	}
	out := make([]string, 0, mcpwire.MaxTruncatedFields)
	for _, p := range tf {
		p = mcpwire.TruncateText(p, mcpwire.MaxTruncatedFieldBytes)
		if slices.Contains(out, p) {
			continue
		}
		if len(out) == mcpwire.MaxTruncatedFields-1 {
			out = append(out, "truncated_fields")
			break
		}
		out = append(out, p)
	}
	s.ev.TruncatedFields = out
	s.changed = true
	s.m.truncated.WithLabelValues("truncated_fields").Inc()
}
