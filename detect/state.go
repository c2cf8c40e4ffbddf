package detect

import (
	"container/list"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash/maphash"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mcpaudit/mcpaudit/detect/canon"
	"github.com/mcpaudit/mcpaudit/detect/catalog"
	"github.com/mcpaudit/mcpaudit/detect/injection"
	"github.com/mcpaudit/mcpaudit/detect/signal"
	"github.com/mcpaudit/mcpaudit/internal/secrets"
	eventv1 "github.com/mcpaudit/mcpaudit/proto/mcpaudit/event/v1"
	"golang.org/x/net/publicsuffix"
)

// This file holds the state the engine keeps besides rule state and shows
// rules through Env: per session, the tool catalogue of the last
// tools/list, the capabilities the session's calls used, the values its
// results disclosed (as fingerprints only), consent given through
// elicitation and the client's roots; per tenant and server, the baseline
// of tool definitions (Baseline, shared by replicas); per client, the
// servers and tools it was offered (the cross-server view).

// Bounds of the engine's session and client state.
const (
	// DefaultMaxSessions caps the sessions whose state is kept; the least
	// recently seen is forgotten beyond it.
	DefaultMaxSessions = 100_000
	// maxCatalogTools caps the tools remembered per session.
	maxCatalogTools = 1024
	// maxTaints caps the fingerprints remembered per session.
	maxTaints = 512
	// clientWindow is how long a client's view of a server lasts without
	// a new tools/list from it.
	clientWindow = 24 * time.Hour
	// sessionIdle is how long an idle session's state is kept.
	sessionIdle = 24 * time.Hour
	// consentWindow is how long an accepted elicitation counts as consent
	// for the calls after it.
	consentWindow = 10 * time.Minute
)

// SessionView is what rules see of the event's session, before the event
// itself is applied (expr: session).
type SessionView struct {
	// Listed reports whether the session has had a tools/list response.
	Listed bool `expr:"listed"`
	// ListChanged reports a notifications/tools/list_changed since the
	// last tools/list response.
	ListChanged bool `expr:"list_changed"`
	// Used are the capability labels (catalog) of the tools the session
	// called so far, sorted.
	Used []string `expr:"used"`
	// Calls is the number of tools/call requests so far.
	Calls int `expr:"calls"`
	// Consented reports an elicitation the user accepted within the last
	// 10 minutes of event time.
	Consented bool `expr:"consented"`
	// Roots are the root URIs the client listed (roots/list).
	Roots []string `expr:"roots"`
	// DropsCreated reports, on a tools/call request, SQL that drops only
	// tables an earlier call of this session created (a scratch table
	// cleaned up): DROP TABLE [IF EXISTS] names, each one created by a
	// CREATE [OR REPLACE] [TEMP|TEMPORARY|TRANSIENT|…] TABLE of the
	// session (not CREATE TABLE IF NOT EXISTS, whose table may be older).
	DropsCreated bool `expr:"drops_created"`
}

// DefinitionChange is one difference between a tool definition in a
// tools/list response and what was known before (expr:
// definition_changes).
type DefinitionChange struct {
	// Tool is the tool name.
	Tool string `expr:"tool"`
	// Kind is changed (the definition differs), added (a new tool on a
	// server already known) or removed (a known tool missing from a later
	// list of the same session).
	Kind string `expr:"kind"`
	// Scope is session (against an earlier tools/list of the same
	// session) or fleet (against the tenant's baseline for the server,
	// from earlier sessions).
	Scope string `expr:"scope"`
	// Fields name what changed: title, description, input_schema,
	// output_schema, annotations, meta.
	Fields []string `expr:"fields"`
	// ReadOnlyFlip: readOnlyHint was true and is not any more.
	ReadOnlyFlip bool `expr:"read_only_flip"`
	// DestructiveFlip: destructiveHint was explicitly false and is not any
	// more.
	DestructiveFlip bool `expr:"destructive_flip"`
	// AfterListChanged: the server sent notifications/tools/list_changed
	// before this list.
	AfterListChanged bool `expr:"after_list_changed"`
	// AfterInstall: within installWindow after a tools/call of the same
	// session that installs, upgrades or enables something (upgrade_plugin,
	// install_extension, enable_toolset): the change the user asked for.
	AfterInstall bool `expr:"after_install"`
	// VersionChanged: the server reported a different serverInfo.version
	// than when the previous definition was recorded (an upgrade, for
	// fleet-scope changes).
	VersionChanged bool `expr:"version_changed"`
	// Similarity is how much of the previous definition's text the new
	// one keeps, 0 to 1 (the share of the previous description's words
	// and schema property names still present): near 1 for a tool that
	// was edited or extended, near 0 for an unrelated tool that happens
	// to share the server and tool name.
	Similarity float64 `expr:"similarity"`
	// Risk is the level of detect/injection's verdict on the tool's new
	// definition (Tool.Risk), when the pack analyses definitions; "" for
	// removed tools. An upgrade that changes a definition into one the
	// analyser finds nothing in is routine.
	Risk signal.Level `expr:"risk"`
	// PreviousHash is the definition hash before ("" for added tools).
	PreviousHash string `expr:"previous_hash"`
	// Hash is the definition hash now ("" for removed tools).
	Hash string `expr:"hash"`
}

// Collision is a tool or server of a tools/list response that collides
// with one another server offered the same client (expr: collisions).
type Collision struct {
	// Tool is the tool of this response ("" for a server-name collision).
	Tool string `expr:"tool"`
	// Kind is same_name (the other server offers the same tool name),
	// lookalike_tool (same skeleton or within edit distance 1 of a longer
	// name), or lookalike_server (the server's name looks like another
	// server's).
	Kind string `expr:"kind"`
	// OtherServer is the other server's name.
	OtherServer string `expr:"other_server"`
	// OtherTool is the other server's tool name ("" for lookalike_server).
	OtherTool string `expr:"other_tool"`
}

// Flow is a value an earlier result of the client disclosed that this
// request's arguments send again (expr: flows). Values are matched by
// fingerprint; the state never holds them.
type Flow struct {
	// Field is the argument path that carries the value.
	Field string `expr:"field"`
	// Kind is the secret kind (internal/secrets) or token for a
	// high-entropy string.
	Kind string `expr:"kind"`
	// SourceTool names the tool (or resource URI) whose result held it.
	SourceTool string `expr:"source_tool"`
	// SourceServer names the server of that result.
	SourceServer string `expr:"source_server"`
	// SameSession reports the result came from this session.
	SameSession bool `expr:"same_session"`
	// SourceCapabilities are the capability labels of the tool whose
	// result held the value (reads_private for a resource).
	SourceCapabilities []string `expr:"source_capabilities"`
	// ByKind: matched by secret kind, not by value — a private key, whose
	// fingerprint depends on how its line breaks were written (escaped in
	// JSON arguments, raw in result text), sent after a result disclosed
	// one.
	ByKind bool `expr:"by_kind"`
	// SameHost: the value was disclosed inside a URL and is sent inside a
	// URL of the same host — a presigned or capability link handed on as
	// it was given, not a token moved to another place.
	SameHost bool `expr:"same_host"`
	// Presented: the value is the whole of an argument whose name says it
	// holds a credential (token, upload_token, api_key, session, secret,
	// signature) or an object identifier (id, case_id, envelopeId,
	// item_ref): a credential or handle presented, as a server's own
	// upload or session token is handed back to its tools, not text
	// carrying it.
	Presented bool `expr:"presented"`
	// ToIssuer: the value sits in an argument named for a credential (an
	// Authorization header, a token field) of a call whose URL is on the
	// registrable domain (public suffix list) that issued it: the domain
	// the disclosing call was sent to (a token endpoint's answer), or the
	// provider its format belongs to (a gho_ token at api.github.com). A
	// credential used where it is meant to be used, not moved elsewhere.
	ToIssuer bool `expr:"to_issuer"`
	// ToSecretStore: the call writes to a secrets manager (a tool or
	// server named for Vault, a key vault, secrets manager, keychain,
	// 1Password, Bitwarden, Doppler or Infisical, with a write verb), or
	// a local file write whose target is a file made to hold secrets
	// (values.secret.yaml, .env, credentials, *.pem, *.tfvars: secretFile):
	// a rotated token stored where the deploy reads it is kept, not moved
	// away.
	ToSecretStore bool `expr:"to_secret_store"`
	// ToRevocation: the call revokes, deactivates or deletes credentials
	// (RevocationCall): a leaked token handed to its issuer's revocation
	// API is being killed, not carried away.
	ToRevocation bool `expr:"to_revocation"`
}

// secretStoreWords name a secrets manager in a tool or server name.
var secretStoreWords = map[string]bool{"vault": true, "keyvault": true, "secretsmanager": true, "secretmanager": true, "keychain": true,
	"keyring": true, "1password": true, "onepassword": true, "bitwarden": true, "doppler": true, "infisical": true, "secrets": true, "secret": true}

// secretStoreWriteWords are the verbs of a secrets manager's write.
var secretStoreWriteWords = map[string]bool{"put": true, "set": true, "write": true, "store": true, "create": true, "update": true, "add": true,
	"save": true, "upsert": true, "patch": true, "rotate": true}

// secretStoreWrite reports a call of a tool that writes into a secrets
// manager: a write verb in the tool's name and a secrets-manager word in
// the tool's or the server's name.
func secretStoreWrite(server, tool string) bool {
	tw := catalog.Words(tool)
	write, store := false, false
	for _, w := range tw {
		write = write || secretStoreWriteWords[w]
		store = store || secretStoreWords[w]
		if w == "gist" || w == "paste" || w == "note" || w == "message" || w == "link" || w == "share" {
			// a "secret gist" or "secret link" is unlisted, not a vault
			return false
		}
	}
	for _, w := range catalog.Words(server) {
		store = store || secretStoreWords[w]
	}
	return write && store
}

// secretFileWrite reports a call of a tool that writes local files (and
// sends nothing outside) whose path arguments all name a file made to
// hold secrets (secretFile).
func secretFileWrite(env *Env) bool {
	caps := env.CalledTool.Capabilities
	if !slices.Contains(caps, catalog.WritesFiles) || slices.Contains(caps, catalog.SendsOutside) {
		return false
	}
	n, all := 0, true
	for k, v := range env.Arguments {
		p, ok := v.(string)
		if !ok || !pathKeys[strings.ToLower(k)] {
			continue
		}
		n++
		all = all && secretFile(p)
	}
	return n > 0 && all
}

// pathKeys are the argument names of a file write's target.
var pathKeys = map[string]bool{"path": true, "file": true, "filepath": true, "file_path": true, "filename": true, "target": true, "destination": true}

// secretFile reports a file name made to hold secrets: *secret*,
// credentials, .env (not .env.example, .sample, .template, .dist), key
// and keystore files, .netrc, .pgpass, .npmrc, *.tfvars.
func secretFile(p string) bool {
	p = strings.ToLower(strings.ReplaceAll(p, `\`, "/"))
	base := p[strings.LastIndexByte(p, '/')+1:]
	for _, x := range []string{".example", ".sample", ".template", ".dist", ".md", ".txt", ".html"} {
		if strings.HasSuffix(base, x) {
			return false
		}
	}
	switch {
	case strings.Contains(base, "secret"), strings.Contains(base, "credential"), base == ".env" || strings.HasPrefix(base, ".env."),
		base == ".netrc", base == ".pgpass", base == ".npmrc", strings.HasSuffix(base, ".tfvars"),
		strings.HasSuffix(base, ".pem"), strings.HasSuffix(base, ".key"), strings.HasSuffix(base, ".p12"), strings.HasSuffix(base, ".kdbx"):
		return true
	}
	return false
}

// BaselineEntry is what the fleet baseline holds for one tool of one
// server of one tenant.
type BaselineEntry struct {
	// Hash is the definition hash (ToolDefinition.definition_hash).
	Hash string
	// Title, Description, InputSchema (JSON), OutSchema (JSON) and Meta
	// (the _meta JSON) are the definition's texts.
	Title       string
	Description string
	InputSchema string
	OutSchema   string
	Meta        string
	// Annotations is the canonical JSON of the hints and annotations.title.
	Annotations string
	// ReadOnly is readOnlyHint; NotDestroy is destructiveHint given as
	// false.
	ReadOnly   bool
	NotDestroy bool
	// Version is the server's serverInfo.version when recorded.
	Version string

	annotations *eventv1.ToolAnnotations // as sent, for the baseline record
	// FirstSeen is when the tool was first seen on the server; LastSeen
	// when this definition was recorded (event time).
	FirstSeen time.Time
	LastSeen  time.Time
}

// Baseline is the fleet-wide record of tool definitions, keyed by tenant,
// server and tool name. Swap records e for the key and returns what was
// recorded before; Tools returns the tool names known for a server. The
// engine calls it from Process, serialised; implementations shared by
// replicas (a compacted Kafka topic) publish Swap's writes.
type Baseline interface {
	// Swap records e and returns the previous entry (ok false when the
	// tool was not known).
	Swap(tenant, server, tool string, e BaselineEntry) (prev BaselineEntry, ok bool)
	// Known reports whether any tool of the server is recorded.
	Known(tenant, server string) bool
}

// MemoryBaseline is a Baseline in process memory (lost at restart); the
// zero value is not usable, use NewMemoryBaseline.
type MemoryBaseline struct {
	m       map[string]BaselineEntry
	servers map[string]int
}

// NewMemoryBaseline returns an empty in-memory Baseline.
func NewMemoryBaseline() *MemoryBaseline {
	return &MemoryBaseline{m: map[string]BaselineEntry{}, servers: map[string]int{}}
}

// Swap implements Baseline.
func (b *MemoryBaseline) Swap(tenant, server, tool string, e BaselineEntry) (BaselineEntry, bool) {
	k := tenant + "\x00" + server + "\x00" + tool
	prev, ok := b.m[k]
	if ok && !prev.FirstSeen.IsZero() && (e.FirstSeen.IsZero() || prev.FirstSeen.Before(e.FirstSeen)) {
		e.FirstSeen = prev.FirstSeen
	}
	b.m[k] = e
	if !ok {
		b.servers[tenant+"\x00"+server]++
	}
	return prev, ok
}

// Known implements Baseline.
func (b *MemoryBaseline) Known(tenant, server string) bool {
	return b.servers[tenant+"\x00"+server] > 0
}

var _ Baseline = (*MemoryBaseline)(nil)

type catalogTool struct {
	tool Tool
	base BaselineEntry
}

type taint struct {
	kind, tool, server string
	caps               []string // the source tool's capabilities (shared, not modified)
	host               uint64   // fingerprint of the host of the URL the value was in, 0 if none
	issuer             uint64   // fingerprint of the registrable domain the disclosing call was sent to, 0 if none
	at                 time.Time
}

type sessionState struct {
	key         string
	tenant      string
	session     string
	client      string // client view key
	server      string
	last        time.Time
	tools       map[string]*catalogTool
	listed      bool
	listChanged bool
	used        []string
	calls       int
	consentAt   time.Time
	roots       []string
	taints      map[uint64]taint
	// installAt is the time of the session's last tools/call that
	// installs, upgrades or enables something (installCall)
	installAt time.Time
	// created holds the folded names of the SQL tables this session's
	// calls created (createdTables), at most maxCreated
	created map[string]bool
}

// maxCreated bounds the table names a session remembers.
const maxCreated = 256

type clientServer struct {
	// tools maps a tool name to what collisions compares it by
	tools map[string]offeredTool
	last  time.Time
	// foreign are the other servers' tool names the client knew when this
	// server's tools were last analysed (Env.ForeignTools then); a name
	// another server offers later is checked against the kept
	// definitions (referringTools)
	foreign map[string]bool
}

// offeredTool is what a client remembers of another server's tool.
type offeredTool struct {
	// twin is the server's version and the tool's definition hash
	// (twinKey)
	twin string
	// version is the server's serverInfo.version
	version string
	// claim: the description claims precedence over other tools
	// (claimsPrecedence)
	claim bool
	// schema is the tool's inputSchema as JSON text, read for its
	// property names (inputProperties) only when another server offers
	// the same name
	schema string
	// def is the whole definition, kept when its model-visible text
	// names something shaped like a tool (toolShapedWords) that is not
	// one of its own server's tools: a tool another server offers later
	// under that name makes it an instruction about a foreign tool
	def *Tool
}

type clientState struct {
	servers map[string]*clientServer
	taints  map[uint64]taint
	used    map[string]time.Time // capability -> last call with it
	reads   []readRecord         // the last maxReads reading calls, oldest first
	keys    *taint               // the last private key a result disclosed (byKindKinds)
	orders  map[uint64]order     // targets named by orders in server text (orders.go)
	said    map[uint64]struct{}  // literals of the client's own requests (orders.go)
	// ids are the fingerprints of the values results named as object
	// identifiers (identifierValues): the same value in a link later
	// (https://drive.google.com/file/d/<id>/view) is that object's id,
	// not a token
	ids  map[uint64]struct{}
	last time.Time
}

// readRecord is one call of a tool that reads private or untrusted
// content: where it read from as a fingerprint of its scope arguments
// (callScope), never the values.
type readRecord struct {
	tool, server       string
	untrusted, private bool
	scope              uint64
	hasScope           bool
	// items are the fingerprints of the item the call named (callItems:
	// a ticket, issue, message or thread id), at most maxItems.
	items []uint64
	// suspect: the result of an untrusted read showed a sign of injection
	// (text_risk score 0.1 or more), or was not analysed.
	suspect bool
	// injected: the result of such a read is itself injection (text_risk
	// medium or more), so what is copied from it carries the orders
	injected bool
	// phrases holds keyed hashes of every word trigram of an untrusted
	// read's result (wordTrigrams), at most maxPhrases; nil before it
	// arrives.
	phrases map[uint64]struct{}
	// dictated: a private read whose arguments repeat a phrase of four
	// words or more of an earlier untrusted read's result (the outsider
	// wrote the query).
	dictated bool
	at       time.Time
	// content holds keyed hashes of the result's word trigrams and
	// distinctive words (contentShingles), set when the response of a
	// private read arrives; nil before.
	content map[uint64]struct{}
	// carried: a later writing or sending call's arguments repeated the
	// content (carries), so data staged in a file or draft counts when
	// another call publishes it.
	carried bool
}

// maxReads caps the reading calls remembered per client.
const maxReads = 64

// ClientView is what rules see of the event's client across its sessions
// with every server (expr: client): principal, client implementation and
// host, within the last hour of event time, before this event.
type ClientView struct {
	// Used are the capability labels of the tools the client called in
	// the last hour, on any server, sorted.
	Used []string `expr:"used"`
	// Reads are, on a tools/call request to a tool that sends outside
	// (by its capabilities or this call's arguments), the calls of the
	// last hour that read untrusted or private content, oldest first
	// (at most 64), each with whether it read from the place this call
	// writes to. Empty on other events.
	Reads []ReadCall `expr:"reads"`
	// ToxicPair reports, on such a request, that two different reads of
	// the last hour make a toxic flow with it: one of content an outsider
	// controls, and one of private data from another place than both that
	// content and this call's target (ReadCall.Paired marks them). Reads
	// from one place (the same owner and repository, project, bucket,
	// channel, ...) do not pair: a public issue answered with the same
	// repository's code moves nothing across a boundary.
	ToxicPair bool `expr:"toxic_pair"`
	// Reply reports, on such a request, that the call answers what an
	// outsider sent (a read is ReadCall.Answered) and that every private
	// read it repeats may be the asker's own: not Dictated, and from no
	// named place other than this call's target. A support reply carrying
	// the customer's own order, a comment on the bug report that asked for
	// it: the asker is the audience. Such pairs do not set ToxicPair.
	Reply bool `expr:"reply"`
	// Servers are the servers that offered the client tools in the last
	// 24 hours, sorted.
	Servers []string `expr:"servers"`
}

// ReadCall is one earlier call that read untrusted or private content
// (expr: client.reads).
type ReadCall struct {
	// Tool and Server name the call's tool and server.
	Tool   string `expr:"tool"`
	Server string `expr:"server"`
	// Untrusted: the tool reads content an outsider controls.
	Untrusted bool `expr:"untrusted"`
	// Private: the tool reads private data. A tool labelled both (an
	// issue tracker or mailbox the server did not say is public or
	// private) counts as private only when its call named the place it
	// read (owner and repository, project, bucket, channel, ...).
	Private bool `expr:"private"`
	// SameScope: the call named the same place this call writes to.
	SameScope bool `expr:"same_scope"`
	// Carried: this call's arguments repeat what the read returned (two
	// of its distinctive words — names, identifiers, codes, amounts — or
	// word trigrams), or the read's result was not seen. Only private
	// reads are compared.
	Carried bool `expr:"carried"`
	// Matched: the read's result was seen and this call's arguments repeat
	// it (Carried on evidence, not for want of it).
	Matched bool `expr:"matched"`
	// Answered: the read was untrusted, of the item this call writes to on
	// the same server (same ticket, issue, message or thread id; same
	// place when both name one), its result showed no sign of injection
	// (text_risk score below 0.1), and this call reaches no wider audience
	// than its author (not reply_all, forward, share or a public sink):
	// this call answers it. When one read is answered, the same server's
	// untrusted reads that named no item (the listing or search that found
	// it) and showed no sign of injection are answered too.
	Answered bool `expr:"answered"`
	// Dictated: a private read whose arguments repeat, whole, a string of
	// four words or more of an untrusted read's result (a query, path or
	// command the outsider wrote).
	Dictated bool `expr:"dictated"`
	// Paired: the read is one of the pair that sets ClientView.ToxicPair.
	Paired bool `expr:"paired"`
	// Role is, for a paired read, untrusted or private: the side of the
	// pair it stands for; "" otherwise.
	Role string `expr:"role"`
}

// clientUsedWindow is how long a capability the client used counts in
// ClientView.Used.
const clientUsedWindow = time.Hour

// state is the engine's non-rule state. It is used under Engine.mu.
type state struct {
	maxSessions int
	sessions    map[string]*list.Element // tenant NUL session -> *sessionState
	lru         *list.List
	clients     map[string]*clientState
	baseline    Baseline
	fpKey       []byte
	seed        maphash.Seed // content shingles (contentShingles)
	hash        maphash.Hash // with seed, reused under Engine.mu
}

func newState(maxSessions int, b Baseline, fpKey []byte) *state {
	if b == nil {
		b = NewMemoryBaseline()
	}
	st := &state{maxSessions: maxSessions, sessions: map[string]*list.Element{}, lru: list.New(), clients: map[string]*clientState{}, baseline: b, fpKey: fpKey, seed: maphash.MakeSeed()}
	st.hash.SetSeed(st.seed)
	return st
}

// clientKey identifies the agent side across its sessions: tenant,
// principal, client implementation and host.
func clientKey(ev *eventv1.Event) string {
	return ev.GetTenantId() + "\x00" + ev.GetPrincipal().GetSubject() + "\x00" + ev.GetClient().GetName() + "\x00" + ev.GetSource().GetHost()
}

func (s *state) session(env *Env) *sessionState {
	k := env.TenantID + "\x00" + env.SessionID
	if el, ok := s.sessions[k]; ok {
		s.lru.MoveToFront(el)
		ss := el.Value.(*sessionState)
		if env.Time.After(ss.last) {
			ss.last = env.Time
		}
		return ss
	}
	for len(s.sessions) >= s.maxSessions {
		back := s.lru.Back()
		delete(s.sessions, s.lru.Remove(back).(*sessionState).key)
	}
	ss := &sessionState{key: k, tenant: env.TenantID, session: env.SessionID, client: clientKey(env.Event), last: env.Time,
		tools: map[string]*catalogTool{}, taints: map[uint64]taint{}}
	s.sessions[k] = s.lru.PushFront(ss)
	return ss
}

func (s *state) clientOf(ss *sessionState, t time.Time) *clientState {
	c, ok := s.clients[ss.client]
	if !ok {
		c = &clientState{servers: map[string]*clientServer{}, taints: map[uint64]taint{}, used: map[string]time.Time{},
			orders: map[uint64]order{}, said: map[uint64]struct{}{}, ids: map[uint64]struct{}{}}
		s.clients[ss.client] = c
	}
	if t.After(c.last) {
		c.last = t
	}
	return c
}

// sweep forgets sessions and clients idle for longer than their windows
// relative to the watermark, a few per event.
func (s *state) sweep(watermark time.Time) {
	for range sweepPerEvent {
		back := s.lru.Back()
		if back == nil {
			break
		}
		ss := back.Value.(*sessionState)
		if !ss.last.Add(sessionIdle).Before(watermark) {
			break
		}
		s.lru.Remove(back)
		delete(s.sessions, ss.key)
	}
	n := 0
	for k, c := range s.clients {
		if n++; n > sweepPerEvent {
			break
		}
		if c.last.Add(clientWindow).Before(watermark) {
			delete(s.clients, k)
		}
	}
}

// apply fills env's state views from what was known before ev, then
// records ev. It runs once per event, before any rule.
func (s *state) apply(env *Env, ev *eventv1.Event) {
	ss := s.session(env)
	if env.ServerName != "" {
		ss.server = env.ServerName
	}
	if c := s.clients[ss.client]; c != nil {
		for cap, t := range c.used {
			if env.Time.Sub(t) <= clientUsedWindow {
				env.Client.Used = append(env.Client.Used, cap)
			}
		}
		sort.Strings(env.Client.Used)
		for name, cs := range c.servers {
			if env.Time.Sub(cs.last) <= clientWindow {
				env.Client.Servers = append(env.Client.Servers, name)
			}
		}
		sort.Strings(env.Client.Servers)
	}
	env.Session = SessionView{
		Listed: ss.listed, ListChanged: ss.listChanged, Used: slices.Clone(ss.used), Calls: ss.calls,
		Consented: !ss.consentAt.IsZero() && env.Time.Sub(ss.consentAt) <= consentWindow, Roots: ss.roots,
	}
	if env.Text != "" && len(ss.tools) > 0 {
		// the server's own tools, so that its text naming them ("call the
		// list-connections tool") is not read as naming a stranger's
		env.sessionTools = make([]string, 0, len(ss.tools))
		for name := range ss.tools {
			env.sessionTools = append(env.sessionTools, name)
		}
	}
	if env.ToolName != "" {
		if ct, ok := ss.tools[env.ToolName]; ok {
			env.CalledTool = ct.tool
			env.CalledTool.Known = true
		} else {
			env.CalledTool = Tool{Name: env.ToolName}
		}
	}
	switch {
	case env.Method == "notifications/tools/list_changed" && env.Direction == "server_to_client":
		ss.listChanged = true
	case env.Method == "tools/list" && env.Kind == "response":
		s.applyToolList(env, ss)
	case env.Method == "tools/call" && env.Kind == "request":
		client := s.clientOf(ss, env.Time)
		env.CalledTool.Capabilities = catalog.CallCapabilities(env.CalledTool.Capabilities, env.Arguments)
		s.markCarried(env, client)
		if slices.Contains(env.CalledTool.Capabilities, catalog.WritesMemory) {
			env.MemoryCopied, env.MemoryStanding, env.MemoryInjected = s.copiedToMemory(env, client)
		}
		if slices.Contains(env.CalledTool.Capabilities, catalog.SendsOutside) {
			s.toxicView(env, client)
		}
		s.recordRead(env, client)
		for _, c := range env.CalledTool.Capabilities {
			client.used[c] = env.Time
		}
		ss.calls++
		for _, c := range env.CalledTool.Capabilities {
			if !slices.Contains(ss.used, c) {
				ss.used = append(ss.used, c)
				sort.Strings(ss.used)
			}
		}
		env.Flows = s.flows(env, ss)
		s.followed(env, client)
		sql := sqlStrings(env.Arguments)
		env.Session.DropsCreated = dropsCreated(sql, ss.created)
		if installCall(env.ToolName) {
			ss.installAt = env.Time
		}
		for _, t := range createdTables(sql) {
			if ss.created == nil {
				ss.created = map[string]bool{}
			}
			if len(ss.created) < maxCreated {
				ss.created[t] = true
			}
		}
	case env.Method == "tools/call" && env.Direction == "server_to_client":
		s.recordTaints(env, ss, env.ResultText)
		if c := s.clients[ss.client]; c != nil {
			text := env.ResultText
			if env.IsError || env.Kind == "error" {
				text = "" // the read returned nothing
			}
			s.recordReadContent(env, c, text)
		}
	case env.Method == "resources/read" && env.Direction == "server_to_client":
		s.recordTaints(env, ss, ev.GetResource().GetText())
	case env.Method == "elicitation/create" && env.Kind == "response":
		if ev.GetElicitation().GetAction() == "accept" {
			ss.consentAt = env.Time
		}
	case env.Method == "roots/list" && env.Kind == "response":
		ss.roots = slices.Clone(ev.GetRootUris())
	}
}

// recordRead remembers a call of a tool that reads untrusted or private
// content, with the fingerprint of the place it names.
func (s *state) recordRead(env *Env, c *clientState) {
	caps := env.CalledTool.Capabilities
	u, p := slices.Contains(caps, catalog.ReadsUntrusted), slices.Contains(caps, catalog.ReadsPrivate)
	if u && localOnly(env.Arguments) {
		u = false // a browser or fetch pointed at the user's own dev server
	}
	if !u && !p {
		return
	}
	r := readRecord{tool: env.ToolName, server: env.ServerName, untrusted: u, private: p, at: env.Time, suspect: true}
	r.scope, r.hasScope = s.callScope(env.Arguments)
	r.items = s.callItems(env.Arguments)
	if p {
		r.dictated = s.dictated(env, c)
	}
	// The same read again replaces the older record.
	c.reads = slices.DeleteFunc(c.reads, func(o readRecord) bool {
		return o.tool == r.tool && o.server == r.server && o.scope == r.scope && o.hasScope == r.hasScope
	})
	if len(c.reads) >= maxReads {
		c.reads = slices.Delete(c.reads, 0, len(c.reads)-maxReads+1)
	}
	c.reads = append(c.reads, r)
}

// installWindow is how long after an install, upgrade or enable call a
// changed tool list counts as its result.
const installWindow = 5 * time.Minute

// installVerbs and installObjects are the words of a tool name that
// installs, upgrades or enables tools: upgrade_plugin, install_extension,
// enable_toolset, update_server.
var (
	installVerbs   = map[string]bool{"install": true, "upgrade": true, "update": true, "enable": true, "activate": true, "add": true, "load": true, "reinstall": true}
	installObjects = map[string]bool{"plugin": true, "plugins": true, "extension": true, "extensions": true, "toolset": true, "toolsets": true,
		"package": true, "server": true, "module": true, "addon": true, "integration": true, "connector": true, "tools": true, "skill": true, "skills": true}
)

// installCall reports a tool name that installs, upgrades or enables
// tools (installVerbs and installObjects).
func installCall(tool string) bool {
	verb, obj := false, false
	for _, w := range catalog.Words(tool) {
		verb = verb || installVerbs[w]
		obj = obj || installObjects[w]
	}
	return verb && obj
}

// createTableRe and dropTableRe find the table names of SQL CREATE TABLE
// and DROP TABLE statements (PostgreSQL, MySQL, SQLite, ClickHouse,
// Snowflake TRANSIENT, Teradata VOLATILE, SQL Server #temp tables).
var (
	createTableRe = regexp.MustCompile(`(?i)\bcreate\s+(?:(?:or\s+replace|global|local|temp|temporary|transient|volatile|unlogged|multiset)\s+)*table\s+(if\s+not\s+exists\s+)?([#\w."\x60\[\]]+)`)
	dropTableRe   = regexp.MustCompile(`(?i)\bdrop\s+(?:temporary\s+)?table\s+(?:if\s+exists\s+)?([#\w."\x60\[\]]+(?:\s*,\s*[#\w."\x60\[\]]+)*)`)
	// otherDestructiveSQLRe finds the statements besides DROP TABLE that
	// destroy data: a call holding one drops more than scratch tables.
	otherDestructiveSQLRe = regexp.MustCompile(`(?i)\b(drop\s+(database|schema|view|index|user|role)|truncate|delete\s+from|alter\s+table\s+\S+\s+drop)\b`)
)

// tableName folds a table name: quotes and brackets dropped, lower case.
func tableName(s string) string {
	return strings.ToLower(strings.Trim(strings.NewReplacer(`"`, "", "`", "", "[", "", "]", "").Replace(s), " "))
}

// sqlStrings returns the string arguments of a call that hold SQL
// keywords, at most 16.
func sqlStrings(args map[string]any) []string {
	var out []string
	walkStrings(args, "", func(_, v string) {
		if len(out) < 16 && len(v) <= 65536 && (strings.Contains(v, "TABLE") || strings.Contains(v, "table") || strings.Contains(v, "Table")) {
			out = append(out, v)
		}
	})
	return out
}

// createdTables returns the folded names of the tables the SQL strings
// (sqlStrings) create.
func createdTables(sql []string) []string {
	var out []string
	for _, v := range sql {
		for _, m := range createTableRe.FindAllStringSubmatch(v, 32) {
			if m[1] != "" {
				// CREATE TABLE IF NOT EXISTS users may name a table that
				// was there before: dropping it later is no cleanup
				continue
			}
			out = append(out, tableName(m[2]))
		}
	}
	return out
}

// dropsCreated reports SQL strings (sqlStrings) that drop tables, all of
// them in created, and destroy nothing else.
func dropsCreated(sql []string, created map[string]bool) bool {
	if len(created) == 0 {
		return false
	}
	n := 0
	for _, v := range sql {
		if otherDestructiveSQLRe.MatchString(v) {
			return false
		}
		for _, m := range dropTableRe.FindAllStringSubmatch(v, 32) {
			for _, t := range strings.Split(m[1], ",") {
				if !created[tableName(t)] {
					return false
				}
				n++
			}
		}
	}
	return n > 0
}

// localOnly reports arguments whose URLs all name the local machine
// (localhost, 127.0.0.0/8, ::1, *.localhost) and that name at least one.
func localOnly(args map[string]any) bool {
	n, local := 0, true
	walkStrings(args, "", func(_, v string) {
		if !strings.Contains(v, "://") || len(v) > 2048 {
			return
		}
		u, err := url.Parse(strings.TrimSpace(v))
		if err != nil || u.Host == "" {
			return
		}
		n++
		h := strings.ToLower(u.Hostname())
		if h != "localhost" && !strings.HasSuffix(h, ".localhost") && h != "::1" && !strings.HasPrefix(h, "127.") {
			local = false
		}
	})
	return n > 0 && local
}

// toxicView fills env.Client.Reads and ToxicPair for a call that sends
// outside, from the client's reads of the last hour.
func (s *state) toxicView(env *Env, c *clientState) {
	scope, hasScope := s.callScope(env.Arguments)
	items := s.callItems(env.Arguments)
	answers := !widensAudience(env)
	var recs []readRecord
	var own []bool // per read: a private read that may be the asker's own
	for _, r := range c.reads {
		if env.Time.Sub(r.at) > clientUsedWindow || r.at.After(env.Time) {
			continue
		}
		recs = append(recs, r)
		// A tool labelled both counts as private only where it named the
		// place it read.
		private := r.private && (!r.untrusted || r.hasScope)
		carried := r.content == nil || r.carried
		sameScope := r.hasScope && hasScope && r.scope == scope
		answered := answers && r.untrusted && !r.suspect && r.server == env.ServerName &&
			(!r.hasScope || !hasScope || sameScope) && sharesItem(r.items, items)
		own = append(own, !r.dictated && (!r.hasScope || sameScope))
		env.Client.Reads = append(env.Client.Reads, ReadCall{
			Tool: r.tool, Server: r.server, Untrusted: r.untrusted, Private: private,
			SameScope: sameScope, Carried: private && carried, Matched: private && r.carried,
			Answered: answered, Dictated: private && r.dictated,
		})
	}
	reads := env.Client.Reads
	if internalRecipients(env) {
		// mail to colleagues only: nothing leaves the organisation
		return
	}
	if slices.ContainsFunc(reads, func(r ReadCall) bool { return r.Answered }) {
		// the listing or search that found the item answered (the
		// inbox of tickets a support reply is triaging) is part of the
		// same exchange, when nothing in it showed injection either
		for i, r := range recs {
			if answers && r.untrusted && !r.suspect && r.server == env.ServerName && len(r.items) == 0 {
				reads[i].Answered = true
			}
		}
	}
	for i := range reads {
		if !reads[i].Answered {
			continue
		}
		env.Client.Reply = true
		for j := range reads {
			if reads[j].Matched && !own[j] {
				env.Client.Reply = false
			}
		}
		break
	}
	for i := len(reads) - 1; i >= 0 && !env.Client.ToxicPair; i-- {
		if !reads[i].Untrusted {
			continue
		}
		for j := len(reads) - 1; j >= 0; j-- {
			if j == i || !reads[j].Private || reads[j].SameScope || !reads[j].Carried {
				continue
			}
			if recs[i].hasScope && recs[j].hasScope && recs[i].scope == recs[j].scope {
				continue // untrusted and private content from one place
			}
			if reads[i].Answered && own[j] {
				continue // the asker answered with what may be their own
			}
			reads[i].Paired, reads[j].Paired, env.Client.ToxicPair = true, true, true
			reads[i].Role, reads[j].Role = "untrusted", "private"
			break
		}
	}
}

// recipientKeys are the argument names of a message's recipients.
var recipientKeys = map[string]bool{"to": true, "cc": true, "bcc": true, "recipient": true, "recipients": true, "email": true,
	"emails": true, "address": true, "addresses": true, "attendees": true, "invitees": true}

// internalRecipients reports a sending call whose recipient arguments
// (recipientKeys: a string or a list of strings) name at least one
// e-mail address and only addresses of the principal's own domain (the
// domain of an e-mail subject), and that names no URL: mail to
// colleagues stays in the organisation.
func internalRecipients(env *Env) bool {
	at := strings.LastIndexByte(env.Subject, '@')
	if at < 0 || at == len(env.Subject)-1 {
		return false
	}
	own := "@" + strings.ToLower(env.Subject[at+1:])
	n, url := 0, false
	for k, v := range env.Arguments {
		lk := strings.ToLower(k)
		var vals []string
		switch x := v.(type) {
		case string:
			vals = []string{x}
			url = url || strings.Contains(x, "://")
		case []any:
			for _, e := range x {
				if s, ok := e.(string); ok {
					vals = append(vals, s)
				}
			}
		}
		if !recipientKeys[lk] {
			continue
		}
		for _, a := range vals {
			for _, addr := range strings.FieldsFunc(a, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '<' || r == '>' }) {
				if !strings.Contains(addr, "@") {
					continue
				}
				if !strings.HasSuffix(strings.ToLower(addr), own) {
					return false
				}
				n++
			}
		}
	}
	return n > 0 && !url
}

// audienceWords are words of a tool name whose call reaches more people
// than the one who wrote: reply_all, forward_message, broadcast, share.
var audienceWords = map[string]bool{"all": true, "forward": true, "fwd": true, "broadcast": true, "announce": true,
	"crosspost": true, "share": true, "invite": true, "publish": true}

// widensAudience reports a sending call that reaches more than the author
// of what it answers: a tool named for it (audienceWords) or a public sink
// by its server, name or description (PublicSink without the arguments: a
// ticket comment marked public is the one the requester gets).
func widensAudience(env *Env) bool {
	for _, w := range catalog.Words(env.ToolName) {
		if audienceWords[w] {
			return true
		}
	}
	return PublicSink(env.ServerName, env.ToolName, env.CalledTool.Description, nil)
}

// markCarried marks the client's private reads whose content this call
// (one that sends, writes files or memory) repeats in its arguments.
func (s *state) markCarried(env *Env, c *clientState) {
	caps := env.CalledTool.Capabilities
	if len(env.Arguments) == 0 || !slices.Contains(caps, catalog.SendsOutside) && !slices.Contains(caps, catalog.WritesFiles) && !slices.Contains(caps, catalog.WritesMemory) {
		return
	}
	var out map[uint64]struct{}
	for i := range c.reads {
		r := &c.reads[i]
		if r.carried || len(r.content) == 0 || env.Time.Sub(r.at) > clientUsedWindow {
			continue
		}
		if out == nil {
			out = make(map[uint64]struct{}, 64)
			walkStrings(env.Arguments, "", func(_, v string) { s.contentShingles(v, out, maxShingles, false) })
			// numbers sent as JSON numbers ({"mrr": 4200}) carry what a
			// result showed as text
			walkNumbers(env.Arguments, func(v string) { s.numberShingles(v, out, maxShingles) })
		}
		r.carried = carries(r.content, out)
	}
}

// recordReadContent keeps the shingles of a private read's result on the
// client's newest record of that call.
func (s *state) recordReadContent(env *Env, c *clientState, text string) {
	for i := len(c.reads) - 1; i >= 0; i-- {
		r := &c.reads[i]
		if r.tool != env.ToolName || r.server != env.ServerName {
			continue
		}
		if r.private && r.content == nil {
			r.content = make(map[uint64]struct{}, 16)
			s.contentShingles(text, r.content, maxShingles, true)
		}
		if r.untrusted && r.phrases == nil {
			r.phrases = make(map[uint64]struct{}, 64)
			s.wordTrigrams(text, func(h uint64) bool {
				r.phrases[h] = struct{}{}
				return len(r.phrases) < maxPhrases
			})
		}
		return
	}
}

// maxPhrases caps the trigram hashes kept per untrusted read.
const maxPhrases = 1024

// wordTrigrams calls fn with the keyed hash of each word trigram of text
// (words as contentShingles splits them, case folded), in order, until fn
// returns false.
func (s *state) wordTrigrams(text string, fn func(uint64) bool) {
	var w [3]string
	n := 0
	letterWords(text, func(x string) bool {
		w[0], w[1], w[2] = w[1], w[2], strings.ToLower(x)
		n++
		return n < 3 || fn(s.hashParts("p", w[0], w[1], w[2]))
	})
}

// trigramsOf returns the keyed hashes of v's word trigrams
// (wordTrigrams), at most max.
func (s *state) trigramsOf(v string, max int) []uint64 {
	var hs []uint64
	s.wordTrigrams(v, func(h uint64) bool {
		hs = append(hs, h)
		return len(hs) < max
	})
	return hs
}

// phraseHits counts the hashes of hs that the result of untrusted read r
// held (r.phrases).
func phraseHits(hs []uint64, r *readRecord) int {
	n := 0
	for _, h := range hs {
		if _, ok := r.phrases[h]; ok {
			n++
		}
	}
	return n
}

// repeatedRead returns the client's untrusted read of the last hour whose
// result holds at least num in den of the trigram hashes hs (1 in 1: all
// of them), leaving out reads of server skip; nil when none does.
func repeatedRead(env *Env, c *clientState, hs []uint64, num, den int, skip string) *readRecord {
	for i := range c.reads {
		r := &c.reads[i]
		if len(r.phrases) == 0 || env.Time.Sub(r.at) > clientUsedWindow || skip != "" && r.server == skip {
			continue
		}
		if phraseHits(hs, r)*den >= num*len(hs) {
			return r
		}
	}
	return nil
}

// dictated reports whether a private read's arguments repeat, whole, a
// string of four words or more (at most 64) of the result of an untrusted
// read the client made in the last hour: a query, path or command the
// outsider wrote.
func (s *state) dictated(env *Env, c *clientState) bool {
	found := false
	walkStrings(env.Arguments, "", func(_, v string) {
		if found || len(v) > 1024 {
			return
		}
		if hs := s.trigramsOf(v, 62); len(hs) >= 2 { // four words or more
			found = repeatedRead(env, c, hs, 1, 1, "") != nil
		}
	})
	return found
}

// copiedMinTrigrams is how many word trigrams (eight words) a stored
// string needs before its copying counts (copiedToMemory).
const copiedMinTrigrams = 6

// copiedToMemory reports whether a memory write's arguments hold a string
// of eight words or more (at most 4 KiB) of which three in five word
// trigrams come from one untrusted read's result of the last hour on
// another server (an article of the memory's own server edited and
// written back is no outsider's text coming in), and whether such a
// string reads as a standing rule (standingWords). The trigrams are
// keyed hashes (wordTrigrams), never the text. Copying is measured in
// share, not whole, since a note may reword the outsider's text a little
// ("the service owner's standing preference: …").
func (s *state) copiedToMemory(env *Env, c *clientState) (copied, standing, injected bool) {
	walkStrings(env.Arguments, "", func(_, v string) {
		if standing && injected || len(v) > 4096 {
			return
		}
		if hs := s.trigramsOf(v, 256); len(hs) >= copiedMinTrigrams {
			if r := repeatedRead(env, c, hs, 3, 5, env.ServerName); r != nil {
				copied = true
				standing = standing || hasStandingWord(v)
				injected = injected || r.injected
			}
		}
	})
	return copied, standing, injected
}

// standingWords are the words that make a stored note a rule for later
// sessions rather than a fact: always, every, whenever, from now on,
// standing, permanent, rule, policy, in the analyser's languages (lower
// case; matched as words, or as substrings in scripts without spaces).
var standingWords = []string{"always", "every", "whenever", "henceforth", "standing", "permanent", "permanently", "rule", "policy", "future",
	"siempre", "cada", "permanente", "regla", "toujours", "chaque", "règle", "immer", "jede", "jeden", "jedes", "dauerhaft", "regel", "künftig",
	"sempre", "ogni", "regola", "cada", "regra", "всегда", "каждый", "каждой", "каждом", "постоянно", "правило", "zawsze", "każdy", "każdej",
	"vždy", "každé", "každý", "trvalý", "trvalé", "pravidlo", "πάντα", "κάθε", "μόνιμ", "întotdeauna", "fiecare", "permanent", "regulă",
	"her zaman", "kalıcı", "kural", "selalu", "setiap", "aturan", "luôn", "mỗi", "quy tắc", "altijd", "elke", "regel", "alltid", "varje",
	"常に", "毎回", "今後", "以後", "始终", "总是", "每次", "今后", "永久", "항상", "매번", "앞으로", "دائم", "دائما", "دائمًا", "كل", "हमेशा", "हर", "תמיד", "כל", "เสมอ", "ทุก"}

// hasStandingWord reports a standingWords entry in text: as a word in
// space-separated scripts, as a substring in CJK and Thai.
func hasStandingWord(text string) bool {
	l := strings.ToLower(text)
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(l, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsMark(r) }) {
		words[w] = true
	}
	for _, w := range standingWords {
		r, _ := utf8.DecodeRuneInString(w)
		if words[w] || strings.Contains(w, " ") && strings.Contains(l, w) || (unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai) || strings.HasSuffix(w, "μόνιμ")) && strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// maxShingles caps the content hashes kept per read (and computed per
// outbound call).
const maxShingles = 512

// Content hashes. A private read's result is remembered as keyed hashes
// (maphash, with a seed made at start and never stored: they cannot be
// reversed into words outside the process) of its word trigrams and of
// its distinctive words — four characters or more, capitalised or with a
// digit (names, identifiers, codes, amounts); an outbound call's
// arguments as the hashes of their trigrams and of all their words of
// four characters or more. Words are letters and digits, case folded;
// everything else separates them.
const (
	shingleTrigram = iota
	shingleWord
)

// contentShingles adds the hashes of text to set; source selects the
// words kept (distinctive only, for a read's result; all, for arguments).
// One trigram in four is kept (sampled: by an unkeyed hash of its words,
// so both sides and every run keep the same ones), which bounds the set
// on long texts.
func (s *state) contentShingles(text string, set map[uint64]struct{}, limit int, source bool) {
	var w [3]string
	n := 0
	word := func(x string) {
		if len(set) >= limit {
			return
		}
		upper, digit := false, false
		for i := 0; i < len(x); i++ {
			c := x[i]
			upper = upper || c >= 'A' && c <= 'Z' || c >= 0x80
			digit = digit || c >= '0' && c <= '9'
		}
		lx := x
		if upper {
			lx = strings.ToLower(x)
		}
		if len(x) >= 4 && !commonWords[lx] && (!source || lx != x && unicode.IsUpper(rune(x[0])) || digit) {
			set[s.hashParts("w", lx, "", "")] = struct{}{}
		}
		w[0], w[1], w[2] = w[1], w[2], lx
		if n++; n >= 3 {
			if sampled(w[0], w[1], w[2]) {
				set[s.hashParts("t", w[0], w[1], w[2])] = struct{}{}
			}
		}
	}
	full := false
	letterWords(text, func(w string) bool {
		word(w)
		full = len(set) >= limit
		return !full
	})
	if full {
		return
	}
	s.numberShingles(text, set, limit)
	s.emailShingles(text, set, limit)
}

// letterWords calls fn with each run of letters and digits of text, in
// order, until fn returns false: the words of content hashes.
func letterWords(text string, fn func(w string) bool) {
	start := -1
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if !fn(text[start:i]) {
				return
			}
			start = -1
		}
	}
	if start >= 0 {
		fn(text[start:])
	}
}

// emailShingles adds the keyed hash of every e-mail address of text
// (local part, @, a dotted domain; case folded): an address is a
// distinctive word whatever its case.
func (s *state) emailShingles(text string, set map[uint64]struct{}, limit int) {
	for from := 0; from < len(text) && len(set) < limit; {
		at := strings.IndexByte(text[from:], '@')
		if at < 0 {
			return
		}
		at += from
		lo, hi := at, at+1
		for lo > 0 && emailByte(text[lo-1], true) {
			lo--
		}
		for hi < len(text) && emailByte(text[hi], false) {
			hi++
		}
		for hi > at+1 && text[hi-1] == '.' {
			hi--
		}
		if lo < at && strings.IndexByte(text[at+1:hi], '.') > 0 && hi-lo <= 254 {
			set[s.hashParts("e", strings.ToLower(text[lo:hi]), "", "")] = struct{}{}
		}
		from = hi
	}
}

// emailByte reports a byte of an e-mail address's local part (local) or
// domain.
func emailByte(c byte, local bool) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-':
		return true
	case local && (c == '_' || c == '+' || c == '%'):
		return true
	}
	return false
}

// sampled reports whether a word trigram is one of the one in four that
// contentShingles keeps, by FNV-1a of its words: the choice must not
// depend on the state's random seed, or whether a call carries a read's
// content would change from one process to the next.
func sampled(a, b, c string) bool {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for _, p := range [3]string{a, b, c} {
		for i := 0; i < len(p); i++ {
			h = (h ^ uint64(p[i])) * prime
		}
		h = (h ^ 0) * prime
	}
	return h>>61&3 == 0
}

// hashParts hashes a tag and up to three parts with the state's seed,
// NUL separated, without allocating.
func (s *state) hashParts(tag, a, b, c string) uint64 {
	h := &s.hash
	h.Reset()
	h.WriteString(tag)
	h.WriteByte(0)
	h.WriteString(a)
	h.WriteByte(0)
	h.WriteString(b)
	h.WriteByte(0)
	h.WriteString(c)
	return h.Sum64()
}

// numberShingles adds the hashes of the numbers of text of three digits
// or more, thousands separators dropped ("8,420" and "8420" are one
// number), whatever the letters around them: amounts and identifiers
// copied into text of another script or format.
func (s *state) numberShingles(text string, set map[uint64]struct{}, limit int) {
	var buf [32]byte
	num := buf[:0]
	flush := func() {
		if len(num) >= 3 && len(set) < limit {
			h := &s.hash
			h.Reset()
			h.WriteString("n\x00")
			h.Write(num)
			set[h.Sum64()] = struct{}{}
		}
		num = num[:0]
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c >= '0' && c <= '9':
			if len(num) < 32 {
				num = append(num, c)
			}
		case c == ',' && len(num) > 0 && i+4 <= len(text) && isDigits(text[i+1:i+4]) && (i+4 == len(text) || text[i+4] < '0' || text[i+4] > '9'):
			// a thousands separator: keep the number whole
		default:
			flush()
		}
	}
	flush()
}

func isDigits(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// commonWords are English words often capitalised at the start of a
// sentence or a header, and calendar names: not distinctive of any
// content.
var commonWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`this that these those with from your yours have has will would there their they them then than
	what when where which while here also into about after before please thanks thank hello dear note notes subject date time name
	email today tomorrow yesterday yes none null true false error errors total status result results data file files page pages
	http https monday tuesday wednesday thursday friday saturday sunday january february march april june july august september
	october november december`) {
		m[w] = true
	}
	return m
}()

// carryMin is how many hashes a call must share with a read's content to
// carry it.
const carryMin = 1

// carries reports whether the argument hashes b repeat the read's content
// a: at least two shared hashes (two distinctive words, a trigram and a
// word, or two trigrams), so one common word or phrase is not enough.
func carries(a, b map[uint64]struct{}) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	shared := 0
	for h := range a {
		if _, ok := b[h]; ok {
			if shared++; shared >= carryMin {
				return true
			}
		}
	}
	return false
}

// Scope arguments: the names (lowercase, separators removed) of the
// arguments that say which place a call reads from or writes to — the
// owner (organisation, namespace, workspace, team) and the container
// (repository, project, bucket, database, channel, space, board, ...).
var (
	scopeOwnerKeys = map[string]bool{"owner": true, "org": true, "organization": true, "organisation": true, "namespace": true,
		"workspace": true, "workspaceid": true, "workspaceslug": true, "team": true, "teamid": true, "group": true, "groupid": true,
		"guild": true, "guildid": true, "account": true, "accountid": true}
	scopeContainerKeys = map[string]bool{"repo": true, "repository": true, "reponame": true, "repositoryname": true, "repoid": true, "repositoryid": true,
		"project": true, "projectid": true, "projectkey": true, "projectpath": true, "bucket": true, "bucketname": true,
		"database": true, "db": true, "dbname": true, "databaseid": true, "channel": true, "channelid": true, "chatid": true,
		"space": true, "spacekey": true, "spaceid": true, "site": true, "siteid": true, "board": true, "boardid": true,
		"base": true, "baseid": true, "driveid": true, "calendarid": true, "dataset": true, "datasetid": true,
		"subreddit": true, "forum": true, "forumid": true, "category": true, "index": true, "indexname": true}
)

// callScope returns the fingerprint of the place a call's top-level
// arguments name: the owner values, then the container values, each
// lowercased, joined with "/" (so {owner: a, repo: b} and {repo: "a/b"}
// name the same place). ok is false when the call names none.
func (s *state) callScope(args map[string]any) (uint64, bool) {
	var owners, containers []string
	for k, v := range args {
		val, ok := scalarArg(v)
		if !ok {
			continue
		}
		val = strings.TrimLeft(val, "#@")
		if val == "" || len(val) > 256 {
			continue
		}
		switch key := scopeKey(k); {
		case scopeOwnerKeys[key]:
			owners = append(owners, val)
		case scopeContainerKeys[key]:
			containers = append(containers, val)
		}
	}
	if len(owners)+len(containers) == 0 {
		return 0, false
	}
	sort.Strings(owners)
	sort.Strings(containers)
	return s.fingerprint("scope\x00" + strings.Join(append(owners, containers...), "/")), true
}

// scalarArg returns a string or number argument as text, lowercased and
// trimmed; ok is false for other values.
func scalarArg(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return strings.ToLower(strings.TrimSpace(x)), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case json.Number:
		return x.String(), true
	}
	return "", false
}

// itemKeys are the argument names (scopeKey form) that say which item a
// call reads or writes: a ticket, issue, pull request, message, thread,
// conversation, post or case.
var itemKeys = map[string]bool{"id": true, "ticket": true, "ticketid": true, "ticketnumber": true, "issue": true, "issueid": true,
	"issuenumber": true, "issuekey": true, "issueiid": true, "issueidorkey": true, "number": true, "pullnumber": true, "prnumber": true, "pullrequestid": true,
	"mergerequestiid": true, "mrid": true, "iid": true, "message": true, "messageid": true, "msgid": true, "emailid": true, "mailid": true,
	"thread": true, "threadid": true, "threadts": true, "ts": true, "conversation": true, "conversationid": true, "chatid": true,
	"post": true, "postid": true, "case": true, "caseid": true, "casenumber": true, "incident": true, "incidentid": true,
	"key": true, "inreplyto": true, "replyto": true, "replytoid": true, "parentid": true, "commentid": true, "reviewid": true}

// maxItems caps the item fingerprints kept per read.
const maxItems = 4

// callItems returns the fingerprints of the item ids a call's top-level
// arguments name (itemKeys; strings and numbers), at most maxItems.
func (s *state) callItems(args map[string]any) []uint64 {
	var out []uint64
	for k, v := range args {
		if len(out) >= maxItems || !itemKeys[scopeKey(k)] {
			continue
		}
		val, ok := scalarArg(v)
		if val = strings.TrimLeft(val, "#"); ok && val != "" && len(val) <= 256 {
			out = append(out, s.fingerprint("item\x00"+val))
		}
	}
	return out
}

// sharesItem reports whether two calls' item fingerprints (callItems)
// share one.
func sharesItem(a, b []uint64) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func scopeKey(k string) string {
	if len(k) > 32 {
		return ""
	}
	var b strings.Builder
	for _, r := range strings.ToLower(k) {
		if r != '_' && r != '-' && r != '.' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (s *state) applyToolList(env *Env, ss *sessionState) {
	client := s.clientOf(ss, env.Time)
	server := env.ServerName
	afterChanged := ss.listChanged
	afterInstall := !ss.installAt.IsZero() && env.Time.Sub(ss.installAt) <= installWindow && !env.Time.Before(ss.installAt)
	defer func() {
		for i := range env.DefinitionChanges {
			if env.DefinitionChanges[i].Scope == "session" {
				env.DefinitionChanges[i].AfterInstall = afterInstall
			}
		}
	}()
	fleetKnown := s.baseline.Known(env.TenantID, server)
	seen := make(map[string]bool, len(env.Tools))
	// A tool new to a known server counts only when the server is
	// recognisably the same: same version, and at least half of the
	// tools it had still there unchanged (another server that happens to
	// share the name is not this one growing a tool).
	var added []DefinitionChange
	known, unchanged, upgraded := 0, 0, false
	for i := range env.Tools {
		t := &env.Tools[i]
		seen[t.Name] = true
		entry := baselineEntry(t, env.Time)
		entry.Version = env.Event.GetServer().GetVersion()
		if prev, ok := ss.tools[t.Name]; ok {
			if c, changed := diffEntry(prev.base, entry); changed {
				c.Tool, c.Kind, c.Scope, c.AfterListChanged = t.Name, "changed", "session", afterChanged
				env.DefinitionChanges = append(env.DefinitionChanges, c)
			}
		} else if ss.listed {
			env.DefinitionChanges = append(env.DefinitionChanges, DefinitionChange{Tool: t.Name, Kind: "added", Scope: "session", AfterListChanged: afterChanged, Hash: entry.Hash})
		}
		if server != "" {
			prev, ok := s.baseline.Swap(env.TenantID, server, t.Name, entry)
			switch {
			case ok:
				if c, changed := diffEntry(prev, entry); changed && !sessionReported(env.DefinitionChanges, t.Name) {
					c.Tool, c.Kind, c.Scope, c.AfterListChanged = t.Name, "changed", "fleet", afterChanged
					env.DefinitionChanges = append(env.DefinitionChanges, c)
				}
			case fleetKnown && !ss.listed:
				added = append(added, DefinitionChange{Tool: t.Name, Kind: "added", Scope: "fleet", AfterListChanged: afterChanged, Hash: entry.Hash})
			}
			if ok && prev.Hash == entry.Hash {
				unchanged++
			}
			if ok {
				known++
				if prev.Version != entry.Version {
					upgraded = true
				}
			}
		}
		if len(ss.tools) < maxCatalogTools || ss.tools[t.Name] != nil {
			ss.tools[t.Name] = &catalogTool{tool: *t, base: entry}
		}
	}
	if len(added) > 0 && !upgraded && known > 0 && 2*unchanged >= known {
		env.DefinitionChanges = append(env.DefinitionChanges, added...)
	}
	if ss.listed {
		for name := range ss.tools {
			if !seen[name] {
				env.DefinitionChanges = append(env.DefinitionChanges, DefinitionChange{Tool: name, Kind: "removed", Scope: "session", AfterListChanged: afterChanged})
				delete(ss.tools, name)
			}
		}
		sort.SliceStable(env.DefinitionChanges, func(i, j int) bool { return env.DefinitionChanges[i].Tool < env.DefinitionChanges[j].Tool })
	}
	ss.listed, ss.listChanged = true, false
	if server == "" {
		return
	}
	version := env.Event.GetServer().GetVersion()
	env.Collisions = collisions(client, server, version, env.Tools, env.Time)
	env.ReferringTools = referringTools(client, server, env.Tools, env.Time)
	cs := client.servers[server]
	if cs == nil {
		cs = &clientServer{tools: map[string]offeredTool{}}
		client.servers[server] = cs
	}
	cs.last = env.Time
	own := make(map[string]bool, len(env.Tools))
	for _, t := range env.Tools {
		own[strings.ToLower(t.Name)] = true
	}
	for _, t := range env.Tools {
		if len(cs.tools) < maxCatalogTools {
			o := offeredTool{twin: twinKey(version, t), version: version, claim: claimsAnyLanguage(t.Description), schema: t.InputSchemaJSON}
			if len(t.Text) <= maxKeptDefinition && namesOtherTool(t.Text, own) {
				def := t
				// (only the annotations of the proto are read again)
				def.Definition = &eventv1.ToolDefinition{Annotations: t.Definition.GetAnnotations()}
				def.Risk, def.Hidden = signal.Verdict{}, signal.Verdict{}
				o.def = &def
			}
			cs.tools[t.Name] = o
		}
	}
	env.ForeignTools = foreignTools(client, server, env.Time)
	cs.foreign = make(map[string]bool, len(env.ForeignTools))
	for _, n := range env.ForeignTools {
		cs.foreign[strings.ToLower(n)] = true
	}
}

// maxKeptDefinition bounds the model-visible text of a definition kept
// for referringTools, in bytes.
const maxKeptDefinition = 16 << 10

// namesOtherTool reports model-visible text naming something shaped like
// a tool that is not one of own (lower case): a word of letters and
// digits joined by '_', '-' or '.' (send_email, github.create_issue), or
// a camelCase word (sendMessage). At most 64 such words are looked at.
func namesOtherTool(text string, own map[string]bool) bool {
	n := 0
	for i := 0; i < len(text) && n < 64; {
		for i < len(text) && !isToolNameByte(text[i]) {
			i++
		}
		st := i
		joined, camel := false, false
		for i < len(text) && isToolNameByte(text[i]) {
			c := text[i]
			if (c == '_' || c == '-' || c == '.') && i > st && i+1 < len(text) && isAlnumByte(text[i-1]) && isAlnumByte(text[i+1]) {
				joined = true
			}
			if c >= 'A' && c <= 'Z' && i > st && text[i-1] >= 'a' && text[i-1] <= 'z' {
				camel = true
			}
			i++
		}
		if !joined && !camel || i-st < 3 {
			continue
		}
		n++
		if w := strings.Trim(text[st:i], "_-."); !own[strings.ToLower(w)] {
			return true
		}
	}
	return false
}

func isToolNameByte(c byte) bool { return isAlnumByte(c) || c == '_' || c == '-' || c == '.' }

func isAlnumByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// referringTools returns, on a tools/list of server, the definitions
// other servers offered the client within the client window that name
// one of tools and were analysed before the client knew that name
// (clientServer.foreign): clients list their servers' tools in any
// order, so a description giving orders about send_email is read again
// once a server offers send_email. Each name is checked once per server;
// sorted by server and tool. ReferringServer is set on each.
func referringTools(c *clientState, server string, tools []Tool, now time.Time) []Tool {
	var out []Tool
	for name, cs := range c.servers {
		if name == server || now.Sub(cs.last) > clientWindow {
			continue
		}
		var fresh []string
		for _, t := range tools {
			n := strings.ToLower(t.Name)
			if len(n) >= 4 && !cs.foreign[n] && !hasTool(cs, t.Name) {
				fresh = append(fresh, n)
			}
		}
		if len(fresh) == 0 {
			continue
		}
		if cs.foreign == nil {
			cs.foreign = map[string]bool{}
		}
		for _, n := range fresh {
			cs.foreign[n] = true
		}
		var siblings []string
		for _, o := range cs.tools {
			if o.def == nil || !mentionsAny(o.def.Text, fresh) {
				continue
			}
			if siblings == nil {
				for n := range cs.tools {
					siblings = append(siblings, n)
				}
				sort.Strings(siblings)
			}
			d := *o.def
			d.ReferringServer, d.siblings = name, siblings
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ReferringServer != out[j].ReferringServer {
			return out[i].ReferringServer < out[j].ReferringServer
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// namesServer reports text naming server by a distinctive word of its
// name (split at '-', '_', '.', '/', '@'; four letters or more, not
// mcp, server, tools, official): "gmail" for gmail-mcp.
func namesServer(text, server string) bool {
	var words []string
	for _, w := range strings.FieldsFunc(strings.ToLower(server), func(r rune) bool { return r == '-' || r == '_' || r == '.' || r == '/' || r == '@' || r == ' ' }) {
		switch w {
		case "mcp", "server", "servers", "tools", "official", "modelcontextprotocol", "example":
			continue
		}
		if len(w) >= 4 {
			words = append(words, w)
		}
	}
	return len(words) > 0 && mentionsAny(text, words)
}

func hasTool(cs *clientServer, name string) bool {
	_, ok := cs.tools[name]
	return ok
}

// mentionsAny reports text holding one of names (lower case) as a whole
// word, case-insensitively.
func mentionsAny(text string, names []string) bool {
	low := strings.ToLower(text)
	for _, n := range names {
		for i := 0; i < len(low); {
			j := strings.Index(low[i:], n)
			if j < 0 {
				break
			}
			j += i
			end := j + len(n)
			if (j == 0 || !isNameByte(low[j-1])) && (end == len(low) || !isNameByte(low[end])) {
				return true
			}
			i = j + 1
		}
	}
	return false
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
}

func sessionReported(cs []DefinitionChange, tool string) bool {
	return slices.ContainsFunc(cs, func(c DefinitionChange) bool { return c.Tool == tool })
}

// foreignTools returns the tool names other servers offered the client
// within the client window, sorted.
func foreignTools(c *clientState, server string, now time.Time) []string {
	var out []string
	for name, cs := range c.servers {
		if name == server || now.Sub(cs.last) > clientWindow {
			continue
		}
		for t := range cs.tools {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// twinKey identifies a tool definition of one release of a server: the
// server's version (serverInfo.version) and the definition hash; "" when
// either is missing.
func twinKey(version string, t Tool) string {
	if version == "" || t.DefinitionHash == "" {
		return ""
	}
	return version + "\x00" + t.DefinitionHash
}

// collisions compares a server's tools with those other servers offered
// the same client. A tool of the same name, the same definition and the
// same server version is not a collision: two instances of one server
// (a prod and a staging database, two Postgres databases), configured
// under two names.
func collisions(c *clientState, server, version string, tools []Tool, now time.Time) []Collision {
	var out []Collision
	others := make([]string, 0, len(c.servers))
	for name := range c.servers {
		if name != server && now.Sub(c.servers[name].last) <= clientWindow {
			others = append(others, name)
		}
	}
	sort.Strings(others)
	for _, o := range others {
		if lookalike(server, o) {
			out = append(out, Collision{Kind: "lookalike_server", OtherServer: o})
		}
		otherTools := make([]string, 0, len(c.servers[o].tools))
		shared := 0
		for ot := range c.servers[o].tools {
			otherTools = append(otherTools, ot)
		}
		for _, t := range tools {
			if _, ok := c.servers[o].tools[t.Name]; ok {
				shared++
			}
		}
		sort.Strings(otherTools)
		for _, t := range tools {
			if k, ok := c.servers[o].tools[t.Name]; ok {
				claim := k.claim || claimsAnyLanguage(t.Description)
				switch {
				case k.twin != "" && k.twin == twinKey(version, t):
					// one release, one definition: two configured instances
					continue
				case !claim && version != "" && k.version == version && shared >= 2:
					// one release configured twice (github and
					// github-enterprise), descriptions filled in from
					// each instance's configuration
					continue
				case !claim && genericToolName(t.Name):
					// "query", "search": names any server may choose
					continue
				}
				// (a description that names the other server, in any
				// language: "an improved send_email; gmail's is obsolete")
				claim = claim || namesServer(t.Description, o)
				switch {
				case !claim && unlikeParams(inputProperties(t.InputSchemaJSON), inputProperties(k.schema)):
					// Drive's search_files(query, page_size) and SharePoint's
					// search_files(drive_id, query): an impostor takes the
					// arguments its target takes, so that calls meant for the
					// target fit it
					continue
				case !claim && shared < len(tools) && shared < len(c.servers[o].tools):
					// two products that both name a tool create_issue
					// (GitHub and Linear), each with tools the other
					// lacks: an impostor offers the tools it wants called
					// and little else, a subset of its target's
					continue
				}
				out = append(out, Collision{Tool: t.Name, Kind: "same_name", OtherServer: o, OtherTool: t.Name})
				continue
			}
			for _, ot := range otherTools {
				switch {
				case namespaced(t.Name, o, ot):
					out = append(out, Collision{Tool: t.Name, Kind: "namespaced_tool", OtherServer: o, OtherTool: ot})
				case lookalike(t.Name, ot):
					out = append(out, Collision{Tool: t.Name, Kind: "lookalike_tool", OtherServer: o, OtherTool: ot})
				default:
					continue
				}
				break
			}
		}
	}
	return out
}

// maxInputProperties bounds inputProperties.
const maxInputProperties = 64

// inputProperties returns the top-level property names of an inputSchema
// (catalog.PropertyNames), folded to lower case and sorted, at most
// maxInputProperties.
func inputProperties(schema string) []string {
	names := catalog.PropertyNames(schema)
	for i, n := range names {
		names[i] = strings.ToLower(n)
	}
	sort.Strings(names)
	if len(names) > maxInputProperties {
		names = names[:maxInputProperties]
	}
	return names
}

// unlikeParams reports two tools' property names (sorted) of which
// neither set holds the other: each takes an argument the other lacks.
// Both must have properties.
func unlikeParams(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	sub := func(x, y []string) bool {
		for _, v := range x {
			if _, ok := slices.BinarySearch(y, v); !ok {
				return false
			}
		}
		return true
	}
	return !sub(a, b) && !sub(b, a)
}

// genericToolName reports a tool name of one word (no separator or case
// change inside): query, search, fetch, run. Unrelated servers choose such
// names for their own tools.
func genericToolName(name string) bool {
	if name == "" || len(name) > 24 {
		return false
	}
	for i, r := range name {
		if r == '_' || r == '-' || r == '.' || r == ' ' || r == '/' || unicode.IsUpper(r) && i > 0 {
			return false
		}
	}
	return true
}

// precedenceClaims are the folded phrases by which a tool description
// claims to replace or outrank another tool of its name.
// precedenceClaims are the phrases of a tool description that claim to
// replace or outrank other tools by themselves; weakPrecedenceClaims do so
// only in a sentence that also names a tool, server, version or API
// (precedenceContext): "a newer version of the search tool" is a pitch,
// "upload or replace a file" and "sort by priority" are not.
var (
	precedenceClaims = []string{"supersede", "deprecat", "drop-in", "takes over", "only correct", "the real", "prefer this", "always use",
		"use this", "instead of", "rather than", "precedence", "legacy", "outdated", "obsolete"}
	weakPrecedenceClaims = []string{"replace", "newer", "updated", "official", "version 2", " v2", "v2 ", "preferred", "priority",
		"better", "faster", "improved", "recommended"}
	precedenceContext = []string{"tool", "server", "version", "api", "endpoint", "function", "integration", "method", "plugin", "connector",
		"implementation", "other", "previous", "old ", "transport", "backend", "engine", "service", "sdk", "library", "driver"}
)

// claimsPrecedence reports whether a tool description claims to replace
// or outrank other tools (precedenceClaims, weakPrecedenceClaims): the
// pitch of a shadowing tool.
func claimsPrecedence(desc string) bool {
	if desc == "" {
		return false
	}
	if len(desc) > 4096 {
		desc = desc[:4096]
	}
	f := canon.Fold(desc)
	for _, c := range precedenceClaims {
		if strings.Contains(f, c) {
			return true
		}
	}
	for _, sent := range strings.FieldsFunc(f, func(r rune) bool { return r == '.' || r == '\n' || r == ';' || r == '!' }) {
		if containsFoldAny(sent, weakPrecedenceClaims...) && containsFoldAny(sent, precedenceContext...) {
			return true
		}
	}
	return false
}

// claimsAnyLanguage is claimsPrecedence, and for text that is not all
// ASCII also injection.ClaimsPrecedence (the analyser's languages): the
// English word lists read English descriptions at a fraction of the cost.
func claimsAnyLanguage(desc string) bool {
	if claimsPrecedence(desc) {
		return true
	}
	for i := 0; i < len(desc); i++ {
		if desc[i] >= utf8.RuneSelf {
			return injection.ClaimsPrecedence(desc)
		}
	}
	return false
}

// lookalike reports whether two different names would be confused: the
// same skeleton (canon.Skeleton: case, separators, confusable characters
// folded), or within one edit — an insertion, deletion, substitution or
// swap of neighbours — of a skeleton of at least 6 characters.
func lookalike(a, b string) bool {
	if a == b {
		return false
	}
	fa, fb := canon.Skeleton(a), canon.Skeleton(b)
	if fa == fb {
		return true
	}
	return min(len(fa), len(fb)) >= 6 && osaDistance(fa, fb) <= 1
}

// namespaced reports a tool named like another server's tool prefixed
// with that server's name (github.create_issue, github__create_issue)
// offered by a different server.
func namespaced(name, otherServer, otherTool string) bool {
	n, s, t := canon.Skeleton(name), canon.Skeleton(otherServer), canon.Skeleton(otherTool)
	return s != "" && t != "" && (n == s+t || n == t+s)
}

// osaDistance is the optimal string alignment distance of a and b in
// bytes (Levenshtein plus swaps of adjacent characters), for short names.
func osaDistance(a, b string) int {
	if len(a) > 128 || len(b) > 128 {
		return EditDistance(a, b)
	}
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func baselineEntry(t *Tool, at time.Time) BaselineEntry {
	a := t.Definition.GetAnnotations()
	if a == nil {
		a = &eventv1.ToolAnnotations{}
	}
	m := map[string]any{
		"readOnlyHint": a.ReadOnlyHint, "destructiveHint": a.DestructiveHint,
		"idempotentHint": a.IdempotentHint, "openWorldHint": a.OpenWorldHint, "title": a.GetTitle(),
	}
	if x := a.GetExtraJson(); x != "" {
		m["extra"] = json.RawMessage(x) // (only when present: older records have none)
	}
	ann, _ := json.Marshal(m)
	return BaselineEntry{
		Hash: t.DefinitionHash, Title: t.Title, Description: t.Description,
		InputSchema: t.InputSchemaJSON, OutSchema: t.OutputSchemaJSON, Meta: t.MetaJSON,
		Annotations: string(ann), ReadOnly: a.GetReadOnlyHint(),
		NotDestroy:  a.DestructiveHint != nil && !a.GetDestructiveHint(),
		annotations: t.Definition.GetAnnotations(),
		FirstSeen:   at, LastSeen: at,
	}
}

// diffEntry compares two recorded definitions field by field. A differing
// hash with no differing field (a key this record does not keep) counts
// as a change of meta.
func diffEntry(prev, cur BaselineEntry) (DefinitionChange, bool) {
	if prev.Hash == cur.Hash && prev.Hash != "" {
		return DefinitionChange{}, false
	}
	c := DefinitionChange{PreviousHash: prev.Hash, Hash: cur.Hash}
	add := func(field string, changed bool) {
		if changed {
			c.Fields = append(c.Fields, field)
		}
	}
	add("title", prev.Title != cur.Title)
	add("description", prev.Description != cur.Description)
	add("input_schema", prev.InputSchema != cur.InputSchema)
	add("output_schema", prev.OutSchema != cur.OutSchema)
	add("annotations", prev.Annotations != cur.Annotations)
	add("meta", prev.Meta != cur.Meta)
	if len(c.Fields) == 0 {
		if prev.Hash == cur.Hash {
			return DefinitionChange{}, false
		}
		c.Fields = []string{"meta"}
	}
	c.ReadOnlyFlip = prev.ReadOnly && !cur.ReadOnly
	c.VersionChanged = prev.Version != cur.Version
	c.Similarity = similarity(prev.Description+" "+prev.InputSchema, cur.Description+" "+cur.InputSchema)
	c.DestructiveFlip = prev.NotDestroy && !cur.NotDestroy
	return c, true
}

// Fingerprints. A disclosed value is remembered as a 48-bit fingerprint,
// never as text: with the collector's key (WithFingerprintKey), the same
// HMAC-SHA256 the collector puts in its redaction markers, so a value the
// collector masked in a result matches the same value sent in clear later;
// without it, SHA-256 (clear values then match only clear values).

func (s *state) fingerprint(v string) uint64 {
	if kind, fp, ok := secrets.MarkerKind(v); ok && kind != "" && len(fp) == secrets.FingerprintLen {
		if b, err := hex.DecodeString(fp); err == nil {
			return uint64(b[0])<<40 | uint64(b[1])<<32 | uint64(binary.BigEndian.Uint32(b[2:]))
		}
	}
	var sum []byte
	if len(s.fpKey) > 0 {
		h := hmac.New(sha256.New, s.fpKey)
		h.Write([]byte(v))
		sum = h.Sum(nil)
	} else {
		x := sha256.Sum256([]byte(v))
		sum = x[:]
	}
	return uint64(sum[0])<<40 | uint64(sum[1])<<32 | uint64(binary.BigEndian.Uint32(sum[2:6]))
}

// minBlob is the length from which a run of base64 characters is a file
// (a PDF, an image, an archive) rather than a token: tokens and keys are
// shorter, and a file's base64 split at its slashes would look like many.
const minBlob = 1024

// blankBlobs returns text with its runs of base64 characters (A–Z a–z
// 0–9 + / = - _) of minBlob or more, or of 64 or more that start as a file
// does (fileMagic), replaced by spaces; text itself when it has none.
func blankBlobs(text string) string {
	if len(text) < 64 {
		return text
	}
	var b []byte
	run := 0
	for i := 0; i <= len(text); i++ {
		if i < len(text) {
			c := text[i]
			if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=' || c == '-' || c == '_' {
				run++
				continue
			}
		}
		if run >= minBlob || run >= 64 && fileMagic(text[i-run:i]) {
			if b == nil {
				b = []byte(text)
			}
			for k := i - run; k < i; k++ {
				b[k] = ' '
			}
		}
		run = 0
	}
	if b == nil {
		return text
	}
	return string(b)
}

// fileMagics are the base64 forms of the first bytes of common file
// formats: PDF, PNG, JPEG, GIF, ZIP (and Office files), RIFF (WebP, WAV),
// gzip.
var fileMagics = []string{"JVBERi0", "iVBORw0KGgo", "/9j/", "R0lGOD", "UEsDB", "UklGR", "H4sI"}

// fileMagic reports base64 text that starts as a file of a common format
// does (fileMagics).
func fileMagic(b64 string) bool {
	for _, m := range fileMagics {
		if strings.HasPrefix(b64, m) {
			return true
		}
	}
	return false
}

// tokenCandidates returns the substrings of text that look like secrets
// or tokens worth tracking: the collector's [REDACTED:kind:fp] markers,
// clear-text secrets of a known kind, and high-entropy words of 20 to 512
// characters; words are split at spaces, quotes, brackets and the
// separators of a URL query (?, &, =, #), and a URL's path segments count
// as words too, so a token pasted into another URL is found.
func tokenCandidates(text string, fn func(value, kind string)) {
	markers(text, func(m, kind string) { fn(m, kind) })
	text = blankBlobs(text)
	n := 0
	eachWord(text, func(w string) bool {
		if n++; n > 4096 {
			return false
		}
		if len(w) < 20 || len(w) > 512 {
			return true
		}
		if kinds := Secrets(w); len(kinds) > 0 {
			fn(w, kinds[0])
			return true
		}
		if looksLikeToken(w) && !sshPublicKeyBlob(w) {
			fn(w, "token")
		}
		return true
	})
}

// sshPublicKeyBlobs are the openings of the base64 key blob of an OpenSSH
// public key line (RFC 4253 section 6.6: the blob starts with the
// length-prefixed algorithm name): ssh-rsa, ssh-dss, ssh-ed25519,
// ecdsa-sha2-*, sk-ssh-ed25519@openssh.com, sk-ecdsa-sha2-*.
var sshPublicKeyBlobs = []string{"AAAAB3NzaC1yc2E", "AAAAB3NzaC1kc3M", "AAAAC3NzaC1lZDI1NTE5", "AAAAE2VjZHNhLXNoYTIt",
	"AAAAGnNrLXNzaC1lZDI1NTE5", "AAAAInNrLWVjZHNhLXNoYTIt"}

// sshPublicKeyBlob reports the key blob of an SSH public key: a public
// key is made to be handed out (authorized_keys, a Git host's SSH keys),
// so it is no disclosed secret.
func sshPublicKeyBlob(w string) bool {
	for _, p := range sshPublicKeyBlobs {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// markers calls fn with each [REDACTED:kind:fp] marker of text that
// carries a fingerprint (only those tell one secret from another).
func markers(text string, fn func(marker, kind string)) {
	for rest := text; ; {
		i := strings.Index(rest, "[REDACTED:")
		if i < 0 {
			return
		}
		j := strings.IndexByte(rest[i:], ']')
		if j < 0 {
			return
		}
		if kind, fp, ok := secrets.MarkerKind(rest[i : i+j+1]); ok && fp != "" {
			fn(rest[i:i+j+1], kind)
		}
		rest = rest[i+j+1:]
	}
}

// eachWord calls fn with the words of text (tokenSep) that are not
// redaction markers, and with the path segments of URL words, until fn
// returns false.
func eachWord(text string, fn func(w string) bool) {
	for _, w := range strings.FieldsFunc(text, tokenSep) {
		if strings.Contains(w, "[REDACTED:") {
			continue
		}
		if !fn(w) {
			return
		}
		if i := strings.Index(w, "://"); i > 0 {
			for _, seg := range strings.Split(w[i+3:], "/") {
				if seg != "" && seg != w && !fn(seg) {
					return
				}
			}
		}
	}
}

func tokenSep(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '"', '\'', '`', ',', ';', '<', '>', '(', ')', '{', '}', '|', '\\', '=', '&', '?', '#':
		return true
	}
	return false
}

// looksLikeToken reports a random-looking word (secrets.Randomish, with a
// digit and a letter and at least 3.5 bits of entropy per character), not
// a path, URL, UUID or hex digest.
// slug reports a name made of words and numbers joined by -, _ or .
// (asset-pipeline-2025-10, q3_report_final_v2): every part all digits,
// all letters with a vowel, or three characters at most. A token's parts
// are not words.
func slug(w string) bool {
	parts := strings.FieldsFunc(w, func(r rune) bool { return r == '-' || r == '_' || r == '.' })
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		digits, letters, vowel := true, true, false
		for i := 0; i < len(p); i++ {
			c := p[i] | 0x20
			switch {
			case p[i] >= '0' && p[i] <= '9':
				letters = false
			case c >= 'a' && c <= 'z':
				digits = false
				vowel = vowel || strings.IndexByte("aeiouy", c) >= 0
			default:
				return false
			}
		}
		if !digits && !(letters && vowel && len(p) <= 14) && len(p) > 3 {
			return false // (q3, v2, k8s: short parts of any kind)
		}
	}
	return true
}

// chainIdentifierRe matches the public identifiers of blockchains, which
// are published by design: Ethereum-style addresses and transaction
// hashes (0x and 40 or 64 hex digits, EIP-55 mixed case included),
// Bitcoin-style bech32 addresses (BIP 173/350: a human-readable part, the
// separator 1, then the bech32 alphabet) and Base58Check P2PKH/P2SH
// addresses (leading 1 or 3, 26 to 35 characters).
var chainIdentifierRe = regexp.MustCompile(`^0x(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$|^(?:bc|tb|bcrt|ltc|tltc)1[02-9ac-hj-np-z]{25,87}$|^[13][1-9A-HJ-NP-Za-km-z]{25,34}$`)

func looksLikeToken(w string) bool {
	if strings.ContainsAny(w, "/:@") || len(w) == 36 && strings.Count(w, "-") == 4 {
		return false
	}
	// Digests (git commits, SHA-1, SHA-256) are identifiers meant to be
	// passed around, not secrets.
	if (len(w) == 40 || len(w) == 64) && strings.Trim(strings.ToLower(w), "0123456789abcdef") == "" {
		return false
	}
	if chainIdentifierRe.MatchString(w) {
		return false // public blockchain addresses and transaction hashes
	}
	if slug(w) {
		return false
	}
	return secrets.Randomish(w) && strings.ContainsAny(w, "0123456789") &&
		strings.IndexFunc(w, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }) >= 0 &&
		Entropy(w) >= 3.5
}

func (s *state) recordTaints(env *Env, ss *sessionState, text string) {
	if text == "" {
		return
	}
	client := s.clientOf(ss, env.Time)
	tool, caps := env.ToolName, env.CalledTool.Capabilities
	if tool == "" {
		tool, caps = env.ResourceURI, resourceCaps
	}
	var host uint64
	issuer := s.destinationDomain(env.Arguments)
	add := func(v, kind string) {
		fp := s.fingerprint(v)
		t := taint{kind: kind, tool: tool, server: env.ServerName, caps: caps, host: host, issuer: issuer, at: env.Time}
		if len(ss.taints) < maxTaints {
			ss.taints[fp] = t
		}
		if len(client.taints) < maxTaints*4 {
			client.taints[fp] = t
		}
	}
	// Field by field (whitespace apart), so each value knows the host of
	// the URL it sits in. Object identifiers (a JSON "id" or "customer_id"
	// member) are not credentials: passing them on is how an API is used.
	ids := identifierValues(text)
	for v := range ids {
		if len(client.ids) >= maxTaints*4 {
			clear(client.ids)
		}
		client.ids[s.fingerprint(v)] = struct{}{}
	}
	addToken := func(v, kind string) {
		if kind == "token" && len(client.ids) > 0 {
			if _, known := client.ids[s.fingerprint(v)]; known || ids[v] {
				return
			}
		}
		add(v, kind)
	}
	n := 0
	for _, f := range strings.Fields(text) {
		if n++; n > 4096 {
			break
		}
		host = s.urlHost(f)
		tokenCandidates(f, addToken)
	}
	host = 0
	credentialValues(text, add)
	oneTimeCodes(text, tool, add)
	markers(text, func(_, kind string) {
		if kind == secrets.KindPrivateKey {
			client.keys = &taint{kind: kind, tool: tool, server: env.ServerName, caps: caps, at: env.Time}
		}
	})
}

// identifierMemberRe finds JSON string members whose key names an object
// identifier: id, uuid, *_id, *Id (customer_id, paymentIntentId).
var identifierMemberRe = regexp.MustCompile(`"(id|Id|ID|uuid|guid|[A-Za-z0-9]*_id|[A-Za-z][A-Za-z0-9]*I[dD])"\s*:\s*"([^"\\]{8,128})"`)

// identifierLabels calls fn with each identifier a result labels in
// plain text: "id: 1xQ2mW…", "(ID 1Mz8Kd4…)", "document_id=…",
// "VersionId: …" — a label word that is id, ends in _id or Id/ID, then
// ':', '=' or a space, then a value of 8 to 128 letters, digits, '_' or
// '-'. A scan for "id", not a regexp: results run to megabytes.
func identifierLabels(text string, fn func(label, value string)) {
	isWord := func(c byte) bool {
		return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	n := 0
	for i := 0; i+2 < len(text) && n < 256; i++ {
		if !(text[i] == 'i' || text[i] == 'I') || !(text[i+1] == 'd' || text[i+1] == 'D') || isWord(text[i+2]) {
			continue
		}
		st := i
		for st > 0 && isWord(text[st-1]) {
			st--
		}
		label := text[st : i+2]
		switch {
		case label == "id" || label == "ID" || label == "Id":
		case strings.HasSuffix(label, "_id") || strings.HasSuffix(label, "_ID"):
		case len(label) > 2 && text[i] == 'I' && (text[i-1] >= 'a' && text[i-1] <= 'z' || text[i+1] == 'D'):
		default:
			continue
		}
		j := i + 2
		for j < len(text) && text[j] == ' ' {
			j++
		}
		if j < len(text) && (text[j] == ':' || text[j] == '=') {
			j++
			for j < len(text) && text[j] == ' ' {
				j++
			}
		} else if j == i+2 {
			continue // "id1234…": no separator
		}
		k := j
		for k < len(text) && k-j <= 128 && (isWord(text[k]) || text[k] == '-') {
			k++
		}
		if k-j >= 8 && k-j <= 128 {
			n++
			fn(label, text[j:k])
		}
		i = k - 1
	}
}

// secretIdentifierWords are key words that make an "id" a credential: a
// session id or a token id is what token theft takes.
var secretIdentifierWords = []string{"session", "sess", "token", "auth", "secret", "key", "cookie", "csrf", "xsrf", "nonce", "state",
	"code", "jti", "sid", "password", "credential", "access", "refresh", "bearer", "ticket"}

// identifierValues returns the values of text's object-identifier JSON
// members (identifierMemberRe) whose key does not name a credential, at
// most 256; nil when there are none.
func identifierValues(text string) map[string]bool {
	var out map[string]bool
	add := func(key, v string) {
		if containsFoldAny(key, secretIdentifierWords...) {
			return
		}
		if out == nil {
			out = map[string]bool{}
		}
		out[v] = true
	}
	if strings.Contains(text, "d\"") || strings.Contains(text, "D\"") {
		for _, m := range identifierMemberRe.FindAllStringSubmatch(text, 256) {
			add(m[1], m[2])
		}
	}
	identifierLabels(text, add)
	return out
}

// urlHost returns the fingerprint of the host of the first URL in s
// (scheme://host), lowercased, 0 when s holds none.
func (s *state) urlHost(v string) uint64 {
	i := strings.Index(v, "://")
	if i <= 0 {
		return 0
	}
	h := v[i+3:]
	if j := strings.IndexAny(h, "/?#\"' \t\n"); j >= 0 {
		h = h[:j]
	}
	if j := strings.LastIndexByte(h, '@'); j >= 0 {
		h = h[j+1:]
	}
	if h == "" || len(h) > 253 {
		return 0
	}
	return s.fingerprint("host\x00" + strings.ToLower(h))
}

// destinationDomain returns the fingerprint of the registrable domain
// (eTLD+1, golang.org/x/net/publicsuffix; the host itself for an IP
// address or a single-label name) of the URL a call is sent to: the
// first top-level argument whose whole value is an http(s) URL, url,
// uri, endpoint and href keys first. 0 when there is none.
func (s *state) destinationDomain(args map[string]any) uint64 {
	if len(args) == 0 {
		return 0
	}
	pick, first := "", ""
	for _, k := range sortedKeys(args) {
		v, ok := args[k].(string)
		if !ok || !(strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://")) {
			continue
		}
		switch strings.ToLower(k) {
		case "url", "uri", "endpoint", "href", "base_url", "baseurl":
			if pick == "" {
				pick = v
			}
		}
		if first == "" {
			first = v
		}
	}
	if pick == "" {
		pick = first
	}
	u, err := url.Parse(pick)
	if pick == "" || err != nil || u.Hostname() == "" {
		return 0
	}
	return s.fingerprint("domain\x00" + registrableDomain(u.Hostname()))
}

// registrableDomain returns host's eTLD+1 under the ICANN section of the
// public suffix list (golang.org/x/net/publicsuffix), lowercased, or host
// itself when it has none (an IP address, localhost, a single label).
// The private section is skipped on purpose: it makes oauth2.googleapis.com
// and www.googleapis.com separate sites for cookies, but one organisation
// issues and accepts their tokens.
func registrableDomain(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	ps, icann := publicsuffix.PublicSuffix(host)
	for !icann {
		i := strings.IndexByte(ps, '.')
		if i < 0 {
			break
		}
		ps, icann = publicsuffix.PublicSuffix(ps[i+1:])
	}
	if !icann || len(ps) >= len(host) || host[len(host)-len(ps)-1] != '.' {
		return host
	}
	rest := host[:len(host)-len(ps)-1]
	return rest[strings.LastIndexByte(rest, '.')+1:] + "." + ps
}

// credentialIssuers maps a secret kind (internal/secrets) to the
// registrable domain of the provider that issues it and whose API it
// authenticates to.
var credentialIssuers = map[string]string{
	secrets.KindGitHubToken: "github.com", secrets.KindGitLabToken: "gitlab.com", secrets.KindSlackToken: "slack.com",
	secrets.KindDiscordToken: "discord.com", secrets.KindTelegramBotToken: "telegram.org", secrets.KindStripeKey: "stripe.com",
	secrets.KindTwilioKey: "twilio.com", secrets.KindSendGridKey: "sendgrid.com", secrets.KindMailgunKey: "mailgun.net",
	secrets.KindNPMToken: "npmjs.org", secrets.KindPyPIToken: "pypi.org", secrets.KindDockerHubToken: "docker.io",
	secrets.KindAnthropicKey: "anthropic.com", secrets.KindOpenAIKey: "openai.com", secrets.KindHuggingFaceToken: "huggingface.co",
	secrets.KindGoogleAPIKey: "googleapis.com",
}

// kindIssuer returns the fingerprint of credentialIssuers[kind], 0 when
// the kind has no single issuer.
func (s *state) kindIssuer(kind string) uint64 {
	d, ok := credentialIssuers[kind]
	if !ok {
		return 0
	}
	return s.fingerprint("domain\x00" + d)
}

// issuedBy reports whether dest (a destinationDomain fingerprint) is
// the provider's domain of the secret kind the value was recorded as, or
// of a kind the value itself has (a gho_ token recorded as a password
// because it sat in a config assignment).
func (s *state) issuedBy(dest uint64, kind, value string) bool {
	if dest == s.kindIssuer(kind) {
		return true
	}
	if _, known := credentialIssuers[kind]; known {
		return false
	}
	for _, k := range Secrets(value) {
		if dest == s.kindIssuer(k) {
			return true
		}
	}
	return false
}

// resourceCaps are the labels a resources/read source gets: a server's
// resources are its user's data.
var resourceCaps = []string{catalog.ReadsPrivate}

// credAssign finds a value assigned to a name that says it is a
// password, secret, key or access token, in the syntaxes of config files
// and code: name = value, name: value, "name": "value", define('NAME',
// 'value'), NAME=value (a comma separates only quoted name and value:
// "mots de passe, données d'accès" is a list). The name may carry a prefix or suffix (DB_PASSWORD,
// smtp_password_prod).
var credAssign = regexp.MustCompile(`(?i)(?:pass(?:word|wd|phrase)?|pwd|secret|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret|(?:access|refresh|auth|bearer|session|api|bot|personal)[_-]?token|credentials?)[a-z0-9_]*(?:["']?\s*(?:=>|[:=])\s*["']?|["']\s*,\s*["'])([^\s"'\x60,;)\]}]{6,128})`)

// credentialValues calls fn with each clear value credAssign finds in
// text (kind password), leaving out markers, variables and placeholders.
func credentialValues(text string, fn func(value, kind string)) {
	if !containsFoldAny(text, "pass", "pwd", "secret", "key", "token", "credential") {
		return
	}
	// The expression runs only on windows around the key words: over a
	// whole 10 KB result its unanchored, case-insensitive prefix cost more
	// than every analyser together.
	lower := asciiLower(text) // same byte offsets as text
	seen := map[string]bool{}
	windows := 0
	for _, kw := range []string{"pass", "pwd", "secret", "key", "token", "credential"} {
		for from := 0; windows < 64; {
			i := strings.Index(lower[from:], kw)
			if i < 0 {
				break
			}
			i += from
			from = i + len(kw)
			// an assignment follows the word ("password = …", "api_key":
			// "…"): the identifier's rest, quotes and blanks, then = : or ,
			j := from
			for j < len(lower) && j-from < 32 && (lower[j] >= 'a' && lower[j] <= 'z' || lower[j] >= '0' && lower[j] <= '9' || lower[j] == '_' || lower[j] == '-') {
				j++
			}
			for j < len(lower) && (lower[j] == '"' || lower[j] == '\'' || lower[j] == ' ') {
				j++
			}
			if j >= len(lower) || lower[j] != '=' && lower[j] != ':' && lower[j] != ',' {
				continue
			}
			windows++
			lo, hi := max(0, i-24), min(len(text), i+200)
			for lo > 0 && !utf8.RuneStart(text[lo]) {
				lo--
			}
			for hi < len(text) && !utf8.RuneStart(text[hi]) {
				hi++
			}
			for _, m := range credAssign.FindAllStringSubmatch(text[lo:hi], 4) {
				v := m[1]
				if seen[v] || strings.Contains(v, "REDACTED") || strings.ContainsAny(v[:1], "$%<{*[(") || strings.Trim(v, v[:1]) == "" {
					continue
				}
				seen[v] = true
				fn(v, "password")
			}
		}
	}
}

// asciiLower lowers ASCII letters only, keeping every byte offset.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// codeContext are words that say a text shows one-time or recovery codes.
var codeContext = map[string]bool{"recovery": true, "verification": true, "otp": true, "totp": true, "hotp": true, "2fa": true,
	"mfa": true, "passcode": true, "passcodes": true, "pin": true, "backup": true, "one-time": true, "onetime": true}

// oneTimeCodes calls fn (kind one_time_code) with the short codes of a
// text that speaks of recovery, backup, verification or one-time codes
// (or whose tool does): words of 6 to 32 letters, digits and dashes with
// at least 4 digits, such as 482913 or 58477-31497, at most 32.
// ticketIDRe matches record identifiers that are no one-time code: a
// prefix of three or more capital letters and digits (CHG0048812,
// INC0012345, PROJ-4821, PO4471209 has two and stays a candidate).
var ticketIDRe = regexp.MustCompile(`^[A-Z]{3,}-?[0-9]{3,}$`)

func oneTimeCodes(text, tool string, fn func(value, kind string)) {
	ctx := false
	check := func(w string) {
		if !ctx && len(w) <= 12 && codeContext[strings.ToLower(w)] {
			ctx = true
		}
	}
	for _, w := range flowWords(tool) {
		check(w)
	}
	n := 0
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-') }) {
		if n++; n > 4096 || ctx {
			break
		}
		check(w)
	}
	if !ctx {
		return
	}
	found := 0
	eachWord(text, func(w string) bool {
		w = strings.Trim(w, ".:!")
		if len(w) < 6 || len(w) > 32 || strings.Trim(w, "-") != w {
			return true
		}
		digits := 0
		for _, r := range w {
			switch {
			case r >= '0' && r <= '9':
				digits++
			case r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			default:
				return true
			}
		}
		if digits >= 4 && !ticketIDRe.MatchString(w) {
			fn(w, "one_time_code")
			found++
		}
		return found < 32
	})
}

// flowWords splits an identifier into lowercase words at separators.
func flowWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !(unicode.IsLetter(r) || unicode.IsDigit(r)) })
}

// containsFoldAny reports whether s contains any of the lowercase ASCII
// needles, ASCII case folded, without copying s.
func containsFoldAny(s string, needles ...string) bool {
	for i := 0; i < len(s); i++ {
		for _, n := range needles {
			if len(s)-i >= len(n) && foldEq(s[i:i+len(n)], n) {
				return true
			}
		}
	}
	return false
}

func foldEq(a, lower string) bool {
	for i := 0; i < len(a); i++ {
		c := a[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// maxFlowWords bounds the argument words a call's flows look up.
const maxFlowWords = 512

// flows finds argument values an earlier result disclosed: every word of
// six characters or more (and every marker) is looked up by fingerprint,
// so a short password or code a result showed is found when sent again;
// a private key is matched by kind (Flow.ByKind).
func (s *state) flows(env *Env, ss *sessionState) []Flow {
	if env.ArgumentsJSON == "" {
		return nil
	}
	client := s.clients[ss.client]
	if len(ss.taints) == 0 && (client == nil || len(client.taints) == 0 && client.keys == nil) {
		return nil
	}
	var out []Flow
	var host uint64
	dest := s.destinationDomain(env.Arguments)
	toStore := secretStoreWrite(env.ServerName, env.ToolName) || secretFileWrite(env)
	revoking := RevocationCall(env.ToolName, env.Arguments)
	var credential bool // the current argument's key names a credential
	var whole string    // the current argument value, trimmed, when its key names a credential
	n := 0
	var seen map[uint64]bool
	lookup := func(path, w string) bool {
		fp := s.fingerprint(w)
		if seen[fp] {
			return false
		}
		if seen == nil {
			seen = map[uint64]bool{}
		}
		seen[fp] = true
		t, same := ss.taints[fp]
		if !same {
			if client == nil {
				return false
			}
			if t = client.taints[fp]; t.kind == "" {
				return false
			}
		}
		out = append(out, Flow{Field: path, Kind: t.kind, SourceTool: t.tool, SourceServer: t.server, SameSession: same, SourceCapabilities: t.caps,
			SameHost: t.host != 0 && t.host == host, Presented: whole != "" && w == whole,
			ToIssuer:      credential && dest != 0 && (dest == t.issuer || s.issuedBy(dest, t.kind, w)),
			ToSecretStore: toStore, ToRevocation: revoking})
		return true
	}
	walkStrings(env.Arguments, "arguments", func(path, v string) {
		host = s.urlHost(v)
		whole = ""
		if credential = credentialKey(path); credential || identifierKey(path) {
			whole = strings.TrimSpace(v)
		}
		markers(v, func(m, kind string) {
			if !lookup(path, m) && kind == secrets.KindPrivateKey && client != nil && client.keys != nil {
				k := client.keys
				out = append(out, Flow{Field: path, Kind: kind, SourceTool: k.tool, SourceServer: k.server, SameSession: false, SourceCapabilities: k.caps, ByKind: true})
			}
		})
		eachWord(v, func(w string) bool {
			if len(w) < 6 || len(w) > 512 {
				return true
			}
			if n++; n > maxFlowWords {
				return false
			}
			if lookup(path, w) {
				return true
			}
			// A word with trailing punctuation ("pw: Lp9Xv4Tk8Wn1.")
			if t := strings.TrimRight(w, ".:!"); t != w && len(t) >= 6 {
				lookup(path, t)
			}
			return true
		})
	})
	return out
}

// identifierKey reports an argument path whose last key names an object
// identifier: id, case_id, envelopeId, item_ref, tracking_number. A value
// a server returned and that is the whole of such an argument of the same
// server's tool is the server's own handle given back (Flow.Presented).
func identifierKey(path string) bool {
	k := path[strings.LastIndexAny(path, ".[")+1:]
	k = strings.Trim(k, "]\"")
	lk := strings.ToLower(k)
	return lk == "id" || strings.HasSuffix(lk, "_id") || strings.HasSuffix(k, "Id") || strings.HasSuffix(k, "ID") ||
		strings.HasSuffix(lk, "_ref") || strings.HasSuffix(lk, "_number") || strings.HasSuffix(lk, "tracking")
}

// credentialKey reports an argument path whose last key names a
// credential: token, upload_token, apiKey, session_id, secret, password,
// signature, auth.
func credentialKey(path string) bool {
	k := path[strings.LastIndexAny(path, ".[")+1:]
	k = strings.ToLower(strings.Trim(k, "]\""))
	return containsFoldAny(k, "token", "apikey", "api_key", "secret", "password", "session", "signature", "credential", "auth")
}

// walkStrings calls fn with the path and value of every string leaf of v,
// at most maxArgStrings.
func walkStrings(v any, path string, fn func(path, s string)) {
	walkLeaves(v, path, func(path string, leaf any) {
		if x, ok := leaf.(string); ok {
			fn(path, x)
		}
	}, func(leaf any) bool { _, ok := leaf.(string); return ok })
}

// walkNumbers calls fn with each number of v (JSON numbers decoded as
// float64 or json.Number), formatted without exponent, at most
// maxArgStrings.
func walkNumbers(v any, fn func(string)) {
	walkLeaves(v, "", func(_ string, leaf any) {
		switch x := leaf.(type) {
		case float64:
			fn(strconv.FormatFloat(x, 'f', -1, 64))
		case json.Number:
			fn(x.String())
		}
	}, func(leaf any) bool {
		switch leaf.(type) {
		case float64, json.Number:
			return true
		}
		return false
	})
}

// walkLeaves calls fn with the path and value of every leaf of v that
// counts (objects in key order, arrays in order), stopping after
// maxArgStrings of them.
func walkLeaves(v any, path string, fn func(path string, leaf any), counts func(leaf any) bool) {
	n := 0
	var walk func(v any, path string)
	walk = func(v any, path string) {
		if n >= maxArgStrings {
			return
		}
		switch x := v.(type) {
		case map[string]any:
			for _, k := range sortedKeys(x) {
				walk(x[k], path+"."+k)
			}
		case []any:
			for i, e := range x {
				walk(e, path+"["+itoa(i)+"]")
			}
		default:
			if counts(v) {
				n++
				fn(path, v)
			}
		}
	}
	walk(v, path)
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// capabilitiesOf labels a tool definition (catalog.Capabilities).
func capabilitiesOf(td *eventv1.ToolDefinition) []string {
	a := td.GetAnnotations()
	var ann catalog.Annotations
	if a != nil {
		ann = catalog.Annotations{ReadOnlyHint: a.ReadOnlyHint, DestructiveHint: a.DestructiveHint, OpenWorldHint: a.OpenWorldHint}
	}
	return catalog.Capabilities(catalog.Definition{
		Name: td.GetName(), Title: td.GetTitle(), Description: td.GetDescription(),
		InputSchemaJSON: td.GetInputSchemaJson(), Annotations: ann,
	})
}

// similarity returns the share of the distinct words of a still present
// in b (1 when a has none).
func similarity(a, b string) float64 {
	wa := wordSet(a)
	if len(wa) == 0 {
		return 1
	}
	wb := wordSet(b)
	kept := 0
	for w := range wa {
		if wb[w] {
			kept++
		}
	}
	return float64(kept) / float64(len(wa))
}

func wordSet(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 0x80)
	}) {
		if len(out) >= 2048 {
			break
		}
		out[w] = true
	}
	return out
}
