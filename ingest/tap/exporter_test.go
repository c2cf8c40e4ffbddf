package tap

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

func TestTakeBatchBoundsBytes(t *testing.T) {
	ev := func(n int) *eventv1.Event {
		return &eventv1.Event{Method: "tools/call", ToolCall: &eventv1.ToolCall{ArgumentsJson: strings.Repeat("x", n)}}
	}
	one := proto.Size(ev(1000))
	tests := []struct {
		name     string
		buf      []*eventv1.Event
		batch    int
		maxBytes int
		want     int
	}{
		{"count bound", []*eventv1.Event{ev(10), ev(10), ev(10)}, 2, 1 << 20, 2},
		{"byte bound", []*eventv1.Event{ev(1000), ev(1000), ev(1000)}, 10, 2*one + 1, 2},
		{"oversized event goes alone", []*eventv1.Event{ev(5000), ev(10)}, 10, one, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &exporter{cfg: Config{BatchSize: tt.batch, MaxBatchBytes: tt.maxBytes}, buf: tt.buf}
			if got := len(e.takeBatch()); got != tt.want {
				t.Fatalf("batch of %d events, want %d", got, tt.want)
			}
		})
	}
}
