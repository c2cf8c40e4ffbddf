package argument

import (
	"slices"
	"strings"

	"github.com/mcpaudit/mcpaudit/internal/secrets"
)

// Credentials issued by one service are presented to that service: an
// OpenAI key to openai.com, a Hugging Face token to huggingface.co, a
// Datadog API key (its header says so) to datadoghq.com. A call that
// sends one to a different host, and above all to a host whose name
// borrows the service's (api.twilio-sms-gateway.example), hands the
// credential to someone else: secret.foreign_destination. The service is
// read from the secret's format or from the name of the field that holds
// it; the destination from the call's URL and host arguments.

// vendor is a service that issues credentials.
type vendor struct {
	name    string
	kinds   []string // secret kinds it issues
	words   []string // words naming it in field and header names
	domains []string // registered domains its APIs live under
}

var vendors = []vendor{
	{"github", []string{secrets.KindGitHubToken}, []string{"github"}, []string{"github.com", "githubusercontent.com", "ghe.com"}},
	{"slack", []string{secrets.KindSlackToken}, []string{"slack"}, []string{"slack.com"}},
	{"stripe", []string{secrets.KindStripeKey}, []string{"stripe"}, []string{"stripe.com"}},
	{"twilio", []string{secrets.KindTwilioKey}, []string{"twilio"}, []string{"twilio.com"}},
	{"sendgrid", []string{secrets.KindSendGridKey}, []string{"sendgrid"}, []string{"sendgrid.com", "sendgrid.net"}},
	{"mailgun", []string{secrets.KindMailgunKey}, []string{"mailgun"}, []string{"mailgun.net", "mailgun.org"}},
	{"npm", []string{secrets.KindNPMToken}, []string{"npm"}, []string{"npmjs.org", "npmjs.com"}},
	{"pypi", []string{secrets.KindPyPIToken}, []string{"pypi"}, []string{"pypi.org"}},
	{"dockerhub", []string{secrets.KindDockerHubToken}, []string{"dockerhub"}, []string{"docker.io", "docker.com"}},
	{"anthropic", []string{secrets.KindAnthropicKey}, []string{"anthropic"}, []string{"anthropic.com"}},
	{"openai", []string{secrets.KindOpenAIKey}, []string{"openai"}, []string{"openai.com"}},
	{"huggingface", []string{secrets.KindHuggingFaceToken}, []string{"huggingface", "hf"}, []string{"huggingface.co", "hf.co"}},
	{"google", []string{secrets.KindGoogleAPIKey}, []string{"google", "gcp", "gemini"}, []string{"googleapis.com", "google.com"}},
	{"shopify", []string{secrets.KindShopifyToken}, []string{"shopify"}, []string{"myshopify.com", "shopify.com"}},
	{"datadog", nil, []string{"datadog", "dd"}, []string{"datadoghq.com", "datadoghq.eu", "ddog-gov.com"}},
	{"telegram", []string{secrets.KindTelegramBotToken}, []string{"telegram"}, []string{"telegram.org"}},
	{"discord", []string{secrets.KindDiscordToken}, []string{"discord"}, []string{"discord.com", "discordapp.com"}},
}

// vendorOfKind returns the index in vendors of the service that issues
// secrets of kind, or -1.
func vendorOfKind(kind string) int {
	for i, v := range vendors {
		for _, k := range v.kinds {
			if k == kind {
				return i
			}
		}
	}
	return -1
}

// vendorOfKey returns the service a field or header name names
// (DD-API-KEY, X-Shopify-Access-Token, openai_api_key), or -1.
func vendorOfKey(rawKey string) int {
	w := nameWords(rawKey)
	for i, v := range vendors {
		if hasWord(w, v.words...) {
			return i
		}
	}
	return -1
}

// sentSecret is a credential found in the call and the service it is for
// (-1 when unknown).
type sentSecret struct {
	field  string
	kind   string
	vendor int
	// presented: the credential sits where a request presents one (a
	// credential-named field or header, the query string of the call's
	// URL), not in a body or message that carries it on
	presented bool
}

// underDomain reports whether host h is domain d or a name below it.
func underDomain(h, d string) bool {
	return h == d || strings.HasSuffix(h, "."+d)
}

// destinations returns the hosts the call sends to: hosts of URLs in
// host-like arguments (url, endpoint, host, base_url, ...), of arguments
// that are a URL whatever their name (mirror, registry), and, for
// fetching tools, of URLs in any argument. At most 8.
func (a *analysis) destinations() []string {
	var out []string
	for i := range a.items {
		it := &a.items[i]
		whole := it.kc != keyData && (strings.HasPrefix(it.lower(), "https://") || strings.HasPrefix(it.lower(), "http://"))
		if it.isKey || it.isNum || len(it.s) > 4096 || !(it.kc == keyHost || a.tool.fetch || whole) {
			continue
		}
		for _, u := range findURLs(it.s) {
			if !webSchemes[u.scheme] {
				continue
			}
			rest := strings.TrimPrefix(u.text[len(u.scheme)+1:], "//")
			if j := strings.IndexAny(rest, "/?#"); j >= 0 {
				rest = rest[:j]
			}
			if h := hostOfAuthority(rest); h != "" && len(out) < 8 {
				out = append(out, h)
			}
		}
		if len(out) == 0 && it.kc == keyHost && !strings.ContainsAny(it.s, "/: ") && strings.Count(it.s, ".") >= 1 {
			out = append(out, canonHost(it.s))
		}
	}
	return out
}

// foreignTool adds secret.foreign_destination, on a call that names no
// destination, for a service's credential (by its format: a ghp_ token, an
// sk- key) put in a field named for a credential of a tool whose server,
// name and description never name that service, and that neither writes files,
// signs in nor stores secrets: a translation tool asking for a GitHub
// token with repo scope collects it for someone else.
func (a *analysis) foreignTool() {
	words := append(append(nameWords(a.ctx.ToolName), nameWords(a.ctx.ToolDescription)...), nameWords(a.ctx.ServerName)...)
	text := strings.ToLower(a.ctx.ServerName + " " + a.ctx.ToolName + " " + a.ctx.ToolDescription)
	if a.tool.writeFile || a.tool.auth || hasWord(words, "secret", "secrets", "vault", "kv", "env", "credential", "credentials", "keychain", "keyvault", "ssm") {
		return // a file, a login or a secrets store is where credentials go
	}
	for _, s := range a.sent {
		if s.vendor < 0 || !s.presented || !slices.Contains(vendors[s.vendor].kinds, s.kind) {
			continue // (a credential known only by its field's name, or not in one named for it)
		}
		v := vendors[s.vendor]
		named := hasWord(words, v.words...)
		for _, d := range v.domains {
			named = named || strings.Contains(text, d)
		}
		if !named {
			a.secret.add("secret.foreign_destination", s.field, a.safe(secrets.Marker(s.kind)+" "+v.name+" credential given to "+a.ctx.ToolName+", which names no "+v.name), 0.6)
		}
	}
}

// foreignSecrets adds secret.foreign_destination for credentials sent to
// a host of another service than the one that issued them, or to a host
// named like a service that is not under its domains.
func (a *analysis) foreignSecrets() {
	if len(a.sent) == 0 {
		return
	}
	hosts := a.destinations()
	if len(hosts) == 0 {
		a.foreignTool()
		return
	}
	issued := map[string]bool{} // fields whose every credential goes to its issuer only
	for _, s := range a.sent {
		if s.vendor < 0 || !s.presented {
			issued[s.field] = false
			continue
		}
		own := true
		for _, h := range hosts {
			o := false
			for _, d := range vendors[s.vendor].domains {
				o = o || underDomain(h, d)
			}
			own = own && o
		}
		if v, seen := issued[s.field]; !seen || v {
			issued[s.field] = own
		}
	}
	for f, own := range issued {
		if own {
			// a Google API key in the query string of a Maps request:
			// the credential presented to the service that issued it
			a.secret.drop(f)
		}
	}
	for _, s := range a.sent {
		for _, h := range hosts {
			labels := strings.FieldsFunc(h, func(r rune) bool { return r == '.' || r == '-' })
			reason := ""
			if s.vendor >= 0 {
				v := vendors[s.vendor]
				own := false
				for _, d := range v.domains {
					own = own || underDomain(h, d)
				}
				if !own {
					reason = v.name + " credential sent to " + h
				}
			}
			// A host that borrows a service's name without being under
			// its domains: any credential sent there is suspect.
			for i, v := range vendors {
				if reason != "" || !hasWord(labels, v.words...) || len(v.words[0]) < 4 && i != s.vendor {
					continue
				}
				own := false
				for _, d := range v.domains {
					own = own || underDomain(h, d)
				}
				if !own {
					reason = "credential sent to " + h + ", named like " + v.name + " but not under its domains"
				}
			}
			if reason != "" {
				a.secret.add("secret.foreign_destination", s.field, a.safe(secrets.Marker(s.kind)+" "+reason), 0.6)
				break
			}
		}
	}
}
