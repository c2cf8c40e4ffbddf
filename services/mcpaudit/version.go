package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
)

// version is the build's version, set at build time with
// -ldflags "-X main.version=v1.2.3"; `make build` sets it from
// `git describe --always --dirty`. When unset, buildVersion falls back to
// the build information the Go toolchain embeds.
var version = ""

// buildVersion returns version when set; else the main module's version
// from debug.ReadBuildInfo (set by `go install module@version`); else
// "devel-REVISION" (12 hex digits, "-dirty" for uncommitted changes) when
// the build recorded VCS information (not with -buildvcs=false); else
// "devel".
func buildVersion() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	return versionFromBuildInfo(bi)
}

func versionFromBuildInfo(bi *debug.BuildInfo) string {
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision" && len(s.Value) >= 12:
			rev = s.Value[:12]
		case s.Key == "vcs.modified" && s.Value == "true":
			dirty = "-dirty"
		}
	}
	if rev != "" {
		return "devel-" + rev + dirty
	}
	return "devel"
}

// runVersion is `mcpaudit version` and `mcpaudit --version`: it prints
// "mcpaudit VERSION (GOVERSION)".
func runVersion(_ context.Context, _ []string, stdout, _ io.Writer) error {
	goVersion := "unknown Go"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
	}
	_, err := fmt.Fprintf(stdout, "mcpaudit %s (%s)\n", buildVersion(), goVersion)
	return err
}
