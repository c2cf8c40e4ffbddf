package argument

import (
	"slices"
	"strings"
)

// Cron entries. Scheduling a job is ordinary work (a nightly backup, a
// log rotation); what makes a crontab persistence is what the job runs
// and for whom: code fetched from the network, a shell fed by a
// download, a reverse shell, inline interpreter code, a program kept in a
// temporary directory or a hidden file, or a job installed in root's or
// another user's crontab. The entries a crontab command installs are read
// from the echo/printf words and here-documents of the same command line;
// a crontab whose content cannot be seen (crontab file, crontab -e) keeps
// the weight of an unknown job.

// Weights of privileged.cron by what the job is.
const (
	cronLocal   = 0.15 // local programs only, the user's own crontab
	cronBoot    = 0.3  // @reboot of local programs
	cronUnknown = 0.45 // content not on the command line
	cronRoot    = 0.5  // root's or another user's crontab
	cronOdd     = 0.6  // network tool, inline code, temp or hidden program, credential read
	cronRemote  = 0.75 // download run, reverse shell, a crontab fetched
)

// cronInstall scores a crontab command (res[i] of sc) by the entries it
// installs, scaled by f; depth bounds the analysis of the entries.
func (a *analysis) cronInstall(it *item, sc *shScript, res []resolved, i int, f float64, depth int) {
	r := res[i]
	if anyEq(r.args, "-l") {
		return
	}
	user, files := "", 0
	for j := 0; j < len(r.args); j++ {
		switch w := r.args[j]; {
		case w == "-u" && j+1 < len(r.args):
			user = r.args[j+1]
			j++
		case strings.HasPrefix(w, "-u") && len(w) > 2:
			user = w[2:]
		case w == "-" || strings.HasPrefix(w, "-"):
		default:
			files++
		}
	}
	w := cronUnknown
	switch entries, known := cronEntries(sc, res, i, files); {
	case remoteFeed(res[:i]) && files == 0:
		w = cronRemote
	case known:
		w = cronLocal
		for _, e := range entries {
			w = max(w, a.cronEntry(it, e, depth))
		}
	}
	if user != "" || slices.ContainsFunc(r.wrappers, func(s string) bool { return s == "sudo" || s == "doas" || s == "pkexec" }) {
		w = max(w, cronRoot)
	}
	a.priv.add("privileged.cron", it.field, a.spanAll(it.s), w*f)
}

// remoteFeed reports a fetching command among cmds (curl URL | crontab -).
func remoteFeed(cmds []resolved) bool {
	return slices.ContainsFunc(cmds, func(r resolved) bool { return fetchCmds[r.name] })
}

// cronEntries returns the entries the crontab command res[i] installs:
// the lines of its here-document, or, when it reads standard input (no
// file argument), the cron lines that echo, printf and here-documents
// before it write. known is false when the content is not on the command
// line (a file argument, crontab -e).
func cronEntries(sc *shScript, res []resolved, i, files int) (entries []string, known bool) {
	if h := sc.cmds[i].heredoc; h != "" {
		return cronLines(h), true
	}
	if files > 0 || anyEq(res[i].args, "-e") {
		return nil, false
	}
	for j := range i {
		if h := sc.cmds[j].heredoc; h != "" {
			entries = append(entries, cronLines(h)...)
		}
		if res[j].name == "echo" || res[j].name == "printf" {
			for _, w := range res[j].args {
				entries = append(entries, cronLines(w)...)
			}
		}
	}
	return entries, true
}

// cronLines returns the commands of the cron entries in text (lines
// split at newlines and at printf's \n), each prefixed with "@reboot "
// when it runs at boot. Comments, environment settings and lines that
// are no entry are skipped.
func cronLines(text string) []string {
	var out []string
	for _, l := range strings.FieldsFunc(strings.ReplaceAll(text, `\n`, "\n"), func(r rune) bool { return r == '\n' || r == '\r' }) {
		if cmd, boot, ok := cronEntry(l); ok {
			if boot {
				cmd = "@reboot " + cmd
			}
			out = append(out, cmd)
		}
		if len(out) >= 16 {
			break
		}
	}
	return out
}

// cronEntry splits a user-crontab line into its command and whether it
// runs at boot: "@keyword command" (reboot, hourly, daily, ...) or five
// schedule fields (digits, *, /, ',', '-', month and day names) and the
// command (crontab(5)).
func cronEntry(line string) (cmd string, boot, ok bool) {
	l := strings.TrimSpace(line)
	if l == "" || l[0] == '#' {
		return "", false, false
	}
	if l[0] == '@' {
		kw, rest, _ := strings.Cut(l[1:], " ")
		switch strings.ToLower(kw) {
		case "reboot", "yearly", "annually", "monthly", "weekly", "daily", "midnight", "hourly":
			rest = strings.TrimSpace(rest)
			return rest, strings.EqualFold(kw, "reboot"), rest != ""
		}
		return "", false, false
	}
	fields := strings.Fields(l)
	if len(fields) < 6 {
		return "", false, false
	}
	numeric := false
	for _, fl := range fields[:5] {
		if len(fl) > 24 || !cronField(fl) {
			return "", false, false
		}
		numeric = numeric || strings.ContainsAny(fl, "0123456789*")
	}
	if !numeric {
		return "", false, false
	}
	// The command is the rest of the line after the fifth field.
	rest := l
	for range 5 {
		rest = strings.TrimLeft(rest, " \t")
		if k := strings.IndexAny(rest, " \t"); k >= 0 {
			rest = rest[k:]
		}
	}
	return strings.TrimSpace(rest), false, true
}

// cronField reports a schedule field: digits and * / , - or three-letter
// month and day names (jan, mon-fri).
func cronField(f string) bool {
	for i := 0; i < len(f); i++ {
		c := f[i]
		if !('0' <= c && c <= '9' || c == '*' || c == '/' || c == ',' || c == '-' || 'a' <= c|0x20 && c|0x20 <= 'z') {
			return false
		}
	}
	letters := strings.Trim(strings.ToLower(f), "0123456789*/,-")
	for _, part := range strings.FieldsFunc(letters, func(r rune) bool { return r == ',' || r == '-' || r == '/' }) {
		if len(part) != 3 {
			return false
		}
	}
	return true
}

// cronEntry scores one job's command (prefixed "@reboot " when it runs at
// boot): the analysis of the command line itself, in a scratch analysis,
// and where its programs live.
func (a *analysis) cronEntry(it *item, cmd string, depth int) float64 {
	boot := strings.HasPrefix(cmd, "@reboot ")
	cmd = strings.TrimPrefix(cmd, "@reboot ")
	w := cronLocal
	if boot {
		w = cronBoot
	}
	if depth >= 2 || len(cmd) > maxShellBytes {
		return max(w, cronUnknown)
	}
	sub := &analysis{ctx: a.ctx, exec: true, tool: a.tool, roots: a.roots, shellBudget: a.shellBudget,
		matchMem: a.matchMem, safeMemo: a.safeMemo, keyMemo: a.keyMemo}
	sc := sub.parseShell(cmd)
	sub.scriptSignals(it, sc, factorExec, depth+1)
	for _, t := range pathTokens(cmd, false) {
		sub.sensitiveToken(&item{field: it.field, s: cmd, sc: sc, kc: keyCommand}, t, resolvePath(t.decoded), keyCommand, false)
	}
	a.shellBudget = sub.shellBudget
	a.trunc = a.trunc || sub.trunc
	a.matchMem, a.safeMemo = sub.matchMem, sub.safeMemo
	cv := sub.cmd.verdict()
	for _, fd := range cv.Findings {
		switch {
		case embeddedStrong[fd.Signal] || fd.Signal == "command_injection.pipe_to_interpreter" || fd.Signal == "command_injection.exfil_substitution":
			w = max(w, cronRemote)
		case fd.Signal == "command_injection.inline_interpreter" || fd.Signal == "command_injection.upload_file":
			w = max(w, cronOdd)
		}
	}
	for i := range sc.cmds {
		r := resolve(&sc.cmds[i])
		if netCmds[r.name] {
			w = max(w, cronOdd)
		}
		if len(sc.cmds[i].words) > 0 && oddProgram(sc.cmds[i].words[0]) || (shellCmds[r.name] || interpCmds[r.name]) && len(r.args) > 0 && oddProgram(r.args[len(r.args)-1]) {
			w = max(w, cronOdd)
		}
	}
	if sub.sens.verdict().Score >= thresholdMedium || sub.priv.verdict().Score >= thresholdMedium {
		w = max(w, cronOdd)
	}
	if boot && w > cronBoot {
		w = min(1, w+0.1)
	}
	return w
}

// oddProgram reports a program path a scheduled job should not run: in
// a world-writable temporary directory (/tmp, /var/tmp, /dev/shm) or a
// hidden file (its name starts with a dot).
func oddProgram(p string) bool {
	p = strings.ToLower(strings.Trim(p, `'"`))
	for _, d := range []string{"/tmp/", "/var/tmp/", "/dev/shm/", "/run/shm/"} {
		if strings.HasPrefix(p, d) {
			return true
		}
	}
	b := baseName(p)
	return len(b) > 1 && b[0] == '.' && b != ".." && strings.ContainsAny(p, "/")
}
