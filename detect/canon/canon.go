package canon

//go:generate go run gen_confusables.go

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mtibben/confusables"
	"golang.org/x/text/unicode/norm"
)

// Fold returns the form of s that text detectors match on:
//
//   - NFKC (Unicode Standard Annex #15), so fullwidth, mathematical and
//     other compatibility letters become plain letters;
//   - letters of other scripts that look like a Latin letter or digit
//     (Cyrillic а, Greek ο, Armenian օ, Cherokee, Lisu, IPA, ...) and
//     accented Latin letters mapped to the plain ASCII letter, from
//     Unicode's confusables.txt (UTS #39; see confusables_table.go);
//   - format characters (general category Cf: soft hyphen, zero-width
//     space, word joiner, BOM, bidi controls, tag characters), other
//     controls, variation selectors, combining marks on Latin letters,
//     Arabic vowel marks and Hebrew points removed; U+200C ZWNJ and
//     U+200D ZWJ are kept only between letters of scripts that spell with
//     them (Arabic, Indic, Sinhala, Myanmar, ...)
//     and inside emoji sequences;
//   - case folded (simple lower-casing, ß as "ss");
//   - white space collapsed: a run of white space becomes one "\n" when it
//     holds a line break and one " " otherwise; leading and trailing white
//     space is dropped.
//
// Leetspeak (0 for o, 3 for e) is deliberately not mapped: digits are
// ordinary in tool text (versions, ports, sizes) and mapping them makes
// false matches. Fold never fails; invalid UTF-8 bytes become U+FFFD.
// ASCII text without upper case or repeated spaces is returned as is,
// without allocating.
func Fold(s string) string { return fold(s, 0) }

func fold(s string, depth int) string {
	if isASCII(s) {
		return foldASCII(s)
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := byte(0)  // pending white space: 0, ' ' or '\n'
	var prev rune     // last rune written (0 at start)
	removed := false  // a character was dropped: marks may now need reordering
	latinOut := false // the last rune written was ASCII or Latin
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if r > ' ' && r < 0x7f {
			if space != 0 {
				if b.Len() > 0 {
					b.WriteByte(space)
				}
				space = 0
			}
			b.WriteByte(lowerASCII(byte(r)))
			prev, latinOut = r, true
			continue
		}
		switch {
		case r == '\n' || r == '\r' || r == 0x85 || r == 0x2028 || r == 0x2029 || r == '\v' || r == '\f':
			space = '\n'
			continue
		case unicode.IsSpace(r):
			if space == 0 {
				space = ' '
			}
			continue
		case r == zwnj || r == zwj:
			if !joinerNeeded(prev, nextKept(s[i:])) {
				removed = true
				continue
			}
		case unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Cc, r) || isVariationSelector(r) || isInvisibleFiller(r):
			removed = true
			continue
		case unicode.Is(unicode.Mn, r) && r < 0x0370 && latinOut:
			removed = true
			continue // combining accent on a Latin letter
		case r >= 0x064B && r <= 0x065F || r == 0x0670 || r >= 0x0591 && r <= 0x05C7 && unicode.Is(unicode.Mn, r):
			// Arabic vowel marks (harakat, tanwin, shadda, sukun) and Hebrew
			// points: optional in writing, so a word reads the same with or
			// without them
			removed = true
			continue
		}
		if space != 0 {
			if b.Len() > 0 {
				b.WriteByte(space)
			}
			space = 0
		}
		latinOut = true
		if r < utf8.RuneSelf {
			b.WriteByte(lowerASCII(byte(r)))
		} else if c, ok := foldConfusable[r]; ok {
			b.WriteByte(c)
		} else if r == 'ß' || r == 'ẞ' {
			b.WriteString("ss")
		} else if lr := unicode.ToLower(r); lr != r {
			if c, ok := foldConfusable[lr]; ok {
				b.WriteByte(c)
			} else {
				b.WriteRune(lr)
				latinOut = unicode.Is(unicode.Latin, lr)
			}
		} else {
			b.WriteRune(r)
			latinOut = unicode.Is(unicode.Latin, r)
		}
		prev = r
	}
	out := b.String()
	if removed && depth < 2 && !norm.NFKC.IsNormalString(out) {
		// dropping a control between two combining marks can leave text
		// that is no longer normalised; another pass settles it
		return fold(out, depth+1)
	}
	return out
}

// foldASCII is Fold's fast path for ASCII text.
func foldASCII(s string) string {
	clean := true
	for i := 0; i < len(s) && clean; i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c < 0x20 && c != ' ', c == 0x7f:
			clean = false
		case c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' '):
			clean = false
		}
	}
	if clean {
		return s
	}
	b := make([]byte, 0, len(s))
	space := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\n' || c == '\r' || c == '\v' || c == '\f':
			space = '\n'
			continue
		case c == ' ' || c == '\t':
			if space == 0 {
				space = ' '
			}
			continue
		case c < 0x20 || c == 0x7f:
			continue
		}
		if space != 0 {
			if len(b) > 0 {
				b = append(b, space)
			}
			space = 0
		}
		b = append(b, lowerASCII(c))
	}
	return string(b)
}

// Skeleton returns the form under which lookalike tool and server names
// compare equal: NFKC, then the UTS #39 skeleton (every character mapped
// to its prototype in confusables.txt: Cyrillic а to a, I and 1 to l, m to
// rn), combining marks and format characters dropped, lower case, the
// separators "-", "_", ".", white space and "/" removed, and finally 0 read
// as o and i as l (after case folding an upper-case I cannot be told from
// a lower-case i, and I/l is the classic swap). "read_fiIe", "reаd_file"
// (Cyrillic а), "Read-File" and "READ_FILE" all give "readflle". Two names
// with one skeleton look alike; equal names trivially share one.
func Skeleton(name string) string {
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "\uFFFD")
	}
	sk := confusables.Skeleton(norm.NFKC.String(name))
	var b strings.Builder
	b.Grow(len(sk))
	for _, r := range sk {
		switch {
		case r == '-' || r == '_' || r == '.' || r == '/' || unicode.IsSpace(r):
			continue
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Cc, r) || isVariationSelector(r):
			continue
		}
		r = unicode.ToLower(r)
		switch r {
		case '0':
			r = 'o'
		case 'i', '1', '|':
			r = 'l'
		}
		if c, ok := foldConfusable[r]; ok {
			r = rune(c)
		}
		b.WriteRune(r)
	}
	return b.String()
}

const (
	zwnj = '\u200C'
	zwj  = '\u200D'
)

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// joinerNeeded reports whether a ZWJ or ZWNJ between prev and next is
// ordinary spelling: inside an emoji sequence or next to a letter or mark
// of a script that uses joiners.
func joinerNeeded(prev, next rune) bool {
	if (isEmoji(prev) || prev == 0xFE0F || isSkinTone(prev)) && isEmoji(next) {
		return true
	}
	return joinerScript(prev) || joinerScript(next)
}

// joinerScript reports whether r belongs to a script whose spelling uses
// ZWJ/ZWNJ: Arabic (and Persian, Urdu), Syriac, N'Ko, the Indic scripts
// from Devanagari to Sinhala, Tibetan, Myanmar, Khmer, Mongolian, and the
// Arabic presentation forms.
func joinerScript(r rune) bool {
	switch {
	case r >= 0x0600 && r <= 0x08FF: // Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic, Arabic Extended
		return true
	case r >= 0x0900 && r <= 0x0DFF: // Devanagari .. Sinhala
		return true
	case r >= 0x0F00 && r <= 0x109F: // Tibetan, Myanmar
		return true
	case r >= 0x1780 && r <= 0x18AF: // Khmer, Mongolian
		return true
	case r >= 0xA8E0 && r <= 0xA8FF, r >= 0xFB50 && r <= 0xFDFF, r >= 0xFE70 && r <= 0xFEFE:
		return true
	case r >= 0x11000 && r <= 0x111FF: // Brahmi, Kaithi, Chakma, ...
		return true
	}
	return false
}

// isEmoji reports whether r is in one of the blocks emoji come from.
func isEmoji(r rune) bool {
	switch {
	case r >= 0x1F000 && r <= 0x1FAFF:
		return true
	case r >= 0x2300 && r <= 0x23FF, r >= 0x2600 && r <= 0x27BF, r >= 0x2B00 && r <= 0x2BFF:
		return true
	case r == 0x00A9 || r == 0x00AE || r == 0x203C || r == 0x2049 || r == 0x2122 || r == 0x2139:
		return true
	case r >= 0x2194 && r <= 0x21AA, r >= 0x25A0 && r <= 0x25FF, r == 0x2934 || r == 0x2935:
		return true
	case r == 0x3030 || r == 0x303D || r == 0x3297 || r == 0x3299 || r == 0x24C2:
		return true
	}
	return false
}

func isSkinTone(r rune) bool { return r >= 0x1F3FB && r <= 0x1F3FF }

func isVariationSelector(r rune) bool {
	return r >= 0xFE00 && r <= 0xFE0F || r >= 0xE0100 && r <= 0xE01EF || r >= 0x180B && r <= 0x180D || r == 0x180F
}

// isInvisibleFiller reports the blank letters and marks that render as
// nothing and are used to hide text: Hangul fillers, the combining
// grapheme joiner, the Mongolian vowel separator, Braille blank is left
// alone (it is visible as a blank cell).
func isInvisibleFiller(r rune) bool {
	return r == 0x115F || r == 0x1160 || r == 0x3164 || r == 0xFFA0 || r == 0x034F || r == 0x180E
}

func isHan(r rune) bool {
	return r >= 0x3400 && r <= 0x4DBF || r >= 0x4E00 && r <= 0x9FFF || r >= 0xF900 && r <= 0xFAFF || r >= 0x20000 && r <= 0x3FFFF
}

// isRTL reports whether r is a letter of a right-to-left script (Hebrew,
// Arabic, Syriac, Thaana, N'Ko, and their presentation forms).
func isRTL(r rune) bool {
	return r >= 0x0590 && r <= 0x08FF || r >= 0xFB1D && r <= 0xFDFF || r >= 0xFE70 && r <= 0xFEFE || r >= 0x10800 && r <= 0x10FFF || r >= 0x1E800 && r <= 0x1EFFF
}

// nextKept returns the first rune of s that fold keeps: format and control
// characters, variation selectors, fillers and joiners before it are
// dropped, so a joiner's need is judged on the letters it will end up
// between (which keeps Fold idempotent).
func nextKept(s string) rune {
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if r == zwnj || r == zwj || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Cc, r) && r != '\n' && r != '\r' && r != '\t' && r != '\v' && r != '\f' || isVariationSelector(r) || isInvisibleFiller(r) {
			s = s[n:]
			continue
		}
		return r
	}
	return 0
}
