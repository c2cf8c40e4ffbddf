package injection

import (
	"strings"

	"github.com/mcpaudit/mcpaudit/detect/canon"
)

// refKind classifies a name mentioned in text.
type refKind int

const (
	refNone refKind = iota
	refSelf
	refSibling
	refParam
	refForeign
	refUnknown
)

// identLike reports whether a name reads as an identifier rather than a
// word: it holds '_', '-', '.' or a digit between letters.
func identLike(n string) bool {
	if len(n) < 3 {
		return false
	}
	for i := 1; i < len(n)-1; i++ {
		c := n[i]
		if c == '_' || c == '-' || c == '.' || c >= '0' && c <= '9' {
			return true
		}
	}
	return false
}

var fileExt = []string{".json", ".yaml", ".yml", ".txt", ".md", ".py", ".js", ".ts", ".sh", ".csv", ".toml", ".env", ".xml", ".html", ".pdf", ".png", ".jpg", ".log", ".go", ".rs", ".java", ".ini", ".cfg", ".conf", ".lock", ".zip"}

// paramWords follow an identifier that names a parameter, option or value,
// not a tool.
var paramWords = map[string]bool{
	"parameter": true, "parameters": true, "param": true, "argument": true, "arguments": true, "arg": true, "field": true, "fields": true,
	"option": true, "options": true, "flag": true, "flags": true, "property": true, "key": true, "value": true, "values": true,
	"column": true, "variable": true, "attribute": true, "header": true, "mode": true, "format": true, "type": true, "setting": true,
	"settings": true, "syntax": true, "style": true, "case": true, "file": true, "files": true, "directory": true, "folder": true, "id": true,
	"env": true, "status": true, "state": true, "error": true, "code": true, "event": true, "response": true, "result": true, "message": true, "library": true, "package": true, "module": true, "method": true, "endpoint": true, "api": true, "model": true,
}

// notIntro are call verbs that do not introduce a tool's name ("triggers
// input_required status").
var notIntro = map[string]bool{"trigger": true, "launch": true, "exec": true, "switch": true}

// toolVerbs start tool names ("get_user", "create_issue").
var toolVerbs = map[string]bool{"get": true, "list": true, "create": true, "update": true, "delete": true, "set": true, "send": true, "fetch": true, "search": true, "find": true, "run": true, "query": true, "read": true, "write": true, "upload": true, "download": true, "sync": true, "export": true, "import": true, "grant": true, "verify": true, "validate": true, "check": true, "refresh": true, "rotate": true, "collect": true, "dump": true}

// classify says what a mentioned name refers to.
func (a *analysis) classify(s *scanned, k int) (refKind, string) {
	t := &s.toks[k]
	if t.kindDone {
		return t.kind, ""
	}
	t.kindDone = true
	t.kind = a.classifyTok(s, k)
	return t.kind, ""
}

func (a *analysis) classifyTok(s *scanned, k int) refKind {
	t := s.toks[k]
	if a.names.self == "" && len(a.names.siblings) == 0 && len(a.names.params) == 0 && len(a.names.foreign) == 0 {
		return refNone
	}
	// a plain word names a tool only in tool position: quoted, before
	// "tool", or after a call verb
	if !identLike(t.ext) && !t.quoted && !(k+1 < len(s.toks) && s.toks[k+1].r&rTool != 0) && !(k > 0 && s.toks[k-1].r&rCall != 0) {
		return refNone
	}
	for _, n := range [2]string{t.ext, t.w} {
		if n == "" {
			continue
		}
		switch {
		case n == a.names.self:
			return refSelf
		case a.names.siblings[n]:
			return refSibling
		case a.names.params[n]:
			return refParam
		case a.names.foreign[n]:
			if identLike(n) || t.quoted || k+1 < len(s.toks) && s.toks[k+1].r&rTool != 0 || k > 0 && s.toks[k-1].r&rCall != 0 {
				return refForeign
			}
		}
	}
	return refNone
}

// unknownTool reports whether token k looks like the name of a tool that
// is neither this tool, a sibling, a parameter nor a foreign tool, in a
// position where a tool is meant (after "call"/"use", before "tool").
func (a *analysis) unknownTool(s *scanned, lo, hi, k int) bool {
	t := s.toks[k]
	n := t.ext
	if !t.quoted && strings.IndexByte(n, '_') < 0 && strings.IndexByte(n, '-') < 0 && strings.IndexByte(n, '.') < 0 {
		return false // a plain word is a tool name only when quoted
	}
	if n == "" || strings.ContainsAny(n, "/~") || strings.HasPrefix(n, ".") || t.path || t.url {
		return false
	}
	for _, e := range fileExt {
		if strings.HasSuffix(n, e) {
			return false
		}
	}
	if k+1 < hi && paramWords[s.toks[k+1].w] {
		return false
	}
	if a.serverPrefixed(n) {
		return false // perplexity_reason on the perplexity server: its own tool
	}
	toolNext := k+1 < hi && s.toks[k+1].r&rTool != 0
	after := false
	for p := k - 1; p >= max(lo, k-3); p-- {
		w := s.toks[p].w
		if s.toks[p].r&rCall != 0 && !notIntro[stem(w)] && !notIntro[w] {
			after = true
			break
		}
		if w != "the" && w != "a" && w != "an" && w != "tool" && w != "function" {
			break
		}
	}
	if !after && !toolNext {
		return false
	}
	switch {
	case strings.Contains(n, "_"):
		first, _, _ := strings.Cut(n, "_")
		if t.r&(rCred|rConv) != 0 && lexicon[first]&actionRoles == 0 && !toolVerbs[first] {
			return false // api_key, chat_history: a parameter-ish noun
		}
		return !strings.HasPrefix(n, "_") && !strings.HasSuffix(n, "_")
	case strings.Contains(n, "-") || strings.Contains(n, "."):
		// hyphenated or dotted words are syntax as often as tools
		// ("stateDiagram-v2", "predictions.create"): only before "tool"
		return toolNext && identLike(n)
	case t.quoted && toolNext:
		return t.r == 0 && len(n) >= 4
	}
	return false
}

// toolRefs finds references to tools, redirection, deprecation and
// preference claims in [lo, hi).
// componentWords name the pieces an MCP client is assembled from.
var componentWords = map[string]bool{"server": true, "servers": true, "connector": true, "connectors": true, "integration": true,
	"integrations": true, "plugin": true, "plugins": true, "extension": true, "extensions": true}

// elsewhere reports a sentence [lo, hi) that speaks of another server,
// connector, integration, plugin or extension: "from another connector",
// "other servers", "the mail connector's own guidance" (not "this
// server's tools").
func elsewhere(s *scanned, lo, hi int) bool {
	t := s.toks
	for k := lo; k < hi; k++ {
		w := strings.TrimSuffix(strings.TrimSuffix(t[k].w, "'s"), "’s")
		if !componentWords[w] {
			continue
		}
		possessive := w != t[k].w || k+1 < hi && t[k+1].w == "s" && strings.HasPrefix(s.f[t[k].end:], "'")
		for p := k - 1; p >= max(lo, k-3); p-- {
			switch t[p].w {
			case "another", "other", "different", "third-party", "external":
				return true
			case "this", "our", "its", "same":
				p = lo // this server's own
			case "the":
				if possessive {
					return true
				}
			}
		}
	}
	return false
}

func (a *analysis) toolRefs(s *scanned, lo, hi int, m role) []hit {
	var hs []hit
	t := s.toks
	instr := m&(rCall|rOrder|rOblig|rInstead|rPref|rDeprec|rSend|rInclude) != 0
	var foreignAt, unknownAt, siblingAt = -1, -1, -1
	lastExt := ""
	for k := lo; k < hi; k++ {
		if t[k].ext == lastExt && t[k].ext != t[k].w {
			continue
		}
		lastExt = t[k].ext
		kind, _ := a.classify(s, k)
		switch kind {
		case refForeign:
			if foreignAt < 0 {
				foreignAt = k
			}
		case refSibling, refSelf:
			if siblingAt < 0 {
				siblingAt = k
			}
		case refNone:
			if unknownAt < 0 && a.unknownTool(s, lo, hi, k) {
				unknownAt = k
			}
		}
	}
	if foreignAt < 0 && unknownAt >= 0 && instr && a.ctx.Surface == ToolDefinition && elsewhere(s, lo, hi) {
		// "when the assistant uses send_email from another connector",
		// "this takes precedence over the mail connector's guidance": a
		// tool the text itself says another server offers, whether or
		// not that server has listed its tools yet
		foreignAt, unknownAt = unknownAt, -1
	}
	if foreignAt >= 0 {
		if instr {
			hs = append(hs, hit{sigForeignToolInstr, wForeignToolInstr, lo, hi})
		} else {
			hs = append(hs, hit{sigForeignTool, wForeignTool, foreignAt, foreignAt + 1})
		}
	}
	deprec := false
	if m&rDeprec != 0 {
		for k := lo; k < hi; k++ {
			if t[k].r&rDeprec != 0 && !s.negated(lo, k) {
				deprec = true
			}
		}
		if hasAnyWord(s, lo, hi, "longer") && hasAnyWord(s, lo, hi, "no") {
			deprec = true
		}
	}
	if !deprec && hasAnyWord(s, lo, hi, "shut", "turned", "switched") && hasAnyWord(s, lo, hi, "down", "off") && (m&rOblig != 0 || hasAnyWord(s, lo, hi, "was", "were", "been", "is", "are")) {
		// "the post_message tool was shut down", "has been switched off"
		deprec = true
	}
	if deprec {
		switch {
		case foreignAt >= 0:
			hs = append(hs, hit{sigRedirectForeign, wRedirectForeign, lo, hi})
		case unknownAt >= 0 && m&(rInstead|rCall) != 0, m&(rInstead|rCall|rRead) != 0 && hasURL(s, lo, hi):
			// "deprecated: use x_v2 instead", "deprecated, fetch https://… instead"
			hs = append(hs, hit{sigRedirectUnknown, wRedirectUnknown, lo, hi})
		case siblingAt >= 0:
			// "DEPRECATED: use read_text_file instead": the server's own
			// migration note, weightless
		case unknownAt >= 0 && (hasAnyWord(s, lo, hi, "other", "another", "others") || hasAnyWord(s, lo, hi, "administrator", "admin", "your")):
			// "the send_email tool provided by other servers has been
			// retired by your administrator": a tool the server does not
			// offer declared dead, the replacement left to the next
			// sentence
			hs = append(hs, hit{sigRedirectUnknown, wRedirectUnknown, lo, hi})
		default:
			hs = append(hs, hit{sigDeprecation, wDeprecation, lo, hi})
		}
	}
	if m&rPref != 0 {
		switch {
		case unknownAt >= 0 && foreignAt < 0 && a.prefersTool(s, lo, hi):
			hs = append(hs, hit{sigPreferenceUnknown, wPreferenceUnknown, lo, hi})
		default:
			hs = append(hs, hit{sigPreference, wPreference, lo, hi})
		}
	}
	if unknownAt >= 0 && foreignAt < 0 && !deprec {
		switch {
		case m&rOblig != 0:
			// "you must always call fetch_token before this tool"
			hs = append(hs, hit{sigUnknownTool, wUnknownTool, max(lo, unknownAt-3), unknownAt + 1})
		case m&rOrder != 0:
			// "use get_details instead": a suggestion, often a tool the
			// server offers under conditions
			hs = append(hs, hit{sigUnknownTool, wUnknownToolHint, max(lo, unknownAt-3), unknownAt + 1})
		}
	}
	// precedence: "always choose it over other tools", "prefer this to any
	// alternative", "better than other tools" (not "slower than other tools")
	if m&(rPref|rCall) != 0 {
		for j := lo; j+1 < hi; j++ {
			w := t[j].w
			if w != "over" && w != "above" && w != "than" && w != "to" {
				continue
			}
			if m&rPref == 0 && !(w == "over" || w == "above") || w == "than" && (j == lo || t[j-1].r&rPref == 0) || w == "to" && m&rPref == 0 {
				continue
			}
			if m&rPref == 0 && s.mask(max(lo, j-4), j)&rCall == 0 {
				continue
			}
			for k := j + 1; k < min(hi, j+4); k++ {
				if w := t[k].w; w == "others" || w == "alternatives" || (w == "other" || w == "any" || w == "alternative" || w == "all") && k+1 < hi && s.mask(k+1, min(hi, k+3))&rTool != 0 {
					hs = append(hs, hit{sigPreferenceExclusive, wPreferenceExclClaim, lo, hi})
					j = hi
					break
				}
			}
		}
	}
	// exclusivity: "do not use any other tools", "never call other servers"
	if m&rNeg != 0 && m&rCall != 0 && m&rTool != 0 {
		for j := lo; j < hi; j++ {
			if t[j].r&rCall == 0 || !s.negated(lo, j) {
				continue
			}
			for k := j + 1; k < min(hi, j+5); k++ {
				if (t[k].w == "other" || t[k].w == "another" || t[k].w == "alternative" || t[k].w == "otras" || t[k].w == "andere" || t[k].w == "anderen" || t[k].w == "autres" || t[k].w == "autre") && k+1 < hi && s.mask(k+1, min(hi, k+3))&rTool != 0 {
					w := wPreferenceExclusive
					if m&(rPref|rDeprec) != 0 || hasAnyWord(s, lo, hi, "replaces", "replace", "supersedes", "supersede", "only") {
						w = wPreferenceExclClaim // and claims to be the better or only one
					}
					hs = append(hs, hit{sigPreferenceExclusive, w, j, min(hi, k+3)})
					j = hi
					break
				}
			}
		}
	}
	return hs
}

// prefersTool reports a preference word about a tool ("newer version",
// "official replacement", "better tool"), not "an official model".
func (a *analysis) prefersTool(s *scanned, lo, hi int) bool {
	t := s.toks
	for j := lo; j < hi; j++ {
		if t[j].r&rPref == 0 {
			continue
		}
		for k := j + 1; k < min(hi, j+4); k++ {
			switch t[k].w {
			case "version", "replacement", "tool", "alternative", "successor", "implementation", "edition", "variant", "option", "choice":
				return true
			}
		}
		if (t[j].w == "prefer" || t[j].w == "preferred") && j+1 < hi && s.mask(j+1, min(hi, j+4))&(rThis|rTool) != 0 {
			return true // "prefer this tool", not "selection_policy: prefer fastest"
		}
	}
	return false
}

// anyToolLike reports a tool-like name in [lo, hi): a sibling, foreign or
// unknown tool, or an identifier after a call verb.
func (a *analysis) anyToolLike(s *scanned, lo, hi int) bool {
	for k := lo; k < hi; k++ {
		kind, _ := a.classify(s, k)
		if kind == refSibling || kind == refForeign || kind == refSelf {
			return true
		}
		if a.unknownTool(s, lo, hi, k) {
			return true
		}
	}
	return false
}

// serverPrefixed reports a tool-like name that starts with a word of the
// server's name ("perplexity_ask" on "ai.perplexity/mcp-server" or
// "perplexity-mcp"): the server's own tool, named in its instructions
// before tools/list told the analyser its siblings.
func (a *analysis) serverPrefixed(n string) bool {
	for _, w := range strings.FieldsFunc(foldName(a.ctx.ServerName), func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }) {
		switch w {
		case "server", "servers", "mcp", "modelcontextprotocol", "official", "tools", "tool":
			continue
		}
		if len(w) >= 4 && (strings.HasPrefix(n, w+"_") || strings.HasPrefix(n, w+"-") || strings.HasPrefix(n, w+".")) {
			return true
		}
	}
	return false
}

// ClaimsPrecedence reports a tool description, in any of the analyser's
// languages, that calls a tool deprecated, obsolete or replaced, or
// offers itself instead of one: a sentence with a deprecation word
// ("obsolete", "устаревший", "अप्रचलित", "弃用") or an "instead" word
// next to a tool or an order ("use this instead", "बजाय इसके इसका
// प्रयोग करें"). The pitch of a tool that shadows another server's.
func ClaimsPrecedence(desc string) bool {
	if desc == "" {
		return false
	}
	if len(desc) > 4096 {
		desc = desc[:4096]
	}
	s := scan(canon.Simplified(canon.Fold(desc)))
	for _, r := range s.sents {
		m := s.mask(r[0], r[1])
		if m&rDeprec != 0 || m&rInstead != 0 && m&(rTool|rCall|rOblig|rOrder|rAll) != 0 {
			return true
		}
	}
	return false
}
