// Package eval measures a detection rule set on labelled MCP sessions: it
// replays each case of a corpus (detect/testdata/corpus/README.md gives the
// format) through the real observer a tap uses (ingest/mcpwire), the real
// collector (ingest.Service: validation, redaction, caps) and a fresh
// detection engine, and reports per family the share of attack cases that
// raised an alert and the share that raised one with the expected SAFE-MCP
// technique, and the share of benign cases that raised any alert.
//
// Each case runs in its own engine, so state (session catalogues, the
// definition baseline, the cross-server view) never leaks from one case
// into another; the connections of one case share that engine, as the
// sessions of one client do in production.
package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"google.golang.org/protobuf/proto"

	"github.com/mcpaudit/mcpaudit/detect"
	"github.com/mcpaudit/mcpaudit/ingest"
	"github.com/mcpaudit/mcpaudit/ingest/mcpwire"
	"github.com/mcpaudit/mcpaudit/internal/auth"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	ingestv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/ingest/v1"
)

// Labels of a case.
const (
	LabelAttack = "attack"
	LabelBenign = "benign"
)

// Case is one labelled session, as stored in a corpus file.
type Case struct {
	// ID is unique in the corpus; the file is named ID.json.
	ID string `json:"id"`
	// Family groups cases for reporting (lowercase words joined by _).
	Family string `json:"family"`
	// Label is attack or benign.
	Label string `json:"label"`
	// Techniques are, for attacks, the tags some alert must carry: each
	// entry is matched by an alert tag equal to it or to one of its
	// alternatives joined by "|".
	Techniques []string `json:"techniques"`
	// Summary says what happens, in one line.
	Summary string `json:"summary"`
	// References are the public sources the case was written from.
	References []string `json:"references,omitempty"`
	// Client and Principal describe the agent side.
	Client    Implementation `json:"client"`
	Principal Principal      `json:"principal"`
	// Connections are the MCP sessions of the case.
	Connections []Connection `json:"connections"`

	// File is where the case was loaded from.
	File string `json:"-"`
}

// Implementation is an MCP Implementation (name, version).
type Implementation struct {
	// Name is clientInfo.name.
	Name string `json:"name"`
	// Version is clientInfo.version.
	Version string `json:"version"`
}

// Principal is who the agent acts for.
type Principal struct {
	// Subject is principal.subject (for stdio taps, the OS user).
	Subject string `json:"subject"`
	// SourceIP is principal.source_ip.
	SourceIP string `json:"source_ip"`
}

// Connection is one MCP session: a client-server connection.
type Connection struct {
	// SessionID overrides the generated session id.
	SessionID string `json:"session_id,omitempty"`
	// Transport is stdio (default) or streamable_http.
	Transport string `json:"transport"`
	// Messages are the frames in order.
	Messages []Message `json:"messages"`
}

// Message is one frame of a connection.
type Message struct {
	// Dir is c2s (client to server) or s2c.
	Dir string `json:"dir"`
	// AtMS is the time of the frame in milliseconds from the case start.
	AtMS int64 `json:"at_ms"`
	// Message is the JSON-RPC message (any JSON value, written as one
	// line).
	Message json.RawMessage `json:"message,omitempty"`
	// Raw, instead of Message, is a frame replayed as it is (a line that
	// is not JSON).
	Raw *string `json:"raw,omitempty"`
}

var familyRe = regexp.MustCompile(`^[a-z0-9]+(?:_[a-z0-9]+)*$`)

// CaseError is a problem with one case file: File, the JSON field at fault
// (`connections[0].messages[3].dir`) and what is wrong.
type CaseError struct {
	// File is the case file.
	File string
	// Field is the JSON field at fault ("" for the whole file).
	Field string
	// Err says what is wrong.
	Err error
}

// Error formats "file: field: reason".
func (e *CaseError) Error() string {
	if e.Field == "" {
		return e.File + ": " + e.Err.Error()
	}
	return e.File + ": " + e.Field + ": " + e.Err.Error()
}

// Unwrap returns the reason.
func (e *CaseError) Unwrap() error { return e.Err }

// Validate checks a case's fields and reports every problem, as
// *CaseError values joined with errors.Join.
func (c *Case) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &CaseError{File: c.File, Field: field, Err: fmt.Errorf(format, args...)})
	}
	if c.ID == "" {
		bad("id", "required")
	} else if base := strings.TrimSuffix(filepath.Base(c.File), ".json"); c.File != "" && base != c.ID {
		bad("id", "%q differs from the file name %q", c.ID, base)
	}
	if !familyRe.MatchString(c.Family) {
		bad("family", "%q must be lowercase words joined by _", c.Family)
	}
	switch c.Label {
	case LabelAttack:
		if len(c.Techniques) == 0 {
			bad("techniques", "an attack case needs at least one expected technique")
		}
	case LabelBenign:
		if len(c.Techniques) > 0 {
			bad("techniques", "a benign case expects no technique")
		}
	default:
		bad("label", "%q is not attack or benign", c.Label)
	}
	for i, t := range c.Techniques {
		for _, alt := range strings.Split(t, "|") {
			if alt == "" || alt != strings.ToLower(alt) || strings.ContainsAny(alt, " \t") {
				bad(fmt.Sprintf("techniques[%d]", i), "%q: want lowercase tags such as safe.t1001, alternatives joined by |", t)
			}
		}
	}
	if len(c.Connections) == 0 {
		bad("connections", "at least one connection is required")
	}
	for i, conn := range c.Connections {
		switch conn.Transport {
		case "", "stdio", "streamable_http":
		default:
			bad(fmt.Sprintf("connections[%d].transport", i), "%q is not stdio or streamable_http", conn.Transport)
		}
		if len(conn.Messages) == 0 {
			bad(fmt.Sprintf("connections[%d].messages", i), "empty")
		}
		for j, m := range conn.Messages {
			f := fmt.Sprintf("connections[%d].messages[%d]", i, j)
			if m.Dir != "c2s" && m.Dir != "s2c" {
				bad(f+".dir", "%q is not c2s or s2c", m.Dir)
			}
			if m.AtMS < 0 {
				bad(f+".at_ms", "negative")
			}
			if time.Duration(m.AtMS)*time.Millisecond > maxCaseSpan {
				bad(f+".at_ms", "%d is more than %s after the case's start", m.AtMS, maxCaseSpan)
			}
			if (len(m.Message) == 0) == (m.Raw == nil) {
				bad(f, "give exactly one of message and raw")
			}
		}
	}
	return errors.Join(errs...)
}

// LoadCases reads every *.json file under each of roots (directories,
// walked in lexical order, or single files), skipping floors.json. All
// problems are reported together.
func LoadCases(roots ...string) ([]*Case, error) {
	l := loader{seen: map[string]string{}}
	for _, root := range roots {
		fi, err := os.Stat(root)
		if err != nil {
			return nil, fmt.Errorf("load cases: %w", err)
		}
		if !fi.IsDir() {
			dir, file := filepath.Split(root)
			l.file(os.DirFS(filepath.Join(dir, ".")), file, root)
			continue
		}
		if err := l.walk(os.DirFS(root), ".", func(p string) string { return filepath.Join(root, filepath.FromSlash(p)) }); err != nil {
			return nil, err
		}
	}
	return l.done()
}

// LoadCasesFS reads every *.json file under root in fsys, like LoadCases.
func LoadCasesFS(fsys fs.FS, root string) ([]*Case, error) {
	l := loader{seen: map[string]string{}}
	if err := l.walk(fsys, root, func(p string) string { return p }); err != nil {
		return nil, err
	}
	return l.done()
}

type loader struct {
	out  []*Case
	errs []error
	seen map[string]string
}

func (l *loader) walk(fsys fs.FS, root string, name func(string) string) error {
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path.Ext(p) != ".json" || path.Base(p) == FloorsFile {
			return nil
		}
		l.file(fsys, p, name(p))
		return nil
	})
	if err != nil {
		return fmt.Errorf("load cases: %w", err)
	}
	return nil
}

func (l *loader) file(fsys fs.FS, p, name string) {
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		l.errs = append(l.errs, &CaseError{File: name, Err: err})
		return
	}
	c := &Case{}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		l.errs = append(l.errs, &CaseError{File: name, Err: fmt.Errorf("decode: %w", err)})
		return
	}
	c.File = name
	if err := c.Validate(); err != nil {
		l.errs = append(l.errs, err)
		return
	}
	if prev, ok := l.seen[c.ID]; ok {
		l.errs = append(l.errs, &CaseError{File: name, Field: "id", Err: fmt.Errorf("%q also used by %s", c.ID, prev)})
		return
	}
	l.seen[c.ID] = name
	l.out = append(l.out, c)
}

func (l *loader) done() ([]*Case, error) {
	if err := errors.Join(l.errs...); err != nil {
		return nil, err
	}
	return l.out, nil
}

// Result is what one case raised.
type Result struct {
	// Case is the case replayed.
	Case *Case
	// Alerts are the alerts raised, in order.
	Alerts []*eventv1.Alert
	// Events is the number of events the case produced.
	Events int
	// Missing are the expected technique entries no alert matched.
	Missing []string
}

// Alerted reports whether the case raised any alert.
func (r *Result) Alerted() bool { return len(r.Alerts) > 0 }

// Agreed reports whether an attack case raised alerts carrying every
// expected technique.
func (r *Result) Agreed() bool { return r.Alerted() && len(r.Missing) == 0 }

// RuleIDs returns the distinct ids of the rules that fired, sorted.
func (r *Result) RuleIDs() []string {
	var out []string
	for _, a := range r.Alerts {
		out = append(out, a.GetRuleId())
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// Runner replays cases. The zero value is not usable; use NewRunner.
type Runner struct {
	rules     []*detect.Rule
	collector *ingest.Service
	sink      *sink
}

// sink is the collector's Kafka writer: it keeps the messages of the
// current Export.
type sink struct{ msgs []kafkago.Message }

func (s *sink) WriteMessages(_ context.Context, msgs ...kafkago.Message) error {
	s.msgs = append(s.msgs, msgs...)
	return nil
}

// NewRunner returns a Runner for rules, with a collector configured as
// ingest.DefaultConfig (redaction on).
func NewRunner(rules []*detect.Rule) (*Runner, error) {
	authn, err := auth.New(auth.Config{AllowAnonymous: true})
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	s := &sink{}
	cfg := ingest.DefaultConfig()
	cfg.FingerprintKey = evalFingerprintKey
	// A case replays its traffic ending now, so its first event is as old
	// as the case is long; a memory planted a month before it is read is
	// such a case. The collector's window for late events is a
	// deployment's choice, not a limit on what a case may span.
	cfg.MaxEventAge = maxCaseSpan
	col, err := ingest.New(cfg, s, authn, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("eval: collector: %w", err)
	}
	return &Runner{rules: rules, collector: col, sink: s}, nil
}

// maxCaseSpan bounds the time from a case's first message to its last
// (at_ms), as LoadCases checks.
const maxCaseSpan = 400 * 24 * time.Hour

// evalFingerprintKey is the redaction fingerprint key the collector and
// the engine of a run share, as they do in one deployment.
const evalFingerprintKey = "mcpaudit-eval"

type frame struct {
	conn int
	seq  int
	m    Message
}

// Run replays one case and returns what it raised. Errors are the
// collector refusing a request outright (a bug in the case or the
// pipeline); events it refuses one by one are counted as not delivered.
func (r *Runner) Run(ctx context.Context, c *Case) (*Result, error) {
	engine := detect.NewEngine(r.rules, nil, detect.WithFingerprintKey([]byte(evalFingerprintKey)))
	var frames []frame
	var end int64
	for i, conn := range c.Connections {
		for j, m := range conn.Messages {
			frames = append(frames, frame{conn: i, seq: j, m: m})
			end = max(end, m.AtMS)
		}
	}
	sort.SliceStable(frames, func(a, b int) bool { return frames[a].m.AtMS < frames[b].m.AtMS })
	start := time.Now().Add(-time.Duration(end)*time.Millisecond - time.Second).Truncate(time.Millisecond)
	observers := make([]*mcpwire.Observer, len(c.Connections))
	for i, conn := range c.Connections {
		cfg := mcpwire.DefaultConfig()
		cfg.Source = &eventv1.Source{Kind: eventv1.SourceKind_SOURCE_KIND_TAP, Name: "mcpaudit-eval", Host: "eval-" + c.ID}
		cfg.SessionID = conn.SessionID
		if cfg.SessionID == "" {
			cfg.SessionID = fmt.Sprintf("%s/%d", c.ID, i)
		}
		cfg.Transport = eventv1.Transport_TRANSPORT_STDIO
		if conn.Transport == "streamable_http" {
			cfg.Transport = eventv1.Transport_TRANSPORT_STREAMABLE_HTTP
		}
		cfg.PrincipalSubject = c.Principal.Subject
		observers[i] = mcpwire.NewObserver(cfg)
	}
	res := &Result{Case: c}
	for _, f := range frames {
		dir := eventv1.Direction_DIRECTION_CLIENT_TO_SERVER
		if f.m.Dir == "s2c" {
			dir = eventv1.Direction_DIRECTION_SERVER_TO_CLIENT
		}
		line := []byte(nil)
		if f.m.Raw != nil {
			line = []byte(*f.m.Raw)
		} else {
			var b bytes.Buffer
			if err := json.Compact(&b, f.m.Message); err != nil {
				return nil, &CaseError{File: c.File, Field: fmt.Sprintf("connections[%d].messages[%d].message", f.conn, f.seq), Err: err}
			}
			line = b.Bytes()
		}
		evs := observers[f.conn].Observe(dir, line, start.Add(time.Duration(f.m.AtMS)*time.Millisecond))
		for _, ev := range evs {
			if ev.GetPrincipal() == nil {
				ev.Principal = &eventv1.Principal{}
			}
			ev.Principal.SourceIp = c.Principal.SourceIP
			if ev.GetClient() == nil && c.Client.Name != "" {
				ev.Client = &eventv1.Implementation{Name: c.Client.Name, Version: c.Client.Version}
			}
		}
		delivered, err := r.collect(ctx, evs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.File, err)
		}
		for _, ev := range delivered {
			res.Events++
			res.Alerts = append(res.Alerts, engine.Process(ev)...)
		}
	}
	res.Missing = missing(c.Techniques, res.Alerts)
	return res, nil
}

// collect sends evs through the collector and returns the events it
// wrote, decoded from the Kafka messages.
func (r *Runner) collect(ctx context.Context, evs []*eventv1.Event) ([]*eventv1.Event, error) {
	if len(evs) == 0 {
		return nil, nil
	}
	r.sink.msgs = r.sink.msgs[:0]
	if _, err := r.collector.Export(ctx, &ingestv1.ExportRequest{Events: evs}); err != nil {
		return nil, fmt.Errorf("collector: %w", err)
	}
	out := make([]*eventv1.Event, 0, len(r.sink.msgs))
	for _, m := range r.sink.msgs {
		ev := &eventv1.Event{}
		if err := proto.Unmarshal(m.Value, ev); err != nil {
			return nil, fmt.Errorf("decode collector output: %w", err)
		}
		out = append(out, ev)
	}
	return out, nil
}

// missing returns the technique entries no alert's tags match.
func missing(want []string, alerts []*eventv1.Alert) []string {
	var out []string
	for _, w := range want {
		alts := strings.Split(w, "|")
		ok := slices.ContainsFunc(alerts, func(a *eventv1.Alert) bool {
			return slices.ContainsFunc(a.GetTags(), func(t string) bool { return slices.Contains(alts, t) })
		})
		if !ok {
			out = append(out, w)
		}
	}
	return out
}
