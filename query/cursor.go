package query

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"hash/fnv"
	"strconv"
)

// errBadCursor is returned by decodeCursor for any token it cannot accept.
var errBadCursor = errors.New("malformed page token")

// cursor is the keyset position a page token carries: the sort key of the
// last item returned (time in Unix nanoseconds and the item id) and a hash of
// the request filters, so a token is only accepted by the query that made it.
type cursor struct {
	// T is the last item's sort time in Unix nanoseconds.
	T uint64 `json:"t"`
	// ID is the last item's id (event, alert or session id).
	ID string `json:"id"`
	// Q is filterHash of the request that produced the token.
	Q string `json:"q"`
}

// encode returns c as base64url (unpadded) JSON.
func (c cursor) encode() string {
	b, _ := json.Marshal(c) // cannot fail: plain struct of strings and ints
	return base64.RawURLEncoding.EncodeToString(b)
}

// maxTokenBytes bounds a page token: encode never makes one near this long
// (ids are UUIDs or rule-derived hashes), so longer ones are refused before
// any decoding.
const maxTokenBytes = 4096

// decodeCursor parses a page token made by encode for a request whose filters
// hash to q. The empty token yields ok=false and no error. Only tokens that
// encode produced are accepted: the decoded cursor must encode back to the
// very same token, which refuses unknown or re-ordered JSON members,
// different letter case in the keys, white space and non-canonical base64.
func decodeCursor(token, q string) (c cursor, ok bool, err error) {
	if token == "" {
		return cursor{}, false, nil
	}
	if len(token) > maxTokenBytes {
		return cursor{}, false, errBadCursor
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return cursor{}, false, errBadCursor
	}
	if err := json.Unmarshal(b, &c); err != nil || c.ID == "" || c.encode() != token {
		return cursor{}, false, errBadCursor
	}
	if c.Q != q {
		return cursor{}, false, errors.New("page token belongs to a different query")
	}
	return c, true, nil
}

// filterHash returns a short hash of the parts that define a query (method
// and filters, not the page size or token), used to bind page tokens to it.
func filterHash(parts ...string) string {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(strconv.Itoa(len(p))))
		h.Write([]byte{':'})
		h.Write([]byte(p))
	}
	return strconv.FormatUint(h.Sum64(), 36)
}
