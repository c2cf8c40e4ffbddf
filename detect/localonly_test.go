package detect

import "testing"

// TestLocalOnly: a read pointed only at the local machine is not
// untrusted content; any other host, or no URL at all, keeps the label.
func TestLocalOnly(t *testing.T) {
	cases := []struct {
		args map[string]any
		want bool
	}{
		{map[string]any{"url": "http://localhost:5173/signup"}, true},
		{map[string]any{"url": "http://127.0.0.1:8080/", "wait": "load"}, true},
		{map[string]any{"url": "http://app.localhost/"}, true},
		{map[string]any{"url": "https://news.example.com/a"}, false},
		{map[string]any{"urls": []any{"http://localhost:3000", "https://evil.example.net/x"}}, false},
		{map[string]any{"query": "localhost"}, false},
		{map[string]any{}, false},
	}
	for _, c := range cases {
		if got := localOnly(c.args); got != c.want {
			t.Errorf("localOnly(%v) = %v, want %v", c.args, got, c.want)
		}
	}
}
