package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	kafkago "github.com/segmentio/kafka-go"
	"gopkg.in/yaml.v3"

	"github.com/mcpaudit/mcpaudit/internal/kafka"
)

var (
	kafkaLine      = regexp.MustCompile(`Kafka\s+\[(\S+)\]`)
	clickhouseLine = regexp.MustCompile(`ClickHouse\s+\[(\S+)\]`)
)

// TestUpDataDir starts `mcpaudit up` and checks what protects its data
// dir: a second `up` on the same dir fails at once naming the dir and the
// first one's pid; the embedded broker refuses a client without the
// generated credentials (produce fails) and the local ClickHouse refuses
// `default` without a password, while both accept the credentials from
// DATA_DIR/credentials.yaml (0600, in a 0700 dir). Then it kills `up` with
// SIGKILL and starts it again at once on the same dir.
func TestUpDataDir(t *testing.T) {
	if testing.Short() {
		t.Skip("starts mcpaudit up: not with -short")
	}
	bin, _ := buildBinaries(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	up := startUp(t, ctx, bin, dataDir)
	waitReady(t, ctx, up.httpAddr, 90*time.Second)

	t.Run("second up on the same dir", func(t *testing.T) {
		cctx, ccancel := context.WithTimeout(ctx, 30*time.Second)
		defer ccancel()
		out, err := exec.CommandContext(cctx, bin, "up", "--data-dir", dataDir, "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0").CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || cctx.Err() != nil {
			t.Fatalf("second up: %v (want a non-zero exit at once)\n%s", err, out)
		}
		pid := strconv.Itoa(up.cmd.Process.Pid)
		if !strings.Contains(string(out), dataDir) || !strings.Contains(string(out), "pid "+pid) {
			t.Fatalf("second up said %q; want the dir %s and pid %s named", out, dataDir, pid)
		}
	})

	for path, want := range map[string]os.FileMode{dataDir: 0o700, filepath.Join(dataDir, "credentials.yaml"): 0o600} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s mode %v, want %v", path, st.Mode().Perm(), want)
		}
	}
	var creds struct {
		Kafka, ClickHouse struct{ Username, Password string }
	}
	b, err := os.ReadFile(filepath.Join(dataDir, "credentials.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &creds); err != nil {
		t.Fatal(err)
	}
	brokers, chAddr := up.kafka, up.clickhouse
	if brokers == "" || chAddr == "" {
		t.Fatalf("banner named no Kafka (%q) or ClickHouse (%q) address", brokers, chAddr)
	}

	t.Run("kafka", func(t *testing.T) {
		produce := func(auth kafka.ClientAuth) error {
			wc := kafka.DefaultWriterConfig([]string{brokers})
			wc.Auth, wc.WriteTimeout = auth, 3*time.Second
			w := kafka.NewWriter(wc, kafka.TopicEvents)
			defer w.Close()
			pctx, pcancel := context.WithTimeout(ctx, 15*time.Second)
			defer pcancel()
			return w.WriteMessages(pctx, kafkago.Message{Key: kafka.Key("evil", "forged"), Value: []byte("not an event")})
		}
		if err := produce(kafka.ClientAuth{}); err == nil {
			t.Error("a client without credentials produced to the embedded broker")
		}
		m, err := kafka.NewMechanism(kafka.MechanismSCRAMSHA256, creds.Kafka.Username, creds.Kafka.Password)
		if err != nil {
			t.Fatal(err)
		}
		if err := kafka.Ping(ctx, []string{brokers}, kafka.ClientAuth{SASL: m}); err != nil {
			t.Errorf("the generated credentials do not work: %v", err)
		}
	})
	t.Run("clickhouse", func(t *testing.T) {
		ping := func(user, password string) error {
			conn, err := clickhouse.Open(&clickhouse.Options{Addr: []string{chAddr}, Auth: clickhouse.Auth{Username: user, Password: password}, DialTimeout: 5 * time.Second})
			if err != nil {
				return err
			}
			defer conn.Close()
			pctx, pcancel := context.WithTimeout(ctx, 10*time.Second)
			defer pcancel()
			return conn.Ping(pctx)
		}
		if err := ping("default", ""); err == nil {
			t.Error("the local ClickHouse let `default` in without a password")
		}
		if err := ping(creds.ClickHouse.Username, creds.ClickHouse.Password); err != nil {
			t.Errorf("the generated credentials do not work: %v", err)
		}
	})

	// kill -9 and restart at once: the old ClickHouse is still exiting (it
	// got SIGTERM from the kernel when up died); the new up must wait for
	// it instead of failing with "Cannot lock file ... Another server
	// instance", and come up with the same credentials.
	if err := up.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-up.done
	up = startUp(t, ctx, bin, dataDir)
	waitReady(t, ctx, up.httpAddr, 90*time.Second)
	b2, err := os.ReadFile(filepath.Join(dataDir, "credentials.yaml"))
	if err != nil || string(b2) != string(b) {
		t.Errorf("credentials changed across the restart (%v)", err)
	}
	up.stop(t)
}
