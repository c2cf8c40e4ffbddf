package secrets

import (
	"encoding/base64"
	"hash/crc32"
	"slices"
	"strings"
	"testing"
)

// Fake secrets of the newer kinds, built at run time so that no literal
// token sits in the source. None of them is real.
var (
	ghBody         = "Zq8Lx2Vb7Nw4Kt1Rp9Hs3Jd6Fg0Ym5"
	fakeGHPValid   = "ghp_" + ghBody + encode62(crc32.ChecksumIEEE([]byte(ghBody)))
	fakeGHPInvalid = "ghp_" + ghBody + "AAAAAA"
	fakeGitLab     = "glpat-" + "xY7kLm2Qp9Rt4Vw8Zs1B"
	fakeDiscordID  = base64.RawStdEncoding.EncodeToString([]byte("812345678901234567"))
	fakeDiscord    = fakeDiscordID + ".G7hK2a." + "Qx9Lm3Vt8Rw2Zp5Ks1Hd7Fj4Nb6Yc0Ua3e"
	fakeDiscordWH  = "https://discord.com/api/webhooks/112233445566778899/" + "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6kL9nP2rS5uV8xA1dG4jM7pR0tW3"
	fakeTelegram   = "1234567890:AA" + "Hk3Lm9Qz2Rt7Vx4Bn8Cs1Df6Gj0Kp5Wy3e"
	fakeStripe     = "sk_" + "live_" + "51Hx9Lm2Qp7Rt4Vw8Zs1Bn6Cd3"
	fakeStripeRK   = "rk_" + "live_" + "51Hx9Lm2Qp7Rt4Vw8Zs1Bn6Cd3"
	fakeTwilio     = "SK" + "0f9e8d7c6b5a49382716a5b4c3d2e1f0"
	fakeSendGrid   = "SG." + "aB3dE6gH9jK2mN5pQ8sT1v" + "." + "Wx4yZ7bC0eF3hJ6kL9nP2rS5uV8xA1dG4jM7pR0tW3q"
	fakeMailgun    = "key-" + "3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e"
	fakeNPM        = "npm_" + "Qx9Lm3Vt8Rw2Zp5Ks1Hd7Fj4Nb6Yc0Ua3eT7"
	fakePyPI       = "pypi-" + "AgEIcHlwaS5vcmcCJDk4ZjY5ZTE3LWE1NjItNDgzYy1hNWQ2LTRiNTVkNzQ0NTI5ZQACKlszLCJ"
	fakeDocker     = "dckr_pat_" + "Qx9Lm3Vt8Rw2Zp5Ks1Hd7Fj4Nb6"
	fakeAnthropic  = "sk-" + "ant-api03-" + "Qx9Lm3Vt8Rw2Zp5Ks1Hd7Fj4Nb6Yc0Ua3eT7Lm2Qp9Rt4Vw8Zs1Bn6Cd3"
	fakeOpenAI     = "sk-" + "proj-" + "Qx9Lm3Vt8Rw2Zp5Ks1Hd7Fj4Nb6Yc0Ua3eT7Lm2Qp9Rt4Vw8"
	fakeOpenAIOld  = "sk-" + "Qx9Lm3Vt8Rw2Zp5Ks1HdT3BlbkFJ7Fj4Nb6Yc0Ua3eT7Lm2Qp"
	fakeHF         = "hf_" + "QxLmVtRwZpKsHdFjNbYcUaeTLmQpRtVwZs"
	fakeShopify    = "shpat_" + "9c1e4b7a2d5f8e0b3a6c9d2e5f8a1b4c"
	fakeGoogle     = "AIza" + "SyD3x9Lm2Qp7Rt4Vw8Zs1Bn6Cd0Fg5Hj3Kl"
	fakeAzure      = "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=" + strings.Repeat("Qx9Lm3Vt8Rw2Zp5Ks1Hd7Fj4", 3) + "Nb6Yc0Ua3eT7Lm2Qp9Rt4Vw8==;EndpointSuffix=core.windows.net"
	fakeGCP        = `{"type":"service_account","project_id":"acme","private_key_id":"` + "3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a" + `","private_key":"-----BEGIN ` + `PRIVATE KEY-----\nMIIEvQIBADANBgkq\n-----END PRIVATE KEY-----\n","client_email":"bot@acme.iam.gserviceaccount.com"}`
	fakePGP        = "-----BEGIN PGP " + "PRIVATE KEY BLOCK-----\n\nlQOYBGXabc\n-----END PGP PRIVATE KEY BLOCK-----"
	fakeBadJWT     = "eyJub3RoaW5nIjoiaGVyZSJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0" + ".sig"
)

func TestNewKinds(t *testing.T) {
	r := NewRedactor()
	tests := []struct {
		name string
		in   string
		want []string // Kinds
		gone string   // must not survive Redact
	}{
		{"github valid checksum", "auth " + fakeGHPValid, []string{KindGitHubToken}, fakeGHPValid},
		{"github invalid checksum still counts", "auth " + fakeGHPInvalid, []string{KindGitHubToken}, fakeGHPInvalid},
		{"gitlab", "PRIVATE-TOKEN: " + fakeGitLab, []string{KindGitLabToken}, fakeGitLab},
		{"discord bot token", "Authorization: Bot " + fakeDiscord, []string{KindDiscordToken}, fakeDiscord},
		{"discord webhook", "post to " + fakeDiscordWH, []string{KindDiscordWebhook}, fakeDiscordWH},
		{"telegram", "https://api.telegram.org/bot" + fakeTelegram + "/sendMessage", []string{KindTelegramBotToken}, fakeTelegram},
		{"stripe secret", "STRIPE=" + fakeStripe, []string{KindStripeKey}, fakeStripe},
		{"stripe restricted", fakeStripeRK, []string{KindStripeKey}, fakeStripeRK},
		{"twilio api key", "sid " + fakeTwilio, []string{KindTwilioKey}, fakeTwilio},
		{"sendgrid", "Bearer " + fakeSendGrid, []string{KindSendGridKey}, fakeSendGrid},
		{"mailgun", "api:" + fakeMailgun, []string{KindMailgunKey}, fakeMailgun},
		{"npm", "//registry.npmjs.org/:_authToken=" + fakeNPM, []string{KindNPMToken}, fakeNPM},
		{"pypi", "password = " + fakePyPI, []string{KindPyPIToken}, fakePyPI},
		{"docker hub", "docker login -p " + fakeDocker, []string{KindDockerHubToken}, fakeDocker},
		{"anthropic", "x-api-key: " + fakeAnthropic, []string{KindAnthropicKey}, fakeAnthropic},
		{"openai project", "OPENAI_API_KEY=" + fakeOpenAI, []string{KindOpenAIKey}, fakeOpenAI},
		{"openai legacy", "key " + fakeOpenAIOld, []string{KindOpenAIKey}, fakeOpenAIOld},
		{"hugging face", "HF_TOKEN " + fakeHF, []string{KindHuggingFaceToken}, fakeHF},
		{"shopify admin token", "X-Shopify-Access-Token: " + fakeShopify, []string{KindShopifyToken}, fakeShopify},
		{"google api key", "https://maps.googleapis.com/maps/api/geocode/json?key=" + fakeGoogle, []string{KindGoogleAPIKey}, fakeGoogle},
		{"azure connection string", fakeAzure, []string{KindAzureStorageKey}, "Qx9Lm3Vt8Rw2Zp5Ks1Hd7Fj4Qx9"},
		{"gcp service account json", fakeGCP, []string{KindPrivateKey, KindGCPServiceAccount}, "3f9a1c7e5b2d4f6a8c0e"},
		{"pgp private key", fakePGP, []string{KindPrivateKey}, "lQOYBGXabc"},
		{"url password", "git clone https://deploy:Tr0ub4dor3x@git.example.com/acme/app.git", []string{KindURLCredentials}, "Tr0ub4dor3x"},
		{"password assignment random", "connect with password=Xk9#mQ2$vL7p", []string{KindSecretAssignment}, "Xk9#mQ2$vL7p"},
		{"api_key assignment random", "api_key: 7Hq2LmZ9xVb4Rt1N", []string{KindSecretAssignment}, "7Hq2LmZ9xVb4Rt1N"},
		{"jwt without alg header still counts", "Bearer " + fakeBadJWT, []string{KindJWT}, "eyJzdWIiOiIxMjM0NTY3ODkwIn0"},

		// Hard negatives: public values, placeholders, look-alikes.
		{"stripe publishable key is public", "pk_" + "live_51Hx9Lm2Qp7Rt4Vw8Zs1Bn6Cd3", nil, ""},
		{"sk- in a hyphenated word", "use scikit sk-learn-based-classifier-pipeline-v2 here", nil, ""},
		{"sha256 hex", "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", nil, ""},
		{"uuid", "id 123e4567-e89b-12d3-a456-426614174000", nil, ""},
		{"password word", "password=hunter22", nil, ""},
		{"password placeholder", "password=${DB_PASSWORD} token=<your-token> api_key=xxxxxxxxxxxx", nil, ""},
		{"password env reference", "api_key=process.env.OPENAI_KEY", nil, ""},
		{"url without password", "https://git@github.com/acme/app.git and ssh://user@host", nil, ""},
		{"url placeholder password", "postgres://user:${PGPASSWORD}@db:5432/app", nil, ""},
		{"slack webhook placeholder", "SLACK_WEBHOOK_URL=https://hooks.slack.com/services/XXX/YYY/ZZZ", nil, ""},
		{"url development default on localhost", "DATABASE_URL=postgres://postgres:postgres@localhost:5432/app_dev", nil, ""},
		{"url user as password on a compose service", "amqp://guest:guest@rabbitmq:5672/", nil, ""},
		{"url default password on a remote host", "mysql://ops:root@db1.prod.example.net/app", []string{KindURLCredentials}, "root"},
		{"glpat too short", "glpat-short", nil, ""},
		{"hf prose", "the hf_ prefix is documented", nil, ""},
		{"version with dots", "v1.2.3 and package.json.lock.backup.old.file.name", nil, ""},
		{"telegram-like time", "12:30 AAA meeting", nil, ""},
		{"key- in prose", "press key-a to continue", nil, ""},

		// Formats whose real values carry long runs of one character
		// (base64 of zero bytes in an OpenSSH key, a macaroon) stay
		// secrets.
		{"openssh key with runs of A", "-----BEGIN OPENSSH " + "PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBq8Zr2Lm4Xv7Tc1Wd9Pe3Hs6Kb0Nf5Jg8Qa2Ry4Ui7OAAAAJhM3x\n-----END OPENSSH PRIVATE KEY-----", []string{KindPrivateKey}, "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB"},
		{"pypi macaroon with a run", "password = pypi-AgEIcHlwaS5vcmcAAAAAAAAAAAAAJDk2ZjM1YjRhLTYxZjItNDc0ZC05OGE3LWNjMmE5ZjhhYTJlMAACKlsz", []string{KindPyPIToken}, "pypi-AgEIcHlwaS5vcmcAAAAAAAAAAAAA"},

		// Documentation and template stand-ins of real formats, and
		// references to a secret rather than its value.
		{"aws published example pair", "aws_access_key_id = AKIA" + "IOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY", nil, ""},
		{"github token template", "export GH_TOKEN=ghp_" + "your_token_goes_here_0123456789abc", nil, ""},
		{"stripe key of repeated x", "STRIPE_SECRET_KEY=sk_" + "live_XXXXXXXXXXXXXXXXXXXXXXXX", nil, ""},
		{"slack webhook template", "https://hooks.slack.com/services/T00000000/B00000000/" + "XXXXXXXXXXXXXXXXXXXXXXXX", nil, ""},
		{"openai key asking to be replaced", "OPENAI_API_KEY=sk-proj-" + "REPLACE_ME_WITH_YOUR_OWN_KEY", nil, ""},
		{"secrets manager arn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:" + "prod/checkout/session-key-Ab12Cd", nil, ""},
		{"ssm parameter arn with token segment", "valueFrom arn:aws:ssm:us-east-2:210987654321:token:" + "billing/Stripe-Api-9xQ", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.Kinds(tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Kinds(%q) = %v, want %v", tt.in, got, tt.want)
			}
			out := r.Redact(tt.in, nil)
			if tt.gone != "" && strings.Contains(out, tt.gone) {
				t.Errorf("Redact left %q in %q", tt.gone, out)
			}
			if tt.want == nil && out != tt.in {
				t.Errorf("Redact changed a text without secrets: %q", out)
			}
			for _, k := range tt.want {
				if !slices.Contains(AllKinds(), k) {
					t.Errorf("kind %q missing from AllKinds", k)
				}
			}
			// Markers the collector left count as the same kinds.
			if tt.want != nil {
				if again := r.Kinds(out); !slices.Equal(again, tt.want) {
					t.Errorf("Kinds(Redact()) = %v, want %v", again, tt.want)
				}
			}
		})
	}
}

func TestFind(t *testing.T) {
	r := NewRedactor()
	tests := []struct {
		name string
		in   string
		want []Match // Start/End checked through the text they cut
	}{
		{"verified github", "x " + fakeGHPValid + " y", []Match{{Kind: KindGitHubToken, Verified: true}}},
		{"unverified github", fakeGHPInvalid, []Match{{Kind: KindGitHubToken}}},
		{"verified jwt", "Bearer " + fakeJWT, []Match{{Kind: KindJWT, Verified: true}}},
		{"unverified jwt", fakeBadJWT, []Match{{Kind: KindJWT}}},
		{"verified discord", fakeDiscord, []Match{{Kind: KindDiscordToken, Verified: true}}},
		{"specific kind wins the overlap", `{"token":"` + fakeGHPValid + `"}`, []Match{{Kind: KindGitHubToken, Verified: true}}},
		{"marker", `{"k":"[REDACTED:npm_token]"}`, []Match{{Kind: KindNPMToken, Marker: true}}},
		{"two in order", fakeAWS + " then " + fakeSlack, []Match{{Kind: KindAWSAccessKey}, {Kind: KindSlackToken}}},
		{"none", "nothing to see", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.Find(tt.in)
			if len(got) != len(tt.want) {
				t.Fatalf("Find(%q) = %+v, want %d matches", tt.in, got, len(tt.want))
			}
			for i, m := range got {
				w := tt.want[i]
				if m.Kind != w.Kind || m.Verified != w.Verified || m.Marker != w.Marker {
					t.Errorf("match %d = %+v, want kind %s verified %v marker %v", i, m, w.Kind, w.Verified, w.Marker)
				}
				if m.Start < 0 || m.End > len(tt.in) || m.Start >= m.End {
					t.Fatalf("match %d offsets %d:%d out of range", i, m.Start, m.End)
				}
				// The span Find gives is what Redact replaces.
				if red := r.Redact(tt.in[m.Start:m.End], nil); !m.Marker && !strings.Contains(red, Marker(m.Kind)) && m.Kind != KindJSONSecret {
					t.Errorf("match %d text %q is not redacted as %s: %q", i, tt.in[m.Start:m.End], m.Kind, red)
				}
			}
		})
	}
}

func TestRandomish(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"Xk9#mQ2$vL7p", true},
		{"7Hq2LmZ9xVb4Rt1N", true},
		{"hunter22", false},
		{"password", false},
		{"aaaaaaaaaaaa", false},
		{"short1A", false},
		{"${SECRET_VALUE}", false},
		{"your_api_key_here", false},
		{"ABCDEFGHIJKL", false}, // one class
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Randomish(tt.in); got != tt.want {
				t.Fatalf("Randomish(%q) = %v, want %v (entropy %.2f)", tt.in, got, tt.want, Entropy(tt.in))
			}
		})
	}
}

func TestPlaceholder(t *testing.T) {
	tests := []struct {
		name string
		v    string
		want bool
	}{
		{"aws example key id", "AKIA" + "IOSFODNN7EXAMPLE", true},
		{"aws example secret", "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY", true},
		{"run of x", "ghp_" + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", true},
		{"run of zeros", "AKIA" + "0000000000000000", true},
		{"asks to be replaced", "sk_live_" + "ReplaceMeWithTheRealOne", true},
		{"your own", "hf_" + "Your_Own_Token_123", true},
		{"insert here", "xoxb-" + "paste-bot-token_here", true},
		{"random aws key id", "AKIA" + "R4TW2QZ7NXM3LP8V", false},
		{"random github token", fakeGHP, false},
		{"seven repeats are chance", "sk_test_" + "4eC39HqLyjWDarjtT1zdp7dcAAAAAAAb", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Placeholder(tt.v); got != tt.want {
				t.Errorf("Placeholder(%q) = %v, want %v", tt.v, got, tt.want)
			}
		})
	}
}

// TestMaskedJSONValues checks that a JSON member holding only mask
// characters is not a secret, while any real value of the same member is.
func TestMaskedJSONValues(t *testing.T) {
	r := NewRedactor()
	for _, c := range []struct {
		in     string
		secret bool
	}{
		{`{"username":"billing_app","password":"********","updated":"2025-09-01"}`, false},
		{`{"api_key":"••••••••"}`, false},
		{`{"password":"hunter2-but-longer"}`, true},
		{`{"client_secret":"x8Kq*2mP"}`, true},
	} {
		got := r.Redact(c.in, nil) != c.in
		if got != c.secret {
			t.Errorf("Redact(%s) redacted=%v, want %v", c.in, got, c.secret)
		}
	}
}
