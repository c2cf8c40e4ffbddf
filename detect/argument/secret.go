package argument

import (
	"strings"

	"github.com/mcpaudit/mcpaudit/internal/secrets"
)

// secretWeights are the base weights per secret kind: keys that open
// clouds, payment, and private keys weigh most; tokens of hosting, chat,
// registries and AI providers next; JWTs (often short-lived) and
// name-based matches (a "password" member, password=...) least.
var secretWeights = map[string]float64{
	secrets.KindPrivateKey: 0.85, secrets.KindGCPServiceAccount: 0.85, secrets.KindAWSAccessKey: 0.8,
	secrets.KindAWSSecretKey: 0.85, secrets.KindAzureStorageKey: 0.8, secrets.KindStripeKey: 0.8,
	secrets.KindGitHubToken: 0.75, secrets.KindGitLabToken: 0.75, secrets.KindSlackToken: 0.7, secrets.KindSlackWebhook: 0.6,
	secrets.KindDiscordToken: 0.7, secrets.KindDiscordWebhook: 0.6, secrets.KindTelegramBotToken: 0.7,
	secrets.KindTwilioKey: 0.7, secrets.KindSendGridKey: 0.7, secrets.KindMailgunKey: 0.65, secrets.KindNPMToken: 0.75,
	secrets.KindPyPIToken: 0.75, secrets.KindDockerHubToken: 0.7, secrets.KindAnthropicKey: 0.75, secrets.KindOpenAIKey: 0.75,
	secrets.KindHuggingFaceToken: 0.7, secrets.KindGoogleAPIKey: 0.6, secrets.KindShopifyToken: 0.75, secrets.KindJWT: 0.5, secrets.KindURLCredentials: 0.55,
	secrets.KindJSONSecret: 0.4, secrets.KindSecretAssignment: 0.45,
}

// secretsItem finds the secrets in one string (clear, or markers the
// collector left) and scores them by kind and by where they are: a
// secret in a field named for it, sent to a tool whose job is
// authentication, is expected and counts a third; one in a field named
// for a credential counts half of its weight more than that; a secret
// anywhere else (a message, a URL, a query, a city) is what parameter
// exfiltration looks like and counts fully.
func (a *analysis) secretsItem(it *item) {
	ms := a.matches(it.s)
	k := it.kc
	if len(ms) == 0 {
		// A random-looking value in a member named for a credential
		// ("api_key": "...") that no format rule knows.
		if k == keySecret && !it.isKey && len(it.s) <= 512 && secrets.Randomish(it.s) && !looksFileName(it.s) && strings.Count(it.s, `\`) < 2 {
			w := 0.4 * 0.45
			if a.tool.auth {
				w = 0.4 * 0.35
			}
			a.secret.add("secret.named_credential", it.field, "[REDACTED:named_credential]", w)
			if len(a.sent) < 16 {
				a.sent = append(a.sent, sentSecret{it.field, "named_credential", vendorOfKey(it.rawKey), true})
			}
		}
		return
	}
	for _, m := range ms {
		if !m.Marker && placeholderSecret(it.s[m.Start:m.End]) {
			// A vendor's documented example (AKIAIOSFODNN7EXAMPLE) or
			// a template value: no credential.
			continue
		}
		w, ok := secretWeights[m.Kind]
		if !ok {
			w = 0.5 // a marker of a kind this build does not know
		}
		if m.Verified {
			w = min(1, w+0.1)
		}
		expected := k == keySecret || m.Kind == secrets.KindJSONSecret ||
			// A webhook URL that is the request's own target (the url
			// of post_webhook) is used, not sent away.
			(m.Kind == secrets.KindSlackWebhook || m.Kind == secrets.KindDiscordWebhook) && k == keyHost && strings.TrimSpace(it.s[:m.Start]) == ""
		switch {
		case expected && a.tool.auth:
			w *= 0.35
		case expected:
			w *= 0.45
		case it.isKey:
			// A secret used as an object key is hiding in plain sight.
		}
		if v := vendorOfKind(m.Kind); len(a.sent) < 16 && (v >= 0 || k == keySecret) {
			if v < 0 {
				v = vendorOfKey(it.rawKey)
			}
			// presented: in a credential-named field or header, or in the
			// query string of the request's own URL
			presented := k == keySecret || k == keyHost || strings.HasPrefix(it.lower(), "http") && strings.Contains(it.s[:m.Start], "?")
			a.sent = append(a.sent, sentSecret{it.field, m.Kind, v, presented})
		}
		sig := "secret." + m.Kind
		if !expected && !it.isKey && k != keyOther {
			a.secret.add("secret.unexpected_field", it.field, a.span(it.s, m.Start, m.End), 0.3)
		}
		a.secret.add(sig, it.field, a.span(it.s, m.Start, m.End), w)
	}
}

// looksFileName reports a value shaped like a path or object key
// (2026/12/02/app.log.gz), not a credential.
func looksFileName(v string) bool {
	i := strings.LastIndexByte(v, '/')
	if i < 0 {
		return false
	}
	base := v[i+1:]
	dot := strings.LastIndexByte(base, '.')
	return dot > 0 && dot < len(base)-1 && isLetters(base[dot+1:])
}

// placeholderSecret reports a matched secret that is a documentation
// example or template value (secrets.Placeholder: it spells EXAMPLE as
// AWS's published pair does, your_..., REPLACE_ME, or is a run of one
// repeated character). The catalogue already refuses such tokens; this
// also covers the free-form kinds (a password member's value).
func placeholderSecret(v string) bool {
	return secrets.Placeholder(v) || strings.Contains(strings.ToLower(v), "<your")
}
