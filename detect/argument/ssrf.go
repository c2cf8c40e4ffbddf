package argument

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// dangerousSchemes are URL schemes that reach local files or speak raw
// protocols to internal services, with their weights.
var dangerousSchemes = map[string]float64{
	"file": 0.7, "gopher": 0.8, "dict": 0.75, "ldap": 0.6, "ldaps": 0.6, "tftp": 0.7, "jar": 0.6, "netdoc": 0.7,
	"jndi": 0.85, "php": 0.7, "phar": 0.7, "expect": 0.8, "zip": 0.5, "glob": 0.5, "data": 0, "smb": 0.55, "sftp": 0.3,
	"rmi": 0.7, "iiop": 0.6, "dns": 0.4,
}

// webSchemes are schemes whose authority is a network host.
var webSchemes = set("http", "https", "ws", "wss", "ftp", "ftps", "sftp", "ssh", "smb", "ldap", "ldaps", "gopher", "dict",
	"tftp", "redis", "mysql", "postgres", "postgresql", "mongodb", "amqp", "telnet", "rtsp", "git", "svn", "memcached", "jdbc", "rmi", "netdoc")

// metadataHosts are cloud instance-metadata host names.
var metadataHosts = set("metadata.google.internal", "metadata", "metadata.goog", "instance-data", "instance-data.ec2.internal",
	"metadata.azure.internal", "metadata.tencentyun.com", "metadata.platformequinix.com", "metadata.packet.net",
	"metadata.oraclecloud.com", "metadata.ec2.internal", "kubernetes.default.svc", "kubernetes.default")

// metadataAddrs are instance-metadata addresses: AWS/GCP/Azure/OCI/
// OpenStack/DigitalOcean (169.254.169.254), AWS IPv6 (fd00:ec2::254),
// AWS ECS task metadata (169.254.170.2), Alibaba (100.100.100.200), Oracle
// legacy (192.0.0.192), AWS DNS and time (169.254.169.253, .123).
var metadataAddrs = map[netip.Addr]bool{
	netip.MustParseAddr("169.254.169.254"): true, netip.MustParseAddr("fd00:ec2::254"): true,
	netip.MustParseAddr("169.254.170.2"): true, netip.MustParseAddr("100.100.100.200"): true,
	netip.MustParseAddr("192.0.0.192"): true, netip.MustParseAddr("169.254.169.253"): true,
	netip.MustParseAddr("169.254.169.123"): true, netip.MustParseAddr("fd00:ec2::23"): true,
}

// credentialPaths are metadata paths that return credentials or tokens.
var credentialPaths = []string{"/latest/meta-data/iam", "/latest/api/token", "/computemetadata/v1/instance/service-accounts",
	"/metadata/identity/oauth2/token", "/metadata/instance", "/latest/user-data", "/v2/credentials", "/v1/credentials",
	"/opc/v1/instance", "/opc/v2/", "/openstack/latest", "/metadata/v1", "/latest/meta-data", "/computemetadata/v1",
	"/api/v1/namespaces", "/var/run/secrets"}

// rebindDomains are wildcard DNS services that resolve a name holding an
// IP address to that address (127.0.0.1.nip.io), or resolve to loopback
// (localtest.me), or rebind between two addresses (rbndr.us).
var rebindDomains = []string{"nip.io", "sslip.io", "xip.io", "nip.direct", "traefik.me", "localtest.me", "lvh.me", "vcap.me",
	"lacolhost.com", "fbi.com", "rbndr.us", "1u.ms", "localh.st", "readme.localtest.me", "ip6.name", "backname.io"}

// loopbackDomains are rebindDomains that always resolve to loopback.
var loopbackDomains = set("localtest.me", "lvh.me", "vcap.me", "lacolhost.com", "localh.st", "fbi.com")

// hostVerdict is what classifyHost learns about a host.
type hostVerdict struct {
	class      string // "metadata", "loopback", "private", "link_local", "shared", "rebinding", ""
	obfuscated bool   // spelled other than the canonical form
	canonical  string // the address as it would be dialled
}

// ssrfWeights per class.
// Plain loopback and private targets stay below medium (0.35): a fetch of
// http://localhost:3000 is how developers check their own service. They
// reach it when encoded, when the path is a service's admin or data
// endpoint, or when the port is an unauthenticated infrastructure service.
var ssrfWeights = map[string]float64{"metadata": 0.85, "loopback": 0.3, "private": 0.3, "link_local": 0.5, "shared": 0.3, "rebinding": 0.45}

// internalServicePorts are ports of services that commonly answer without
// authentication on loopback or a private network: Redis, the Docker
// daemon, the kubelet, Consul, etcd, memcached, Elasticsearch, CouchDB,
// RabbitMQ management, kubectl proxy, Nomad, Vault; and FTP, SSH, telnet
// and SMTP, which an HTTP fetch has no business talking to.
var internalServicePorts = map[int]bool{21: true, 22: true, 23: true, 25: true, 6379: true, 2375: true, 2376: true, 10250: true, 10255: true, 8500: true, 2379: true,
	4001: true, 11211: true, 9200: true, 5984: true, 15672: true, 8001: true, 4646: true, 8200: true}

// ssrfItem finds URLs and hosts in one string and scores their targets.
func (a *analysis) ssrfItem(it *item) {
	s := it.s
	if len(s) < 1 {
		return
	}
	k := it.kc
	if !a.exec && !a.tool.fetch && a.tool.write && underContent(it.field) {
		// a value inside the object a write tool stores (a config file's
		// "postgresql://localhost:5432/dev") is file content, not fetched
		return
	}
	if !a.exec && a.tool.list && searchKey(it.key) {
		// the words a search engine or index looks up ("IMDSv2 hop limit
		// 169.254.169.254 mitigation"), not an address it fetches
		return
	}
	if k == keyData && !a.exec && !a.tool.fetch && (a.tool.write && strings.Count(s, "\n") >= 3 || (a.tool.write || a.tool.message) && strings.Count(s, " ") >= 8) {
		// a document a write tool stores (a threat model listing
		// "http://169.254.169.254/" as a risk), or the prose of a
		// ticket or message quoting a probe ("blocked requests to
		// url=http://169.254.169.254/…"), is read by people, not fetched
		return
	}
	found := false
	for _, u := range findURLs(s) {
		found = true
		a.checkURL(it, u)
	}
	if it.isKey {
		return
	}
	// Metadata headers (Metadata-Flavor: Google, X-aws-ec2-metadata-token,
	// Metadata: true) in header arguments.
	ls := it.lower()
	if strings.Contains(ls, "metadata-flavor") || strings.Contains(ls, "x-aws-ec2-metadata-token") ||
		it.key == "metadata" && ls == "true" || strings.HasPrefix(ls, "metadata: true") || strings.HasPrefix(ls, "metadata:true") {
		a.ssrf.add("ssrf.metadata_header", it.field, a.spanAll(s), 0.5)
	}
	if found {
		return
	}
	// Without a scheme: the whole value of a host-like key, or a host:port
	// or host/path token anywhere, or a bare address in a command.
	if k == keyHost || k == keyPath && !strings.ContainsAny(s, " \t\n") && !strings.HasPrefix(s, "/") && !strings.HasPrefix(s, ".") {
		if len(s) <= 2048 && !strings.ContainsAny(strings.TrimSpace(s), " \t\n") {
			a.checkHostPath(it, strings.TrimSpace(s), 0, k == keyHost)
			return
		}
	}
	if len(s) > MaxStringBytes {
		s = s[:MaxStringBytes]
	}
	if it.kc == keyData && !a.exec && !containsAny(ls, "169.254.", "metadata", "100.100.100.200", "fd00:ec2") {
		return // in text only metadata addresses count (checkHostPath)
	}
	exec := a.exec || strings.Contains(ls, "curl") || strings.Contains(ls, "wget") || strings.Contains(ls, "nc ")
	for _, tok := range hostTokens(s) {
		a.checkHostPath(it, tok.text, tok.at, exec)
	}
}

// underContent reports a field path inside an argument object that
// holds content to store (arguments.content.…, arguments.data.…,
// arguments.body.…).
func underContent(field string) bool {
	for _, p := range []string{"arguments.content.", "arguments.contents.", "arguments.data.", "arguments.body.", "arguments.json.", "arguments.config."} {
		if strings.HasPrefix(field, p) {
			return true
		}
	}
	return false
}

// searchKey reports an argument key that holds search terms (q, query,
// search, keyword, term, text_query).
func searchKey(k string) bool {
	switch strings.ToLower(k) {
	case "q", "query", "search", "keyword", "keywords", "term", "terms", "search_query", "searchquery", "text_query":
		return true
	}
	return false
}

// ssrfNumber reads a number argument under a host-like key (an IPv4
// address written as one integer: 2852039166).
func (a *analysis) ssrfNumber(it *item) {
	if it.kc != keyHost {
		return
	}
	v, err := strconv.ParseUint(it.s, 10, 32)
	if err != nil || v < 1<<24 {
		return
	}
	addr := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	hv := classifyAddr(addr)
	if hv.class != "" {
		hv.obfuscated = true
		a.reportHost(it, hv, it.s, 0, "")
	}
}

// urlRef is a URL found in text.
type urlRef struct {
	text   string
	at     int
	scheme string // lower case
}

// findURLs returns the scheme:... references in s (http://x, file:///,
// gopher://, jndi:ldap://): a scheme of 2 to 15 letters, digits, + . -
// starting at a word boundary, then up to the next space, quote, angle
// bracket or backtick. At most 64.
func findURLs(s string) []urlRef {
	var out []urlRef
	for i := 0; i < len(s) && len(out) < 64; {
		j := strings.IndexByte(s[i:], ':')
		if j < 0 {
			break
		}
		colon := i + j
		st := colon
		for st > 0 && isSchemeChar(s[st-1]) {
			st--
		}
		for st < colon && !isAlpha(s[st]) {
			st++
		}
		scheme := strings.ToLower(s[st:colon])
		if len(scheme) >= 2 && len(scheme) <= 15 && (webSchemes[scheme] || dangerousSchemes[scheme] > 0 || scheme == "data") {
			if webSchemes[scheme] && dangerousSchemes[scheme] == 0 && !strings.HasPrefix(s[colon+1:], "//") {
				// "host: x" is not a URL: a web scheme needs //.
				i = colon + 1
				continue
			}
			end := colon + 1
			for end < len(s) && (!isURLStop(s[end]) || scheme == "data" && (s[end] == ',' || s[end] == ';')) {
				end++
			}
			// Trailing punctuation belongs to the sentence.
			for end > colon+1 && strings.IndexByte(".,:;!?", s[end-1]) >= 0 {
				end--
			}
			rest := s[colon+1 : end]
			// The other schemes need something after the colon.
			if rest == "" || scheme == "data" && !strings.Contains(rest, ",") {
				i = colon + 1
				continue
			}
			out = append(out, urlRef{text: s[st:end], at: st, scheme: scheme})
			i = end
			continue
		}
		i = colon + 1
	}
	return out
}

// databaseArg reports an argument a database tool takes or one named
// for a connection string (dsn, connection, database_url, db).
func (a *analysis) databaseArg(it *item) bool {
	if a.tool.sql || hasWord(nameWords(it.rawKey), "dsn", "connection", "conn", "database", "db", "connstr", "uri") {
		return true
	}
	d := strings.ToLower(a.ctx.ToolDescription)
	return len(d) < 4096 && strings.Contains(d, "database")
}

// dbSchemes are database connection URL schemes: a database tool given
// one for an internal host connects to its own database.
var dbSchemes = set("postgres", "postgresql", "mysql", "mariadb", "mongodb", "mongodb+srv", "redis", "rediss", "clickhouse",
	"sqlserver", "mssql", "cockroachdb", "sqlite", "oracle", "amqp", "amqps")

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isSchemeChar(c byte) bool {
	return isAlpha(c) || '0' <= c && c <= '9' || c == '+' || c == '.' || c == '-'
}

func isURLStop(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '"', '\'', '<', '>', '`', '|', ';', ')', '(', '{', '}', ',':
		return true
	}
	return false
}

// checkURL scores one URL.
func (a *analysis) checkURL(it *item, u urlRef) {
	sp := lazy(func() string { return a.span(it.s, u.at, u.at+len(u.text)) })
	scheme := u.scheme
	rest := u.text[len(scheme)+1:]
	if scheme == "data" {
		return // the covert analyser reads data: URIs
	}
	// jar:http://..., jndi:ldap://...: the inner URL too.
	if scheme == "jar" || scheme == "jndi" || scheme == "netdoc" && !strings.HasPrefix(rest, "//") {
		if inner := findURLs(rest); len(inner) > 0 {
			in := inner[0]
			in.at += u.at + len(scheme) + 1
			a.checkURL(it, in)
		}
	}
	if tail := it.s[u.at:min(len(it.s), u.at+96)]; scheme == "jndi" && !strings.Contains(tail, "://") && !strings.Contains(tail[len(scheme)+1:], "${") {
		// "*${jndi:*", a hunt's search pattern: a lookup names a
		// directory URL (jndi:ldap://host/…) or hides one in nested
		// lookups (${jndi:${lower:l}dap://…})
		return
	}
	if w := dangerousSchemes[scheme]; w > 0 {
		sig := "ssrf.scheme_" + scheme
		if a.textOnly(it) && scheme != "jndi" {
			// A jndi: lookup fires wherever a logger reads it.
			w *= 0.5
		}
		if scheme == "file" {
			if a.fileURLInsideRoots(rest) {
				// a file the client shared by its roots (roots/list):
				// the path analysers judge what it is
				return
			}
			// file: in a fetch tool or a URL key is SSRF; elsewhere it
			// names a local file (the path analysers read it).
			if !a.tool.fetch && it.kc != keyHost {
				w = 0.35
			}
		}
		a.ssrf.add(sig, it.field, sp(), w)
		if scheme == "file" || !strings.HasPrefix(rest, "//") {
			return
		}
	}
	if !strings.HasPrefix(rest, "//") {
		return
	}
	auth := rest[2:]
	// The authority ends at the first / ? # (RFC 3986) or \ (WHATWG for
	// special schemes).
	end := strings.IndexAny(auth, `/?#\`)
	path := ""
	if end >= 0 {
		path, auth = auth[end:], auth[:end]
	}
	hosts := []string{hostOfAuthority(auth)}
	// Parser confusion: userinfo tricks that make two parsers see two
	// hosts (http://evil.com@127.0.0.1, http://127.0.0.1#@evil.com,
	// http://127.0.0.1\@evil.com).
	confusion := false
	if at := strings.LastIndexByte(rest[2:], '@'); at >= 0 {
		alt := rest[2+at+1:]
		if e := strings.IndexAny(alt, `/?#\`); e >= 0 {
			alt = alt[:e]
		}
		if h := hostOfAuthority(alt); h != hosts[0] {
			hosts = append(hosts, h)
			confusion = true
		}
	}
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		// Userinfo shaped like a host (evil.com@127.0.0.1,
		// evil.com:80@10.0.0.1) makes a reader see the wrong host; a
		// DSN's user:password@host does not.
		user, _, _ := strings.Cut(auth[:at], ":")
		if strings.Contains(user, ".") || strings.Contains(user, "@") || user == "" {
			confusion = true
		}
	}
	internal := false
	encoded := strings.Contains(auth, "%") || !isASCII(auth)
	for _, h := range hosts {
		hv := classifyHost(h)
		hv.obfuscated = hv.obfuscated || encoded && hv.class != ""
		if hv.class != "" && hv.class != "metadata" && a.textOnly(it) {
			// A link in an issue body or a file's text is not a
			// request target; only metadata addresses count there.
			continue
		}
		if hv.class != "" {
			internal = true
			a.reportHost(it, hv, sp(), authorityPort(auth), path)
			if scheme != "http" && scheme != "https" && hv.class != "metadata" && !(dbSchemes[scheme] && a.databaseArg(it)) {
				// ftp:, ws:, smb: ... to an internal host: not a page fetch
				a.ssrf.add("ssrf.internal_other_scheme", it.field, sp(), 0.3)
			}
		}
	}
	if internal && confusion {
		a.ssrf.add("ssrf.userinfo_confusion", it.field, sp(), 0.45)
	}
	if !internal {
		lp := strings.ToLower(path)
		for _, p := range credentialPaths[:5] {
			if strings.HasPrefix(lp, p) {
				a.ssrf.add("ssrf.credential_path", it.field, sp(), 0.45)
				break
			}
		}
	}
}

// hostOfAuthority returns the host of an authority (userinfo@host:port),
// percent-decoded, NFKC-normalised, lower case, without brackets,
// trailing dot or port.
func hostOfAuthority(auth string) string {
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		auth = auth[at+1:]
	}
	h := auth
	if strings.HasPrefix(h, "[") {
		if e := strings.IndexByte(h, ']'); e >= 0 {
			h = h[1:e]
		}
	} else if c := strings.LastIndexByte(h, ':'); c >= 0 && strings.Count(h, ":") == 1 {
		h = h[:c]
	}
	return canonHost(h)
}

// canonHost undoes the encodings a host can hide behind: percent-encoding
// (up to three times), full-width and other compatibility forms (NFKC),
// ideographic dots, case and a trailing dot.
func canonHost(h string) string {
	for range 3 {
		if !strings.Contains(h, "%") {
			break
		}
		d := percentDecode(h)
		if d == h {
			break
		}
		h = d
	}
	if !isASCII(h) {
		h = norm.NFKC.String(h)
		h = strings.NewReplacer("\u3002", ".", "\uff0e", ".", "\uff61", ".").Replace(h)
	}
	h = strings.ToLower(strings.Trim(h, "[] \t"))
	if i := strings.IndexByte(h, '%'); i > 0 && strings.Contains(h, ":") {
		h = h[:i] // IPv6 zone
	}
	return strings.TrimSuffix(h, ".")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// reportHost records an internal target.
func (a *analysis) reportHost(it *item, hv hostVerdict, sp string, port int, path string) {
	w := ssrfWeights[hv.class]
	a.ssrf.add("ssrf."+hv.class, it.field, sp, w)
	if hv.obfuscated {
		a.ssrf.add("ssrf.obfuscated_host", it.field, a.safe(hv.canonical+" ← "+sp), 0.45)
	}
	lp := strings.ToLower(path)
	for _, p := range credentialPaths {
		if strings.HasPrefix(lp, p) && (hv.class == "metadata" || hv.class == "link_local" || hv.class == "rebinding" || p == "/api/v1/namespaces") {
			a.ssrf.add("ssrf.credential_path", it.field, sp, 0.8)
			break
		}
	}
	if hv.class == "loopback" || hv.class == "private" {
		// Admin and data endpoints of local services (not /metrics or
		// /healthz: a developer checks those on the service they just
		// started, and they hold nothing to steal).
		if containsAny(lp, "/admin", "/actuator", "/debug", "/env", "/console", "/manager", "/server-status", "/_cat", "/_cluster", "/v1/agent", "/v1/kv", "/api/v1/namespaces", "/cgi-bin", "/luci", "/setup", "/config") {
			a.ssrf.add("ssrf.internal_admin_path", it.field, sp, 0.3)
		}
		if internalServicePorts[port] {
			a.ssrf.add("ssrf.internal_service_port", it.field, sp, 0.3)
		}
	}
}

// classifyHost reads a canonical host name or address.
func classifyHost(h string) hostVerdict {
	if h == "" {
		return hostVerdict{}
	}
	switch {
	case metadataHosts[h]:
		return hostVerdict{class: "metadata", canonical: h}
	case h == "localhost" || strings.HasSuffix(h, ".localhost") || h == "localhost.localdomain" || h == "ip6-localhost" ||
		h == "ip6-loopback" || h == "loopback":
		return hostVerdict{class: "loopback", canonical: h}
	}
	if addr, canonical, ok := parseHostAddr(h); ok {
		hv := classifyAddr(addr)
		hv.obfuscated = hv.obfuscated || hv.class != "" && !canonical
		return hv
	}
	for _, d := range rebindDomains {
		if h != d && !strings.HasSuffix(h, "."+d) {
			continue
		}
		if loopbackDomains[d] {
			return hostVerdict{class: "loopback", obfuscated: true, canonical: "127.0.0.1"}
		}
		label := strings.TrimSuffix(strings.TrimSuffix(h, d), ".")
		if addr, ok := embeddedAddr(label); ok {
			hv := classifyAddr(addr)
			if hv.class != "" {
				hv.obfuscated = true
				return hv
			}
			return hostVerdict{}
		}
		if d == "rbndr.us" || d == "1u.ms" {
			return hostVerdict{class: "rebinding", canonical: h}
		}
		return hostVerdict{}
	}
	return hostVerdict{}
}

// embeddedAddr finds an address a wildcard-DNS name carries: dotted
// (a.127.0.0.1), dashed (127-0-0-1, 10-0-0-1) or eight hex digits
// (7f000001).
func embeddedAddr(label string) (netip.Addr, bool) {
	parts := strings.Split(label, ".")
	if len(parts) >= 4 {
		if a, err := netip.ParseAddr(strings.Join(parts[len(parts)-4:], ".")); err == nil {
			return a, true
		}
	}
	for i := len(parts) - 1; i >= 0; i-- {
		p := parts[i]
		if dp := strings.Split(p, "-"); len(dp) >= 4 {
			if a, err := netip.ParseAddr(strings.Join(dp[len(dp)-4:], ".")); err == nil {
				return a, true
			}
		}
		if len(p) == 8 {
			if v, err := strconv.ParseUint(p, 16, 32); err == nil {
				return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
			}
		}
	}
	return netip.Addr{}, false
}

// classifyAddr reads an IP address.
func classifyAddr(a netip.Addr) hostVerdict {
	a = unmapAddr(a)
	hv := hostVerdict{canonical: a.String()}
	switch {
	case metadataAddrs[a]:
		hv.class = "metadata"
	case a.IsLoopback():
		hv.class = "loopback"
	case a.IsUnspecified():
		// 0.0.0.0 and [::] reach the local host: a spelling of loopback
		// that allow-lists written for 127.0.0.1 miss
		hv.class, hv.obfuscated = "loopback", true
	case a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast():
		hv.class = "link_local"
	case a.IsPrivate():
		hv.class = "private"
	case a.Is4() && a.As4()[0] == 100 && a.As4()[1]&0xc0 == 64:
		hv.class = "shared"
	case a.Is4() && a.As4()[0] == 0:
		hv.class, hv.obfuscated = "loopback", true // 0.0.0.0/8 reaches the local host on Linux
	}
	return hv
}

// unmapAddr returns the IPv4 address inside IPv4-mapped (::ffff:a.b.c.d),
// IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16)
// IPv6 addresses.
func unmapAddr(a netip.Addr) netip.Addr {
	if !a.Is6() {
		return a
	}
	a = a.Unmap()
	if a.Is4() {
		return a
	}
	b := a.As16()
	zero := func(from, to int) bool {
		for i := from; i < to; i++ {
			if b[i] != 0 {
				return false
			}
		}
		return true
	}
	switch {
	case zero(0, 12) && !zero(12, 16) && !(zero(12, 15) && b[15] <= 1):
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	case b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && zero(4, 12):
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	case b[0] == 0x20 && b[1] == 0x02:
		return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})
	}
	return a
}

// parseHostAddr parses h as an IP address in any spelling a resolver
// accepts: IPv6 (with embedded IPv4), dotted IPv4, and the inet_aton forms
// (one to four parts, each decimal, octal with a leading 0 or hex with 0x,
// the last filling the remaining bytes: 127.1, 0x7f000001, 2130706433,
// 0251.0376.0251.0376, 169.254.43518). canonical reports the plain dotted
// decimal (or standard IPv6) form.
func parseHostAddr(h string) (addr netip.Addr, canonical, ok bool) {
	if strings.Contains(h, ":") {
		a, err := netip.ParseAddr(h)
		if err != nil {
			return netip.Addr{}, false, false
		}
		u := unmapAddr(a)
		return a, u == a && a.String() == h, true
	}
	if a, err := netip.ParseAddr(h); err == nil {
		return a, true, true
	}
	parts := strings.Split(h, ".")
	if len(parts) > 4 || len(parts) == 0 {
		return netip.Addr{}, false, false
	}
	var vals []uint64
	for _, p := range parts {
		if p == "" {
			return netip.Addr{}, false, false
		}
		base := 10
		q := p
		switch {
		case len(q) > 2 && (q[:2] == "0x" || q[:2] == "0X"):
			base, q = 16, q[2:]
		case q == "0x" || q == "0X":
			q = "0"
			base = 16
		case len(q) > 1 && q[0] == '0':
			base, q = 8, q[1:]
		}
		v, err := strconv.ParseUint(q, base, 32)
		if err != nil {
			return netip.Addr{}, false, false
		}
		vals = append(vals, v)
	}
	var ip uint64
	n := len(vals)
	for i := 0; i < n-1; i++ {
		if vals[i] > 255 {
			return netip.Addr{}, false, false
		}
		ip |= vals[i] << (8 * (3 - i))
	}
	last := vals[n-1]
	if last >= 1<<(8*(5-n)) {
		return netip.Addr{}, false, false
	}
	ip |= last
	if n == 1 && ip < 1<<24 && ip != 0 {
		// A lone number below 1.0.0.0 is a number (a site id, a port, a
		// count), not an address: the integer forms of real addresses
		// (2130706433 for 127.0.0.1) are all above; "0" is 0.0.0.0.
		return netip.Addr{}, false, false
	}
	return netip.AddrFrom4([4]byte{byte(ip >> 24), byte(ip >> 16), byte(ip >> 8), byte(ip)}), false, true
}

// hostToken is a host-like token in free text.
type hostToken struct {
	text string
	at   int
}

// hostTokens returns the tokens of s that look like an address with a port
// or a path (10.0.0.5:6379, 169.254.169.254/latest, localhost:8080,
// [::1]:80) or a bare dotted IPv4 address: at most 64.
func hostTokens(s string) []hostToken {
	var out []hostToken
	i := 0
	for i < len(s) && len(out) < 64 {
		for i < len(s) && isURLStop(s[i]) {
			i++
		}
		st := i
		for i < len(s) && !isURLStop(s[i]) {
			i++
		}
		tok := strings.Trim(s[st:i], ".,:=")
		if len(tok) < 3 || len(tok) > 512 {
			continue
		}
		c := tok[0]
		if !('0' <= c && c <= '9' || c == '[' || c == 'l' || c == 'L' || c == 'm' || c == 'i' || c == 'k') {
			if eq := strings.LastIndexAny(tok, "=@"); eq >= 0 && eq+1 < len(tok) {
				tok = tok[eq+1:]
				st = i - len(tok)
			} else {
				continue
			}
		}
		out = append(out, hostToken{text: tok, at: st})
	}
	return out
}

// checkHostPath scores a host[:port][/path] token without a scheme. A bare
// address counts only when loose is set (a host-like key or a command
// line) or when it is a metadata address; with a port or path it counts
// anywhere.
func (a *analysis) checkHostPath(it *item, tok string, at int, loose bool) {
	host, path := tok, ""
	if i := strings.IndexAny(tok, `/?#\`); i >= 0 {
		host, path = tok[:i], tok[i:]
	}
	hasPort := false
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		host = host[at+1:]
	}
	if strings.HasPrefix(host, "[") {
		if e := strings.IndexByte(host, ']'); e >= 0 {
			hasPort = e+1 < len(host) && host[e+1] == ':'
			host = host[1:e]
		}
	} else if c := strings.LastIndexByte(host, ':'); c >= 0 && strings.Count(host, ":") == 1 {
		hasPort = isDigits(host[c+1:])
		if !hasPort {
			return
		}
		host = host[:c]
	}
	if !strings.ContainsAny(host, ".:[") && it.kc != keyHost {
		return // a bare number ("chmod 600") is not an address
	}
	hv := classifyHost(canonHost(host))
	if hv.class == "" {
		return
	}
	hv.obfuscated = hv.obfuscated || strings.Contains(host, "%") || !isASCII(host)
	if !loose && hv.class != "metadata" && (!hasPort && path == "" || it.kc == keyData) {
		// A bare "localhost" or "10.0.0.5" in prose, or an address in a
		// file's content, is not a request target.
		return
	}
	if loose && it.kc != keyHost && (hv.class == "loopback" || hv.class == "private") && path == "" {
		// ssh deploy@10.0.0.5, redis-cli -h 127.0.0.1: operations on
		// one's own hosts, an explanation more than a signal.
		a.ssrf.add("ssrf.internal_host", it.field, a.span(it.s, at, at+len(tok)), 0.2)
		return
	}
	a.reportHost(it, hv, a.span(it.s, at, at+len(tok)), 0, path)
}

// percentDecode decodes every valid %XX escape and leaves anything else as
// is.
func percentDecode(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// textOnly reports a string that is text or file content of a tool that
// does not run it.
func (a *analysis) textOnly(it *item) bool {
	return it.kc == keyData && !a.exec && !a.tool.fetch
}

// authorityPort returns the port of a URL authority (user@host:port,
// [v6]:port), 0 when none is given.
func authorityPort(auth string) int {
	if i := strings.LastIndexByte(auth, '@'); i >= 0 {
		auth = auth[i+1:]
	}
	c := strings.LastIndexByte(auth, ':')
	if c < 0 || strings.IndexByte(auth[c:], ']') >= 0 {
		return 0
	}
	p, err := strconv.Atoi(auth[c+1:])
	if err != nil || p <= 0 || p > 65535 {
		return 0
	}
	return p
}

// fileURLInsideRoots reports whether a file: URL (rest is what follows
// "file:") names a path inside one of the client's advertised roots other
// than "/": an empty or localhost authority (RFC 8089), the path
// percent-decoded and cleaned as the path analysers clean it.
func (a *analysis) fileURLInsideRoots(rest string) bool {
	if len(a.roots) == 0 || !strings.HasPrefix(rest, "//") {
		return false
	}
	auth, path, ok := strings.Cut(rest[2:], "/")
	if !ok || auth != "" && !strings.EqualFold(auth, "localhost") {
		return false
	}
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	if dec, err := url.PathUnescape(path); err == nil {
		path = dec
	}
	clean := strings.ToLower(resolvePath("/" + path).clean)
	for _, r := range a.roots {
		if r != "" && r != "/" && (clean == r || strings.HasPrefix(clean, r+"/")) {
			return true
		}
	}
	return false
}
