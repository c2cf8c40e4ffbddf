package query

import (
	"bufio"
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeCursor feeds arbitrary page tokens (and filter hashes) to
// decodeCursor, and arbitrary cursors through encode and back.
//
// Property: decodeCursor never panics; it accepts a token only when it is
// exactly what encode makes of the cursor it returns, for the same filter
// hash (so anything encode did not produce is an error); the empty token is
// "no token"; and every cursor with an id, encoded, decodes to itself.
//
// Seeds: testdata/page-tokens.tsv (valid tokens and near misses).
func FuzzDecodeCursor(f *testing.F) {
	file, err := os.Open("testdata/page-tokens.tsv")
	if err != nil {
		f.Fatal(err)
	}
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) < 2 {
			f.Fatalf("bad seed line %q", line)
		}
		f.Add(parts[0], parts[1], uint64(42), "x")
	}
	file.Close()

	f.Fuzz(func(t *testing.T, token, q string, ts uint64, id string) {
		c, ok, err := decodeCursor(token, q)
		switch {
		case token == "":
			if ok || err != nil {
				t.Fatalf("empty token: ok %v, err %v; want no token", ok, err)
			}
		case err != nil:
			if ok || c != (cursor{}) {
				t.Fatalf("error %v with ok %v, cursor %+v", err, ok, c)
			}
		case !ok:
			t.Fatalf("token %q: no error and no cursor", token)
		default:
			if c.encode() != token || c.Q != q || c.ID == "" {
				t.Fatalf("token %q accepted as %+v, which encodes to %q (q %q)", token, c, c.encode(), q)
			}
		}

		// Round trip of what encode makes. json.Marshal replaces invalid
		// UTF-8, so only valid ids and hashes come back unchanged; the
		// service's are UUIDs, rule-derived ids and base36 hashes.
		in := cursor{T: ts, ID: id, Q: q}
		got, ok, err := decodeCursor(in.encode(), q)
		switch {
		case id == "":
			if !errors.Is(err, errBadCursor) {
				t.Fatalf("cursor without id: %v, want errBadCursor", err)
			}
		case len(in.encode()) > maxTokenBytes:
			if err == nil {
				t.Fatalf("token of %d bytes accepted", len(in.encode()))
			}
		case utf8.ValidString(id) && utf8.ValidString(q):
			if err != nil || !ok || got != in {
				t.Fatalf("round trip of %+v: %+v, %v, %v", in, got, ok, err)
			}
		}
	})
}
