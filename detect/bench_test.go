package detect

import (
	"testing"
)

// BenchmarkEngineProcess measures Engine.Process over a realistic mixed
// stream (benign filesystem-server sessions with their real tools/list,
// credential-read-then-egress, bursts and traversal attempts) with the
// built-in pack. Run: go test ./detect -run '^$' -bench EngineProcess -benchmem
func BenchmarkEngineProcess(b *testing.B) {
	rules := builtin(b)
	stream := mixedStream(b, 1000)
	b.ReportAllocs()
	b.ResetTimer()
	e := NewEngine(rules, nil)
	n := 0
	for b.Loop() {
		e.Process(stream[n%len(stream)])
		n++
		if n%len(stream) == 0 {
			e = NewEngine(rules, nil)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}
