// Package canon canonicalises model-visible text for matching and finds
// text hidden from people but read by models.
//
// Fold gives the form text detectors match on (NFKC, confusables to their
// Latin look-alikes, format characters removed, case folded, white space
// collapsed). Skeleton gives the form under which lookalike tool and
// server names compare equal (UTS #39 skeleton, separators dropped, 0/o
// and 1/I/l merged). Confusable data comes from Unicode's confusables.txt:
// Skeleton uses github.com/mtibben/confusables (the full UTS #39 table);
// Fold uses a compact table generated from the same data
// (confusables_table.go, written by gen_confusables.go: letters of the
// Latin extensions, Greek, Cyrillic, Armenian, Cherokee, Lisu, ... whose
// prototype is one ASCII letter or digit), because Fold must keep words
// intact (the full skeleton rewrites "m" as "rn").
//
// Hidden reports steganography and invisible text. Each signal is one
// finding with a weight; the verdict's score is 1 − Π(1 − weight) over the
// findings (diminishing returns, in [0, 1]) and its level comes from the
// shared thresholds: low ≥ 0.1, medium ≥ 0.4 (what default rules alert
// on), high ≥ 0.7, critical ≥ 0.9.
//
//	signal                                 weight  fires on
//	steganography.tag_characters           0.85    U+E0000–E007F outside an emoji subdivision flag (span: the decoded ASCII)
//	steganography.variation_selector_code  0.80    ≥ 3 variation selectors on one base (span: decoded bytes)
//	steganography.bidi_override            0.75    U+202D, U+202E
//	terminal.ansi_escape                   0.70    raw ESC or 8-bit CSI (U+009B)
//	steganography.zero_width_run           0.30/0.75  a run of 2–3 / ≥ 4 invisible characters
//	steganography.whitespace_padding       0.50    ≥ 80 blanks or ≥ 12 line breaks in a row, then more text
//	steganography.bidi_control             0.45/0.10  U+202A–202C, U+2066–2069 (0.10 when the text has RTL letters)
//	steganography.variation_selector       0.45/0.20  a lone U+E0100–E01EF not after a Han ideograph / a lone FE00–FE0F where none belongs
//	terminal.ansi_escape_text              0.45    \u001b[ \x1b[ \033[ \e[ spelled as text
//	terminal.control_character             0.30    other C0/C1 controls, a bare CR
//	steganography.bidi_mark                0.25    U+200E/200F/061C in text with no RTL letters
//	steganography.mixed_script             0.15 +0.03 each more, ≤ 0.25   words mixing Latin with Cyrillic/Greek look-alikes
//	steganography.zero_width               0.10 +0.06 each more, ≤ 0.45   stray single ZWSP/ZWJ/ZWNJ/WJ/BOM
//	steganography.soft_hyphen              0.10 +0.05 each more, ≤ 0.40   U+00AD between letters
//	steganography.invisible_in_address     0.50                            an invisible character or soft hyphen right after a letter or digit
//	                                                                       inside a URL, host or command word ("ht\u180etps://", "cu\u00adrl")
//
// Not reported: emoji ZWJ sequences (👨‍👩‍👧, 🏳️‍🌈), U+FE0F/FE0E after
// an emoji, symbol or keycap base, ZWJ/ZWNJ next to letters of Arabic,
// Persian, Indic, Sinhala, Myanmar, Khmer, Mongolian and Tibetan text, a
// BOM at offset 0, NBSP, ZWSP between CJK/Thai/Lao/Khmer/Myanmar letters,
// ideographic variation sequences after a Han ideograph. Two stray ZWSP
// (seen in a real server's parameter description) score 0.16: low, below
// the medium threshold.
//
// Spans never carry secrets: they go through internal/secrets'
// Redactor and signal.Clip (SafeSpan).
package canon
