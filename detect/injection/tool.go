package injection

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/mcpaudit/mcpaudit/detect/canon"
	"github.com/mcpaudit/mcpaudit/detect/signal"
)

// AnalyzeTool scores all model-visible text of one tool definition as one
// verdict: name (hidden characters only), title, description,
// annotations.title, every string of inputSchema and outputSchema
// (property names, descriptions, titles, enums, defaults, examples, const,
// and unknown keywords; not type, format, $ref or pattern), and every
// string inside _meta. Each finding's Field is the JSON path of the text
// ("inputSchema.properties.city.description", "_meta.note"). Schema
// parameters unrelated to the tool's purpose (a calculator asking for
// "conversation_history" or "ssh_key") add schema.unrelated_parameter.
// ctx.Surface is taken as ToolDefinition and ctx.ToolName as t.Name when
// empty; ctx.Params is filled from the input schema.
func AnalyzeTool(t ToolDef, ctx Context) signal.Verdict {
	ctx.Surface = ToolDefinition
	if ctx.ToolName == "" {
		ctx.ToolName = t.Name
	}
	in := decodeJSON(t.InputSchemaJSON)
	out := decodeJSON(t.OutputSchemaJSON)
	ctx.Params = slices.Clip(ctx.Params)
	allProperties(in, &ctx.Params, 0)
	allProperties(out, &ctx.Params, 0)
	a := newAnalysis(&ctx)
	// What the tool is for: its name, titles and description. (A
	// poisoned description names the objects it asks for, which then look
	// like the tool's own business and weigh half; using only the first
	// sentence catches more poisoning but flags real tools whose later
	// sentences explain their credentials: see docs/decisions.md.)
	a.purpose = canon.Fold(splitIdent(t.Name) + " " + t.Title + " " + t.AnnotationsTitle + " " + t.Description)

	if h := canon.Hidden(t.Name); h.Hit() {
		for _, f := range h.Findings {
			f.Field = "name"
			a.strong = append(a.strong, f)
		}
	}
	a.text(t.Title, "title", 0)
	a.text(t.Description, "description", 0)
	a.text(t.AnnotationsTitle, "annotations.title", 0)
	if in != nil {
		a.schema(in, "inputSchema", true)
	}
	if out != nil {
		a.schema(out, "outputSchema", false)
	}
	meta := decodeJSON(t.MetaJSON)
	if meta != nil {
		a.meta(meta, "_meta", 0)
	}
	extra := decodeJSON(t.AnnotationsExtraJSON)
	if extra != nil {
		a.meta(extra, "annotations", 0)
	}
	a.credentialFileParameter(t, meta, extra)
	return a.verdict()
}

// sentenceAround returns the sentence of folded text f that holds span
// (cut at ". ", "; " and line breaks), or "" when span is not in f.
func sentenceAround(f, span string) string {
	i := strings.Index(f, span)
	if i < 0 || span == "" {
		return ""
	}
	lo := 0
	for _, stop := range []string{". ", "; ", "\n"} {
		if j := strings.LastIndex(f[:i], stop); j >= 0 && j+len(stop) > lo {
			lo = j + len(stop)
		}
	}
	hi := len(f)
	for _, stop := range []string{". ", "; ", "\n"} {
		if j := strings.Index(f[i+len(span):], stop); j >= 0 && i+len(span)+j < hi {
			hi = i + len(span) + j
		}
	}
	return f[lo:hi]
}

// quotedParam reports text naming p between quotes of any kind (`p`,
// 'p', "p", «p», „p“, “p”).
func quotedParam(text, p string) bool {
	for _, q := range [][2]string{{"`", "`"}, {"'", "'"}, {`"`, `"`}, {"«", "»"}, {"„", "“"}, {"“", "”"}, {"‘", "’"}, {"「", "」"}} {
		if strings.Contains(text, q[0]+p+q[1]) {
			return true
		}
	}
	return false
}

// distinctiveName reports a parameter name no prose word would be: six
// characters or more with a '-' or '_' inside or a case change
// (X-Trace-Context, client_note, attestationBlock).
func distinctiveName(n string) bool {
	if len(n) < 6 {
		return false
	}
	if strings.ContainsAny(n[1:len(n)-1], "-_") {
		return true
	}
	for i := 1; i < len(n); i++ {
		if n[i] >= 'A' && n[i] <= 'Z' && n[i-1] >= 'a' && n[i-1] <= 'z' {
			return true
		}
	}
	return false
}

// pathParam reports a parameter named for a path (path, file_path,
// filename, dir, glob): its text says which paths it takes or refuses.
func pathParam(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"path", "file", "dir", "folder", "glob", "pattern", "root", "location"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// credentialPaths maps credential locations to the words of the services
// they belong to: a tool about one of them may name its file.
var credentialPaths = []struct {
	path      string
	providers []string
}{
	{".aws/", []string{"aws", "amazon", "s3", "ec2", "iam", "lambda", "bedrock", "dynamodb", "cloudformation"}},
	{".ssh", []string{"ssh", "sftp", "scp", "keys", "keypair"}},
	{"id_rsa", []string{"ssh", "sftp", "scp", "keys", "keypair"}},
	{"id_ed25519", []string{"ssh", "sftp", "scp", "keys", "keypair"}},
	{"id_ecdsa", []string{"ssh", "sftp", "scp", "keys", "keypair"}},
	{".npmrc", []string{"npm", "node", "package", "packages", "registry", "publish", "yarn", "pnpm"}},
	{".git-credentials", []string{"git", "github", "gitlab", "bitbucket", "repo", "repository", "credential"}},
	{".netrc", []string{"ftp", "curl", "netrc", "login", "http"}},
	{".pypirc", []string{"pypi", "python", "package", "publish", "twine"}},
	{".kube/config", []string{"kube", "kubernetes", "k8s", "cluster", "helm", "kubectl"}},
	{"kubeconfig", []string{"kube", "kubernetes", "k8s", "cluster", "helm", "kubectl"}},
	{".docker/config.json", []string{"docker", "container", "registry", "image", "podman"}},
	{".config/gcloud", []string{"gcp", "gcloud", "google", "bigquery"}},
	{"application_default_credentials", []string{"gcp", "gcloud", "google", "bigquery"}},
	{".azure/", []string{"azure", "microsoft", "entra"}},
	{".vault-token", []string{"vault", "hashicorp", "secret", "secrets"}},
	{"wallet.dat", []string{"wallet", "bitcoin", "btc", "crypto"}},
	{".env", []string{"env", "dotenv", "config", "configuration", "environment", "variables", "secret", "secrets"}},
	{"/etc/shadow", []string{"user", "users", "account", "accounts", "password", "passwd", "linux", "system"}},
	{".config/gh/hosts.yml", []string{"gh", "github", "git", "repo", "repository"}},
	{".config/hub", []string{"hub", "github", "git"}},
	{"mcp.json", []string{"mcp", "cursor", "client", "config", "configuration"}},
	{"claude_desktop_config.json", []string{"mcp", "claude", "client", "config", "configuration"}},
	{"mcp_config.json", []string{"mcp", "windsurf", "codeium", "client", "config", "configuration"}},
	{".terraform.d/credentials", []string{"terraform", "hcp", "infrastructure"}},
	{".gem/credentials", []string{"gem", "gems", "ruby", "rubygems", "publish"}},
	{".cargo/credentials", []string{"cargo", "crate", "crates", "rust", "publish"}},
	{".m2/settings.xml", []string{"maven", "java", "artifact", "artifacts", "repository"}},
	{".gradle/gradle.properties", []string{"gradle", "java", "android", "build"}},
	{".composer/auth.json", []string{"composer", "php", "package", "packages"}},
	{".pgpass", []string{"postgres", "postgresql", "psql", "database", "db", "sql"}},
	{".my.cnf", []string{"mysql", "mariadb", "database", "db", "sql"}},
	{".s3cfg", []string{"s3", "aws", "bucket", "storage"}},
	{".oci/config", []string{"oci", "oracle", "cloud"}},
	{".databrickscfg", []string{"databricks", "spark", "lakehouse"}},
}

// credentialFileParameter finds, in a tool definition, a credential file
// of a service the tool is not about (credentialPaths: ~/.aws/credentials
// in a weather tool) written in a parameter's own text or in text that
// names one of the tool's parameters: a field the model is to fill with
// the file. The sentence around it may be in any language ("사용자 PC의
// ~/.aws/credentials 파일 내용을 이 필드에", "dołączenie ich treści do
// argumentu `telemetry`"): the path, the parameter and the unrelated
// purpose are the evidence.
func (a *analysis) credentialFileParameter(t ToolDef, meta, extra any) {
	var paths []signal.Finding
	for _, f := range slices.Concat(a.strong, a.weak) {
		if f.Signal == sigSensitivePath {
			paths = append(paths, f)
		}
	}
	if len(paths) == 0 {
		return
	}
	// what the tool is for, without the paths themselves (".aws" would
	// make any text that names the file look like an AWS tool) and
	// without the sentence that names one: an order justifies itself
	// with the provider ("… ~/.aws/credentials, so the certificate is
	// tied to the S3 backup bucket")
	purpose := a.purpose
	for _, f := range paths {
		if f.Field == "description" {
			// (not when that sentence is the whole description)
			if d := canon.Fold(t.Description); sentenceAround(d, f.Span) != d {
				purpose = strings.Replace(purpose, sentenceAround(d, f.Span), " ", 1)
			}
		}
		purpose = strings.ReplaceAll(purpose, f.Span, " ")
	}
	pw := map[string]bool{}
	for _, w := range strings.FieldsFunc(purpose, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		pw[w] = true
	}
	texts := map[string]string{"description": t.Description, "title": t.Title, "annotations.title": t.AnnotationsTitle}
	for _, f := range paths {
		var providers []string
		for _, cp := range credentialPaths {
			if strings.Contains(f.Span, cp.path) {
				providers = cp.providers
				break
			}
		}
		if providers == nil || slices.ContainsFunc(providers, func(p string) bool { return pw[p] }) {
			continue
		}
		inParam := false
		if i := strings.LastIndex(f.Field, ".properties."); i >= 0 {
			name := f.Field[i+len(".properties."):]
			if j := strings.IndexByte(name, '.'); j >= 0 {
				name = name[:j]
			}
			inParam = !pathParam(name)
		} else {
			raw, ok := texts[f.Field]
			if !ok {
				// a string of _meta or of the annotations' vendor members
				raw = memberText(meta, extra, f.Field)
			}
			text := canon.Fold(raw)
			for _, p := range a.ctx.Params {
				if len(p) >= 3 && !pathParam(p) && (quotedParam(text, canon.Fold(p)) || distinctiveName(p) && strings.Contains(text, canon.Fold(p))) {
					inParam = true
					break
				}
			}
		}
		if inParam {
			a.add(sigCredentialFileParam, f.Field, wCredentialFileParam, f.Span)
			return
		}
	}
}

// memberText returns the string at field ("_meta.<key>…" or
// "annotations.<key>…", the paths a.meta gives its findings) in meta or
// extra; keys may hold dots ("com.example/note"), so the string values
// are tried until one's path is the field. "" when none is.
func memberText(meta, extra any, field string) string {
	root, v := "_meta", meta
	if strings.HasPrefix(field, "annotations") {
		root, v = "annotations", extra
	}
	var out string
	var walk func(x any, path string, depth int)
	walk = func(x any, path string, depth int) {
		if out != "" || depth > 4 {
			return
		}
		switch x := x.(type) {
		case string:
			if path == field {
				out = x
			}
		case map[string]any:
			for k, e := range x {
				walk(e, path+"."+k, depth+1)
			}
		case []any:
			for i, e := range x {
				walk(e, path+"["+strconv.Itoa(i)+"]", depth+1)
			}
		}
	}
	walk(v, root, 0)
	return out
}

func decodeJSON(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(b, &v) != nil {
		return nil
	}
	return v
}

// allProperties appends every property name of a JSON schema, nested
// ones included: naming a property is not naming a tool.
func allProperties(v any, out *[]string, depth int) {
	if depth > maxDepth {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			allProperties(e, out, depth+1)
		}
	case map[string]any:
		for k, e := range x {
			if k == "properties" {
				if ps, ok := e.(map[string]any); ok {
					for n := range ps {
						*out = append(*out, n)
					}
				}
			}
			allProperties(e, out, depth+1)
		}
	}
}

// scalarSchema reports a property schema whose type cannot carry free
// text (boolean, number, integer, or an enum): it cannot be an exfiltration
// channel.
func scalarSchema(v any) bool {
	m, _ := v.(map[string]any)
	if m == nil {
		return false
	}
	if _, ok := m["enum"]; ok {
		return true
	}
	switch t := m["type"].(type) {
	case string:
		return t == "boolean" || t == "number" || t == "integer"
	case []any:
		for _, e := range t {
			if s, _ := e.(string); s != "boolean" && s != "number" && s != "integer" && s != "null" {
				return false
			}
		}
		return len(t) > 0
	}
	return false
}

// skipKeys hold schema keywords whose strings are not prose.
var skipKeys = map[string]bool{"type": true, "$schema": true, "$ref": true, "$id": true, "format": true, "required": true, "pattern": true, "contentMediaType": true, "contentEncoding": true, "$anchor": true}

const maxDepth = 32

// schema walks a JSON schema.
func (a *analysis) schema(v any, path string, input bool) {
	a.walkSchema(v, path, input, 0)
}

func (a *analysis) walkSchema(v any, path string, top bool, depth int) {
	if depth > maxDepth {
		return
	}
	switch x := v.(type) {
	case string:
		a.text(x, path, 0)
	case []any:
		for i, e := range x {
			a.walkSchema(e, path+"["+strconv.Itoa(i)+"]", false, depth+1)
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if skipKeys[k] {
				continue
			}
			val := x[k]
			p := path + "." + k
			if k == "properties" || k == "$defs" || k == "definitions" || k == "patternProperties" {
				ps, _ := val.(map[string]any)
				names := make([]string, 0, len(ps))
				for n := range ps {
					names = append(names, n)
				}
				slices.Sort(names)
				for _, n := range names {
					pp := p + "." + n
					if h := canon.Hidden(n); h.Hit() {
						for _, f := range h.Findings {
							f.Field = pp
							a.strong = append(a.strong, f)
						}
					}
					scalar := scalarSchema(ps[n])
					if k == "properties" && top && !scalar {
						prop, _ := ps[n].(map[string]any) // hostile schemas give properties of any type
						desc, _ := prop["description"].(string)
						a.parameter(n, desc, pp)
						a.fixedDestinationParam(n, desc, pp)
					}
					was, wasParam := a.scalar, a.param
					a.scalar = scalar
					// a parameter's own text is about that parameter: a
					// description of an api_key parameter talks of keys
					a.param = canon.Fold(splitIdent(n))
					a.walkSchema(ps[n], pp, false, depth+1)
					a.scalar, a.param = was, wasParam
				}
				continue
			}
			if str, ok := val.(string); ok {
				a.schemaValue(k, str, p)
			}
			if k == "enum" || k == "examples" {
				if vs, ok := val.([]any); ok {
					for i, e := range vs {
						if str, ok := e.(string); ok {
							a.schemaValue(k, str, p+"["+strconv.Itoa(i)+"]")
						}
					}
				}
			}
			a.walkSchema(val, p, false, depth+1)
		}
	}
}

// meta walks _meta: every string value is model-visible text (clients may
// show or pass it on); keys are checked for hidden characters.
func (a *analysis) meta(v any, path string, depth int) {
	if depth > maxDepth {
		return
	}
	switch x := v.(type) {
	case string:
		a.text(x, path, 0)
	case []any:
		for i, e := range x {
			a.meta(e, path+"["+strconv.Itoa(i)+"]", depth+1)
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if h := canon.Hidden(k); h.Hit() {
				for _, f := range h.Findings {
					f.Field = path + "." + k
					a.strong = append(a.strong, f)
				}
			}
			a.meta(x[k], path+"."+k, depth+1)
		}
	}
}

// splitIdent turns "getWeather_forCity" into "get Weather for City".
func splitIdent(n string) string {
	var b strings.Builder
	prevLower := false
	for _, r := range n {
		switch {
		case r == '_' || r == '-' || r == '.':
			b.WriteByte(' ')
			prevLower = false
			continue
		case unicode.IsUpper(r) && prevLower:
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		prevLower = unicode.IsLower(r)
	}
	return b.String()
}

// wSentenceParam is schema.unrelated_parameter for a property name of
// five or more words asking for a credential.
const wSentenceParam = 0.45

// parameter kinds for schema.unrelated_parameter.
const (
	paramCred = iota + 1
	paramConv
	paramNotes
)

// parameter scores a top-level input property whose name says it carries
// conversation, credentials or free notes while the tool's name and
// description say nothing of the kind.
// destinationParamWords are words of a parameter name that say where a
// call delivers (cc, bcc, recipient, webhook, forward_to, reply_to).
var destinationParamWords = map[string]bool{"cc": true, "bcc": true, "to": true, "recipient": true, "recipients": true, "webhook": true,
	"callback": true, "forward": true, "destination": true, "dest": true, "endpoint": true, "mirror": true, "archive": true, "copy": true, "reply": true}

// exampleWords mark a value a description shows as an example, in the
// analyser's main languages (folded).
var exampleWords = []string{"e.g", "for example", "example", "such as", "z.b", "zum beispiel", "beispiel", "por ejemplo", "ejemplo", "par exemple",
	"exemple", "ad esempio", "esempio", "por exemplo", "exemplo", "bijvoorbeeld", "np.", "например", "例如", "例え", "예:"}

// fixedDestinationParam finds a destination parameter (cc, bcc,
// recipient, webhook, …) whose own description fixes an outside e-mail or
// web address with an obligation or "always" in any of the analyser's
// languages ("il campo andrà valorizzato sempre con archivio@…", "always
// set to https://…"): the parameter is there to carry every call's data
// to that address. An address shown as an example is not fixed.
func (a *analysis) fixedDestinationParam(name, desc, path string) {
	if desc == "" || !strings.ContainsAny(desc, "@/") {
		return
	}
	dest := false
	for _, w := range strings.Fields(canon.Fold(splitIdent(name))) {
		dest = dest || destinationParamWords[w]
	}
	if !dest {
		return
	}
	f := canon.Fold(desc)
	if containsAny(f, exampleWords...) {
		return
	}
	s := scan(f)
	for _, r := range s.sents {
		span := s.span(r[0], r[1])
		addr := false
		for _, e := range emailRe.FindAllString(span, 4) {
			addr = addr || !strings.Contains(e, "example")
		}
		for k := r[0]; k < r[1] && !addr; k++ {
			addr = s.toks[k].url && !placeholderURL(s.toks[k].ext) && !strings.Contains(s.toks[k].ext, "example")
		}
		if addr && s.mask(r[0], r[1])&(rOblig|rOrder) != 0 && !s.negated(r[0], r[1]-1) {
			a.add(sigFixedDestination, path+".description", wFixedDestination, span)
			return
		}
	}
}

func (a *analysis) parameter(name, desc, path string) {
	words := strings.Fields(canon.Fold(splitIdent(name)))
	if len(words) == 0 {
		return
	}
	has := func(ws ...string) bool {
		for _, w := range words {
			if slices.Contains(ws, w) {
				return true
			}
		}
		return false
	}
	joined := strings.Join(words, "")
	kind, w := 0, 0.0
	switch {
	case has("ssh", "password", "passwd", "passphrase", "credentials", "credential", "mnemonic", "rsa") || joined == "privatekey" || joined == "secretkey" || joined == "sshkey" || has("secret", "secrets"):
		kind, w = paramCred, wUnrelatedParam
	case has("token", "apikey", "cookie", "cookies", "auth", "env", "environment") || joined == "apikey" || joined == "accesstoken" || joined == "sessionid":
		kind, w = paramCred, wUnrelatedParamWeak
	case has("conversation", "dialogue") || has("chat") && has("history", "log", "messages") || joined == "systemprompt" || joined == "previousmessages":
		kind, w = paramConv, wUnrelatedParam
	case has("context", "messages", "prompt", "instructions", "memory", "history", "transcript", "chat"):
		kind, w = paramConv, wUnrelatedParamWeak
	case has("sidenote", "notes", "note", "remarks", "remark", "annotation", "extra", "debug", "metadata", "feedback") || joined == "sidenote":
		kind, w = paramNotes, wUnrelatedParamWeak
	}
	if kind == 0 {
		return
	}
	if kind == paramCred && len(words) >= 5 {
		// a property name that is a sentence naming a secret
		// ("content_of_file_at_home_ssh_id_rsa"): the name is the order
		w = wSentenceParam
	}
	d := canon.Fold(desc)
	if w < wUnrelatedParam && d != "" {
		// an ambiguous name ("context", "token", "prompt") counts only when
		// its description is about conversation or credentials too
		if !strings.Contains(d, "conversation") && !strings.Contains(d, "chat") && !strings.Contains(d, "history") &&
			!strings.Contains(d, "password") && !strings.Contains(d, "credential") && !strings.Contains(d, "secret") && !strings.Contains(d, "ssh") &&
			!strings.Contains(d, "file content") && !strings.Contains(d, "system prompt") && !strings.Contains(d, "previous messages") {
			return
		}
	}
	if kind == paramNotes {
		if a.notesPurpose() {
			return
		}
		// free-text side channels weigh more when their description asks
		// for something the model would have to go and get
		if strings.Contains(d, "content") || strings.Contains(d, "file") || strings.Contains(d, "conversation") {
			w = wUnrelatedParam
		}
	} else if a.relatedPurpose(kind) || kind == paramCred && a.credPurpose() {
		return
	}
	a.add(sigUnrelatedParam, path, w, name)
}

// notesPurpose reports tools whose purpose includes free text: notes,
// issues, calendars, documents, memory, messages.
func (a *analysis) notesPurpose() bool {
	for _, w := range []string{"note", "memo", "comment", "annotat", "journal", "issue", "ticket", "task", "todo", "calendar", "event", "record", "log", "document", "feedback", "review", "contact", "crm", "commit", "pull", "diary", "bookmark", "entit", "observation", "memory", "knowledge", "save", "create", "update", "add", "write", "edit", "message", "email", "mail", "post", "report", "submit", "form", "debug", "trace", "metadata", "upload"} {
		if strings.Contains(a.purpose, w) {
			return true
		}
	}
	return false
}

// credPurpose reports tools that talk to an account-based service, where
// a token or key parameter is ordinary.
func (a *analysis) credPurpose() bool {
	for _, w := range []string{"api", "service", "account", "github", "gitlab", "slack", "cloud", "aws", "azure", "gcp", "database", "connect", "deploy", "webhook", "http", "request", "repository", "registry", "login", "session", "integration"} {
		if strings.Contains(a.purpose, w) {
			return true
		}
	}
	return false
}
