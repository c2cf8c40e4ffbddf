package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/mcpaudit/mcpaudit/internal/demo"
	"github.com/mcpaudit/mcpaudit/internal/kafka"
	"github.com/mcpaudit/mcpaudit/internal/localch"
	"github.com/mcpaudit/mcpaudit/internal/localch/localchtest"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	ingestv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/ingest/v1"
)

// Environment of the outage tests.
const (
	// envOutage is how long a dependency stays down (a Go duration);
	// default 15s so `make test` stays short. Set minutes to soak.
	envOutage = "MCPAUDIT_TEST_OUTAGE"
	// envHelper makes the test binary run as a helper process instead of
	// the tests: "kfake" runs a Kafka-protocol broker.
	envHelper = "MCPAUDIT_TEST_HELPER"
	// Settings of the kfake helper.
	envKfakePort     = "MCPAUDIT_TEST_KFAKE_PORT"
	envKfakeDir      = "MCPAUDIT_TEST_KFAKE_DIR"
	envKfakeUser     = "MCPAUDIT_TEST_KFAKE_USER"
	envKfakePassword = "MCPAUDIT_TEST_KFAKE_PASSWORD"
)

func TestMain(m *testing.M) {
	if os.Getenv(envHelper) == "kfake" {
		os.Exit(runKfakeHelper())
	}
	localchtest.Main(m)
}

// runKfakeHelper runs a Kafka-protocol broker (kfake, through
// kafka.StartEmbeddedWith) on 127.0.0.1:$MCPAUDIT_TEST_KFAKE_PORT with its
// state in $MCPAUDIT_TEST_KFAKE_DIR and SASL/SCRAM-SHA-256, prints READY
// and serves until SIGTERM (or until it is killed).
func runKfakeHelper() int {
	port, err := strconv.Atoi(os.Getenv(envKfakePort))
	if err != nil {
		fmt.Fprintln(os.Stderr, "kfake helper:", envKfakePort, err)
		return 2
	}
	b, err := kafka.StartEmbeddedWith(kafka.EmbeddedConfig{
		DataDir:    os.Getenv(envKfakeDir),
		Partitions: 3,
		Topics:     []string{kafka.TopicEvents, kafka.TopicAlerts, kafka.TopicDeadletter},
		Port:       port,
		Username:   os.Getenv(envKfakeUser),
		Password:   os.Getenv(envKfakePassword),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "kfake helper:", err)
		return 1
	}
	fmt.Println("READY", strings.Join(b.Brokers(), ","))
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	<-sig
	b.Close()
	return 0
}

// externalBroker is a kfake broker in a process of its own, restartable on
// the same port and data directory.
type externalBroker struct {
	port          int
	dir           string
	user, pass    string
	cmd           *exec.Cmd
	done          chan struct{}
	stderrLogPath string
}

func (b *externalBroker) addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(b.port)) }

// start launches the helper and waits (bounded) for READY, retrying while
// the port is still held by the previous process.
func (b *externalBroker) start(t *testing.T) {
	t.Helper()
	for attempt := 0; ; attempt++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), envHelper+"=kfake", envKfakePort+"="+strconv.Itoa(b.port),
			envKfakeDir+"="+b.dir, envKfakeUser+"="+b.user, envKfakePassword+"="+b.pass)
		logf, err := os.OpenFile(b.stderrLogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = logf
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		ready := make(chan struct{})
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "READY") {
					close(ready)
				}
			}
			_, _ = io.Copy(io.Discard, stdout)
		}()
		go func() { _ = cmd.Wait(); logf.Close(); close(done) }()
		select {
		case <-ready:
			b.cmd, b.done = cmd, done
			return
		case <-done:
			if attempt > 50 {
				log, _ := os.ReadFile(b.stderrLogPath)
				t.Fatalf("kfake helper did not start on port %d:\n%s", b.port, log)
			}
			time.Sleep(100 * time.Millisecond)
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatal("kfake helper not ready after 30s")
		}
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (b *externalBroker) kill(t *testing.T) {
	t.Helper()
	_ = b.cmd.Process.Kill()
	<-b.done
}

// outageDuration is MCPAUDIT_TEST_OUTAGE, default 15s.
func outageDuration(t *testing.T) time.Duration {
	t.Helper()
	v := os.Getenv(envOutage)
	if v == "" {
		return 15 * time.Second
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 || d > time.Hour {
		t.Fatalf("%s=%q: want a duration up to 1h", envOutage, v)
	}
	return d
}

func testFreePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// loadGen sends Export calls of batchSize events continuously from
// senders goroutines, each over its own sessions. A batch that fails is
// retried with the same event ids, after the retry advice the collector
// gave, until it is acknowledged, so every generated event is eventually
// acknowledged exactly by the batch that carried it. It records what the
// collector answered and when.
type loadGen struct {
	client    ingestv1.IngestServiceClient
	batchSize int
	pause     time.Duration
	maxBatch  int64 // bound on batches sent in all

	mu          sync.Mutex
	acked       map[string]bool
	ackedAt     []time.Time // one per acknowledged batch
	unavailable []time.Time // UNAVAILABLE answers that carried RetryInfo
	otherErrs   map[string]int
	rejected    int64
	sent        atomic.Int64
}

func (g *loadGen) run(ctx context.Context, sender int, stop <-chan struct{}) {
	for b := 0; ; b++ {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		default:
		}
		if g.sent.Add(1) > g.maxBatch {
			return
		}
		session := fmt.Sprintf("outage-%d-%d", sender, b%3)
		req := &ingestv1.ExportRequest{}
		for i := range g.batchSize {
			id, err := uuid.NewV7()
			if err != nil {
				panic(err)
			}
			req.Events = append(req.Events, &eventv1.Event{
				EventId:   id.String(),
				Time:      timestamppb.Now(),
				Session:   &eventv1.Session{Id: session, Transport: eventv1.Transport_TRANSPORT_STDIO},
				Direction: eventv1.Direction_DIRECTION_CLIENT_TO_SERVER,
				Kind:      eventv1.MessageKind_MESSAGE_KIND_REQUEST,
				JsonrpcId: strconv.Itoa(b*g.batchSize + i),
				Method:    "tools/call",
				ToolCall:  &eventv1.ToolCall{Name: "read_file", ArgumentsJson: `{"path":"/srv/notes.txt"}`},
			})
		}
		// Retry this batch until acknowledged (or the test ends).
		for {
			cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			resp, err := g.client.Export(cctx, req)
			cancel()
			if err == nil {
				g.recordAck(req, resp)
				break
			}
			if ctx.Err() != nil {
				return
			}
			wait := g.recordErr(err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
		time.Sleep(g.pause)
	}
}

func (g *loadGen) recordAck(req *ingestv1.ExportRequest, resp *ingestv1.ExportResponse) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.ackedAt = append(g.ackedAt, time.Now())
	g.rejected += int64(len(req.GetEvents())) - resp.GetAcceptedCount()
	for _, id := range resp.GetEventIds() {
		if id != "" {
			g.acked[id] = true
		}
	}
}

// recordErr notes err and returns how long to wait before the retry.
func (g *loadGen) recordErr(err error) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	st := status.Convert(err)
	wait := 200 * time.Millisecond
	if st.Code() == codes.Unavailable || st.Code() == codes.ResourceExhausted {
		for _, d := range st.Details() {
			if ri, ok := d.(*errdetails.RetryInfo); ok {
				g.unavailable = append(g.unavailable, time.Now())
				wait = min(ri.GetRetryDelay().AsDuration(), time.Second)
				return wait
			}
		}
	}
	g.otherErrs[st.Code().String()]++
	return wait
}

// countBetween counts the times in ts within [from, to).
func countBetween(ts []time.Time, from, to time.Time) int {
	n := 0
	for _, t := range ts {
		if !t.Before(from) && t.Before(to) {
			n++
		}
	}
	return n
}

// readyzPoller records the /readyz answers of one process every 250ms.
type readyzPoller struct {
	mu      sync.Mutex
	answers []readyzAnswer
}

type readyzAnswer struct {
	at     time.Time
	status int
	down   map[string]string // dependency → error, for those down
}

func (p *readyzPoller) run(ctx context.Context, httpAddr string) {
	hc := &http.Client{Timeout: 2 * time.Second}
	for ctx.Err() == nil {
		a := readyzAnswer{at: time.Now()}
		if req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+httpAddr+"/readyz", nil); err == nil {
			if resp, err := hc.Do(req); err == nil {
				a.status = resp.StatusCode
				var rep struct {
					Dependencies []struct {
						Name, Status, Error string
					}
				}
				_ = json.NewDecoder(resp.Body).Decode(&rep)
				resp.Body.Close()
				a.down = map[string]string{}
				for _, d := range rep.Dependencies {
					if d.Status != "ok" {
						a.down[d.Name] = d.Error
					}
				}
			}
		}
		p.mu.Lock()
		p.answers = append(p.answers, a)
		p.mu.Unlock()
		select {
		case <-ctx.Done():
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// sawDown reports whether an answer in [from, to) was 503 naming dep.
func (p *readyzPoller) sawDown(dep string, from, to time.Time) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, a := range p.answers {
		if a.at.Before(from) || !a.at.Before(to) {
			continue
		}
		if e, ok := a.down[dep]; ok && a.status == http.StatusServiceUnavailable {
			return e, true
		}
	}
	return "", false
}

// waitReady polls /readyz until it answers 200 (bounded by d).
func waitReady(t *testing.T, ctx context.Context, httpAddr string, d time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		if code, body := getReadyz(ctx, httpAddr); code == http.StatusOK {
			return time.Since(start)
		} else if time.Since(start) > d {
			t.Fatalf("%s/readyz still %d after %s: %s", httpAddr, code, d, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func getReadyz(ctx context.Context, httpAddr string) (int, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+httpAddr+"/readyz", nil)
	if err != nil {
		return 0, err.Error()
	}
	resp, err := (&http.Client{Timeout: 2 * time.Second}).Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// checkStoredExactlyOnce waits (bounded) until the query API lists every
// acknowledged event, then checks that it lists each exactly once and
// nothing else of the test's sessions. It returns the count it found.
func checkStoredExactlyOnce(t *testing.T, ctx context.Context, queryHTTP string, acked map[string]bool, sessions []string, since time.Time) int {
	t.Helper()
	q := &demo.QueryClient{BaseURL: "http://" + queryHTTP, HTTP: &http.Client{Timeout: 30 * time.Second}}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		seen := map[string]int{}
		var listErr error
		for _, s := range sessions {
			evs, err := q.ListSessionEvents(ctx, s, "", since.Add(-time.Minute))
			if err != nil {
				listErr = err
				break
			}
			for _, e := range evs {
				seen[e.GetEventId()]++
			}
		}
		missing := 0
		for id := range acked {
			if seen[id] == 0 {
				missing++
			}
		}
		if listErr == nil && missing == 0 {
			for id, n := range seen {
				if n != 1 {
					t.Errorf("event %s listed %d times", id, n)
				}
				if !acked[id] {
					t.Errorf("event %s stored but never acknowledged", id)
				}
			}
			if len(seen) != len(acked) {
				t.Errorf("query API lists %d distinct events, %d were acknowledged", len(seen), len(acked))
			}
			return len(seen)
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 2m the query API still misses %d of %d acknowledged events (last error: %v)", missing, len(acked), listErr)
		}
		time.Sleep(time.Second)
	}
}

// requireRunning fails the test when one of procs has exited.
func requireRunning(t *testing.T, procs ...*upProcess) {
	t.Helper()
	for _, p := range procs {
		select {
		case err := <-p.done:
			p.done <- err
			t.Fatalf("mcpaudit %s exited (%v) during the outage test\n%s", p.cmd.Args[1], err, p.log())
		default:
		}
	}
}

func newHealthClient(t *testing.T, grpcAddr string) healthpb.HealthClient {
	t.Helper()
	cc, err := grpc.NewClient(grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	return healthpb.NewHealthClient(cc)
}

// grpcHealth returns the gRPC health status of service (UNKNOWN on error).
func grpcHealth(ctx context.Context, hc healthpb.HealthClient, service string) healthpb.HealthCheckResponse_ServingStatus {
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	resp, err := hc.Check(cctx, &healthpb.HealthCheckRequest{Service: service})
	if err != nil {
		return healthpb.HealthCheckResponse_UNKNOWN
	}
	return resp.GetStatus()
}

func newLoadGen(t *testing.T, grpcAddr string) *loadGen {
	t.Helper()
	cc, err := grpc.NewClient(grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	return &loadGen{
		client: ingestv1.NewIngestServiceClient(cc), batchSize: 20, pause: 50 * time.Millisecond,
		maxBatch: 5000, acked: map[string]bool{}, otherErrs: map[string]int{},
	}
}

// sessionsOf lists the sessions loadGen.run uses for senders.
func sessionsOf(senders int) []string {
	var out []string
	for s := range senders {
		for i := range 3 {
			out = append(out, fmt.Sprintf("outage-%d-%d", s, i))
		}
	}
	return out
}

// outageSenders is the number of load generator senders of an outage test.
const outageSenders = 2

// underLoad is the store, ingest and query roles of an outage test, each a
// process of its own, with a /readyz poller on each and a load generator
// sending to ingest. startUnderLoad starts it; the test stops the load with
// stopLoad and the rest with shutdown.
type underLoad struct {
	storeP, ingestP, queryP             *upProcess
	storeReady, ingestReady, queryReady readyzPoller
	gen                                 *loadGen
	start                               time.Time // when the senders started
	stop                                chan struct{}
	senders                             sync.WaitGroup
	stopPolls                           context.CancelFunc
}

// startUnderLoad starts the store, ingest and query roles of bin with
// configFile on free ports, waits (90 s each) until they are ready, starts
// polling their /readyz and sending load to ingest from outageSenders
// senders, and returns after 3 s of load, failing t if a role exited.
// The processes, pollers and senders stop when ctx is done at the latest.
func startUnderLoad(t *testing.T, ctx context.Context, bin, configFile string) *underLoad {
	t.Helper()
	common := []string{"--config", configFile, "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}
	u := &underLoad{
		storeP:  startProcess(t, ctx, bin, append([]string{"store"}, common...)...),
		ingestP: startProcess(t, ctx, bin, append([]string{"ingest"}, common...)...),
		queryP:  startProcess(t, ctx, bin, append([]string{"query"}, common...)...),
		stop:    make(chan struct{}),
	}
	for _, p := range u.procs() {
		waitReady(t, ctx, p.httpAddr, 90*time.Second)
	}

	pollCtx, stopPolls := context.WithCancel(ctx)
	u.stopPolls = stopPolls
	t.Cleanup(stopPolls)
	go u.storeReady.run(pollCtx, u.storeP.httpAddr)
	go u.ingestReady.run(pollCtx, u.ingestP.httpAddr)
	go u.queryReady.run(pollCtx, u.queryP.httpAddr)

	u.gen = newLoadGen(t, u.ingestP.grpcAddr)
	u.start = time.Now()
	for s := range outageSenders {
		u.senders.Go(func() { u.gen.run(ctx, s, u.stop) })
	}
	time.Sleep(3 * time.Second)
	u.requireRunning(t)
	return u
}

// procs lists the roles' processes.
func (u *underLoad) procs() []*upProcess { return []*upProcess{u.storeP, u.ingestP, u.queryP} }

// requireRunning fails the test when one of the roles has exited.
func (u *underLoad) requireRunning(t *testing.T) {
	t.Helper()
	requireRunning(t, u.procs()...)
}

// stopLoad keeps sending for 3 s more, then stops the senders and waits
// until every batch in flight is acknowledged, failing t if a role exited.
func (u *underLoad) stopLoad(t *testing.T) {
	t.Helper()
	time.Sleep(3 * time.Second)
	close(u.stop)
	u.senders.Wait()
	u.requireRunning(t)
}

// checkStored runs checkStoredExactlyOnce on the query role for the
// senders' sessions and fails t if a role exited; it returns the number
// of events stored.
func (u *underLoad) checkStored(t *testing.T, ctx context.Context, acked map[string]bool) int {
	t.Helper()
	stored := checkStoredExactlyOnce(t, ctx, u.queryP.httpAddr, acked, sessionsOf(outageSenders), u.start)
	u.requireRunning(t)
	return stored
}

// shutdown stops the pollers and the roles.
func (u *underLoad) shutdown(t *testing.T) {
	t.Helper()
	u.stopPolls()
	for _, p := range u.procs() {
		p.stop(t)
	}
}

// TestKafkaOutageUnderLoad kills an external Kafka-protocol broker (kfake
// in a process of its own, SASL/SCRAM-SHA-256) while a load generator sends
// Export calls to the ingest role, keeps it down for MCPAUDIT_TEST_OUTAGE,
// and restarts it on the same address and data. The ingest, store and
// query roles must stay up; ingest must answer UNAVAILABLE with retry
// advice during the outage, /readyz must name kafka and the gRPC health
// service say IngestService NOT_SERVING (the server itself SERVING), then
// recover; and
// every event ingest acknowledged must be in ClickHouse exactly once as
// the query API shows.
func TestKafkaOutageUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("outage test: not with -short")
	}
	outage := outageDuration(t)
	bin, _ := buildBinaries(t)
	tmp := t.TempDir()
	broker := &externalBroker{port: testFreePort(t), dir: filepath.Join(tmp, "kfake"), user: "mcpaudit-ext", pass: "ext-" + uuid.NewString(), stderrLogPath: filepath.Join(tmp, "kfake.log")}
	broker.start(t)
	t.Cleanup(func() { broker.kill(t) })
	chAddr := localchtest.Start(t)
	passwordFile := filepath.Join(tmp, "kafka-password")
	if err := os.WriteFile(passwordFile, []byte(broker.pass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	configFile := filepath.Join(tmp, "mcpaudit.yaml")
	config := fmt.Sprintf(`kafka:
    brokers: [%q]
    partitions: 3
    sasl:
        mechanism: SCRAM-SHA-256
        username: %s
        password_file: %s
clickhouse:
    addr: [%q]
    database: %s
store:
    max_delay: 50ms
`, broker.addr(), broker.user, passwordFile, chAddr, localchtest.Database(t))
	if err := os.WriteFile(configFile, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), outage+6*time.Minute)
	defer cancel()
	u := startUnderLoad(t, ctx, bin, configFile)

	downAt := time.Now()
	broker.kill(t)
	hc := newHealthClient(t, u.ingestP.grpcAddr)
	ingestService := ingestv1.IngestService_ServiceDesc.ServiceName
	sawNotServing := false
	for time.Since(downAt) < outage {
		if grpcHealth(ctx, hc, ingestService) == healthpb.HealthCheckResponse_NOT_SERVING {
			sawNotServing = true
		}
		if st := grpcHealth(ctx, hc, ""); st != healthpb.HealthCheckResponse_SERVING {
			t.Errorf("gRPC health of the server (liveness) is %v during the outage, want SERVING", st)
		}
		time.Sleep(250 * time.Millisecond)
	}
	if !sawNotServing {
		t.Errorf("gRPC health never said %s NOT_SERVING during the Kafka outage", ingestService)
	}
	u.requireRunning(t)
	upAt := time.Now()
	broker.start(t)
	recovery := waitReady(t, ctx, u.ingestP.httpAddr, 2*time.Minute)
	waitReady(t, ctx, u.storeP.httpAddr, 2*time.Minute)
	for i := 0; grpcHealth(ctx, hc, ingestService) != healthpb.HealthCheckResponse_SERVING; i++ {
		if i > 100 {
			t.Fatalf("gRPC health of %s not SERVING after the recovery", ingestService)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Keep sending a little after the recovery, then stop and let every
	// batch in flight be acknowledged.
	u.stopLoad(t)

	gen := u.gen
	gen.mu.Lock()
	acked := gen.acked
	before := countBetween(gen.ackedAt, u.start, downAt)
	during := countBetween(gen.ackedAt, downAt, upAt)
	after := countBetween(gen.ackedAt, upAt, time.Now())
	unavailDuring := countBetween(gen.unavailable, downAt, upAt)
	others, rejected := gen.otherErrs, gen.rejected
	gen.mu.Unlock()
	if unavailDuring == 0 {
		t.Errorf("ingest never answered UNAVAILABLE with retry advice during the %s Kafka outage (other errors: %v)", outage, others)
	}
	if rejected != 0 {
		t.Errorf("%d events rejected", rejected)
	}
	if after == 0 {
		t.Errorf("no batch acknowledged after Kafka came back")
	}
	if e, ok := u.ingestReady.sawDown("kafka", downAt, upAt); !ok {
		t.Errorf("ingest /readyz never answered 503 naming kafka during the outage")
	} else {
		t.Logf("ingest /readyz during the outage: kafka down: %s", e)
	}
	if _, ok := u.storeReady.sawDown("kafka", downAt, upAt); !ok {
		t.Errorf("store /readyz never answered 503 naming kafka during the outage")
	}
	stored := u.checkStored(t, ctx, acked)
	t.Logf("Kafka outage %s (broker SIGKILLed, restarted on the same port and data); ingest ready %s after the restart", upAt.Sub(downAt).Round(time.Millisecond), recovery.Round(time.Millisecond))
	t.Logf("batches acknowledged: %d before, %d during, %d after the outage; UNAVAILABLE with retry advice during it: %d; other errors: %v",
		before, during, after, unavailDuring, others)
	t.Logf("events acknowledged %d, in ClickHouse through the query API %d (distinct, each once), lost %d", len(acked), stored, len(acked)-stored)
	u.shutdown(t)
}

// TestClickHouseOutageUnderLoad stops an external ClickHouse server (a
// localch server the roles reach by address) with SIGTERM while events
// flow, keeps it down for MCPAUDIT_TEST_OUTAGE and restarts it on the same
// directory and port. The roles must stay up, ingest must keep
// acknowledging (Kafka buffers), the store's and query's /readyz must name
// clickhouse while it is down and recover, and every acknowledged event
// must be in ClickHouse exactly once as the query API shows.
func TestClickHouseOutageUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("outage test: not with -short")
	}
	outage := outageDuration(t)
	bin, _ := buildBinaries(t)
	tmp := t.TempDir()
	broker, err := kafka.StartEmbedded(filepath.Join(tmp, "kafka"), 3, kafka.TopicEvents, kafka.TopicAlerts, kafka.TopicDeadletter)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(broker.Close)
	chcfg := localch.DefaultConfig(filepath.Join(tmp, "clickhouse"))
	chcfg.TCPPort, chcfg.HTTPPort = testFreePort(t), testFreePort(t)
	chcfg.StopTimeout = 20 * time.Second
	chcfg.Password = "external-" + uuid.NewString()
	ch, err := localch.Start(t.Context(), chcfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ch.Close(context.Background()) })
	configFile := filepath.Join(tmp, "mcpaudit.yaml")
	config := fmt.Sprintf(`kafka:
    brokers: [%q]
    partitions: 3
clickhouse:
    addr: [%q]
    username: %s
store:
    max_delay: 50ms
`, broker.Brokers()[0], ch.Addr(), localch.DefaultUser)
	if err := os.WriteFile(configFile, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), outage+6*time.Minute)
	defer cancel()
	t.Setenv("MCPAUDIT_CLICKHOUSE_PASSWORD", chcfg.Password) // inherited by the roles
	u := startUnderLoad(t, ctx, bin, configFile)

	downAt := time.Now()
	if err := ch.Close(ctx); err != nil {
		t.Logf("clickhouse close: %v", err)
	}
	time.Sleep(outage)
	u.requireRunning(t)
	upAt := time.Now()
	ch, err = localch.Start(ctx, chcfg)
	if err != nil {
		t.Fatalf("restart clickhouse on the same dir and port: %v", err)
	}
	recovery := waitReady(t, ctx, u.storeP.httpAddr, 2*time.Minute)
	waitReady(t, ctx, u.queryP.httpAddr, 2*time.Minute)
	u.stopLoad(t)

	gen := u.gen
	gen.mu.Lock()
	acked := gen.acked
	during := countBetween(gen.ackedAt, downAt, upAt)
	total := len(gen.ackedAt)
	others, rejected := gen.otherErrs, gen.rejected
	unavail := len(gen.unavailable)
	gen.mu.Unlock()
	if during == 0 {
		t.Errorf("ingest acknowledged nothing while ClickHouse was down (it needs only Kafka); errors: %v, UNAVAILABLE %d", others, unavail)
	}
	if rejected != 0 {
		t.Errorf("%d events rejected", rejected)
	}
	for name, p := range map[string]*readyzPoller{"store": &u.storeReady, "query": &u.queryReady} {
		if e, ok := p.sawDown("clickhouse", downAt, upAt); !ok {
			t.Errorf("%s /readyz never answered 503 naming clickhouse during the outage", name)
		} else {
			t.Logf("%s /readyz during the outage: clickhouse down: %s", name, e)
		}
	}
	stored := u.checkStored(t, ctx, acked)
	t.Logf("ClickHouse outage %s (server SIGTERMed, restarted on the same dir and port); store ready %s after the restart", upAt.Sub(downAt).Round(time.Millisecond), recovery.Round(time.Millisecond))
	t.Logf("batches acknowledged: %d in all, %d during the outage; UNAVAILABLE answers %d; other errors: %v", total, during, unavail, others)
	t.Logf("events acknowledged %d, in ClickHouse through the query API %d (distinct, each once), lost %d", len(acked), stored, len(acked)-stored)
	u.shutdown(t)
	if err := ch.Close(context.Background()); err != nil && !errors.Is(err, context.Canceled) {
		t.Logf("clickhouse close: %v", err)
	}
}
