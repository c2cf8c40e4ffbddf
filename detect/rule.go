package detect

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"gopkg.in/yaml.v3"

	"github.com/mcpaudit/mcpaudit/detect/rules"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
)

// Kind is a rule kind: how a rule's conditions are applied to the stream.
type Kind string

// Rule kinds.
const (
	// KindMatch raises an alert for every event its condition selects.
	KindMatch Kind = "match"
	// KindSequence raises an alert when events of one group (the `by` key)
	// satisfy its steps in order within maxspan of event time.
	KindSequence Kind = "sequence"
	// KindThreshold raises an alert when at least count events (or count
	// distinct values of `distinct`) of one group satisfy its condition
	// within window of event time.
	KindThreshold Kind = "threshold"
	// KindNewValue raises an alert when an event its condition selects
	// carries a value (the `value` expression) its group has not had
	// within window of event time: the first-seen or new-terms rule. The
	// first value of a group is learnt silently.
	KindNewValue Kind = "new_value"
)

// Rule is a compiled detection rule. Rules are built only by the loaders
// (LoadRules, LoadBuiltin, LoadDirs, ParseRules), which compile every
// expression once; a Rule is immutable and safe to share between engines.
type Rule struct {
	// ID is unique across the loaded rules; [a-z0-9] words joined by '-'.
	ID string
	// Title is a one-line summary.
	Title string
	// Description says what the rule detects and why it matters.
	Description string
	// Severity is the Sigma level.
	Severity eventv1.Severity
	// Status is experimental, test or stable.
	Status string
	// Tags are SAFE-MCP (safe.t1001), MITRE ATT&CK (attack.t1005) and ATLAS
	// (atlas.aml.t0051) ids.
	Tags []string
	// References are URLs.
	References []string
	// FalsePositives lists known benign causes.
	FalsePositives []string
	// Kind is match, sequence or threshold.
	Kind Kind
	// By is the group-key expression ("" means the session id).
	By string
	// Condition is the event condition of match and threshold rules.
	Condition string
	// Steps are the ordered steps of a sequence rule.
	Steps []Step
	// Until resets a sequence group's state when it is true ("" never).
	Until string
	// MaxSpan bounds a sequence: first to last step, in event time.
	MaxSpan time.Duration
	// Window is a threshold rule's sliding window, in event time.
	Window time.Duration
	// Count is a threshold rule's minimum number of events (or distinct
	// values).
	Count int
	// Distinct, when set, makes a threshold count distinct values of this
	// expression.
	Distinct string
	// Suppress is the window, in event time, after an alert during which the
	// rule raises no other alert for the same group key. Defaults: MaxSpan
	// for sequences, Window for thresholds, 0 (every match alerts) for match
	// rules.
	Suppress time.Duration
	// Source is the file the rule was loaded from (builtin/<file> for the
	// built-in pack).
	Source string

	// Value is a new_value rule's value expression.
	Value string
	// Reasons, when set, is evaluated on each event of an alert and gives
	// the alert's reasons: a list of signal findings (signal.Finding or
	// their fields), or of strings.
	Reasons string

	cond, by, until, distinct, value, reasons *vm.Program
}

// Step is one step of a sequence rule.
type Step struct {
	// Name labels the step (defaults to step1, step2, ...).
	Name string
	// Condition selects the events that satisfy the step.
	Condition string
	// By, when set, is this step's group-key expression: a sequence joins
	// the events whose step keys are equal (EQL's per-step `by`). Steps
	// without it use the rule's `by`.
	By string
	// Absent marks the last step of a sequence as an absence: the
	// sequence completes when no event satisfying Condition arrives in
	// the group within Within of the previous step (EQL's missing event,
	// "not followed by ... within"). The alert is raised when a later
	// event, of any group, moves event time past the deadline.
	Absent bool
	// Within is an absent step's window (default: the rule's maxspan).
	Within time.Duration

	prog, by *vm.Program
}

// ruleFile is the YAML shape of one rule (see doc.go).
type ruleFile struct {
	ID             string     `yaml:"id"`
	Title          string     `yaml:"title"`
	Description    string     `yaml:"description"`
	Severity       string     `yaml:"severity"`
	Status         string     `yaml:"status"`
	Tags           []string   `yaml:"tags"`
	References     []string   `yaml:"references"`
	FalsePositives []string   `yaml:"falsepositives"`
	Kind           string     `yaml:"kind"`
	By             string     `yaml:"by"`
	Condition      string     `yaml:"condition"`
	Steps          []stepFile `yaml:"steps"`
	Until          string     `yaml:"until"`
	MaxSpan        string     `yaml:"maxspan"`
	Window         string     `yaml:"window"`
	Count          int        `yaml:"count"`
	Distinct       string     `yaml:"distinct"`
	Value          string     `yaml:"value"`
	Reasons        string     `yaml:"reasons"`
	Suppress       string     `yaml:"suppress"`
	Author         string     `yaml:"author"`
	Date           string     `yaml:"date"`
	Modified       string     `yaml:"modified"`
}

type stepFile struct {
	Name      string `yaml:"name"`
	Condition string `yaml:"condition"`
	By        string `yaml:"by"`
	Absent    bool   `yaml:"absent"`
	Within    string `yaml:"within"`
}

// RuleError is a problem with one rule: File, the rule's ID (may be empty
// when the id itself is missing, and is empty for problems found while
// reading the YAML, which Doc locates instead) and the offending Field (a
// YAML key such as "condition" or "steps[1].condition"). Field is empty
// only for a document that is not a rule at all (Err wraps ErrDocument).
type RuleError struct {
	// File names the rule file.
	File string
	// Doc is the 1-based number of the YAML document in File (0: unknown).
	Doc int
	// RuleID is the rule's id, when the problem is with a rule's values.
	RuleID string
	// Field is the YAML key at fault.
	Field string
	// Err says what is wrong.
	Err error
}

// ErrDocument is wrapped by the RuleError of a YAML document that is not a
// rule: a YAML syntax error, or a document that is not a mapping of keys.
var ErrDocument = errors.New("not a rule document")

// Error formats the error as "file: rule id: field: reason", or
// "file: document N: field: reason" when no rule id applies.
func (e *RuleError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	switch {
	case e.RuleID != "":
		b.WriteString(": rule ")
		b.WriteString(e.RuleID)
	case e.Doc > 0:
		fmt.Fprintf(&b, ": document %d", e.Doc)
	}
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying error.
func (e *RuleError) Unwrap() error { return e.Err }

// ErrDuplicateRule is wrapped by the error LoadRules, LoadDirs and
// CheckUnique return when two rules share an id.
var ErrDuplicateRule = errors.New("duplicate rule id")

var ruleIDRe = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

var severities = map[string]eventv1.Severity{
	"informational": eventv1.Severity_SEVERITY_INFORMATIONAL,
	"low":           eventv1.Severity_SEVERITY_LOW,
	"medium":        eventv1.Severity_SEVERITY_MEDIUM,
	"high":          eventv1.Severity_SEVERITY_HIGH,
	"critical":      eventv1.Severity_SEVERITY_CRITICAL,
}

// SeverityName returns the Sigma level name of s (informational, low,
// medium, high, critical), or "unspecified".
func SeverityName(s eventv1.Severity) string {
	for k, v := range severities {
		if v == s {
			return k
		}
	}
	return "unspecified"
}

// ParseRules parses and compiles the rules in one YAML file's contents. A
// file holds one rule per YAML document (documents separated by ---). source
// names the file in errors and in Rule.Source. Every problem is reported, as
// *RuleError values joined with errors.Join: each names the key at fault
// (an unknown key, a key given twice, a value of the wrong YAML type, a
// value the rule kind does not allow), except a document that is not a rule
// at all (a YAML syntax error, or not a mapping), which wraps ErrDocument.
func ParseRules(source string, data []byte) ([]*Rule, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []*Rule
	var errs []error
	for doc := 1; ; doc++ {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, &RuleError{File: source, Doc: doc, Err: fmt.Errorf("%w: %w", ErrDocument, err)})
			break // the decoder cannot resynchronise after a syntax error
		}
		rf, derrs := decodeRule(source, doc, &node)
		if len(derrs) > 0 {
			errs = append(errs, derrs...)
			continue
		}
		if rf == nil {
			continue // empty document
		}
		r, err := compileRule(source, rf)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, r)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// ruleKeys maps each YAML key of ruleFile to its field index, in file
// order; stepKeys does the same for stepFile.
var (
	ruleKeys, ruleKeyList = yamlKeys(reflect.TypeFor[ruleFile]())
	stepKeys, stepKeyList = yamlKeys(reflect.TypeFor[stepFile]())
)

func yamlKeys(t reflect.Type) (map[string]int, string) {
	m := map[string]int{}
	var names []string
	for i := range t.NumField() {
		k := t.Field(i).Tag.Get("yaml")
		m[k] = i
		names = append(names, k)
	}
	return m, strings.Join(names, ", ")
}

// decodeRule decodes one YAML document into a ruleFile key by key, so that
// every problem names its key (yaml.v3's own errors give only a line). It
// returns nil and no errors for an empty document.
func decodeRule(source string, doc int, node *yaml.Node) (*ruleFile, []error) {
	root := node
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	for root.Kind == yaml.AliasNode && root.Alias != nil {
		root = root.Alias
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" || root.Kind == 0 || (root.Kind == yaml.DocumentNode && len(root.Content) == 0) {
		return nil, nil
	}
	var errs []error
	bad := func(field string, line int, format string, args ...any) {
		errs = append(errs, &RuleError{File: source, Doc: doc, Field: field, Err: fmt.Errorf("line %d: "+format, append([]any{line}, args...)...)})
	}
	if root.Kind != yaml.MappingNode {
		return nil, []error{&RuleError{File: source, Doc: doc, Err: fmt.Errorf("%w: line %d: want a mapping of rule keys (%s)", ErrDocument, root.Line, ruleKeyList)}}
	}
	rf := &ruleFile{}
	v := reflect.ValueOf(rf).Elem()
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, val := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			bad(fmt.Sprintf("key %d", i/2+1), k.Line, "a rule key must be a plain word (%s)", ruleKeyList)
			continue
		}
		key := k.Value
		idx, ok := ruleKeys[key]
		switch {
		case !ok:
			bad(keyName(key), k.Line, "unknown key; a rule has %s", ruleKeyList)
			continue
		case seen[key]:
			bad(key, k.Line, "given more than once")
			continue
		}
		seen[key] = true
		if key == "steps" {
			steps, serrs := decodeSteps(source, doc, val)
			errs = append(errs, serrs...)
			rf.Steps = steps
			continue
		}
		f := v.Field(idx)
		if err := val.Decode(f.Addr().Interface()); err != nil {
			bad(key, val.Line, "want %s", yamlKind(f.Type()))
		}
	}
	return rf, errs
}

// decodeSteps decodes the steps of a sequence rule.
func decodeSteps(source string, doc int, node *yaml.Node) ([]stepFile, []error) {
	for node.Kind == yaml.AliasNode && node.Alias != nil {
		node = node.Alias
	}
	if node.Kind == yaml.ScalarNode && node.Tag == "!!null" {
		return nil, nil
	}
	var errs []error
	bad := func(field string, line int, format string, args ...any) {
		errs = append(errs, &RuleError{File: source, Doc: doc, Field: field, Err: fmt.Errorf("line %d: "+format, append([]any{line}, args...)...)})
	}
	if node.Kind != yaml.SequenceNode {
		bad("steps", node.Line, "want a list of steps, each with %s", stepKeyList)
		return nil, errs
	}
	steps := make([]stepFile, len(node.Content))
	for i, item := range node.Content {
		for item.Kind == yaml.AliasNode && item.Alias != nil {
			item = item.Alias
		}
		field := fmt.Sprintf("steps[%d]", i)
		if item.Kind != yaml.MappingNode {
			bad(field, item.Line, "want a mapping with %s", stepKeyList)
			continue
		}
		v := reflect.ValueOf(&steps[i]).Elem()
		seen := map[string]bool{}
		for j := 0; j+1 < len(item.Content); j += 2 {
			k, val := item.Content[j], item.Content[j+1]
			idx, ok := stepKeys[k.Value]
			switch {
			case k.Kind != yaml.ScalarNode || !ok:
				bad(field+"."+keyName(k.Value), k.Line, "unknown key; a step has %s", stepKeyList)
				continue
			case seen[k.Value]:
				bad(field+"."+k.Value, k.Line, "given more than once")
				continue
			}
			seen[k.Value] = true
			f := v.Field(idx)
			if err := val.Decode(f.Addr().Interface()); err != nil {
				bad(field+"."+k.Value, val.Line, "want %s", yamlKind(f.Type()))
			}
		}
	}
	return steps, errs
}

// keyName spells an unknown key for RuleError.Field: as it is when it is a
// plain word, quoted otherwise (empty, spaces, dots, invalid UTF-8).
func keyName(k string) string {
	if k == "" || !utf8.ValidString(k) || strings.ContainsFunc(k, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '-'
	}) {
		return strconv.Quote(k)
	}
	return k
}

// yamlKind describes the YAML value a ruleFile field takes.
func yamlKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int:
		return "an integer"
	case reflect.Slice:
		return "a list of " + strings.TrimPrefix(yamlKind(t.Elem()), "a ") + "s"
	}
	return "a " + t.String()
}

func compileRule(source string, rf *ruleFile) (*Rule, error) {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &RuleError{File: source, RuleID: rf.ID, Field: field, Err: fmt.Errorf(format, args...)})
	}
	r := &Rule{
		ID: rf.ID, Title: rf.Title, Description: strings.TrimSpace(rf.Description), Status: rf.Status,
		Tags: rf.Tags, References: rf.References, FalsePositives: rf.FalsePositives,
		Kind: Kind(rf.Kind), By: rf.By, Condition: rf.Condition, Until: rf.Until,
		Count: rf.Count, Distinct: rf.Distinct, Value: rf.Value, Reasons: rf.Reasons, Source: source,
	}
	if !ruleIDRe.MatchString(rf.ID) {
		bad("id", "%q must be lowercase words of [a-z0-9] joined by '-'", rf.ID)
	}
	if strings.TrimSpace(rf.Title) == "" {
		bad("title", "required")
	}
	sev, ok := severities[rf.Severity]
	if !ok {
		bad("severity", "%q is not one of informational, low, medium, high, critical", rf.Severity)
	}
	r.Severity = sev
	switch rf.Status {
	case "":
		r.Status = "experimental"
	case "experimental", "test", "stable":
	default:
		bad("status", "%q is not one of experimental, test, stable", rf.Status)
	}
	for i, t := range rf.Tags {
		if t == "" || t != strings.ToLower(t) || strings.ContainsAny(t, " \t") {
			bad(fmt.Sprintf("tags[%d]", i), "%q must be a lowercase word such as safe.t1001", t)
		}
	}
	dur := func(field, v string, required bool) time.Duration {
		if v == "" {
			if required {
				bad(field, "required for kind %s", rf.Kind)
			}
			return 0
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			bad(field, "%q is not a positive duration such as 5m or 30s", v)
			return 0
		}
		return d
	}
	compile := func(field, src string, asBool bool) *vm.Program {
		opts := exprOptions()
		if asBool {
			opts = append(opts, expr.AsBool())
		}
		p, err := expr.Compile(src, opts...)
		if err != nil {
			bad(field, "compile: %w", err)
			return nil
		}
		return p
	}
	notFor := func(field string, set bool) {
		if set {
			bad(field, "not allowed for kind %s", rf.Kind)
		}
	}
	switch r.Kind {
	case KindMatch:
		if rf.Condition == "" {
			bad("condition", "required for kind match")
		} else {
			r.cond = compile("condition", rf.Condition, true)
		}
		notFor("steps", len(rf.Steps) > 0)
		notFor("maxspan", rf.MaxSpan != "")
		notFor("window", rf.Window != "")
		notFor("count", rf.Count != 0)
		notFor("distinct", rf.Distinct != "")
		notFor("until", rf.Until != "")
	case KindSequence:
		r.MaxSpan = dur("maxspan", rf.MaxSpan, true)
		r.Suppress = r.MaxSpan
		if len(rf.Steps) < 2 {
			bad("steps", "a sequence needs at least 2 steps, got %d", len(rf.Steps))
		}
		for i, s := range rf.Steps {
			name := s.Name
			if name == "" {
				name = fmt.Sprintf("step%d", i+1)
			}
			field := fmt.Sprintf("steps[%d].condition", i)
			st := Step{Name: name, Condition: s.Condition, By: s.By, Absent: s.Absent}
			if s.Condition == "" {
				bad(field, "required")
			} else {
				st.prog = compile(field, s.Condition, true)
			}
			if s.By != "" {
				st.by = compile(fmt.Sprintf("steps[%d].by", i), s.By, false)
			}
			if s.Absent && i != len(rf.Steps)-1 {
				bad(fmt.Sprintf("steps[%d].absent", i), "only the last step of a sequence may be absent")
			}
			if s.Absent && i == 0 {
				bad(fmt.Sprintf("steps[%d].absent", i), "a sequence must start with a present step")
			}
			if s.Within != "" {
				if !s.Absent {
					bad(fmt.Sprintf("steps[%d].within", i), "only allowed on an absent step")
				}
				st.Within = dur(fmt.Sprintf("steps[%d].within", i), s.Within, false)
			} else if s.Absent {
				st.Within = r.MaxSpan
			}
			r.Steps = append(r.Steps, st)
		}
		if rf.Until != "" {
			r.until = compile("until", rf.Until, true)
		}
		notFor("condition", rf.Condition != "")
		notFor("window", rf.Window != "")
		notFor("count", rf.Count != 0)
		notFor("distinct", rf.Distinct != "")
		notFor("value", rf.Value != "")
	case KindNewValue:
		r.Window = dur("window", rf.Window, true)
		if rf.Condition == "" {
			bad("condition", "required for kind new_value")
		} else {
			r.cond = compile("condition", rf.Condition, true)
		}
		if rf.Value == "" {
			bad("value", "required for kind new_value")
		} else {
			r.value = compile("value", rf.Value, false)
		}
		notFor("steps", len(rf.Steps) > 0)
		notFor("maxspan", rf.MaxSpan != "")
		notFor("until", rf.Until != "")
		notFor("count", rf.Count != 0)
		notFor("distinct", rf.Distinct != "")
	case KindThreshold:
		r.Window = dur("window", rf.Window, true)
		r.Suppress = r.Window
		if rf.Count < 1 {
			bad("count", "must be at least 1, got %d", rf.Count)
		}
		if rf.Condition == "" {
			bad("condition", "required for kind threshold")
		} else {
			r.cond = compile("condition", rf.Condition, true)
		}
		if rf.Distinct != "" {
			r.distinct = compile("distinct", rf.Distinct, false)
		}
		notFor("steps", len(rf.Steps) > 0)
		notFor("maxspan", rf.MaxSpan != "")
		notFor("until", rf.Until != "")
		notFor("value", rf.Value != "")
	default:
		bad("kind", "%q is not one of match, sequence, threshold, new_value", rf.Kind)
	}
	if r.Kind == KindMatch {
		notFor("value", rf.Value != "")
	}
	if rf.Reasons != "" {
		r.reasons = compile("reasons", rf.Reasons, false)
	}
	if rf.By != "" {
		r.by = compile("by", rf.By, false)
	}
	if rf.Suppress != "" {
		if rf.Suppress == "0" || rf.Suppress == "0s" {
			r.Suppress = 0
		} else {
			r.Suppress = dur("suppress", rf.Suppress, false)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return r, nil
}

// LoadRules loads every *.yaml and *.yml file under root in fsys (walked in
// lexical order), parses and compiles the rules, and checks that ids are
// unique. Rule.Source is the file's path in fsys. All problems are reported
// together (errors.Join of *RuleError values).
func LoadRules(fsys fs.FS, root string) ([]*Rule, error) {
	return loadFS(fsys, root, func(p string) string { return p })
}

func loadFS(fsys fs.FS, root string, source func(string) string) ([]*Rule, error) {
	var out []*Rule
	var errs []error
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if ext := path.Ext(p); ext != ".yaml" && ext != ".yml" {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("read rule file: %w", err)
		}
		rs, err := ParseRules(source(p), data)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		out = append(out, rs...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load rules: %w", err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := CheckUnique(out); err != nil {
		return nil, err
	}
	return out, nil
}

// LoadBuiltin loads the built-in rule pack embedded from detect/rules.
// Rule.Source is builtin/<file>.
func LoadBuiltin() ([]*Rule, error) {
	return loadFS(rules.FS, ".", func(p string) string { return "builtin/" + p })
}

// LoadDirs loads the rules of each directory (recursively) or single YAML
// file named in paths, checking ids are unique across all of them.
// Rule.Source is the file's path as given (dir joined with the file's path
// inside it).
func LoadDirs(paths ...string) ([]*Rule, error) {
	var out []*Rule
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("load rules: %w", err)
		}
		var rs []*Rule
		if fi.IsDir() {
			dir := p
			rs, err = loadFS(os.DirFS(dir), ".", func(f string) string { return filepath.Join(dir, filepath.FromSlash(f)) })
		} else {
			var data []byte
			data, err = os.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("load rules: %w", err)
			}
			rs, err = ParseRules(p, data)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	if err := CheckUnique(out); err != nil {
		return nil, err
	}
	return out, nil
}

// CheckUnique returns an error wrapping ErrDuplicateRule, naming both source
// files, for every id that appears more than once in rs.
func CheckUnique(rs []*Rule) error {
	seen := make(map[string]*Rule, len(rs))
	var errs []error
	for _, r := range rs {
		if first, ok := seen[r.ID]; ok {
			errs = append(errs, &RuleError{File: r.Source, RuleID: r.ID, Field: "id",
				Err: fmt.Errorf("%w: also defined in %s", ErrDuplicateRule, first.Source)})
			continue
		}
		seen[r.ID] = r
	}
	return errors.Join(errs...)
}

// RuleInfo describes a rule for listings (mcpaudit rules).
type RuleInfo struct {
	// ID is the rule id.
	ID string `json:"id" yaml:"id"`
	// Title is the rule title.
	Title string `json:"title" yaml:"title"`
	// Kind is match, sequence or threshold.
	Kind string `json:"kind" yaml:"kind"`
	// Severity is the Sigma level name.
	Severity string `json:"severity" yaml:"severity"`
	// Status is experimental, test or stable.
	Status string `json:"status" yaml:"status"`
	// Tags are the technique tags.
	Tags []string `json:"tags" yaml:"tags"`
	// Source is the file the rule came from.
	Source string `json:"source" yaml:"source"`
}

// Describe returns one RuleInfo per rule, sorted by id.
func Describe(rs []*Rule) []RuleInfo {
	out := make([]RuleInfo, 0, len(rs))
	for _, r := range rs {
		out = append(out, RuleInfo{
			ID: r.ID, Title: r.Title, Kind: string(r.Kind), Severity: SeverityName(r.Severity),
			Status: r.Status, Tags: slices.Clone(r.Tags), Source: r.Source,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
