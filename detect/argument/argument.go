package argument

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mcpaudit/mcpaudit/detect/signal"
	"github.com/mcpaudit/mcpaudit/internal/secrets"
)

// Bounds on the work one Analyze call does, whatever the arguments hold.
const (
	// MaxStrings is the most string leaves and object keys Analyze
	// examines; the rest are skipped (see Report.Truncated).
	MaxStrings = 2048
	// MaxBytes is the most bytes of strings Analyze examines in total.
	MaxBytes = 1 << 20
	// MaxStringBytes is the most bytes of one string examined (its first
	// MaxStringBytes, cut on a UTF-8 boundary).
	MaxStringBytes = 64 << 10
	// MaxDepth is the deepest nesting of objects and arrays visited.
	MaxDepth = 32
	// maxFindings bounds the findings one analyser keeps (the weightiest).
	maxFindings = 24
)

// Context is what Analyze knows about the call besides its arguments.
type Context struct {
	// ToolName is the called tool's name (tools/call params.name).
	ToolName string
	// ToolDescription is the tool's description from the session's
	// tools/list, when known.
	ToolDescription string
	// ServerName is the MCP server's name (serverInfo.name), when known.
	ServerName string
	// ExecLike is set by the caller when the tool's catalogue capabilities
	// say it runs commands (shell, exec, terminal, run_command, code
	// execution). When false, Analyze still infers it with ExecLikeTool.
	ExecLike bool
	// Roots are the client's advertised roots (roots/list), as file://
	// URIs or paths; empty when unknown.
	Roots []string
}

// Report holds one verdict per analyser for one tools/call's arguments.
// Each Finding's Field is the argument path ("arguments.command",
// "arguments.options.headers[0]"). Scores run from 0 to 1; every analyser
// uses the same level thresholds (see doc.go).
type Report struct {
	// CommandInjection: shell commands that chain or pipe into network
	// tools and interpreters, reverse shells, download-and-run, encoded
	// PowerShell, and shell metacharacters injected into ordinary values.
	CommandInjection signal.Verdict `expr:"command_injection" json:"command_injection"`
	// PrivilegedCommand: privilege escalation and persistence (sudo, setuid,
	// sudoers, cron, privileged containers, kernel modules, disabling
	// security tools, SSH authorized_keys).
	PrivilegedCommand signal.Verdict `expr:"privileged_command" json:"privileged_command"`
	// Destructive: commands and statements that destroy data or systems
	// (rm -rf /, mkfs, dd to a disk, DROP TABLE, DELETE without WHERE,
	// force-push to main, terraform destroy, ...).
	Destructive signal.Verdict `expr:"destructive" json:"destructive"`
	// SSRF: URLs and hosts that point inside (metadata services, loopback,
	// private and link-local ranges in any spelling) or use dangerous
	// schemes (file:, gopher:, dict:, ...).
	SSRF signal.Verdict `expr:"ssrf" json:"ssrf"`
	// Traversal: paths that climb out of their start or the advertised
	// roots, in any encoding, NUL bytes, UNC and /proc/self/root paths.
	Traversal signal.Verdict `expr:"traversal" json:"traversal"`
	// SensitivePath: paths to files that hold credentials or client
	// configuration.
	SensitivePath signal.Verdict `expr:"sensitive_path" json:"sensitive_path"`
	// Listing: listing, globbing or searching a sensitive directory.
	Listing signal.Verdict `expr:"listing" json:"listing"`
	// Secrets: secrets of any kind the shared catalogue knows
	// (internal/secrets), clear or already redacted by the collector.
	Secrets signal.Verdict `expr:"secrets" json:"secrets"`
	// Covert: encoded or high-entropy blobs in URLs and fields, DNS
	// labels, data: URIs and whitespace or invisible-character
	// steganography.
	Covert signal.Verdict `expr:"covert" json:"covert"`
	// Truncated reports that the arguments were larger than the bounds
	// (MaxStrings, MaxBytes, MaxStringBytes, MaxDepth) and only a part was
	// examined.
	Truncated bool `expr:"truncated" json:"truncated,omitempty"`
}

// All merges every analyser's verdict: all findings (weightiest first), the
// highest score and the most severe level.
func (r Report) All() signal.Verdict {
	return signal.Merge(r.CommandInjection, r.PrivilegedCommand, r.Destructive, r.SSRF,
		r.Traversal, r.SensitivePath, r.Listing, r.Secrets, r.Covert)
}

// Level thresholds every analyser applies to its score.
const (
	thresholdLow      = 0.15
	thresholdMedium   = 0.35
	thresholdHigh     = 0.6
	thresholdCritical = 0.85
)

// levelOf maps a score to a level with the thresholds above.
func levelOf(score float64) signal.Level {
	return signal.Thresholds{Low: thresholdLow, Medium: thresholdMedium, High: thresholdHigh, Critical: thresholdCritical}.Level(score)
}

// collector accumulates one analyser's findings.
type collector struct {
	findings []signal.Finding
	at       map[[2]string]int  // (signal, field) → index in findings
	best     map[string]float64 // highest weight per signal
	// quoted are the fields read as documentation or data that quotes
	// commands (markQuoted); nil when none
	quoted map[string]bool
}

// markQuoted records that field was read as text quoting commands
// (documentation, prose, a data file): when every finding is on such
// fields, the verdict takes the strongest signal instead of combining
// them.
func (c *collector) markQuoted(field string) {
	if c.quoted == nil {
		c.quoted = map[string]bool{}
	}
	c.quoted[field] = true
}

// quotedOnly reports findings that all sit on fields markQuoted recorded.
func (c *collector) quotedOnly() bool {
	if len(c.quoted) == 0 || len(c.findings) == 0 {
		return false
	}
	for _, f := range c.findings {
		if !c.quoted[f.Field] {
			return false
		}
	}
	return true
}

// maxStored bounds the findings a collector keeps while adding; past it a
// new finding replaces the lightest one if it weighs more. The score
// still counts every signal (best).
const maxStored = 256

// add records a finding; the same signal on the same field keeps only its
// weightiest instance.
func (c *collector) add(sig, field, span string, w float64) {
	w = math.Round(min(max(w, 0), 1)*1000) / 1000
	if c.at == nil {
		c.at, c.best = map[[2]string]int{}, map[string]float64{}
	}
	c.best[sig] = max(c.best[sig], w)
	k := [2]string{sig, field}
	if i, ok := c.at[k]; ok {
		if f := &c.findings[i]; w > f.Weight {
			f.Weight, f.Span = w, span
		}
		return
	}
	f := signal.Finding{Signal: sig, Field: field, Span: span, Weight: w}
	if len(c.findings) < maxStored {
		c.at[k] = len(c.findings)
		c.findings = append(c.findings, f)
		return
	}
	light := 0
	for i := range c.findings {
		if c.findings[i].Weight < c.findings[light].Weight {
			light = i
		}
	}
	if w > c.findings[light].Weight {
		old := c.findings[light]
		delete(c.at, [2]string{old.Signal, old.Field})
		c.findings[light] = f
		c.at[k] = light
	}
}

// drop removes the findings on field and recomputes the per-signal
// weights from those left.
func (c *collector) drop(field string) {
	kept := c.findings[:0]
	for _, f := range c.findings {
		if f.Field != field {
			kept = append(kept, f)
		}
	}
	c.findings = kept
	c.at, c.best = map[[2]string]int{}, map[string]float64{}
	for i, f := range c.findings {
		c.at[[2]string{f.Signal, f.Field}] = i
		c.best[f.Signal] = max(c.best[f.Signal], f.Weight)
	}
}

// verdict combines the findings: per signal its highest weight, then the
// noisy-or of those, 1-Π(1-w), so independent signals reinforce each other
// and the same signal on many fields counts once.
func (c *collector) verdict() signal.Verdict {
	if len(c.findings) == 0 {
		return signal.Verdict{}
	}
	sigs := make([]string, 0, len(c.best))
	for s := range c.best {
		sigs = append(sigs, s)
	}
	slices.Sort(sigs) // a fixed order, so the float product is reproducible
	keep := 1.0
	for _, s := range sigs {
		keep *= 1 - c.best[s]
	}
	score := math.Round((1-keep)*1000) / 1000
	if c.quotedOnly() {
		// what documentation quotes does not add up: a case note that
		// quotes one encoded download cradle shows one command, however
		// many signals that command raises
		score = 0
		for _, w := range c.best {
			score = max(score, w)
		}
	}
	signal.Sort(c.findings)
	fs := c.findings
	if len(fs) > maxFindings {
		fs = fs[:maxFindings]
	}
	return signal.Verdict{Score: score, Level: levelOf(score), Findings: slices.Clip(fs)}
}

// item is one string Analyze examines.
type item struct {
	field  string // argument path
	rawKey string // name of the nearest object key, as written ("" at the top)
	key    string // rawKey in lower case
	s      string
	isKey  bool // s is an object key, not a value
	isNum  bool // s is a number's text
	kc     keyClass
	blob   bool // the key names encoded file content (isBlobKey)
	id     bool // the key names an identifier or digest (idKey)
	low    string
	lowOK  bool
	// sc is the string tokenized as a command line, when it was run as one.
	sc *shScript
	// embedded: the item is a member of JSON text inside a string (a
	// request body, a file's content), not an argument of its own
	embedded bool
	// jsonText: the string is JSON text whose members are items of
	// their own; the command analysers read the members, not it
	jsonText bool
}

// lower returns s in lower case, computed once.
func (it *item) lower() string {
	if !it.lowOK {
		it.low, it.lowOK = strings.ToLower(it.s), true
	}
	return it.low
}

// analysis is the state of one Analyze call.
type analysis struct {
	ctx Context
	// grantingCall: a string of the call names an IAM operation that
	// grants (a generic cloud tool's operation_name attach-user-policy)
	grantingCall bool
	exec         bool
	tool         toolKind
	roots        []string
	items        []item
	bytes        int
	trunc        bool
	cmd          collector
	priv         collector
	destr        collector
	ssrf         collector
	trav         collector
	sens         collector
	list         collector
	secret       collector
	covert       collector
	matchMem     map[string][]secrets.Match
	safeMemo     map[string]string
	keyMemo      map[string]keyInfo
	// jsonLeft is how many more JSON texts inside strings may be walked.
	jsonLeft int
	// inJSON is the depth of JSON texts inside strings being walked.
	inJSON int
	// dataFile memoises dataFileWrite once the items are collected: 0
	// not yet read, 1 yes, -1 no
	dataFile int8
	// shellBudget is how many more bytes of shell text this call may
	// tokenize (decoded and inline scripts included).
	shellBudget int
	// pathArg: some argument is named for a file path (path, file, dir).
	pathArg bool
	// sent are the credentials found, for foreignSecrets.
	sent []sentSecret
	// toolWords are the words of the tool's name (nameWords).
	toolWords []string
	// docPath: 1 when a path argument names a document file, -1 when
	// none does, 0 before document first looks.
	docPath int8
}

// localWrite reports a tool that writes local files: its name says it
// writes, not fetches or sends, and an argument names a path.
func (a *analysis) localWrite() bool {
	return a.tool.write && !a.tool.fetch && a.pathArg
}

// maxShellTotal bounds the shell text one Analyze call tokenizes.
const maxShellTotal = 512 << 10

// parseShell tokenizes s within the call's budget; past it, s reads as
// no commands (and the report as truncated).
func (a *analysis) parseShell(s string) *shScript {
	n := min(len(s), maxShellBytes)
	if n > a.shellBudget {
		a.trunc = true
		return &shScript{truncated: true}
	}
	a.shellBudget -= max(n, 64)
	return parseShell(s)
}

// keyInfo is what an argument key says, computed once per distinct key.
type keyInfo struct {
	lower    string
	kc       keyClass
	blob, id bool
}

// Analyze runs every argument analyser over args (a tools/call's decoded
// arguments) in one pass over its string leaves and object keys, in sorted
// key order, within the bounds MaxStrings, MaxBytes, MaxStringBytes and
// MaxDepth. It never fails; nil or empty args give an empty Report. It is
// safe for concurrent use.
func Analyze(args map[string]any, ctx Context) Report {
	a := &analysis{ctx: ctx, shellBudget: maxShellTotal, jsonLeft: 16}
	a.exec = ctx.ExecLike || ExecLikeTool(ctx.ToolName, ctx.ToolDescription)
	a.toolWords = nameWords(ctx.ToolName)
	a.tool = classifyTool(ctx.ToolName, ctx.ToolDescription)
	a.roots = normalizeRoots(ctx.Roots)
	a.walk(args, "arguments", "", 0)
	if a.exec {
		a.joinArgv(args, "arguments", 0)
	}
	for i := range a.items {
		if !a.items[i].isKey && grantingOperation(a.items[i].lower()) {
			a.grantingCall = true
			break
		}
	}
	for i := range a.items {
		a.analyzeItem(&a.items[i])
	}
	a.wrappedCommands(args)
	a.destructiveObject(args)
	a.grantObject(args)
	a.foreignSecrets()
	a.analyzeObjects(args)
	return Report{
		CommandInjection:  a.cmd.verdict(),
		PrivilegedCommand: a.priv.verdict(),
		Destructive:       a.destr.verdict(),
		SSRF:              a.ssrf.verdict(),
		Traversal:         a.trav.verdict(),
		SensitivePath:     a.sens.verdict(),
		Listing:           a.list.verdict(),
		Secrets:           a.secret.verdict(),
		Covert:            a.covert.verdict(),
		Truncated:         a.trunc,
	}
}

// walk collects the strings of v in sorted key order.
func (a *analysis) walk(v any, field, key string, depth int) {
	if depth > MaxDepth {
		a.trunc = true
		return
	}
	switch x := v.(type) {
	case string:
		n := len(a.items)
		a.addItem(item{field: field, rawKey: key, s: x})
		// JSON text inside a string (a request body, a config) is
		// walked as arguments too, so its members keep their names.
		if t := strings.TrimSpace(x); len(t) >= 2 && len(t) <= MaxStringBytes && a.jsonLeft > 0 &&
			(t[0] == '{' && t[len(t)-1] == '}' || t[0] == '[' && t[len(t)-1] == ']') {
			var inner any
			if json.Unmarshal([]byte(t), &inner) == nil {
				if len(a.items) > n {
					a.items[n].jsonText = true
				}
				a.jsonLeft--
				a.inJSON++
				a.walk(inner, field, key, depth+1)
				a.inJSON--
			}
		}
	case json.Number:
		a.addItem(item{field: field, rawKey: key, s: x.String(), isNum: true})
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			a.addItem(item{field: field, rawKey: key, s: strconv.FormatInt(int64(x), 10), isNum: true})
		}
	case int:
		a.addItem(item{field: field, rawKey: key, s: strconv.Itoa(x), isNum: true})
	case int64:
		a.addItem(item{field: field, rawKey: key, s: strconv.FormatInt(x, 10), isNum: true})
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			f := fieldPath(field, k)
			a.addItem(item{field: f, rawKey: k, s: k, isKey: true})
			a.walk(x[k], f, k, depth+1)
		}
	case []any:
		for i, e := range x {
			a.walk(e, field+"["+strconv.Itoa(i)+"]", key, depth+1)
		}
	}
}

// addItem records s for analysis if the bounds allow.
func (a *analysis) addItem(it item) {
	if it.s == "" {
		return
	}
	it.embedded = a.inJSON > 0
	if c, ok := a.keyMemo[it.rawKey]; ok {
		it.key, it.kc, it.blob, it.id = c.lower, c.kc, c.blob, c.id
	} else {
		// Classified as written, so camelCase splits into words.
		it.key = strings.ToLower(it.rawKey)
		w := nameWords(it.rawKey)
		it.kc, it.blob, it.id = keyOther, false, false
		if it.rawKey != "" {
			it.kc, it.blob, it.id = classifyKeyWords(w), isBlobKeyWords(w), idKeyWords(it.rawKey, w)
		}
		if a.keyMemo == nil {
			a.keyMemo = map[string]keyInfo{}
		}
		a.keyMemo[it.rawKey] = keyInfo{it.key, it.kc, it.blob, it.id}
	}
	if len(a.items) >= MaxStrings || a.bytes >= MaxBytes {
		a.trunc = true
		return
	}
	limit := min(MaxStringBytes, MaxBytes-a.bytes)
	if len(it.s) > limit {
		it.s = cutUTF8(it.s, limit)
		a.trunc = true
	}
	a.bytes += len(it.s)
	if it.kc == keyPath && !it.isKey {
		a.pathArg = true
	}
	a.items = append(a.items, it)
}

// cutUTF8 returns s's first n bytes or fewer, on a rune boundary.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// fieldPath appends key k to path p: ".k" for identifier-like keys,
// `["k"]` otherwise.
func fieldPath(p, k string) string {
	plain := k != ""
	for i := 0; i < len(k) && plain; i++ {
		c := k[i]
		plain = c == '_' || c == '-' || c == '$' || c == '@' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
	}
	if plain {
		return p + "." + k
	}
	return p + "[" + strconv.Quote(k) + "]"
}

// analyzeItem runs the per-string analysers on it.
func (a *analysis) analyzeItem(it *item) {
	if it.isNum {
		a.ssrfNumber(it)
		return
	}
	a.secretsItem(it)
	a.commandItem(it)
	a.ssrfItem(it)
	a.pathItem(it)
	if !it.isKey {
		a.covertItem(it)
	}
}

// matches returns the secrets in s, computed once per distinct string.
func (a *analysis) matches(s string) []secrets.Match {
	if m, ok := a.matchMem[s]; ok {
		return m
	}
	if a.matchMem == nil {
		a.matchMem = map[string][]secrets.Match{}
	}
	m := catalogue.Find(s)
	a.matchMem[s] = m
	return m
}

// catalogue is the shared secret catalogue (the collector redacts with the
// same rules).
var catalogue = secrets.NewRedactor()

// span returns the text of s around [start, end) that a Finding may carry:
// a little context either side, every secret in it replaced by its marker,
// clipped to signal.MaxSpan.
func (a *analysis) span(s string, start, end int) string {
	start, end = max(0, min(start, len(s))), max(0, min(end, len(s)))
	if end < start {
		start, end = end, start
	}
	const ctxBytes = 16
	ws, we := max(0, start-ctxBytes), min(len(s), max(end, start+signal.MaxSpan-2*ctxBytes)+ctxBytes)
	for ws > 0 && !utf8.RuneStart(s[ws]) {
		ws--
	}
	for we < len(s) && !utf8.RuneStart(s[we]) {
		we++
	}
	var b strings.Builder
	last := ws
	for _, m := range a.matches(s) {
		if m.End <= ws || m.Start >= we {
			continue
		}
		if m.Start > last {
			b.WriteString(s[last:m.Start])
		}
		b.WriteString(secrets.Marker(m.Kind))
		last = max(last, m.End)
	}
	if last < we {
		b.WriteString(s[last:we])
	}
	return a.safe(b.String())
}

// safe is safeText, computed once per distinct text in this call (many
// findings share a span).
func (a *analysis) safe(t string) string {
	if v, ok := a.safeMemo[t]; ok {
		return v
	}
	if a.safeMemo == nil {
		a.safeMemo = map[string]string{}
	}
	v := safeText(t)
	a.safeMemo[t] = v
	return v
}

// safeText clips t and makes sure no secret the catalogue knows survives
// in it (cutting can make a fragment match).
func safeText(t string) string {
	t = strings.ToValidUTF8(t, "\uFFFD")
	for range 3 {
		t = signal.Clip(catalogue.Redact(signal.Clip(t), nil))
		if len(t) <= signal.MaxSpan && !hasClearSecret(t) {
			return t
		}
	}
	return "[REDACTED:span]"
}

// hasClearSecret reports whether t holds a secret in clear.
func hasClearSecret(t string) bool {
	for _, m := range catalogue.Find(t) {
		if !m.Marker {
			return true
		}
	}
	return false
}

// spanAll is span over the whole of s.
func (a *analysis) spanAll(s string) string { return a.span(s, 0, len(s)) }

// lazy returns a function computing f's value once, on first use (spans
// cost a redaction pass and most checks find nothing).
func lazy(f func() string) func() string {
	var v string
	done := false
	return func() string {
		if !done {
			v, done = f(), true
		}
		return v
	}
}

// argvKeys name an argument vector; programKeys the program it is for.
var (
	argvKeys    = set("args", "argv", "arguments", "params", "parameters", "command_args", "cmd_args")
	programKeys = set("command", "cmd", "program", "executable", "binary", "bin", "exe", "file", "shell")
)

// joinArgv finds, in an exec-like tool's arguments, a program and its
// argument vector given apart ({"command": "nc", "args": ["-e",
// "/bin/sh", ...]}) and adds the command line they make, quoted, as one
// more string to analyse, under the vector's field.
func (a *analysis) joinArgv(v any, field string, depth int) {
	m, ok := v.(map[string]any)
	if !ok || depth > 4 {
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	prog := ""
	for _, k := range keys {
		if s, ok := m[k].(string); ok && programKeys[strings.ToLower(k)] {
			prog = s
		}
	}
	if cli := a.cliProgram(); cli != "" && depth == 0 {
		if prog != "" && !strings.HasPrefix(strings.ToLower(prog), cli) {
			// tf_run {"command": "destroy", "auto_approve": true}: the
			// tool's program runs the subcommand, with its boolean flags
			cmd := cli + " " + prog
			for _, k := range keys {
				if b, ok := m[k].(bool); ok && b {
					cmd += " --" + strings.ReplaceAll(strings.ToLower(k), "_", "-")
				}
			}
			a.addItem(item{field: fieldPath(field, "command"), rawKey: "command", s: cmd})
			prog = ""
		}
		if prog == "" {
			prog = cli // git_run {"args": ["push", "--force", …]}
		}
	}
	for _, k := range keys {
		arr, ok := m[k].([]any)
		if !ok || !argvKeys[strings.ToLower(k)] || len(arr) == 0 {
			continue
		}
		var b strings.Builder
		if prog != "" {
			b.WriteString(prog)
		}
		n := 0
		for _, e := range arr {
			s, ok := e.(string)
			if !ok || b.Len() > maxShellBytes {
				continue
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(shellQuote(s))
			n++
		}
		if n > 0 {
			a.addItem(item{field: fieldPath(field, k), rawKey: "command", s: b.String()})
		}
	}
	for _, k := range keys {
		a.joinArgv(m[k], fieldPath(field, k), depth+1)
	}
}

// cliPrograms are command-line programs a tool may be named after
// (git_run, run_gcloud_command, tf_apply), with the program they run.
var cliPrograms = map[string]string{"git": "git", "kubectl": "kubectl", "k8s": "kubectl", "gcloud": "gcloud", "aws": "aws", "az": "az",
	"terraform": "terraform", "tf": "terraform", "helm": "helm", "docker": "docker", "gh": "gh", "psql": "psql", "redis": "redis-cli", "npm": "npm"}

// cliProgram returns the program an exec-like tool is named after, "" for
// none.
func (a *analysis) cliProgram() string {
	for _, w := range a.toolWords {
		if p := cliPrograms[w]; p != "" {
			return p
		}
	}
	return ""
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// plain word characters.
func shellQuote(s string) string {
	plain := s != ""
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = isAlpha(c) || '0' <= c && c <= '9' || strings.IndexByte("-_./=:@%+,", c) >= 0
	}
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
