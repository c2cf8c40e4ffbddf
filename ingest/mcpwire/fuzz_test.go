package mcpwire

import (
	"bytes"
	"os"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// FuzzObserve feeds arbitrary frames, in either direction, to one Observer
// (shared across inputs so that the pairing state is fuzzed too). Property:
// Observe never panics and never returns an empty result; every event has a
// kind (never UNSPECIFIED) and the frame's direction, every string field is
// valid UTF-8 so the event proto-marshals, size_bytes is at most the frame's
// length, an INVALID event carries invalid_frame and no error, and Shrink
// brings every event under 4 KiB and keeps it encodable. Seeds:
// testdata/session.jsonl and testdata/invalid.jsonl ("> " client→server,
// "< " server→client), plus testdata/fuzz/FuzzObserve.
func FuzzObserve(f *testing.F) {
	const shrinkTo = 4 << 10
	for _, name := range []string{"testdata/session.jsonl", "testdata/invalid.jsonl"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			if len(line) > 2 {
				f.Add(line[2:], line[0] == '<')
			}
		}
	}
	f.Add([]byte(`[{"jsonrpc":"2.0","id":1e999,"result":{"tools":[{"name":1,"annotations":{"readOnlyHint":"yes"}}]}}]`), true)
	f.Add([]byte(`{"jsonrpc":"2.0","id":1,"error":{"code":1e300,"message":{"x":1}}}`), true)
	cfg := DefaultConfig()
	cfg.CaptureRaw = true
	cfg.MaxPending = 4
	cfg.MaxInvalidPrefix = 16
	o := NewObserver(cfg)
	f.Fuzz(func(t *testing.T, frame []byte, fromServer bool) {
		dir := c2s
		if fromServer {
			dir = s2c
		}
		evs := o.Observe(dir, frame, time.Now())
		if len(evs) == 0 {
			t.Fatalf("Observe(%q) returned no event", frame)
		}
		for _, ev := range evs {
			if ev.GetKind() == eventv1.MessageKind_MESSAGE_KIND_UNSPECIFIED || ev.GetDirection() != dir {
				t.Fatalf("event without kind or with the wrong direction for %q: %v", frame, ev)
			}
			if ev.GetSizeBytes() > int64(len(frame)) || ev.GetSizeBytes() < 0 {
				t.Fatalf("size_bytes %d for a frame of %d bytes", ev.GetSizeBytes(), len(frame))
			}
			if ev.GetKind() == eventv1.MessageKind_MESSAGE_KIND_INVALID && (ev.GetInvalidFrame() == nil || ev.GetError() != nil) {
				t.Fatalf("INVALID event with invalid_frame %v, error %v", ev.GetInvalidFrame(), ev.GetError())
			}
			if _, err := proto.Marshal(ev); err != nil {
				t.Fatalf("event for %q does not marshal: %v", frame, err)
			}
			if SanitizeUTF8(proto.CloneOf(ev)) {
				t.Fatalf("event for %q holds invalid UTF-8: %v", frame, ev)
			}
			if small := proto.CloneOf(ev); !Shrink(small, shrinkTo, nil) || proto.Size(small) > shrinkTo {
				t.Fatalf("Shrink left %d bytes, limit %d", proto.Size(small), shrinkTo)
			} else if _, err := proto.Marshal(small); err != nil {
				t.Fatalf("shrunk event does not marshal: %v", err)
			}
		}
		_, _ = DefinitionHash(frame)
	})
}
