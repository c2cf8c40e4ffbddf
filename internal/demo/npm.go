package demo

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
)

// EnvNPMPrefix names the environment variable that overrides where the
// reference MCP servers are installed (`npm install --prefix $DIR ...`).
const EnvNPMPrefix = "MCPAUDIT_NPM_PREFIX"

// The reference MCP server packages the benign scenarios run.
const (
	PkgFilesystem = "@modelcontextprotocol/server-filesystem"
	PkgMemory     = "@modelcontextprotocol/server-memory"
	PkgEverything = "@modelcontextprotocol/server-everything"
)

// ErrNPMServerMissing is returned (wrapped) by [NPMServer] when a package or
// its entry point is not installed under the prefix.
var ErrNPMServerMissing = errors.New("npm MCP server not installed")

// DefaultNPMPrefix returns $MCPAUDIT_NPM_PREFIX when set, otherwise
// <repo>/.tmp/npm where <repo> is the nearest directory at or above the
// working directory that holds a go.mod. It fails when neither exists.
func DefaultNPMPrefix() (string, error) {
	if p := os.Getenv(EnvNPMPrefix); p != "" {
		return filepath.Abs(p)
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("npm prefix: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, ".tmp", "npm"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("npm prefix: no go.mod above the working directory; set %s", EnvNPMPrefix)
		}
		dir = parent
	}
}

// NPMServer returns the command line that starts the installed npm package
// pkg (for example [PkgFilesystem]) over stdio: ["node", <entry point>,
// args...], the entry point taken from the package.json "bin" field. It fails
// with [ErrNPMServerMissing] and the install command to run when the package
// is not under prefix, and with a clear error when node is not on PATH.
func NPMServer(prefix, pkg string, args ...string) ([]string, error) {
	dir := filepath.Join(prefix, "node_modules", filepath.FromSlash(pkg))
	raw, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, fmt.Errorf("%w: %s under %s (run `npm install --prefix %s %s`): %v",
			ErrNPMServerMissing, pkg, prefix, prefix, pkg, err)
	}
	var manifest struct {
		Bin  json.RawMessage `json:"bin"`
		Main string          `json:"main"`
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		return nil, fmt.Errorf("%s package.json: %w", pkg, err)
	}
	entry, err := binEntry(manifest.Bin, manifest.Main)
	if err != nil {
		return nil, fmt.Errorf("%s package.json: %w", pkg, err)
	}
	script := filepath.Join(dir, filepath.FromSlash(entry))
	if _, err := os.Stat(script); err != nil {
		return nil, fmt.Errorf("%w: %s entry point: %v", ErrNPMServerMissing, pkg, err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node not found on PATH (needed to run %s): %w", pkg, err)
	}
	return append([]string{node, script}, args...), nil
}

// binEntry picks the script from a package.json "bin" field, which is either
// a string or an object of command name to script (the first name in sorted
// order when several), falling back to "main".
func binEntry(bin json.RawMessage, main string) (string, error) {
	if len(bin) > 0 {
		var s string
		if err := json.Unmarshal(bin, &s); err == nil && s != "" {
			return s, nil
		}
		var m map[string]string
		if err := json.Unmarshal(bin, &m); err == nil && len(m) > 0 {
			names := make([]string, 0, len(m))
			for k := range m {
				names = append(names, k)
			}
			sort.Strings(names)
			return m[names[0]], nil
		}
	}
	if main != "" {
		return main, nil
	}
	return "", errors.New("bin: no entry point")
}
