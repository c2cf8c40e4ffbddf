package injection

import (
	"unsafe"

	ahocorasick "github.com/BobuSumisu/aho-corasick"
)

// Fixed strings (sensitive paths, chat-template tokens, command anchors,
// comment openers) are found in one Aho-Corasick pass over the folded text
// rather than one strings.Index per pattern: with about 120 patterns and
// texts up to tens of kilobytes, one linear pass is what keeps the
// analyser linear and cheap on short schema strings.
var (
	fetchAnchors   = []string{"curl ", "wget ", "iwr ", "irm ", "invoke-webrequest", "invoke-restmethod", "fetch("}
	execAnchors    = []string{"bash <(curl", "bash <(wget", "sh <(curl", "-c \"$(curl", "-c \"$(wget", "-c '$(curl", "-c \"`curl", "source <(curl", "iex (", "iex(", "| iex", "|iex", "invoke-expression", ".downloadstring(", ".downloadfile(", "start-bitstransfer"}
	decodeAnchors  = []string{"base64 -d", "base64 --decode", "base64 -di", "certutil -decode", "frombase64string"}
	psAnchors      = []string{"powershell", "pwsh"}
	shellAnchors   = []string{"/dev/tcp/", "/dev/udp/", "nc -e ", "ncat -e ", "nc -c ", "bash -i >&", "sh -i >&", "mkfifo /tmp/", "socat exec:", "socat tcp", "0<&196", "telnet ", "pty.spawn("}
	installAnchors = []string{"npx ", "pip install ", "pip3 install ", "npm install ", "npm i ", "uvx ", "go install ", "pipx run ", "bunx ", "curl -o ", "wget -o "}
	mdComments     = []string{"[//]: #", "[comment]: #", "[//]: <>", "[comment]: <>"}
	otherAnchors   = []string{"://", "<!--", "<|", "chmod +x"}
)

var (
	anchorTrie  *ahocorasick.Trie
	anchorIndex = map[string]int{}
	anchorList  []string
	// pathAnchor marks the anchors that are sensitive paths
	pathAnchor []bool
)

func init() {
	for _, l := range [][]string{sensitivePaths, templateTokens, fetchAnchors, execAnchors, decodeAnchors, psAnchors, shellAnchors, installAnchors, mdComments, otherAnchors} {
		for _, p := range l {
			if _, ok := anchorIndex[p]; !ok {
				anchorIndex[p] = len(anchorList)
				anchorList = append(anchorList, p)
			}
		}
	}
	anchorTrie = ahocorasick.NewTrieBuilder().AddStrings(anchorList).Build()
	pathAnchor = make([]bool, len(anchorList))
	for _, p := range sensitivePaths {
		pathAnchor[anchorIndex[p]] = true
	}
}

// anchorHit is one occurrence of an anchor: its index in anchorList and
// its start offset.
type anchorHit struct{ pat, pos int }

// anchors are the anchor occurrences of one text, in order of their end.
type anchors []anchorHit

// maxAnchorHits bounds the occurrences kept per text (a hostile text
// could repeat "://" a million times; the first ones are enough).
const maxAnchorHits = 512

// findAnchors runs the anchor automaton over f once.
func findAnchors(f string, buf anchors) anchors {
	buf = buf[:0]
	if f == "" {
		return buf
	}
	// Walk only reads its input: viewing the string's bytes avoids a copy.
	b := unsafe.Slice(unsafe.StringData(f), len(f))
	anchorTrie.Walk(b, func(end, n, pattern int64) bool {
		buf = append(buf, anchorHit{pat: int(pattern), pos: int(end - n + 1)})
		return len(buf) < maxAnchorHits
	})
	return buf
}

// first returns the offset of the first occurrence of anchor p, or -1.
func (h anchors) first(p string) int {
	idx, ok := anchorIndex[p]
	if !ok {
		panic("injection: unknown anchor " + p) // a programming error, caught by tests
	}
	best := -1
	for _, x := range h {
		if x.pat == idx && (best < 0 || x.pos < best) {
			best = x.pos
		}
	}
	return best
}

// each calls fn with the offset of every occurrence of anchor p, in order.
func (h anchors) each(p string, fn func(pos int)) {
	idx := anchorIndex[p]
	for _, x := range h {
		if x.pat == idx {
			fn(x.pos)
		}
	}
}

// any reports whether any anchor of list occurs.
func (h anchors) any(list []string) bool {
	for _, p := range list {
		if h.first(p) >= 0 {
			return true
		}
	}
	return false
}
