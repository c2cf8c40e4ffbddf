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
	outObjects  = set("issue", "issues", "pr", "pull", "request", "comment", "gist", "message", "messages", "post", "tweet", "email", "mail", "webhook", "channel", "chat", "discussion", "review", "release", "page", "ticket", "payment", "invoice", "sms")
	httpWords   = set("http", "https", "request", "curl", "wget", "api", "webhook", "graphql")
	fetchVerbs  = set("fetch", "browse", "navigate", "scrape", "crawl", "download", "visit", "open", "get", "read", "search", "query", "list", "find", "lookup", "retrieve", "snapshot", "screenshot")
	webObjects  = set("url", "web", "page", "website", "html", "browser", "internet", "news", "feed", "rss", "issue", "issues", "comment", "comments", "inbox", "email", "emails", "mail", "message", "messages", "tweet", "tweets", "post", "posts", "review", "reviews", "ticket", "tickets", "wiki", "discussion")
	readVerbs   = set("read", "get", "cat", "open", "view", "show", "load", "list", "search", "query", "select", "find", "grep", "download", "export", "dump", "describe", "inspect", "fetch", "retrieve", "lookup", "tree", "browse")
	privObjects = set("file", "files", "directory", "dir", "folder", "path", "document", "documents", "doc", "docs", "drive", "database", "db", "sql", "table", "tables", "row", "rows", "record", "records", "repo", "repository", "code", "secret", "secrets", "credential", "credentials", "env", "environment", "key", "keys", "token", "vault", "password", "calendar", "contact", "contacts", "inbox", "email", "emails", "mail", "note", "notes", "memory", "memories", "entities", "graph", "customer", "customers", "user", "users", "account", "accounts", "log", "logs", "bucket", "object", "objects", "blob", "config", "configuration", "history", "clipboard", "screen", "keychain", "wallet")
	writeVerbs  = set("write", "edit", "create", "move", "rename", "copy", "save", "append", "patch", "replace", "modify", "mkdir", "touch", "put", "insert", "apply")
	fileObjects = set("file", "files", "directory", "dir", "folder", "path", "document", "documents", "doc")
	memObjects  = set("memory", "memories", "remember", "note", "notes", "knowledge", "entities", "entity", "observation", "observations", "relation", "relations", "graph", "vector", "embedding", "embeddings", "fact", "facts", "journal", "diary", "brain", "context", "store", "profile", "preferences", "persona", "instructions", "core", "article", "articles", "wiki", "kb", "collection", "collections", "chroma", "pinecone", "qdrant", "weaviate", "milvus", "vectorstore")
	memVerbs    = set("remember", "store", "save", "add", "create", "write", "append", "memorize", "upsert", "insert", "record", "update", "put", "index", "learn", "replace", "edit", "set")
	destroyVerb = set("delete", "remove", "drop", "destroy", "wipe", "purge", "truncate", "erase", "reset", "kill", "terminate", "revoke", "rm", "rmdir", "uninstall", "format", "shred", "overwrite", "force")
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
func Capabilities(d Definition) []string {
	name := words(d.Name)
	desc := words(d.Title + " " + firstSentence(d.Description))
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
	if anyIn(name, execNames) || (anyIn(desc, execWords) && (anyIn(params, set("command", "cmd", "script", "code")) || anyIn(name, set("run", "exec")))) ||
		anyIn(params, set("command", "cmd", "script")) && !ro {
		add(Executes)
	}
	// Outbound: a send verb in the name; creating an outward object
	// (issue, comment, message, PR); an HTTP request tool that is not read
	// only; or the server's own openWorldHint on a tool that writes.
	switch {
	case anyIn(name, sendVerbs):
		add(SendsOutside)
	case anyIn(name, createVerbs) && anyIn(name, outObjects):
		add(SendsOutside)
	case anyIn(name, httpWords) && !ro:
		add(SendsOutside)
	case openWorld && !ro && !anyIn(name, readVerbs):
		add(SendsOutside)
	}
	if hasURLParam(params) && !ro && anyIn(nameAndDesc, set("post", "send", "upload", "webhook", "request", "http", "submit")) {
		add(SendsOutside)
	}
	// Untrusted content: fetching or browsing the web (strong), reading
	// issues, comments, inbound messages (weak: the server may be the
	// user's own tracker).
	descAll := words(d.Title + " " + d.Description)
	strong := anyIn(name, set("fetch", "browse", "navigate", "scrape", "crawl")) ||
		hasURLParam(params) && anyIn(nameAndDesc, fetchVerbs) && !anyIn(name, writeVerbs)
	weak := (anyIn(name, fetchVerbs) || anyIn(desc, fetchVerbs)) && anyIn(name, webObjects)
	readish := anyIn(name, readVerbs)
	privateByName := readish && (anyIn(name, privObjects) || anyIn(desc, privObjects) && !anyIn(name, webObjects)) &&
		!anyIn(name, set("web", "url", "internet", "news"))
	switch {
	case ro && d.Annotations.OpenWorldHint != nil && openWorld:
		// The server's own hints: a read-only tool of the open world
		// returns what others wrote.
		add(ReadsUntrusted)
	case ro && d.Annotations.OpenWorldHint != nil && readish && !strong:
		// Read-only and said not to reach the open world: the user's
		// own data, whatever the object is called.
		add(ReadsPrivate)
	case ro && readish && !strong && anyIn(descAll, privateWords) && !anyIn(descAll, publicWords):
		// No openWorldHint, but the description says whose data it is.
		add(ReadsPrivate)
	case strong || weak || ro && readish && anyIn(descAll, publicWords):
		// No openWorldHint (MCP's default is true): the name decides.
		add(ReadsUntrusted)
	case ro && readish:
		add(ReadsPrivate)
	}
	if privateByName && !slices.Contains(out, ReadsUntrusted) {
		add(ReadsPrivate)
	}
	if anyIn(name, writeVerbs) && (anyIn(name, fileObjects) || anyIn(params, set("path", "file", "filepath", "filename")) && !anyIn(name, memObjects)) {
		add(WritesFiles)
	}
	if (anyIn(name, memVerbs) && anyIn(nameAndDesc, memObjects)) || anyIn(name, set("remember", "memorize")) {
		add(WritesMemory)
	}
	if d.Annotations.DestructiveHint != nil && *d.Annotations.DestructiveHint && !ro || anyIn(name, destroyVerb) {
		add(Destructive)
	}
	slices.Sort(out)
	return out
}

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

// schemaProperties returns the words of the top-level property names of
// an inputSchema.
func schemaProperties(js string) []string {
	if js == "" {
		return nil
	}
	var s struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if json.Unmarshal([]byte(js), &s) != nil {
		return nil
	}
	var out []string
	for k := range s.Properties {
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

// HighImpact reports whether a destructive tool's name says its damage is
// wide or hard to undo: a bulk verb (batch, purge, wipe, drop, prune, ...)
// or an object such as a repository, database, bucket, namespace,
// cluster, account, customer, table or backup.
func HighImpact(name string) bool {
	w := words(name)
	return anyIn(w, bulkWords) || anyIn(w, destroyVerb) && anyIn(w, impactObjects)
}
