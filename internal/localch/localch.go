package localch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"text/template"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// ErrBinaryNotFound is returned by Start when no ClickHouse server binary is
// configured and none is found in PATH or /usr/sbin.
var ErrBinaryNotFound = errors.New("clickhouse server binary not found (install clickhouse-server or set the binary path)")

// Config configures a local ClickHouse server.
type Config struct {
	// Binary is the server executable. A file named `clickhouse` (the
	// single-binary release) is run as `clickhouse server`. Empty: look up
	// clickhouse-server in PATH, then /usr/sbin/clickhouse-server, then
	// clickhouse in PATH.
	Binary string `yaml:"binary"`
	// Dir holds the generated configuration and all server state (data/,
	// tmp/, log/, format_schemas/). Required. Reusing a Dir keeps the data.
	Dir string `yaml:"dir"`
	// TCPPort is the native protocol port on 127.0.0.1; 0 picks a free one.
	TCPPort int `yaml:"tcp_port"`
	// HTTPPort is the HTTP port on 127.0.0.1; 0 picks a free one.
	HTTPPort int `yaml:"http_port"`
	// StartTimeout bounds how long Start (and each restart) waits for the
	// native port to answer a ping. Default 60s.
	StartTimeout time.Duration `yaml:"start_timeout"`
	// StopTimeout is how long Close waits after SIGTERM before it sends
	// SIGKILL. Default 15s.
	StopTimeout time.Duration `yaml:"stop_timeout"`
	// MaxRestarts is how many consecutive failed restarts are logged as
	// warnings; past it each further attempt is logged as an error. The
	// supervisor never gives up: it keeps restarting, with the backoff at
	// its cap, while Check reports the server down. A server that stayed
	// up for a minute resets the count. Default 5.
	MaxRestarts int `yaml:"max_restarts"`
	// RestartBackoff is the first delay before a restart; it doubles per
	// consecutive restart up to MaxRestartBackoff. Default 250ms.
	RestartBackoff time.Duration `yaml:"restart_backoff"`
	// MaxRestartBackoff caps the delay between restarts. Default 30s.
	MaxRestartBackoff time.Duration `yaml:"max_restart_backoff"`
	// Username is the one user the server knows when Password is set.
	// Default DefaultUser.
	Username string `yaml:"username"`
	// Password, when set, is the only way in: users.xml then holds one user,
	// Username, with this password's SHA-256 (password_sha256_hex), for the
	// native and the HTTP port alike, and no `default` user. Empty leaves
	// the password-less `default` user of a throwaway test server; `mcpaudit
	// up` always sets one.
	Password string `yaml:"-"`
	// Logger receives start, restart and stop records. Nil discards them.
	Logger *slog.Logger `yaml:"-"`
}

// DefaultConfig returns the defaults for a server whose state lives in dir.
func DefaultConfig(dir string) Config {
	return Config{
		Dir:               dir,
		StartTimeout:      60 * time.Second,
		StopTimeout:       15 * time.Second,
		MaxRestarts:       5,
		RestartBackoff:    250 * time.Millisecond,
		MaxRestartBackoff: 30 * time.Second,
		Username:          DefaultUser,
	}
}

// DefaultUser is the user name of a password-protected local server.
const DefaultUser = "mcpaudit"

// userRe is what Username must match: it becomes an XML element name in
// users.xml.
var userRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Validate reports the first invalid setting, naming its config key.
func (c Config) Validate() error {
	switch {
	case c.Dir == "":
		return errors.New("localch.dir: required")
	case c.TCPPort < 0 || c.TCPPort > 65535:
		return fmt.Errorf("localch.tcp_port: %d out of range 0-65535", c.TCPPort)
	case c.HTTPPort < 0 || c.HTTPPort > 65535:
		return fmt.Errorf("localch.http_port: %d out of range 0-65535", c.HTTPPort)
	case c.TCPPort != 0 && c.TCPPort == c.HTTPPort:
		return errors.New("localch.http_port: must differ from tcp_port")
	case c.StartTimeout < 0:
		return errors.New("localch.start_timeout: must not be negative")
	case c.StopTimeout < 0:
		return errors.New("localch.stop_timeout: must not be negative")
	case c.MaxRestarts < 0:
		return errors.New("localch.max_restarts: must not be negative")
	case c.RestartBackoff < 0:
		return errors.New("localch.restart_backoff: must not be negative")
	case c.MaxRestartBackoff < 0:
		return errors.New("localch.max_restart_backoff: must not be negative")
	case c.Username != "" && !userRe.MatchString(c.Username):
		return fmt.Errorf("localch.username: %q is not a plain identifier ([A-Za-z_][A-Za-z0-9_]*)", c.Username)
	}
	return nil
}

func (c Config) withDefaults() Config {
	d := DefaultConfig(c.Dir)
	if c.StartTimeout == 0 {
		c.StartTimeout = d.StartTimeout
	}
	if c.StopTimeout == 0 {
		c.StopTimeout = d.StopTimeout
	}
	if c.MaxRestarts == 0 {
		c.MaxRestarts = d.MaxRestarts
	}
	if c.RestartBackoff == 0 {
		c.RestartBackoff = d.RestartBackoff
	}
	if c.MaxRestartBackoff == 0 {
		c.MaxRestartBackoff = d.MaxRestartBackoff
	}
	if c.Username == "" {
		c.Username = d.Username
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// FindBinary returns the command that starts a ClickHouse server: the
// executable and the arguments that precede --config-file. binary may be
// empty (search) or a path or name.
func FindBinary(binary string) (path string, args []string, err error) {
	candidates := []string{binary}
	if binary == "" {
		candidates = []string{"clickhouse-server", "/usr/sbin/clickhouse-server", "clickhouse"}
	}
	for _, c := range candidates {
		p, lerr := exec.LookPath(c)
		if lerr != nil {
			err = lerr
			continue
		}
		if filepath.Base(p) == "clickhouse" {
			return p, []string{"server"}, nil
		}
		return p, nil, nil
	}
	if binary != "" {
		return "", nil, fmt.Errorf("localch.binary %q: %w", binary, err)
	}
	return "", nil, ErrBinaryNotFound
}

// Server is a running, supervised ClickHouse server. Its methods are safe
// for concurrent use.
type Server struct {
	cfg    Config
	binary string
	args   []string
	logger *slog.Logger

	mu       sync.Mutex
	tcpPort  int
	httpPort int
	cmd      *exec.Cmd
	exited   chan struct{} // closed when cmd has been waited for
	closing  bool
	down     error // why the server is not serving now; nil while it runs

	stopCh    chan struct{} // closed by Close: ends the supervisor's waits and restarts
	done      chan struct{} // closed when supervision ended
	closeOnce sync.Once
	closeErr  error
}

// ErrNotRunning is wrapped by the error Check returns while the supervisor
// restarts the server.
var ErrNotRunning = errors.New("local clickhouse not running")

// Start prepares cfg.Dir (0700), waits for a server still exiting on the
// same Dir to let go of it, starts the server and waits until its native
// port answers a ping, within cfg.StartTimeout. ctx bounds only the
// start-up. On failure the error includes the tail of the server's error
// log. The returned Server restarts the process whenever it dies
// unexpectedly, until Close is called.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("localch dir: %w", err)
	}
	cfg.Dir = dir
	bin, args, err := FindBinary(cfg.Binary)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("localch dir: %w", err)
	}
	for _, sub := range []string{"data", "tmp", "log", "format_schemas", "user_files"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, fmt.Errorf("localch dir: %w", err)
		}
	}
	s := &Server{cfg: cfg, binary: bin, args: args, logger: cfg.Logger, stopCh: make(chan struct{}), done: make(chan struct{})}
	if err := waitForOldServer(ctx, dir, cfg.StopTimeout+5*time.Second, s.logger); err != nil {
		return nil, err
	}

	// Free ports can be taken between probing and binding; a few fresh
	// attempts cover that race when the caller did not fix the ports.
	attempts := 1
	if cfg.TCPPort == 0 || cfg.HTTPPort == 0 {
		attempts = 3
	}
	for i := 0; ; i++ {
		if err := s.pickPorts(false); err != nil {
			return nil, err
		}
		err = s.launch(ctx)
		if err == nil {
			break
		}
		if i+1 >= attempts || ctx.Err() != nil || !errors.Is(err, errExited) {
			return nil, err
		}
		s.logger.Warn("local clickhouse failed to start; retrying on new ports", "error", err)
	}
	s.logger.Info("local clickhouse started", "addr", s.Addr(), "binary", bin, "dir", dir)
	go s.supervise()
	return s, nil
}

// Addr returns the native protocol address, 127.0.0.1:port. It can change
// after a restart when the old port was taken meanwhile.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.tcpPort))
}

// HTTPAddr returns the HTTP interface address, 127.0.0.1:port.
func (s *Server) HTTPAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.httpPort))
}

// Dir returns the absolute state directory.
func (s *Server) Dir() string { return s.cfg.Dir }

// Done is closed when supervision ended, which is only after Close: the
// supervisor never gives up on a server that keeps dying.
func (s *Server) Done() <-chan struct{} { return s.done }

// Err returns nil: supervision no longer gives up. It is kept for callers
// that select on Done; use Check for the server's state.
func (s *Server) Err() error { return nil }

// Check reports the supervisor's view of the server: nil while the process
// runs (it answered a ping when it was started), or an error wrapping
// ErrNotRunning that says why it is down and what the supervisor is doing.
// It does no I/O; ctx is unused and kept for health-check signatures.
func (s *Server) Check(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return fmt.Errorf("%w: stopped", ErrNotRunning)
	}
	return s.down
}

// Close stops the server: SIGTERM, then SIGKILL when it has not exited
// after StopTimeout or when ctx is done. It waits for the process to exit.
// Safe to call twice; later calls return the first call's result.
func (s *Server) Close(ctx context.Context) error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closing = true
		cmd, exited := s.cmd, s.exited
		s.mu.Unlock()
		close(s.stopCh)
		if cmd != nil {
			s.closeErr = stopProcess(ctx, cmd, exited, s.cfg.StopTimeout)
		}
		<-s.done
		// A restart racing with Close stops its own process (supervise).
		s.logger.Info("local clickhouse stopped", "dir", s.cfg.Dir)
	})
	return s.closeErr
}

// stopProcess sends SIGTERM and waits for exited, escalating to SIGKILL.
func stopProcess(ctx context.Context, cmd *exec.Cmd, exited <-chan struct{}, timeout time.Duration) error {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-exited:
		return nil
	case <-t.C:
	case <-ctx.Done():
	}
	if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("kill clickhouse: %w", err)
	}
	<-exited
	return fmt.Errorf("clickhouse did not stop within %s; killed", timeout)
}

var errExited = errors.New("clickhouse server exited")

// pickPorts chooses the listening ports: the configured ones, the current
// ones when reuse is set and they are still free, else free ones.
func (s *Server) pickPorts(reuse bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	pick := func(configured, current int) (int, error) {
		if configured != 0 {
			return configured, nil
		}
		if reuse && current != 0 && portFree(current) {
			return current, nil
		}
		return freePort()
	}
	var err error
	if s.tcpPort, err = pick(s.cfg.TCPPort, s.tcpPort); err != nil {
		return err
	}
	for {
		if s.httpPort, err = pick(s.cfg.HTTPPort, s.httpPort); err != nil {
			return err
		}
		if s.httpPort != s.tcpPort {
			return nil
		}
		reuse = false
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}

// launch writes the configuration, starts the process and waits until it
// answers a ping. On failure the process is stopped.
func (s *Server) launch(ctx context.Context) error {
	s.mu.Lock()
	tcpPort, httpPort := s.tcpPort, s.httpPort
	s.mu.Unlock()
	configPath, err := writeConfig(s.cfg, tcpPort, httpPort)
	if err != nil {
		return err
	}
	console, err := os.OpenFile(filepath.Join(s.cfg.Dir, "log", "console.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return fmt.Errorf("open console log: %w", err)
	}
	args := append(append([]string(nil), s.args...), "--config-file="+configPath)
	cmd := exec.Command(s.binary, args...)
	cmd.Dir = s.cfg.Dir
	cmd.Stdout = console
	cmd.Stderr = console
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		console.Close()
		return fmt.Errorf("start %s: %w", s.binary, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		console.Close()
		close(exited)
	}()
	s.mu.Lock()
	s.cmd, s.exited = cmd, exited
	s.mu.Unlock()

	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(tcpPort))
	if err := waitReady(ctx, addr, s.user(), s.cfg.Password, exited, s.cfg.StartTimeout); err != nil {
		if !errors.Is(err, errExited) {
			_ = stopProcess(context.Background(), cmd, exited, 5*time.Second)
		}
		return fmt.Errorf("%w\n%s", err, logTail(s.cfg.Dir))
	}
	return nil
}

// waitReady pings addr until it answers, the process exits or timeout
// passed.
func waitReady(ctx context.Context, addr, user, password string, exited <-chan struct{}, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last error
	for {
		select {
		case <-exited:
			return fmt.Errorf("%w during start-up", errExited)
		default:
		}
		last = ping(ctx, addr, user, password)
		if last == nil {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("%w during start-up", errExited)
		case <-ctx.Done():
			return fmt.Errorf("clickhouse at %s not ready within %s: %w", addr, timeout, last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// user returns the user mcpaudit connects as: cfg.Username with a
// password, else `default`.
func (s *Server) user() string {
	if s.cfg.Password == "" {
		return "default"
	}
	return s.cfg.Username
}

func ping(ctx context.Context, addr, user, password string) error {
	conn, err := clickhouse.Open(&clickhouse.Options{
		Addr:        []string{addr},
		Auth:        clickhouse.Auth{Username: user, Password: password},
		DialTimeout: time.Second,
		ReadTimeout: 2 * time.Second,
	})
	if err != nil {
		return err
	}
	defer conn.Close()
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return conn.Ping(pctx)
}

// logTail returns the last lines of the server's error and console logs.
func logTail(dir string) string {
	var b bytes.Buffer
	for _, name := range []string{"clickhouse-server.err.log", "console.log"} {
		p := filepath.Join(dir, "log", name)
		if tail := tailFile(p, 4096); len(tail) > 0 {
			fmt.Fprintf(&b, "--- tail of %s ---\n%s\n", p, tail)
		}
	}
	if b.Len() == 0 {
		return "(server logs are empty)"
	}
	return b.String()
}

func tailFile(path string, n int64) []byte {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil
	}
	off := max(st.Size()-n, 0)
	data, err := io.ReadAll(io.NewSectionReader(f, off, st.Size()-off))
	if err != nil {
		return nil
	}
	if off > 0 {
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		}
	}
	return bytes.TrimSpace(data)
}

// supervise restarts the server whenever it exits while not closing, with
// capped exponential backoff, for as long as it takes: a storage server
// that cannot start is reported by Check (and so by readiness), never by
// taking the process down.
func (s *Server) supervise() {
	defer close(s.done)
	// ctx ends waits and start-ups when Close is called.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.stopCh:
			cancel()
		case <-ctx.Done():
		}
	}()
	restarts := 0
	started := time.Now()
	for {
		s.mu.Lock()
		exited := s.exited
		s.mu.Unlock()
		<-exited
		s.mu.Lock()
		closing := s.closing
		code := -1
		if s.cmd.ProcessState != nil {
			code = s.cmd.ProcessState.ExitCode()
		}
		if !closing {
			s.down = fmt.Errorf("%w: exited with code %d; restarting", ErrNotRunning, code)
		}
		s.mu.Unlock()
		if closing {
			return
		}
		if time.Since(started) > time.Minute {
			restarts = 0
		}
		for {
			restarts++
			backoff := min(s.cfg.RestartBackoff<<min(restarts-1, 20), s.cfg.MaxRestartBackoff)
			level := slog.LevelWarn
			if restarts > s.cfg.MaxRestarts {
				level = slog.LevelError
			}
			s.logger.Log(ctx, level, "local clickhouse exited unexpectedly; restarting", "exit_code", code, "attempt", restarts, "backoff", backoff)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			err := s.pickPorts(true)
			if err == nil {
				err = s.launch(ctx)
			}
			if ctx.Err() != nil {
				s.stopCurrent()
				return
			}
			if err != nil {
				s.mu.Lock()
				s.down = fmt.Errorf("%w: restart %d failed: %w", ErrNotRunning, restarts, err)
				s.mu.Unlock()
				s.logger.Log(ctx, level, "local clickhouse restart failed", "attempt", restarts, "error", err)
				continue
			}
			s.mu.Lock()
			s.down = nil
			s.mu.Unlock()
			started = time.Now()
			s.logger.Info("local clickhouse restarted", "addr", s.Addr(), "attempt", restarts)
			break
		}
	}
}

// stopCurrent stops the process a restart started while Close ran.
func (s *Server) stopCurrent() {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.mu.Unlock()
	if cmd != nil {
		_ = stopProcess(context.Background(), cmd, exited, s.cfg.StopTimeout)
	}
}

// writeConfig renders config.xml and users.xml (0600) into cfg.Dir and
// returns the config.xml path. The configuration is the minimum both 18.16
// and current releases accept: loopback-only listeners, no interserver
// port, and either one password-protected user (cfg.Password set) or the
// password-less default user of a throwaway test server.
func writeConfig(cfg Config, tcpPort, httpPort int) (string, error) {
	data := struct {
		Dir               string
		TCPPort, HTTPPort int
		User              string
		PasswordSHA256    string
	}{Dir: xmlEscape(cfg.Dir), TCPPort: tcpPort, HTTPPort: httpPort, User: "default"}
	if cfg.Password != "" {
		sum := sha256.Sum256([]byte(cfg.Password))
		data.User, data.PasswordSHA256 = cfg.Username, hex.EncodeToString(sum[:])
	}
	for name, tmpl := range map[string]*template.Template{"config.xml": configTmpl, "users.xml": usersTmpl} {
		var b bytes.Buffer
		if err := tmpl.Execute(&b, data); err != nil {
			return "", fmt.Errorf("render %s: %w", name, err)
		}
		path := filepath.Join(cfg.Dir, name)
		if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
			return "", fmt.Errorf("write %s: %w", name, err)
		}
		// WriteFile keeps the mode of an existing file (older versions
		// wrote 0640).
		if err := os.Chmod(path, 0o600); err != nil {
			return "", fmt.Errorf("write %s: %w", name, err)
		}
	}
	return filepath.Join(cfg.Dir, "config.xml"), nil
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

var configTmpl = template.Must(template.New("config.xml").Parse(`<?xml version="1.0"?>
<!-- Generated by mcpaudit (internal/localch); rewritten at every start. -->
<yandex>
    <logger>
        <level>warning</level>
        <log>{{.Dir}}/log/clickhouse-server.log</log>
        <errorlog>{{.Dir}}/log/clickhouse-server.err.log</errorlog>
        <size>10M</size>
        <count>3</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <tcp_port>{{.TCPPort}}</tcp_port>
    <http_port>{{.HTTPPort}}</http_port>
    <path>{{.Dir}}/data/</path>
    <tmp_path>{{.Dir}}/tmp/</tmp_path>
    <user_files_path>{{.Dir}}/user_files/</user_files_path>
    <format_schema_path>{{.Dir}}/format_schemas/</format_schema_path>
    <users_config>users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <max_concurrent_queries>100</max_concurrent_queries>
    <shutdown_wait_unfinished>5</shutdown_wait_unfinished>
    <mark_cache_size>268435456</mark_cache_size>
    <uncompressed_cache_size>268435456</uncompressed_cache_size>
</yandex>
`))

var usersTmpl = template.Must(template.New("users.xml").Parse(`<?xml version="1.0"?>
<!-- Generated by mcpaudit (internal/localch); rewritten at every start. -->
<yandex>
    <profiles>
        <default>
            <max_memory_usage>4000000000</max_memory_usage>
            <!-- Idle connections notice a shutdown within a second (18.16
                 otherwise holds SIGTERM up to 10s per idle connection). -->
            <poll_interval>1</poll_interval>
        </default>
    </profiles>
    <users>
        <{{.User}}>
{{- if .PasswordSHA256}}
            <password_sha256_hex>{{.PasswordSHA256}}</password_sha256_hex>
{{- else}}
            <password></password>
{{- end}}
            <networks>
                <ip>127.0.0.1</ip>
                <ip>::1</ip>
            </networks>
            <profile>default</profile>
            <quota>default</quota>
        </{{.User}}>
    </users>
    <quotas>
        <default>
        </default>
    </quotas>
</yandex>
`))
