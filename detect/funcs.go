package detect

import (
	"fmt"
	"github.com/mcpaudit/mcpaudit/detect/argument"
	"github.com/mcpaudit/mcpaudit/detect/catalog"
	"github.com/mcpaudit/mcpaudit/internal/secrets"
	"math"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// This file holds the helper library available to every rule expression.
// Each helper is an exported Go function (usable and tested on its own) and
// is registered in expr under the lowerCamel name given in its doc comment.

// SensitivePath reports whether s names, or contains a path to, a file
// that commonly holds credentials or agent configuration, by the one list
// detect/argument keeps (argument.SensitiveFile: SSH keys and the .ssh
// directory but public keys, cloud and cluster credentials, .env files but
// examples and templates, .netrc, .pgpass, package-registry tokens,
// /etc/shadow and /etc/passwd, browser and OS credential stores, MCP client
// configs, ...), counting what that function weighs at least 0.3. Matching
// is case-insensitive, accepts / and \ and works inside URIs and command
// lines. expr: sensitivePath(s).
func SensitivePath(s string) bool {
	_, w := argument.SensitiveFile(s)
	return w >= 0.3
}

// secretCatalogue is the shared catalogue of secret patterns; the collector
// redacts with the same one, so Secrets also counts its [REDACTED:kind]
// markers.
var secretCatalogue = secrets.NewRedactor()

// Secrets returns the kinds of secrets in s, each once, in the order of
// secrets.AllKinds (private_key, aws_access_key, aws_secret_access_key,
// github_token, slack_token, slack_webhook, jwt, json_secret), counting both
// clear-text secrets and the collector's `[REDACTED:kind]` markers. It
// returns nil when none is found. expr: secrets(s).
func Secrets(s string) []string { return secretCatalogue.Kinds(s) }

// HasSecret reports whether Secrets(s) finds anything. expr: hasSecret(s).
func HasSecret(s string) bool { return len(secretCatalogue.Kinds(s)) > 0 }

// isInvisible reports whether r is an invisible or bidirectional-control code
// point used to hide instructions: tag characters U+E0000–U+E007F, zero-width
// space/non-joiner/joiner U+200B–U+200D, word joiner U+2060, zero-width
// no-break space U+FEFF, bidi embeddings and overrides U+202A–U+202E and bidi
// isolates U+2066–U+2069.
func isInvisible(r rune) bool {
	switch {
	case r >= 0xE0000 && r <= 0xE007F,
		r >= 0x200B && r <= 0x200D,
		r == 0x2060,
		r == 0xFEFF,
		r >= 0x202A && r <= 0x202E,
		r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// InvisibleUnicode reports whether s contains an invisible or bidirectional
// control code point (see InvisibleCodePoints for the set). expr:
// invisibleUnicode(s).
func InvisibleUnicode(s string) bool {
	for _, r := range s {
		if r >= 0x200B && isInvisible(r) {
			return true
		}
	}
	return false
}

// InvisibleCodePoints returns the distinct invisible or bidirectional control
// code points in s as "U+XXXX" strings, in order of first appearance: tag
// characters U+E0000–U+E007F, U+200B–U+200D, U+2060, U+FEFF, U+202A–U+202E
// and U+2066–U+2069. It returns nil when there is none. expr:
// invisibleCodePoints(s).
func InvisibleCodePoints(s string) []string {
	var out []string
	for _, r := range s {
		if r >= 0x200B && isInvisible(r) {
			cp := fmt.Sprintf("U+%04X", r)
			if !slices.Contains(out, cp) {
				out = append(out, cp)
			}
		}
	}
	return out
}

// ANSIEscape reports whether s contains a terminal escape sequence: the ESC
// control character (U+001B) or the 8-bit CSI (U+009B), or their common
// textual spellings followed by '[' or ']' (\x1b[, \u001b[, \033[, \e[) as
// they appear in JSON or source text. expr: ansiEscape(s).
func ANSIEscape(s string) bool {
	if strings.IndexByte(s, 0x1b) >= 0 || strings.ContainsRune(s, 0x9b) {
		return true
	}
	if strings.IndexByte(s, '\\') < 0 {
		return false
	}
	l := strings.ToLower(s)
	for _, p := range []string{`\x1b[`, `\u001b[`, `\033[`, `\e[`, `\x1b]`, `\u001b]`, `\033]`} {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

var (
	injectionRe = regexp.MustCompile(`</?important>|<\|(?:system|im_start|im_end|endoftext)\|>|\[/?inst\]|<<sys>>|` +
		`\b(?:ignore|disregard|forget) (?:all |any )?(?:the )?(?:previous|prior|above|earlier|preceding) (?:instructions|prompts|directions|rules)|` +
		`\b(?:do not|don't|dont|never) (?:tell|inform|mention (?:this |it |that )?to|notify|alert|reveal (?:this |it )?to) the user|` +
		`\bwithout (?:telling|informing|notifying) the user|` +
		`\bbefore using this tool,? (?:you (?:must|should) )?(?:first )?read\b`)
	modelAddressRe = regexp.MustCompile(`\b(?:ai|assistant|model|llm|claude|gpt|agent|system|instructions?|you must|you should|ignore|do not|important)\b`)
)

// InjectionMarkers returns the prompt-injection markers found in s, each once
// in order of first appearance, after Unicode NFKC normalisation, removal of
// invisible code points, lowercasing and collapsing of white space: <IMPORTANT>
// tags, HTML comments addressed to the model (an HTML comment that mentions
// the AI, assistant, model, instructions, ...), chat-template tokens
// (<|system|>, <|im_start|>, [INST], <<SYS>>), "ignore previous
// instructions" and its variants, "do not tell the user" and its variants, and
// "before using this tool, read". It returns nil when none is found.
func InjectionMarkers(s string) []string {
	if s == "" {
		return nil
	}
	n := normalizeForMatch(s)
	var out []string
	var found []string
	if mayInject(n) {
		found = injectionRe.FindAllString(n, -1)
	}
	for _, m := range found {
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	for rest := n; ; {
		i := strings.Index(rest, "<!--")
		if i < 0 {
			break
		}
		rest = rest[i+4:]
		body := rest
		if j := strings.Index(rest, "-->"); j >= 0 {
			body, rest = rest[:j], rest[j+3:]
		} else {
			rest = ""
		}
		if modelAddressRe.MatchString(body) {
			if !slices.Contains(out, "<!-- comment addressed to the model -->") {
				out = append(out, "<!-- comment addressed to the model -->")
			}
		}
	}
	return out
}

// HasInjectionMarkers reports whether InjectionMarkers(s) finds anything.
// expr: injectionMarkers(s) (a bool, for conditions) and
// injectionMarkerList(s) (the list).
func HasInjectionMarkers(s string) bool {
	if s == "" {
		return false
	}
	n := normalizeForMatch(s)
	if mayInject(n) && injectionRe.MatchString(n) {
		return true
	}
	return strings.Contains(n, "<!--") && len(InjectionMarkers(s)) > 0
}

// normalizeForMatch applies NFKC, drops invisible code points, lowercases and
// collapses white space runs to one space.
func normalizeForMatch(s string) string {
	if !isASCII(s) {
		s = norm.NFKC.String(s)
		s = strings.Map(func(r rune) rune {
			if isInvisible(r) {
				return -1
			}
			return r
		}, s)
	}
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// injectionHints are substrings of which every injectionRe match contains
// at least one; checking them first keeps the regexp off most text.
var injectionHints = []string{"important>", "<|", "inst]", "<<sys>>", "previous", "prior", "above",
	"earlier", "preceding", "the user", "before using"}

// mayInject reports whether normalised text n contains an injection hint.
func mayInject(n string) bool {
	for _, h := range injectionHints {
		if strings.Contains(n, h) {
			return true
		}
	}
	return false
}

// PathTraversal reports whether s tries to climb out of a directory: ../ or
// ..\ (also a trailing /.. and a bare ..), their percent-encoded forms
// (%2e%2e%2f, ..%2f, %2e%2e/, %5c) decoded up to three times (so double and
// triple encoding are caught), overlong UTF-8 dots and slashes (%c0%ae,
// %c0%af), and NUL bytes raw or encoded (%00). expr: pathTraversal(s).
func PathTraversal(s string) bool {
	if s == "" {
		return false
	}
	cur := s
	for range 4 {
		if hasDotDot(cur) || strings.IndexByte(cur, 0) >= 0 {
			return true
		}
		if strings.IndexByte(cur, '%') < 0 {
			return false
		}
		l := strings.ToLower(cur)
		if strings.Contains(l, "%c0%ae") || strings.Contains(l, "%c0%af") || strings.Contains(l, "%c1%9c") {
			return true
		}
		next := percentDecode(cur)
		if next == cur {
			return false
		}
		cur = next
	}
	return false
}

func hasDotDot(s string) bool {
	if s == ".." {
		return true
	}
	if strings.Contains(s, "../") || strings.Contains(s, `..\`) {
		return true
	}
	return strings.HasSuffix(s, "/..") || strings.HasSuffix(s, `\..`)
}

// percentDecode decodes every valid %XX escape and leaves anything else as is.
func percentDecode(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(v))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

// ShellMeta reports whether s contains shell metacharacters that chain,
// substitute or redirect commands: ; | & ` $( ${ < > or a newline. expr:
// shellMeta(s).
func ShellMeta(s string) bool {
	if strings.ContainsAny(s, ";|&`<>\n") {
		return true
	}
	return strings.Contains(s, "$(") || strings.Contains(s, "${")
}

// metadataHosts are cloud instance-metadata host names.
var metadataHosts = map[string]bool{
	"metadata.google.internal": true, "metadata": true, "metadata.goog": true,
	"instance-data": true, "instance-data.ec2.internal": true, "metadata.azure.internal": true,
	"metadata.tencentyun.com": true, "100.100.100.200": true,
}

// SSRFTarget reports whether s is a URL or host that points at an internal
// target: the schemes file:, gopher:, dict:, ldap: and netdoc:; cloud
// metadata hosts (169.254.169.254, fd00:ec2::254, metadata.google.internal,
// ...); localhost and *.localhost; loopback, unspecified, link-local and
// private (RFC 1918, RFC 4193) addresses, IPv4-mapped IPv6 forms and
// integer/hex spellings of IPv4 addresses (2852039166, 0xa9fea9fe). expr:
// ssrfTarget(s).
func SSRFTarget(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 4096 {
		return false
	}
	host := s
	if i := strings.Index(s, ":"); i > 0 {
		scheme := strings.ToLower(s[:i])
		switch scheme {
		case "file", "gopher", "dict", "ldap", "netdoc", "jar":
			return true
		}
		if strings.HasPrefix(s[i:], "://") {
			u, err := url.Parse(s)
			if err != nil {
				return false
			}
			host = u.Hostname()
		}
	}
	if host == s {
		// Not a URL: accept host, host:port or [v6]:port.
		if h, _, ok := strings.Cut(s, "/"); ok {
			host = h
		}
		if ap, err := netip.ParseAddrPort(host); err == nil {
			return internalAddr(ap.Addr())
		}
		if i := strings.LastIndexByte(host, ':'); i > 0 && strings.Count(host, ":") == 1 {
			host = host[:i]
		}
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "" {
		return false
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || metadataHosts[host] {
		return true
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return internalAddr(a)
	}
	if v, ok := parseIntegerIPv4(host); ok {
		return internalAddr(v)
	}
	return false
}

func internalAddr(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsUnspecified() ||
		a.IsLinkLocalMulticast() || a == netip.MustParseAddr("fd00:ec2::254") || a == netip.MustParseAddr("100.100.100.200")
}

// parseIntegerIPv4 parses a decimal (2852039166) or hex (0xa9fea9fe) IPv4.
func parseIntegerIPv4(h string) (netip.Addr, bool) {
	v, err := strconv.ParseUint(h, 0, 32)
	if err != nil {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// Entropy returns the Shannon entropy of s in bits per character (code
// point): 0 for "" and for one repeated character, about 6 for random
// base64. expr: entropy(s).
func Entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var ascii [128]int
	var other map[rune]int
	n := 0
	for _, r := range s {
		n++
		if r < 128 {
			ascii[r]++
			continue
		}
		if other == nil {
			other = map[rune]int{}
		}
		other[r]++
	}
	h := 0.0
	add := func(c int) {
		if c > 0 {
			p := float64(c) / float64(n)
			h -= p * math.Log2(p)
		}
	}
	for _, c := range ascii {
		add(c)
	}
	for _, c := range other {
		add(c)
	}
	return h
}

// EditDistance returns the Levenshtein distance between a and b counted in
// code points (insertions, deletions and substitutions each cost 1). expr:
// editDistance(a, b).
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// maxArgStrings bounds ArgStrings so a huge argument object cannot make one
// evaluation arbitrarily expensive.
const maxArgStrings = 4096

// ArgStrings returns every string leaf of v (typically a tool call's decoded
// arguments), recursing into maps (in sorted key order) and slices, at most
// 4096 strings. Map keys are not included. expr: argStrings(arguments).
func ArgStrings(v any) []string {
	var out []string
	collectStrings(v, &out)
	return out
}

func collectStrings(v any, out *[]string) {
	if len(*out) >= maxArgStrings {
		return
	}
	switch x := v.(type) {
	case string:
		*out = append(*out, x)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			collectStrings(x[k], out)
		}
	case []any:
		for _, e := range x {
			collectStrings(e, out)
		}
	}
}

// egressWords are tool-name fragments that suggest data leaves the system.
var egressWords = []string{"send", "post", "upload", "webhook", "http", "fetch", "email", "mail",
	"publish", "create_pull_request", "pull_request", "exfil", "curl", "wget", "slack", "tweet", "gist", "share"}

// EgressTool reports whether a tool call looks like it sends data out of the
// system: the tool name (case-insensitive, with - and . read as _) contains
// send, post, upload, webhook, http, fetch, email, mail, publish,
// create_pull_request, exfil, curl, wget, slack, tweet, gist or share; or
// one of its string arguments is a URL (http, https, ftp, ws, wss) or mailto
// address. args may be nil. expr: egressTool(tool_name, arguments).
func EgressTool(name string, args map[string]any) bool {
	n := strings.ToLower(name)
	n = strings.NewReplacer("-", "_", ".", "_").Replace(n)
	for _, w := range egressWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	for _, s := range ArgStrings(args) {
		if URLish(s) {
			return true
		}
	}
	return false
}

// URLish reports whether s starts (after leading spaces) with an http, https,
// ftp, ws, wss or mailto URL scheme. expr: urlish(s).
func URLish(s string) bool {
	s = strings.TrimLeft(s, " \t\r\n")
	if len(s) > 8 {
		s = s[:8]
	}
	s = strings.ToLower(s)
	for _, p := range []string{"http://", "https://", "ftp://", "ws://", "wss://", "mailto:"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// pathKeyWords are argument-name fragments that mark a value as a path, URI
// or command line.
var pathKeyWords = []string{"path", "file", "dir", "folder", "uri", "url", "source", "src",
	"destination", "dest", "target", "root", "location", "command", "cmd"}

// PathArgs returns the string leaves of v (typically a tool call's decoded
// arguments) that sit under an object key naming a path, file, directory,
// URI, URL, source, destination, target, root, location or command
// (case-insensitive substring: "path", "paths", "filePath", "source_dir",
// ...), in sorted key order, at most 4096 strings. Strings in lists under
// such a key count too. expr: pathArgs(arguments).
func PathArgs(v any) []string {
	var out []string
	collectPathStrings(v, false, &out)
	return out
}

func collectPathStrings(v any, under bool, out *[]string) {
	if len(*out) >= maxArgStrings {
		return
	}
	switch x := v.(type) {
	case string:
		if under {
			*out = append(*out, x)
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			collectPathStrings(x[k], under || isPathKey(k), out)
		}
	case []any:
		for _, e := range x {
			collectPathStrings(e, under, out)
		}
	}
}

func isPathKey(k string) bool {
	k = strings.ToLower(k)
	for _, w := range pathKeyWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// Shape returns s with every run of ASCII digits replaced by one "0", at
// most 64 KiB of it: calls that differ only in counters, ids, coordinates
// or timestamps get the same shape. expr: shape(s).
func Shape(s string) string {
	if len(s) > 64<<10 {
		s = s[:64<<10]
	}
	var b strings.Builder
	b.Grow(len(s))
	digit := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			if !digit {
				b.WriteByte('0')
			}
			digit = true
			continue
		}
		digit = false
		b.WriteByte(c)
	}
	return b.String()
}

// publicSinkWords are words of a server or tool name whose writes anyone
// can read: paste sites, public gists, social networks, forums, status
// pages.
var publicSinkWords = map[string]bool{"pastebin": true, "paste": true, "hastebin": true, "gist": true, "tweet": true, "twitter": true,
	"linkedin": true, "mastodon": true, "bluesky": true, "reddit": true, "discourse": true, "forum": true, "statuspage": true, "publish": true,
	"public": true, "facebook": true, "threads": true}

// PublicSink reports whether a tools/call writes where anyone can read
// it: a server or tool name of a paste site, gist, social network, forum or
// status page (publicSinkWords, "secret"/"private" gists excepted), a
// description whose first sentence says public or publish, or an argument
// that makes the write public (public: true, visibility "public",
// "anyone"). expr: publicSink(server_name, tool_name, tool.description,
// arguments).
func PublicSink(server, tool, description string, args map[string]any) bool {
	words := append(catalog.Words(server), catalog.Words(tool)...)
	for _, w := range words {
		if w == "secret" || w == "private" || w == "internal" {
			return false
		}
	}
	if pub, ok := args["public"].(bool); ok && !pub {
		return false // create_gist with public: false
	}
	for _, w := range words {
		if publicSinkWords[w] {
			return true
		}
	}
	first := description
	if i := strings.IndexAny(first, ".\n"); i >= 0 {
		first = first[:i]
	}
	fw := catalog.Words(first)
	for i, w := range fw {
		if i+1 < len(fw) && (fw[i+1] == "key" || fw[i+1] == "keys" || fw[i+1] == "ssh" || fw[i+1] == "gpg") {
			continue // "add a public SSH key": the key is public, not the write
		}
		if w == "public" || w == "publicly" || w == "publish" || w == "publishes" {
			return true
		}
	}
	for k, v := range args {
		lk := strings.ToLower(k)
		switch x := v.(type) {
		case bool:
			if x && (lk == "public" || lk == "is_public" || lk == "ispublic") {
				return true
			}
		case string:
			lv := strings.ToLower(x)
			if (strings.Contains(lk, "visibility") || strings.Contains(lk, "access") || lk == "privacy" || lk == "audience") && (lv == "public" || lv == "anyone" || lv == "everyone" || lv == "unlisted") {
				return true
			}
		}
	}
	return false
}

// revokeVerbs and credentialObjects are the words of a tool name that
// revokes credentials: revoke_token, revoke_credentials,
// deactivate_api_key, invalidate_sessions.
var (
	revokeVerbs       = map[string]bool{"revoke": true, "revocation": true, "invalidate": true, "deactivate": true, "disable": true, "expire": true, "rotate": true}
	credentialObjects = map[string]bool{"token": true, "tokens": true, "key": true, "keys": true, "credential": true, "credentials": true,
		"secret": true, "secrets": true, "session": true, "sessions": true, "access": true, "pat": true, "password": true}
	// revokeCommandRe finds a command that revokes or deactivates a
	// credential: aws iam update-access-key … --status Inactive, aws iam
	// delete-access-key, npm token revoke, gcloud auth revoke, vault token
	// revoke, az … credential delete, gh auth token revocation.
	revokeCommandRe = regexp.MustCompile(`(?i)\bupdate-access-key\b[^\n|;&]*--status\s+inactive\b|\bdelete-access-key\b|\btoken\s+revoke\b|\bauth\s+revoke\b|\bcredential\s+(?:delete|reset)\b|\brevoke-(?:token|session|credentials?)\b`)
)

// RevocationCall reports a tools/call that revokes, deactivates or
// deletes a credential: a tool named for it (a revoke verb and a
// credential object: revoke_token, revoke_credentials,
// deactivate_api_key) or a string argument holding a revoking command
// (revokeCommandRe). A leaked token sent there is being killed.
// expr: revocation(tool_name, arguments).
func RevocationCall(tool string, args map[string]any) bool {
	verb, obj := false, false
	for _, w := range catalog.Words(tool) {
		verb = verb || revokeVerbs[w]
		obj = obj || credentialObjects[w]
	}
	if verb && obj {
		return true
	}
	found := false
	walkStrings(args, "", func(_, v string) {
		found = found || len(v) <= 4096 && revokeCommandRe.MatchString(v)
	})
	return found
}
