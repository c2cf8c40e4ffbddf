package argument

import "strings"

// anchorSet finds which of a fixed list of lower-case substrings occur in a
// text, in one pass over it, so that the dozens of checks textSignalsOn
// and dataGate make over a long value cost one scan instead of one per
// pattern. Own code rather than an Aho-Corasick library: the patterns are
// few and short, and a first-byte table with prefix tests is enough.
type anchorSet struct {
	pats   []string
	index  map[string]int
	first  [256][]int      // pattern indexes by first byte
	bigram [1 << 10]uint64 // the first two bytes of every pattern, as a bit set
	short  bool            // some pattern is one byte long
}

// newAnchorSet builds the set over pats (lower case, non-empty).
func newAnchorSet(pats ...string) *anchorSet {
	s := &anchorSet{index: map[string]int{}}
	for _, p := range pats {
		if p == "" {
			continue
		}
		if _, dup := s.index[p]; dup {
			continue
		}
		s.index[p] = len(s.pats)
		s.first[p[0]] = append(s.first[p[0]], len(s.pats))
		if len(p) == 1 {
			s.short = true
		} else {
			b := uint16(p[0])<<8 | uint16(p[1])
			s.bigram[b/64] |= 1 << (b % 64)
		}
		s.pats = append(s.pats, p)
	}
	return s
}

// anchorHits is the result of one scan.
type anchorHits struct {
	set  *anchorSet
	text string
	bits []uint64
}

// scan returns the patterns present in l.
func (s *anchorSet) scan(l string) anchorHits {
	h := anchorHits{set: s, text: l, bits: make([]uint64, (len(s.pats)+63)/64)}
	for i := 0; i < len(l); i++ {
		if !s.short {
			if i+1 >= len(l) {
				break
			}
			b := uint16(l[i])<<8 | uint16(l[i+1])
			if s.bigram[b/64]&(1<<(b%64)) == 0 {
				continue
			}
		}
		for _, idx := range s.first[l[i]] {
			if h.bits[idx/64]&(1<<(idx%64)) == 0 && strings.HasPrefix(l[i:], s.pats[idx]) {
				h.bits[idx/64] |= 1 << (idx % 64)
			}
		}
	}
	return h
}

// has reports whether p occurs (falling back to strings.Contains for a
// pattern the set does not hold).
func (h anchorHits) has(p string) bool {
	idx, ok := h.set.index[p]
	if !ok {
		return strings.Contains(h.text, p)
	}
	return h.bits[idx/64]&(1<<(idx%64)) != 0
}

// any reports whether one of ps occurs.
func (h anchorHits) any(ps ...string) bool {
	for _, p := range ps {
		if h.has(p) {
			return true
		}
	}
	return false
}

// none reports whether no pattern of the set occurs.
func (h anchorHits) none() bool {
	for _, b := range h.bits {
		if b != 0 {
			return false
		}
	}
	return true
}
