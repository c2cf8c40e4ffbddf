package ingest

import (
	"fmt"
	"testing"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	ingestv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/ingest/v1"
)

// BenchmarkExport sends batches of 100 tools/call events through gRPC into
// the embedded broker (acks=all) and reports events/s. "serial" is one
// caller waiting for each acknowledgement; "parallel" is GOMAXPROCS*4
// concurrent callers, as a fleet of taps would be.
//
//	go test ./ingest/ -run '^$' -bench BenchmarkExport -benchtime 3s
func BenchmarkExport(b *testing.B) {
	const batchSize = 100
	br := startBroker(b)
	cfg := DefaultConfig()
	st := startStack(b, cfg, newWriter(b, br.Brokers(), 0), newAuthenticator(b, false))
	batch := func(session string) *ingestv1.ExportRequest {
		req := &ingestv1.ExportRequest{Events: make([]*eventv1.Event, batchSize)}
		for i := range req.Events {
			ev := nowEvent(fmt.Sprintf("%s-%d", session, i%10))
			ev.ToolCall.ArgumentsJson = `{"path":"/home/user/project/src/main.go","mode":"read","options":{"follow_symlinks":false,"max_bytes":65536}}`
			req.Events[i] = ev
		}
		return req
	}

	b.Run("serial", func(b *testing.B) {
		req := batch("serial")
		b.ResetTimer()
		for b.Loop() {
			if _, err := st.client.Export(b.Context(), req); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*batchSize)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("parallel", func(b *testing.B) {
		b.SetParallelism(4)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			req := batch("parallel")
			for pb.Next() {
				if _, err := st.client.Export(b.Context(), req); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N*batchSize)/b.Elapsed().Seconds(), "events/s")
	})
}
