package argument

import (
	"encoding/ascii85"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Encoded text: a token that decodes (hex, base32 in either case,
// base64/base64url, Ascii85) to readable text. Identifiers, digests,
// nonces and signatures decode to random bytes, whose chance of being
// all printable falls by about 2.7 per byte, so a value that decodes to
// ten or more bytes of text is data wearing the shape of an id: the
// covert channel of a branch name, a DNS label, a tracking id or a
// search query with a token appended, whatever the field is called.

// minTextBytes is the fewest decoded bytes that count as text.
const minTextBytes = 10

// decodeText decodes tok as hex, base32, base64 or Ascii85 and returns
// the encoding and the decoded bytes when they are readable text (see
// readableText) and not JSON (application state: filters, cursors, JWT
// parts, which other checks read). tok is one token, no white space.
func decodeText(tok string) (string, []byte, bool) {
	n := len(tok)
	if n < 16 || n > MaxStringBytes {
		return "", nil, false
	}
	lower, upper, digit, b64sym, other := charClasses(tok, 6)
	ok := func(enc string, b []byte) (string, []byte, bool) {
		if readableText(b) && !json.Valid(b) {
			return enc, b, true
		}
		return "", nil, false
	}
	if other {
		// Ascii85 uses ! to u: punctuation base64 has not.
		t := strings.TrimSuffix(strings.TrimPrefix(tok, "<~"), "~>")
		if n < 20 {
			return "", nil, false
		}
		for i := 0; i < len(t); i++ {
			if c := t[i]; (c < '!' || c > 'u') && c != 'z' {
				return "", nil, false
			}
		}
		dst := make([]byte, 4*len(t)/5+4)
		w, _, err := ascii85.Decode(dst, []byte(t), true)
		if err != nil {
			return "", nil, false
		}
		return ok("ascii85", dst[:w])
	}
	if !b64sym && !(lower && upper) && n%2 == 0 && n >= 24 && isHexString(tok) {
		if d, err := hex.DecodeString(tok); err == nil {
			return ok("hex", d)
		}
	}
	if !b64sym && !(lower && upper) {
		t := strings.ToUpper(strings.TrimRight(tok, "="))
		if d, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(t); err == nil {
			if enc, b, good := ok("base32", d); good {
				return enc, b, true
			}
		}
	}
	if !digit && !b64sym && !(lower && upper) {
		return "", nil, false
	}
	if d, good := decodeBase64Bytes(tok); good {
		return ok("base64", d)
	}
	return "", nil, false
}

// readableText reports whether b is text a person wrote or a program
// prints: at least minTextBytes of valid UTF-8, every rune printable or
// tab/newline, an eighth of them letters at least, and not a typed
// identifier ("User:1842", "arrayconnection:19": GraphQL global ids and
// cursors are base64 of such).
func readableText(b []byte) bool {
	if len(b) < minTextBytes || !utf8.Valid(b) {
		return false
	}
	runes, letters, spaceOrPunct := 0, 0, 0
	for _, r := range string(b) {
		runes++
		switch {
		case r == '\n' || r == '\t' || r == '\r' || r == ' ':
			spaceOrPunct++
		case r < 0x20 || r == 0x7f || r == utf8.RuneError || !unicode.IsPrint(r):
			return false
		case unicode.IsLetter(r):
			letters++
		case !unicode.IsDigit(r):
			spaceOrPunct++
		}
	}
	if letters*8 < runes {
		return false
	}
	return !typedID(string(b))
}

// typedID reports text shaped like a typed identifier: letters, then
// one or two ":"-separated parts of letters, digits, "_" and "-", no
// longer than 40 bytes.
func typedID(s string) bool {
	if len(s) > 40 {
		return false
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 || !isLetters(parts[0]) {
		return false
	}
	for _, p := range parts[1:] {
		if p == "" {
			return false
		}
		for i := 0; i < len(p); i++ {
			c := p[i]
			if !(isAlpha(c) || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.') {
				return false
			}
		}
	}
	return true
}

// structuredText reports decoded text that carries data: a URL, an
// address, an assignment, a list or several lines.
func structuredText(b []byte) bool {
	s := string(b)
	return strings.Contains(s, "://") || strings.Contains(s, "@") || strings.Count(s, ";") >= 1 ||
		strings.Count(s, "=") >= 1 || strings.Count(s, "\n") >= 1 || strings.Count(s, ",") >= 2 || strings.Count(s, " ") >= 3
}

// textPieces calls f on every token of s that could be an encoded value:
// runs of base64 characters of 16 or more, and, when a run does not
// decode, its pieces between / - _ + (a branch name wip/0-<base32>, a
// file name <base64>.txt). At most 32 calls; f returns false to stop.
func textPieces(s string, f func(start, end int) bool) {
	calls := 0
	call := func(st, end int) bool {
		calls++
		return calls <= 32 && f(st, end)
	}
	for i := 0; i < len(s); {
		for i < len(s) && !isB64Char(s[i]) {
			i++
		}
		st := i
		for i < len(s) && isB64Char(s[i]) {
			i++
		}
		if i-st < 16 {
			continue
		}
		if !call(st, i) {
			return
		}
		if !strings.ContainsAny(s[st:i], "/-_+=") {
			continue
		}
		for j := st; j < i; {
			for j < i && strings.IndexByte("/-_+=", s[j]) >= 0 {
				j++
			}
			ps := j
			for j < i && strings.IndexByte("/-_+=", s[j]) < 0 {
				j++
			}
			if j-ps >= 16 && j-ps < i-st && !call(ps, j) {
				return
			}
		}
	}
}

// encodedText looks in one value for tokens that decode to readable text
// (covert.encoded_text), or to a secret or sensitive file content
// (covert.encoded_secret). Upload fields (data, content, file, ...) carry
// encoded files by design and only count for secrets; identifier fields
// (id, cursor, signature, ...) need decoded text of 24 bytes or more with
// structure (a URL, an address, a list), since GraphQL ids and cursors
// are base64 of short typed text.
func (a *analysis) encodedText(it *item, urls []urlRef) {
	s := it.s
	if len(s) < 16 || len(s) > 16<<10 {
		return
	}
	if len(urls) == 0 && !strings.ContainsAny(s, " \t\n") {
		if _, d, ok := decodeText(strings.TrimSpace(s)); ok {
			a.encodedFound(it, 0, len(s), d)
			return
		}
	}
	inURL := func(st int) bool {
		for _, u := range urls {
			if st >= u.at && st < u.at+len(u.text) {
				return true // urlBlobs reads URLs, their keys known
			}
		}
		return false
	}
	textPieces(s, func(st, end int) bool {
		tok := s[st:end]
		if inURL(st) || len(a.matches(tok)) > 0 {
			return true // a URL's, or a secret: the secrets analyser's business
		}
		if _, d, ok := decodeText(tok); ok {
			a.encodedFound(it, st, end, d)
			return false
		}
		return true
	})
}

// encodedFound records an encoded token of it.s at [st, end) whose
// decoding d is text.
func (a *analysis) encodedFound(it *item, st, end int, d []byte) {
	sp := a.span(it.s, st, end)
	if secretish(d) {
		a.covert.add("covert.encoded_secret", it.field, sp, 0.85)
		return
	}
	if fileMagic(d) {
		return
	}
	structured := structuredText(d)
	switch {
	case it.blob:
		return
	case it.id || it.kc == keyHash || it.kc == keySecret:
		if len(d) < 24 || !structured {
			return
		}
	}
	w := 0.55
	if it.kc == keyData {
		w = 0.4
	}
	if structured {
		w += 0.1
	}
	a.covert.add("covert.encoded_text", it.field, sp, w)
}
