package secrets

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// Fake secrets, assembled so that no literal token sits in the source.
var (
	fakeAWS       = "AKIA" + "R4TW2QZ7NXM3LP8V"
	fakeAWSSecret = "k7Vq2Rt/9XmLp4Wz" + "8NcB3Hd6Jf1Gs0Yu5TeQaZrM"
	fakeGHP       = "ghp_" + strings.Repeat("a1B2", 9)
	fakePAT       = "github_pat_" + strings.Repeat("x9", 20)
	fakeSlack     = "xox" + "b-123456789012-abcdefABCDEF"
	fakeJWT       = "eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0" + ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
	fakePEM       = "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabc+/=\n-----END RSA PRIVATE KEY-----"
	fakePEMEsc    = `-----BEGIN ` + `PRIVATE KEY-----\nMIIEvQIBADANBgkq\nhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----`
)

func TestRedact(t *testing.T) {
	r := NewRedactor()
	tests := []struct {
		name      string
		in        string
		want      string
		wantKinds []string
		json      bool // input and output must be valid JSON
	}{
		{name: "nothing", in: `{"path":"/etc/hosts"}`, want: `{"path":"/etc/hosts"}`, json: true},
		{name: "empty", in: "", want: ""},
		{name: "aws key in text", in: "key " + fakeAWS + " here", want: "key [REDACTED:aws_access_key] here", wantKinds: []string{KindAWSAccessKey}},
		{name: "aws temp key", in: "ASIA" + "ABCDEFGHIJKLMNOP", want: "[REDACTED:aws_access_key]", wantKinds: []string{KindAWSAccessKey}},
		{name: "aws lookalike too short", in: "AKIA1234", want: "AKIA1234"},
		{name: "aws lookalike inside word", in: "XAKIA" + "R4TW2QZ7NXM3LP8VX", want: "XAKIA" + "R4TW2QZ7NXM3LP8VX"},
		{name: "github classic", in: `{"repo":"x","auth":"` + fakeGHP + `"}`, want: `{"repo":"x","auth":"[REDACTED:github_token]"}`, wantKinds: []string{KindGitHubToken}, json: true},
		{name: "github fine-grained", in: "use " + fakePAT, want: "use [REDACTED:github_token]", wantKinds: []string{KindGitHubToken}},
		{name: "github prefix alone", in: "ghp_short", want: "ghp_short"},
		{name: "slack", in: "slack=" + fakeSlack, want: "slack=[REDACTED:slack_token]", wantKinds: []string{KindSlackToken}},
		{name: "jwt", in: "Authorization: Bearer " + fakeJWT, want: "Authorization: Bearer [REDACTED:jwt]", wantKinds: []string{KindJWT}},
		{name: "pem in text", in: "before\n" + fakePEM + "\nafter", want: "before\n[REDACTED:private_key]\nafter", wantKinds: []string{KindPrivateKey}},
		{name: "pem escaped in json", in: `{"content":"` + fakePEMEsc + `","n":1}`, want: `{"content":"[REDACTED:private_key]","n":1}`, wantKinds: []string{KindPrivateKey}, json: true},
		{name: "pem unterminated in json", in: `{"content":"-----BEGIN OPENSSH ` + `PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA","x":2}`, want: `{"content":"[REDACTED:private_key]","x":2}`, wantKinds: []string{KindPrivateKey}, json: true},
		{name: "json password", in: `{"user":"bob","password":"hunter2"}`, want: `{"user":"bob","password":"[REDACTED:json_secret]"}`, wantKinds: []string{KindJSONSecret}, json: true},
		{name: "json member names any case and affix", in: `{"DB_Password" : "p", "client_secret":"s", "access_token":"t", "apiKey":"k"}`,
			want:      `{"DB_Password" : "[REDACTED:json_secret]", "client_secret":"[REDACTED:json_secret]", "access_token":"[REDACTED:json_secret]", "apiKey":"[REDACTED:json_secret]"}`,
			wantKinds: []string{KindJSONSecret, KindJSONSecret, KindJSONSecret, KindJSONSecret}, json: true},
		{name: "json secret with escapes", in: `{"secret":"a\"b\\c"}`, want: `{"secret":"[REDACTED:json_secret]"}`, wantKinds: []string{KindJSONSecret}, json: true},
		{name: "json secret non-string kept", in: `{"max_tokens":100,"token":null,"password":""}`, want: `{"max_tokens":100,"token":null,"password":""}`, json: true},
		{name: "members about a credential kept", in: `{"token_type":"bearer","tokenEndpoint":"https://idp.example/token","secret_name":"prod/db","password-policy":"min12","api_key_id":"k-17","access_token":"t"}`,
			want:      `{"token_type":"bearer","tokenEndpoint":"https://idp.example/token","secret_name":"prod/db","password-policy":"min12","api_key_id":"k-17","access_token":"[REDACTED:json_secret]"}`,
			wantKinds: []string{KindJSONSecret}, json: true},
		{name: "progressToken kept", in: `{"_meta":{"progressToken":"abc"}}`, want: `{"_meta":{"progressToken":"abc"}}`, json: true},
		{name: "specific kind wins over member name", in: `{"token":"` + fakeGHP + `"}`, want: `{"token":"[REDACTED:github_token]"}`, wantKinds: []string{KindGitHubToken}, json: true},
		{name: "several kinds", in: fakeAWS + " " + fakeSlack + " " + fakeJWT, want: "[REDACTED:aws_access_key] [REDACTED:slack_token] [REDACTED:jwt]",
			wantKinds: []string{KindAWSAccessKey, KindSlackToken, KindJWT}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.json && !json.Valid([]byte(tt.in)) {
				t.Fatalf("test input is not JSON: %s", tt.in)
			}
			var kinds []string
			got := r.Redact(tt.in, func(k string) { kinds = append(kinds, k) })
			if got != tt.want {
				t.Errorf("Redact()\n got  %s\n want %s", got, tt.want)
			}
			slices.Sort(kinds)
			want := slices.Clone(tt.wantKinds)
			slices.Sort(want)
			if !slices.Equal(kinds, want) {
				t.Errorf("kinds = %v, want %v", kinds, want)
			}
			if tt.json && !json.Valid([]byte(got)) {
				t.Errorf("output is not valid JSON: %s", got)
			}
		})
	}
}

func TestRedactNilCallback(t *testing.T) {
	if got := NewRedactor().Redact(fakeAWS, nil); got != Marker(KindAWSAccessKey) {
		t.Fatalf("got %q", got)
	}
}

func BenchmarkRedact(b *testing.B) {
	r := NewRedactor()
	clean := `{"path":"/home/user/project/src/main.go","content":"` + strings.Repeat("package main; func main() {} ", 100) + `"}`
	dirty := `{"path":"/tmp/x","password":"p","key":"` + fakeAWS + `"}`
	for _, bc := range []struct{ name, in string }{{"clean_3KB", clean}, {"dirty", dirty}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.in)))
			for b.Loop() {
				r.Redact(bc.in, nil)
			}
		})
	}
}

func TestKinds(t *testing.T) {
	r := NewRedactor()
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"clear text", "key " + fakeAWS + " and " + fakeGHP, []string{KindAWSAccessKey, KindGitHubToken}},
		{"markers the redactor left", r.Redact(`{"k":"`+fakeAWS+`","password":"x"}`, nil), []string{KindAWSAccessKey, KindJSONSecret}},
		{"aws secret key value", "aws_secret_access_key = " + fakeAWSSecret, []string{KindAWSSecretKey}},
		{"slack webhook", "https://hooks.slack.com/services/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", []string{KindSlackWebhook}},
		{"exempt member", `{"progressToken":"abc"}`, nil},
		{"none", "hello, AKIA is a prefix", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.Kinds(tt.in); !slices.Equal(got, tt.want) {
				t.Fatalf("Kinds(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
	// Everything Kinds finds in clear text, Redact masks.
	in := "aws_secret_access_key=" + fakeAWSSecret + " " + fakeSlack
	if got := r.Kinds(r.Redact(in, nil)); !slices.Equal(got, r.Kinds(in)) {
		t.Fatalf("kinds after redaction %v, before %v", got, r.Kinds(in))
	}
	if out := r.Redact(in, nil); strings.Contains(out, "wJalrXUtnFEMI") || strings.Contains(out, fakeSlack) {
		t.Fatalf("Redact left a secret: %s", out)
	}
}

func TestWithFingerprints(t *testing.T) {
	plain := NewRedactor()
	r := plain.WithFingerprints([]byte("k1"))
	tok := "ghp_" + strings.Repeat("a1B2", 9)
	other := "ghp_" + strings.Repeat("Z9y8", 9)
	a := r.Redact("token "+tok, nil)
	b := r.Redact(`{"body":"`+tok+`"}`, nil)
	c := r.Redact("token "+other, nil)
	d := plain.WithFingerprints([]byte("k2")).Redact("token "+tok, nil)
	ma := strings.TrimPrefix(a, "token ")
	kind, fp, ok := MarkerKind(ma)
	if !ok || kind != KindGitHubToken || len(fp) != FingerprintLen || strings.Contains(a, tok) {
		t.Fatalf("Redact = %q: kind %q fp %q ok %v", a, kind, fp, ok)
	}
	if !strings.Contains(b, ma) {
		t.Errorf("same secret, other text: %q does not hold %q", b, ma)
	}
	if strings.Contains(c, ma) || strings.Contains(d, ma) {
		t.Errorf("other secret or other key gave the same marker: %q, %q", c, d)
	}
	if got := r.Kinds(a); len(got) != 1 || got[0] != KindGitHubToken {
		t.Errorf("Kinds(%q) = %v", a, got)
	}
	if plain.Redact("token "+tok, nil) != "token "+Marker(KindGitHubToken) {
		t.Error("a Redactor without a key changed its markers")
	}
	if _, _, ok := MarkerKind("[REDACTED:]"); ok {
		t.Error("empty kind accepted")
	}
}
