package canon

import (
	"testing"
	"unicode/utf8"

	"github.com/mcpaudit/mcpaudit/detect/signal"
)

// FuzzHidden checks, for any input: no panic; Fold and Skeleton return
// valid UTF-8 and Fold is idempotent; every Hidden span is valid UTF-8
// and at most signal.MaxSpan bytes; the score is in [0, 1] and the level
// is the one LevelFor gives it.
func FuzzHidden(f *testing.F) {
	for _, s := range []string{"", "plain", "a\u200bb", "👨\u200d👩\u200d👧", "x\U000E0041\U000E007F", "\x1b[31m", `\u001b[`, "\ufeffa", "a\xff\xfe", "می\u200cخواهم"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fs := Fold(s)
		if !utf8.ValidString(fs) {
			t.Fatalf("Fold(%q) = %q: invalid UTF-8", s, fs)
		}
		if ff := Fold(fs); ff != fs {
			t.Fatalf("Fold not idempotent: %q -> %q -> %q", s, fs, ff)
		}
		if sk := Skeleton(s); !utf8.ValidString(sk) {
			t.Fatalf("Skeleton(%q) invalid UTF-8", s)
		}
		v := Hidden(s)
		if v.Score < 0 || v.Score > 1 || v.Level != LevelFor(v.Score) {
			t.Fatalf("Hidden(%q): score %v level %q", s, v.Score, v.Level)
		}
		for _, fd := range v.Findings {
			if !utf8.ValidString(fd.Span) || len(fd.Span) > signal.MaxSpan {
				t.Fatalf("Hidden(%q): bad span %q", s, fd.Span)
			}
		}
	})
}
