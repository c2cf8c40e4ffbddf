package query

import (
	"context"
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/mcpaudit/mcpaudit/internal/auth"
	queryv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/query/v1"
)

func TestMetricsAndRun(t *testing.T) {
	f := loadFixture(t)
	authn, err := auth.New(auth.Config{})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewPedanticRegistry()
	svc, err := New(DefaultConfig(), f.conn, authn, slog.New(slog.DiscardHandler), reg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ListAlerts(t.Context(), &queryv1.ListAlertsRequest{PageSize: -5}); err == nil {
		t.Fatal("negative page_size accepted")
	}
	if _, err := svc.ListAlerts(t.Context(), &queryv1.ListAlertsRequest{}); err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]float64{"InvalidArgument": 1, "OK": 1} {
		if got := testutil.ToFloat64(svc.requests.WithLabelValues("ListAlerts", code)); got != want {
			t.Errorf("requests{ListAlerts,%s} = %v, want %v", code, got, want)
		}
	}
	if n := testutil.CollectAndCount(reg, "mcpaudit_query_duration_seconds"); n != 1 {
		t.Errorf("duration series: %d", n)
	}
	if _, err := New(DefaultConfig(), f.conn, authn, nil, reg); err == nil {
		t.Error("registering the metrics twice succeeded")
	}
	if _, err := New(Config{}, f.conn, authn, nil, nil); err == nil {
		t.Error("invalid config accepted")
	}

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}
