package secrets

import (
	"encoding/json"
	"testing"
)

// FuzzRedact checks, for any text: Redact never panics; what it returns
// holds no secret in clear (Find sees only markers), so a second pass
// changes nothing; JSON text stays valid JSON; and Find's offsets are in
// range and ordered without overlap.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{
		`{"password":"hunter2","aws":"` + fakeAWS + `"}`, fakeJWT, fakePEM, fakeGHPValid, fakeDiscord, fakeAzure, fakeGCP,
		"https://user:" + "Xk9mQ2vL7p" + "@host/x", "api_key=7Hq2LmZ9xVb4Rt1N", fakeTelegram, "[REDACTED:jwt]",
	} {
		f.Add(s)
	}
	r := NewRedactor()
	f.Fuzz(func(t *testing.T, s string) {
		out := r.Redact(s, nil)
		for _, m := range r.Find(out) {
			if !m.Marker {
				t.Fatalf("Redact(%q) = %q leaves a %s at %d:%d", s, out, m.Kind, m.Start, m.End)
			}
		}
		if again := r.Redact(out, nil); again != out {
			t.Fatalf("second Redact changed %q to %q", out, again)
		}
		if json.Valid([]byte(s)) && !json.Valid([]byte(out)) {
			t.Fatalf("Redact broke JSON: %q -> %q", s, out)
		}
		last := 0
		for _, m := range r.Find(s) {
			if m.Start < last || m.End > len(s) || m.Start >= m.End {
				t.Fatalf("Find(%q) match %+v out of order or range", s, m)
			}
			last = m.End
		}
	})
}
