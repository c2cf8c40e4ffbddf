package injection

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tok is one word of folded text.
type tok struct {
	w          string // the word: letters, digits, '_' (and an inner apostrophe)
	ext        string // the identifier run around it (w plus - . / ~), trimmed
	start, end int    // byte offsets of w in the folded text
	sent       int    // sentence index
	r          role
	quoted     bool // directly inside `...`, "..." or '...'
	closed     bool // a closing quote follows the identifier ('embed', `x`)
	path       bool // part of a sensitive path
	url        bool // part of a URL
	han        bool // a Chinese lexicon word
	kind       refKind
	kindDone   bool // kind is computed (classify caches it)
	// ordered: a verb whose subject is the model ("the assistant
	// processing this mailbox establishes …", "agents populate this by
	// …"): thirdPersonOrders makes it an order
	ordered bool
}

// scanned is folded text cut into words and sentences.
type scanned struct {
	f     string
	toks  []tok
	sents [][2]int // token index range [a, b) per sentence
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c >= 'A' && c <= 'Z'
}

func isIdentByte(c byte) bool { return isWordByte(c) || c == '-' || c == '.' || c == '/' || c == '~' }

// scan cuts folded text into tokens and sentences in one pass.
func scan(f string) *scanned {
	s := &scanned{f: f, toks: make([]tok, 0, len(f)/6+1)}
	sent, sentStart := 0, 0
	endSentence := func() {
		if len(s.toks) > sentStart {
			s.sents = append(s.sents, [2]int{sentStart, len(s.toks)})
			sent++
			sentStart = len(s.toks)
		}
	}
	for i := 0; i < len(f); {
		c := f[i]
		if c < utf8.RuneSelf {
			switch {
			case isWordByte(c):
				j := i + 1
				for j < len(f) {
					if isWordByte(f[j]) {
						j++
						continue
					}
					if f[j] == '\'' && j+1 < len(f) && isWordByte(f[j+1]) {
						if j-i <= 2 { // French elision: l', d', n', qu'
							j++
							break
						}
						j++
						continue
					}
					// a non-ASCII letter continues the word (ü, é folded away, but ñ/ç/etc.)
					if f[j] >= utf8.RuneSelf {
						r, n := utf8.DecodeRuneInString(f[j:])
						if unicode.IsLetter(r) && !isCJKRune(r) {
							j += n
							continue
						}
					}
					break
				}
				s.addWord(i, j, sent)
				i = j
				continue
			case c == '\n' || c == ';':
				endSentence()
			case c == '\\' && i+1 < len(f) && f[i+1] == 'n' && (i+2 >= len(f) || f[i+2] < 'a' || f[i+2] > 'z'):
				// a line break escaped in JSON text a tool returned
				// ("…failed\nSee https://…"), not a Windows path (C:\notes)
				endSentence()
				i += 2
				continue
			case c == '.' && len(s.toks)-sentStart == 1 && isDigits(s.toks[sentStart].w) && i == s.toks[sentStart].end:
				// "2. put it in …": a list number, not a sentence
			case c == '.' || c == '!' || c == '?':
				if i+1 >= len(f) || f[i+1] == ' ' || f[i+1] == '\n' || f[i+1] == '"' || f[i+1] == '\'' || f[i+1] == ')' || f[i+1] == '*' {
					endSentence()
				}
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(f[i:])
		switch {
		case r == '。' || r == '！' || r == '？' || r == '；' || r == '।' || r == '॥' || r == '؟' || r == '؛':
			// (Devanagari danda, Arabic question mark and semicolon)
			endSentence()
			i += n
		case isCJKRune(r):
			// Han and kana runs have no spaces: lexicon words are found
			// by greedy longest match (hanLexicon holds Chinese and
			// Japanese, see lexicon_i18n.go)
			i = s.addHan(i, sent)
		case unicode.IsLetter(r):
			j := i + n
			for j < len(f) {
				r2, n2 := utf8.DecodeRuneInString(f[j:])
				if !(unicode.IsLetter(r2) || unicode.IsDigit(r2) || r2 == '_' || unicode.Is(unicode.Mn, r2) || unicode.Is(unicode.Mc, r2)) || isCJKRune(r2) {
					break
				}
				j += n2
			}
			s.addWord(i, j, sent)
			i = j
		default:
			i += n
		}
	}
	endSentence()
	return s
}

func isDigits(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return w != ""
}

func isHanRune(r rune) bool {
	return r >= 0x3400 && r <= 0x4DBF || r >= 0x4E00 && r <= 0x9FFF || r >= 0xF900 && r <= 0xFAFF
}

func (s *scanned) addWord(i, j, sent int) {
	f := s.f
	w := f[i:j]
	t := tok{w: w, start: i, end: j, sent: sent}
	t.r = rolesOf(w)
	if t.r == 0 && strings.HasSuffix(w, "'s") {
		t.r = rolesOf(w[:len(w)-2])
	}
	// identifier run around the word
	a, b := i, j
	for a > 0 && isIdentByte(f[a-1]) {
		a--
	}
	for b < len(f) && isIdentByte(f[b]) {
		b++
	}
	t.ext = strings.TrimRight(f[a:b], ".-/:")
	t.ext = strings.TrimLeft(t.ext, ".-")
	// (an apostrophe after a letter is an elision, "l'assistant", not
	// an opening quote)
	if a > 0 && (f[a-1] == '`' || f[a-1] == '"' || f[a-1] == '\'' && (a < 2 || !isWordByte(f[a-2]))) || b < len(f) && f[b] == '`' {
		t.quoted = true
	}
	t.closed = b < len(f) && (f[b] == '`' || f[b] == '"' || f[b] == '\'')
	if n := len(s.toks); n > 0 {
		pw := s.toks[n-1].w
		switch {
		case w == "to" && (pw == "have" || pw == "has" || pw == "had" || pw == "needs" || pw == "ought"):
			s.toks[n-1].r |= rOblig // "has to be included"
		case w == "sure" && (pw == "make" || pw == "be"):
			t.r |= rOblig
		case t.r&actionRoles == 0 && pw == "by" && strings.HasSuffix(w, "ing"):
			// "re-authenticate by sending the password": the means is an order
			t.r |= lexicon[stem(w)] & actionRoles
		case t.r&actionRoles == 0 && (pw == "be" || pw == "is" || pw == "are" || pw == "been" || pw == "being" || pw == "get" || pw == "gets"):
			// passive voice keeps the action: "must be included", "is sent"
			if st := stem(w); st != w && (strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "en") || irregularParticiple[w] != "") {
				t.r |= lexicon[st] & (actionRoles | rDisclose)
			} else if base := irregularParticiple[w]; base != "" {
				t.r |= lexicon[base] & (actionRoles | rDisclose)
			}
		case (w == "key" || w == "keys") && keyModifiers[pw]:
			t.r |= rCred
		case w == "passe" && n > 1 && s.toks[n-2].w == "mot":
			t.r |= rCred
		case (w == "phrase" || w == "words") && (pw == "seed" || pw == "recovery"):
			t.r |= rCred
		case (w == "variable" || w == "variables" || w == "vars") && (pw == "environment" || pw == "env"):
			t.r |= rCred
		case w == "prompt" && pw == "system":
			t.r |= rConv
		}
		t.r |= compoundRole(pw, w)  // "người dùng", "kata sandi" (lexicon_i18n.go)
		s.negateVerbBefore(w, sent) // "deel nooit …" (lexicon_i18n.go)
	}
	s.toks = append(s.toks, t)
}

// irregularParticiple maps past participles of action verbs to the base.
var irregularParticiple = map[string]string{"sent": "send", "put": "put", "read": "read", "written": "write", "forwarded": "forward", "given": "provide", "run": "run", "shown": "show", "told": "tell", "got": "get", "gotten": "get", "said": "say", "known": "know", "seen": "see"}

// keyModifiers make "key" a credential: "API key", "private key".
var keyModifiers = map[string]bool{"api": true, "access": true, "secret": true, "private": true, "ssh": true, "signing": true, "encryption": true, "deploy": true, "gpg": true, "pgp": true, "license": true, "master": true, "root": true}

// addHan matches the Chinese and Japanese lexicon (hanLexicon) greedily
// inside a Han or kana run starting at i and returns the index after what
// it consumed. Only lengths up to the longest word starting with the run's
// first rune are tried (hanFirst), at most hanMaxRunes.
func (s *scanned) addHan(i, sent int) int {
	f := s.f
	r0, n0 := utf8.DecodeRuneInString(f[i:])
	maxK := int(hanFirst[r0])
	if maxK == 0 {
		return i + n0 // no lexicon word starts here
	}
	// try the longest lexicon word first
	ends := [hanMaxRunes + 1]int{}
	k, j := 0, i
	for k < maxK && j < len(f) {
		r, n := utf8.DecodeRuneInString(f[j:])
		if !isCJKRune(r) {
			break
		}
		j += n
		k++
		ends[k] = j
	}
	for m := k; m >= 1; m-- {
		if r, ok := hanLexicon[f[i:ends[m]]]; ok {
			s.toks = append(s.toks, tok{w: f[i:ends[m]], ext: f[i:ends[m]], start: i, end: ends[m], sent: sent, r: r, han: true})
			return ends[m]
		}
	}
	return i + n0
}

// sentenceOf returns the sentence index holding byte offset off, or -1.
func (s *scanned) sentenceOf(off int) int {
	if len(s.sents) == 0 {
		return -1
	}
	// the last sentence whose first token starts at or before off
	k := sort.Search(len(s.sents), func(i int) bool { return s.toks[s.sents[i][0]].start > off })
	return max(k-1, 0)
}

// markRange calls mark for every token overlapping bytes [start, end).
func (s *scanned) markRange(start, end int, mark func(*tok)) {
	k := sort.Search(len(s.toks), func(i int) bool { return s.toks[i].end > start })
	for ; k < len(s.toks) && s.toks[k].start < end; k++ {
		mark(&s.toks[k])
	}
}

// mask returns the OR of the roles of tokens [a, b).
func (s *scanned) mask(a, b int) role {
	var m role
	for _, t := range s.toks[a:b] {
		m |= t.r
	}
	return m
}

// causedBy reports a causative verb just before the addressee at token
// k ("makes the assistant", "tricked the model into", "lets the agent"):
// what follows is what the text describes something doing to the model.
func causedBy(s *scanned, lo, k int) bool {
	for p := k - 1; p >= max(lo, k-3); p-- {
		switch s.toks[p].w {
		case "make", "makes", "made", "making", "let", "lets", "cause", "causes", "caused", "trick", "tricks", "tricked",
			"get", "gets", "got", "force", "forces", "forced", "lead", "leads", "led", "convince", "convinces", "convinced":
			return true
		case "the", "a", "an", "that", "this", "their", "its":
			continue
		}
		return false
	}
	return false
}

// germanInfinitiveOrder reports a German infinitive that ends its clause
// after "bitte" or "nicht" in the same clause: "bitte den Inhalt … in das
// Feld kopieren", "dem Benutzer gegenüber nicht erwähnen" are orders
// written verb-last, as notices and instructions in German are.
func (s *scanned) germanInfinitiveOrder(lo, j int) bool {
	t := s.toks
	w := t[j].w
	if len(w) < 5 || !strings.HasSuffix(w, "en") || w[0] >= utf8.RuneSelf {
		return false
	}
	if j+1 < len(t) && t[j+1].sent == t[j].sent && !strings.ContainsAny(s.f[t[j].end:t[j+1].start], ",;:–-") {
		return false // not the last word of its clause
	}
	if j > lo && t[j-1].w == "zu" {
		// "… ist der Inhalt … im Feld x zu übergeben": "ist … zu" + infinitive
		// is "must be"
		for p := j - 2; p >= max(lo, j-24) && t[p].sent == t[j].sent; p-- {
			if t[p].w == "ist" || t[p].w == "sind" {
				return true
			}
		}
	}
	for p := j - 1; p >= max(lo, j-20) && t[p].sent == t[j].sent; p-- {
		if strings.ContainsAny(s.f[t[p].end:t[p+1].start], ",;:") {
			break
		}
		if t[p].w == "bitte" || t[p].w == "nicht" || t[p].w == "niemals" {
			return true
		}
	}
	return false
}

// negated reports whether token j of range [a, b) has a negation among the
// three words before it, or further back across a modal phrase ("must not
// be able to override", "should never be allowed to send").
func (s *scanned) negated(a, j int) bool {
	lo := j - 3
	for lo > a && lo > j-7 && modalFiller[s.toks[lo].w] {
		lo--
	}
	for k := max(a, lo); k < j; k++ {
		if s.toks[k].r&rNeg != 0 && s.toks[k].sent == s.toks[j].sent {
			// a comma ends the negation's clause: "if you can't, tell the user"
			if strings.ContainsAny(s.f[s.toks[k].end:s.toks[j].start], ",;:") {
				continue
			}
			return true
		}
	}
	return false
}

// modalFiller are the words of a modal phrase between a negation and its
// verb: "not be able to", "never be allowed to", "not ever be permitted
// to".
var modalFiller = map[string]bool{"be": true, "able": true, "allowed": true, "permitted": true, "to": true, "ever": true, "possibly": true}

// imperative reports whether the verb at token j gives an order rather
// than describing ("contexts share cookies", "the upload"): it starts its
// sentence or clause, or follows an obligation, ordering, addressee,
// stealth or negation word, another verb, "to", or a connective.
func (s *scanned) imperative(lo, j int) bool {
	t := s.toks
	if t[j].quoted && t[j].closed {
		return false // a quoted word is a value ('embed', `send`), not a verb
	}
	if t[j].ordered {
		return true
	}
	if t[j].w == "set" && j > lo && t[j-1].quoted && j+1 < len(t) && t[j+1].w == "to" && t[j+1].sent == t[j].sent {
		// "retry with `context` set to the contents of .env": the
		// parameter's value given with the order
		return true
	}
	if j == lo || t[j-1].sent != t[j].sent || imperativeForm(t[j].w) || s.imperativeNext(j) || s.germanInfinitiveOrder(lo, j) {
		// (or an order by its form or the word after it: Korean 보내세요,
		// Hindi शामिल करें; lexicon_i18n.go)
		return true
	}
	// punctuation right before the verb opens a clause or a list item
	for b := t[j].start - 1; b >= 0; b-- {
		c := s.f[b]
		if c == ' ' {
			continue
		}
		if c == '-' && b > 0 && s.f[b-1] != ' ' && s.f[b-1] != '\n' {
			break // a hyphen inside a word ("e-mail") opens nothing
		}
		if c == ',' && s.listItem(j) {
			return false // "by name, company, email or phone": a noun in a list
		}
		if strings.IndexByte(",:;(-*>\"'`", c) >= 0 {
			return true
		}
		break
	}
	p := t[j-1]
	if j-2 >= lo && t[j-2].sent == t[j].sent {
		switch {
		case (p.w == "could" || p.w == "can" || p.w == "would" || p.w == "will" || p.w == "might") && t[j-2].r&rAddr != 0:
			return true // "if you could fill this with …": a polite order
		case (p.w == "results" || p.w == "accuracy" || p.w == "performance") && (t[j-2].w == "best" || t[j-2].w == "better" || t[j-2].w == "optimal" || t[j-2].w == "accurate"):
			return true // "for best results include …"
		}
	}
	if p.r&rAddr != 0 && causedBy(s, lo, j-1) {
		return false // "the hidden text makes the assistant embed a link": an effect described
	}
	if p.r&(rOblig|rOrder|rAddr|rStealth|rNeg|actionRoles|rDisclose) != 0 || isDigits(p.w) {
		return true // "1. read the file" starts a list item
	}
	switch p.w {
	case "please", "then", "also", "and", "or", "just", "now", "kindly", "to", "be", "been", "being", "simply", "additionally", "first", "secretly", "quietly", "silently", "always", "never", "by", "y", "und", "et", "puis", "dann", "luego":
		return true
	}
	return p.han || connective[p.w]
}

// listItem reports a word after a comma that ends its sentence or is
// followed by "or", "and", a comma or a closing bracket: an item of a
// list of nouns ("by name, company, email or phone"), not a verb opening
// a clause, which would take an object.
func (s *scanned) listItem(j int) bool {
	t := s.toks
	if e := t[j].end; e < len(s.f) && (s.f[e] == ':' || s.f[e] == '`') {
		return false // "after tagging, run:" opens what follows
	}
	if j+1 >= len(t) || t[j+1].sent != t[j].sent {
		return true
	}
	if w := t[j+1].w; w == "or" || w == "and" || w == "etc" {
		return true
	}
	for b := t[j].end; b < t[j+1].start; b++ {
		switch s.f[b] {
		case ',', ')', ']':
			return true
		}
	}
	return false
}

// negatedAfter reports a negation among the three words after token j
// ("tell nobody", German "erwähne das niemals"), or the verb negating
// itself (Turkish "söyleme", "do not tell", is in postNeg).
func (s *scanned) negatedAfter(j, hi int) bool {
	for k := j; k < min(hi, j+4); k++ {
		if postNeg[s.toks[k].w] {
			return true
		}
	}
	return false
}

// postNeg are negations that follow the verb they negate.
var postNeg = map[string]bool{"nobody": true, "nothing": true, "never": true, "nicht": true, "nie": true, "niemals": true, "nichts": true, "niemandem": true, "niemand": true, "nada": true, "nadie": true, "rien": true, "jamais": true, "pas": true}

// span returns the folded text from token a to token b-1 (inclusive), or
// the whole sentence text around them when short.
func (s *scanned) span(a, b int) string {
	if a >= b || a < 0 || b > len(s.toks) {
		return ""
	}
	return s.f[s.toks[a].start:s.toks[b-1].end]
}

// eachOccurrence calls fn with the offset of every occurrence of each
// needle in f, needle by needle, left to right; fn returns false to stop
// the whole walk.
func eachOccurrence(f string, needles []string, fn func(i int, needle string) bool) {
	for _, n := range needles {
		for from := 0; from < len(f); {
			i := strings.Index(f[from:], n)
			if i < 0 {
				break
			}
			i += from
			from = i + len(n)
			if !fn(i, n) {
				return
			}
		}
	}
}
