// Command record starts every MCP server listed in packages.txt from an
// installed node_modules, each in a throwaway HOME and working directory,
// speaks MCP over stdio to it (initialize at protocol 2025-06-18,
// notifications/initialized, tools/list following nextCursor, prompts/list
// and resources/list when advertised, then a few benign tools/call requests
// with arguments derived from each tool's inputSchema) and writes two benign
// corpus cases per server: OUT/real_server_definitions/<name>.json (the
// handshake and lists) and OUT/real_server_sessions/<name>.json (the same
// followed by the calls and the server's real answers).
//
// It is run by scripts/mcp-servers/record.sh inside a network namespace of
// its own (unshare --net), which -require-netns checks. It prints one line
// per server and a summary, and exits 1 when fewer than -min servers had
// their tools/list recorded.
//
// Usage:
//
//	record -packages scripts/mcp-servers/packages.txt \
//	  -node-modules .tmp/mcp-servers/node_modules \
//	  -work .tmp/mcp-servers/run -out .tmp/corpus-real/benign [flags]
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "record:", err)
		os.Exit(1)
	}
}

// ErrTooFew is returned when fewer servers were recorded than -min.
var ErrTooFew = errors.New("too few servers recorded")

// ErrNetwork is returned by -require-netns when an interface other than
// loopback is visible.
var ErrNetwork = errors.New("not in an isolated network namespace")

func run() error {
	var (
		packages    = flag.String("packages", "scripts/mcp-servers/packages.txt", "package list")
		nodeModules = flag.String("node-modules", ".tmp/mcp-servers/node_modules", "node_modules the packages are installed in")
		work        = flag.String("work", ".tmp/mcp-servers/run", "parent of the per-server sandbox directories (emptied per server)")
		out         = flag.String("out", ".tmp/corpus-real/benign", "benign corpus root the cases are written under")
		jobs        = flag.Int("jobs", 2, "servers recorded at once")
		listTimeout = flag.Duration("list-timeout", 45*time.Second, "bound on start, initialize and the list calls of one server")
		callTimeout = flag.Duration("call-timeout", 10*time.Second, "bound on one tools/call")
		sessTimeout = flag.Duration("session-timeout", 90*time.Second, "bound on one server's whole session")
		calls       = flag.Int("calls", 3, "most tools/call requests per server")
		minOK       = flag.Int("min", 50, "fail when fewer servers are recorded")
		only        = flag.String("only", "", "comma-separated package names to record (default all; old cases are then kept)")
		netns       = flag.Bool("require-netns", false, "refuse to run when a network interface other than lo is visible")
	)
	flag.Parse()
	if *jobs < 1 || *calls < 0 || *listTimeout <= 0 || *callTimeout <= 0 || *sessTimeout <= 0 {
		return errors.New("flags: -jobs must be >= 1, -calls >= 0 and the timeouts > 0")
	}
	if *netns {
		if err := checkNetns(); err != nil {
			return err
		}
	}
	f, err := os.Open(*packages)
	if err != nil {
		return fmt.Errorf("packages: %w", err)
	}
	servers, err := ParsePackages(f)
	f.Close()
	if err != nil {
		return err
	}
	if *only != "" {
		want := map[string]bool{}
		for n := range strings.SplitSeq(*only, ",") {
			want[strings.TrimSpace(n)] = true
		}
		var sel []Server
		for _, s := range servers {
			if want[s.Package] {
				sel = append(sel, s)
			}
		}
		servers = sel
	}
	for _, p := range []*string{nodeModules, work, out} {
		if *p, err = filepath.Abs(*p); err != nil {
			return err
		}
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("node not on PATH: %w", err)
	}
	defDir := filepath.Join(*out, FamilyDefinitions)
	sessDir := filepath.Join(*out, FamilySessions)
	if *only == "" {
		for _, d := range []string{defDir, sessDir} {
			old, _ := filepath.Glob(filepath.Join(d, "*.json"))
			for _, o := range old {
				if err := os.Remove(o); err != nil {
					return fmt.Errorf("clear old cases: %w", err)
				}
			}
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	lim := Limits{List: *listTimeout, Call: *callTimeout, Session: *sessTimeout, Calls: *calls}
	results := make([]Result, len(servers))
	var (
		mu   sync.Mutex
		done int
		wg   sync.WaitGroup
	)
	idx := make(chan int)
	start := time.Now()
	for range *jobs {
		wg.Go(func() {
			for i := range idx {
				t0 := time.Now()
				r := recordOne(ctx, servers[i], *nodeModules, *work, node, lim)
				if r.Err == nil {
					defCase := NewCase(FamilyDefinitions, r.Server, r.Definitions, "The initialize handshake and tools/prompts/resources lists")
					sessCase := NewCase(FamilySessions, r.Server, r.Session, "A benign session (handshake, lists, read-only tool calls with ordinary arguments)")
					if err := WriteCase(defDir, defCase.ID, defCase); err != nil {
						r.Err = err
					} else if err := WriteCase(sessDir, sessCase.ID, sessCase); err != nil {
						r.Err = err
					}
				}
				results[i] = r
				mu.Lock()
				done++
				printResult(done, len(servers), r, time.Since(t0))
				mu.Unlock()
			}
		})
	}
	for i := range servers {
		if ctx.Err() != nil {
			break
		}
		idx <- i
	}
	close(idx)
	wg.Wait()
	return summarize(results, *minOK, time.Since(start))
}

func recordOne(ctx context.Context, srv Server, nodeModules, work, node string, lim Limits) Result {
	argv, err := srv.Command(nodeModules)
	if err != nil {
		return Result{Server: srv, Err: err}
	}
	root := filepath.Join(work, srv.SafeName())
	dir, home, err := PrepareSandbox(root)
	if err != nil {
		return Result{Server: srv, Err: err}
	}
	sub := strings.NewReplacer("{work}", dir, "{home}", home)
	for i := range argv {
		argv[i] = sub.Replace(argv[i])
	}
	if argv[0] == "node" {
		argv[0] = node
	}
	env := []string{
		"PATH=" + filepath.Dir(node) + ":/usr/local/bin:/usr/bin:/bin",
		"HOME=" + home,
		"TMPDIR=" + filepath.Join(home, "tmp"),
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"),
		"LANG=C.UTF-8",
		"NO_COLOR=1",
		"NO_UPDATE_NOTIFIER=1",
		"npm_config_update_notifier=false",
		"DO_NOT_TRACK=1",
	}
	for _, kv := range srv.Env {
		env = append(env, sub.Replace(kv))
	}
	return RecordServer(ctx, srv, argv, dir, env, lim)
}

// Files written into every server's working directory, so that file,
// notes and document tools have ordinary content to read.
var sandboxFiles = map[string]string{
	"notes.txt":    "Team meeting, Tuesday\n- Review the release checklist\n- Book the room for the retrospective\n",
	"README.md":    "# Sample project\n\nA small project used to try out tools. See docs/plan.md for the plan.\n",
	"data.csv":     "city,temperature_c\nLisbon,21\nOslo,9\nNairobi,24\n",
	"docs/plan.md": "# Plan\n\n1. Draft the outline\n2. Ask for review\n3. Publish on Friday\n",
}

// Files written into every server's HOME: dummy credential files that some
// servers must find to start (a kubeconfig with one context, a Google OAuth
// client, a Google Drive token). Every value is fake; nothing can reach a
// real service from the sandbox anyway.
var sandboxHomeFiles = map[string]string{
	".kube/config": `apiVersion: v1
kind: Config
clusters:
- name: dev
  cluster:
    server: https://127.0.0.1:6443
    insecure-skip-tls-verify: true
users:
- name: dev
  user:
    token: dummy-token
contexts:
- name: dev
  context:
    cluster: dev
    user: dev
    namespace: default
current-context: dev
`,
	"gcp-oauth.keys.json":            googleOAuthClient,
	".gmail-mcp/gcp-oauth.keys.json": googleOAuthClient,
	".gmail-mcp/credentials.json":    googleToken,
	"gdrive-credentials.json":        googleToken,
}

const (
	googleOAuthClient = `{"installed":{"client_id":"000000000000-dummy.apps.googleusercontent.com","project_id":"dummy","auth_uri":"https://accounts.google.com/o/oauth2/auth","token_uri":"https://oauth2.googleapis.com/token","client_secret":"dummy","redirect_uris":["http://localhost"]}}`
	googleToken       = `{"access_token":"dummy","refresh_token":"dummy","scope":"https://www.googleapis.com/auth/drive.readonly","token_type":"Bearer","expiry_date":4102444800000}`
)

// PrepareSandbox empties root and creates root/work (the server's working
// directory, holding sandboxFiles) and root/home (its HOME, with tmp and
// XDG directories and sandboxHomeFiles). It returns the two absolute paths.
func PrepareSandbox(root string) (work, home string, err error) {
	if err := os.RemoveAll(root); err != nil {
		return "", "", fmt.Errorf("sandbox: %w", err)
	}
	work, home = filepath.Join(root, "work"), filepath.Join(root, "home")
	for _, d := range []string{work, filepath.Join(home, "tmp"), filepath.Join(home, ".config"), filepath.Join(home, ".cache"), filepath.Join(home, ".local", "share")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return "", "", fmt.Errorf("sandbox: %w", err)
		}
	}
	files := map[string]string{}
	for name, body := range sandboxFiles {
		files[filepath.Join(work, filepath.FromSlash(name))] = body
	}
	for name, body := range sandboxHomeFiles {
		files[filepath.Join(home, filepath.FromSlash(name))] = body
	}
	for p, body := range files {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", "", fmt.Errorf("sandbox: %w", err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return "", "", fmt.Errorf("sandbox: %w", err)
		}
	}
	return work, home, nil
}

func printResult(n, total int, r Result, took time.Duration) {
	if r.Err != nil {
		fmt.Printf("[%d/%d] FAIL %s: %v (%.1fs)\n", n, total, r.Server.Spec(), r.Err, took.Seconds())
		return
	}
	fmt.Printf("[%d/%d] ok   %s: server %q, %d tools, %d prompts, %d resources; %d calls (%d errors, %d timeouts) (%.1fs)\n",
		n, total, r.Server.Spec(), r.ServerName, r.Tools, r.Prompts, r.Resources, r.Calls, r.CallErrors, r.CallTimeouts, took.Seconds())
}

func summarize(results []Result, minOK int, took time.Duration) error {
	var ok, started, tools, calls, callErrs int
	var failed []Result
	for _, r := range results {
		if r.Server.Package == "" {
			continue // not reached (interrupted)
		}
		if r.Started {
			started++
		}
		if r.Err != nil {
			failed = append(failed, r)
			continue
		}
		ok++
		tools += r.Tools
		calls += r.Calls
		callErrs += r.CallErrors + r.CallTimeouts
	}
	sort.Slice(failed, func(i, j int) bool { return failed[i].Server.Package < failed[j].Server.Package })
	fmt.Printf("\nsummary: %d servers listed, %d started, %d recorded, %d failed; %d tools recorded; %d benign calls made (%d answered with an error or not in time) in %.0fs\n",
		len(results), started, ok, len(failed), tools, calls, callErrs, took.Seconds())
	for _, r := range failed {
		fmt.Printf("  failed %s: %v\n", r.Server.Spec(), r.Err)
	}
	if ok < minOK {
		return fmt.Errorf("%w: %d, want at least %d", ErrTooFew, ok, minOK)
	}
	return nil
}

// checkNetns fails with ErrNetwork when /proc/net/dev lists an interface
// other than lo.
func checkNetns() error {
	f, err := os.Open("/proc/net/dev")
	if err != nil {
		return fmt.Errorf("check network namespace: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, _, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		if name = strings.TrimSpace(name); name != "lo" {
			return fmt.Errorf("%w: interface %s is visible", ErrNetwork, name)
		}
	}
	return sc.Err()
}
