package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

// TestRoleHelpShowsOwnFlags checks that each role's -h lists the flags of
// the settings that role uses and none of the others.
func TestRoleHelpShowsOwnFlags(t *testing.T) {
	all := []string{"config", "verify-config", "log-level", "data-dir", "clickhouse-binary", "grpc-addr", "http-addr", "kafka-brokers", "clickhouse-addr", "auth-token", "rules"}
	common := []string{"config", "verify-config", "log-level"}
	tests := []struct {
		cmd  string
		want []string
	}{
		{"up", append(common, "data-dir", "clickhouse-binary", "grpc-addr", "http-addr", "kafka-brokers", "clickhouse-addr", "auth-token", "rules")},
		{"ingest", append(common, "grpc-addr", "http-addr", "kafka-brokers", "auth-token")},
		{"detect", append(common, "grpc-addr", "http-addr", "kafka-brokers", "rules")},
		{"store", append(common, "grpc-addr", "http-addr", "kafka-brokers", "clickhouse-addr")},
		{"query", append(common, "grpc-addr", "http-addr", "clickhouse-addr", "auth-token")},
	}
	flagLine := regexp.MustCompile(`(?m)^  -([a-z-]+)`)
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if err := run(t.Context(), []string{tt.cmd, "-h"}, &stdout, &stderr); err != nil {
				t.Fatalf("%s -h: %v", tt.cmd, err)
			}
			got := map[string]bool{}
			for _, m := range flagLine.FindAllStringSubmatch(stderr.String(), -1) {
				got[m[1]] = true
			}
			for _, f := range all {
				wanted := false
				for _, w := range tt.want {
					wanted = wanted || w == f
				}
				if got[f] != wanted {
					t.Errorf("%s -h lists --%s: %v, want %v\n%s", tt.cmd, f, got[f], wanted, stderr.String())
				}
			}
		})
	}
}

// TestVersion builds the binary the way `make build` does, with the
// version set by -ldflags -X, and checks that `mcpaudit --version`,
// `-version` and `version` report it; and that the Makefile passes
// `git describe --always --dirty` that way.
func TestVersion(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "mcpaudit")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=v0.0.0-versiontest", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, arg := range []string{"--version", "-version", "version"} {
		out, err := exec.Command(bin, arg).CombinedOutput()
		if err != nil {
			t.Fatalf("mcpaudit %s: %v\n%s", arg, err, out)
		}
		if !regexp.MustCompile(`^mcpaudit v0\.0\.0-versiontest \(go[0-9.]+.*\)\n$`).Match(out) {
			t.Errorf("mcpaudit %s printed %q", arg, out)
		}
	}

	describe, err := exec.Command("git", "describe", "--always", "--dirty").Output()
	if err != nil {
		t.Fatalf("git describe: %v", err)
	}
	makeN, err := exec.Command("make", "-n", "-C", "../..", "build").CombinedOutput()
	if err != nil {
		t.Fatalf("make -n build: %v\n%s", err, makeN)
	}
	want := "-X main.version=" + strings.TrimSpace(string(describe))
	if !strings.Contains(string(makeN), want) {
		t.Errorf("make build does not set the version (%s):\n%s", want, makeN)
	}
}

// TestVersionFromBuildInfo checks the fallback when no -X was given.
func TestVersionFromBuildInfo(t *testing.T) {
	tests := []struct {
		name string
		bi   debug.BuildInfo
		want string
	}{
		{"go install module@version", debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, "v1.4.0"},
		{"vcs stamped", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}}}, "devel-0123456789ab"},
		{"vcs stamped, modified", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}}, "devel-0123456789ab-dirty"},
		{"-buildvcs=false", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "devel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionFromBuildInfo(&tt.bi); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}
