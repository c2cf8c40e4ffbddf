package injection

import (
	"net/netip"
	"regexp"
	"strings"
	"unicode/utf8"
)

// sensitivePaths are credential and client-configuration locations; a
// match marks the words it covers as a sensitive object.
var sensitivePaths = []string{
	".ssh/", "~/.ssh", "id_rsa", "id_ed25519", "id_ecdsa", "id_dsa", "authorized_keys", "known_hosts",
	"/etc/passwd", "/etc/shadow", "/etc/sudoers", ".aws/credentials", ".aws/config", ".netrc", ".npmrc", ".pypirc",
	".git-credentials", ".gitconfig", ".docker/config.json", ".kube/config", "kubeconfig", ".gnupg", ".bash_history",
	".zsh_history", "claude_desktop_config.json", "mcp.json", ".cursor/", "cline_mcp_settings", "mcp_settings.json",
	"mcp_config.json", ".codeium/", ".claude.json", ".gemini/settings",
	// CLI and package-manager credential stores
	".config/gh/hosts.yml", ".config/hub", ".terraform.d/credentials", ".gem/credentials", ".cargo/credentials", ".m2/settings.xml",
	".gradle/gradle.properties", ".composer/auth.json", ".config/heroku", ".config/doctl", ".oci/config", ".pgpass", ".my.cnf", ".s3cfg",
	".boto", ".databrickscfg", ".config/op/", ".password-store",
	"/proc/self/environ", "wallet.dat", ".config/gcloud", "application_default_credentials", ".azure/", "login data",
	"cookies.sqlite", ".vault-token", "credentials.json", "service-account", "secrets.yaml", "secrets.json", ".env",
	// commands and expressions that dump the environment
	"printenv", "process.env", "os.environ", "$env:", "get-childitem env:", "env | ", "export -p", "config view --raw", "get secret -o",
}

// markPaths marks tokens inside sensitive paths and notes each path once.
func (a *analysis) markPaths(s *scanned, field string) {
	f := s.f
	for _, h := range a.anch {
		if !pathAnchor[h.pat] {
			continue
		}
		p, i := anchorList[h.pat], h.pos
		off := i + len(p)
		if p == ".env" && (off < len(f) && isWordByte(f[off]) || i > 0 && isWordByte(f[i-1])) {
			continue // ".env" as a file, not ".environment" or "process.env.X"
		}
		end := off
		for end < len(f) && isIdentByte(f[end]) {
			end++
		}
		start := i
		for start > 0 && isIdentByte(f[start-1]) {
			start--
		}
		s.markRange(start, end, func(t *tok) { t.path = true })
		a.add(sigSensitivePath, field, wSensitivePath, f[start:end])
	}
}

// suspiciousHosts are out-of-band collection services and tunnels.
var suspiciousHosts = []string{"ngrok", "webhook.site", "requestbin", "pipedream.net", "burpcollaborator", "interact.sh", "oast.", "trycloudflare.com", "serveo.net", "localtunnel", "beeceptor", "hookbin", "canarytokens", "pastebin.com", "transfer.sh"}

// markURLs marks tokens inside URLs, notes URLs, and scores a URL in a
// sentence that asks for something to be sent.
func (a *analysis) markURLs(s *scanned, field string) {
	f := s.f
	off, n := 0, 0
	a.anch.each("://", func(i int) {
		if i < off || n >= 64 {
			return
		}
		n++
		start := i
		for start > 0 && isWordByte(f[start-1]) {
			start--
		}
		end := i + 3
		for end < len(f) && f[end] > ' ' && f[end] != '"' && f[end] != '\'' && f[end] != '`' && f[end] != ')' && f[end] != '>' {
			end++
		}
		off = end
		scheme := f[start:i]
		if scheme == "" {
			return
		}
		url := f[start:end]
		// words inside a URL are not words of the sentence ("/send-requests/")
		s.markRange(start, end, func(t *tok) { t.url, t.r = true, 0 })
		a.add(sigURL, field, wURL, url)
		host := url[len(scheme)+3:]
		if j := strings.IndexAny(host, "/?#"); j >= 0 {
			host = host[:j]
		}
		// a raw public address; link-local, loopback and private ones are
		// what operations documents name (the metadata service, a local
		// port), not where data is collected
		suspicious := isIPHost(host) && !localIPHost(host)
		for _, h := range suspiciousHosts {
			if strings.Contains(host, h) {
				suspicious = true
			}
		}
		k := s.sentenceOf(start)
		if k < 0 {
			return
		}
		lo, hi := s.sents[k][0], s.sents[k][1]
		// a URL whose query is a placeholder for data the model is to fill
		// in (markdown-image exfiltration: ![x](https://h/p?d={history}))
		if q := strings.IndexByte(url, '?'); q > 0 && strings.ContainsAny(url[q:], "{<$[") && !strings.Contains(url[q:], "your") {
			image := start >= 2 && strings.HasSuffix(f[:start], "](") && strings.Contains(f[max(0, start-200):start], "![")
			switch {
			case image && strings.ContainsAny(url[q:], "{<") && !strings.Contains(url, "shields.io") && !strings.Contains(url, "badge"):
				a.add(sigURLTemplate, field, wURLTemplate, url)
			case placeholderNamesData(f[start+q:min(len(f), end+60)], end-start-q):
				// "?ctx=<the conversation so far>": the query is to carry
				// the conversation or a secret, image or not
				a.add(sigURLTemplate, field, wURLData, url)
			case a.unnegatedAction(s, lo, hi, rSend|rInclude) || s.mask(lo, hi)&(rConv|rCred) != 0:
				a.add(sigURLPlaceholder, field, wURLPlaceholder, url)
			}
		}
		if imperativeAction(s, lo, hi, rSend) || a.copyTo(s, lo, hi) {
			a.add(sigURLSend, field, wURLSend, s.span(lo, hi))
			if suspicious {
				a.add(sigSuspiciousHost, field, wSuspiciousHost, url)
			}
		}
	})
}

// localIPHost reports an IPv4 host (with or without a port) in a
// link-local, loopback or private range.
func localIPHost(h string) bool {
	a, err := netip.ParseAddr(withoutPort(h))
	return err == nil && (a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsPrivate())
}

// withoutPort drops a ":port" from an IPv4 address or host name (not
// from a bracketed IPv6 address).
func withoutPort(h string) string {
	if i := strings.LastIndexByte(h, ':'); i > 0 && !strings.Contains(h, "]") {
		return h[:i]
	}
	return h
}

func isIPHost(h string) bool {
	h = withoutPort(h)
	dots, digits := 0, 0
	for i := 0; i < len(h); i++ {
		switch c := h[i]; {
		case c == '.':
			dots++
		case c >= '0' && c <= '9':
			digits++
		default:
			return strings.HasPrefix(h, "[")
		}
	}
	return dots == 3 && digits >= 4
}

// templateTokens are chat-template and role tokens of common model
// families (ChatML, Llama 2/3, Gemma, Mistral).
var templateTokens = []string{
	"<|im_start|>", "<|im_end|>", "<|system|>", "<|user|>", "<|assistant|>", "<|endoftext|>", "<|eot_id|>",
	"<|start_header_id|>", "<|end_header_id|>", "<|begin_of_text|>", "[inst]", "[/inst]", "<<sys>>", "<</sys>>",
	"<start_of_turn>", "<end_of_turn>", "<|channel|>", "<|message|>", "<|end|>",
}

// controlTags are XML-ish tag names used to dress an instruction as a
// control message; they weigh only with an instruction inside.
var controlTags = map[string]int{
	// 2: names that dress text as a control message
	"important": 2, "system": 2, "admin": 2, "secret": 2, "hidden": 2, "system_prompt": 2, "system-prompt": 2,
	"override": 2, "critical": 2, "note_to_ai": 2, "ai": 2, "assistant": 2, "urgent": 2, "sys": 2, "developer": 2,
	"admin_note": 2, "system_message": 2, "system-message": 2, "priority": 2, "mandatory": 2, "directive": 2,
	// 1: names real definitions use for documentation blocks
	"instructions": 1, "instruction": 1, "prompt": 1, "rules": 1, "policy": 1, "warning": 1, "note": 1,
	"security": 1, "compliance": 1, "context": 1,
}

// instructionIn reports whether folded text holds an instruction (see
// instructionLevel).
func instructionIn(f string) bool { return instructionLevel(f) > 0 }

// instructionLevel grades folded text: 2 when it holds the shape of an
// attack (secrecy toward the user, stealth, an override, an action on a
// credential, the conversation or a sensitive path), 1 for a plain
// instruction (an action with an obligation, ordering or addressee), 0
// otherwise.
func instructionLevel(f string) int {
	s := scan(f)
	lvl := 0
	for _, r := range s.sents {
		m := s.mask(r[0], r[1])
		if m&rIgnore != 0 && m&rInstr != 0 || m&rNeg != 0 && m&rDisclose != 0 && m&rUser != 0 || m&rStealth != 0 && m&actionRoles != 0 {
			return 2
		}
		if m&(rCred|rConv) != 0 && imperativeAction(s, r[0], r[1], actionRoles) {
			return 2 // ("we use cookies to improve the docs" orders nothing)
		}
		if m&actionRoles != 0 && m&(rAddr|rOblig|rOrder|rStealth) != 0 {
			lvl = 1
		}
	}
	if lvl > 0 {
		for _, p := range sensitivePaths {
			if strings.Contains(f, p) {
				return 2
			}
		}
	}
	return lvl
}

// hiddenStyleRe finds an HTML element whose inline style hides it from a
// person reading the page (folded text): display:none, visibility:hidden,
// opacity:0, a font size of 0 or 1 px, white text, a position far off
// screen, a zero height with overflow hidden; and the hidden attribute.
var hiddenStyleRe = regexp.MustCompile(`<([a-z][a-z0-9]*)\b[^>]{0,200}?(?:` +
	`style\s*=\s*["'][^"']{0,200}?(?:display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(?:\.0+)?\s*(?:;|["'])|font-size\s*:\s*[01](?:\.\d+)?(?:px|pt|em)?\s*(?:;|["'])|(?:left|top|text-indent)\s*:\s*-\d{3,}|height\s*:\s*0(?:px)?\s*;[^"']*overflow\s*:\s*hidden)|` +
	`style\s*=\s*["'](?:[^"']{0,200}?[;\s])?color\s*:\s*(?:#fff(?:fff)?\b|white\b|rgba?\(\s*255\s*,\s*255\s*,\s*255)|` +
	`\shidden(?:\s|>|=))[^>]*>`)

// maxHiddenElements bounds the hidden elements hiddenElements reads.
const maxHiddenElements = 16

// hiddenElements scores text in server content that a person viewing
// the page cannot see (hiddenStyleRe) when it talks to an AI reader or
// orders something (instructionLevel, a model noun): the page's visible
// text is for people, the hidden text for the agent. A hidden menu or
// banner that orders nothing is left alone. Own code: the inner text is
// cut at the element's closing tag or 600 bytes, no HTML parser needed
// for hostile markup.
func (a *analysis) hiddenElements(f, field string) {
	if !a.ctx.Surface.serverToModel() || !strings.Contains(f, "<") {
		return
	}
	n := 0
	for _, loc := range hiddenStyleRe.FindAllStringSubmatchIndex(f, maxHiddenElements) {
		n++
		tag := f[loc[2]:loc[3]]
		body := f[loc[1]:min(len(f), loc[1]+600)]
		if j := strings.Index(body, "</"+tag); j >= 0 {
			body = body[:j]
		}
		if len(body) < 24 {
			continue
		}
		lvl := instructionLevel(body)
		s := scan(body)
		for _, t := range s.toks {
			if modelNoun(t.w) != 0 || subjectModel(strings.TrimSuffix(t.w, "s")) {
				lvl = max(lvl, 2)
				break
			}
		}
		if lvl > 0 {
			a.add(sigHiddenHTML, field, []float64{0, wCommentPlain, wHiddenHTML}[lvl], f[loc[0]:min(len(f), loc[1]+100)])
			return
		}
	}
}

// hasAction reports an action verb in folded text.
func hasAction(f string) bool {
	s := scan(f)
	return len(s.toks) > 0 && s.mask(0, len(s.toks))&actionRoles != 0
}

// markup scores chat-template tokens, control tags and comments.
func (a *analysis) markup(f string, s *scanned, field string) {
	if !strings.ContainsAny(f, "<[") {
		return
	}
	for _, tt := range templateTokens {
		if i := a.anch.first(tt); i >= 0 {
			a.add(sigTemplateToken, field, wTemplateToken, f[i:min(len(f), i+len(tt)+60)])
			break
		}
	}
	// generic <|name|> tokens
	if i := a.anch.first("<|"); i >= 0 {
		if j := strings.Index(f[i+2:], "|>"); j > 0 && j < 24 && isWordish(f[i+2:i+2+j]) {
			a.add(sigTemplateToken, field, wTemplateToken, f[i:min(len(f), i+4+j+60)])
		}
	}
	a.hiddenElements(f, field)
	// HTML comments and Markdown link-reference comments
	off, n := 0, 0
	a.anch.each("<!--", func(i int) {
		if i < off || n >= 32 {
			return
		}
		n++
		j := strings.Index(f[i+4:], "-->")
		end := len(f)
		if j >= 0 {
			end = i + 4 + j
		}
		body := f[i+4 : end]
		if lvl := instructionLevel(body); lvl > 0 {
			a.add(sigCommentInstr, field, []float64{0, wCommentPlain, wCommentInstr}[lvl], body)
		} else {
			a.add(sigComment, field, wComment, body)
		}
		off = min(len(f), end+3)
	})
	for _, p := range mdComments {
		if i := a.anch.first(p); i >= 0 {
			end := strings.IndexByte(f[i:], '\n')
			if end < 0 {
				end = len(f) - i
			}
			body := f[i+len(p) : i+end]
			if lvl := instructionLevel(body); lvl > 0 {
				a.add(sigCommentInstr, field, []float64{0, wCommentPlain, wCommentInstr}[lvl], body)
			} else {
				a.add(sigComment, field, wComment, body)
			}
		}
	}
	// control tags
	for off, n := 0, 0; n < 64; n++ {
		i := strings.IndexByte(f[off:], '<')
		if i < 0 {
			break
		}
		i += off
		off = i + 1
		j := i + 1
		for j < len(f) && (isWordByte(f[j]) || f[j] == '-') {
			j++
		}
		if j == i+1 || j >= len(f) || (f[j] != '>' && f[j] != ' ') {
			continue
		}
		name := f[i+1 : j]
		if controlTags[name] == 0 {
			continue
		}
		gt := strings.IndexByte(f[j:], '>')
		if gt < 0 {
			continue
		}
		bodyStart := j + gt + 1
		end := strings.Index(f[bodyStart:], "</"+name)
		if end < 0 {
			end = min(len(f)-bodyStart, 600)
		}
		body := f[bodyStart : bodyStart+end]
		switch lvl := instructionLevel(body); {
		case lvl == 2:
			a.add(sigControlTag, field, wControlTag, f[i:min(len(f), bodyStart+end)])
		case lvl == 1 && controlTags[name] == 2:
			// <IMPORTANT>, <system>, <admin> … around orders: never seen in
			// real definitions; <instructions> and <rules> blocks are
			a.add(sigControlTag, field, wControlTagPlain, f[i:min(len(f), bodyStart+end)])
		default:
			a.add(sigControlTagWeak, field, wControlTagWeak, f[i:bodyStart])
		}
		off = bodyStart
	}
}

func isWordish(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) {
			return false
		}
	}
	return s != ""
}

// roleLines scores forged chat turns and role labels at line starts.
func (a *analysis) roleLines(f, field string) {
	human, assistant := -1, -1
	start := 0
	for n := 0; start < len(f) && n < 4096; n++ {
		end := strings.IndexByte(f[start:], '\n')
		if end < 0 {
			end = len(f)
		} else {
			end += start
		}
		line := strings.TrimLeft(f[start:end], " #*>-[(_")
		line = strings.TrimPrefix(line, "【")
		line = strings.TrimPrefix(line, "「")
		cut := strings.IndexAny(line, ":]")
		if c := strings.Index(line, "】"); c >= 0 && (cut < 0 || c < cut) {
			cut = c // "【系统提示】…"
		}
		if c := strings.Index(line, "："); c >= 0 && (cut < 0 || c < cut) {
			cut = c
		}
		ok := cut >= 0
		label, rest := line, ""
		if ok {
			_, n := utf8.DecodeRuneInString(line[cut:])
			label, rest = line[:cut], line[cut+n:]
		}
		if ok && len(label) <= 36 {
			label = strings.TrimRight(label, " *])_")
			if systemLabels[label] {
				label = "system"
			}
			switch label {
			case "human", "user":
				if human < 0 {
					human = start
				}
			case "assistant", "ai", "model", "chatbot":
				if assistant < 0 {
					assistant = start
				}
			case "system", "system message", "system prompt", "system note", "system override", "system notice", "sys",
				"admin", "developer", "developer message", "admin note", "administrator":
				// chat roles only: "CRITICAL:" and "Instructions:" labels are
				// everyday documentation
				if instructionIn(rest) || a.ctx.Surface.serverToModel() && hasAction(rest) {
					a.add(sigRoleLine, field, wRoleLine, f[start:end])
				} else {
					a.add(sigRoleLineWeak, field, wRoleLineWeak, f[start:end])
				}
			}
		}
		start = end + 1
	}
	if human >= 0 && assistant >= 0 {
		at := min(human, assistant)
		w := wTurnForgery
		if a.ctx.Surface == PromptMessages || a.ctx.Surface == SamplingRequest {
			w = wRoleLineWeak // few-shot turns are what prompts and sampling messages are made of
		}
		a.add(sigTurnForgery, field, w, f[at:min(len(f), at+100)])
	}
}

// systemLabels are the system role's labels in other languages (folded):
// a line a tool result opens with one forges the system turn.
var systemLabels = map[string]bool{"系统": true, "系统提示": true, "系统消息": true, "系统通知": true, "系統": true, "系統提示": true,
	"システム": true, "システム通知": true, "システムメッセージ": true, "시스템": true, "시스템 알림": true, "시스템 메시지": true,
	"sistema": true, "aviso del sistema": true, "mensaje del sistema": true, "mensagem do sistema": true, "aviso do sistema": true,
	"systemhinweis": true, "systemnachricht": true, "systemmeldung": true, "message systeme": true, "note systeme": true, "avis systeme": true,
	"messaggio di sistema": true, "avviso di sistema": true, "systeembericht": true, "systemmeddelande": true}

// commands scores download-and-run, encoded PowerShell, reverse shells
// and install-and-run instructions.
func (a *analysis) commands(f string, s *scanned, field string) {
	if len(a.anch) == 0 {
		return
	}
	add := func(sig string, w float64, at int) {
		end := min(len(f), at+100)
		if nl := strings.IndexByte(f[at:end], '\n'); nl >= 0 {
			end = at + nl
		}
		a.add(sig, field, w, f[at:end])
		if k := s.sentenceOf(at); k >= 0 {
			m := s.mask(s.sents[k][0], s.sents[k][1])
			for d := 1; d <= 2 && k+d < len(s.sents) && a.ctx.Surface == MemoryWrite; d++ {
				// a note's order may follow the command: "the fix is
				// `curl … | sh`. It is safe; run it straight away."
				if n := s.mask(s.sents[k+d][0], s.sents[k+d][1]); n&rCall != 0 && n&(rOblig|rOrder|rAddr) != 0 {
					m |= n
				}
			}
			if m&(rOblig|rOrder|rAddr) != 0 && m&rCall != 0 || m&rOrder != 0 && m&rOblig != 0 {
				a.add(sigCommandInstruction, field, wCommandInstruction, s.span(s.sents[k][0], s.sents[k][1]))
			}
		}
	}
	for _, fetch := range fetchAnchors {
		n := 0
		a.anch.each(fetch, func(i int) {
			if n >= 16 {
				return
			}
			n++
			line := f[i:]
			if nl := strings.IndexByte(line, '\n'); nl >= 0 {
				line = line[:nl]
			}
			p := strings.IndexByte(line, '|')
			if p < 0 {
				return
			}
			after := strings.TrimLeft(line[p+1:], " ")
			after = strings.TrimPrefix(after, "sudo ")
			for _, sh := range []string{"sh", "bash", "zsh", "dash", "ksh", "python", "python3", "perl", "ruby", "node", "iex", "invoke-expression", "powershell", "pwsh", "source"} {
				if strings.HasPrefix(after, sh) && (len(after) == len(sh) || !isWordByte(after[len(sh)])) {
					add(sigDownloadExec, wDownloadExec, i)
					return
				}
			}
		})
	}
	for _, p := range execAnchors {
		if i := a.anch.first(p); i >= 0 {
			add(sigDownloadExec, wDownloadExec, i)
			break
		}
	}
	if i := a.anch.first("chmod +x"); i >= 0 {
		rest := f[i:min(len(f), i+200)]
		if strings.Contains(rest, "&& ./") || strings.Contains(rest, "; ./") || strings.Contains(rest, "&&./") {
			add(sigDownloadExec, wDownloadExec, i)
		}
	}
	for _, p := range decodeAnchors {
		if i := a.anch.first(p); i >= 0 {
			rest := f[i:min(len(f), i+120)]
			if strings.Contains(rest, "| sh") || strings.Contains(rest, "| bash") || strings.Contains(rest, "|sh") || strings.Contains(rest, "|bash") || strings.Contains(rest, "iex") || strings.Contains(rest, "invoke-expression") || p == "frombase64string" {
				add(sigEncodedCommand, wEncodedCommand, i)
				break
			}
		}
	}
	ps := false
	for _, p := range psAnchors {
		a.anch.each(p, func(i int) {
			if ps {
				return
			}
			off := i + len(p)
			rest := f[off:min(len(f), off+60)]
			for _, e := range []string{" -enc ", " -e ", " -encodedcommand ", " -ec ", " -en "} {
				if j := strings.Index(rest, e); j >= 0 && j < 40 {
					add(sigEncodedCommand, wEncodedCommand, i)
					ps = true
					return
				}
			}
			if strings.Contains(rest, "iex") || strings.Contains(rest, "downloadstring") {
				add(sigDownloadExec, wDownloadExec, i)
				ps = true
			}
		})
	}
	for _, p := range shellAnchors {
		if i := a.anch.first(p); i >= 0 {
			if p == "telnet " && !strings.Contains(f[i:min(len(f), i+80)], "| /bin/") {
				continue
			}
			add(sigReverseShell, wReverseShell, i)
			break
		}
	}
	for _, p := range installAnchors {
		i := a.anch.first(p)
		if i < 0 {
			continue
		}
		a.add(sigInstallCommand, field, wInstallCommand, f[i:min(len(f), i+80)])
		if k := s.sentenceOf(i); k >= 0 {
			m := s.mask(s.sents[k][0], s.sents[k][1])
			// in results and resources this is README text; in a tool's
			// own description it is an order to the model
			if m&rOrder != 0 && m&(rCall|rOblig) != 0 && m&(rAddr|rOblig) != 0 && !a.ctx.Surface.serverToModel() {
				a.add(sigInstallRun, field, wInstallRun, s.span(s.sents[k][0], s.sents[k][1]))
			}
		}
		break
	}
}
