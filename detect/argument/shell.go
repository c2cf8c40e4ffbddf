package argument

import (
	"strings"
)

// This file is a small, lenient POSIX-shell tokenizer. mvdan.cc/sh/v3's
// parser was considered and not used: it rejects incomplete input
// (an unbalanced quote, a dangling operator), which attackers add on purpose
// and which ordinary text is full of, and it builds a full syntax tree where
// detection only needs each simple command's words, the operator that joins
// it to the previous one, its redirections and what runs in substitutions.
// This tokenizer never fails, is bounded (maxShellBytes, maxShellCommands,
// maxShellDepth) and costs one pass.

const (
	maxShellBytes    = 16 << 10
	maxShellCommands = 256
	maxShellDepth    = 4
)

// shCmd is one simple command.
type shCmd struct {
	// words are the command's words with quotes and escapes removed;
	// a substitution inside a word reads as "$()".
	words []string
	// op joins the command to what came before: "" for the first of a
	// script, ";", "\n", "&&", "||", "|", "&", or "$(" / "`" / "<(" for the
	// first command of a substitution.
	op string
	// redirs are the redirection operators and their targets
	// (">" "/tmp/x", ">&" "/dev/tcp/1.2.3.4/80", "<<" "EOF").
	redirs []shRedir
	// depth is the substitution nesting (0 at top level).
	depth int
	// heredoc is the body of a here-document fed to the command.
	heredoc string
	// subst are the indexes (in shScript.cmds) of the first commands of
	// the substitutions inside this command's words.
	subst []int
}

// shRedir is one redirection.
type shRedir struct{ op, target string }

// shScript is a tokenized command line.
type shScript struct {
	cmds []shCmd
	// ifs reports $IFS / ${IFS} used as a word separator, a filter-evasion
	// trick.
	ifs bool
	// truncated reports input cut at maxShellBytes or maxShellCommands.
	truncated bool
}

// parseShell tokenizes s.
func parseShell(s string) *shScript {
	sc := &shScript{}
	if len(s) > maxShellBytes {
		s = s[:maxShellBytes]
		sc.truncated = true
	}
	p := shParser{sc: sc}
	p.parse(s, 0, "")
	return sc
}

type shParser struct {
	sc *shScript
}

// parse tokenizes s as a list of commands at depth, the first joined by op.
func (p *shParser) parse(s string, depth int, op string) {
	sc := p.sc
	if len(sc.cmds) >= maxShellCommands {
		sc.truncated = true
		return
	}
	cur := -1 // index of the current command in sc.cmds
	nextOp := op
	var word strings.Builder
	inWord := false
	pendingRedir := ""
	var heredocs []string // delimiters waiting for their bodies
	var heredocCmd []int

	startCmd := func() int {
		if cur < 0 {
			if len(sc.cmds) >= maxShellCommands {
				sc.truncated = true
				return -1
			}
			sc.cmds = append(sc.cmds, shCmd{op: nextOp, depth: depth})
			cur = len(sc.cmds) - 1
		}
		return cur
	}
	endWord := func() {
		if !inWord {
			return
		}
		w := word.String()
		word.Reset()
		inWord = false
		c := startCmd()
		if c < 0 {
			return
		}
		if pendingRedir != "" {
			sc.cmds[c].redirs = append(sc.cmds[c].redirs, shRedir{op: pendingRedir, target: w})
			if pendingRedir == "<<" || pendingRedir == "<<-" {
				heredocs = append(heredocs, strings.Trim(w, `'"`))
				heredocCmd = append(heredocCmd, c)
			}
			pendingRedir = ""
			return
		}
		sc.cmds[c].words = append(sc.cmds[c].words, w)
	}
	endCmd := func(op string) {
		endWord()
		pendingRedir = ""
		cur = -1
		nextOp = op
	}
	sub := func(body, op string) {
		c := startCmd()
		if c < 0 || depth >= maxShellDepth {
			return
		}
		first := len(sc.cmds)
		// Commands in the substitution go after the current one; the
		// current index stays valid because sc.cmds only grows.
		p.parse(body, depth+1, op)
		if len(sc.cmds) > first {
			sc.cmds[c].subst = append(sc.cmds[c].subst, first)
		}
		inWord = true
		word.WriteString("$()")
	}

	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '\\':
			if i+1 < len(s) {
				if s[i+1] == '\n' {
					i += 2
					continue
				}
				if winPathWord(word.String(), s[i+1]) {
					// C:\Windows\System32, \\server\share: a Windows
					// path keeps its separators.
					inWord = true
					word.WriteByte('\\')
					i++
					continue
				}
				inWord = true
				word.WriteByte(s[i+1])
				i += 2
				continue
			}
			i++
		case '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			inWord = true
			if j < 0 {
				word.WriteString(s[i+1:])
				i = len(s)
				continue
			}
			word.WriteString(s[i+1 : i+1+j])
			i += j + 2
		case '"':
			inWord = true
			i++
			for i < len(s) && s[i] != '"' {
				switch {
				case s[i] == '\\' && i+1 < len(s):
					if strings.IndexByte("\\\"$`\n", s[i+1]) >= 0 {
						if s[i+1] != '\n' {
							word.WriteByte(s[i+1])
						}
					} else {
						word.WriteByte('\\')
						word.WriteByte(s[i+1])
					}
					i += 2
				case s[i] == '$' && i+1 < len(s) && s[i+1] == '(' && !(i+2 < len(s) && s[i+2] == '('):
					end := matchParen(s, i+1)
					sub(s[i+2:end], "$(")
					i = min(end+1, len(s))
				case s[i] == '`':
					end := strings.IndexByte(s[i+1:], '`')
					if end < 0 {
						end = len(s) - i - 1
					}
					sub(s[i+1:i+1+end], "`")
					i = min(i+end+2, len(s))
				case s[i] == '$':
					n, isIFS := paramExp(s[i:])
					if isIFS {
						word.WriteByte(' ')
						p.sc.ifs = true
					} else {
						word.WriteString(s[i : i+n])
					}
					i += n
				default:
					word.WriteByte(s[i])
					i++
				}
			}
			i++ // closing quote
		case '`':
			end := strings.IndexByte(s[i+1:], '`')
			if end < 0 {
				end = len(s) - i - 1
			}
			sub(s[i+1:i+1+end], "`")
			i = min(i+end+2, len(s))
		case '$':
			switch {
			case i+2 < len(s) && s[i+1] == '(' && s[i+2] == '(':
				// Arithmetic expansion: kept as text.
				end := matchParen(s, i+1)
				inWord = true
				word.WriteString(s[i:min(end+1, len(s))])
				i = min(end+1, len(s))
			case i+1 < len(s) && s[i+1] == '(':
				end := matchParen(s, i+1)
				sub(s[i+2:end], "$(")
				i = min(end+1, len(s))
			default:
				n, isIFS := paramExp(s[i:])
				if isIFS {
					p.sc.ifs = true
					endWord()
				} else {
					inWord = true
					word.WriteString(s[i : i+n])
				}
				i += n
			}
		case ' ', '\t', '\r':
			endWord()
			i++
		case '\n':
			endCmd("\n")
			i++
			if len(heredocs) > 0 {
				i = p.heredocBodies(s, i, heredocs, heredocCmd)
				heredocs, heredocCmd = nil, nil
			}
		case ';':
			if i+1 < len(s) && s[i+1] == ';' {
				i++
			}
			endCmd(";")
			i++
		case '&':
			switch {
			case i+1 < len(s) && s[i+1] == '&':
				endCmd("&&")
				i += 2
			case i+1 < len(s) && s[i+1] == '>':
				endWord()
				pendingRedir = "&>"
				i += 2
				if i < len(s) && s[i] == '>' {
					i++
				}
			default:
				endCmd("&")
				i++
			}
		case '|':
			switch {
			case i+1 < len(s) && s[i+1] == '|':
				endCmd("||")
				i += 2
			case i+1 < len(s) && s[i+1] == '&':
				endCmd("|")
				i += 2
			default:
				endCmd("|")
				i++
			}
		case '<', '>':
			if i+1 < len(s) && s[i+1] == '(' {
				end := matchParen(s, i+1)
				sub(s[i+2:end], string(c)+"(")
				i = min(end+1, len(s))
				continue
			}
			// A file-descriptor number right before is part of the
			// operator (2>&1).
			if inWord && isDigits(word.String()) {
				word.Reset()
				inWord = false
			} else {
				endWord()
			}
			op := string(c)
			i++
			for i < len(s) && len(op) < 3 && strings.IndexByte("<>&|-", s[i]) >= 0 {
				op += string(s[i])
				i++
			}
			pendingRedir = op
			if op == ">&" || op == "<&" {
				// >&2 duplicates a descriptor; >& file redirects both.
				j := i
				for j < len(s) && s[j] == ' ' {
					j++
				}
				k := j
				for k < len(s) && '0' <= s[k] && s[k] <= '9' {
					k++
				}
				if k > j && (k == len(s) || strings.IndexByte(" \t\n;&|)", s[k]) >= 0) || k < len(s) && s[k] == '-' {
					pendingRedir = ""
					i = k
					if i < len(s) && s[i] == '-' {
						i++
					}
				}
			}
		case '(', ')', '{', '}':
			// Grouping: a boundary between commands. Braces only when
			// they stand alone ("{ cmd; }"); "${x}" and "a{b,c}" are
			// words.
			if (c == '{' || c == '}') && (inWord || i+1 < len(s) && strings.IndexByte(" \t\n;", s[i+1]) < 0) {
				inWord = true
				word.WriteByte(c)
				i++
				continue
			}
			endCmd(";")
			i++
		case '#':
			if !inWord {
				j := strings.IndexByte(s[i:], '\n')
				if j < 0 {
					i = len(s)
				} else {
					i += j
				}
				continue
			}
			word.WriteByte(c)
			i++
		default:
			inWord = true
			word.WriteByte(c)
			i++
		}
	}
	endWord()
}

// heredocBodies skips the bodies of the pending here-documents starting at
// s[i], storing each in its command, and returns where parsing resumes.
func (p *shParser) heredocBodies(s string, i int, delims []string, cmds []int) int {
	for k, d := range delims {
		var body strings.Builder
		for i < len(s) {
			j := strings.IndexByte(s[i:], '\n')
			line := s[i:]
			if j >= 0 {
				line = s[i : i+j]
			}
			if j < 0 {
				i = len(s)
			} else {
				i += j + 1
			}
			if strings.TrimLeft(line, "\t") == d {
				break
			}
			body.WriteString(line)
			body.WriteByte('\n')
		}
		p.sc.cmds[cmds[k]].heredoc = body.String()
	}
	return i
}

// matchParen returns the index of the ')' matching the '(' at s[open], or
// len(s) when there is none; quotes inside are skipped.
func matchParen(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return len(s)
			}
			i += j + 1
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return len(s)
}

// paramExp measures the parameter expansion at the start of s ("$x",
// "${x}", "$1", "$"), reporting whether it expands IFS.
func paramExp(s string) (n int, isIFS bool) {
	if len(s) < 2 {
		return len(s), false
	}
	if s[1] == '{' {
		end := strings.IndexByte(s, '}')
		if end < 0 {
			return len(s), strings.HasPrefix(s[2:], "IFS")
		}
		return end + 1, strings.HasPrefix(s[2:end], "IFS")
	}
	j := 1
	for j < len(s) && (s[j] == '_' || 'a' <= s[j] && s[j] <= 'z' || 'A' <= s[j] && s[j] <= 'Z' || j > 1 && '0' <= s[j] && s[j] <= '9') {
		j++
	}
	if j == 1 && strings.IndexByte("0123456789@*#?$!-", s[1]) >= 0 {
		return 2, false
	}
	return j, s[1:j] == "IFS"
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// wrappers are commands that run the command after them (with their own
// options first).
var wrappers = map[string]bool{
	"sudo": true, "doas": true, "pkexec": true, "env": true, "nohup": true, "time": true, "nice": true, "ionice": true,
	"timeout": true, "exec": true, "command": true, "builtin": true, "stdbuf": true, "xargs": true, "setsid": true,
	"strace": true, "ltrace": true, "busybox": true, "chroot": true, "unbuffer": true, "torsocks": true, "proxychains": true,
	"proxychains4": true, "watch": true, "flock": true, "caffeinate": true, "runuser": true, "start": true, "call": true,
}

// wrapperArgOpts are the wrapper options that take a value.
var wrapperArgOpts = map[string]bool{"-u": true, "-g": true, "-h": true, "-p": true, "-C": true, "-r": true, "-t": true,
	"-U": true, "-n": true, "-s": true, "-k": true, "-I": true, "-P": true, "-L": true, "-d": true, "-c": false}

// resolved is a simple command read through its assignments and wrappers.
type resolved struct {
	name     string   // normalised command name ("python", "curl", "rm")
	args     []string // the words after the name
	wrappers []string // normalised wrapper names before it ("sudo", "env")
}

// braceCommand expands a command written as one brace expansion, as bash
// does before running it: {wget,-qO-,http://x/k} is wget -qO- http://x/k
// (a way to write a command line without spaces). Other words are
// returned as they are.
func braceCommand(w []string) []string {
	if len(w) == 0 || len(w[0]) < 5 || w[0][0] != '{' || w[0][len(w[0])-1] != '}' {
		return w
	}
	inner := w[0][1 : len(w[0])-1]
	if !strings.Contains(inner, ",") || strings.ContainsAny(inner, "{} \t") {
		return w
	}
	out := append(strings.Split(inner, ","), w[1:]...)
	return out
}

// resolve reads c's command name and arguments.
func resolve(c *shCmd) resolved {
	w := braceCommand(c.words)
	var r resolved
	i := 0
	for i < len(w) {
		word := w[i]
		if isAssignment(word) {
			i++
			continue
		}
		n := normName(word)
		if wrappers[n] && i+1 < len(w) {
			start := i
			i++
			if n == "chroot" && i < len(w) && !strings.HasPrefix(w[i], "-") {
				i++
			}
			for i < len(w) && (strings.HasPrefix(w[i], "-") || isAssignment(w[i]) || n == "timeout" && isDuration(w[i]) || n == "nice" && isDigits(w[i])) {
				if wrapperArgOpts[w[i]] && i+1 < len(w) {
					i++
				}
				i++
			}
			if i >= len(w) {
				// Only options follow ("sudo -i"): the wrapper is the
				// command.
				r.name, r.args = n, w[start+1:]
				return r
			}
			r.wrappers = append(r.wrappers, n)
			continue
		}
		r.name = n
		r.args = w[i+1:]
		return r
	}
	return r
}

func isAssignment(w string) bool {
	eq := strings.IndexByte(w, '=')
	if eq <= 0 {
		return false
	}
	for i := 0; i < eq; i++ {
		c := w[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

func isDuration(w string) bool {
	w = strings.TrimRight(w, "smhd")
	return isDigits(strings.ReplaceAll(w, ".", ""))
}

// normName normalises a command word: the base name of a path, lower
// case, without .exe/.com/.bat/.cmd, and interpreter versions folded
// (python3.11 → python, perl5 → perl, pwsh → powershell, nodejs → node).
func normName(w string) string {
	if i := strings.LastIndexAny(w, `/\`); i >= 0 {
		w = w[i+1:]
	}
	w = strings.ToLower(w)
	for _, ext := range []string{".exe", ".com", ".bat", ".cmd"} {
		w = strings.TrimSuffix(w, ext)
	}
	for _, base := range []string{"python", "perl", "php", "ruby", "lua", "node"} {
		if strings.HasPrefix(w, base) && len(w) > len(base) && strings.Trim(w[len(base):], "0123456789.") == "" {
			return base
		}
	}
	if strings.HasPrefix(w, "mkfs.") || strings.HasPrefix(w, "mke2fs") {
		return "mkfs"
	}
	switch w {
	case "pwsh", "powershell_ise":
		return "powershell"
	case "nodejs":
		return "node"
	case "ncat", "netcat", "nc.traditional", "nc.openbsd":
		return "nc"
	}
	return w
}

// winPathWord reports whether a backslash after word w (followed by next)
// separates a Windows path rather than escaping next: w starts with a
// drive ("C:") or is a UNC prefix.
func winPathWord(w string, next byte) bool {
	if len(w) >= 2 && w[1] == ':' && isAlpha(w[0]) {
		return true
	}
	return w == "" && next == '\\' || w == `\` || strings.HasPrefix(w, `\\`)
}
