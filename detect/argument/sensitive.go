package argument

import (
	"path"
	"slices"
	"strings"
)

// sensitiveHit is a sensitive file a path names.
type sensitiveHit struct {
	kind   string  // signal suffix: ssh_key, cloud_credentials, ...
	weight float64 // before the context factor
}

// SensitiveFile reports what kind of credential or configuration file path
// p names, and how sensitive it is (0 to 1): SSH keys and ~/.ssh, cloud
// credentials (~/.aws/credentials and config, gcloud, Azure, ~/.kube/config,
// ~/.docker/config.json, terraform state and tfvars, Vault tokens), .env
// files (not .env.example/.sample/.template/.dist), .netrc, .pgpass, .my.cnf,
// .git-credentials, .npmrc, .pypirc, cargo and gem credentials, gh
// hosts.yml, shell histories, private key and keystore files (.pem, .key,
// .p12, .pfx, .jks, .ppk), /etc/shadow, /etc/passwd, /etc/sudoers, SSH host
// keys, /proc/*/environ, Kubernetes and Docker secrets (/var/run/secrets),
// Windows SAM/SYSTEM hives, NTDS.dit and credential stores, browser profiles
// (Login Data, Cookies, key4.db, logins.json), keychains, GnuPG and
// password-store, cryptocurrency wallets, and MCP client configurations
// (claude_desktop_config.json, mcp.json, .cursor/mcp.json, .claude.json,
// cline and windsurf settings). Matching is case-insensitive, takes / or \
// and works on any path or path-like text; kind is "" when nothing matches.
func SensitiveFile(p string) (kind string, weight float64) {
	h := sensitiveFile(strings.ToLower(p))
	return h.kind, h.weight
}

func sensitiveFile(lp string) sensitiveHit {
	if len(lp) < 4 {
		return sensitiveHit{}
	}
	parts := strings.FieldsFunc(lp, func(r rune) bool {
		switch r {
		case '/', '\\', ' ', '\t', '\n', '\r', '"', '\'', '`', '=', ',', ';', ':', '|', '&', '<', '>', '(', ')', '[', ']', '{', '}', '$', '@':
			return true
		}
		return false
	})
	best := sensitiveHit{}
	take := func(kind string, w float64) {
		if w > best.weight {
			best = sensitiveHit{kind: kind, weight: w}
		}
	}
	if strings.Contains(lp, " ") {
		slashed := strings.ReplaceAll(lp, `\`, "/")
		if containsAny(slashed, "/login data", "/web data", "/local state", "/login keychain") {
			take("browser_credentials", 0.7)
		}
	}
	for i, p := range parts {
		prev, next := "", ""
		if i > 0 {
			prev = parts[i-1]
		}
		if i+1 < len(parts) {
			next = parts[i+1]
		}
		switch p {
		case ".ssh":
			switch {
			case strings.HasPrefix(next, "id_") && !strings.HasSuffix(next, ".pub"):
				take("ssh_key", 0.8)
			case strings.HasSuffix(next, ".pub"):
				take("ssh_public_key", 0.1) // public keys are meant to be shared
			case next == "authorized_keys" || next == "known_hosts" || next == "config":
				take("ssh_dir", 0.3) // hosts and key paths, not keys
			default:
				take("ssh_dir", 0.6)
			}
		case ".aws":
			if next == "credentials" || next == "config" || next == "sso" || next == "cli" {
				take("cloud_credentials", 0.8)
			} else {
				take("cloud_credentials", 0.5)
			}
		case ".azure":
			take("cloud_credentials", 0.65)
		case "gcloud":
			if prev == ".config" || strings.Contains(next, "credentials") || strings.Contains(next, "token") {
				take("cloud_credentials", 0.75)
			}
		case "application_default_credentials.json", "credentials.db", "access_tokens.db", "legacy_credentials":
			take("cloud_credentials", 0.75)
		case ".kube":
			if next == "config" || next == "" {
				take("cloud_credentials", 0.7)
			}
		case ".docker":
			if next == "config.json" {
				take("registry_credentials", 0.65)
			}
		case ".git-credentials", ".netrc", "_netrc", ".pgpass", ".my.cnf", ".npmrc", ".pypirc", ".vault-token", ".s3cfg",
			".boto", ".dockercfg", ".htpasswd", "credentials.json", "client_secret.json", "service-account.json", "serviceaccount.json":
			take("credential_file", 0.7)
		case "hosts.yml":
			if prev == "gh" {
				take("credential_file", 0.7)
			}
		case "credentials", "credentials.toml", "protect", "vault":
			if prev == ".cargo" || prev == ".gem" || prev == ".aws" || prev == "microsoft" {
				take("credential_file", 0.7)
			}
		case "terraform.tfstate", "terraform.tfstate.backup":
			take("cloud_credentials", 0.6)
		case ".bash_history", ".zsh_history", ".history", ".psql_history", ".mysql_history", ".python_history", "consolehost_history.txt":
			take("shell_history", 0.5)
		case "shadow", "gshadow", "master.passwd":
			if prev == "etc" {
				take("system_credentials", 0.85)
			}
		case "passwd":
			if prev == "etc" {
				take("system_accounts", 0.55)
			}
		case "sudoers":
			if prev == "etc" {
				take("system_accounts", 0.5)
			}
		case "environ":
			if i >= 2 && parts[i-2] == "proc" {
				take("process_environment", 0.75)
			}
		case "secrets":
			if prev == "run" && (i < 2 || parts[i-2] == "var" || i == 1) {
				take("orchestrator_secrets", 0.75)
			}
		case "kubernetes.io":
			if prev == "secrets" {
				take("orchestrator_secrets", 0.8)
			}
		case "sam", "system", "security":
			if prev == "config" && i >= 2 && parts[i-2] == "system32" {
				take("system_credentials", 0.85)
			}
		case "ntds.dit":
			take("system_credentials", 0.85)
		case "unattend.xml", "sysprep.xml", "groups.xml":
			take("credential_file", 0.6)
		case "login data", "cookies", "web data", "local state", "key4.db", "key3.db", "logins.json", "cookies.sqlite",
			"login keychain", "login.keychain", "login.keychain-db", "signons.sqlite":
			take("browser_credentials", 0.7)
		case "keychains":
			take("keychain", 0.75)
		case ".gnupg":
			take("private_key_file", 0.7)
		case ".password-store":
			take("credential_file", 0.7)
		case "wallet.dat", "wallets", ".electrum", ".ethereum", ".bitcoin", "exodus", "keystore":
			if p != "keystore" || prev == ".ethereum" || prev == "" {
				take("wallet", 0.7)
			}
		case "claude_desktop_config.json", "mcp.json", ".claude.json", "cline_mcp_settings.json", "mcp_config.json", "mcp_settings.json":
			take("mcp_client_config", 0.6)
		}
		if p == ".env" || p == ".envrc" || strings.HasPrefix(p, ".env.") && !envTemplate(p) || strings.HasSuffix(p, ".env") && len(p) > 4 && !strings.HasSuffix(p, "example.env") {
			take("env_file", 0.65)
		}
		if strings.HasPrefix(p, "id_rsa") || strings.HasPrefix(p, "id_ed25519") || strings.HasPrefix(p, "id_ecdsa") || strings.HasPrefix(p, "id_dsa") {
			if !strings.HasSuffix(p, ".pub") {
				take("ssh_key", 0.8)
			}
		}
		if prev == "ssh" && strings.HasPrefix(p, "ssh_host_") && strings.HasSuffix(p, "_key") {
			take("ssh_key", 0.8)
		}
		for _, ext := range []string{".pem", ".key", ".p12", ".pfx", ".jks", ".ppk", ".keystore", ".kdbx", ".asc", ".gpg"} {
			if strings.HasSuffix(p, ext) && len(p) > len(ext) && !strings.HasSuffix(p, ".pub"+ext) {
				w := 0.5
				if ext == ".kdbx" || ext == ".ppk" {
					w = 0.7
				}
				if ext == ".asc" || ext == ".gpg" {
					w = 0.3
				}
				take("private_key_file", w)
			}
		}
		if strings.HasSuffix(p, ".tfvars") || strings.HasSuffix(p, ".tfstate") {
			take("cloud_credentials", 0.5)
		}
	}
	return best
}

// envTemplate reports .env files that hold no values (.env.example, ...).
func envTemplate(p string) bool {
	for _, s := range []string{".example", ".sample", ".template", ".dist", ".defaults", ".default", ".tmpl", ".tpl", ".schema", ".d.ts"} {
		if strings.HasSuffix(p, s) {
			return true
		}
	}
	return false
}

// sensitiveToken scores the file a path names, raw and resolved.
func (a *analysis) sensitiveToken(it *item, t pathToken, r resolvedPath, k keyClass, whole bool) {
	h := sensitiveFile(strings.ToLower(t.decoded))
	if h2 := sensitiveFile(strings.ToLower(r.clean)); h2.weight > h.weight {
		h = h2
	}
	if h.kind == "" {
		return
	}
	f := 1.0
	switch {
	case it.sc != nil:
		// A command line that is run: whatever its key is called, a
		// command that names the file reads it (cat, cp, base64, tar),
		// unless every command naming it only uses or manages it (ssh
		// -i ~/.ssh/id_rsa, chmod 600 ~/.ssh/id_rsa, ssh-keygen -f).
		if !readsOut(it.sc, t.raw) {
			f = 0.2
		}
	case a.writesTarget(it):
		// The file a write tool creates or replaces: its old content,
		// if any, is not handed back, and the new one comes from the
		// call itself (a .env written from values the user gave).
		f = 0.3
	case k == keyPath || a.exec && k != keyData || whole && k != keyData:
	case k == keyData && a.tool.writeFile:
		// The content a tool writes to a file (a report, notes) names
		// the path as text.
		f = 0.2
	case k == keyData || a.tool.write:
		f = 0.35
	default:
		f = 0.75
	}
	if consumesFile(a.toolWords, h.kind, t.decoded) {
		// terraform_plan var_file=prod.tfvars, helm with a kubeconfig,
		// an SSH tool's identity file: the tool uses the file, it does
		// not hand its content back
		f *= 0.4
	}
	if h.kind == "mcp_client_config" && a.tool.mcpConfig {
		// a scanner or installer of MCP servers reads the client's
		// configuration by design
		f *= 0.4
	}
	a.sens.add("sensitive_path."+h.kind, it.field, a.safe(a.span(it.s, t.at, t.at+len(t.raw))), h.weight*f)
}

// writesTarget reports a path argument naming the file a write tool
// writes: the tool's name says it writes, creates, saves, appends to or
// overwrites a file and nothing that reads one (copy, move, upload,
// backup, archive, export, read, ...), and the argument's key names the
// target (path, file, filename, destination, to, output), not a source.
func (a *analysis) writesTarget(it *item) bool {
	if it.isKey || it.kc != keyPath {
		return false
	}
	w := nameWords(it.rawKey)
	if hasWord(a.toolWords, "copy", "cp", "move", "mv", "rename") && hasWordIn(w, destKeyWords) {
		return true // copy_file {"destination": ".env.local"}: the file written
	}
	return a.tool.writeFile && !hasWordIn(w, sourceKeyWords)
}

// destKeyWords are key words naming where a copy or move writes to.
var destKeyWords = set("destination", "dest", "dst", "target", "to", "new", "output", "out")

// sourceKeyWords are key words naming what a tool reads from.
var sourceKeyWords = set("source", "src", "from", "input", "include", "glob", "pattern", "origin", "template", "base")

// sensitiveDirs are directories whose listing or search is
// reconnaissance, with weights.
var sensitiveDirs = map[string]float64{
	"/": 0.5, "/etc": 0.5, "/root": 0.65, "~/.ssh": 0.75, "~/.aws": 0.7, "~/.config": 0.45, "~/.gnupg": 0.7, "~/.kube": 0.6,
	"~/.docker": 0.5, "~/.azure": 0.6, "~/.config/gcloud": 0.65, "/proc": 0.5, "/proc/self": 0.55, "/var/run/secrets": 0.75,
	"/run/secrets": 0.7, "c:/windows/system32": 0.5, "c:/windows/system32/config": 0.75, "c:": 0.5, "c:/users": 0.5,
	"/home": 0.5, "/users": 0.5, "~": 0.25, "/var/log": 0.35, "/sys": 0.35, "/etc/ssh": 0.65, "/var/lib/docker": 0.5,
	"~/library/keychains": 0.75, "~/.password-store": 0.7, "~/.mozilla": 0.6, "~/library/application support/google/chrome": 0.65,
	"~/.config/google-chrome": 0.65, "~/appdata/local/google/chrome/user data": 0.65, "~/appdata/roaming/microsoft/credentials": 0.75,
	"/var/run": 0.4, "/run": 0.35, "/etc/kubernetes": 0.65, "/var/lib/kubelet": 0.6, "~/.local/share/keyrings": 0.7,
	"~/.electrum": 0.7, "~/.ethereum": 0.7, "~/.bitcoin": 0.7, "/etc/ssl/private": 0.7,
	// Where AI clients keep their MCP server configurations and tokens.
	"~/library/application support/claude": 0.65, "~/appdata/roaming/claude": 0.65, "~/.config/claude": 0.65,
	"~/.claude": 0.6, "~/.cursor": 0.6, "~/.codeium": 0.55, "~/.continue": 0.55, "~/.config/github-copilot": 0.6,
	"~/.config/gh": 0.65, "~/library/application support/code/user": 0.5, "~/appdata/roaming/code/user": 0.5,
	"~/.config/code/user": 0.5,
	// Container and orchestrator state: volumes hold databases and
	// mounted secrets.
	"/var/lib/docker/volumes": 0.65, "/var/lib/containerd": 0.55, "/var/lib/rancher": 0.55,
}

// homeDir maps a path under a user's home (/home/bob/x, /Users/bob/x,
// c:/users/bob/x, $HOME/x) to ~/x, returning the user ("" for ~ and
// $HOME).
func homeDir(p string) (string, string) {
	for _, pre := range []string{"$home", "${home}", "%userprofile%", "$env:userprofile"} {
		if p == pre || strings.HasPrefix(p, pre+"/") {
			return "~" + p[len(pre):], ""
		}
	}
	// Per-user directories named by variables.
	for _, v := range [][2]string{{"%appdata%", "~/appdata/roaming"}, {"$env:appdata", "~/appdata/roaming"},
		{"%localappdata%", "~/appdata/local"}, {"$env:localappdata", "~/appdata/local"},
		{"$xdg_config_home", "~/.config"}, {"${xdg_config_home}", "~/.config"}, {"$xdg_data_home", "~/.local/share"}} {
		if p == v[0] || strings.HasPrefix(p, v[0]+"/") {
			return v[1] + p[len(v[0]):], ""
		}
	}
	// Windows drives mounted in WSL (/mnt/c/users/x), and home
	// directories outside /home (/var/home on image-based systems).
	if len(p) > 7 && strings.HasPrefix(p, "/mnt/") && isAlpha(p[5]) && p[6] == '/' {
		if h, u := homeDir("c:" + p[6:]); h != "c:"+p[6:] {
			return h, u
		}
	}
	for _, pre := range []string{"/home/", "/users/", "c:/users/", "/var/home/", "/export/home/"} {
		if strings.HasPrefix(p, pre) {
			rest := p[len(pre):]
			user, tail, _ := strings.Cut(rest, "/")
			if user == "" || user == "*" {
				return p, ""
			}
			if tail == "" {
				return "~", user
			}
			return "~/" + tail, user
		}
	}
	return p, ""
}

// envGlob reports a glob that looks only for dotenv files (.env*,
// **/.env.*), no other kind of secret.
func envGlob(p string) bool {
	b := strings.TrimLeft(p[strings.LastIndexByte(p, '/')+1:], "*")
	return strings.HasPrefix(b, ".env") && !containsAny(p, "secret", "password", "credential", "token", "id_rsa", ".pem", ".key", "wallet")
}

// projectSearch reports a call whose path arguments (without glob
// characters, one at least) all name a project directory: two levels or
// more below a home directory (/home/zoe/src/api), or two levels or more
// outside the system directories (/srv/app); not /, ~, a home or a system
// directory itself.
func (a *analysis) projectSearch() bool {
	n := 0
	for i := range a.items {
		it := &a.items[i]
		if it.isKey || it.kc != keyPath || strings.ContainsAny(it.s, "*?[") || containsAny(strings.ToLower(it.field), "exclude", "ignore", "skip", "omit") {
			continue
		}
		n++
		p := strings.ToLower(resolvePath(it.s).clean)
		home, user := homeDir(p)
		depth := strings.Count(strings.Trim(p, "/"), "/") + 1
		switch {
		case user != "" || strings.HasPrefix(home, "~"):
			if home == "~" || strings.Count(strings.TrimPrefix(home, "~/"), "/") < 1 {
				return false // ~ or ~/src: not one project
			}
		case p == "" || p == "/" || underAny(p, systemDirs) || depth < 2:
			return false
		}
	}
	return n > 0
}

// listingToken scores a directory a listing tool is pointed at.
func (a *analysis) listingToken(it *item, r resolvedPath, k keyClass) {
	if !a.tool.list || k != keyPath && it.key != "" && it.kc != keyOther {
		return
	}
	if lk := strings.ToLower(it.field); containsAny(lk, "exclude", "ignore", "skip", "omit") {
		// excludePatterns: [".git", "node_modules"] keeps them out
		return
	}
	a.listDir(it, r.clean, it.s)
}

// listDir scores one listed or searched directory or glob.
func (a *analysis) listDir(it *item, dir, raw string) {
	p := strings.ToLower(strings.ReplaceAll(dir, `\`, "/"))
	glob := strings.ContainsAny(p, "*?[")
	// The directory part before any glob.
	base := p
	if glob {
		if i := strings.IndexAny(p, "*?["); i >= 0 {
			base = strings.TrimSuffix(p[:i], "/")
			if base == "" && strings.HasPrefix(p, "/") {
				base = "/"
			}
		}
	}
	if len(base) > 1 {
		base = strings.TrimSuffix(base, "/")
	}
	if len(base) == 2 && base[1] == ':' {
		base = base[:2]
	}
	home, user := homeDir(base)
	w := 0.0
	sig := "listing.sensitive_dir"
	if v, ok := sensitiveDirs[home]; ok {
		w = v
	}
	if v, ok := sensitiveDirs[base]; ok && v > w {
		w = v
	}
	// Below a directory that holds secrets (weight 0.6 and up: ~/.ssh,
	// /var/run/secrets, keychains), every subdirectory is as sensitive;
	// below /etc or ~ it is not.
	for _, d := range []string{home, base} {
		for parent := path.Dir(d); parent != d && parent != "." && parent != "/" && parent != "~"; d, parent = parent, path.Dir(parent) {
			if v, ok := sensitiveDirs[parent]; ok && v >= 0.6 && v > w {
				w = v
			}
		}
	}
	// A directory the credential-file catalogue knows (a Windows
	// credential store, a password store, ~/.ssh under any home).
	if h := sensitiveFile(home); h.weight >= 0.6 && !glob && h.weight > w {
		w = h.weight
	}
	if user != "" && home == "~" {
		switch {
		case len(a.roots) > 0 && !a.insideRoots(p):
			// Someone's whole home directory, outside the roots.
			w, sig = max(w, 0.45), "listing.home_dir"
		case len(a.roots) == 0:
			// A home directory, the user's own as likely as not.
			w, sig = max(w, 0.25), "listing.home_dir"
		}
	}
	if base == ".git" || strings.HasSuffix(base, "/.git") {
		w = max(w, 0.4)
	}
	if glob {
		if h := sensitiveFile(p); h.kind != "" || containsAny(p, "secret", "password", "passwd", "credential", "token", "id_rsa", ".pem", ".key", "wallet", ".env") ||
			globFindsSecrets(p) {
			gw := 0.6
			if envGlob(p) && a.projectSearch() {
				// ".env*" in one project: its templates and local
				// settings, looked for to document or set it up
				gw = 0.2
			}
			w, sig = max(w, gw), "listing.sensitive_glob"
		}
		if strings.Contains(p, "**") && w > 0 {
			w = min(1, w+0.1)
		}
	}
	if a.tool.mcpConfig && (sensitiveFile(p).kind == "mcp_client_config" || aiClientDir(home)) {
		// an MCP configuration scanner opening what it scans
		w *= 0.4
	}
	if w > 0 {
		a.list.add(sig, it.field, a.safe(raw), w)
	}
}

// fileConsumers are the tool-name words of programs that use a kind of
// credential file as input (Terraform variables and state, kubeconfigs,
// SSH identities) rather than show it.
var fileConsumers = map[string][]string{
	"cloud_credentials":    {"terraform", "tofu", "opentofu", "terragrunt", "kubectl", "helm", "k8s", "kubernetes", "eks", "gke", "aks"},
	"ssh_key":              {"ssh", "scp", "sftp", "rsync", "ansible"},
	"registry_credentials": {"docker", "podman", "buildah", "skopeo"},
}

// consumesFile reports a tool whose name says it uses files of kind as
// input: Terraform with a .tfvars or state file, kubectl or Helm with a
// kubeconfig (not ~/.aws/credentials), SSH with an identity.
func consumesFile(toolWords []string, kind, p string) bool {
	users := fileConsumers[kind]
	if len(users) == 0 || !hasWord(toolWords, users...) {
		return false
	}
	if kind == "cloud_credentials" {
		lp := strings.ToLower(p)
		return strings.HasSuffix(lp, ".tfvars") || strings.Contains(lp, ".tfstate") || strings.Contains(lp, "kube")
	}
	return true
}

// aiClientDirs are the directories where AI clients keep their MCP server
// configurations (listed in sensitiveDirs too).
var aiClientDirs = []string{"~/library/application support/claude", "~/appdata/roaming/claude", "~/.config/claude", "~/.claude",
	"~/.cursor", "~/.codeium", "~/.continue", "~/library/application support/code/user", "~/appdata/roaming/code/user", "~/.config/code/user"}

// aiClientDir reports whether home (a path in homeDir's ~ form) is or lies
// below one of aiClientDirs.
func aiClientDir(home string) bool {
	for _, d := range aiClientDirs {
		if home == d || strings.HasPrefix(home, d+"/") {
			return true
		}
	}
	return false
}

// secretNames are names of credential files a glob may be written to
// find; plainNames are ordinary file names. A glob that matches one of
// the first and none of the second is looking for credentials (id_*,
// *.pem, .*rc, *cred*).
var (
	secretNames = []string{"id_rsa", "id_ed25519", "id_ecdsa", "id_dsa", ".env", ".env.local", ".env.production", "credentials",
		"credentials.json", ".npmrc", ".pypirc", ".pgpass", ".netrc", ".git-credentials", "server.key", "tls.key", "private.pem",
		"wallet.dat", "terraform.tfstate", "secrets.yaml", "secrets.json", "key4.db", "logins.json", "service-account.json",
		"client_secret.json", ".vault-token", "kubeconfig", ".htpasswd", "keystore.jks", "cert.p12"}
	plainNames = []string{"readme.md", "main.go", "index.js", "index.ts", "package.json", "notes.txt", "photo.jpg", "data.csv",
		"app.py", "style.css", "index.html", "makefile", "dockerfile", "go.mod", "report.pdf", "config.yaml", "test_main.py",
		"license", "changelog.md", "setup.cfg", "todo.txt", "image.png", "a", "src", "docs", "build", "cmd", ".gitignore", ".github"}
)

// globFindsSecrets reports a glob whose last element matches a
// credential file name and no ordinary one.
func globFindsSecrets(p string) bool {
	last := p
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		last = p[i+1:]
	}
	if !strings.ContainsAny(last, "*?[") || len(last) > 64 {
		return false
	}
	for _, n := range plainNames {
		if ok, _ := path.Match(last, n); ok {
			return false
		}
	}
	for _, n := range secretNames {
		if ok, _ := path.Match(last, n); ok {
			return true
		}
	}
	return false
}

// listingCmds are commands that list, walk or search directories.
var listingCmds = set("ls", "dir", "tree", "find", "du", "get-childitem", "gci", "locate", "rg", "grep", "egrep", "fd", "ag",
	"exa", "eza", "lsd", "stat", "file", "ll", "la")

// listingCmd reads a listing command's directory arguments.
func (a *analysis) listingCmd(it *item, r resolved, sc *shScript, res []resolved) {
	if !listingCmds[r.name] {
		return
	}
	single := r.name == "ls" || r.name == "stat" || r.name == "file" || r.name == "ll"
	if (r.name == "grep" || r.name == "egrep") && !hasAnyFlag(r.args, "--recursive") && !hasShortFlag(r.args, 'r', 'R') {
		return
	}
	dirs := 0
	for i, w := range r.args {
		if strings.HasPrefix(w, "-") && len(w) > 1 || w == "" {
			continue
		}
		if (r.name == "grep" || r.name == "rg" || r.name == "ag" || r.name == "egrep") && dirs == 0 && i == firstNonFlag(r.args) {
			dirs++ // the pattern
			if containsAny(strings.ToLower(w), "password", "passwd", "secret", "token", "api_key", "apikey", "private key", "aws_", "akia", "bearer") {
				a.list.add("listing.sensitive_search", it.field, a.spanAll(it.s), 0.55)
			}
			continue
		}
		if i > 0 && (r.args[i-1] == "-name" || r.args[i-1] == "-iname" || r.args[i-1] == "-path" || r.args[i-1] == "-type" || r.args[i-1] == "-maxdepth") {
			// find's tests: the pattern says what is sought.
			if h := sensitiveFile(strings.ToLower(w)); h.kind != "" || containsAny(strings.ToLower(w), "id_rsa", "*.pem", "*.key", ".env", "secret", "credential", "password", "wallet") {
				a.list.add("listing.sensitive_search", it.field, a.spanAll(it.s), 0.6)
			}
			continue
		}
		dirs++
		if single && !hasShortFlag(r.args, 'R') && handledPath(sc, res, w) {
			// ls -l of a file the same command line creates or
			// changes (chmod 600 k && ls -l k): checking the result.
			continue
		}
		if !hasShortFlag(r.args, 'R') && !strings.HasSuffix(w, "/") && sensitiveFile(strings.ToLower(w)).kind != "" && !strings.ContainsAny(w, "*?[") {
			// ls -l ~/.ssh/id_ed25519: one key file's mode and size,
			// not the directory's contents
			continue
		}
		a.listDir(it, resolvePath(w).clean, it.s)
	}
}

// handledPath reports whether a command of sc other than a listing one
// creates, changes or moves path w (chmod, chown, ssh-keygen -f, touch,
// mv, cp, install, ssh-add, mkdir).
func handledPath(sc *shScript, res []resolved, w string) bool {
	if sc == nil || len(w) < 3 {
		return false
	}
	for i := range res {
		switch res[i].name {
		case "chmod", "chown", "chgrp", "ssh-keygen", "touch", "mv", "cp", "install", "ssh-add", "mkdir", "ln":
			if slices.Contains(res[i].args, w) {
				return true
			}
		}
	}
	return false
}

func firstNonFlag(args []string) int {
	for i, w := range args {
		if !strings.HasPrefix(w, "-") {
			return i
		}
	}
	return -1
}

// secretVarWords are words in environment variable names that hold
// secrets.
var secretVarWords = []string{"KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASS", "CREDENTIAL", "CREDENTIALS", "AUTH", "PRIVATE", "SESSION", "COOKIE", "PAT"}

// secretVarName reports an environment variable name that holds a secret
// (AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN, OPENAI_API_KEY, DB_PASSWORD).
func secretVarName(n string) bool {
	if len(n) < 3 || strings.ToUpper(n) != n {
		return false
	}
	for _, w := range strings.Split(n, "_") {
		for _, s := range secretVarWords {
			if w == s {
				return true
			}
		}
	}
	return false
}

// credentialCommands are commands (name and leading arguments, lower
// case) that print stored credentials or tokens, with weights.
var credentialCommands = []struct {
	prefix string
	weight float64
}{
	{"security find-generic-password", 0.75}, {"security find-internet-password", 0.75}, {"security dump-keychain", 0.85},
	{"secret-tool lookup", 0.7}, {"cmdkey /list", 0.6}, {"vaultcmd /listcreds", 0.75}, {"gh auth token", 0.75},
	{"gh auth status -t", 0.7}, {"aws configure get", 0.7}, {"aws configure export-credentials", 0.8},
	{"aws sts get-session-token", 0.5}, {"gcloud auth print-access-token", 0.75}, {"gcloud auth print-identity-token", 0.7},
	{"gcloud auth application-default print-access-token", 0.75}, {"az account get-access-token", 0.75},
	{"kubectl config view --raw", 0.75}, {"kubectl get secret", 0.45},
	{"kubectl describe secret", 0.55}, {"docker-credential-desktop get", 0.75}, {"docker-credential-osxkeychain get", 0.75},
	{"git credential fill", 0.75}, {"git config --get-all credential", 0.5}, {"npm config get //", 0.6}, {"npm token list", 0.5},
	{"vault read", 0.45}, {"vault kv get", 0.5}, {"op item get", 0.6}, {"op read", 0.6}, {"bw get password", 0.7},
	{"pass show", 0.6}, {"mimikatz", 0.9}, {"procdump -ma lsass", 0.9}, {"reg save hklm\\sam", 0.9}, {"reg save hklm\\system", 0.85},
	{"reg save hklm\\security", 0.85}, {"ntdsutil", 0.8}, {"lazagne", 0.9}, {"heroku auth:token", 0.7}, {"netlify env:list", 0.5},
	{"vercel env pull", 0.55}, {"doppler secrets", 0.55}, {"firebase login:ci", 0.5}, {"wrangler secret list", 0.4},
}

// credentialCmd reads one command for credential access: commands that
// print stored tokens (gh auth token, gcloud auth print-access-token,
// security find-generic-password, ...), environment dumps (env, printenv,
// set, export -p, Get-ChildItem Env:), and reads of secret environment
// variables ($AWS_SECRET_ACCESS_KEY, %GITHUB_TOKEN%, $env:OPENAI_API_KEY).
func (a *analysis) credentialCmd(it *item, r resolved, c *shCmd, f float64) {
	if r.name == "" {
		return
	}
	sp := lazy(func() string { return a.spanAll(it.s) })
	line := r.name
	if len(r.args) > 0 {
		line += " " + strings.ToLower(strings.Join(r.args, " "))
	}
	for _, cc := range credentialCommands {
		if strings.HasPrefix(line, cc.prefix) {
			w := cc.weight
			if cc.prefix == "kubectl get secret" && containsAny(line, "-o yaml", "-o json", "-ojson", "-oyaml", "jsonpath", "go-template") {
				w = 0.7 // the values, not only the names
			}
			a.sens.add("sensitive_path.credential_command", it.field, sp(), w*f)
			break
		}
	}
	switch r.name {
	case "env", "printenv", "compgen":
		if len(r.args) == 0 || r.name == "compgen" && anyEq(r.args, "-v", "-e") {
			a.sens.add("sensitive_path.environment_dump", it.field, sp(), 0.5*f)
		}
		for _, w := range r.args {
			if secretVarName(w) {
				a.sens.add("sensitive_path.secret_env_var", it.field, sp(), 0.55*f)
			}
		}
	case "set", "declare", "typeset":
		if len(r.args) == 0 || anyEq(r.args, "-x", "-p") {
			a.sens.add("sensitive_path.environment_dump", it.field, sp(), 0.45*f)
		}
	case "export":
		if anyEq(r.args, "-p") || len(r.args) == 0 {
			a.sens.add("sensitive_path.environment_dump", it.field, sp(), 0.45*f)
		}
	case "get-childitem", "gci", "dir", "ls", "get-item", "gi":
		if anyEqFold(r.args, "env:", "env:*", "env:\\") {
			a.sens.add("sensitive_path.environment_dump", it.field, sp(), 0.5*f)
		}
	}
	for i, w := range c.words {
		if name, ok := varRef(w); ok && secretVarName(name) && !credentialOption(c.words, i) {
			a.sens.add("sensitive_path.secret_env_var", it.field, sp(), 0.55*f)
			break
		}
	}
}

// credentialOption reports that words[i] is the value of a command-line
// option named for a credential ("--auth-token $SENTRY_AUTH_TOKEN",
// "--api-key=$KEY"), or the operand of test -n/-z: the secret handed to
// the program that uses it, or tested for being set, not printed or read
// out.
func credentialOption(words []string, i int) bool {
	opt := ""
	switch w := words[i]; {
	case strings.HasPrefix(w, "-") && strings.Contains(w, "="):
		opt = w[:strings.IndexByte(w, '=')]
	case i > 0 && strings.HasPrefix(words[i-1], "-"):
		opt = words[i-1]
	default:
		return false
	}
	if (opt == "-n" || opt == "-z") && len(words) > 0 && (words[0] == "test" || words[0] == "[" || words[0] == "[[") {
		return true // test -n "$NODE_AUTH_TOKEN": whether it is set, not what it is
	}
	return containsAny(strings.ToLower(opt), "token", "key", "auth", "password", "passwd", "secret", "credential")
}

// varRef finds an environment variable reference in a word: $NAME,
// ${NAME}, %NAME%, $env:NAME.
func varRef(w string) (string, bool) {
	if i := strings.Index(strings.ToLower(w), "$env:"); i >= 0 {
		return strings.ToUpper(identPrefix(w[i+5:])), true
	}
	if i := strings.IndexByte(w, '$'); i >= 0 {
		rest := strings.TrimPrefix(w[i+1:], "{")
		return identPrefix(rest), true
	}
	if i := strings.IndexByte(w, '%'); i >= 0 {
		if j := strings.IndexByte(w[i+1:], '%'); j > 0 {
			return w[i+1 : i+1+j], true
		}
	}
	return "", false
}

func identPrefix(s string) string {
	j := 0
	for j < len(s) && (s[j] == '_' || isAlpha(s[j]) || '0' <= s[j] && s[j] <= '9') {
		j++
	}
	return s[:j]
}

// managingCmds use or manage a credential file without printing it.
var managingCmds = set("chmod", "chown", "chgrp", "ssh", "ssh-keygen", "ssh-add", "ssh-copy-id", "ls", "stat", "test", "[",
	"mkdir", "touch", "git", "scp-keygen", "mv", "rm", "ln", "file", "sftp", "mosh", "autossh", "gpg", "kubectl", "aws", "gcloud", "az", "docker")

// readsOut reports whether some command of sc that names path p reads
// it out (cat, cp, base64, curl -F @, tar, ...), rather than only using or
// managing it (ssh -i, chmod, ssh-keygen, ls). A path no command names
// counts as read.
func readsOut(sc *shScript, p string) bool {
	named := false
	for i := range sc.cmds {
		c := &sc.cmds[i]
		has := false
		for _, w := range c.words {
			if strings.Contains(w, p) || strings.Contains(p, w) && len(w) > 3 {
				has = true
				break
			}
		}
		for _, rd := range c.redirs {
			if strings.Contains(rd.target, p) {
				has = true
			}
		}
		if !has {
			continue
		}
		named = true
		if r := resolve(c); !managingCmds[r.name] {
			return true
		}
	}
	return !named
}
