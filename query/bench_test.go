package query

import (
	"log/slog"
	"testing"
	"time"

	"github.com/mcpaudit/mcpaudit/internal/auth"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	queryv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/query/v1"
)

// BenchmarkListSessionEvents pages through one session of 100k events (plus
// 100k events of other sessions) with page_size 100 and 1000, from the start
// and from a cursor half way through. Run:
//
//	go test ./query/ -run '^$' -bench ListSessionEvents -benchtime 50x
func BenchmarkListSessionEvents(b *testing.B) {
	const n = 100_000
	conn := openDB(b)
	base := time.Now().UTC().Add(-12 * time.Hour).Truncate(time.Second)
	for _, session := range []string{"big", "noise"} {
		for start := 0; start < n; start += 10_000 {
			events := make([]*eventv1.Event, 0, 10_000)
			for i := start; i < start+10_000; i++ {
				e := testEvent(auth.DefaultTenant, session, i, base.Add(time.Duration(i)*100*time.Millisecond))
				e.Method, e.Kind = "tools/call", eventv1.MessageKind_MESSAGE_KIND_REQUEST
				e.ToolCall = &eventv1.ToolCall{Name: "read_file", ArgumentsJson: `{"path":"/home/alice/project/src/main.go"}`}
				events = append(events, e)
			}
			insertEvents(b, conn, false, events...)
		}
	}
	authn, err := auth.New(auth.Config{})
	if err != nil {
		b.Fatal(err)
	}
	svc, err := New(DefaultConfig(), conn, authn, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		b.Fatal(err)
	}
	mid := cursor{T: uint64(base.Add(n / 2 * 100 * time.Millisecond).UnixNano()), ID: eventID(auth.DefaultTenant, "big", n/2)}
	for _, bc := range []struct {
		name  string
		size  int32
		token string
	}{
		{"first_page/size=100", 100, ""},
		{"mid_page/size=100", 100, "mid"},
		{"first_page/size=1000", 1000, ""},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := &queryv1.ListSessionEventsRequest{SessionId: "big", PageSize: bc.size}
			if bc.token != "" {
				c := mid
				c.Q = filterHash("ListSessionEvents", req.SessionId, tsKey(nil), tsKey(nil), "")
				req.PageToken = c.encode()
			}
			for b.Loop() {
				resp, err := svc.ListSessionEvents(b.Context(), req)
				if err != nil {
					b.Fatal(err)
				}
				if len(resp.Events) != int(bc.size) {
					b.Fatalf("%d events", len(resp.Events))
				}
			}
		})
	}
}
