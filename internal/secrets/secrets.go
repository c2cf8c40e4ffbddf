// Package secrets is mcpaudit's one catalogue of secret patterns. The
// collector masks what it finds (Redactor.Redact) before events reach Kafka,
// and detection asks which kinds of secret a text holds (Kinds) or where they
// are (Find), counting the `[REDACTED:kind]` markers the collector left as
// well, so that both sides always agree on what a secret is.
//
// Every rule is a prefix or a context word (a cheap substring hint), a
// regular expression fixing length and character set, and, where the format
// defines one, a validation: GitHub's CRC32 checksum, a JWT header that
// decodes to a JSON object naming "alg", a Discord token whose first part
// decodes to a numeric user id, enough entropy for values of password= style
// assignments. A validation is either required (the match is not a secret
// without it) or only raises confidence (Match.Verified), so made-up tokens
// of the right shape still count. Documentation and template stand-ins
// of a token format (AWS's published AKIAIOSFODNN7EXAMPLE pair,
// ghp_XXXX..., sk_live_REPLACE_ME; see Placeholder) are not secrets and
// stay in clear, and an assignment whose name is one segment of a
// colon-separated identifier (the ":secret:" of an AWS ARN) names a secret
// without holding it.
//
// Written here rather than taken from a secret scanner library: the scanners
// available (gitleaks, trufflehog) are whole applications with hundreds of
// rules and network verification, far heavier than the few dozen
// high-confidence patterns a hot ingest path can afford.
package secrets

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"hash/crc32"
	"math"
	"regexp"
	"sort"
	"strings"
)

// Secret kinds, as they appear in the `[REDACTED:<kind>]` marker, in Kinds'
// result and in the kind label of mcpaudit_ingest_redactions_total.
const (
	// KindAWSAccessKey is an AWS access key id (AKIA... long-term, ASIA...
	// temporary, ABIA/ACCA).
	KindAWSAccessKey = "aws_access_key"
	// KindAWSSecretKey is the 40-character value of an
	// aws_secret_access_key (or secretAccessKey) assignment.
	KindAWSSecretKey = "aws_secret_access_key"
	// KindPrivateKey is a PEM private key block (RSA, EC, DSA, OPENSSH,
	// PKCS#8, encrypted) or an armored PGP private key block, with or
	// without its END line.
	KindPrivateKey = "private_key"
	// KindGitHubToken is a GitHub token (ghp_, gho_, ghu_, ghs_, ghr_,
	// github_pat_). Verified when the last six characters are the base62
	// CRC32 checksum GitHub's 2021 format defines.
	KindGitHubToken = "github_token"
	// KindGitLabToken is a GitLab token (glpat-, and the glptt-, gldt-,
	// glrt-, gloas- families).
	KindGitLabToken = "gitlab_token"
	// KindSlackToken is a Slack token (xoxb-, xoxa-, xoxp-, xoxr-, xoxs-,
	// xoxo-).
	KindSlackToken = "slack_token"
	// KindSlackWebhook is a Slack incoming-webhook URL.
	KindSlackWebhook = "slack_webhook"
	// KindDiscordToken is a Discord bot or user token (base64 user id, a
	// timestamp part and an HMAC part separated by dots). Verified when
	// the first part decodes to a numeric id.
	KindDiscordToken = "discord_token"
	// KindDiscordWebhook is a Discord webhook URL
	// (discord.com/api/webhooks/<id>/<token>).
	KindDiscordWebhook = "discord_webhook"
	// KindTelegramBotToken is a Telegram Bot API token (<bot id>:AA...).
	KindTelegramBotToken = "telegram_bot_token"
	// KindStripeKey is a Stripe secret or restricted key (sk_live_,
	// sk_test_, rk_live_, rk_test_); publishable pk_ keys are public and
	// not matched.
	KindStripeKey = "stripe_key"
	// KindTwilioKey is a Twilio API key SID (SK followed by 32 hex digits).
	KindTwilioKey = "twilio_api_key"
	// KindSendGridKey is a SendGrid API key (SG.<22>.<43>).
	KindSendGridKey = "sendgrid_api_key"
	// KindMailgunKey is a Mailgun API key (key- followed by 32 hex digits).
	KindMailgunKey = "mailgun_api_key"
	// KindNPMToken is an npm access token (npm_ followed by 36 base62
	// characters).
	KindNPMToken = "npm_token"
	// KindPyPIToken is a PyPI API token (pypi-AgEI..., a macaroon).
	KindPyPIToken = "pypi_token"
	// KindDockerHubToken is a Docker Hub personal access token (dckr_pat_).
	KindDockerHubToken = "dockerhub_token"
	// KindAnthropicKey is an Anthropic API key (sk-ant-).
	KindAnthropicKey = "anthropic_api_key"
	// KindOpenAIKey is an OpenAI API key (sk-proj-, sk-svcacct-,
	// sk-admin-, or legacy sk- with 20 or more base62 characters).
	KindOpenAIKey = "openai_api_key"
	// KindHuggingFaceToken is a Hugging Face access token (hf_).
	KindHuggingFaceToken = "huggingface_token"
	// KindGoogleAPIKey is a Google API key (AIza followed by 35
	// characters).
	KindGoogleAPIKey = "google_api_key"
	// KindShopifyToken is a Shopify access token (shpat_ admin API,
	// shpca_ custom app, shppa_ private app, shpss_ shared secret,
	// followed by 32 hex digits).
	KindShopifyToken = "shopify_token"
	// KindGCPServiceAccount is the private_key_id of a Google Cloud
	// service-account key file (its private_key is a KindPrivateKey).
	KindGCPServiceAccount = "gcp_service_account"
	// KindAzureStorageKey is the AccountKey (or SharedAccessKey) of an
	// Azure storage or Service Bus connection string.
	KindAzureStorageKey = "azure_storage_key"
	// KindJWT is a JSON Web Token in compact serialisation (RFC 7519,
	// eyJ....eyJ....sig). Verified when the header decodes to a JSON
	// object naming "alg".
	KindJWT = "jwt"
	// KindURLCredentials is the password of a URL's userinfo
	// (RFC 3986 section 3.2.1, https://user:password@host/).
	KindURLCredentials = "url_credentials"
	// KindJSONSecret is the string value of a JSON member whose name says it
	// holds a secret (password, passwd, secret, token, api_key, ...).
	KindJSONSecret = "json_secret"
	// KindSecretAssignment is the value of a free-text assignment whose
	// name says it holds a secret (password=..., api_key: ..., token=...),
	// kept only when the value looks random (see Randomish).
	KindSecretAssignment = "secret_assignment"
)

// redactMarkerPrefix starts every replacement, so detection rules and
// analysts can still see that a secret was there and of which kind.
const redactMarkerPrefix = "[REDACTED:"

// Marker returns the text that replaces a secret of kind: `[REDACTED:kind]`.
func Marker(kind string) string { return redactMarkerPrefix + kind + "]" }

// FingerprintLen is the length, in hex digits, of the fingerprint a
// Redactor with a key puts in its markers.
const FingerprintLen = 12

// MarkerKind returns the kind of a marker, `[REDACTED:kind]` or
// `[REDACTED:kind:fingerprint]`, and its fingerprint ("" when it has
// none); ok is false when m is not a marker.
func MarkerKind(m string) (kind, fingerprint string, ok bool) {
	if !isMarker(m) {
		return "", "", false
	}
	body := m[len(redactMarkerPrefix) : len(m)-1]
	kind, fingerprint, _ = strings.Cut(body, ":")
	return kind, fingerprint, kind != ""
}

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
	// scan, when set, replaces hints as the pre-filter.
	scan func(string) bool
	// valid, when set, must accept the replaced text for it to count.
	valid func(string) bool
	// standIns marks the rules whose value is random token material
	// after a fixed prefix (cloud, Git hosting, chat, payment, mail,
	// registry and AI provider keys): such a value that reads as a
	// documentation or template stand-in (Placeholder) is no secret.
	// Other rules keep every match: PEM and macaroon bodies and
	// base64 of structured bytes carry long runs of one character
	// (OpenSSH keys hold AAAAAAAA...), and free-form values (a
	// password) have their own valid.
	standIns bool
	// segment, when set, refuses a match whose name is one segment of a
	// colon-separated identifier (the "secret:" of an AWS ARN,
	// arn:aws:secretsmanager:region:account:secret:name): a reference to
	// a secret, not an assignment of one.
	segment bool
	// verify, when set, tells a verified secret (a checksum or structure
	// that holds) from one of the right shape only.
	verify func(string) bool
	// exemptMatch, when set, refuses a whole match (not only the
	// replaced group) that is no secret.
	exemptMatch func(string) bool
}

// Redactor masks secrets in free text and JSON text, replacing each with
// Marker(kind). It is safe for concurrent use; the zero value is not usable,
// use NewRedactor.
type Redactor struct {
	rules []redactRule
	// key, when set, makes markers carry a keyed fingerprint of the
	// value they replace (WithFingerprints).
	key []byte
}

// WithFingerprints returns a copy of r whose markers carry a fingerprint
// of the secret they replace: `[REDACTED:kind:fp]`, fp being the first
// FingerprintLen hex digits of HMAC-SHA256(key, secret). The same secret
// gets the same marker wherever it appears, so detection can follow a
// value from the result that disclosed it to the call that sends it
// (detect's flows) without the value being kept; without the key the
// fingerprint reveals nothing (48 bits of a keyed hash). Collectors that
// should agree must share the key.
func (r *Redactor) WithFingerprints(key []byte) *Redactor {
	c := *r
	c.key = append([]byte(nil), key...)
	return &c
}

// marker returns the replacement of secret of kind.
func (r *Redactor) marker(kind, secret string) string {
	if len(r.key) == 0 {
		return Marker(kind)
	}
	h := hmac.New(sha256.New, r.key)
	h.Write([]byte(secret))
	return redactMarkerPrefix + kind + ":" + hex.EncodeToString(h.Sum(nil))[:FingerprintLen] + "]"
}

// AllKinds returns every kind, in the order the rules apply.
func AllKinds() []string {
	return []string{
		KindPrivateKey, KindGCPServiceAccount, KindAWSAccessKey, KindAWSSecretKey,
		KindGitHubToken, KindGitLabToken, KindSlackToken, KindSlackWebhook,
		KindDiscordWebhook, KindDiscordToken, KindTelegramBotToken, KindStripeKey,
		KindTwilioKey, KindSendGridKey, KindMailgunKey, KindNPMToken, KindPyPIToken,
		KindDockerHubToken, KindAnthropicKey, KindOpenAIKey, KindHuggingFaceToken,
		KindGoogleAPIKey, KindShopifyToken, KindAzureStorageKey, KindJWT, KindURLCredentials,
		KindJSONSecret, KindSecretAssignment,
	}
}

// NewRedactor returns a Redactor with the built-in rules, applied in the
// order of AllKinds: the specific formats first (private keys, cloud keys,
// Git hosting, chat, payment, mail, package registries, AI providers), then
// JWTs, URL passwords, JSON members named like secrets (password, passwd,
// secret, token, api_key, apikey, credential, in any case, as part of the
// member name) and last free-text assignments of random-looking values.
// A later rule leaves text an earlier one masked alone.
func NewRedactor() *Redactor {
	return &Redactor{rules: []redactRule{
		{
			kind:  KindPrivateKey,
			hints: []string{"PRIVATE KEY"},
			// The body never contains "--" or a quote, so an unterminated
			// block stops at the end of its JSON string; a backslash is
			// taken with the character it escapes, except an escaped
			// quote, so the string's escapes stay whole.
			re: regexp.MustCompile(`-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:[^"\\-]|\\[^"]|-[^"\\-])*(?:-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----)?`),
		},
		{
			kind:  KindGCPServiceAccount,
			hints: []string{"private_key_id"},
			re:    regexp.MustCompile(`"private_key_id"\s*:\s*"([0-9a-f]{40})"`),
			group: 1,
		},
		{
			kind:     KindAWSAccessKey,
			standIns: true,
			hints:    []string{"AKIA", "ASIA", "ABIA", "ACCA"},
			re:       regexp.MustCompile(`\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b`),
		},
		{
			kind:     KindAWSSecretKey,
			standIns: true,
			hints:    []string{"secret_access_key", "secretaccesskey", "secret-access-key"},
			fold:     true,
			re:       regexp.MustCompile(`(?i)(?:aws_?)?secret[_-]?access[_-]?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})(?:[^A-Za-z0-9/+=]|$)`),
			group:    1,
		},
		{
			kind:     KindGitHubToken,
			standIns: true,
			hints:    []string{"gh", "github_pat_"},
			re:       regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b`),
			verify:   githubChecksum,
		},
		{
			kind:     KindGitLabToken,
			standIns: true,
			hints:    []string{"glpat-", "glptt-", "gldt-", "glrt-", "gloas-"},
			re:       regexp.MustCompile(`\b(?:glpat|glptt|gldt|glrt|gloas)-[A-Za-z0-9_.-]{20,80}`),
			valid:    Randomish,
		},
		{
			kind:     KindSlackToken,
			standIns: true,
			hints:    []string{"xox"},
			re:       regexp.MustCompile(`\bxox[baprso]-[A-Za-z0-9-]{10,250}`),
		},
		{
			kind:     KindSlackWebhook,
			standIns: true,
			hints:    []string{"hooks.slack.com"},
			// (workspace, channel and secret ids are 8+ characters: a
			// documentation "services/XXX/YYY/ZZZ" is no webhook)
			re: regexp.MustCompile(`https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9]{6,}/[A-Za-z0-9]{6,}/[A-Za-z0-9]{8,}`),
		},
		{
			kind:     KindDiscordWebhook,
			standIns: true,
			hints:    []string{"/api/webhooks/"},
			re:       regexp.MustCompile(`https://(?:(?:canary|ptb)\.)?discord(?:app)?\.com/api/webhooks/[0-9]{5,20}/[A-Za-z0-9_-]{20,100}`),
		},
		{
			kind: KindDiscordToken,
			// Every match has two dots; the first part is a base64 user id
			// (which starts M, N or O for today's ids).
			scan:   discordShape,
			re:     regexp.MustCompile(`\b[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}\b`),
			valid:  Randomish,
			verify: discordID,
		},
		{
			kind:  KindTelegramBotToken,
			hints: []string{":AA"},
			// The Bot API puts the token right after "bot" in its URLs.
			re:    regexp.MustCompile(`(?:^|[^0-9A-Za-z]|bot)([0-9]{8,10}:AA[A-Za-z0-9_-]{30,36})\b`),
			group: 1,
		},
		{
			kind:     KindStripeKey,
			standIns: true,
			hints:    []string{"k_live_", "k_test_"},
			re:       regexp.MustCompile(`\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,247}\b`),
		},
		{
			kind:     KindTwilioKey,
			standIns: true,
			hints:    []string{"SK"},
			re:       regexp.MustCompile(`\bSK[0-9a-fA-F]{32}\b`),
			valid:    Randomish,
		},
		{
			kind:     KindSendGridKey,
			standIns: true,
			hints:    []string{"SG."},
			re:       regexp.MustCompile(`\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{30,50}\b`),
		},
		{
			kind:     KindMailgunKey,
			standIns: true,
			hints:    []string{"key-"},
			re:       regexp.MustCompile(`\bkey-[0-9a-f]{32}\b`),
			valid:    Randomish,
		},
		{
			kind:     KindNPMToken,
			standIns: true,
			hints:    []string{"npm_"},
			re:       regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}\b`),
			valid:    Randomish,
		},
		{
			kind:  KindPyPIToken,
			hints: []string{"pypi-"},
			re:    regexp.MustCompile(`\bpypi-AgE[A-Za-z0-9_-]{50,}`),
		},
		{
			kind:     KindDockerHubToken,
			standIns: true,
			hints:    []string{"dckr_pat_"},
			re:       regexp.MustCompile(`\bdckr_pat_[A-Za-z0-9_-]{20,100}`),
		},
		{
			kind:     KindAnthropicKey,
			standIns: true,
			hints:    []string{"sk-ant-"},
			re:       regexp.MustCompile(`\bsk-ant-[A-Za-z0-9_-]{20,200}`),
		},
		{
			kind:     KindOpenAIKey,
			standIns: true,
			hints:    []string{"sk-"},
			re:       regexp.MustCompile(`\bsk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,200}|[A-Za-z0-9]{20,200})\b`),
			valid:    Randomish,
		},
		{
			kind:     KindHuggingFaceToken,
			standIns: true,
			hints:    []string{"hf_"},
			re:       regexp.MustCompile(`\bhf_[A-Za-z0-9]{30,40}\b`),
			valid:    Randomish,
		},
		{
			kind:     KindGoogleAPIKey,
			standIns: true,
			hints:    []string{"AIza"},
			re:       regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}`),
		},
		{
			kind:     KindShopifyToken,
			standIns: true,
			hints:    []string{"shpat_", "shpca_", "shppa_", "shpss_"},
			re:       regexp.MustCompile(`\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b`),
		},
		{
			kind:  KindAzureStorageKey,
			hints: []string{"accountkey=", "sharedaccesskey="},
			fold:  true,
			re:    regexp.MustCompile(`(?i)(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{20,100}={0,2})`),
			group: 1,
		},
		{
			kind:   KindJWT,
			hints:  []string{"eyJ"},
			re:     regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`),
			verify: jwtHeader,
		},
		{
			kind:  KindURLCredentials,
			hints: []string{"@"},
			// scheme://user:password@host: group 1 is the password.
			re:          regexp.MustCompile(`\b[A-Za-z][A-Za-z0-9+.-]{1,15}://[^\s:/@"'<>\\]{1,64}:([^\s/@"'<>\\]{1,128})@[A-Za-z0-9\[][A-Za-z0-9.\-\[\]]{0,253}`),
			group:       1,
			valid:       notPlaceholder,
			exemptMatch: localDefaultCredential,
		},
		{
			kind: KindJSONSecret,
			// `"db_password": "value"`: group 1 is the value's content,
			// escapes included.
			hints:       []string{"passw", "secret", "token", "key", "credential"},
			fold:        true,
			re:          regexp.MustCompile(`(?i)"[^"\\]*(?:password|passwd|secret|token|api[_-]?key|credential)[^"\\]*"\s*:\s*"((?:[^"\\]|\\.)+)"`),
			group:       1,
			valid:       notMask,
			exempt:      []string{"progressToken"},
			exemptMatch: credentialMetadataMember,
		},
		{
			kind:    KindSecretAssignment,
			hints:   []string{"pass", "pwd", "secret", "token", "key"},
			fold:    true,
			re:      regexp.MustCompile(`(?i)\b(?:password|passwd|pwd|pass|secret|client[_-]?secret|token|access[_-]?token|auth[_-]?token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key)\s*[=:]\s*["']?([^\s"'&,;<>()\[\]{}]{8,256})`),
			group:   1,
			valid:   Randomish,
			segment: true,
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
		s = rule.apply(r, s, found)
	}
	return s
}

// Kinds returns the kinds of secret in s, each once, in the order of
// AllKinds: both secrets still in clear text and `[REDACTED:kind]` markers
// (the collector redacts before detection sees an event). It returns nil when
// there is none.
//
// Kinds agrees with Find: text that two rules match counts once, as the
// kind earlier in AllKinds (a GitHub token in a "token" JSON member is a
// github_token, not also a json_secret).
func (r *Redactor) Kinds(s string) []string {
	ms := r.Find(s)
	if len(ms) == 0 {
		return nil
	}
	var out []string
	for i := range r.rules {
		kind := r.rules[i].kind
		for _, m := range ms {
			if m.Kind == kind {
				out = append(out, kind)
				break
			}
		}
	}
	return out
}

// Match is one secret Find located.
type Match struct {
	// Kind is the secret's kind (one of AllKinds).
	Kind string
	// Start and End are the byte offsets of the secret in the text
	// searched (the part Redact would replace): text[Start:End].
	Start, End int
	// Verified reports that a checksum or structure the format defines
	// holds (GitHub checksum, JWT header, Discord id); false for kinds
	// without one and for markers.
	Verified bool
	// Marker reports that the text at Start:End is a `[REDACTED:kind]`
	// marker the collector left, not a secret in clear.
	Marker bool
}

// Find returns the secrets in s and the redaction markers already there,
// ordered by Start, without overlaps: where two rules match overlapping
// text, the one earlier in AllKinds wins, as it does in Redact. It returns
// nil when there is none.
func (r *Redactor) Find(s string) []Match {
	var out []Match
	if strings.Contains(s, redactMarkerPrefix) {
		for i := 0; ; {
			j := strings.Index(s[i:], redactMarkerPrefix)
			if j < 0 {
				break
			}
			j += i
			k := strings.IndexByte(s[j:], ']')
			if k < 0 {
				break
			}
			kind, _, _ := strings.Cut(s[j+len(redactMarkerPrefix):j+k], ":")
			if kind != "" && !strings.ContainsAny(kind, " \t\n[") {
				out = append(out, Match{Kind: kind, Start: j, End: j + k + 1, Marker: true})
			}
			i = j + k + 1
		}
	}
	h := hintText{s: s}
	for i := range r.rules {
		rule := &r.rules[i]
		if !h.has(rule) {
			continue
		}
		for _, loc := range rule.re.FindAllStringSubmatchIndex(s, -1) {
			start, end := loc[2*rule.group], loc[2*rule.group+1]
			if start < 0 || rule.isExempt(s[loc[0]:loc[1]]) || isMarker(s[start:end]) {
				continue
			}
			v := s[start:end]
			if !rule.accepts(s, loc[0], v) {
				continue
			}
			if overlaps(out, start, end) {
				continue
			}
			out = append(out, Match{Kind: rule.kind, Start: start, End: end, Verified: rule.verify != nil && rule.verify(v)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

func overlaps(ms []Match, start, end int) bool {
	for _, m := range ms {
		if start < m.End && m.Start < end {
			return true
		}
	}
	return false
}

// isMarker reports whether v is a redaction marker.
func isMarker(v string) bool {
	return strings.HasPrefix(v, redactMarkerPrefix) && strings.HasSuffix(v, "]") && !strings.ContainsAny(v, " ")
}

func (rule *redactRule) apply(r *Redactor, s string, found func(string)) string {
	locs := rule.re.FindAllStringSubmatchIndex(s, -1)
	if len(locs) == 0 {
		return s
	}
	var b strings.Builder
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
		if !rule.accepts(s, loc[0], s[start:end]) {
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[last:start])
		b.WriteString(r.marker(rule.kind, s[start:end]))
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

// accepts reports whether v, the text rule matched in s (the whole match
// starting at offset at), counts as a secret: the rule's validation
// holds, a token format's value is no placeholder, and a name that must
// stand alone is not a segment of a colon-separated identifier.
func (rule *redactRule) accepts(s string, at int, v string) bool {
	if rule.valid != nil && !rule.valid(v) {
		return false
	}
	if rule.standIns && Placeholder(v) {
		return false
	}
	if rule.segment && at > 0 && s[at-1] == ':' {
		return false
	}
	return true
}

func (rule *redactRule) isExempt(match string) bool {
	if rule.exemptMatch != nil && rule.exemptMatch(match) {
		return true
	}
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
// when the rule has none), or passes the rule's scan.
func (h *hintText) has(rule *redactRule) bool {
	if rule.scan != nil {
		return rule.scan(h.s)
	}
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

// Entropy returns the Shannon entropy of s's bytes in bits per byte: 0 for
// "" and for one repeated byte, about 5.9 for random base64, 4 for random
// hex.
func Entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// Randomish reports whether v looks like generated secret material rather
// than a word, a placeholder or a reference: at least 8 bytes, no
// placeholder shape (notPlaceholder), at least two character classes among
// lower case, upper case, digits and symbols, and a byte entropy of at least
// 3 bits per byte.
func Randomish(v string) bool {
	if len(v) < 8 || !notPlaceholder(v) {
		return false
	}
	var lower, upper, digit, other bool
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case 'a' <= c && c <= 'z':
			lower = true
		case 'A' <= c && c <= 'Z':
			upper = true
		case '0' <= c && c <= '9':
			digit = true
		default:
			other = true
		}
	}
	classes := 0
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			classes++
		}
	}
	if classes < 2 {
		return false
	}
	return Entropy(v) >= 3
}

// placeholderMarks are spellings that documentation and templates put
// where a token goes (AWS's published pair AKIAIOSFODNN7EXAMPLE and
// wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, ghp_your_token_here,
// sk_live_REPLACE_ME...). Generated token material never spells them: the
// shortest, "_here", has odds of about 1 in 10^9 per position in base64.
var placeholderMarks = []string{"example", "your_", "your-", "<your", "placeholder", "changeme", "change_me",
	"replaceme", "replace_me", "redacted", "_here"}

// Placeholder reports whether v, text shaped like a token of some format
// whose body is random after its prefix (AWS, GitHub, Slack, Stripe, ...;
// not PEM keys, macaroons or JWTs, whose bodies encode structured bytes
// and hold runs by nature), is a documentation or template stand-in
// rather than a credential: it
// spells one of placeholderMarks (case-insensitively: example, your_,
// your-, <your, placeholder, changeme, change_me, replaceme, replace_me,
// redacted, _here), or has a run of eight or more of one character
// (ghp_xxxxxxxx..., AKIA0000000000000000, sk_test_********). Such runs
// come by chance about once in 10^11 random base62 tokens.
func Placeholder(v string) bool {
	run := 1
	for i := 1; i < len(v); i++ {
		if v[i] == v[i-1] {
			if run++; run >= 8 {
				return true
			}
		} else {
			run = 1
		}
	}
	l := strings.ToLower(v)
	for _, m := range placeholderMarks {
		if strings.Contains(l, m) {
			return true
		}
	}
	return false
}

// notMask reports whether v is not a masked value: a value of four or more
// mask characters only ("********", "••••••", "xxxxxxxx") is what a tool shows
// instead of a secret, never the secret itself.
func notMask(v string) bool {
	if len(v) < 4 {
		return true // "x", "**": too short to say it is a mask
	}
	for _, r := range v {
		switch r {
		case '*', '•', '●', '·', 'x', 'X', '#', '.', '-':
		default:
			return true
		}
	}
	return false
}

// placeholderWords are values documentation and templates use in place of
// a real secret.
var placeholderWords = []string{"xxxx", "****", "....", "example", "your_", "your-", "yourpass", "changeme",
	"placeholder", "redacted", "<", "${", "{{", "$(", "%(", "process.env", "os.environ", "env:", "secrets."}

// notPlaceholder reports whether v is not a template or documentation
// placeholder (<token>, ${TOKEN}, {{ secret }}, xxxx, your_api_key, ...)
// nor the literal words password or secret.
func notPlaceholder(v string) bool {
	l := strings.ToLower(v)
	switch l {
	case "password", "pass", "secret", "token", "passwd", "pwd":
		return false
	}
	if strings.HasPrefix(l, "$") {
		return false
	}
	for _, w := range placeholderWords {
		if strings.Contains(l, w) {
			return false
		}
	}
	return true
}

// base62 is the alphabet GitHub encodes its token checksum in.
const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// githubChecksum reports whether a gh?_ token's last six characters are the
// base62 CRC32 (IEEE) of the thirty random characters before them, as
// "Behind GitHub's new authentication token formats" (GitHub blog,
// 2021-04-05) describes; the variant that checksums the prefix too is
// accepted as well.
func githubChecksum(tok string) bool {
	if len(tok) != 40 || tok[3] != '_' {
		return false
	}
	body, sum := tok[4:34], tok[34:]
	return encode62(crc32.ChecksumIEEE([]byte(body))) == sum || encode62(crc32.ChecksumIEEE([]byte(tok[:34]))) == sum
}

// encode62 writes v in base62, left-padded with '0' to six characters.
func encode62(v uint32) string {
	var b [6]byte
	for i := 5; i >= 0; i-- {
		b[i] = base62[v%62]
		v /= 62
	}
	return string(b[:])
}

// jwtHeader reports whether a JWT's first part decodes (base64url, RFC 7515)
// to a JSON object with an "alg" member.
// localDefaultCredential reports a URL whose userinfo is a development
// default on a local host ("postgres://postgres:postgres@localhost/app",
// "redis://:password@127.0.0.1"): the password repeats the user name or is
// one of the defaults images ship with, and the host is the developer's
// own machine or a compose service. The same pair on any other host is
// kept: a default password in production is a secret all the same.
func localDefaultCredential(match string) bool {
	_, rest, ok := strings.Cut(match, "://")
	if !ok {
		return false
	}
	userinfo, host, ok := strings.Cut(rest, "@")
	if !ok {
		return false
	}
	user, pass, _ := strings.Cut(userinfo, ":")
	h := strings.ToLower(host)
	if i := strings.LastIndexByte(h, ':'); i > 0 && !strings.HasSuffix(h, "]") {
		h = h[:i] // the port
	}
	local := false
	for _, l := range []string{"localhost", "127.0.0.1", "0.0.0.0", "[::1]", "host.docker.internal", "db", "database", "postgres", "mysql", "mariadb", "redis", "mongo", "mongodb", "rabbitmq"} {
		if h == l {
			local = true
		}
	}
	if !local {
		return false
	}
	lp := strings.ToLower(pass)
	switch lp {
	case "postgres", "password", "pass", "root", "admin", "secret", "test", "dev", "guest", "mysql", "example", "changeme", "rabbitmq":
		return true
	}
	return strings.EqualFold(user, pass)
}

// metadataWords are the last words of JSON member names that describe a
// credential rather than hold it: "token_type": "bearer" (RFC 6749
// section 5.1), "secretName", "password_expires_at", "api_key_id",
// "token_endpoint".
var metadataWords = map[string]bool{
	"type": true, "types": true, "name": true, "names": true, "id": true, "ids": true, "url": true, "uri": true,
	"endpoint": true, "expires": true, "expiry": true, "expiration": true, "at": true, "in": true, "ttl": true,
	"count": true, "length": true, "hint": true, "policy": true, "version": true, "path": true, "file": true,
	"format": true, "scope": true, "scopes": true, "kind": true, "alg": true, "algorithm": true, "usage": true,
	"label": true, "description": true, "status": true, "lifetime": true, "duration": true, "ref": true,
}

// credentialMetadataMember reports a JSON member match whose name ends in
// a word that makes it data about a credential (metadataWords), split at
// _, -, . and lower-to-upper case changes.
func credentialMetadataMember(match string) bool {
	if len(match) < 2 || match[0] != '"' {
		return false
	}
	end := strings.IndexByte(match[1:], '"')
	if end < 0 {
		return false
	}
	name := match[1 : 1+end]
	start := 0
	for i := len(name) - 1; i > 0; i-- {
		c, prev := name[i], name[i-1]
		if c == '_' || c == '-' || c == '.' {
			start = i + 1
			break
		}
		if c >= 'A' && c <= 'Z' && prev >= 'a' && prev <= 'z' {
			start = i
			break
		}
	}
	if start == 0 {
		return false // one word: "token", "password"
	}
	return metadataWords[strings.ToLower(name[start:])]
}

func jwtHeader(tok string) bool {
	head, _, _ := strings.Cut(tok, ".")
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(head, "="))
	if err != nil {
		return false
	}
	var h map[string]any
	if json.Unmarshal(raw, &h) != nil {
		return false
	}
	_, ok := h["alg"]
	return ok
}

// discordShape is the Discord rule's pre-filter: two dots seven bytes
// apart (the six-character middle part), the first at least 24 bytes in.
func discordShape(s string) bool {
	for i := 24; i+7 < len(s); i++ {
		if s[i] == '.' && s[i+7] == '.' {
			return true
		}
	}
	return false
}

// discordID reports whether a Discord token's first part decodes (base64)
// to a decimal user id.
func discordID(tok string) bool {
	head, _, _ := strings.Cut(tok, ".")
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(head, "="))
	if err != nil {
		raw, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(head, "="))
		if err != nil {
			return false
		}
	}
	if len(raw) < 15 {
		return false
	}
	for _, c := range raw {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
