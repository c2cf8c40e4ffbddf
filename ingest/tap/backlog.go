package tap

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Bounds of the tap that a backlog guards, as the bound label of
// mcpaudit_tap_backlog_wait_seconds_total.
const (
	boundObserverQueue = "observer_queue" // relay → observer
	boundEventBuffer   = "event_buffer"   // observer → collector
)

// backlog is the wait policy of one bound the tap fills on one side and
// drains on the other (the relay→observer queue, the exporter's buffer of
// undelivered events). It follows the Linux audit subsystem's
// backlog_wait_time: a producer that finds the bound full waits up to
// Config.BacklogWait for room, so that a burst slows the MCP traffic down
// instead of thinning the record; a wait that times out (a collector away
// for long) switches the bound to dropping at once — recorded as
// observation gaps — until the consumer has drained it to half, so that an
// outage costs the traffic one wait, not one per message.
type backlog struct {
	bound    string
	wait     time.Duration
	room     chan struct{} // capacity 1: the consumer took something
	dropping atomic.Bool
	waited   prometheus.Counter
	timeouts prometheus.Counter
}

func newBacklog(bound string, wait time.Duration, m *metrics) *backlog {
	return &backlog{
		bound:    bound,
		wait:     wait,
		room:     make(chan struct{}, 1),
		waited:   m.backlogWait.WithLabelValues(bound),
		timeouts: m.backlogTimeouts.WithLabelValues(bound),
	}
}

// freed is called by the consumer after it took from the bound; halfEmpty
// reports whether the bound is now at most half full, which ends dropping.
func (b *backlog) freed(halfEmpty bool) {
	if halfEmpty {
		b.dropping.Store(false)
	}
	select {
	case b.room <- struct{}{}:
	default:
	}
}

// await calls fits until it reports room (true), waiting for the consumer
// between calls, for at most the backlog wait. It returns false at once
// when waiting is off or the bound is dropping, and false after a wait that
// timed out, which starts dropping. mu, when not nil, is held by the caller
// around fits and released while waiting.
func (b *backlog) await(mu sync.Locker, fits func() bool) bool {
	if b.wait <= 0 || b.dropping.Load() {
		return false
	}
	start := time.Now()
	defer func() { b.waited.Add(time.Since(start).Seconds()) }()
	t := time.NewTimer(b.wait)
	defer t.Stop()
	for !fits() {
		if mu != nil {
			mu.Unlock()
		}
		select {
		case <-b.room:
		case <-t.C:
			if mu != nil {
				mu.Lock()
			}
			if fits() {
				return true
			}
			b.dropping.Store(true)
			b.timeouts.Inc()
			return false
		}
		if mu != nil {
			mu.Lock()
		}
	}
	return true
}
