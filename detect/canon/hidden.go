package canon

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mcpaudit/mcpaudit/detect/signal"
	"github.com/mcpaudit/mcpaudit/internal/secrets"
)

// Hidden signal names (Finding.Signal) and the weight each adds. See doc.go
// for the scale.
const (
	// SignalTagCharacters: Unicode tag characters U+E0000–E007F outside an
	// emoji subdivision flag; the span is the ASCII they spell.
	SignalTagCharacters = "steganography.tag_characters"
	// SignalVariationSelectorCode: a run of three or more variation
	// selectors on one base character (a byte code); the span is the
	// decoded bytes.
	SignalVariationSelectorCode = "steganography.variation_selector_code"
	// SignalVariationSelector: one or two variation selectors where none
	// belongs (after a plain letter, a supplementary selector U+E0100–E01EF
	// after anything but a Han ideograph).
	SignalVariationSelector = "steganography.variation_selector"
	// SignalBidiOverride: U+202D LRO or U+202E RLO.
	SignalBidiOverride = "steganography.bidi_override"
	// SignalBidiControl: bidi embeddings, pop and isolates (U+202A–202C,
	// U+2066–2069); weighs little in text that has right-to-left letters.
	SignalBidiControl = "steganography.bidi_control"
	// SignalBidiMark: U+200E, U+200F or U+061C in text with no
	// right-to-left letters.
	SignalBidiMark = "steganography.bidi_mark"
	// SignalZeroWidthRun: two or more invisible characters in a row
	// (zero-width space, joiners outside emoji and joining scripts, word
	// joiner, BOM, invisible operators, fillers): the shape of a binary
	// code.
	SignalZeroWidthRun = "steganography.zero_width_run"
	// SignalZeroWidth: single stray invisible characters; a couple weigh
	// below the medium threshold.
	SignalZeroWidth = "steganography.zero_width"
	// SignalSoftHyphen: U+00AD inside words.
	SignalSoftHyphen = "steganography.soft_hyphen"
	// SignalInvisibleInAddress: an invisible character or soft hyphen
	// inside a URL, a host name or a shell command ("ht\u180etps://…",
	// "cu\u00adrl"): nothing but evasion puts one there.
	SignalInvisibleInAddress = "steganography.invisible_in_address"
	// SignalANSIEscape: a raw ESC or 8-bit CSI (terminal escape sequence).
	SignalANSIEscape = "terminal.ansi_escape"
	// SignalANSIEscapeText: an escape spelled as text (\u001b[, \x1b[,
	// \033[, \e[) that a later decoding turns into a real one.
	SignalANSIEscapeText = "terminal.ansi_escape_text"
	// SignalControl: other C0/C1 control characters (backspace, bell, NUL,
	// a carriage return that rewrites the line).
	SignalControl = "terminal.control_character"
	// SignalMixedScript: words that mix Latin letters with Cyrillic or
	// Greek look-alikes ("pаssword" with a Cyrillic а): homoglyphs used to
	// slip words past filters.
	SignalMixedScript = "steganography.mixed_script"
	// SignalWhitespacePadding: dozens of spaces or many line breaks before
	// more text, pushing it off screen.
	SignalWhitespacePadding = "steganography.whitespace_padding"
)

// Weights of the Hidden signals (see doc.go).
const (
	wTagCharacters   = 0.85
	wVSCode          = 0.8
	wVSStray         = 0.2
	wVSSupplementary = 0.45
	wBidiOverride    = 0.75
	wBidiControl     = 0.45
	wBidiControlRTL  = 0.1
	wBidiMark        = 0.25
	wZeroWidthRun2   = 0.3
	wZeroWidthRun    = 0.75 // run of four or more
	wZeroWidthFirst  = 0.1
	wZeroWidthMore   = 0.06
	wZeroWidthMax    = 0.45
	wSoftHyphenFirst = 0.1
	wSoftHyphenMore  = 0.05
	wSoftHyphenMax   = 0.4
	wANSIEscape      = 0.7
	wANSIEscapeText  = 0.45
	wControl         = 0.3
	wPadding         = 0.5
	wMixedScript     = 0.15 // typos and IDN examples mix scripts too: it explains more than it decides
)

// Level thresholds on the 0–1 score, shared by every text analyser of
// mcpaudit (detect/injection uses the same scale).
const (
	// ThresholdLow is the score from which a verdict is LevelLow.
	ThresholdLow = 0.1
	// ThresholdMedium is the score from which a verdict is LevelMedium:
	// the level default rules alert on.
	ThresholdMedium = 0.4
	// ThresholdHigh is the score from which a verdict is LevelHigh.
	ThresholdHigh = 0.7
	// ThresholdCritical is the score from which a verdict is LevelCritical.
	ThresholdCritical = 0.9
)

// LevelFor returns the level the shared thresholds give score.
func LevelFor(score float64) signal.Level {
	return signal.Thresholds{Low: ThresholdLow, Medium: ThresholdMedium, High: ThresholdHigh, Critical: ThresholdCritical}.Level(score)
}

// Combine returns 1 − Π(1 − w) over the findings' weights (diminishing
// returns: each finding closes part of the remaining gap to 1), clamped to
// [0, 1].
func Combine(fs []signal.Finding) float64 {
	rest := 1.0
	for _, f := range fs {
		w := min(max(f.Weight, 0), 1)
		rest *= 1 - w
	}
	return min(max(1-rest, 0), 1)
}

var redactor = secrets.NewRedactor()

// SafeSpan returns s with secrets replaced by [REDACTED:kind] markers
// (internal/secrets) and clipped to signal.MaxSpan (signal.Clip): the form
// every span takes before it leaves an analyser.
func SafeSpan(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return signal.Clip(redactor.Redact(s, nil))
}

// Hidden reports invisible text and steganography in s: tag characters
// (decoded), variation selectors used as a byte code, bidi overrides and
// stray bidi controls, zero-width characters inside Latin words or in
// runs, soft hyphens inside words, terminal escapes (raw or spelled as
// text) and long white-space padding. It leaves alone emoji ZWJ sequences,
// emoji and keycap presentation selectors, ZWJ/ZWNJ in scripts that spell
// with them, emoji subdivision flags, ideographic variation sequences, a
// BOM at the very start, NBSP, and ZWSP between CJK or Thai letters (line
// break hints). Findings carry no Field (the caller knows the field); the
// score is Combine of the weights and the level LevelFor(score). Decoded
// hidden text is also returned as the span of the tag or variation
// selector finding so callers can analyse it as text (HiddenText).
func Hidden(s string) signal.Verdict {
	if isPlainASCII(s) {
		return signal.Verdict{}
	}
	h := hiddenScan{s: s}
	h.scan()
	return h.verdict()
}

// HiddenText returns the text smuggled in s by tag characters or by a
// variation-selector byte code, decoded, or "" when there is none. It
// exists so a text analyser can run on what the model reads but a person
// does not see.
func HiddenText(s string) string {
	if isPlainASCII(s) {
		return ""
	}
	h := hiddenScan{s: s}
	h.scan()
	return h.decoded.String()
}

// isPlainASCII reports whether s is printable ASCII plus tab and LF with no
// long white-space run and no escape spelled as text: nothing Hidden can
// find.
func isPlainASCII(s string) bool {
	spaces, lines := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			return false
		case c == ' ' || c == '\t':
			spaces++
			if spaces >= paddingSpaces {
				return false
			}
			continue
		case c == '\n':
			lines++
			if lines >= paddingLines {
				return false
			}
			spaces = 0
			continue
		case c == '\\':
			return false
		case c < 0x20 || c == 0x7f:
			return false
		}
		spaces, lines = 0, 0
	}
	return true
}

const (
	paddingSpaces = 80 // horizontal blanks in a row before more text (CLI help and code align to ~60)
	paddingLines  = 12 // line breaks in a row (blank lines between) before more text
)

type hiddenScan struct {
	s       string
	fs      []signal.Finding
	decoded strings.Builder

	hasRTL       bool
	invisAt      []int // byte offsets of stray invisible characters and soft hyphens (the first maxInvisAt)
	zwStray      int
	zwInWord     int // stray zero-width characters between two letters
	zwSpan       string
	shy          int
	shySpan      string
	bidiCtl      int
	bidiSpan     string
	bidiMark     int
	bidiMarkSpan string
	ctl          int
	ctlSpan      string
	vsStray      int
	vsStraySpan  string
	vsSupp       int
	vsSuppSpan   string
	zwRunMax     int
	zwRunSpan    string
	done         map[string]bool
}

func (h *hiddenScan) add(sig string, w float64, span string) {
	if h.done == nil {
		h.done = map[string]bool{}
	}
	if h.done[sig] {
		// one finding per signal; the strongest instance was first
		return
	}
	h.done[sig] = true
	h.fs = append(h.fs, signal.Finding{Signal: sig, Weight: w, Span: SafeSpan(span)})
}

func (h *hiddenScan) scan() {
	s := h.s
	for _, r := range s {
		if isRTL(r) && unicode.IsLetter(r) {
			h.hasRTL = true
			break
		}
	}
	var prev rune // previous visible rune
	spaces, lines, blankStart := 0, 0, -1
	for i := 0; i < len(s); {
		if c := s[i]; c > ' ' && c < 0x7f && c != '\\' && blankStart < 0 {
			prev = rune(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			prev = r
			i++
			continue
		}
		// white-space padding
		if r == ' ' || r == '\t' || r == 0xA0 || r >= 0x2000 && r <= 0x200A || r == 0x3000 || r == 0x202F || r == 0x205F {
			if blankStart < 0 {
				blankStart = i
			}
			spaces++
			i += n
			continue
		}
		if r == '\n' || r == '\r' && strings.HasPrefix(s[i+n:], "\n") || r == 0x2028 || r == 0x2029 {
			if blankStart < 0 {
				blankStart = i
			}
			if r != '\r' {
				lines++
			}
			spaces = 0
			i += n
			continue
		}
		if blankStart >= 0 {
			// a wide column of a Markdown or ASCII table is layout, not padding
			table := lines < paddingLines && (r == '|' || r == '+' || prev == '|' || prev == '+')
			if (spaces >= paddingSpaces || lines >= paddingLines) && !table {
				what := fmt.Sprintf("%d spaces", spaces)
				if lines >= paddingLines {
					what = fmt.Sprintf("%d line breaks", lines)
				}
				h.add(SignalWhitespacePadding, wPadding, what+" then: "+s[i:min(len(s), i+80)])
			}
			spaces, lines, blankStart = 0, 0, -1
			prev = ' '
		}
		switch {
		case r >= 0xE0000 && r <= 0xE007F:
			i = h.tags(i, prev)
			continue
		case isVS(r):
			i = h.variationSelectors(i, prev)
			continue
		case r == 0x202D || r == 0x202E:
			h.add(SignalBidiOverride, wBidiOverride, context(s, i, n))
		case r >= 0x202A && r <= 0x202C || r >= 0x2066 && r <= 0x2069:
			h.bidiCtl++
			if h.bidiSpan == "" {
				h.bidiSpan = context(s, i, n)
			}
		case r == 0x200E || r == 0x200F || r == 0x061C:
			h.bidiMark++
			if h.bidiMarkSpan == "" {
				h.bidiMarkSpan = context(s, i, n)
			}
		case r == 0x00AD:
			next, _ := utf8.DecodeRuneInString(s[i+n:])
			if len(h.invisAt) < maxInvisAt {
				h.invisAt = append(h.invisAt, i)
			}
			if unicode.IsLetter(prev) && unicode.IsLetter(next) {
				h.shy++
				if h.shySpan == "" {
					h.shySpan = context(s, i, n)
				}
			}
		case isZeroWidth(r):
			i = h.zeroWidth(i, prev)
			continue
		case r == 0x1B || r == 0x9B:
			h.add(SignalANSIEscape, wANSIEscape, context(s, i, n))
		case r == '\r':
			next, _ := utf8.DecodeRuneInString(s[i+n:])
			if next != utf8.RuneError && next != '\n' {
				h.ctl++
				if h.ctlSpan == "" {
					h.ctlSpan = context(s, i, n)
				}
			}
		case r < 0x20 || r == 0x7F || r >= 0x80 && r < 0xA0:
			h.ctl++
			if h.ctlSpan == "" {
				h.ctlSpan = context(s, i, n)
			}
		case r == '\\':
			if esc := textualEscape(s[i:]); esc > 0 {
				h.add(SignalANSIEscapeText, wANSIEscapeText, s[max(0, i-24):min(len(s), i+esc+24)])
			}
		}
		prev = r
		i += n
	}
	if h.bidiCtl > 0 {
		w := wBidiControl
		if h.hasRTL {
			w = wBidiControlRTL
		}
		h.add(SignalBidiControl, w, h.bidiSpan)
	}
	if h.bidiMark > 0 && !h.hasRTL {
		h.add(SignalBidiMark, wBidiMark, h.bidiMarkSpan)
	}
	if w, n := mixedScriptWord(s); n > 0 {
		h.add(SignalMixedScript, min(0.25, wMixedScript+0.03*float64(n-1)), fmt.Sprintf("%d mixed-script words, e.g. %s", n, w))
	}
	if h.zwRunMax > 0 {
		w := wZeroWidthRun2
		if h.zwRunMax >= 4 {
			w = wZeroWidthRun
		}
		h.add(SignalZeroWidthRun, w, h.zwRunSpan)
	}
	if h.zwStray > 0 {
		w := min(wZeroWidthMax, wZeroWidthFirst+wZeroWidthMore*float64(h.zwStray-1))
		if h.zwInWord >= 3 {
			// three or more splitting words: text broken up to slip past
			// filters (a stray one or two in a description is a typo)
			w = wZeroWidthMax
		}
		h.add(SignalZeroWidth, w, h.zwSpan)
	}
	if sp := h.insideAddress(); sp != "" {
		h.add(SignalInvisibleInAddress, wInvisibleInAddress, sp)
	}
	if h.shy > 0 {
		h.add(SignalSoftHyphen, min(wSoftHyphenMax, wSoftHyphenFirst+wSoftHyphenMore*float64(h.shy-1)), h.shySpan)
	}
	if h.ctl > 0 {
		h.add(SignalControl, wControl, h.ctlSpan)
	}
	if h.vsSupp > 0 {
		h.add(SignalVariationSelector, wVSSupplementary, h.vsSuppSpan)
	} else if h.vsStray > 0 {
		h.add(SignalVariationSelector, wVSStray, h.vsStraySpan)
	}
}

func (h *hiddenScan) verdict() signal.Verdict {
	if len(h.fs) == 0 {
		return signal.Verdict{}
	}
	signal.Sort(h.fs)
	score := Combine(h.fs)
	return signal.Verdict{Score: score, Level: LevelFor(score), Findings: h.fs}
}

// tags handles a run of tag characters starting at i and returns the index
// after it.
func (h *hiddenScan) tags(i int, prev rune) int {
	s := h.s
	var dec strings.Builder
	j := i
	endsWithCancel := false
	for j < len(s) {
		r, n := utf8.DecodeRuneInString(s[j:])
		if r < 0xE0000 || r > 0xE007F {
			break
		}
		endsWithCancel = r == 0xE007F
		if c := r - 0xE0000; c >= 0x20 && c < 0x7F {
			dec.WriteByte(byte(c))
		} else if c == '\n' || c == '\t' {
			dec.WriteByte(' ')
		}
		j += n
	}
	d := dec.String()
	// emoji subdivision flag: U+1F3F4, 2-6 tag letters/digits, CANCEL TAG
	if prev == 0x1F3F4 && endsWithCancel && len(d) >= 2 && len(d) <= 6 && isAlnumLower(d) {
		return j
	}
	if d == "" {
		d = fmt.Sprintf("%d tag characters", utf8.RuneCountInString(s[i:j]))
	} else {
		h.appendDecoded(d)
	}
	h.add(SignalTagCharacters, wTagCharacters, d)
	return j
}

func (h *hiddenScan) appendDecoded(d string) {
	if h.decoded.Len() > 0 {
		h.decoded.WriteByte('\n')
	}
	h.decoded.WriteString(d)
}

func isAlnumLower(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func isVS(r rune) bool { return r >= 0xFE00 && r <= 0xFE0F || r >= 0xE0100 && r <= 0xE01EF }

// variationSelectors handles a run of variation selectors starting at i
// (after the base prev) and returns the index after it.
func (h *hiddenScan) variationSelectors(i int, prev rune) int {
	s := h.s
	var bytes []byte
	supp := false
	j := i
	for j < len(s) {
		r, n := utf8.DecodeRuneInString(s[j:])
		switch {
		case r >= 0xFE00 && r <= 0xFE0F:
			bytes = append(bytes, byte(r-0xFE00))
		case r >= 0xE0100 && r <= 0xE01EF:
			bytes = append(bytes, byte(r-0xE0100+16))
			supp = true
		default:
			goto done
		}
		j += n
	}
done:
	switch {
	case len(bytes) >= 3:
		d := decodeVS(bytes)
		h.add(SignalVariationSelectorCode, wVSCode, d)
		if printable(d) {
			h.appendDecoded(d)
		}
	case len(bytes) == 1 && !supp && (bytes[0] == 0x0E || bytes[0] == 0x0F) && takesPresentation(prev, s[j:]):
		// emoji or text presentation selector: normal
	case len(bytes) == 1 && !supp && (isHan(prev) || unicode.IsSymbol(prev) || prev >= 0x1800 && prev <= 0x18AF):
		// standardized variation sequence (CJK compatibility, math symbols, Mongolian)
	case len(bytes) == 1 && supp && isHan(prev):
		// ideographic variation sequence
	case supp:
		h.vsSupp++
		if h.vsSuppSpan == "" {
			h.vsSuppSpan = context(s, i, j-i)
		}
	default:
		h.vsStray++
		if h.vsStraySpan == "" {
			h.vsStraySpan = context(s, i, j-i)
		}
	}
	return j
}

// takesPresentation reports whether a presentation selector U+FE0E/FE0F
// after prev is ordinary: after an emoji or symbol, or after a keycap base
// (0-9, #, *) followed by U+20E3.
func takesPresentation(prev rune, rest string) bool {
	if isEmoji(prev) || unicode.IsSymbol(prev) || unicode.IsPunct(prev) && prev > 0x7F {
		return true
	}
	if prev >= '0' && prev <= '9' || prev == '#' || prev == '*' {
		return strings.HasPrefix(rest, "\u20E3")
	}
	return false
}

// decodeVS renders a variation-selector byte code (one byte per selector:
// U+FE00+b for b < 16, U+E0100+b−16 otherwise, the scheme published for
// "emoji smuggling") as text when it is printable, else as a count.
func decodeVS(bs []byte) string {
	if !utf8.Valid(bs) {
		return fmt.Sprintf("%d-byte variation-selector payload", len(bs))
	}
	d := string(bs)
	if !printable(d) {
		return fmt.Sprintf("%d-byte variation-selector payload", len(bs))
	}
	return d
}

func printable(d string) bool {
	if d == "" {
		return false
	}
	for _, r := range d {
		if !unicode.IsPrint(r) && r != '\n' && r != '\t' {
			return false
		}
	}
	return true
}

// isZeroWidth reports the invisible characters Hidden counts as zero-width:
// ZWSP, ZWNJ, ZWJ, word joiner, invisible operators, BOM, Mongolian vowel
// separator, Hangul fillers, CGJ and deprecated format characters.
func isZeroWidth(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200D, r >= 0x2060 && r <= 0x2064, r >= 0x206A && r <= 0x206F:
		return true
	case r == 0xFEFF || r == 0x180E || r == 0x034F || r == 0x115F || r == 0x1160 || r == 0x3164 || r == 0xFFA0:
		return true
	case r >= 0xFFF9 && r <= 0xFFFB, r >= 0x1D173 && r <= 0x1D17A:
		return true
	}
	return false
}

// zeroWidth handles a run of zero-width characters starting at i and
// returns the index after it.
func (h *hiddenScan) zeroWidth(i int, prev rune) int {
	s := h.s
	j, count := i, 0
	var first rune
	for j < len(s) {
		r, n := utf8.DecodeRuneInString(s[j:])
		if !isZeroWidth(r) {
			break
		}
		if count == 0 {
			first = r
		}
		count++
		j += n
	}
	next, _ := utf8.DecodeRuneInString(s[j:])
	if count >= 2 {
		if count > h.zwRunMax {
			h.zwRunMax = count
			h.zwRunSpan = fmt.Sprintf("%d invisible characters: ", count) + context(s, i, j-i)
		}
		return j
	}
	switch {
	case i == 0 && first == 0xFEFF:
		return j // byte order mark at the start of text
	case first == zwj || first == zwnj:
		if joinerNeeded(prev, next) {
			return j
		}
	case first == 0x200B && (BreakHintScript(prev) || BreakHintScript(next)):
		return j // line-break opportunity in CJK, Thai, Lao, Khmer, Myanmar
	}
	h.zwStray++
	if len(h.invisAt) < maxInvisAt {
		h.invisAt = append(h.invisAt, i)
	}
	if unicode.IsLetter(prev) && unicode.IsLetter(next) {
		h.zwInWord++
	}
	if h.zwSpan == "" {
		h.zwSpan = context(s, i, j-i)
	}
	return j
}

// BreakHintScript reports a letter of the scripts written without spaces
// (Han, kana, Thai, Lao, Myanmar, Khmer; Hangul blocks), where U+200B ZERO
// WIDTH SPACE marks word boundaries for line breaking (Unicode UAX #14):
// a ZWSP next to one is typesetting, not hiding.
func BreakHintScript(r rune) bool {
	return isHan(r) || r >= 0x3040 && r <= 0x30FF || r >= 0x0E00 && r <= 0x0EFF || r >= 0x1000 && r <= 0x109F || r >= 0x1780 && r <= 0x17FF || r >= 0xAC00 && r <= 0xD7AF
}

// textualEscape returns the length of an escape spelled as text at the
// start of s (\u001b[, \x1b[, \033[, \e[, \u009b, and the ] of OSC), or 0.
func textualEscape(s string) int {
	for _, p := range [...]string{`\u001b`, `\x1b`, `\033`, `\e`, `\u009b`, `\x9b`, `\U0000001b`} {
		if len(s) > len(p) && strings.EqualFold(s[:len(p)], p) {
			c := s[len(p)]
			if c == '[' || c == ']' {
				return len(p) + 1
			}
			if p == `\u009b` || p == `\x9b` {
				return len(p)
			}
		}
	}
	return 0
}

// mixedScriptWord counts words holding both an ASCII letter and a
// Cyrillic or Greek letter that looks like a Latin one (Fold's confusable
// table), and returns the first. Greek letters used as symbols (μ, π, Δ,
// Ω, λ, σ) do not count: "10μs" and "Δx" are ordinary.
func mixedScriptWord(s string) (string, int) {
	n, first := 0, ""
	start, latin, other := -1, false, false
	flush := func(end int) {
		if start >= 0 && latin && other {
			n++
			if first == "" {
				first = s[start:end]
			}
		}
		start, latin, other = -1, false, false
	}
	for i, r := range s {
		isL := r < 0x80 && (r|0x20 >= 'a' && r|0x20 <= 'z')
		isO := r >= 0x0370 && r <= 0x04FF && foldConfusable[r] != 0 && !greekSymbol(r)
		if isL || isO || unicode.IsLetter(r) {
			if start < 0 {
				start = i
			}
			latin = latin || isL
			other = other || isO
			continue
		}
		flush(i)
	}
	flush(len(s))
	return first, n
}

func greekSymbol(r rune) bool {
	switch r {
	case 'μ', 'π', 'Δ', 'δ', 'Ω', 'ω', 'λ', 'σ', 'Σ', 'θ', 'φ', 'α', 'β', 'γ', 'ε', 'τ':
		return true
	}
	return false
}

// context returns up to 24 bytes of s either side of s[i:i+n], with the
// invisible run shown as ⟦U+XXXX…⟧ so a span shows where the character was.
func context(s string, i, n int) string {
	a := max(0, i-24)
	for a > 0 && !utf8.RuneStart(s[a]) {
		a++
	}
	b := min(len(s), i+n+24)
	for b < len(s) && !utf8.RuneStart(s[b]) {
		b++
	}
	var sb strings.Builder
	sb.WriteString(s[a:i])
	sb.WriteString("⟦")
	k := 0
	for _, r := range s[i : i+n] {
		if k == 4 {
			sb.WriteString(" …")
			break
		}
		if k > 0 {
			sb.WriteByte(' ')
		}
		fmt.Fprintf(&sb, "U+%04X", r)
		k++
	}
	sb.WriteString("⟧")
	sb.WriteString(s[i+n : b])
	return sb.String()
}

// maxInvisAt bounds the invisible-character offsets kept per text.
const maxInvisAt = 16

// wInvisibleInAddress is SignalInvisibleInAddress's weight (medium alone).
const wInvisibleInAddress = 0.5

// addressWords are command names and URL parts an invisible character
// inside of hides from a filter.
var addressWords = []string{"://", "www.", "curl", "wget", "bash", "powershell", "iex", "invoke-", "base64", "nc ", "/dev/tcp", "http"}

// insideAddress returns the text around the first stray invisible
// character whose word, with the invisible characters removed, is a URL,
// a host name or a command (see addressWords), or "".
func (h *hiddenScan) insideAddress() string {
	for _, i := range h.invisAt {
		// a break hint after '/', '.' or '-' in a long URL is layout; one
		// right after a letter or digit splits the word itself
		prev, _ := utf8.DecodeLastRuneInString(h.s[:i])
		if !unicode.IsLetter(prev) && !unicode.IsDigit(prev) {
			continue
		}
		_, n := utf8.DecodeRuneInString(h.s[i:])
		a, b := i, i
		for a > 0 && h.s[a-1] != ' ' && h.s[a-1] != '\n' && h.s[a-1] != '\t' {
			a--
		}
		for b < len(h.s) && h.s[b] != ' ' && h.s[b] != '\n' && h.s[b] != '\t' {
			b++
		}
		word := strings.ToLower(strings.Map(func(r rune) rune {
			if r == 0x00AD || isZeroWidth(r) {
				return -1
			}
			return r
		}, h.s[a:b]))
		for _, w := range addressWords {
			if strings.Contains(word, strings.TrimSpace(w)) {
				return context(h.s, i, n)
			}
		}
	}
	return ""
}
