package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/mcpaudit/mcpaudit/internal/auth"
)

// TestListenersSurviveSlowClients opens more slow connections than
// server.max_connections on both listeners: HTTP clients that send headers
// and then trickle nothing of the body they announced, HTTP clients that
// never finish their headers, and gRPC clients that never send the HTTP/2
// preface. It checks that neither listener ever holds more than the cap,
// that the server closes every slow connection by itself (read, read-header
// and connection timeouts), and that a normal request sent while the cap is
// taken is served once the slow ones are gone.
func TestListenersSurviveSlowClients(t *testing.T) {
	const (
		maxConns = 3
		slowHTTP = 8 // half slow bodies, half slow headers
		slowGRPC = 6
	)
	cfg := testConfig()
	cfg.Server.MaxConnections = maxConns
	cfg.Server.ReadHeaderTimeout = 300 * time.Millisecond
	cfg.Server.ReadTimeout = 600 * time.Millisecond
	cfg.Server.WriteTimeout = 2 * time.Second
	cfg.Server.IdleTimeout = time.Second
	cfg.Query.QueryTimeout = time.Second
	srv := startServer(t, cfg, newIngest(t, auth.Config{}))

	var slow []net.Conn
	for i := range slowHTTP {
		c, err := net.Dial("tcp", srv.HTTPAddr())
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			fmt.Fprintf(c, "POST /v1/events:export HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"events\":[")
		} else {
			fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n")
		}
		slow = append(slow, c)
	}
	for range slowGRPC {
		c, err := net.Dial("tcp", srv.GRPCAddr())
		if err != nil {
			t.Fatal(err)
		}
		slow = append(slow, c)
	}

	// A normal request of each kind, sent while the slow connections hold
	// the cap.
	var wg sync.WaitGroup
	var httpErr, grpcErr error
	wg.Go(func() {
		ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+srv.HTTPAddr()+"/healthz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			httpErr = err
			return
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			httpErr = fmt.Errorf("status %d", resp.StatusCode)
		}
	})
	wg.Go(func() {
		ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
		defer cancel()
		cc, err := grpc.NewClient(srv.GRPCAddr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			grpcErr = err
			return
		}
		defer cc.Close()
		resp, err := healthpb.NewHealthClient(cc).Check(ctx, &healthpb.HealthCheckRequest{}, grpc.WaitForReady(true))
		if err != nil {
			grpcErr = err
			return
		}
		if resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			grpcErr = fmt.Errorf("health %v", resp.GetStatus())
		}
	})

	// Every slow connection must be closed by the server; meanwhile the
	// listeners never hold more than the cap.
	closed := make(chan int, len(slow))
	for i, c := range slow {
		go func() {
			defer c.Close()
			_ = c.SetReadDeadline(time.Now().Add(45 * time.Second))
			_, err := io.Copy(io.Discard, c)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				closed <- -1 - i // our deadline, not the server, ended it
				return
			}
			closed <- i
		}()
	}
	peak := map[string]float64{}
	for n := 0; n < len(slow); {
		select {
		case i := <-closed:
			if i < 0 {
				t.Fatalf("slow connection %d was still open after 45s: the server did not time it out", -1-i)
			}
			n++
		case <-time.After(20 * time.Millisecond):
		}
		for _, l := range []string{"http", "grpc"} {
			v := gauge(t, srv.reg, "mcpaudit_api_connections", "listener", l)
			if v > maxConns {
				t.Fatalf("%s listener holds %v connections, cap %d", l, v, maxConns)
			}
			peak[l] = max(peak[l], v)
		}
	}
	for _, l := range []string{"http", "grpc"} {
		if peak[l] != maxConns {
			t.Errorf("%s listener peaked at %v connections, want the cap %d (the slow clients should fill it)", l, peak[l], maxConns)
		}
	}
	wg.Wait()
	if httpErr != nil {
		t.Errorf("normal HTTP request after the slow ones: %v", httpErr)
	}
	if grpcErr != nil {
		t.Errorf("normal gRPC call after the slow ones: %v", grpcErr)
	}
	if r := doHTTP(t, srv, http.MethodGet, "/healthz", "", nil); r.status != http.StatusOK {
		t.Errorf("GET /healthz: %d %s", r.status, r.body)
	}
}
