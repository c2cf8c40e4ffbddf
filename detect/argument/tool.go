package argument

import (
	"strings"
	"unicode"
)

// toolKind is what the tool's name says it does.
type toolKind struct {
	write, list, sql, auth, fetch bool
	// message: the name says the tool posts text for people to read
	// (send, post, reply, comment, message, mail, notify)
	message bool
	// writeFile: the name says the tool writes a file from the call's
	// own content (write, create, save, append, overwrite) and nothing
	// that reads one (fileReadWords).
	writeFile bool
	// mcpConfig: the name or description says the tool works on MCP
	// client configurations (a scanner or installer of MCP servers), so
	// claude_desktop_config.json or ~/.cursor/mcp.json is its business.
	mcpConfig bool
}

// mcpConfigPhrases name MCP client configurations in a tool's name or
// description.
var mcpConfigPhrases = []string{"mcp client config", "mcp config", "mcp server config", "mcp settings", "mcp.json",
	"claude_desktop_config", "mcp_config", "mcp-config", "mcp client settings"}

// fileWriteWords are tool-name words of writing a file from the call's
// content; fileReadWords of tools that read a file even when they
// write another (a copy, an upload, an archive of a directory).
var (
	fileWriteWords = set("write", "create", "save", "append", "overwrite")
	fileReadWords  = set("read", "get", "cat", "show", "view", "open", "load", "copy", "cp", "move", "mv", "rename",
		"upload", "send", "share", "put", "export", "backup", "archive", "zip", "tar", "compress", "sync", "attach",
		"download", "fetch", "import", "edit", "patch", "replace", "diff", "search", "grep", "list", "find", "print")
)

// nameWords splits a tool name into lowercase words at _, -, ., /, :,
// spaces and lower-to-upper case changes ("runShellCommand" → run shell
// command).
func nameWords(name string) []string {
	if !isASCII(name) {
		return nameWordsUnicode(name)
	}
	words := make([]string, 0, 4)
	start := -1
	for i := 0; i <= len(name); i++ {
		c := byte(' ')
		if i < len(name) {
			c = name[i]
		}
		sep := c == '_' || c == '-' || c == '.' || c == '/' || c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r'
		upperAfterLower := i > 0 && 'A' <= c && c <= 'Z' && start >= 0 && ('a' <= name[i-1] && name[i-1] <= 'z' || '0' <= name[i-1] && name[i-1] <= '9')
		if (sep || upperAfterLower) && start >= 0 {
			words = append(words, strings.ToLower(name[start:i]))
			start = -1
		}
		if !sep && start < 0 {
			start = i
		}
	}
	return words
}

// nameWordsUnicode is nameWords for names with non-ASCII letters.
func nameWordsUnicode(name string) []string {
	var words []string
	var b strings.Builder
	prevLower := false
	flush := func() {
		if b.Len() > 0 {
			words = append(words, strings.ToLower(b.String()))
			b.Reset()
		}
	}
	for _, r := range name {
		switch {
		case r == '_' || r == '-' || r == '.' || r == '/' || r == ':' || unicode.IsSpace(r):
			flush()
			prevLower = false
			continue
		case unicode.IsUpper(r) && prevLower:
			flush()
		}
		b.WriteRune(r)
		prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
	}
	flush()
	return words
}

func hasWord(words []string, set ...string) bool {
	for _, w := range words {
		for _, s := range set {
			if w == s {
				return true
			}
		}
	}
	return false
}

// hasWordIn is hasWord over a set.
func hasWordIn(words []string, set map[string]bool) bool {
	for _, w := range words {
		if set[w] {
			return true
		}
	}
	return false
}

// execNameWords are tool-name words that on their own mean the tool runs
// commands or code.
var execNameWords = []string{"shell", "exec", "terminal", "bash", "sh", "zsh", "cmd", "powershell", "pwsh",
	"console", "subprocess", "spawn", "repl", "interpreter", "ssh"}

// execObjects are the words that, after run/execute/eval, mean a command
// or code ("run_command", "execute_python", "eval_js").
var execObjects = []string{"command", "commands", "cmd", "script", "scripts", "code", "shell", "python", "py",
	"bash", "js", "javascript", "node", "program", "process", "ruby", "perl", "php", "snippet", "line"}

// execDescPhrases are description phrases that say the tool runs commands
// or code.
var execDescPhrases = []string{"shell command", "terminal command", "bash command", "system command",
	"command line", "command-line", "in a shell", "in the shell", "in the terminal", "in a terminal",
	"execute code", "executes code", "execute arbitrary", "run arbitrary", "runs arbitrary", "execute python",
	"executes python", "run python", "runs python", "execute javascript", "execute a command", "executes a command",
	"run a command", "runs a command", "execute commands", "executes commands", "run commands", "runs commands",
	"execute shell", "executes shell", "run shell", "runs shell", "powershell",
	// the same in Russian, Spanish, Portuguese, German, French, Italian (lower case)
	"выполнить команд", "выполняет команд", "ejecutar comando", "ejecuta comando", "ejecuta un comando", "executar comando", "executa comando",
	"befehl ausführen", "führt befehle", "exécuter une commande", "exécute une commande", "eseguire un comando", "esegue un comando"}

// ExecLikeTool reports whether a tool's name or description says it runs
// shell commands or code: a name word such as shell, exec, terminal, bash,
// cmd, powershell, console, subprocess, repl, interpreter or ssh; run,
// execute or eval followed by command, script, code, python, bash, js, ...
// ("run_command", "executePython"); or a description that speaks of shell,
// terminal or system commands, the command line, or executing code.
func ExecLikeTool(name, description string) bool {
	words := nameWords(name)
	if hasWord(words, execNameWords...) {
		return true
	}
	cli := false
	for _, w := range words {
		cli = cli || cliPrograms[w] != ""
	}
	for i, w := range words {
		if (w == "run" || w == "execute" || w == "eval" || w == "evaluate" || w == "invoke") && i+1 < len(words) && hasWord(words[i+1:], execObjects...) {
			return true
		}
		if cli && (w == "run" || w == "exec" || w == "execute" || w == "command" || w == "cli" || w == "cmd") {
			return true // git_run, tf_run, kubectl_exec: the program's command line
		}
		if w == "code" && i+1 < len(words) && (words[i+1] == "interpreter" || words[i+1] == "execution" || words[i+1] == "runner") {
			return true
		}
	}
	if description == "" {
		return false
	}
	d := strings.ToLower(description)
	if len(d) > 4096 {
		d = d[:4096]
	}
	for _, p := range execDescPhrases {
		if strings.Contains(d, p) {
			return true
		}
	}
	return false
}

// classifyTool reads what the tool does from its name (and, for SQL, its
// description).
func classifyTool(name, description string) toolKind {
	w := nameWords(name)
	k := toolKind{
		write: hasWord(w, "write", "create", "edit", "save", "put", "upload", "append", "update", "patch", "insert",
			"modify", "replace", "set", "add", "commit", "store", "remember", "note", "move", "copy", "rename"),
		list: hasWord(w, "list", "ls", "dir", "directory", "directories", "tree", "glob", "find", "search", "grep",
			"walk", "scan", "readdir", "browse", "explore", "enumerate", "files", "folder", "folders", "locate"),
		sql: hasWord(w, "sql", "query", "db", "database", "postgres", "postgresql", "mysql", "sqlite", "mongo",
			"mongodb", "redis", "bigquery", "snowflake", "supabase", "clickhouse", "statement", "duckdb", "mssql", "oracle"),
		auth: hasWord(w, "auth", "login", "logon", "token", "tokens", "credential", "credentials", "secret", "secrets",
			"vault", "keychain", "password", "passwords", "oauth", "signin", "authenticate", "verify", "jwt", "session", "apikey", "key", "keys"),
		fetch: hasWord(w, "fetch", "http", "https", "request", "url", "web", "scrape", "crawl", "curl", "download",
			"navigate", "browse", "webhook", "api", "get", "post", "open"),
	}
	k.message = hasWord(w, "send", "post", "reply", "comment", "message", "messages", "chat", "mail", "email", "notify", "publish", "announce")
	k.writeFile = hasWordIn(w, fileWriteWords) && !hasWordIn(w, fileReadWords)
	d := strings.ToLower(description)
	if len(d) > 2048 {
		d = d[:2048]
	}
	if !k.sql && d != "" {
		k.sql = strings.Contains(d, "sql") || strings.Contains(d, "database query")
	}
	k.mcpConfig = containsAny(strings.ToLower(name)+" "+d, mcpConfigPhrases...)
	return k
}

// keyClass is what an argument's key says its value is.
type keyClass int

const (
	keyOther   keyClass = iota
	keyPath             // a path, file, directory, URI
	keyCommand          // a command line or script
	keyData             // free text or file content
	keyHost             // a host, address or URL
	keyShort            // a short value (city, name, query)
	keyHash             // a digest or id
	keySecret           // a credential
)

// Word sets of classifyKey, in the order they are tried.
var (
	keyCommandWords = set("command", "cmd", "commands", "script", "shell", "argv", "exec", "commandline", "cmdline", "bash", "powershell", "run",
		"komanda", "comando", "befehl", "commande", "kommando", "polecenie", "komut", "perintah", "lenh")
	keySecretWords = set("password", "passwd", "secret", "token", "apikey", "credential", "credentials", "authorization", "auth", "bearer", "jwt", "pat", "pwd", "key")
	keyHostWords   = set("url", "uri", "href", "link", "endpoint", "host", "hostname", "ip", "addr", "address", "server",
		"domain", "webhook", "callback", "redirect", "proxy", "origin", "upstream", "base", "target", "baseurl", "site", "website", "remote")
	keyPathWords = set("path", "paths", "file", "files", "filename", "filepath", "dir", "directory", "folder", "root",
		"location", "source", "src", "destination", "dest", "cwd", "workdir", "pwd", "from", "to", "glob", "pattern", "include", "exclude")
	keyHashWords = set("sha", "sha1", "sha256", "sha512", "hash", "checksum", "digest", "commit", "etag", "md5", "oid", "revision", "rev", "uuid", "guid", "nonce", "cursor", "signature", "sig", "fingerprint")
	keyDataWords = set("content", "contents", "text", "body", "code", "data", "message", "msg", "description", "note", "notes",
		"markdown", "html", "comment", "source", "input", "prompt", "value", "values", "diff", "patch", "template", "sql",
		"image", "file", "blob", "bytes", "base64", "b64", "attachment", "photo", "picture", "audio", "video", "document", "screenshot", "icon", "avatar", "thumbnail", "payload", "new", "old", "str", "string", "line", "lines", "edits", "summary", "title", "subject")
	keyShortWords = set("city", "name", "country", "zip", "zipcode", "postcode", "state", "region", "lang", "language", "locale",
		"units", "unit", "username", "user", "email", "tag", "label", "q", "query", "search", "keyword", "keywords", "term", "id", "type", "kind", "format", "mode", "owner", "repo", "branch", "timezone", "currency", "symbol", "ticker", "category")
	keyNotSecretWords = set("path", "file", "name", "id")
	keyPathishWords   = set("path", "file", "dir", "folder")
)

// classifyKey reads an argument key (as written, so camelCase splits).
func classifyKey(k string) keyClass {
	if k == "" {
		return keyOther
	}
	return classifyKeyWords(nameWords(k))
}

// classifyKeyWords is classifyKey over the key's words.
func classifyKeyWords(w []string) keyClass {
	switch {
	case len(w) > 0 && w[0] == "utm":
		// campaign parameters (utm_source, utm_content, …: Google
		// Analytics' URL builder) hold short labels, never content
		return keyShort
	case hasWordIn(w, keyCommandWords):
		return keyCommand
	case hasWordIn(w, keySecretWords) && !hasWordIn(w, keyNotSecretWords):
		return keySecret
	case hasWordIn(w, keyHostWords):
		if hasWordIn(w, keyPathishWords) {
			return keyPath
		}
		return keyHost
	case hasWordIn(w, keyPathWords):
		return keyPath
	case hasWordIn(w, keyHashWords):
		return keyHash
	case hasWordIn(w, keyDataWords):
		return keyData
	case hasWordIn(w, keyShortWords):
		return keyShort
	}
	return keyOther
}

// blobKeys are data keys that normally carry encoded file content.
func isBlobKey(k string) bool { return isBlobKeyWords(nameWords(k)) }

// isBlobKeyWords is isBlobKey over the key's words.
func isBlobKeyWords(w []string) bool {
	if len(w) > 0 && w[0] == "utm" {
		return false // utm_content is a campaign label (classifyKeyWords)
	}
	return hasWord(w, "data", "content", "contents", "image", "file", "blob", "bytes", "base64", "b64", "attachment",
		"photo", "picture", "audio", "video", "document", "pdf", "screenshot", "icon", "avatar", "thumbnail", "body", "raw", "binary", "upload")
}
