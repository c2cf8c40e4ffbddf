package tap

import "bytes"

// splitter cuts one direction's byte stream into newline-delimited frames
// (MCP stdio framing). Frames longer than max are skipped up to their
// newline and reported to onOversize.
type splitter struct {
	max        int
	onOversize func()
	buf        []byte
	skipping   bool // discarding up to the next newline
}

// keepCap is the largest buffer kept between frames; bigger ones (after a
// multi-MiB frame) are released.
const keepCap = 1 << 20

// feed adds p and calls emit for each complete frame (without its "\n").
// emit must not retain the frame.
func (s *splitter) feed(p []byte, emit func([]byte)) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.add(p)
			return
		}
		s.add(p[:i])
		if !s.skipping {
			emit(s.buf)
		}
		s.reset()
		p = p[i+1:]
	}
}

func (s *splitter) add(p []byte) {
	if s.skipping {
		return
	}
	if len(s.buf)+len(p) > s.max {
		s.skipping = true
		s.buf = nil
		if s.onOversize != nil {
			s.onOversize()
		}
		return
	}
	s.buf = append(s.buf, p...)
}

func (s *splitter) reset() {
	s.skipping = false
	if cap(s.buf) > keepCap {
		s.buf = nil
	}
	s.buf = s.buf[:0]
}

// resync discards the partial frame and the rest of the current line: bytes
// before the next chunk were lost.
func (s *splitter) resync() {
	s.buf = s.buf[:0]
	s.skipping = true
}

// flush emits a final frame that had no trailing newline.
func (s *splitter) flush(emit func([]byte)) {
	if len(s.buf) > 0 && !s.skipping {
		emit(s.buf)
	}
	s.reset()
}
