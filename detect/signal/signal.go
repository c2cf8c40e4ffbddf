// Package signal holds the verdict shape every mcpaudit analyser returns:
// a score, a severity level and the findings (which signal fired, in which
// field, on which span of text) that explain it. Rules see these values
// through the detect environment (expr tags, snake_case) and alerts carry
// the findings as their reasons.
package signal

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxSpan is the longest Finding.Span, in bytes; Clip shortens longer text.
const MaxSpan = 120

// Finding is one reason an analyser gives for its verdict.
type Finding struct {
	// Signal names what fired, as dotted lowercase words: the analyser's
	// area, then the signal ("instruction.obligation", "steganography.tag_characters",
	// "ssrf.metadata_host", "secret.aws_access_key").
	Signal string `expr:"signal" json:"signal"`
	// Field locates the text the signal fired on: "description",
	// "inputSchema.properties.city.description", "arguments.command",
	// "result.content[0].text". Empty when the whole input is meant.
	Field string `expr:"field" json:"field"`
	// Span is the matched text, at most MaxSpan bytes (see Clip), with
	// secrets replaced by [REDACTED:kind]: it is safe to store and show.
	Span string `expr:"span" json:"span"`
	// Weight is what this finding adds to the verdict's score (0 for
	// findings that only explain).
	Weight float64 `expr:"weight" json:"weight"`
}

// Level is a verdict's severity, in Sigma's words.
type Level string

// Levels, in increasing order: LevelNone (nothing found), then Sigma's
// low, medium, high and critical.
const (
	LevelNone     Level = ""
	LevelLow      Level = "low"
	LevelMedium   Level = "medium"
	LevelHigh     Level = "high"
	LevelCritical Level = "critical"
)

// Rank orders levels: 0 for LevelNone up to 4 for LevelCritical; -1 for an
// unknown level.
func (l Level) Rank() int {
	switch l {
	case LevelNone:
		return 0
	case LevelLow:
		return 1
	case LevelMedium:
		return 2
	case LevelHigh:
		return 3
	case LevelCritical:
		return 4
	}
	return -1
}

// AtLeast reports whether l is as severe as min or more.
func (l Level) AtLeast(min Level) bool { return l.Rank() >= min.Rank() && min.Rank() >= 0 }

// Thresholds are the scores from which a verdict reaches each level; an
// analyser documents its own.
type Thresholds struct {
	// Low, Medium, High and Critical are the lowest scores of each level.
	Low, Medium, High, Critical float64
}

// Level returns the level t gives score. A tolerance of 1e-9 absorbs
// float rounding (1 − (1 − 0.1) is 0.0999…).
func (t Thresholds) Level(score float64) Level {
	score += 1e-9
	switch {
	case score >= t.Critical:
		return LevelCritical
	case score >= t.High:
		return LevelHigh
	case score >= t.Medium:
		return LevelMedium
	case score >= t.Low:
		return LevelLow
	}
	return LevelNone
}

// Verdict is an analyser's answer for one input: Score, the Level its
// thresholds give that score, and the Findings behind it. The zero Verdict
// means nothing was found.
type Verdict struct {
	// Score is the combined weight of the findings; analysers document
	// their scale and thresholds (most use 0 to about 1, clamped at 1).
	Score float64 `expr:"score" json:"score"`
	// Level is LevelNone, or the severity the analyser's thresholds give
	// Score.
	Level Level `expr:"level" json:"level"`
	// Findings explain the score, most weighty first.
	Findings []Finding `expr:"findings" json:"findings,omitempty"`
}

// Hit reports whether the verdict found anything at all.
func (v Verdict) Hit() bool { return len(v.Findings) > 0 || v.Score > 0 }

// Signals returns the distinct Signal names of the findings, in order.
func (v Verdict) Signals() []string {
	var out []string
	for _, f := range v.Findings {
		if !slices.Contains(out, f.Signal) {
			out = append(out, f.Signal)
		}
	}
	return out
}

// Has reports whether a finding's Signal equals prefix or starts with
// prefix followed by a dot ("ssrf" matches "ssrf.metadata_host").
func (v Verdict) Has(prefix string) bool {
	for _, f := range v.Findings {
		if f.Signal == prefix || strings.HasPrefix(f.Signal, prefix) && len(f.Signal) > len(prefix) && f.Signal[len(prefix)] == '.' {
			return true
		}
	}
	return false
}

// Merge returns a verdict holding the findings of every verdict in vs
// (sorted by descending weight, stable), the highest score and the most
// severe level.
func Merge(vs ...Verdict) Verdict {
	var out Verdict
	for _, v := range vs {
		out.Findings = append(out.Findings, v.Findings...)
		out.Score = max(out.Score, v.Score)
		if v.Level.Rank() > out.Level.Rank() {
			out.Level = v.Level
		}
	}
	Sort(out.Findings)
	return out
}

// Sort orders findings by descending weight, keeping the order of equal
// weights.
func Sort(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		switch {
		case a.Weight > b.Weight:
			return -1
		case a.Weight < b.Weight:
			return 1
		}
		return 0
	})
}

// Clip returns s shortened to at most MaxSpan bytes on a UTF-8 boundary,
// with "…" appended when it was cut, line breaks shown as spaces and other
// control characters but tab as U+FFFD, so a span is one line and never
// carries a terminal escape.
func Clip(s string) string {
	// Map first, cut after: U+FFFD is three bytes, so mapping after the
	// cut could grow a span past MaxSpan.
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r':
			return ' '
		case r < 0x20 && r != '\t' || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return '\uFFFD'
		}
		return r
	}, s)
	if len(s) <= MaxSpan {
		return s
	}
	n := MaxSpan - len("…")
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
