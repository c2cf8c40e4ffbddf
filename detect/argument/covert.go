package argument

import (
	"bytes"
	"compress/gzip"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mcpaudit/mcpaudit/detect/canon"
	"github.com/mcpaudit/mcpaudit/internal/secrets"
)

// blob is an encoded value the covert analyser recognised.
type blob struct {
	enc     string // "base64", "hex", "base32"
	decoded []byte
}

// asBlob reports whether v (no white space) is base64/base64url (at least
// 24 characters, with a digit or + / - _, entropy at least
// min(4.0, 0.8·log2(len)) bits per character), hex (at least 32 digits,
// even, entropy at least 3) or base32 (at least 32 characters, entropy at
// least 3.5) that decodes.
func asBlob(v string) (blob, bool) {
	n := len(v)
	if n < 24 {
		return blob{}, false
	}
	lower, upper, digit, b64sym, other := charClasses(v, 2)
	if other {
		return blob{}, false
	}
	e := secrets.Entropy(v)
	if !b64sym && !(lower && upper) && n >= 32 && n%2 == 0 && isHexString(v) {
		if e < 3 {
			return blob{}, false
		}
		d, err := hex.DecodeString(v)
		if err != nil {
			return blob{}, false
		}
		return blob{enc: "hex", decoded: d}, true
	}
	if !lower && !b64sym && n >= 32 {
		t := strings.TrimRight(v, "=")
		if d, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(t); err == nil && e >= 3.5 {
			return blob{enc: "base32", decoded: d}, true
		}
	}
	if !(digit || b64sym) || !(lower && upper) {
		return blob{}, false
	}
	if e < min(4.0, 0.8*math.Log2(float64(n))) {
		return blob{}, false
	}
	d, ok := decodeBase64Bytes(v)
	if !ok {
		return blob{}, false
	}
	return blob{enc: "base64", decoded: d}, true
}

func isHexString(v string) bool {
	for i := 0; i < len(v); i++ {
		if !isHex(v[i]) {
			return false
		}
	}
	return true
}

// fileMagic reports decoded bytes that start like a common file format
// (images, PDF, archives, fonts, audio, video, Office): an upload, not a
// covert message.
func fileMagic(b []byte) bool {
	for _, m := range [][]byte{
		[]byte("\x89PNG"), []byte("\xff\xd8\xff"), []byte("GIF8"), []byte("%PDF"), []byte("PK\x03\x04"), []byte("\x1f\x8b"),
		[]byte("RIFF"), []byte("BM"), []byte("II*\x00"), []byte("MM\x00*"), []byte("\x00\x00\x01\x00"), []byte("wOFF"), []byte("wOF2"),
		[]byte("OggS"), []byte("ID3"), []byte("fLaC"), []byte("\x1aE\xdf\xa3"), []byte("\xd0\xcf\x11\xe0"), []byte("7z\xbc\xaf"),
		[]byte("<svg"), []byte("<?xml"), []byte("\x00\x00\x00"), []byte("BZh"), []byte("\xfd7zXZ"),
	} {
		if bytes.HasPrefix(b, m) {
			return true
		}
	}
	return false
}

// maxGunzip bounds what gunzipped inflates, in bytes.
const maxGunzip = 64 << 10

// gunzipped returns the first maxGunzip bytes of gzip data b inflated
// (a kubeconfig gzipped then base64-encoded into a reference field), or
// nil when b is not gzip.
func gunzipped(b []byte) []byte {
	if len(b) < 18 || b[0] != 0x1f || b[1] != 0x8b {
		return nil
	}
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	out, _ := io.ReadAll(io.LimitReader(r, maxGunzip))
	return out
}

// secretish reports decoded text that carries credentials or sensitive
// file content.
func secretish(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	s := string(b)
	if len(catalogue.Kinds(s)) > 0 {
		return true
	}
	l := strings.ToLower(s)
	return containsAny(l, "root:x:0:0", "private key", "aws_secret", "aws_access", "password", "passwd", "api_key", "apikey",
		"secret", "ssh-rsa", "ssh-ed25519", "bearer ", "authorization:") || sensitiveFile(l).weight >= 0.6
}

// idKey reports keys that name identifiers, digests and opaque tokens.
func idKey(k string) bool { return idKeyWords(k, nameWords(k)) }

// idKeyWords is idKey with the key's words already split.
func idKeyWords(k string, w []string) bool {
	if hasWord(w, "id", "ids", "uuid", "guid", "key", "token", "nonce", "cursor", "etag", "hash", "sha", "sha1", "sha256",
		"checksum", "digest", "commit", "signature", "sig", "state", "code", "session", "continuation", "page", "after",
		"before", "next", "oid", "rev", "revision", "fingerprint", "salt", "iv", "md5", "challenge", "verifier", "x-amz-signature",
		"x-amz-credential", "x-amz-security-token", "se", "sp", "sv", "skoid", "sktid", "v", "ver", "version", "cb", "_") {
		return true
	}
	l := strings.ToLower(k)
	return strings.HasSuffix(l, "id") || strings.HasPrefix(l, "x-amz-") || strings.HasPrefix(l, "x-goog-")
}

// covertItem looks for covert channels in one string value.
func (a *analysis) covertItem(it *item) {
	s := it.s
	a.invisibleStego(it)
	a.whitespaceStego(it)
	if len(s) < 24 {
		return
	}
	k := it.kc
	urls := findURLs(s)
	a.encodedText(it, urls)
	for _, u := range urls {
		if u.scheme == "data" {
			a.dataURI(it, u, k)
			continue
		}
		if webSchemes[u.scheme] {
			a.urlBlobs(it, u)
		}
	}
	a.dnsTokens(it)
	t := strings.TrimSpace(s)
	if strings.ContainsAny(t, " \t") || strings.ContainsAny(t, `"{}:,`) {
		a.embeddedBlobs(it, k)
		return
	}
	// A wrapped base64 body (76-column lines) is one blob.
	joined := t
	if strings.ContainsAny(t, "\r\n") {
		joined = strings.NewReplacer("\r", "", "\n", "").Replace(t)
	}
	b, ok := asBlob(joined)
	if !ok {
		return
	}
	sp := a.spanAll(s)
	if secretish(b.decoded) || secretish(gunzipped(b.decoded)) {
		a.covert.add("covert.encoded_secret", it.field, sp, 0.85)
		return
	}
	switch {
	case it.blob || k == keySecret || k == keyHash || it.id && len(joined) <= 256:
		return
	case b.enc == "hex" && (len(joined) == 32 || len(joined) == 40 || len(joined) == 64 || len(joined) == 128):
		return // a digest in a field that does not say so
	case fileMagic(b.decoded):
		a.covert.add("covert.encoded_file", it.field, sp, 0.15)
	case k == keyShort && len(joined) >= 40:
		a.covert.add("covert.oversized_field", it.field, sp, 0.6)
	case len(joined) >= 256:
		a.covert.add("covert.encoded_blob", it.field, sp, 0.5)
	case len(joined) >= 48 && printable(string(b.decoded)):
		a.covert.add("covert.encoded_blob", it.field, sp, 0.45)
	case len(joined) >= 64:
		a.covert.add("covert.encoded_blob", it.field, sp, 0.35)
	}
}

// embeddedBlobs finds long encoded runs inside text (a message carrying a
// base64 payload).
func (a *analysis) embeddedBlobs(it *item, k keyClass) {
	if k == keyHash || k == keySecret {
		return
	}
	s := it.s
	n := 0
	for i := 0; i < len(s) && n < 16; {
		for i < len(s) && !isB64Char(s[i]) {
			i++
		}
		st := i
		for i < len(s) && isB64Char(s[i]) {
			i++
		}
		if i-st < 32 {
			continue
		}
		n++
		b, ok := asBlob(s[st:i])
		if !ok || fileMagic(b.decoded) {
			continue
		}
		if secretish(b.decoded) {
			a.covert.add("covert.encoded_secret", it.field, a.span(s, st, i), 0.85)
			continue
		}
		if i-st >= 100 && !it.blob {
			a.covert.add("covert.embedded_blob", it.field, a.span(s, st, i), 0.35)
		}
	}
}

func isB64Char(c byte) bool {
	return isAlpha(c) || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '=' || c == '-' || c == '_'
}

// activeSVG reports SVG markup that runs or loads something: a script,
// an event handler, a foreign object or frame, a javascript: link.
// Undecodable content counts as active.
func activeSVG(dec []byte) bool {
	if len(dec) == 0 {
		return true
	}
	l := strings.ToLower(string(dec))
	return containsAny(l, "<script", "javascript:", "<foreignobject", "<iframe", "<embed", "<object", " onload", " onerror", " onclick", " onmouse", " onbegin", " onfocus")
}

// plainSVG reports decoded data that is an SVG document (it starts with
// an XML declaration, a comment, a doctype or the svg element).
func plainSVG(dec []byte) bool {
	t := strings.TrimSpace(strings.ToLower(string(dec[:min(len(dec), 512)])))
	return strings.HasPrefix(t, "<svg") || strings.HasPrefix(t, "<?xml") && strings.Contains(t, "<svg") || strings.HasPrefix(t, "<!doctype svg") || strings.HasPrefix(t, "<!--") && strings.Contains(t, "<svg")
}

// dataURI scores a data: URI.
func (a *analysis) dataURI(it *item, u urlRef, k keyClass) {
	meta, payload, _ := strings.Cut(u.text[len("data:"):], ",")
	lm := strings.ToLower(meta)
	isB64 := strings.HasSuffix(lm, ";base64")
	mime := strings.TrimSuffix(lm, ";base64")
	if i := strings.IndexByte(mime, ';'); i >= 0 {
		mime = mime[:i]
	}
	sp := a.span(it.s, u.at, u.at+len(u.text))
	var dec []byte
	if isB64 {
		dec, _ = decodeBase64Bytes(payload)
	} else {
		dec = []byte(percentDecode(payload))
	}
	if secretish(dec) {
		a.covert.add("covert.encoded_secret", it.field, sp, 0.85)
		return
	}
	svg := mime == "image/svg+xml"
	scriptable := mime == "text/html" || strings.Contains(mime, "javascript") || svg && activeSVG(dec) || mime == "application/x-sh"
	if svg && !scriptable && plainSVG(dec) {
		// a drawing: markup is what an SVG image is made of
		if !it.blob && k == keyHost {
			a.covert.add("covert.data_uri", it.field, sp, 0.3)
		}
		return
	}
	media := strings.HasPrefix(mime, "image/") || strings.HasPrefix(mime, "audio/") || strings.HasPrefix(mime, "video/") ||
		strings.HasPrefix(mime, "font/") || mime == "application/pdf"
	switch {
	case scriptable && a.localWrite() && k != keyHost:
		// An inline icon or script in a page the user's editor writes
		// to a local file: a page's own resources, not a payload sent.
		a.covert.add("covert.data_uri", it.field, sp, 0.2)
	case scriptable:
		a.covert.add("covert.data_uri", it.field, sp, 0.55)
	case media && !scriptable && isB64 && len(dec) >= minTextBytes && readableText(dec) && !fileMagic(dec):
		// Text under a media type: data dressed as an image.
		a.covert.add("covert.data_uri", it.field, sp, 0.5)
	case media:
		if !it.blob && k == keyHost {
			a.covert.add("covert.data_uri", it.field, sp, 0.3)
		}
	case k == keyHost:
		a.covert.add("covert.data_uri", it.field, sp, 0.5)
	case len(payload) >= 24:
		a.covert.add("covert.data_uri", it.field, sp, 0.35)
	}
}

// urlBlobs looks for encoded data in a URL's subdomains, path segments,
// query values and fragment.
func (a *analysis) urlBlobs(it *item, u urlRef) {
	rest := u.text[len(u.scheme)+1:]
	if !strings.HasPrefix(rest, "//") {
		return
	}
	rest = rest[2:]
	auth := rest
	tail := ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		auth, tail = rest[:i], rest[i:]
	}
	sp := lazy(func() string { return a.span(it.s, u.at, u.at+len(u.text)) })
	host := hostOfAuthority(auth)
	// DNS exfiltration: long random labels below the registered domain.
	a.dnsLabels(it, host, sp)
	path, query, _ := strings.Cut(tail, "?")
	frag := ""
	if i := strings.IndexByte(query, '#'); i >= 0 {
		query, frag = query[:i], query[i+1:]
	} else if i := strings.IndexByte(path, '#'); i >= 0 {
		path, frag = path[:i], path[i+1:]
	}
	check := func(piece, key string, base float64) {
		v := percentDecode(piece)
		if len(v) < 16 {
			return
		}
		if ms := a.matches(v); len(ms) > 0 {
			return // a secret: the secrets analyser's business
		}
		id := idKey(key)
		if _, d, ok := decodeText(v); ok {
			// Text, whatever the parameter is called: a cursor or an id
			// decodes to random bytes or short typed text.
			switch {
			case secretish(d):
				a.covert.add("covert.encoded_secret", it.field, sp(), 0.85)
			case fileMagic(d):
			case !id:
				a.covert.add("covert.encoded_text", it.field, sp(), 0.55)
			case len(d) >= 24 && structuredText(d):
				a.covert.add("covert.encoded_text", it.field, sp(), 0.5)
			}
		}
		if len(v) < 24 || id {
			return
		}
		b, ok := asBlob(v)
		if !ok {
			return
		}
		if secretish(b.decoded) {
			a.covert.add("covert.encoded_secret", it.field, sp(), 0.85)
			return
		}
		// Encoded JSON in a query is usually application state (filters,
		// views), not a message.
		isJSON := json.Valid(b.decoded)
		text := printable(string(b.decoded)) && len(b.decoded) >= 12 && !isJSON
		switch {
		case isJSON && carriesText(b.decoded):
			// Encoded JSON whose values are sentences or conversation
			// fields: a message being carried out.
			a.covert.add("covert.url_blob", it.field, sp(), 0.5)
			return
		case isJSON:
			a.covert.add("covert.url_blob", it.field, sp(), 0.2)
			return
		case text:
			// Encoded text: data being carried, not a random id.
			base += 0.15
		case b.enc == "hex" && len(v) <= 64:
			return // a digest or content address
		case len(v) < 48:
			return // a random id (playlist, document, request id)
		}
		w := base
		switch {
		case len(v) >= 200:
			w += 0.2
		case len(v) >= 64:
			w += 0.1
		}
		a.covert.add("covert.url_blob", it.field, sp(), min(w, 0.75))
	}
	for _, seg := range strings.Split(path, "/") {
		if isUUID(seg) {
			continue
		}
		check(seg, "", 0.4)
	}
	for _, kv := range strings.Split(query, "&") {
		key, v, ok := strings.Cut(kv, "=")
		if !ok {
			v, key = key, ""
		}
		check(v, key, 0.45)
	}
	if frag != "" {
		check(frag, "", 0.45)
	}
}

// dnsBlobLabel reports a DNS label that looks like encoded data: at least
// 20 letters and digits (no hyphen, not punycode), a fifth of them digits
// at least, byte entropy at least 3 (hex and base32 labels; words and
// names have no digits or few).
func dnsBlobLabel(l string) bool {
	if len(l) < 20 || strings.HasPrefix(l, "xn--") {
		return false
	}
	digits := 0
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case '0' <= c && c <= '9':
			digits++
		case 'a' <= c && c <= 'z':
		default:
			return false
		}
	}
	return digits*5 >= len(l) && secrets.Entropy(l) >= 3.0
}

// isUUID reports an RFC 9562 UUID in its 8-4-4-4-12 text form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return true
}

// invisibleStego looks for text hidden in invisible code points: tag
// characters (U+E0000–E007F, except in emoji tag sequences such as the
// flag of England), runs of variation selectors (U+FE00–FE0F,
// U+E0100–E01EF: one after an emoji is ordinary), and runs of three or
// more zero-width characters (U+200B–200D, U+2060, U+FEFF, U+180E: a single
// ZWJ in an emoji sequence or ZWNJ in Persian is ordinary spelling).
func (a *analysis) invisibleStego(it *item) {
	s := it.s
	if isASCII(s) {
		return
	}
	tags, vsRun, vsMax, vsSupp, zwRun, zwMax, zwHard := 0, 0, 0, 0, 0, 0, 0
	inFlag := false
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == 0x1F3F4:
			inFlag = true
		case r >= 0xE0020 && r <= 0xE007E && inFlag:
		case r == 0xE007F && inFlag:
			inFlag = false
		case r >= 0xE0000 && r <= 0xE007F:
			tags++
		}
		if r != 0x1F3F4 && !(r >= 0xE0000 && r <= 0xE007F) {
			inFlag = false
		}
		isVS := r >= 0xFE00 && r <= 0xFE0F || r >= 0xE0100 && r <= 0xE01EF
		if isVS {
			vsRun++
			vsMax = max(vsMax, vsRun)
			if r >= 0xE0100 {
				vsSupp++
			}
		} else {
			vsRun = 0
		}
		isZW := r >= 0x200B && r <= 0x200D || r == 0x2060 || r == 0xFEFF || r == 0x180E || r >= 0x2061 && r <= 0x2064
		if isZW {
			zwRun++
			zwMax = max(zwMax, zwRun)
			if r != 0x200C && r != 0x200D && !(r == 0x200B && breakHint(rs, i)) {
				zwHard++
			}
		} else {
			zwRun = 0
		}
	}
	sp := func(what string) string { return a.safe(what + ": " + visibleEscape(s)) }
	if tags > 0 {
		a.covert.add("covert.tag_characters", it.field, sp("tag characters"), 0.7)
	}
	if vsMax >= 2 || vsSupp >= 4 {
		a.covert.add("covert.variation_selectors", it.field, sp("variation selectors"), 0.65)
	}
	if zwMax >= 3 || zwHard >= 8 {
		a.covert.add("covert.zero_width", it.field, sp("zero-width characters"), 0.6)
	}
}

// breakHint reports a ZWSP at rs[i] next to a letter of a script written
// without spaces (canon.BreakHintScript): Thai and Japanese text stores
// them between words.
func breakHint(rs []rune, i int) bool {
	return i > 0 && canon.BreakHintScript(rs[i-1]) || i+1 < len(rs) && canon.BreakHintScript(rs[i+1])
}

// visibleEscape shows invisible and format code points as U+XXXX so a
// span can be read.
func visibleEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() > 200 {
			break
		}
		if r >= 0x200B && r <= 0x200F || r >= 0x2060 && r <= 0x2064 || r == 0xFEFF || r == 0x180E || r >= 0xFE00 && r <= 0xFE0F ||
			r >= 0xE0000 && r <= 0xE01EF || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 {
			b.WriteString("<U+")
			b.WriteString(strings.ToUpper(hexRune(r)))
			b.WriteString(">")
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func hexRune(r rune) string {
	const digits = "0123456789abcdef"
	var buf [8]byte
	i := len(buf)
	for v := uint32(r); v > 0 || i == len(buf); v >>= 4 {
		i--
		buf[i] = digits[v&0xf]
	}
	for len(buf)-i < 4 {
		i--
		buf[i] = '0'
	}
	return string(buf[i:])
}

// whitespaceStego looks for bits hidden in white space: a run of at least
// 12 spaces and tabs mixing both, at least three lines whose trailing white
// space mixes spaces and tabs, or runs of at least eight Unicode space
// characters of more than one kind (U+2000–200A, U+3000, NBSP).
func (a *analysis) whitespaceStego(it *item) {
	s := it.s
	if !strings.Contains(s, " \t") && !strings.Contains(s, "\t ") && isASCII(s) {
		return
	}
	run, sp, tab, mixedRun := 0, false, false, false
	var prevWS rune
	flips := 0 // space/tab alternations in the current run
	trailMixed := 0
	lineStart := 0
	uniRun, uniKinds := 0, map[rune]bool{}
	uniHit := false
	for i, r := range s {
		switch r {
		case ' ', '\t':
			run++
			sp = sp || r == ' '
			tab = tab || r == '\t'
			if run > 1 && r != prevWS {
				flips++
			}
			prevWS = r
			// Indentation is tabs then spaces (one alternation); bits
			// encoded in white space alternate many times.
			if run >= 12 && sp && tab && flips >= 4 {
				mixedRun = true
			}
		default:
			if r == '\n' {
				line := s[lineStart:i]
				trail := line[len(strings.TrimRight(line, " \t")):]
				if flipsIn(trail) >= 2 {
					trailMixed++
				}
				lineStart = i + 1
			}
			run, sp, tab, flips = 0, false, false, 0
		}
		if r == 0xA0 || r >= 0x2000 && r <= 0x200A || r == 0x3000 || r == 0x202F || r == 0x205F {
			uniRun++
			uniKinds[r] = true
			if uniRun >= 8 && len(uniKinds) >= 2 {
				uniHit = true
			}
		} else if r != ' ' && uniRun > 0 {
			uniRun = 0
			clear(uniKinds)
		}
	}
	if mixedRun || trailMixed >= 3 || uniHit {
		a.covert.add("covert.whitespace", it.field, a.safe(strings.NewReplacer("\t", "\\t", " ", "·").Replace(cutUTF8(s, 100))), 0.5)
	}
}

// analyzeObjects looks, in every object of the arguments, for one
// high-entropy value among plain-text siblings.
func (a *analysis) analyzeObjects(v any) {
	budget := 256
	var visit func(v any, field string, depth int)
	visit = func(v any, field string, depth int) {
		if depth > MaxDepth || budget <= 0 {
			return
		}
		budget--
		switch x := v.(type) {
		case map[string]any:
			plain := 0
			type cand struct{ k, v string }
			var cands []cand
			for k, e := range x {
				s, ok := e.(string)
				if !ok {
					continue
				}
				switch {
				case strings.Contains(s, " ") && len(s) >= 8 || len(s) >= 3 && len(s) <= 40 && secrets.Entropy(s) < 3.5:
					plain++
				case len(s) >= 40 && len(s) <= MaxStringBytes && !strings.ContainsAny(s, " \t\n"):
					cands = append(cands, cand{k, s})
				}
			}
			if plain >= 2 && len(cands) == 1 {
				c := cands[0]
				if _, ok := asBlob(c.v); ok && !isBlobKey(c.k) && !idKey(c.k) && classifyKey(c.k) != keySecret && classifyKey(c.k) != keyHash &&
					len(a.matches(c.v)) == 0 && secrets.Entropy(c.v) >= 4.5 {
					f := fieldPath(field, c.k)
					a.covert.add("covert.entropy_outlier", f, a.spanAll(c.v), 0.35)
				}
			}
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				visit(x[k], fieldPath(field, k), depth+1)
			}
		case []any:
			for i, e := range x {
				if i >= 64 {
					break
				}
				visit(e, field+"["+strconv.Itoa(i)+"]", depth+1)
			}
		}
	}
	visit(v, "arguments", 0)
}

// dnsTokens looks for DNS exfiltration in host names written without a
// scheme (nslookup <hex>.attacker.example, dig, ping): tokens of at least
// three labels of letters, digits and hyphens.
func (a *analysis) dnsTokens(it *item) {
	s := it.s
	n := 0
	for i := 0; i < len(s) && n < 64; {
		for i < len(s) && !isHostChar(s[i]) {
			i++
		}
		st := i
		for i < len(s) && isHostChar(s[i]) {
			i++
		}
		if i-st < 24 || strings.Count(s[st:i], ".") < 2 {
			continue
		}
		tok := strings.Trim(strings.ToLower(s[st:i]), ".")
		if st >= 3 && s[st-3:st] == "://" {
			continue // urlBlobs reads URL hosts
		}
		if st > 0 && s[st-1] == '/' || strings.Contains(tok, "..") {
			continue // a path segment (a/b...c.diff), not a host name
		}
		n++
		a.dnsLabels(it, tok, func() string { return a.span(s, st, i) })
	}
}

// dnsLabels scores the labels of host name h below its registered
// domain (the last two labels): random-looking labels of 20 or more
// letters and digits in total (0.6, 0.7 from 50), and labels that,
// joined, decode as base32, hex or base64url to text (0.7: DNS
// exfiltration splits the encoded data into labels).
func (a *analysis) dnsLabels(it *item, h string, sp func() string) {
	labels := strings.Split(h, ".")
	if len(labels) < 3 {
		return
	}
	total := 0
	var joined strings.Builder
	for _, l := range labels[:len(labels)-2] {
		if dnsBlobLabel(l) {
			total += len(l)
		}
		if len(l) >= 8 && !strings.HasPrefix(l, "xn--") {
			joined.WriteString(l)
		}
	}
	w := 0.0
	switch {
	case total >= 50:
		w = 0.7
	case total >= 20:
		w = 0.6
	}
	if j := joined.String(); len(j) >= 16 {
		if _, d, ok := decodeText(j); ok {
			w = 0.7
			if secretish(d) {
				w = 0.85
			}
		}
	}
	if w > 0 {
		a.covert.add("covert.dns_label", it.field, sp(), w)
	}
}

func isHostChar(c byte) bool {
	return isAlpha(c) || '0' <= c && c <= '9' || c == '-' || c == '.'
}

// flipsIn counts the alternations between space and tab in ws.
func flipsIn(ws string) int {
	n := 0
	for i := 1; i < len(ws); i++ {
		if ws[i] != ws[i-1] {
			n++
		}
	}
	return n
}

// carriesText reports JSON that holds a sentence (a string value of five
// words or more) or a member named for conversation or user content.
func carriesText(js []byte) bool {
	var v any
	if json.Unmarshal(js, &v) != nil {
		return false
	}
	found := false
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if found || depth > 8 {
			return
		}
		switch x := v.(type) {
		case string:
			if len(strings.Fields(x)) >= 5 {
				found = true
			}
		case map[string]any:
			for k, e := range x {
				switch strings.ToLower(k) {
				case "conversation", "messages", "message", "history", "chat", "prompt", "transcript", "email", "body", "content", "text":
					found = true
				}
				walk(e, depth+1)
			}
		case []any:
			for _, e := range x {
				walk(e, depth+1)
			}
		}
	}
	walk(v, 0)
	return found
}

// charClasses reports which character classes s holds: lower- and
// upper-case ASCII letters, digits, the base64 symbols (+ / - _), and
// anything else; '=' counts as padding within the last pad bytes.
func charClasses(s string, pad int) (lower, upper, digit, b64sym, other bool) {
	n := len(s)
	for i := 0; i < n; i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z':
			lower = true
		case 'A' <= c && c <= 'Z':
			upper = true
		case '0' <= c && c <= '9':
			digit = true
		case c == '+' || c == '/' || c == '-' || c == '_':
			b64sym = true
		case c == '=' && i >= n-pad:
		default:
			other = true
		}
	}
	return
}
