// Package catalog labels MCP tools with the capabilities that matter to
// detection — whether a tool runs commands, reads private data, reads
// content an outsider controls, sends data outside, writes files or agent
// memory, or destroys data — from the definition a server gave in
// tools/list: its annotations (MCP ToolAnnotations, untrusted hints) and the
// words of its name, title, description and parameter names.
//
// The labels feed rules that reason about flows rather than names (a
// sensitive read followed by a call to any tool that sends outside; the
// toxic flow of untrusted read, private read and outbound write in one
// session). They are heuristics: a hostile server can describe a tool
// falsely, which is why rug-pull and poisoning rules watch the definitions
// themselves.
package catalog

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode"
)

// Capability labels, as rules see them (Tool.capabilities).
const (
	// Executes: the tool runs shell commands or code.
	Executes = "executes"
	// ReadsPrivate: the tool reads the user's own data (local files,
	// databases, mailboxes, private repositories, documents, secrets).
	ReadsPrivate = "reads_private"
	// ReadsUntrusted: the tool returns content someone outside controls
	// (web pages, search results, issues and comments, inbound messages).
	ReadsUntrusted = "reads_untrusted"
	// SendsOutside: the tool sends data to another party (HTTP requests,
	// messages, e-mail, posts, issues, pull requests, uploads, webhooks).
	SendsOutside = "sends_outside"
	// WritesFiles: the tool creates, changes or moves files.
	WritesFiles = "writes_files"
	// WritesMemory: the tool stores text that later sessions or other
	// agents read back (memory, knowledge graphs, notes, vector stores).
	WritesMemory = "writes_memory"
	// ReadsMemory: the tool reads back what an agent stored for later
	// sessions (memory, knowledge graphs, vector stores, journals): text
	// that a model takes as its own remembered facts.
	ReadsMemory = "reads_memory"
	// Destructive: the tool deletes or overwrites data, by its
	// destructiveHint or its verbs.
	Destructive = "destructive"
)

// Annotations are the MCP tool annotations as sent; nil means the server
// did not send the hint.
type Annotations struct {
	// ReadOnlyHint is readOnlyHint.
	ReadOnlyHint *bool
	// DestructiveHint is destructiveHint.
	DestructiveHint *bool
	// OpenWorldHint is openWorldHint.
	OpenWorldHint *bool
}

// Definition is the part of a tool definition the labels come from.
type Definition struct {
	// Name, Title and Description are the tool's.
	Name        string
	Title       string
	Description string
	// InputSchemaJSON is inputSchema as JSON text; its property names count.
	InputSchemaJSON string
	// Annotations are the hints as sent.
	Annotations Annotations
}

// Words splits a tool or server name (or any text) into lowercase words
// at camelCase changes, _, -, ., spaces and other non-letters, the way
// Capabilities reads names: "kvPut" and "kv_put" give [kv put].
func Words(s string) []string { return words(s) }

// words splits an identifier or text into lowercase words: camelCase,
// snake_case, kebab-case, dots and spaces all separate.
func words(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	prevLower := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if unicode.IsUpper(r) && prevLower {
				flush()
			}
			cur = append(cur, r)
			prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
		default:
			flush()
			prevLower = false
		}
	}
	flush()
	return out
}

// Vocabulary. Name words weigh most: a tool's name is its verb and object.
var (
	execWords   = set("exec", "execute", "shell", "bash", "sh", "terminal", "command", "cmd", "powershell", "subprocess", "eval", "repl", "script", "run_command", "sandbox", "python", "node", "kubectl", "ssh")
	execNames   = set("exec", "execute", "shell", "bash", "terminal", "command", "cmd", "powershell", "subprocess", "eval", "repl", "run")
	sendVerbs   = set("send", "post", "publish", "upload", "email", "mail", "notify", "tweet", "share", "webhook", "reply", "comment", "dm", "invite", "submit", "push", "forward", "broadcast", "transfer", "pay")
	createVerbs = set("create", "open", "add", "update", "write", "put", "patch", "new", "edit", "merge")
	outObjects  = set("issue", "issues", "pr", "pull", "request", "comment", "gist", "message", "messages", "post", "tweet", "email", "mail", "webhook", "channel", "chat", "discussion", "review", "release", "page", "ticket", "payment", "invoice", "sms",
		"mr", "paste", "pastes", "snippet", "thread", "reply", "announcement", "newsletter", "campaign")
	// descSendVerbs start a description of a tool that sends ("Comment on
	// a merge request.", "Post to a channel.").
	descSendVerbs = set("send", "sends", "post", "posts", "publish", "publishes", "upload", "uploads", "email", "emails", "notify", "notifies", "tweet", "share", "shares",
		"reply", "replies", "comment", "comments", "dm", "invite", "invites", "submit", "submits", "forward", "forwards", "broadcast", "broadcasts", "message", "text", "sms", "pastes")
	httpWords  = set("http", "https", "request", "curl", "wget", "api", "webhook", "graphql")
	fetchVerbs = set("fetch", "browse", "navigate", "scrape", "crawl", "download", "visit", "open", "get", "read", "search", "query", "list", "find", "lookup", "retrieve", "snapshot", "screenshot")
	// webObjects are content of the open web: pages, feeds, search
	// engines and public communities by name.
	webObjects = set("url", "urls", "web", "website", "websites", "html", "browser", "internet", "news", "feed", "feeds", "rss", "wiki", "wikipedia",
		"bing", "brave", "duckduckgo", "tavily", "exa", "serp", "serper", "searxng", "reddit", "hn", "hackernews", "youtube", "stackoverflow",
		"arxiv", "forum", "forums", "community", "tweet", "tweets", "twitter",
		"puppeteer", "playwright", "selenium", "browserbase", "chrome", "firefox", "firecrawl")
	// inboundObjects are what other people write into a service that may
	// be the user's own: trackers, mailboxes, chats.
	inboundObjects = set("issue", "issues", "comment", "comments", "inbox", "email", "emails", "mail", "mails", "message", "messages", "post", "posts",
		"review", "reviews", "ticket", "tickets", "discussion", "discussions", "thread", "threads", "channel", "channels", "chat", "chats",
		"conversation", "conversations", "notification", "notifications", "mention", "mentions", "dm", "dms", "sms", "feedback", "reply", "replies", "topic", "topics",
		"pull", "pr", "prs", "merge", "mr", "mrs")
	// pageObjects are a web page with a URL or a browser, a document
	// page (Notion, Confluence, a wiki of the workspace) otherwise.
	pageObjects = set("page", "pages")
	// openContentObjects are what an open-world read returns that others
	// wrote: search results, articles, documents, posts, answers, files
	// anyone may publish.
	openContentObjects = set("search", "result", "results", "article", "articles", "content", "contents", "text", "document", "documents",
		"doc", "docs", "file", "files", "answer", "answers", "question", "questions", "profile", "profiles", "listing", "listings",
		"advisory", "advisories", "readme", "repo", "repository", "package", "packages", "library", "video", "videos", "transcript", "paper", "papers", "snippet", "snippets")
	readVerbs   = set("read", "get", "cat", "open", "view", "show", "load", "list", "search", "query", "select", "find", "grep", "download", "export", "dump", "describe", "inspect", "fetch", "retrieve", "lookup", "tree", "browse")
	privObjects = set("file", "files", "directory", "dir", "folder", "path", "document", "documents", "doc", "docs", "drive", "database", "db", "sql", "table", "tables", "row", "rows", "record", "records", "repo", "repository", "code", "secret", "secrets", "credential", "credentials", "env", "environment", "key", "keys", "token", "vault", "password", "calendar", "contact", "contacts", "inbox", "email", "emails", "mail", "note", "notes", "memory", "memories", "entities", "graph", "customer", "customers", "user", "users", "account", "accounts", "log", "logs", "bucket", "object", "objects", "blob", "config", "configuration", "history", "clipboard", "screen", "keychain", "wallet",
		"sheet", "sheets", "spreadsheet", "spreadsheets", "workbook", "confluence", "notion", "sharepoint", "onedrive", "dropbox", "gdrive", "s3", "schema", "schemas", "space", "spaces", "block", "blocks")
	writeVerbs  = set("write", "edit", "create", "move", "rename", "copy", "save", "append", "patch", "replace", "modify", "mkdir", "touch", "put", "insert", "apply")
	fileObjects = set("file", "files", "directory", "dir", "folder", "path", "document", "documents", "doc")
	memObjects  = set("memory", "memories", "remember", "note", "notes", "knowledge", "entities", "entity", "observation", "observations", "relation", "relations", "graph", "vector", "embedding", "embeddings", "fact", "facts", "journal", "diary", "brain", "context", "store", "profile", "preferences", "persona", "instructions", "core", "article", "articles", "wiki", "kb", "collection", "collections", "chroma", "pinecone", "qdrant", "weaviate", "milvus", "vectorstore",
		"preference", "observation", "knowledgebase", "learning", "learnings", "lesson", "lessons", "insight", "insights",
		// Spanish, Portuguese, Italian, French and German tool names
		"recuerdo", "recuerdos", "memoria", "memorias", "nota", "notas", "conocimiento", "lembranca", "lembrete", "conhecimento", "ricordo", "ricordi", "appunti",
		"memoire", "souvenir", "souvenirs", "connaissance", "connaissances", "notiz", "notizen", "gedachtnis", "erinnerung", "erinnerungen", "wissen",
		"obsidian", "logseq", "roam", "bear", "joplin")
	// recallObjects are what memory tools store, narrower than memObjects
	// (a wiki or notes reader reads documents, not the agent's memory)
	// memoryWords in a description say a read returns stored memory
	// whatever the name calls it; recallObjects count in the name only
	// ("Get the most recent weather observation" reads no memory)
	memoryWords   = set("memory", "memories", "knowledge", "remember", "remembered", "recall", "vectorstore", "embeddings", "persona", "chroma", "qdrant", "pinecone", "weaviate", "milvus")
	recallObjects = set("memory", "memories", "knowledge", "entities", "entity", "observation", "observations", "graph", "vector", "embedding", "embeddings", "fact", "facts", "brain", "persona", "preferences", "journal", "diary", "remember", "recall", "collection", "collections", "chroma", "qdrant", "pinecone", "weaviate", "milvus", "vectorstore", "nodes")
	memVerbs      = set("remember", "store", "save", "add", "create", "write", "append", "memorize", "upsert", "insert", "record", "update", "put", "index", "learn", "replace", "edit", "set",
		"guardar", "almacenar", "recordar", "anadir", "agregar", "salvar", "gravar", "lembrar", "adicionar", "salva", "memorizza", "ricorda", "aggiungi",
		"enregistrer", "sauvegarder", "memoriser", "ajouter", "speichern", "merken", "hinzufugen", "ablegen", "notieren")
	destroyVerb = set("delete", "remove", "drop", "destroy", "wipe", "purge", "truncate", "erase", "reset", "kill", "terminate", "revoke", "rm", "rmdir", "uninstall", "shred", "overwrite", "force")
	// diskObjects make "format" destructive: formatting a disk, not code
	// (a formatter such as prettier or gofmt rewrites layout)
	formatVerb  = set("format", "mkfs")
	diskObjects = set("disk", "disks", "drive", "drives", "volume", "volumes", "partition", "partitions", "device", "devices", "filesystem", "usb", "sd", "card", "storage")
)

func set(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

func anyIn(ws []string, m map[string]bool) bool {
	for _, w := range ws {
		if m[w] {
			return true
		}
	}
	return false
}

// Capabilities returns the labels of d, sorted. It never fails: a
// definition with no recognisable words gets only what its annotations
// say (an explicit openWorldHint true with readOnlyHint not true gives
// SendsOutside; an explicit destructiveHint true gives Destructive).
//
// A tool that reads inbound content of a service that may be the user's
// own (issues, tickets, mail, messages, comments, channels) gets both
// ReadsUntrusted and ReadsPrivate unless the server says it is public
// (openWorldHint true, or the description calls the content public;
// openWorldHint false says the tool stays off the open internet, not that
// the user wrote what it returns):
// the same get_issue returns a stranger's text on a public repository and
// confidential data on a private one. Rules that pair the two labels
// (toxic flow) must then look at where each read was from.
func Capabilities(d Definition) []string {
	name := words(d.Name)
	desc := words(d.Title + " " + withoutParens(firstSentence(d.Description)))
	descAll := words(d.Title + " " + d.Description)
	params := schemaProperties(d.InputSchemaJSON)
	ro := d.Annotations.ReadOnlyHint != nil && *d.Annotations.ReadOnlyHint
	openWorld := d.Annotations.OpenWorldHint != nil && *d.Annotations.OpenWorldHint
	var out []string
	add := func(c string) {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}

	nameAndDesc := append(slices.Clone(name), desc...)
	verb := nameVerb(name)
	// A name whose first verb reads (get_post, read_email,
	// list_issue_comments) names what it reads with nouns that are also
	// send verbs; a name with no verb (sql, confluence) takes the verb its
	// description starts with.
	if verb == "" && len(desc) > 0 && (readVerbs[desc[0]] || fetchVerbs[desc[0]]) {
		verb = "read"
	}
	readFirst := verb == "read"
	if anyIn(name, execNames) || (anyIn(desc, execWords) && (anyIn(params, set("command", "cmd", "script", "code")) || anyIn(name, set("run", "exec")))) ||
		anyIn(params, set("command", "cmd", "script")) && !ro {
		add(Executes)
	}
	// Outbound: a send verb in the name; creating an outward object
	// (issue, comment, message, PR, paste); a description that starts
	// with a send verb ("Comment on a merge request", "Post to X"); an
	// HTTP request tool that is not read only; or the server's own
	// openWorldHint on a tool that writes.
	outObj := anyIn(name, outObjects)
	switch {
	case readFirst:
	case anyIn(name, sendVerbs):
		add(SendsOutside)
	case anyIn(name, createVerbs) && outObj:
		add(SendsOutside)
	case !ro && len(desc) > 0 && descSendVerbs[desc[0]]:
		add(SendsOutside)
	case anyIn(name, httpWords) && !ro:
		add(SendsOutside)
	}
	if openWorld && !ro && !readFirst && !anyIn(name, readVerbs) {
		add(SendsOutside)
	}
	if hasURLParam(params) && !ro && anyIn(nameAndDesc, set("post", "send", "upload", "webhook", "request", "http", "submit")) {
		add(SendsOutside)
	}
	// Reads. The object read is the name's, or the description's when
	// the name has none the vocabulary knows (search, sql, get_item).
	readish := anyIn(name, readVerbs) || readFirst
	objs := name
	if !anyIn(name, privObjects) && !anyIn(name, webObjects) && !anyIn(name, inboundObjects) && !anyIn(name, pageObjects) {
		objs = nameAndDesc
	}
	webContext := hasURLParam(params) || anyIn(name, webObjects) || anyIn(descAll, set("web", "website", "browser", "tab", "url", "html", "internet", "site"))
	strong := anyIn(name, set("fetch", "browse", "navigate", "scrape", "crawl")) ||
		hasURLParam(params) && anyIn(nameAndDesc, fetchVerbs) && !anyIn(name, writeVerbs)
	web := strong || readish && (anyIn(objs, webObjects) || anyIn(objs, pageObjects) && webContext)
	inbound := readish && anyIn(objs, inboundObjects)
	private := readish && (anyIn(objs, privObjects) || anyIn(objs, pageObjects) && !webContext)
	public := anyIn(descAll, publicWords)
	switch {
	case ro && d.Annotations.OpenWorldHint != nil && openWorld && private && !web:
		// The open world's hint on a read of files or records (GitHub's
		// get_file_contents): the same call reads a stranger's public
		// repository or the user's private one. Labelled both, as
		// inbound content is; toxic flow looks at the place the call
		// named.
		add(ReadsUntrusted)
		add(ReadsPrivate)
	case ro && d.Annotations.OpenWorldHint != nil && openWorld && (web || inbound || anyIn(objs, openContentObjects)):
		// The server's own hints: a read-only tool of the open world
		// returns what others wrote, when what it reads is content
		// (pages, messages, posts, reviews, search results).
		add(ReadsUntrusted)
	case ro && d.Annotations.OpenWorldHint != nil && openWorld:
		// Open world, but what it reads is a service's records (an
		// eligibility check, a case docket, an API key's test, a list of
		// destinations): external, not written by a stranger to the
		// agent.
	case ro && d.Annotations.OpenWorldHint != nil && readish && !strong && inbound && !public:
		// Read-only and said not to reach the open world, but what it
		// reads is inbound: issues, tickets and messages others write
		// (a partner's web-form ticket, a public repository's issue)
		// in the user's own tracker. Both, as without the hint.
		add(ReadsUntrusted)
		add(ReadsPrivate)
	case ro && d.Annotations.OpenWorldHint != nil && readish && !strong:
		// Read-only and said not to reach the open world: the user's
		// own data, whatever the object is called.
		add(ReadsPrivate)
	case web:
		add(ReadsUntrusted)
	case inbound && public:
		add(ReadsUntrusted)
	case inbound:
		// Inbound content of a tracker, mailbox or chat: others write
		// it, and it may be confidential.
		add(ReadsUntrusted)
		add(ReadsPrivate)
	case private && !(public && d.Annotations.OpenWorldHint == nil && !anyIn(descAll, privateWords)):
		// (A description that calls what it reads public, and says
		// nothing of private, outweighs the object: "Search the public
		// docs.")
		add(ReadsPrivate)
	case ro && readish && anyIn(descAll, privateWords) && !public:
		// The description says whose data it is.
		add(ReadsPrivate)
	case readish && public:
		add(ReadsUntrusted)
	case ro && readish:
		add(ReadsPrivate)
	}
	if anyIn(name, writeVerbs) && (anyIn(name, fileObjects) || anyIn(params, set("path", "file", "filepath", "filename")) && !anyIn(name, memObjects)) {
		add(WritesFiles)
	}
	// A note on an issue or merge request is a comment, not memory.
	if ((anyIn(name, memVerbs) && anyIn(nameAndDesc, memObjects)) || anyIn(name, set("remember", "memorize", "memorise", "memoriser", "memorizar", "memorizza", "merken", "lembrar"))) && !(outObj && slices.Contains(out, SendsOutside)) {
		add(WritesMemory)
	}
	if !slices.Contains(out, WritesMemory) && (nameVerb(name) == "read" || anyIn(name, set("recall"))) && (anyIn(name, recallObjects) || anyIn(desc, memoryWords)) {
		add(ReadsMemory)
	}
	if d.Annotations.DestructiveHint != nil && *d.Annotations.DestructiveHint && !ro || anyIn(name, destroyVerb) ||
		anyIn(name, formatVerb) && anyIn(nameAndDesc, diskObjects) {
		add(Destructive)
	}
	slices.Sort(out)
	return out
}

// nameVerb returns the class of the first verb of a tool name's words:
// read (get, list, search, fetch, ...), send, write (create, update,
// delete, ...), exec, or "" when the name has none. "open" counts for
// nothing: open_issue creates, open_file reads.
func nameVerb(name []string) string {
	for _, w := range name {
		switch {
		case w == "open":
		case readVerbs[w] || fetchVerbs[w]:
			return "read"
		case sendVerbs[w]:
			return "send"
		case createVerbs[w] || writeVerbs[w] || memVerbs[w] || destroyVerb[w]:
			return "write"
		case execNames[w]:
			return "exec"
		}
	}
	return ""
}

// NameVerb returns the class of the first verb of a tool name (split at
// '_', '-', '.', case changes): read, send, write, exec, or "" when the
// name has none (see Capabilities).
func NameVerb(name string) string { return nameVerb(words(name)) }

// CallCapabilities returns caps (a tool's labels, not modified) with the
// labels one call's arguments add: SendsOutside when the call publishes
// what it writes — an access setting (acl, visibility, privacy, access,
// permission, sharing, audience, role) of public-read, public, unlisted,
// anyone(-with-link), allUsers, everyone or world (S3 canned ACLs, GCS
// allUsers, Drive "anyone", paste and gist visibility), or a public or
// is_public flag set to true. It returns caps itself when nothing is
// added.
func CallCapabilities(caps []string, args map[string]any) []string {
	if slices.Contains(caps, SendsOutside) || !publishes(args, 0, false) {
		return caps
	}
	out := append(slices.Clone(caps), SendsOutside)
	slices.Sort(out)
	return out
}

// publishes reports an access setting that makes a write public, at most
// 3 levels deep; under an access key (acl, permission, ...) any member
// naming a public principal counts (Drive's {"type": "anyone"}, GCS's
// {"entity": "allUsers"}).
func publishes(v map[string]any, depth int, underAccess bool) bool {
	if depth > 3 {
		return false
	}
	for k, x := range v {
		key := squash(k)
		access := underAccess || accessKey(key)
		switch x := x.(type) {
		case bool:
			if x && (key == "public" || key == "ispublic" || key == "makepublic" || key == "publiclyaccessible") {
				return true
			}
		case string:
			if access && publicValue(x) {
				return true
			}
		case map[string]any:
			if publishes(x, depth+1, access) {
				return true
			}
		case []any:
			for _, e := range x {
				if m, ok := e.(map[string]any); ok && publishes(m, depth+1, access) {
					return true
				}
				if s, ok := e.(string); ok && access && publicValue(s) {
					return true
				}
			}
		}
	}
	return false
}

func publicValue(s string) bool {
	if len(s) > 40 {
		return false
	}
	return publicValues[squash(s)]
}

// squash lowercases s and drops '_', '-' and spaces (public_read,
// Public-Read and "public read" are one value).
func squash(s string) string {
	if len(s) > 64 {
		return ""
	}
	var b [64]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_' || c == '-' || c == ' ':
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		b[n] = c
		n++
	}
	return string(b[:n])
}

func accessKey(k string) bool {
	for _, p := range []string{"acl", "visibility", "privacy", "access", "permission", "sharing", "share", "audience", "grantee"} {
		if strings.Contains(k, p) {
			return true
		}
	}
	return false
}

// publicValues are access settings (separators removed, lowercase) that
// let anyone read: S3 canned ACLs, GCS and Drive principals, repository,
// paste and gist visibilities.
var publicValues = set("publicread", "publicreadwrite", "public", "unlisted", "anyone", "anyonewithlink", "allusers", "allauthenticatedusers", "everyone", "world", "worldreadable")

// firstSentence returns the text up to the first sentence end or 200
// bytes: what the tool does, before usage notes that name other things.
func firstSentence(s string) string {
	if i := strings.IndexAny(s, ".\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// withoutParens returns s without its parenthesised asides ("Get the
// user (id, name, email)" names the user, not mail).
func withoutParens(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// PropertyNames returns the top-level property names of an inputSchema
// given as JSON text, as written, in no particular order; nil when the
// schema is empty, has no properties or is not JSON.
func PropertyNames(js string) []string {
	if js == "" {
		return nil
	}
	var s struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if json.Unmarshal([]byte(js), &s) != nil {
		return nil
	}
	out := make([]string, 0, len(s.Properties))
	for k := range s.Properties {
		out = append(out, k)
	}
	return out
}

// schemaProperties returns the words of the top-level property names of
// an inputSchema.
func schemaProperties(js string) []string {
	var out []string
	for _, k := range PropertyNames(js) {
		out = append(out, words(k)...)
		out = append(out, strings.ToLower(k))
	}
	return out
}

func hasURLParam(params []string) bool {
	return anyIn(params, set("url", "uri", "endpoint", "webhook", "href", "link"))
}

// privateWords and publicWords in a description say whose content a
// read-only tool returns when the server gave no openWorldHint.
var (
	privateWords = set("internal", "private", "your", "my", "own", "local", "company", "team", "workspace", "organization", "organisation", "confidential", "personal")
	publicWords  = set("public", "web", "internet", "external", "anyone", "community", "forum", "visitor", "visitors", "inbound", "incoming", "third")
)

// bulkWords and impactObjects mark destructive tools whose damage is wide
// or hard to undo.
var (
	bulkWords     = set("batch", "bulk", "all", "purge", "wipe", "destroy", "drop", "prune", "truncate", "erase", "shred", "format", "recursive")
	impactObjects = set("repository", "repositories", "repo", "repos", "database", "databases", "db", "bucket", "buckets", "namespace", "namespaces",
		"cluster", "clusters", "project", "projects", "account", "accounts", "customer", "customers", "table", "tables", "index", "indices",
		"volume", "volumes", "environment", "environments", "org", "organization", "organizations", "team", "teams", "calendar", "events",
		"users", "backups", "backup", "snapshot", "snapshots", "instance", "instances", "deployment", "deployments", "stack", "zone", "domain")
)

// deleteVerbs are the verbs of a tool name that say it deletes data, a
// narrower set than destroyVerb (which also holds reset, kill, revoke,
// terminate: a board reset or a revoked key destroys no data).
var deleteVerbs = set("delete", "remove", "drop", "destroy", "wipe", "purge", "truncate", "erase", "rm", "rmdir", "shred")

// DeletesByName reports whether a tool's name says it deletes data
// (deleteVerbs): delete_file, purge_queue, drop_table.
func DeletesByName(name string) bool { return anyIn(words(name), deleteVerbs) }

// HighImpact reports whether a destructive tool's name says its damage is
// wide or hard to undo: a bulk verb (batch, purge, wipe, drop, prune, ...)
// or an object such as a repository, database, bucket, namespace,
// cluster, account, customer, table or backup.
func HighImpact(name string) bool {
	w := words(name)
	return anyIn(w, bulkWords) || anyIn(w, destroyVerb) && anyIn(w, impactObjects)
}
