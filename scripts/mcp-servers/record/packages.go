package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Server is one line of packages.txt: an npm package pinned to an exact
// version and what it needs to start over stdio without network.
type Server struct {
	// Line is the 1-based line number in packages.txt (for error messages).
	Line int
	// Package is the npm package name, e.g. "@modelcontextprotocol/server-memory".
	Package string
	// Version is the exact pinned version, e.g. "2026.8.31".
	Version string
	// Bin is the key of the package.json "bin" map to run; empty means the
	// package's only bin (or the one named after the package).
	Bin string
	// Args are the command-line arguments, with {work} and {home} not yet
	// substituted.
	Args []string
	// Env are KEY=VALUE pairs (dummy credentials), placeholders not yet
	// substituted.
	Env []string
}

// Spec returns "name@version", the form npm install takes.
func (s Server) Spec() string { return s.Package + "@" + s.Version }

// SafeName returns a file-name-safe form of the package name: "@scope/name"
// becomes "scope__name", other characters outside [A-Za-z0-9._-] become "-".
func (s Server) SafeName() string {
	n := strings.TrimPrefix(s.Package, "@")
	n = strings.ReplaceAll(n, "/", "__")
	return unsafeChars.ReplaceAllString(n, "-")
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// exactVersion is a semver version without ranges (npm's exact form).
var exactVersion = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

// ErrPackageLine is returned (wrapped, with the line number and field) for a
// malformed packages.txt line.
var ErrPackageLine = errors.New("bad packages.txt line")

// ParsePackages reads packages.txt: one server per line, fields separated by
// one or more TABs: `name@version  bin  args  env`; `-` stands for an empty
// field; args and env are split on spaces; blank lines and lines starting
// with # are ignored. Every package must be pinned to an exact version and
// appear once.
func ParsePackages(r io.Reader) ([]Server, error) {
	var out []Server
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var fields []string
		for f := range strings.SplitSeq(line, "\t") {
			if f = strings.TrimSpace(f); f != "" {
				fields = append(fields, f)
			}
		}
		if len(fields) > 4 {
			return nil, fmt.Errorf("%w %d: %d tab-separated fields, want at most 4 (spec, bin, args, env)", ErrPackageLine, n, len(fields))
		}
		for len(fields) < 4 {
			fields = append(fields, "-")
		}
		spec := fields[0]
		at := strings.LastIndex(spec, "@")
		if at <= 0 {
			return nil, fmt.Errorf("%w %d: spec %q: want name@version", ErrPackageLine, n, spec)
		}
		s := Server{Line: n, Package: spec[:at], Version: spec[at+1:]}
		if !exactVersion.MatchString(s.Version) {
			return nil, fmt.Errorf("%w %d: spec %q: version %q is not an exact version", ErrPackageLine, n, spec, s.Version)
		}
		if prev, dup := seen[s.Package]; dup {
			return nil, fmt.Errorf("%w %d: package %s already listed on line %d", ErrPackageLine, n, s.Package, prev)
		}
		seen[s.Package] = n
		if fields[1] != "-" {
			s.Bin = fields[1]
		}
		if fields[2] != "-" {
			s.Args = strings.Fields(fields[2])
		}
		if fields[3] != "-" {
			for kv := range strings.FieldsSeq(fields[3]) {
				k, _, ok := strings.Cut(kv, "=")
				if !ok || k == "" {
					return nil, fmt.Errorf("%w %d: env %q: want KEY=VALUE", ErrPackageLine, n, kv)
				}
				s.Env = append(s.Env, kv)
			}
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read packages: %w", err)
	}
	return out, nil
}

// ErrNotInstalled is returned (wrapped) when a package is missing from
// node_modules or installed at another version than pinned.
var ErrNotInstalled = errors.New("package not installed at the pinned version")

// Command returns the argv that starts s from nodeModules (a node_modules
// directory): ["node", entry, args...] for a JavaScript entry, [entry,
// args...] otherwise. The entry comes from the package.json "bin" field.
// Placeholders in args are not substituted here.
func (s Server) Command(nodeModules string) ([]string, error) {
	dir := filepath.Join(nodeModules, filepath.FromSlash(s.Package))
	raw, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrNotInstalled, s.Package, err)
	}
	var m struct {
		Name    string          `json:"name"`
		Version string          `json:"version"`
		Bin     json.RawMessage `json:"bin"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%s package.json: %w", s.Package, err)
	}
	if m.Version != s.Version {
		return nil, fmt.Errorf("%w: %s is %s, pinned %s", ErrNotInstalled, s.Package, m.Version, s.Version)
	}
	entry, err := pickBin(m.Bin, s.Package, s.Bin)
	if err != nil {
		return nil, fmt.Errorf("%s package.json bin: %w", s.Package, err)
	}
	path := filepath.Join(dir, filepath.FromSlash(entry))
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%w: %s entry: %v", ErrNotInstalled, s.Package, err)
	}
	if isNodeScript(path) {
		return append([]string{"node", path}, s.Args...), nil
	}
	return append([]string{path}, s.Args...), nil
}

// pickBin chooses the entry from a package.json "bin" value (a string or a
// name-to-path map): want when given, else the only entry, else the entry
// named after the package's unscoped name.
func pickBin(bin json.RawMessage, pkg, want string) (string, error) {
	if len(bin) == 0 {
		return "", errors.New("package has no bin")
	}
	var one string
	if err := json.Unmarshal(bin, &one); err == nil {
		if want != "" && want != pkg[strings.LastIndex(pkg, "/")+1:] {
			return "", fmt.Errorf("bin %q asked, package has a single unnamed bin", want)
		}
		return one, nil
	}
	var many map[string]string
	if err := json.Unmarshal(bin, &many); err != nil {
		return "", fmt.Errorf("neither a string nor a map: %w", err)
	}
	if want != "" {
		if p, ok := many[want]; ok {
			return p, nil
		}
		return "", fmt.Errorf("no bin named %q", want)
	}
	if len(many) == 1 {
		for _, p := range many {
			return p, nil
		}
	}
	if p, ok := many[pkg[strings.LastIndex(pkg, "/")+1:]]; ok {
		return p, nil
	}
	return "", fmt.Errorf("%d bins and none named after the package: name one in packages.txt", len(many))
}

// isNodeScript reports whether path is JavaScript: a .js/.mjs/.cjs name or a
// shebang line naming node.
func isNodeScript(path string) bool {
	switch filepath.Ext(path) {
	case ".js", ".mjs", ".cjs":
		return true
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 128)
	n, _ := io.ReadFull(f, head)
	first, _, _ := strings.Cut(string(head[:n]), "\n")
	return strings.HasPrefix(first, "#!") && strings.Contains(first, "node")
}
