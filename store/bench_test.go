package store

import (
	"context"
	"fmt"
	"testing"

	kafkago "github.com/segmentio/kafka-go"
)

// BenchmarkInsertEvents measures the writer's insert path against the test
// ClickHouse server: decode protobuf Kafka messages, convert them to rows and
// insert them into events (plus tool_definitions for the tools/list events)
// in batches of 1000 and 10000 (Config.MaxBatch). It reports rows/s.
//
//	go test ./store -run '^$' -bench InsertEvents -benchtime 20x
func BenchmarkInsertEvents(b *testing.B) {
	conn := openTest(b)
	s, err := New(DefaultConfig(), conn, nopFetcher{}, nopFetcher{}, nopWriter{}, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, batch := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			msgs := make([]kafkago.Message, batch)
			bytes := 0
			for i := range msgs {
				msgs[i] = eventMessage(b, testEvent(i+1, "acme", fmt.Sprintf("s%d", i%50)))
				bytes += len(msgs[i].Value)
			}
			b.SetBytes(int64(bytes))
			for b.Loop() {
				if err := s.handleEvents(b.Context(), msgs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

type nopFetcher struct{}

func (nopFetcher) FetchMessage(ctx context.Context) (kafkago.Message, error) {
	<-ctx.Done()
	return kafkago.Message{}, ctx.Err()
}
func (nopFetcher) CommitMessages(context.Context, ...kafkago.Message) error { return nil }

type nopWriter struct{}

func (nopWriter) WriteMessages(context.Context, ...kafkago.Message) error { return nil }
