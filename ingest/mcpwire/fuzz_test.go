package mcpwire

import (
	"bytes"
	"os"
	"testing"
	"time"
)

func FuzzObserve(f *testing.F) {
	data, err := os.ReadFile("testdata/session.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		if len(line) > 2 {
			f.Add(line[2:], line[0] == '<')
		}
	}
	f.Add([]byte(`[{"jsonrpc":"2.0","id":1e999,"result":{"tools":[{"name":1,"annotations":{"readOnlyHint":"yes"}}]}}]`), true)
	f.Add([]byte(`{"jsonrpc":"2.0","id":1,"error":{"code":1e300,"message":{"x":1}}}`), true)
	cfg := DefaultConfig()
	cfg.CaptureRaw = true
	cfg.MaxPending = 4
	o := NewObserver(cfg) // shared across inputs so that pairing state is fuzzed too
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
			if ev.GetSizeBytes() > int64(len(frame)) || ev.GetDirection() != dir {
				t.Fatalf("bad event %v for %q", ev, frame)
			}
		}
		_, _ = DefinitionHash(frame)
	})
}
