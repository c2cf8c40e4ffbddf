package health

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// toggle is a dependency a test takes down and brings back.
type toggle struct{ err atomic.Pointer[error] }

func (d *toggle) set(err error) { d.err.Store(&err) }
func (d *toggle) check(context.Context) error {
	if p := d.err.Load(); p != nil {
		return *p
	}
	return nil
}

func TestReadyzHandler(t *testing.T) {
	var kafka, ch toggle
	c := New(Options{})
	c.Add("kafka", kafka.check)
	c.Add("clickhouse", ch.check)
	tests := []struct {
		name       string
		kafkaErr   error
		chErr      error
		probe      bool
		wantStatus int
		wantDown   map[string]string
	}{
		{"before the first probe", nil, nil, false, http.StatusServiceUnavailable, map[string]string{"kafka": "not checked yet", "clickhouse": "not checked yet"}},
		{"all ok", nil, nil, true, http.StatusOK, nil},
		{"kafka down", errors.New("dial tcp 127.0.0.1:9092: connect: connection refused"), nil, true, http.StatusServiceUnavailable, map[string]string{"kafka": "connection refused"}},
		{"long error is cut", nil, errors.New(strings.Repeat("é", 400)), true, http.StatusServiceUnavailable, map[string]string{"clickhouse": "..."}},
		{"recovered", nil, nil, true, http.StatusOK, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kafka.set(tt.kafkaErr)
			ch.set(tt.chErr)
			if tt.probe {
				c.Probe(t.Context())
			}
			rec := httptest.NewRecorder()
			c.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			var rep Report
			if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
				t.Fatalf("body %s: %v", rec.Body, err)
			}
			if rep.Ready != (tt.wantStatus == http.StatusOK) || len(rep.Dependencies) != 2 {
				t.Fatalf("report %+v", rep)
			}
			for _, d := range rep.Dependencies {
				want, down := tt.wantDown[d.Name]
				switch {
				case down && (d.Status != "down" || !strings.Contains(d.Error, want)):
					t.Errorf("%s: %+v, want down with %q", d.Name, d, want)
				case !down && (d.Status != "ok" || d.Error != ""):
					t.Errorf("%s: %+v, want ok", d.Name, d)
				}
				if len(d.Error) > maxErrorBytes+3 {
					t.Errorf("%s: error of %d bytes", d.Name, len(d.Error))
				}
			}
		})
	}
}

// TestRunProbesAndStops checks, on a fake clock, that Run probes every
// Interval, tells watchers about changes, and returns when its context ends.
func TestRunProbesAndStops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var dep toggle
		var probes atomic.Int32
		c := New(Options{Interval: time.Second, Timeout: 100 * time.Millisecond})
		c.Add("kafka", func(ctx context.Context) error { probes.Add(1); return dep.check(ctx) })
		var reports []bool
		c.Watch(func(r Report) { reports = append(reports, r.OK("kafka")) })
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- c.Run(ctx) }()
		synctest.Wait()
		if probes.Load() != 1 || !c.Report().Ready {
			t.Fatalf("after start: %d probes, report %+v", probes.Load(), c.Report())
		}
		dep.set(errors.New("down"))
		time.Sleep(time.Second)
		synctest.Wait()
		if c.Report().Ready {
			t.Fatal("still ready after the dependency went down")
		}
		dep.set(nil)
		time.Sleep(3 * time.Second)
		synctest.Wait()
		if got := probes.Load(); got != 5 {
			t.Errorf("%d probes in 4 intervals, want 5", got)
		}
		if want := []bool{true, false, true}; len(reports) != len(want) || reports[0] != want[0] || reports[1] != want[1] || reports[2] != want[2] {
			t.Errorf("watcher saw %v, want %v", reports, want)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run = %v", err)
		}
	})
}

// TestCheckTimeout: a check that hangs is cut at Timeout and reported down.
func TestCheckTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := New(Options{Timeout: 200 * time.Millisecond})
		c.Add("clickhouse", func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
		c.Probe(t.Context())
		r, _ := c.Report().Get("clickhouse")
		if r.OK || !strings.Contains(r.Error, "deadline exceeded") {
			t.Fatalf("result %+v, want down with deadline exceeded", r)
		}
	})
}
