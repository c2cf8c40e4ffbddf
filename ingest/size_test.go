package ingest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/twmb/franz-go/pkg/kfake"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/mcpaudit/mcpaudit/ingest/mcpwire"
	"github.com/mcpaudit/mcpaudit/internal/kafka"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	ingestv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/ingest/v1"
)

const kib = 1 << 10

// startLimitedBroker starts a kfake broker whose message.max.bytes is limit
// (the events topic has 3 partitions) and returns its addresses.
func startLimitedBroker(t *testing.T, limit int) []string {
	t.Helper()
	c, err := kfake.NewCluster(
		kfake.NumBrokers(1),
		kfake.SeedTopics(3, kafka.TopicEvents),
		kfake.BrokerConfigs(map[string]string{"message.max.bytes": fmt.Sprint(limit)}),
	)
	if err != nil {
		t.Fatalf("kfake: %v", err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

// bigRequest is large enough for gRPC's default 4 MiB message limit to need
// raising on the client.
var bigRequest = grpc.MaxCallSendMsgSize(16 << 20)

// fileRead returns a tools/call response carrying a file of n bytes of text.
func fileRead(sid string, i, n int) *eventv1.Event {
	ev := nowEvent(sid)
	ev.Direction, ev.Kind = eventv1.Direction_DIRECTION_SERVER_TO_CLIENT, eventv1.MessageKind_MESSAGE_KIND_RESPONSE
	ev.JsonrpcId = fmt.Sprint(i)
	ev.ToolCall.Result = &eventv1.ToolResult{ContentTypes: []string{"text"}, SizeBytes: int64(n), Text: strings.Repeat("root:x:0:0:root:/root:/bin/bash\n", n/32+1)[:n]}
	return ev
}

// issueSession is issue 5's session: 21 events, seven of them ~200 KB file
// reads.
func issueSession(sid string) []*eventv1.Event {
	var evs []*eventv1.Event
	for i := range 21 {
		if i%3 == 2 {
			evs = append(evs, fileRead(sid, i, 200_000))
		} else {
			evs = append(evs, passwdCall(sid, i))
		}
	}
	return evs
}

// checkStored reads n events back and checks that each is within limit
// bytes as a Kafka message and that the ids are those of the response.
func checkStored(t *testing.T, brokers []string, resp *ingestv1.ExportResponse, limit int) map[string]*eventv1.Event {
	t.Helper()
	out := map[string]*eventv1.Event{}
	for _, m := range readEvents(t, brokers, len(resp.GetEventIds())) {
		if size := kafka.MessageSize(m); size > limit {
			t.Errorf("message of %d bytes stored, limit %d", size, limit)
		}
		ev := decode(t, m)
		out[ev.GetEventId()] = ev
	}
	for _, id := range resp.GetEventIds() {
		if out[id] == nil {
			t.Errorf("event %s acknowledged but not on the topic", id)
		}
	}
	return out
}

// TestExportIssueSevenLargeEvents is issue 5's fifth reproduction: seven
// ~200 KB events of one session, each within every limit, went to one
// partition in one batch larger than the broker's message.max.bytes; the
// collector answered "event too large for the Kafka broker" blaming
// events[0] and the tap lost 9 of 21 events. All 21 must be stored.
func TestExportIssueSevenLargeEvents(t *testing.T) {
	t.Run("writer as the app builds it", func(t *testing.T) {
		b := startBroker(t)
		st := startStack(t, DefaultConfig(), newWriter(t, b.Brokers(), 0), newAuthenticator(t, false))
		resp, err := st.client.Export(t.Context(), &ingestv1.ExportRequest{Events: issueSession("issue-5")})
		if err != nil || resp.GetAcceptedCount() != 21 {
			t.Fatalf("Export = %v, %v", resp, err)
		}
		stored := checkStored(t, b.Brokers(), resp, kafka.DefaultBatchBytes)
		for id, ev := range stored {
			if len(ev.GetTruncatedFields()) > 0 {
				t.Errorf("event %s truncated (%v), though it fits", id, ev.GetTruncatedFields())
			}
		}
	})
	// The writer the issue ran with batched up to 16 MiB per partition, far
	// above the broker's 1,048,588 bytes: the broker refuses the batch, and
	// the collector retries the refused messages one by one.
	t.Run("writer batching above the broker's limit", func(t *testing.T) {
		b := startBroker(t)
		wc := kafka.DefaultWriterConfig(b.Brokers())
		wc.BatchBytes = 16 << 20
		w := kafka.NewWriter(wc, kafka.TopicEvents)
		t.Cleanup(func() { _ = w.Close() })
		st := startStack(t, DefaultConfig(), w, newAuthenticator(t, false))
		resp, err := st.client.Export(t.Context(), &ingestv1.ExportRequest{Events: issueSession("issue-5")})
		if err != nil || resp.GetAcceptedCount() != 21 || slices.Contains(resp.GetEventIds(), "") {
			t.Fatalf("Export = %v, %v", resp, err)
		}
		checkStored(t, b.Brokers(), resp, kafka.DefaultMaxMessageBytes)
		if got := testutil.ToFloat64(st.svc.m.tooLarge); got == 0 {
			t.Error("the broker's refusal was not counted")
		}
	})
}

// TestExportBrokerMessageLimit wires the collector as the app will: the
// limit read from the broker (message.max.bytes 300,000), the writer's
// BatchBytes below it and the same figure as ingest.max_message_bytes. The
// issue's session is stored whole; an event larger than a message is
// stored shortened to fit, not refused, and the broker never refuses.
func TestExportBrokerMessageLimit(t *testing.T) {
	const limit = 300_000
	brokers := startLimitedBroker(t, limit)
	got := kafka.MaxMessageBytes(t.Context(), brokers, kafka.ClientAuth{}, kafka.TopicEvents, nil)
	if got != limit {
		t.Fatalf("kafka.MaxMessageBytes = %d, want %d", got, limit)
	}
	wc := kafka.DefaultWriterConfig(brokers)
	wc.BatchBytes = kafka.BatchBytesFor(got, wc.BatchSize)
	w := kafka.NewWriter(wc, kafka.TopicEvents)
	t.Cleanup(func() { _ = w.Close() })
	cfg := DefaultConfig()
	cfg.MaxMessageBytes = wc.BatchBytes
	cfg.CaptureRaw = true
	st := startStack(t, cfg, w, newAuthenticator(t, false))

	events := issueSession("limited")
	huge := fileRead("limited", 99, 250*kib)
	huge.Raw = make([]byte, 600*kib)
	huge.ToolCall.ArgumentsJson = `{"path":"/var/log/syslog"}`
	events = append(events, huge)
	resp, err := st.client.Export(t.Context(), &ingestv1.ExportRequest{Events: events}, bigRequest)
	if err != nil || resp.GetAcceptedCount() != 22 || resp.GetPartialSuccess() != nil {
		t.Fatalf("Export = %v, %v", resp, err)
	}
	stored := checkStored(t, brokers, resp, wc.BatchBytes)
	h := stored[resp.GetEventIds()[21]]
	if !slices.Equal(h.GetTruncatedFields(), []string{"raw"}) || len(h.GetRaw()) >= 600*kib || len(h.GetRaw()) < kib ||
		len(h.GetToolCall().GetResult().GetText()) != 250*kib || h.GetToolCall().GetArgumentsJson() != `{"path":"/var/log/syslog"}` {
		t.Errorf("huge event stored with truncated_fields %v, raw %d bytes, text %d bytes", h.GetTruncatedFields(), len(h.GetRaw()), len(h.GetToolCall().GetResult().GetText()))
	}
	if got := testutil.ToFloat64(st.svc.m.tooLarge); got != 0 {
		t.Errorf("%v messages refused as too large; the limit should have prevented it", got)
	}
	if got := testutil.ToFloat64(st.svc.m.events.WithLabelValues(resultAccepted, reasonTruncated)); got != 1 {
		t.Errorf("truncated events = %v, want 1", got)
	}
	if got := testutil.ToFloat64(st.svc.m.truncated.WithLabelValues("raw")); got != 1 {
		t.Errorf("truncated raw fields = %v, want 1", got)
	}
}

// TestExportKafkaRefusesTooLarge covers a collector configured above what
// the broker takes: the refused message is shortened harder and written
// again; when even that is refused the call fails with UNAVAILABLE and retry
// advice, never INVALID_ARGUMENT, and blames no event.
func TestExportKafkaRefusesTooLarge(t *testing.T) {
	t.Run("retry shortened succeeds", func(t *testing.T) {
		brokers := startLimitedBroker(t, 400_000)
		cfg := DefaultConfig()
		cfg.CaptureRaw = true
		st := startStack(t, cfg, newWriter(t, brokers, 0), newAuthenticator(t, false))
		ev := passwdCall("refused", 1)
		ev.Raw = make([]byte, 900*kib)
		resp, err := st.client.Export(t.Context(), &ingestv1.ExportRequest{Events: []*eventv1.Event{ev, passwdCall("refused", 2)}})
		if err != nil || resp.GetAcceptedCount() != 2 {
			t.Fatalf("Export = %v, %v", resp, err)
		}
		stored := checkStored(t, brokers, resp, 400_000)
		if got := stored[resp.GetEventIds()[0]]; !slices.Equal(got.GetTruncatedFields(), []string{"raw"}) || len(got.GetRaw()) > 300*kib {
			t.Errorf("stored raw %d bytes, truncated_fields %v", len(got.GetRaw()), got.GetTruncatedFields())
		}
		if got := testutil.ToFloat64(st.svc.m.tooLarge); got < 1 {
			t.Errorf("too-large refusals = %v", got)
		}
	})
	t.Run("still refused", func(t *testing.T) {
		brokers := startLimitedBroker(t, 20_000)
		st := startStack(t, DefaultConfig(), newWriter(t, brokers, 0), newAuthenticator(t, false))
		_, err := st.client.Export(t.Context(), &ingestv1.ExportRequest{Events: []*eventv1.Event{fileRead("refused", 1, 300*kib)}})
		s := status.Convert(err)
		if s.Code() != codes.Unavailable || !hasRetryInfo(s) || strings.Contains(s.Message(), "events[") {
			t.Fatalf("Export = %v, want UNAVAILABLE with RetryInfo", err)
		}
		if got := testutil.ToFloat64(st.svc.m.events.WithLabelValues(resultRejected, reasonUnavailable)); got != 1 {
			t.Errorf("unavailable events = %v", got)
		}
	})
}

// TestExportTruncatesOversizedFields sends fields over every configured cap
// and events over max_event_bytes: all are stored, shortened with the
// marker, and listed in truncated_fields. The collector used to refuse them
// (`events[0].tool_call.arguments_json: ... at most 262144 allowed`).
func TestExportTruncatesOversizedFields(t *testing.T) {
	b := startBroker(t)
	cfg := DefaultConfig()
	cfg.CaptureRaw = true
	st := startStack(t, cfg, newWriter(t, b.Brokers(), 0), newAuthenticator(t, false))

	args := `{"content":"` + strings.Repeat("é", 150*kib) + `"}` // 300 KiB
	call := passwdCall("big", 1)
	call.ToolCall.ArgumentsJson = args
	result := fileRead("big", 1, 300*kib)
	result.ToolCall.Result.StructuredContentJson = `{"lines":"` + strings.Repeat("x", 300*kib) + `"}`
	rawEvent := passwdCall("big", 2)
	rawEvent.Raw = []byte(strings.Repeat("r", 1200*kib)) // over max_event_bytes
	invalid := nowEvent("big")
	invalid.Kind, invalid.Method, invalid.ToolCall = eventv1.MessageKind_MESSAGE_KIND_INVALID, "", nil
	invalid.InvalidFrame = &eventv1.InvalidFrame{Code: -32700, Reason: "not JSON", Prefix: make([]byte, 1100*kib), Oversize: true}
	list := fileRead("big", 3, 0)
	list.ToolCall, list.Method = nil, "tools/list"
	list.ToolList = &eventv1.ToolList{}
	for i := range 3 {
		list.ToolList.Tools = append(list.ToolList.Tools, &eventv1.ToolDefinition{
			Name: fmt.Sprint("tool", i), Description: strings.Repeat("d", 100*kib),
			InputSchemaJson: `{"type":"object","description":"` + strings.Repeat("s", 300*kib) + `"}`,
		})
	}
	// Two calls, each within gRPC's default 4 MiB receive limit.
	resp := &ingestv1.ExportResponse{}
	for _, events := range [][]*eventv1.Event{{call, result}, {rawEvent, invalid, list}} {
		r, err := st.client.Export(t.Context(), &ingestv1.ExportRequest{Events: events}, bigRequest)
		if err != nil || r.GetAcceptedCount() != int64(len(events)) || r.GetPartialSuccess() != nil {
			t.Fatalf("Export = %v, %v", r, err)
		}
		resp.EventIds = append(resp.EventIds, r.GetEventIds()...)
	}
	stored := checkStored(t, b.Brokers(), resp, kafka.DefaultBatchBytes)
	get := func(i int) *eventv1.Event { return stored[resp.GetEventIds()[i]] }

	if m := marker(t, "arguments_json", get(0).GetToolCall().GetArgumentsJson(), len(args)); !strings.HasPrefix(args, m.Prefix) || len(get(0).GetToolCall().GetArgumentsJson()) > cfg.MaxArgumentsBytes {
		t.Errorf("arguments marker of %d bytes", len(get(0).GetToolCall().GetArgumentsJson()))
	}
	res := get(1).GetToolCall().GetResult()
	if len(res.GetText()) != cfg.MaxResultTextBytes || !utf8.ValidString(res.GetText()) {
		t.Errorf("result text %d bytes", len(res.GetText()))
	}
	marker(t, "structured_content_json", res.GetStructuredContentJson(), 300*kib+len(`{"lines":""}`))
	if r := get(2).GetRaw(); len(r) >= 1200*kib || len(r) < 512*kib {
		t.Errorf("raw %d bytes", len(r))
	}
	if p := get(3).GetInvalidFrame().GetPrefix(); len(p) >= 1100*kib || get(3).GetInvalidFrame().GetReason() != "not JSON" {
		t.Errorf("invalid frame prefix %d bytes", len(p))
	}
	for i, tool := range get(4).GetToolList().GetTools() {
		marker(t, fmt.Sprintf("tools[%d].input_schema_json", i), tool.GetInputSchemaJson(), 300*kib+len(`{"type":"object","description":""}`))
		if len(tool.GetDescription()) != 100*kib {
			t.Errorf("tool %d description %d bytes; it fits and should be whole", i, len(tool.GetDescription()))
		}
	}
	wantFields := [][]string{
		{"tool_call.arguments_json"},
		{"tool_call.result.text", "tool_call.result.structured_content_json"},
		{"raw"},
		{"invalid_frame.prefix"},
		{"tool_list.tools[0].input_schema_json", "tool_list.tools[1].input_schema_json", "tool_list.tools[2].input_schema_json"},
	}
	for i, want := range wantFields {
		if got := get(i).GetTruncatedFields(); !slices.Equal(got, want) {
			t.Errorf("events[%d].truncated_fields = %q, want %q", i, got, want)
		}
		if n := proto.Size(get(i)); n > cfg.MaxEventBytes {
			t.Errorf("events[%d] stored with %d bytes, max_event_bytes %d", i, n, cfg.MaxEventBytes)
		}
	}
	if got := testutil.ToFloat64(st.svc.m.events.WithLabelValues(resultAccepted, reasonTruncated)); got != 5 {
		t.Errorf("truncated events = %v, want 5", got)
	}
}

// TestExportRedactsInvalidFramesAndMarkers checks redaction of the new
// fields: an invalid frame's prefix (kept whatever the raw-capture policy)
// is redacted like raw, and a JSON field the tap already replaced by the
// truncation marker is redacted inside the marker's prefix, where the
// secret sits JSON-escaped.
func TestExportRedactsInvalidFramesAndMarkers(t *testing.T) {
	b := startBroker(t)
	st := startStack(t, DefaultConfig(), newWriter(t, b.Brokers(), 0), newAuthenticator(t, false))
	invalid := nowEvent("redact")
	invalid.Kind, invalid.Method, invalid.ToolCall = eventv1.MessageKind_MESSAGE_KIND_INVALID, "", nil
	invalid.InvalidFrame = &eventv1.InvalidFrame{Code: -32700, Reason: "not JSON", Prefix: []byte(`garbage token=` + fakeSlack + ` {"password":"hunter2"`)}
	capped := passwdCall("redact", 1)
	capped.ToolCall.ArgumentsJson = mcpwire.TruncateJSON(`{"password":"hunter2","aws":"`+fakeAWS+`","data":"`+strings.Repeat("x", 5000)+`"}`, 1000)
	capped.TruncatedFields = []string{"tool_call.arguments_json"}
	resp, err := st.client.Export(t.Context(), &ingestv1.ExportRequest{Events: []*eventv1.Event{invalid, capped}})
	if err != nil {
		t.Fatal(err)
	}
	stored := checkStored(t, b.Brokers(), resp, kafka.DefaultBatchBytes)
	if got, want := plainMarkers(string(stored[resp.GetEventIds()[0]].GetInvalidFrame().GetPrefix())), `garbage token=[REDACTED:slack_token] {"password":"[REDACTED:json_secret]"`; got != want {
		t.Errorf("invalid frame prefix = %s, want %s", got, want)
	}
	m := marker(t, "arguments_json", stored[resp.GetEventIds()[1]].GetToolCall().GetArgumentsJson(), 5000+len(`{"password":"hunter2","aws":"`+fakeAWS+`","data":""}`))
	if strings.Contains(m.Prefix, "hunter2") || strings.Contains(m.Prefix, fakeAWS) || !strings.HasPrefix(plainMarkers(m.Prefix), `{"password":"[REDACTED:json_secret]","aws":"[REDACTED:aws_access_key]"`) {
		t.Errorf("marker prefix not redacted: %s", m.Prefix)
	}
}
