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

func TestSlugIsNoToken(t *testing.T) {
	for _, w := range []string{"asset-pipeline-2025-10", "q3_report_final_v2", "release-notes-2026-12-01"} {
		if looksLikeToken(w) {
			t.Errorf("looksLikeToken(%q): a name of words and numbers", w)
		}
	}
	for _, w := range []string{"x7p3qz5mne2vtg4wdbq6ahk3ry", "sk-proj-9fK2mQxw0aT1vYp7cNu3RbE"} {
		if !looksLikeToken(w) {
			t.Errorf("looksLikeToken(%q) = false, want a token", w)
		}
	}
}

func TestCredentialValuesCommaNeedsQuotes(t *testing.T) {
	var got []string
	credentialValues("Les parties s'engagent à ne pas communiquer les mots de passe, données d'accès et autres informations. define('DB_PASSWORD', 'hunter2hunter2');", func(v, _ string) { got = append(got, v) })
	if len(got) != 1 || got[0] != "hunter2hunter2" {
		t.Errorf("credentialValues = %q, want only the quoted define value", got)
	}
}
