package query

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"
)

func TestResolveRange(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 500, time.UTC)
	ns := func(t time.Time) uint64 { return uint64(t.UnixNano()) }
	tests := []struct {
		name       string
		start, end *timestamppb.Timestamp
		want       timeRange
		field      string
	}{
		{"defaults", nil, nil, timeRange{ns(now.Add(-24 * time.Hour)), ns(now)}, ""},
		{"end only", nil, timestamppb.New(now.Add(-time.Hour)), timeRange{ns(now.Add(-25 * time.Hour)), ns(now.Add(-time.Hour))}, ""},
		{"start only", timestamppb.New(now.Add(-48 * time.Hour)), nil, timeRange{ns(now.Add(-48 * time.Hour)), ns(now)}, ""},
		{"before 1970 clamps", timestamppb.New(time.Unix(-100, 0)), timestamppb.New(time.Unix(10, 0)), timeRange{0, 10e9}, ""},
		{"after 2106 clamps", timestamppb.New(now), timestamppb.New(time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)), timeRange{ns(now), maxUnixSeconds * 1e9}, ""},
		{"start after end", timestamppb.New(now), timestamppb.New(now.Add(-time.Second)), timeRange{}, "start_time"},
		{"start equals end", timestamppb.New(now), timestamppb.New(now), timeRange{}, "start_time"},
		{"invalid end", nil, &timestamppb.Timestamp{Nanos: -1}, timeRange{}, "end_time"},
		{"invalid start", &timestamppb.Timestamp{Seconds: 1 << 62}, nil, timeRange{}, "start_time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := resolveRange(tt.start, tt.end, now)
			if tt.field != "" {
				if status.Code(err) != codes.InvalidArgument || !containsField(err, tt.field) {
					t.Fatalf("got %v, want INVALID_ARGUMENT naming %s", err, tt.field)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestRangeArgs(t *testing.T) {
	r := timeRange{startNs: uint64(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC).UnixNano()), endNs: uint64(time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC).UnixNano())}
	got := r.args()
	want := []any{"2026-11-19", "2026-11-21", r.startNs / 1e9, r.endNs/1e9 - 1, r.startNs, r.endNs}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("args[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	if got := (timeRange{startNs: 0, endNs: 1}).args(); got[0] != "1970-01-01" {
		t.Fatalf("day before 1970: %v", got[0])
	}
}

func TestPageSize(t *testing.T) {
	tests := []struct {
		in   int32
		want int
		ok   bool
	}{{0, 100, true}, {1, 1, true}, {1000, 1000, true}, {1001, 0, false}, {-1, 0, false}}
	for _, tt := range tests {
		got, err := pageSize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("pageSize(%d) = %d, %v", tt.in, got, err)
		}
		if err != nil && !containsField(err, "page_size") {
			t.Errorf("pageSize(%d) error %v does not name page_size", tt.in, err)
		}
	}
}

func TestCursor(t *testing.T) {
	q := filterHash("ListAlerts", "a")
	tok := cursor{T: 42, ID: "x", Q: q}.encode()
	tests := []struct {
		name, token, q string
		want           cursor
		ok, fail       bool
	}{
		{"round trip", tok, q, cursor{T: 42, ID: "x", Q: q}, true, false},
		{"empty", "", q, cursor{}, false, false},
		{"not base64", "!!", q, cursor{}, false, true},
		{"not json", "bm90IGpzb24", q, cursor{}, false, true},
		{"no id", cursor{T: 1, Q: q}.encode(), q, cursor{}, false, true},
		{"other query", tok, filterHash("ListAlerts", "b"), cursor{}, false, true},
		// Tokens encode did not make are refused even when they decode.
		{"unknown member", b64(`{"t":42,"id":"x","q":"` + q + `","x":1}`), q, cursor{}, false, true},
		{"key case", b64(`{"T":42,"ID":"x","Q":"` + q + `"}`), q, cursor{}, false, true},
		{"white space", b64(`{"t": 42,"id":"x","q":"` + q + `"}`), q, cursor{}, false, true},
		{"padded base64", base64.URLEncoding.EncodeToString([]byte(`{"t":42,"id":"x","q":"` + q + `"}`)), q, cursor{}, false, true},
		{"too long", tok + strings.Repeat("A", maxTokenBytes), q, cursor{}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := decodeCursor(tt.token, tt.q)
			if (err != nil) != tt.fail || ok != tt.ok || got != tt.want {
				t.Fatalf("got %v %v %v", got, ok, err)
			}
		})
	}
	if filterHash("ab", "c") == filterHash("a", "bc") {
		t.Fatal("filterHash ignores part boundaries")
	}
}

// b64 is base64url without padding, as encode writes.
func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	if err := (Config{}).Validate(); err == nil {
		t.Fatal("zero query_timeout accepted")
	}
}

// containsField reports whether err's BadRequest detail names field.
func containsField(err error, field string) bool {
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				if v.GetField() == field {
					return true
				}
			}
		}
	}
	return false
}
