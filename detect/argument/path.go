package argument

import (
	"net/url"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// pathToken is a path found in a string, decoded.
type pathToken struct {
	raw      string // as written
	at       int    // byte offset of raw in the string
	decoded  string // after percent, overlong-UTF-8 and compatibility decoding
	layers   int    // rounds of percent-decoding that changed it
	overlong bool   // overlong UTF-8 or %u escapes were used
}

// overlongReplacer maps the encodings of '.', '/' and '\' that naive
// decoders accept: overlong UTF-8 (%c0%ae, %c0%af, %c1%9c, %e0%80%ae),
// IIS %u escapes, and look-alike slashes and dots.
var overlongReplacer = strings.NewReplacer(
	"%c0%ae", ".", "%C0%AE", ".", "%c0%af", "/", "%C0%AF", "/", "%c1%9c", `\`, "%C1%9C", `\`, "%c0%2e", ".", "%C0%2E", ".",
	"%e0%80%ae", ".", "%E0%80%AE", ".", "%c0%5c", `\`, "%C0%5C", `\`, "%c1%1c", `\`, "%e0%80%af", "/", "%E0%80%AF", "/",
	"%u002e", ".", "%U002E", ".", "%u002f", "/", "%U002F", "/", "%u005c", `\`, "%U005C", `\`, "%u2215", "/", "%U2215", "/",
	"%u2216", `\`, "\u2215", "/", "\u2216", `\`, "\u2044", "/", "\u29f8", "/",
)

// decodePath undoes up to three rounds of percent-encoding and the
// overlong and look-alike encodings of dots and slashes.
func decodePath(s string) pathToken {
	t := pathToken{raw: s}
	cur := s
	for range 4 {
		next := cur
		if strings.Contains(next, "%c") || strings.Contains(next, "%C") || strings.Contains(next, "%e0") || strings.Contains(next, "%E0") ||
			strings.Contains(next, "%u") || strings.Contains(next, "%U") || !isASCII(next) {
			r := overlongReplacer.Replace(next)
			if r != next {
				t.overlong = true
				next = r
			}
		}
		d := percentDecode(next)
		if d == cur {
			break
		}
		if d != next {
			t.layers++
		}
		cur = d
	}
	if !isASCII(cur) {
		n := norm.NFKC.String(cur)
		n = overlongReplacer.Replace(n)
		if n != cur && (strings.Count(n, ".") > strings.Count(cur, ".") || strings.Count(n, "/") > strings.Count(cur, "/")) {
			t.overlong = true
		}
		cur = n
	}
	t.decoded = cur
	return t
}

// resolvedPath is a path with its . and .. segments applied.
type resolvedPath struct {
	clean    string // forward slashes; "/" prefix when absolute; drive kept ("c:/x")
	abs      bool
	climbs   int  // how many levels above its start a relative path reaches (0: stays inside)
	aboveTop int  // how many ".." an absolute path spends above its deepest prefix
	dotdot   bool // has a ".." segment at all
	// backtrack is the most levels the path climbs back from the deepest
	// directory it named before (/home/u/src/app/../../../x: 3)
	backtrack int
}

// resolvePath applies . and .. to p (either separator).
func resolvePath(p string) resolvedPath {
	var r resolvedPath
	q := strings.ReplaceAll(p, `\`, "/")
	prefix := ""
	switch {
	case len(q) >= 2 && q[1] == ':' && isAlpha(q[0]):
		prefix, q, r.abs = strings.ToLower(q[:2]), q[2:], true
	case strings.HasPrefix(q, "~"):
		end := strings.IndexByte(q, '/')
		if end < 0 {
			end = len(q)
		}
		prefix, q, r.abs = q[:end], q[end:], true
	case strings.HasPrefix(q, "/"):
		r.abs = true
	}
	var stack []string
	depth, minDepth, peak := 0, 0, 0
	for _, seg := range strings.Split(q, "/") {
		switch seg {
		case "", ".":
			continue
		case "..", "..;":
			// "..;" is ".." to servlet containers (path parameters).
			r.dotdot = true
			depth--
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		default:
			if strings.Trim(seg, ". ") == "" && strings.Count(seg, ".") == 2 && strings.Contains(seg, " ") {
				// ".. " or ". .": dots and spaces that Windows trims to "..".
				r.dotdot = true
				depth--
				if len(stack) > 0 {
					stack = stack[:len(stack)-1]
				}
				break
			}
			depth++
			stack = append(stack, seg)
		}
		minDepth = min(minDepth, depth)
		peak = max(peak, depth)
		r.backtrack = max(r.backtrack, peak-depth)
	}
	if r.abs {
		r.aboveTop = -minDepth
	} else {
		r.climbs = -minDepth
	}
	clean := strings.Join(stack, "/")
	switch {
	case prefix != "":
		r.clean = prefix + "/" + clean
	case r.abs:
		r.clean = "/" + clean
	default:
		r.clean = clean
	}
	return r
}

// pathItem runs the traversal, sensitive-path and listing analysers on one
// string.
func (a *analysis) pathItem(it *item) {
	s := it.s
	k := it.kc
	if strings.IndexByte(s, 0) >= 0 {
		a.trav.add("traversal.nul_byte", it.field, a.spanAll(s), 0.6)
	} else if i := strings.Index(s, "%00"); i >= 0 && (k == keyPath || k == keyHost || !strings.ContainsAny(s, " \t\n")) {
		a.trav.add("traversal.nul_byte", it.field, a.span(s, i-20, i+20), 0.6)
	} else if i := strings.Index(it.lower(), "%2500"); i >= 0 {
		a.trav.add("traversal.nul_byte", it.field, a.span(s, i-20, i+20), 0.6)
	}
	whole := k == keyPath || !strings.ContainsAny(strings.TrimSpace(s), " \t\n\r") && len(s) <= 4096
	if k == keyData && !whole && !a.exec {
		// Text and file content mention paths; they are not opened.
		// Only sensitive files named in it count (at a low factor).
		for _, tok := range pathTokens(s, false) {
			a.sensitiveToken(it, tok, resolvePath(tok.decoded), k, false)
		}
		return
	}
	for _, tok := range pathTokens(s, whole) {
		a.pathToken(it, tok, k, whole)
	}
}

// pathTokens returns the path-like tokens of s (the whole string when
// whole is set; otherwise the tokens holding a separator, a dot-dot or a
// percent sign), each decoded; URLs contribute their path and query
// values. At most 64.
func pathTokens(s string, whole bool) []pathToken {
	var raw []hostToken
	if whole {
		t := strings.TrimSpace(s)
		raw = append(raw, hostToken{text: t, at: strings.Index(s, t)})
	} else {
		i := 0
		for i < len(s) && len(raw) < 64 {
			for i < len(s) && isPathStop(s[i]) {
				i++
			}
			st := i
			for i < len(s) && !isPathStop(s[i]) {
				i++
			}
			t := s[st:i]
			if len(t) >= 2 && (strings.ContainsAny(t, `/\.%~`) || strings.HasPrefix(strings.ToLower(t), "id_")) {
				raw = append(raw, hostToken{text: t, at: st})
			}
		}
	}
	var out []pathToken
	for _, r := range raw {
		t := r.text
		if len(t) > 4096 {
			t = t[:4096]
		}
		// A URL: its path and its query values are the paths.
		if i := strings.Index(t, "://"); i > 0 && i < 16 && !strings.HasPrefix(strings.ToLower(t), "file:") {
			rest := t[i+3:]
			p := strings.IndexAny(rest, "/?#")
			if p < 0 {
				continue
			}
			rest = rest[p:]
			path, query, _ := strings.Cut(rest, "?")
			path, _, _ = strings.Cut(path, "#")
			if strings.Contains(path, "..") || strings.Contains(path, "%") {
				pt := decodePath(path)
				pt.at = r.at
				// A URL path is rooted at the site: only climbing above
				// it counts, which resolvePath reports for absolute
				// paths as aboveTop.
				out = append(out, pt)
			}
			for _, kv := range strings.Split(query, "&") {
				_, v, ok := strings.Cut(kv, "=")
				if ok && len(v) >= 2 {
					pt := decodePath(v)
					pt.at = r.at
					out = append(out, pt)
				}
			}
			continue
		}
		if strings.HasPrefix(strings.ToLower(t), "file:") {
			if u, err := url.Parse(t); err == nil && u.Path != "" {
				pt := decodePath(u.EscapedPath())
				pt.raw, pt.at = t, r.at
				out = append(out, pt)
				continue
			}
			t = strings.TrimPrefix(strings.TrimPrefix(t[5:], "//"), "localhost")
		}
		pt := decodePath(t)
		pt.raw, pt.at = r.text, r.at
		out = append(out, pt)
		if len(out) >= 64 {
			break
		}
	}
	return out
}

func isPathStop(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '"', '\'', '<', '>', '`', '|', ';', '(', ')', '{', '}', ',', '=', '&', '[', ']':
		return true
	}
	return false
}

// systemDirs are absolute prefixes whose reach from a traversal is
// worse than a sibling directory.
var systemDirs = []string{"/etc", "/root", "/proc", "/var/run", "/run", "/sys", "/dev", "/boot", "/home", "/users", "/var/lib",
	"/var/log", "/usr", "/bin", "/sbin", "c:/windows", "c:/users", "c:/programdata", "~"}

// pathToken scores one decoded path.
func (a *analysis) pathToken(it *item, t pathToken, k keyClass, whole bool) {
	d := t.decoded
	if strings.IndexByte(d, 0) >= 0 {
		a.trav.add("traversal.nul_byte", it.field, a.span(it.s, t.at, t.at+len(t.raw)), 0.6)
		d = d[:strings.IndexByte(d, 0)]
	}
	r := resolvePath(d)
	spanText := func() string {
		return a.safe(a.span(it.s, t.at, t.at+len(t.raw)) + " → " + r.clean)
	}
	looksPath := k == keyPath || whole || r.dotdot
	if !looksPath {
		a.sensitiveToken(it, t, r, k, whole)
		return
	}
	isURLPath := strings.Contains(t.raw, "://")
	if r.dotdot {
		w := 0.0
		switch {
		case !r.abs && len(a.roots) > 0 && a.relativeInsideRoots(d):
			// ../app/src/x from a root that is /data/app stays inside.
		case !r.abs && r.climbs >= 4:
			w = 0.7
		case !r.abs && r.climbs >= 2:
			w = 0.6
		case !r.abs && r.climbs == 1:
			w = 0.45
		case r.abs && r.aboveTop > 0:
			w = 0.6
		case r.abs && r.backtrack >= 2 && !isURLPath && landsInPersistence(strings.ToLower(r.clean)) && !landsInPersistence(strings.ToLower(strings.ReplaceAll(d, `\`, "/"))[:max(0, strings.Index(strings.ToLower(strings.ReplaceAll(d, `\`, "/")), ".."))]):
			// C:\Users\u\project\..\..\..\AppData\…\Startup: a path
			// written from a working directory, climbed out of, into a
			// place that runs or trusts what is written there
			w = 0.55
		case r.abs && !isURLPath && underAny(strings.ToLower(r.clean), systemDirs) && !underAny(strings.ToLower(strings.ReplaceAll(d, `\`, "/")), systemDirs[:len(systemDirs)-1]):
			// /var/www/../../etc/passwd: lands in a system directory it
			// did not start in.
			w = 0.55
		}
		if w > 0 {
			a.trav.add("traversal.dotdot", it.field, spanText(), w)
			switch {
			case t.overlong:
				a.trav.add("traversal.overlong_encoding", it.field, spanText(), 0.7)
			case t.layers >= 2:
				a.trav.add("traversal.double_encoded", it.field, spanText(), 0.7)
			case t.layers == 1:
				a.trav.add("traversal.encoded", it.field, spanText(), 0.55)
			}
		}
	}
	if containsAny(d, "....//", `....\\`, "..././", `...\.\`) {
		// "....//" becomes "../" once a filter strips "../".
		a.trav.add("traversal.filter_evasion", it.field, spanText(), 0.6)
	}
	lc := strings.ToLower(r.clean)
	if strings.HasPrefix(lc, "/proc/") && containsAny(lc+"/", "/root/", "/cwd/", "/fd/", "/mem/", "/map_files/") {
		a.trav.add("traversal.proc_root", it.field, spanText(), 0.6)
	}
	raw := strings.TrimSpace(d)
	if (k == keyPath || whole) && (strings.HasPrefix(raw, `\\`) || strings.HasPrefix(raw, "//") && !strings.Contains(t.raw, "://") && !bazelLabel(raw)) && len(raw) > 3 {
		sig := "traversal.unc_path"
		if strings.HasPrefix(raw, `\\?\`) || strings.HasPrefix(raw, `\\.\`) {
			sig = "traversal.device_path"
		}
		a.trav.add(sig, it.field, spanText(), 0.5)
	}
	// Outside the advertised roots.
	if len(a.roots) > 0 && r.abs && !isURLPath && (k == keyPath || whole && looksAbsolute(raw)) {
		if !a.insideRoots(lc) {
			w := 0.55
			if underAny(lc, systemDirs) {
				w = 0.65
			}
			a.trav.add("traversal.outside_root", it.field, spanText(), w)
		}
	}
	a.sensitiveToken(it, t, r, k, whole)
	a.listingToken(it, r, k)
}

// persistenceDirs are the places of a user profile that run or trust
// what is written there: autostart folders, shell start-up files, SSH
// keys, launch agents, cron (lower case, forward slashes).
var persistenceDirs = []string{"/start menu/programs/startup", "/.config/autostart", "/.ssh", "/.bashrc", "/.bash_profile", "/.profile", "/.zshrc",
	"/library/launchagents", "/library/launchdaemons", "/.config/systemd/user", "/etc/cron", "/var/spool/cron", "/.gitconfig", "/.npmrc"}

// landsInPersistence reports a resolved path inside persistenceDirs.
func landsInPersistence(p string) bool {
	for _, d := range persistenceDirs {
		if strings.Contains(p, d) {
			return true
		}
	}
	return false
}

// looksAbsolute reports a path that starts at a root (/x, ~/x, C:\x).
func looksAbsolute(p string) bool {
	return strings.HasPrefix(p, "/") || strings.HasPrefix(p, "~") || len(p) >= 3 && p[1] == ':' && isAlpha(p[0]) && (p[2] == '\\' || p[2] == '/')
}

// underAny reports whether clean path p (lower case) is one of dirs or
// below one of them.
func underAny(p string, dirs []string) bool {
	for _, d := range dirs {
		if p == d || strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}

// normalizeRoots turns the advertised roots into clean lower-case paths.
func normalizeRoots(roots []string) []string {
	var out []string
	for _, r := range roots {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		if strings.HasPrefix(strings.ToLower(r), "file:") {
			if u, err := url.Parse(r); err == nil {
				r = u.Path
				if len(r) >= 3 && r[0] == '/' && r[2] == ':' {
					r = r[1:] // file:///C:/x
				}
			}
		}
		c := strings.ToLower(resolvePath(r).clean)
		if c == "" {
			continue
		}
		out = append(out, strings.TrimSuffix(c, "/"))
	}
	return out
}

// insideRoots reports whether clean path p is a root or under one,
// comparing whole segments (/data/app-secrets is not under /data/app:
// CVE-2025-53110).
func (a *analysis) insideRoots(p string) bool {
	for _, r := range a.roots {
		if r == "" || r == "/" || p == r || strings.HasPrefix(p, r+"/") {
			return true
		}
	}
	return false
}

// relativeInsideRoots reports whether relative path p, resolved against
// some advertised root, stays inside one of the roots.
func (a *analysis) relativeInsideRoots(p string) bool {
	for _, r := range a.roots {
		if r == "" || r == "/" {
			continue
		}
		if a.insideRoots(strings.ToLower(resolvePath(r + "/" + p).clean)) {
			return true
		}
	}
	return false
}

// bazelLabel reports a Bazel or Buck target pattern (//services/api/...,
// //pkg/sub:target, //...): it starts with // like a UNC path but names
// packages of the workspace, not a host.
func bazelLabel(s string) bool {
	if !strings.HasPrefix(s, "//") || strings.ContainsAny(s, `\ `) {
		return false
	}
	if strings.HasSuffix(s, "/...") || s == "//..." || strings.HasSuffix(s, ":all") || strings.HasSuffix(s, ":*") {
		return true
	}
	// //pkg:target: a colon after the package, none in the host part
	i := strings.IndexByte(s, ':')
	return i > 2 && strings.IndexByte(s[2:i], '/') >= 0 && !strings.ContainsAny(s[i+1:], "/:")
}
