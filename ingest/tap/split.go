package tap

import "bytes"

// splitter cuts one direction's byte stream into newline-delimited frames
// (MCP stdio framing) and accounts for every byte it is fed: each byte ends
// in exactly one frame (with its '\n'), one oversize frame (with its '\n'),
// one lost span, or the remainder that flush hands on. It is used by one
// goroutine.
//
// Own code rather than bufio.Scanner: the Scanner stops for good at a token
// longer than its buffer, where a tap must skip the long line, count it and
// go on; and it cannot be told that bytes were dropped in the middle of a
// line (see gap).
type splitter struct {
	max       int // longest frame handed on, in bytes without the '\n'
	prefixMax int // bytes kept of an oversize frame
	sink      splitSink

	state  splitState
	buf    []byte // stateFrame: the frame so far
	n      int64  // stateOversize, stateLost: bytes of the line so far
	prefix []byte // stateOversize: its first prefixMax bytes
}

// splitSink receives what a splitter makes of the stream. None of the
// callbacks may retain the slices it is given.
type splitSink struct {
	// frame is a complete frame without its '\n' (at most max bytes).
	frame func(frame []byte)
	// oversize is a frame longer than max: its first bytes and its size
	// without the '\n'.
	oversize func(prefix []byte, size int64)
	// lost is the n bytes of a line that a gap cut (see gap); newline says
	// that they include the line's '\n' (the line ended here rather than
	// in the dropped bytes or at the end of the stream). n may be 0.
	lost func(n int64, newline bool)
}

type splitState uint8

const (
	stateFrame    splitState = iota // collecting a frame in buf
	stateOversize                   // counting a line longer than max
	stateLost                       // counting the rest of a line cut by a gap
)

// keepCap is the largest buffer kept between frames; bigger ones (after a
// multi-MiB frame) are released.
const keepCap = 1 << 20

// feed consumes p.
func (s *splitter) feed(p []byte) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.add(p)
			return
		}
		s.add(p[:i])
		switch s.state {
		case stateFrame:
			s.sink.frame(s.buf)
		case stateOversize:
			s.sink.oversize(s.prefix, s.n)
		case stateLost:
			s.sink.lost(s.n+1, true)
		}
		s.reset()
		p = p[i+1:]
	}
}

// add appends p, which holds no '\n', to the current line.
func (s *splitter) add(p []byte) {
	switch s.state {
	case stateFrame:
		if need := len(s.buf) + len(p); need <= s.max {
			if need > cap(s.buf) {
				// Double rather than let append grow by 1.25: a long line
				// then costs about two copies, not five, which keeps the
				// observer ahead of the relay on multi-MiB frames.
				nb := make([]byte, len(s.buf), min(max(2*cap(s.buf), need, 4096), s.max))
				copy(nb, s.buf)
				s.buf = nb
			}
			s.buf = append(s.buf, p...)
			return
		}
		s.state = stateOversize
		s.n = int64(len(s.buf))
		s.prefix = append(make([]byte, 0, s.prefixMax), s.buf[:min(len(s.buf), s.prefixMax)]...)
		s.buf = s.buf[:0]
		fallthrough
	case stateOversize:
		if room := s.prefixMax - len(s.prefix); room > 0 {
			s.prefix = append(s.prefix, p[:min(len(p), room)]...)
		}
		s.n += int64(len(p))
	case stateLost:
		s.n += int64(len(p))
	}
}

func (s *splitter) reset() {
	s.state = stateFrame
	s.n = 0
	s.prefix = nil
	if cap(s.buf) > keepCap {
		s.buf = nil
	}
	s.buf = s.buf[:0]
}

// gap tells the splitter that bytes were dropped between the last chunk fed
// and the next one. The line in progress is lost (its bytes so far count
// as lost). When the dropped bytes ended with a '\n' (endsLine) the next
// byte starts a new frame and lost is called at once; otherwise the bytes
// up to the next '\n' belong to the cut line and are lost too.
func (s *splitter) gap(endsLine bool) {
	var n int64
	switch s.state {
	case stateFrame:
		n = int64(len(s.buf))
	case stateOversize, stateLost:
		n = s.n
	}
	s.reset()
	if endsLine {
		s.sink.lost(n, false)
		return
	}
	s.state = stateLost
	s.n = n
}

// flush hands on the remainder: a last frame that had no trailing '\n' (as
// a frame or an oversize frame), or the bytes of a cut line (as lost).
func (s *splitter) flush() {
	switch s.state {
	case stateFrame:
		if len(s.buf) > 0 {
			s.sink.frame(s.buf)
		}
	case stateOversize:
		s.sink.oversize(s.prefix, s.n)
	case stateLost:
		s.sink.lost(s.n, false)
	}
	s.reset()
}
