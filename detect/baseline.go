package detect

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	kafkago "github.com/segmentio/kafka-go"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// LogFetcher is the part of a kafka-go *Reader of one partition outside a
// consumer group (internal/kafka.NewLogReader) that KafkaBaseline reads
// the definitions topic with.
type LogFetcher interface {
	FetchMessage(ctx context.Context) (kafkago.Message, error)
}

var _ LogFetcher = (*kafkago.Reader)(nil)

// baselineQueue bounds the records waiting to be written to the topic.
const baselineQueue = 10_000

// KafkaBaseline is a Baseline every detector replica shares through the
// compacted topic mcpaudit.definitions.v1 (internal/kafka.TopicDefinitions):
// Run reads the topic in full into memory (Loaded is closed then), keeps
// following it for the records of other replicas, and writes the records
// Swap makes. Records are mcpaudit.event.v1.ToolBaseline, keyed by tenant,
// server and tool. A definition first seen by two replicas at once may be
// reported by both; one already in the topic is reported by none.
//
// Swap and Known are safe for concurrent use with Run.
type KafkaBaseline struct {
	mu     sync.Mutex
	mem    *MemoryBaseline
	out    chan kafkago.Message
	loaded chan struct{}
	logger *slog.Logger

	records prometheus.Counter
	dropped prometheus.Counter
	written prometheus.Counter
}

// NewKafkaBaseline returns a KafkaBaseline; reg may be nil. Nothing is
// read or written until Run.
func NewKafkaBaseline(logger *slog.Logger, reg prometheus.Registerer) *KafkaBaseline {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	b := &KafkaBaseline{
		mem: NewMemoryBaseline(), out: make(chan kafkago.Message, baselineQueue), loaded: make(chan struct{}), logger: logger,
		records: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mcpaudit_detect_baseline_records_total",
			Help: "Tool-definition baseline records read from mcpaudit.definitions.v1.",
		}),
		written: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mcpaudit_detect_baseline_written_total",
			Help: "Tool-definition baseline records written to mcpaudit.definitions.v1.",
		}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mcpaudit_detect_baseline_dropped_total",
			Help: "Tool-definition baseline records not written because the write queue was full; other replicas miss them until the tool is seen again.",
		}),
	}
	if reg != nil {
		reg.MustRegister(b.records, b.written, b.dropped)
	}
	return b
}

// Loaded is closed once Run has read the topic up to the end it had when
// Run started. An engine should not process events before: it would take
// known tools for new ones.
func (b *KafkaBaseline) Loaded() <-chan struct{} { return b.loaded }

// Swap implements Baseline; a new or changed definition is queued for the
// topic.
func (b *KafkaBaseline) Swap(tenant, server, tool string, e BaselineEntry) (BaselineEntry, bool) {
	b.mu.Lock()
	prev, ok := b.mem.Swap(tenant, server, tool, e)
	b.mu.Unlock()
	if ok && prev.Hash == e.Hash && prev.Version == e.Version {
		return prev, ok
	}
	if ok && !prev.FirstSeen.IsZero() && prev.FirstSeen.Before(e.FirstSeen) {
		e.FirstSeen = prev.FirstSeen
	}
	msg, err := baselineMessage(tenant, server, tool, e)
	if err != nil {
		b.logger.Error("baseline record encoding failed", "error", err)
		return prev, ok
	}
	select {
	case b.out <- msg:
	default:
		b.dropped.Inc()
	}
	return prev, ok
}

// Known implements Baseline.
func (b *KafkaBaseline) Known(tenant, server string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.mem.Known(tenant, server)
}

var _ Baseline = (*KafkaBaseline)(nil)

// Run reads the topic through r from the first offset up to end (the
// topic's end offset when Run starts, internal/kafka.EndOffset), closes
// Loaded, then follows r and writes queued records with w until ctx is
// done. Fetch and write failures are retried with backoff; it returns nil
// when ctx ends.
func (b *KafkaBaseline) Run(ctx context.Context, r LogFetcher, w MessageWriter, end int64) error {
	if end <= 0 {
		close(b.loaded)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		b.write(ctx, w)
	}()
	defer wg.Wait()
	backoff := 100 * time.Millisecond
	for {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			b.logger.Warn("baseline fetch failed", "error", err)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 5*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
		b.apply(m)
		if m.Offset+1 >= end {
			select {
			case <-b.loaded:
			default:
				b.logger.Info("tool-definition baseline loaded", "records", m.Offset+1)
				close(b.loaded)
			}
		}
	}
}

// apply records one message of the topic without reporting it.
func (b *KafkaBaseline) apply(m kafkago.Message) {
	if len(m.Value) == 0 {
		return // a tombstone
	}
	rec := &eventv1.ToolBaseline{}
	if err := proto.Unmarshal(m.Value, rec); err != nil {
		b.logger.Warn("undecodable baseline record skipped", "offset", m.Offset, "error", err)
		return
	}
	b.records.Inc()
	t := newTool(rec.GetDefinition())
	e := baselineEntry(&t, rec.GetLastSeen().AsTime())
	e.FirstSeen = rec.GetFirstSeen().AsTime()
	e.Version = rec.GetServerVersion()
	b.mu.Lock()
	b.mem.Swap(rec.GetTenantId(), rec.GetServerName(), t.Name, e)
	b.mu.Unlock()
}

func (b *KafkaBaseline) write(ctx context.Context, w MessageWriter) {
	backoff := 100 * time.Millisecond
	for {
		var batch []kafkago.Message
		select {
		case <-ctx.Done():
			return
		case m := <-b.out:
			batch = append(batch, m)
		}
	fill:
		for len(batch) < 500 {
			select {
			case m := <-b.out:
				batch = append(batch, m)
			default:
				break fill
			}
		}
		for {
			err := w.WriteMessages(ctx, batch...)
			if err == nil {
				b.written.Add(float64(len(batch)))
				backoff = 100 * time.Millisecond
				break
			}
			if ctx.Err() != nil || errors.Is(err, context.Canceled) {
				return
			}
			b.logger.Warn("baseline write failed", "records", len(batch), "error", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 5*time.Second)
		}
	}
}

// baselineKey is the topic key of a record.
func baselineKey(tenant, server, tool string) []byte {
	return []byte(tenant + "\x00" + server + "\x00" + tool)
}

func baselineMessage(tenant, server, tool string, e BaselineEntry) (kafkago.Message, error) {
	def := &eventv1.ToolDefinition{
		Name: tool, Title: e.Title, Description: e.Description, InputSchemaJson: e.InputSchema,
		OutputSchemaJson: e.OutSchema, MetaJson: e.Meta, DefinitionHash: e.Hash, Annotations: e.annotations,
	}
	rec := &eventv1.ToolBaseline{
		TenantId: tenant, ServerName: server, ServerVersion: e.Version, Definition: def,
		FirstSeen: timestamppb.New(e.FirstSeen), LastSeen: timestamppb.New(e.LastSeen),
	}
	v, err := proto.Marshal(rec)
	if err != nil {
		return kafkago.Message{}, fmt.Errorf("encode baseline record: %w", err)
	}
	return kafkago.Message{Key: baselineKey(tenant, server, tool), Value: v}, nil
}
