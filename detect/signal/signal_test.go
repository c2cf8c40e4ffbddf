package signal

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"short", "short"},
		{"a\x1b[31mred", "a\uFFFD[31mred"},
		{"two\nlines", "two lines"},
		{strings.Repeat("é", 100), strings.Repeat("é", 58) + "…"},
	} {
		got := Clip(tc.in)
		if got != tc.want || !utf8.ValidString(got) || len(got) > MaxSpan {
			t.Errorf("Clip(%q) = %q (%d bytes), want %q", tc.in, got, len(got), tc.want)
		}
	}
}

func TestVerdict(t *testing.T) {
	a := Verdict{Score: 0.4, Level: LevelMedium, Findings: []Finding{{Signal: "ssrf.loopback", Weight: 0.4}}}
	b := Verdict{Score: 0.9, Level: LevelHigh, Findings: []Finding{{Signal: "ssrf.metadata_host", Weight: 0.9}, {Signal: "url", Weight: 0}}}
	m := Merge(a, b)
	if m.Score != 0.9 || m.Level != LevelHigh || m.Findings[0].Signal != "ssrf.metadata_host" || len(m.Findings) != 3 {
		t.Fatalf("Merge = %+v", m)
	}
	if !m.Has("ssrf") || m.Has("ssr") || !m.Has("url") || m.Has("secret") {
		t.Errorf("Has: wrong answers on %v", m.Signals())
	}
	if !LevelHigh.AtLeast(LevelMedium) || LevelLow.AtLeast(LevelMedium) || !LevelNone.AtLeast(LevelNone) {
		t.Error("AtLeast ordering wrong")
	}
	if (Verdict{}).Hit() || !a.Hit() {
		t.Error("Hit wrong")
	}
}

func TestClipControlCharactersStayWithinMaxSpan(t *testing.T) {
	in := strings.Repeat("\x01", 200)
	if got := Clip(in); len(got) > MaxSpan || !utf8.ValidString(got) {
		t.Errorf("Clip of 200 control characters: %d bytes", len(got))
	}
}
