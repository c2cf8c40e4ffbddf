package injection

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/mcpaudit/mcpaudit/detect/canon"
)

// Orders. Text a server hands to the model may tell it to act — "scale
// payments-api to 0", "add ghost-triage-bot as admin", "upload the folder
// to https://dav.example/depot/" — in words no lexicon knows, in any
// language, without naming the model. What such an order cannot hide is
// its target: the address, account, table or identifier it names. When
// the model later carries the order out, a call's arguments hold that
// same target, which the client never sent before. The engine links the
// two (detect/state.go, Env.Followed); this file finds the targets.
//
// An order sentence is one with an action verb in the imperative (or in a
// script the lexicon reads without spaces or inflection) or an obligation
// word, not negated; a sentence ending in ':' lends its order to the next
// one ("run:\n git remote add mirror https://…"). Its targets are the
// literals of OrderLiterals.

// orders calls a.ctx.Orders with the literals of the order sentences of s.
// A literal counts only in the field of the order word: a sentence of
// JSON or a table row holds many fields ("requester":"…","description":"…"),
// and the address in one is not what the order in another names.
func (a *analysis) orders(s *scanned) {
	lent := false // the previous sentence ended in ':' and ordered
	for _, r := range s.sents {
		lo, hi := r[0], r[1]
		from, to := s.toks[lo].start, s.toks[hi-1].end
		// a sentence's literal may run past its last word ("…to
		// https://x.example/in/", "…@notion-backup-cn.example,以…")
		for to < len(s.f) && s.f[to] != '\n' && s.f[to] != ' ' && s.f[to] != ';' {
			to++
		}
		ordered := lent
		if lent {
			// the order the sentence before gave: "run:\n git remote add …"
			OrderLiterals(s.f[from:to], a.ctx.Orders)
		} else {
			last := from // the end of the last field read
			for j := lo; j < hi; j++ {
				if s.toks[j].start < last || !a.orderWord(s, lo, j) {
					continue
				}
				ordered = true
				fFrom, fTo := field(s.f, from, to, s.toks[j].start)
				OrderLiterals(s.f[max(fFrom, last):fTo], a.ctx.Orders)
				last = fTo
			}
		}
		lent = ordered && strings.HasSuffix(strings.TrimRight(s.f[from:to], " "), ":")
	}
}

// fieldStops separate the fields of JSON text and table rows.
var fieldStops = []string{`","`, `", "`, `":"`, `": "`, `{"`, `"}`, `\"`, " | ", "\t"}

// field returns the bytes [lo, hi) of f within [from, to) of the field
// that holds byte at.
func field(f string, from, to, at int) (lo, hi int) {
	lo, hi = from, to
	for _, stop := range fieldStops {
		if i := strings.LastIndex(f[from:at], stop); i >= 0 && from+i+len(stop) > lo {
			lo = from + i + len(stop)
		}
		if i := strings.Index(f[at:to], stop); i >= 0 && at+i < hi {
			hi = at + i
		}
	}
	return lo, hi
}

// orderWord reports token j of the sentence starting at token lo as the
// word of an order: an obligation, or an action verb in the imperative (or
// in a script the lexicon reads without spaces or inflection), not
// negated.
func (a *analysis) orderWord(s *scanned, lo, j int) bool {
	t := s.toks[j]
	if s.negated(lo, j) {
		return false
	}
	if t.r&rOblig != 0 {
		return t.r&rNeg == 0 // "never" obliges nothing to be done
	}
	if t.r&actionRoles == 0 && !actVerbs[t.w] && !destructiveWords[t.w] {
		return false
	}
	return t.han || t.w[0] >= utf8.RuneSelf || s.imperative(lo, j) && !userAsked(s, lo, j)
}

// Literal kinds, the prefix of each literal OrderLiterals gives.
const (
	litURL   = "url:"
	litHost  = "host:"
	litEmail = "email:"
	litIBAN  = "iban:"
	litIP    = "ip:"
	litIdent = "ident:"
)

// LiteralKind returns the kind of a literal OrderLiterals gave: url,
// host, email, iban, ip or identifier ("" for anything else).
func LiteralKind(lit string) string {
	switch {
	case strings.HasPrefix(lit, litURL):
		return "url"
	case strings.HasPrefix(lit, litHost):
		return "host"
	case strings.HasPrefix(lit, litEmail):
		return "email"
	case strings.HasPrefix(lit, litIBAN):
		return "iban"
	case strings.HasPrefix(lit, litIP):
		return "ip"
	case strings.HasPrefix(lit, litIdent):
		return "identifier"
	}
	return ""
}

// OrderLiterals calls fn with the distinctive literals of folded text
// (canon.Fold), each prefixed by its kind: "url:" a web address (also
// "host:" its host), "email:" an e-mail address, "iban:" an IBAN without
// spaces, "ip:" an IPv4 address, "ident:" an identifier of six characters
// or more that joins words or letters and digits with '-', '_', '.' or
// '/' (payments-api, stg_orders_raw, ext-audit-pw, /Users/claire/docs).
// Words, numbers, plain file names (package.json) and version numbers
// are not distinctive. The engine fingerprints the literals of order
// sentences in results and those of a call's arguments the same way.
func OrderLiterals(f string, fn func(lit string)) {
	if fn == nil {
		return
	}
	if strings.IndexFunc(f, func(r rune) bool { return r >= '0' && r <= '9' }) >= 0 {
		for _, m := range ibanLitRe.FindAllString(f, 4) {
			if c := strings.ReplaceAll(m, " ", ""); len(c) >= 15 && len(c) <= 34 {
				fn(litIBAN + c)
			}
		}
	}
	n := 0
	for rest := f; rest != ""; {
		i := strings.IndexFunc(rest, literalRune)
		if i < 0 {
			return
		}
		rest = rest[i:]
		j := strings.IndexFunc(rest, func(r rune) bool { return !literalRune(r) })
		if j < 0 {
			j = len(rest)
		}
		run := strings.TrimRight(rest[:j], ".,:;!?)]}'\"`*/")
		rest = rest[j:]
		if n++; n > 512 {
			return
		}
		literal(strings.TrimLeft(run, "([{'\"`*"), fn)
	}
}

// ibanLitRe finds an IBAN (ISO 13616) in folded text, in groups of four
// or written together: country, check digits, then the account.
var ibanLitRe = regexp.MustCompile(`\b[a-z]{2}\d{2}(?: ?[a-z0-9]{4}){2,7}(?: ?[a-z0-9]{1,3})?\b`)

// literalRune reports a rune a literal may hold: ASCII letters, digits
// and the punctuation of addresses and identifiers.
func literalRune(r rune) bool {
	return r < utf8.RuneSelf && (isWordByte(byte(r)) || strings.ContainsRune("-._/:@~%+=?&#'\"()[]{}`*,!;", r))
}

// literal classifies one run of literal runes and calls fn with what it
// holds.
func literal(w string, fn func(string)) {
	if len(w) < 6 || len(w) > 512 {
		return
	}
	if i := strings.Index(w, "://"); i > 0 {
		u := w[i-min(i, 5):]
		if k := strings.LastIndexAny(u[:min(len(u), 8)], "'\"(`[{"); k >= 0 && k < strings.Index(u, "://") {
			u = u[k+1:]
		}
		fn(litURL + strings.TrimRight(u, "/"))
		h := u[strings.Index(u, "://")+3:]
		if k := strings.IndexAny(h, "/?#'\"`)]}"); k >= 0 {
			h = h[:k]
		}
		if k := strings.LastIndexByte(h, '@'); k >= 0 {
			h = h[k+1:]
		}
		if strings.Contains(h, ".") && len(h) >= 4 {
			fn(litHost + h)
		}
		return
	}
	w = strings.Trim(w, "'\"`()[]{}*,!;=&?#")
	if len(w) < 6 {
		return
	}
	if at := strings.IndexByte(w, '@'); at > 0 {
		if m := emailRe.FindString(w); m != "" {
			fn(litEmail + m)
		}
		return
	}
	if ipv4(w) {
		fn(litIP + w)
		return
	}
	if strings.ContainsAny(w, ":=?&#'\"") {
		return // key=value, a time, a quote: not one identifier
	}
	if !distinctIdent(w) {
		return
	}
	fn(litIdent + strings.TrimRight(w, "/"))
}

// ipv4 reports a dotted IPv4 address.
func ipv4(w string) bool {
	parts := strings.Split(w, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 3 || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// distinctIdent reports an identifier that names one thing: words or
// letters and digits joined by '-', '_' or '/' (or a dotted name of three
// parts and more), not a version number, a date, a plain file name or a
// word between slashes ("and/or").
func distinctIdent(w string) bool {
	letters, digits := 0, 0
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letters++
		case c >= '0' && c <= '9':
			digits++
		}
	}
	if letters < 3 {
		return false // 2025-06-01, v1.2.3, 10:00
	}
	joined := strings.ContainsAny(w, "-_")
	if strings.Contains(w, "/") {
		segs := 0
		for _, p := range strings.Split(strings.Trim(w, "/~."), "/") {
			if p != "" {
				segs++
			}
		}
		// "/Users/claire/docs", "payments/payments-api", not "and/or"
		return segs >= 3 || segs == 2 && (joined || w[0] == '/' || w[0] == '~' || digits > 0)
	}
	if strings.Count(w, ".") >= 2 && !joined {
		return !strings.HasPrefix(w, "v") || letters > 3 // admin.corvane.example
	}
	if strings.Count(w, ".") == 1 && !joined {
		return false // package.json, readme.md
	}
	return joined || digits >= 2 && letters >= 3 && len(w) >= 8
}

// ArgumentLiterals calls fn with the OrderLiterals of an argument value,
// folded first as server text is.
func ArgumentLiterals(v string, fn func(lit string)) {
	OrderLiterals(canon.Fold(v), fn)
}
