package detect

import (
	"strings"
	"testing"
)

func TestSecretFile(t *testing.T) {
	for _, tc := range []struct {
		path string
		want bool
	}{
		{"deploy/staging/values.secret.yaml", true},
		{"/home/ravi/app/.env", true},
		{".env.production", true},
		{"infra/prod.tfvars", true},
		{"~/.aws/credentials", true},
		{"certs/server.pem", true},
		{".env.example", false},
		{"docs/secrets.md", false},
		{"README.md", false},
		{"src/config.yaml", false},
	} {
		if got := secretFile(tc.path); got != tc.want {
			t.Errorf("secretFile(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}

func TestBlankBlobs(t *testing.T) {
	pdf := "JVBERi0xLjcKJeLjz9MKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4KZW5kb2JqCjIgMCBvYmoK"
	token := "ghs_16C7e42F292c6912E7710c838347Ae178B4a"
	long := strings.Repeat("QUJDRA", 200) // 1,200 base64 characters
	var got []string
	tokenCandidates("file: "+pdf+" token: "+token+" blob: "+long, func(v, kind string) { got = append(got, v) })
	for _, v := range got {
		if strings.HasPrefix(v, "JVBER") || strings.Contains(v, "QUJDRA") {
			t.Errorf("a file's base64 was taken for a token: %.40q", v)
		}
	}
	found := false
	for _, v := range got {
		found = found || strings.Contains(v, "ghs_16C7")
	}
	if !found {
		t.Errorf("the token was lost: %q", got)
	}
}
