// Package secrets is mcpaudit's one catalogue of secret patterns. The
// collector masks what it finds (Redactor.Redact) before events reach Kafka,
// and detection asks which kinds of secret a text holds (Kinds), counting the
// `[REDACTED:kind]` markers the collector left as well, so that both sides
// always agree on what a secret is.
//
// Written here rather than taken from a secret scanner library: the scanners
// available (gitleaks, trufflehog) are whole applications with hundreds of
// rules and network verification, far heavier than the handful of
// high-confidence patterns a hot ingest path can afford.
package secrets

import (
	"regexp"
	"strings"
)

// Secret kinds, as they appear in the `[REDACTED:<kind>]` marker, in Kinds'
// result and in the kind label of mcpaudit_ingest_redactions_total.
const (
	// KindAWSAccessKey is an AWS access key id (AKIA... long-term, ASIA...
	// temporary, ABIA/ACCA).
	KindAWSAccessKey = "aws_access_key"
	// KindAWSSecretKey is the 40-character value of an
	// aws_secret_access_key assignment.
	KindAWSSecretKey = "aws_secret_access_key"
	// KindPrivateKey is a PEM private key block (RSA, EC, OPENSSH, PKCS#8,
	// encrypted), with or without its END line.
	KindPrivateKey = "private_key"
	// KindGitHubToken is a GitHub token (ghp_, gho_, ghu_, ghs_, ghr_,
	// github_pat_).
	KindGitHubToken = "github_token"
	// KindSlackToken is a Slack token (xoxb-, xoxa-, xoxp-, xoxr-, xoxs-,
	// xoxo-).
	KindSlackToken = "slack_token"
	// KindSlackWebhook is a Slack incoming-webhook URL.
	KindSlackWebhook = "slack_webhook"
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
	// contains one of these strings (case-insensitively when fold; the hints
	// of such rules are lowercase).
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

// AllKinds returns every kind, in the order the rules apply.
func AllKinds() []string {
	return []string{KindPrivateKey, KindAWSAccessKey, KindAWSSecretKey, KindGitHubToken, KindSlackToken, KindSlackWebhook, KindJWT, KindJSONSecret}
}

// NewRedactor returns a Redactor with the built-in rules, applied in this
// order: private keys, AWS access keys and secret keys, GitHub tokens, Slack
// tokens and webhooks, JWTs, then JSON members named like secrets (password, passwd, secret, token,
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
			hints: []string{"AKIA", "ASIA", "ABIA", "ACCA"},
			re:    regexp.MustCompile(`\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b`),
		},
		{
			kind:  KindAWSSecretKey,
			hints: []string{"aws_secret_access_key"},
			fold:  true,
			re:    regexp.MustCompile(`(?i)aws_secret_access_key["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})`),
			group: 1,
		},
		{
			kind:  KindGitHubToken,
			hints: []string{"gh", "github_pat_"},
			re:    regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b`),
		},
		{
			kind:  KindSlackToken,
			hints: []string{"xox"},
			re:    regexp.MustCompile(`\bxox[baprso]-[A-Za-z0-9-]{10,250}`),
		},
		{
			kind:  KindSlackWebhook,
			hints: []string{"hooks.slack.com"},
			re:    regexp.MustCompile(`https://hooks\.slack\.com/services/[A-Za-z0-9]+/[A-Za-z0-9]+/[A-Za-z0-9]+`),
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
	// Hints are only a pre-filter, so testing them against the original text
	// is safe: redaction changes values, never the member names or prefixes
	// the hints look for.
	h := hintText{s: s}
	for i := range r.rules {
		rule := &r.rules[i]
		if !h.has(rule) {
			continue
		}
		s = rule.apply(s, found)
	}
	return s
}

// Kinds returns the kinds of secret in s, each once, in the order of
// AllKinds: both secrets still in clear text and `[REDACTED:kind]` markers
// (the collector redacts before detection sees an event). It returns nil when
// there is none.
func (r *Redactor) Kinds(s string) []string {
	var out []string
	h := hintText{s: s}
	for i := range r.rules {
		rule := &r.rules[i]
		if (h.has(rule) && rule.present(s)) || strings.Contains(s, Marker(rule.kind)) {
			out = append(out, rule.kind)
		}
	}
	return out
}

// present reports whether s holds a secret of the rule's kind in clear text.
// The caller has checked the rule's hints.
func (rule *redactRule) present(s string) bool {
	for _, loc := range rule.re.FindAllStringSubmatchIndex(s, -1) {
		start, end := loc[2*rule.group], loc[2*rule.group+1]
		if start >= 0 && !rule.isExempt(s[loc[0]:loc[1]]) && !isMarker(s[start:end]) {
			return true
		}
	}
	return false
}

// isMarker reports whether v is a redaction marker.
func isMarker(v string) bool {
	return strings.HasPrefix(v, redactMarkerPrefix) && strings.HasSuffix(v, "]") && !strings.ContainsAny(v, " ")
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
		if isMarker(s[start:end]) {
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

// hintText tests rule hints against one text, lowering it at most once for
// the case-insensitive ones.
type hintText struct {
	s, lower string
	lowered  bool
}

// has reports whether the text contains one of rule's hints (any text does
// when the rule has none).
func (h *hintText) has(rule *redactRule) bool {
	if len(rule.hints) == 0 {
		return true
	}
	text := h.s
	if rule.fold {
		if !h.lowered {
			h.lower, h.lowered = strings.ToLower(h.s), true
		}
		text = h.lower
	}
	for _, sub := range rule.hints {
		if strings.Contains(text, sub) {
			return true
		}
	}
	return false
}
