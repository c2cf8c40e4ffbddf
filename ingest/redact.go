package ingest

import (
	"regexp"
	"strings"
)

// Redaction kinds, as they appear in the `[REDACTED:<kind>]` marker and in
// the kind label of mcpaudit_ingest_redactions_total.
const (
	// KindAWSAccessKey is an AWS access key id (AKIA... long-term, ASIA...
	// temporary).
	KindAWSAccessKey = "aws_access_key"
	// KindPrivateKey is a PEM private key block (RSA, EC, OPENSSH, PKCS#8,
	// encrypted), with or without its END line.
	KindPrivateKey = "private_key"
	// KindGitHubToken is a GitHub token (ghp_, gho_, ghu_, ghs_, ghr_,
	// github_pat_).
	KindGitHubToken = "github_token"
	// KindSlackToken is a Slack token (xoxb-, xoxa-, xoxp-, xoxr-, xoxs-).
	KindSlackToken = "slack_token"
	// KindJWT is a JSON Web Token in compact serialisation (eyJ....eyJ....sig).
	KindJWT = "jwt"
	// KindJSONSecret is the string value of a JSON member whose name says it
	// holds a secret (password, passwd, secret, token, api_key, ...).
	KindJSONSecret = "json_secret"
)

// redactMarkerPrefix starts every replacement, so detection rules and
// analysts can still see that a secret was there and of which kind.
const redactMarkerPrefix = "[REDACTED:"

// Marker returns the text that replaces a secret of kind: `[REDACTED:kind]`.
func Marker(kind string) string { return redactMarkerPrefix + kind + "]" }

type redactRule struct {
	kind string
	// hints is a cheap substring test: the regexp runs only when the text
	// contains one of these strings (ASCII case-insensitively when fold).
	// Empty runs always.
	hints []string
	fold  bool
	re    *regexp.Regexp
	// group, when positive, is the submatch replaced; the rest of the match
	// is kept. Zero replaces the whole match.
	group int
	// exempt lists JSON member names (whole match's leading quoted name)
	// the rule leaves alone, such as MCP's own progressToken.
	exempt []string
}

// Redactor masks secrets in free text and JSON text, replacing each with
// Marker(kind). It is safe for concurrent use; the zero value is not usable,
// use NewRedactor.
type Redactor struct {
	rules []redactRule
}

// NewRedactor returns a Redactor with the built-in rules, applied in this
// order: private keys, AWS access keys, GitHub tokens, Slack tokens, JWTs,
// then JSON members named like secrets (password, passwd, secret, token,
// api_key, apikey, credential, in any case, as part of the member name).
func NewRedactor() *Redactor {
	return &Redactor{rules: []redactRule{
		{
			kind:  KindPrivateKey,
			hints: []string{"PRIVATE KEY-----"},
			// The body never contains "--" or a quote, so an unterminated
			// block stops at the end of its JSON string.
			re: regexp.MustCompile(`-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY-----(?:[^"-]|-[^"-])*(?:-----END[A-Z0-9 ]{0,40}PRIVATE KEY-----)?`),
		},
		{
			kind:  KindAWSAccessKey,
			hints: []string{"AKIA", "ASIA"},
			re:    regexp.MustCompile(`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`),
		},
		{
			kind:  KindGitHubToken,
			hints: []string{"gh", "github_pat_"},
			re:    regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b`),
		},
		{
			kind:  KindSlackToken,
			hints: []string{"xox"},
			re:    regexp.MustCompile(`\bxox[baprs]-[A-Za-z0-9-]{10,250}`),
		},
		{
			kind:  KindJWT,
			hints: []string{"eyJ"},
			re:    regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`),
		},
		{
			kind: KindJSONSecret,
			// `"db_password": "value"`: group 1 is the value's content,
			// escapes included.
			hints:  []string{"passw", "secret", "token", "key", "credential"},
			fold:   true,
			re:     regexp.MustCompile(`(?i)"[^"\\]*(?:password|passwd|secret|token|api[_-]?key|credential)[^"\\]*"\s*:\s*"((?:[^"\\]|\\.)+)"`),
			group:  1,
			exempt: []string{"progressToken"},
		},
	}}
}

// Redact returns s with every secret replaced by its marker, and calls found
// once per replacement with its kind (found may be nil). Text without a
// secret is returned unchanged, without copying. JSON stays valid JSON: the
// markers hold no quote or backslash and replace text inside string values.
func (r *Redactor) Redact(s string, found func(kind string)) string {
	for i := range r.rules {
		rule := &r.rules[i]
		if len(rule.hints) > 0 && !containsAny(s, rule.hints, rule.fold) {
			continue
		}
		s = rule.apply(s, found)
	}
	return s
}

func (rule *redactRule) apply(s string, found func(string)) string {
	locs := rule.re.FindAllStringSubmatchIndex(s, -1)
	if len(locs) == 0 {
		return s
	}
	marker := Marker(rule.kind)
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, loc := range locs {
		start, end := loc[2*rule.group], loc[2*rule.group+1]
		if start < 0 || rule.isExempt(s[loc[0]:loc[1]]) {
			continue
		}
		// A value an earlier rule already masked keeps its specific kind.
		if strings.HasPrefix(s[start:end], redactMarkerPrefix) && strings.HasSuffix(s[start:end], "]") && !strings.ContainsAny(s[start:end], " ") {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(marker)
		last = end
		if found != nil {
			found(rule.kind)
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func (rule *redactRule) isExempt(match string) bool {
	for _, name := range rule.exempt {
		if strings.HasPrefix(match, `"`+name+`"`) {
			return true
		}
	}
	return false
}

func containsAny(s string, subs []string, fold bool) bool {
	for _, sub := range subs {
		if !fold && strings.Contains(s, sub) || fold && containsFoldASCII(s, sub) {
			return true
		}
	}
	return false
}

// containsFoldASCII reports whether s contains sub, a lowercase ASCII word,
// ignoring ASCII case.
func containsFoldASCII(s, sub string) bool {
	first := sub[0]
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i]|0x20 != first {
			continue
		}
		j := 1
		for j < len(sub) && s[i+j]|0x20 == sub[j] {
			j++
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}
