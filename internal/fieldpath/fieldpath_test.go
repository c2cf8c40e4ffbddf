package fieldpath

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	ingestv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/ingest/v1"
)

func TestPaths(t *testing.T) {
	long := strings.Repeat("é", 40) // 80 bytes
	tests := []struct{ got, want string }{
		{Join("", "events"), "events"},
		{Join(Index("events", 3), "session"), "events[3].session"},
		{Key("labels", `a"b`), `labels["a\"b"]`},
		{Key("labels", long), `labels["` + strings.Repeat("é", 32) + `..."]`},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %s, want %s", tt.got, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"session.id":                     "session.id",
		"tool_list.tools[2].description": "tool_list.tools.description",
		`labels["a]b\"c"]`:               "labels",
		`prompt.arguments["x.y"]`:        "prompt.arguments",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%s) = %s, want %s", in, got, want)
		}
	}
}

// withUnknown returns m with an unknown field number 99 (varint) appended.
func withUnknown(m proto.Message) proto.Message {
	b := protowire.AppendTag(nil, 99, protowire.VarintType)
	b = protowire.AppendVarint(b, 1)
	m.ProtoReflect().SetUnknown(protoreflect.RawFields(b))
	return m
}

func TestCheckKnown(t *testing.T) {
	event := func() *eventv1.Event {
		return &eventv1.Event{Session: &eventv1.Session{Id: "s"}, Labels: map[string]string{"a": "b"}}
	}
	tests := []struct {
		name         string
		msg          proto.Message
		skipElements bool
		wantPath     string // "" for no problem
		wantIn       string
	}{
		{name: "clean", msg: &ingestv1.ExportRequest{Events: []*eventv1.Event{event()}}},
		{name: "unknown field on the request", msg: withUnknown(&ingestv1.ExportRequest{}), wantPath: "99", wantIn: "unknown field number 99"},
		{name: "unknown field in an event", msg: &ingestv1.ExportRequest{Events: []*eventv1.Event{event(), withUnknown(event()).(*eventv1.Event)}}, wantPath: "events[1].99"},
		{name: "unknown field in an event, elements skipped", msg: &ingestv1.ExportRequest{Events: []*eventv1.Event{withUnknown(event()).(*eventv1.Event)}}, skipElements: true},
		{name: "unknown field in a nested message", msg: &eventv1.Event{Session: withUnknown(&eventv1.Session{}).(*eventv1.Session)}, wantPath: "session.99"},
		{name: "nested message checked even when elements are skipped", msg: &eventv1.Event{Session: withUnknown(&eventv1.Session{}).(*eventv1.Session)}, skipElements: true, wantPath: "session.99"},
		{name: "enum number outside the schema", msg: &eventv1.Event{Kind: eventv1.MessageKind(42)}, wantPath: "kind", wantIn: "want one of MESSAGE_KIND_UNSPECIFIED"},
		{name: "enum in an element", msg: &ingestv1.ExportRequest{Events: []*eventv1.Event{{Direction: 9}}}, wantPath: "events[0].direction"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := CheckKnown("", tt.msg.ProtoReflect(), tt.skipElements)
			// HasUnknown is the allocation-free test of a full check.
			if has, full := HasUnknown(tt.msg.ProtoReflect()), CheckKnown("", tt.msg.ProtoReflect(), false); has != (full != nil) {
				t.Errorf("HasUnknown = %v, full check %v", has, full)
			}
			switch {
			case tt.wantPath == "" && p != nil:
				t.Fatalf("CheckKnown = %v, want none", p)
			case tt.wantPath == "":
			case p == nil:
				t.Fatalf("CheckKnown found nothing, want %s", tt.wantPath)
			case p.Path != tt.wantPath || !strings.Contains(p.Desc, tt.wantIn):
				t.Fatalf("CheckKnown = %v, want %s (%q)", p, tt.wantPath, tt.wantIn)
			}
		})
	}
}
