package tap

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
)

// splitRecord collects what a splitter hands on, as "kind:text" items.
type splitRecord struct {
	items []string
	bytes int64 // bytes accounted for, '\n' included
	split *splitter
	final bool // the splitter is being flushed: no '\n' follows
}

func newSplitRecord(max, prefixMax int) *splitRecord {
	r := &splitRecord{}
	r.split = &splitter{max: max, prefixMax: prefixMax, sink: splitSink{
		frame: func(f []byte) {
			r.items = append(r.items, "frame:"+string(f))
			r.bytes += int64(len(f)) + r.nl()
		},
		oversize: func(prefix []byte, size int64) {
			r.items = append(r.items, fmt.Sprintf("oversize:%s:%d", prefix, size))
			r.bytes += size + r.nl()
		},
		lost: func(n int64, newline bool) {
			r.items = append(r.items, fmt.Sprintf("lost:%d:%v", n, newline))
			r.bytes += n
		},
	}}
	return r
}

func (r *splitRecord) nl() int64 {
	if r.final {
		return 0
	}
	return 1
}

func (r *splitRecord) flush() {
	r.final = true
	r.split.flush()
	r.final = false
}

func TestSplitter(t *testing.T) {
	// Each step is a chunk fed, or "|gap" / "|gap\n" for dropped bytes (not
	// ending, or ending, with a newline).
	tests := []struct {
		name  string
		steps []string
		want  []string
	}{
		{"frames across chunks", []string{"ab", "c\nde", "f\n\n"}, []string{"frame:abc", "frame:def", "frame:"}},
		{"remainder flushed", []string{"ab\ncd"}, []string{"frame:ab", "frame:cd"}},
		{"exactly max", []string{"12345678\n"}, []string{"frame:12345678"}},
		{"oversize in one chunk", []string{"123456789\nok\n"}, []string{"oversize:1234:9", "frame:ok"}},
		{"oversize across chunks", []string{"12", "3456", "789", "0\nok\n"}, []string{"oversize:1234:10", "frame:ok"}},
		{"oversize remainder", []string{"1234567890"}, []string{"oversize:1234:10"}},
		{"gap mid-line", []string{"ab", "|gap", "cd\nef\n"}, []string{"lost:5:true", "frame:ef"}},
		{"gap ending a line", []string{"ab", "|gap\n", "cd\n"}, []string{"lost:2:false", "frame:cd"}},
		{"gap at a boundary", []string{"ab\n", "|gap\n", "cd\n"}, []string{"frame:ab", "lost:0:false", "frame:cd"}},
		{"two gaps in one line", []string{"ab", "|gap", "cd", "|gap", "e\nf\n"}, []string{"lost:6:true", "frame:f"}},
		{"gap in an oversize line", []string{"123456789", "|gap", "0\nok\n"}, []string{"lost:11:true", "frame:ok"}},
		{"gap at the end", []string{"ab\ncd", "|gap"}, []string{"frame:ab", "lost:2:false"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newSplitRecord(8, 4)
			for _, st := range tt.steps {
				switch st {
				case "|gap":
					r.split.gap(false)
				case "|gap\n":
					r.split.gap(true)
				default:
					r.split.feed([]byte(st))
				}
			}
			r.flush()
			if got := strings.Join(r.items, " "); got != strings.Join(tt.want, " ") {
				t.Errorf("got  %s\nwant %s", got, strings.Join(tt.want, " "))
			}
		})
	}
}

// FuzzSplit feeds data to a splitter in chunks whose lengths come from cuts
// (each byte: length cut&0x3f+1; when cut&0x80 is set the chunk is dropped
// instead of fed, as the relay drops chunks the observer queue cannot hold).
// Property: frames (with their '\n'), oversize frames (with their '\n'), lost
// bytes, dropped bytes and the flushed remainder add up to len(data); no
// frame holds a '\n' or exceeds max, every oversize frame exceeds max; and
// when nothing was dropped the frames and oversize frames are exactly the
// lines of data. Seeds: testdata/stream.jsonl and testdata/fuzz/FuzzSplit.
func FuzzSplit(f *testing.F) {
	stream, err := os.ReadFile("testdata/stream.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	// Seeds of a few lines each: the fuzzer's minimizer is quadratic in the
	// input length, so one long seed would stall it for a minute.
	lines := bytes.SplitAfter(stream, []byte("\n"))
	for i := 0; i < len(lines); i += 3 {
		piece := bytes.Join(lines[i:min(i+3, len(lines))], nil)
		f.Add(piece, []byte{byte(i) & 0x3f, 0x3f, 1, byte(0x80 | i), 20, 3}, uint16(64+i*7))
	}
	f.Add([]byte("a\nbb\n\nccc"), []byte{0, 0x81, 0}, uint16(1))
	f.Fuzz(func(t *testing.T, data, cuts []byte, max uint16) {
		m := int(max)%512 + 1
		r := newSplitRecord(m, 16)
		var frames, oversized [][]byte
		r.split.sink.frame = func(fr []byte) {
			if bytes.IndexByte(fr, '\n') >= 0 || len(fr) > m {
				t.Fatalf("frame %q holds a newline or is longer than %d", fr, m)
			}
			frames = append(frames, bytes.Clone(fr))
			oversized = append(oversized, nil)
			r.bytes += int64(len(fr)) + r.nl()
		}
		r.split.sink.oversize = func(prefix []byte, size int64) {
			if size <= int64(m) || len(prefix) > 16 || bytes.IndexByte(prefix, '\n') >= 0 {
				t.Fatalf("oversize frame of %d bytes (max %d), prefix %q", size, m, prefix)
			}
			frames = append(frames, bytes.Clone(prefix))
			oversized = append(oversized, []byte{1})
			r.bytes += size + r.nl()
		}
		var dropped int64
		p := data
		for i := 0; len(p) > 0; i++ {
			c := byte(0x3f)
			if len(cuts) > 0 {
				c = cuts[i%len(cuts)]
			}
			n := min(int(c&0x3f)+1, len(p))
			if c&0x80 != 0 {
				dropped += int64(n)
				r.split.gap(p[n-1] == '\n')
			} else {
				r.split.feed(p[:n])
			}
			p = p[n:]
		}
		r.flush()
		if got := r.bytes + dropped; got != int64(len(data)) {
			t.Fatalf("accounted for %d bytes (%d dropped), fed %d", got, dropped, len(data))
		}
		if dropped > 0 {
			return
		}
		lines := bytes.Split(data, []byte("\n"))
		if len(lines[len(lines)-1]) == 0 {
			lines = lines[:len(lines)-1] // no remainder
		}
		if len(lines) != len(frames) {
			t.Fatalf("%d frames for %d lines", len(frames), len(lines))
		}
		for i, l := range lines {
			want := l
			if len(l) > m {
				want = l[:min(len(l), 16)]
			}
			if !bytes.Equal(frames[i], want) || (oversized[i] != nil) != (len(l) > m) {
				t.Fatalf("frame %d is %q (oversize %v), line %q", i, frames[i], oversized[i] != nil, l)
			}
		}
	})
}
