package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcpaudit/mcpaudit/internal/kafka"
	"github.com/mcpaudit/mcpaudit/internal/localch/localchtest"
)

// TestRolesAlone runs the distributed mode: each role as its own process
// against an external Kafka-protocol broker and ClickHouse server, with a
// bearer token for tenant acme. An event posted to the collector's REST API
// becomes an alert that the query process serves to acme's token, and to no
// caller without it.
func TestRolesAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("starts several processes: not with -short")
	}
	mcpauditBin, _ := buildBinaries(t)
	broker, err := kafka.StartEmbedded(filepath.Join(t.TempDir(), "kafka"), 3)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(broker.Close)
	chAddr := localchtest.Start(t)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()

	// Each role gets the flags of what it uses: query no Kafka, ingest
	// and detect no ClickHouse, only the API roles tokens. Every role
	// listens (health, readiness, metrics).
	listen := []string{"--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}
	kafkaFlag := []string{"--kafka-brokers", strings.Join(broker.Brokers(), ",")}
	chFlag := []string{"--clickhouse-addr", chAddr}
	tokenFlags := []string{"--auth-token", "acme=s3cret-ingest", "--auth-token", "acme=s3cret-query"}
	args := map[string][]string{
		"store":  slices.Concat(listen, kafkaFlag, chFlag),
		"detect": slices.Concat(listen, kafkaFlag),
		"ingest": slices.Concat(listen, kafkaFlag, tokenFlags),
		"query":  slices.Concat(listen, chFlag, tokenFlags),
	}
	var procs []*upProcess
	for _, role := range []string{"store", "detect", "ingest", "query"} {
		procs = append(procs, startProcess(t, ctx, mcpauditBin, append([]string{role}, args[role]...)...))
	}
	ingestP, queryP := procs[2], procs[3]

	body := fmt.Sprintf(`{"events":[{
		"time": %q,
		"session": {"id": "roles-alone-1", "transport": "TRANSPORT_STDIO"},
		"direction": "DIRECTION_CLIENT_TO_SERVER",
		"kind": "MESSAGE_KIND_REQUEST",
		"jsonrpcId": "7",
		"method": "tools/call",
		"toolCall": {"name": "read_file", "argumentsJson": "{\"path\":\"/srv/app/../../etc/hosts\"}"}
	}]}`, time.Now().UTC().Format(time.RFC3339Nano))
	status, resp := httpDo(t, ctx, "POST", "http://"+ingestP.httpAddr+"/v1/events:export", "s3cret-ingest", body)
	if status != http.StatusOK {
		t.Fatalf("export: %d %s", status, resp)
	}
	if status, resp := httpDo(t, ctx, "POST", "http://"+ingestP.httpAddr+"/v1/events:export", "", body); status != http.StatusUnauthorized {
		t.Fatalf("export without a token: %d %s, want 401", status, resp)
	}

	var alerts struct {
		Alerts []struct {
			RuleID    string   `json:"ruleId"`
			TenantID  string   `json:"tenantId"`
			SessionID string   `json:"sessionId"`
			Tags      []string `json:"tags"`
		} `json:"alerts"`
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		status, resp := httpDo(t, ctx, "GET", "http://"+queryP.httpAddr+"/v1/alerts", "s3cret-query", "")
		if status != http.StatusOK {
			t.Fatalf("list alerts: %d %s", status, resp)
		}
		if err := json.Unmarshal(resp, &alerts); err != nil {
			t.Fatal(err)
		}
		if len(alerts.Alerts) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(alerts.Alerts) != 1 {
		for i, role := range []string{"store", "detect", "ingest", "query"} {
			t.Logf("mcpaudit %s log:\n%s", role, procs[i].log())
		}
		t.Fatalf("got %d alerts, want 1: %+v", len(alerts.Alerts), alerts.Alerts)
	}
	a := alerts.Alerts[0]
	if a.RuleID != "mcp-path-traversal" || a.TenantID != "acme" || a.SessionID != "roles-alone-1" {
		t.Errorf("alert %+v, want the path-traversal rule on acme's session roles-alone-1", a)
	}
	if status, resp := httpDo(t, ctx, "GET", "http://"+queryP.httpAddr+"/v1/alerts", "", ""); status != http.StatusUnauthorized {
		t.Errorf("list alerts without a token: %d %s, want 401", status, resp)
	}
	for _, p := range procs {
		p.stop(t)
	}
}

func httpDo(t *testing.T, ctx context.Context, method, url, token, body string) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = bytes.NewBufferString(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}
